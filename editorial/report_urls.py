"""Under /report-a-problem/: the public's report about one service (namespace ``reports``)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("<slug:slug>/", views.report_problem, name="form"),
    path("<slug:slug>/sent/", views.report_sent, name="sent"),
]
