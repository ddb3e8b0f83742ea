"""Editorial pages under /admin/ (staff only, through the admin's own login); see site_urls.py."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "editorial"

urlpatterns = [
    path("review/", admin.site.admin_view(views.review_list), name="review-list"),
    path("review/<int:pk>/", admin.site.admin_view(views.review_detail), name="review-detail"),
    path("directory-health/", admin.site.admin_view(views.dashboard), name="dashboard"),
    path(
        "directory-health/<int:pk>/evidence/",
        admin.site.admin_view(views.stale_evidence),
        name="stale-evidence",
    ),
    path(
        "history/<slug:app_label>/<slug:model_name>/<int:history_id>/undo/",
        admin.site.admin_view(views.undo_change),
        name="undo-change",
    ),
]
