from django.conf import settings
from django.urls import include, path

from config import bench, health
from config.language import switch_language
from config.redirects import moved

# Each app owns its URL prefixes, and no two apps share one, so the order of the includes does not
# matter: directory "" (home, /services/, /organisations/, /glossary/, /areas/), commissioning
# /coverage/, referrals /find/, editorial /admin/ and /report-a-problem/, opendata /api/oruk/ and
# /open-data/. The README's layout section lists them.
urlpatterns = [
    # For the load balancer: this process answers / it can reach the database and cache.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # A link, not a form: no CSRF cookie on public pages (see config/language.py).
    path("i18n/setlang/", switch_language, name="set_language"),
    path("admin/", include("editorial.site_urls")),
    path("report-a-problem/", include("editorial.report_urls")),
    path("api/oruk/", include("opendata.urls")),
    path("open-data/", include("opendata.page_urls")),
    path("find/", include("referrals.urls")),
    path("coverage/", include("commissioning.urls")),
    path("", include("directory.urls")),
    # Where pages used to be (see config/redirects.py).
    path("funding/", moved("commissioning:funding")),
    path("standards/", moved("commissioning:standards")),
    path("services/<slug:slug>/referral-pack/", moved("referrals:referral-pack")),
    path("services/<slug:slug>/report-a-problem/", moved("reports:form")),
    path("services/<slug:slug>/report-a-problem/sent/", moved("reports:sent")),
]

if settings.BENCH_VIEWS:  # bench/run.py only: the bare view every page is measured against
    urlpatterns.insert(0, path("bench/bare/", bench.bare, name="bench-bare"))
