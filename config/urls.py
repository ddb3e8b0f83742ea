from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # Before the admin: the review queue, dashboard and undo live under /admin/.
    path("", include("editorial.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("areas/", include("regions.urls")),
    path("", include("opendata.urls")),
    path("", include("referrals.urls")),
    path("", include("directory.urls")),
]
