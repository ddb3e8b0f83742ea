"""Everything under /admin/, which editorial owns: its own pages (review queue, dashboard, undo),
twofactor's sign-in steps, then the admin site of every model. The admin site's catch-all answers
any path it does not know, so it comes last."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("editorial.urls")),
    path("two-factor/", include("twofactor.urls")),
    path("", admin.site.urls),
]
