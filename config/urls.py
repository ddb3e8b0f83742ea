from django.contrib import admin
from django.urls import include, path

from config import health

urlpatterns = [
    # For the load balancer: this process answers / it can reach the database and cache.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Before the admin: the review queue, dashboard and undo live under /admin/.
    path("", include("editorial.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("areas/", include("regions.urls")),
    path("", include("opendata.urls")),
    path("", include("referrals.urls")),
    path("", include("directory.urls")),
]
