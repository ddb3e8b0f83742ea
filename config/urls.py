from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config import bench, health
from config.language import switch_language

urlpatterns = [
    # For the load balancer: this process answers / it can reach the database and cache.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Before the admin: the review queue, dashboard and undo live under /admin/.
    path("", include("editorial.urls")),
    path("admin/two-factor/", include("twofactor.urls")),
    path("admin/", admin.site.urls),
    # A link, not a form: no CSRF cookie on public pages (see config/language.py).
    path("i18n/setlang/", switch_language, name="set_language"),
    path("", include("opendata.urls")),
    path("", include("referrals.urls")),
    path("", include("commissioning.urls")),
    path("", include("directory.urls")),
]

if settings.BENCH_VIEWS:  # bench/run.py only: the bare view every page is measured against
    urlpatterns.insert(0, path("bench/bare/", bench.bare, name="bench-bare"))
