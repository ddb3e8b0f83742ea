from django.contrib import admin
from django.urls import path

from . import views

app_name = "editorial"

urlpatterns = [
    path("services/<slug:slug>/report-a-problem/", views.report_problem, name="report-problem"),
    path("services/<slug:slug>/report-a-problem/sent/", views.report_sent, name="report-sent"),
    # Admin pages (staff only, through the admin's own login).
    path("admin/review/", admin.site.admin_view(views.review_list), name="review-list"),
    path("admin/review/<int:pk>/", admin.site.admin_view(views.review_detail), name="review-detail"),
    path("admin/directory-health/", admin.site.admin_view(views.dashboard), name="dashboard"),
    path(
        "admin/directory-health/<int:pk>/evidence/",
        admin.site.admin_view(views.stale_evidence),
        name="stale-evidence",
    ),
    path(
        "admin/history/<slug:app_label>/<slug:model_name>/<int:history_id>/undo/",
        admin.site.admin_view(views.undo_change),
        name="undo-change",
    ),
]
