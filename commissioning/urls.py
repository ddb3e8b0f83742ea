from django.urls import path

from . import views

app_name = "commissioning"

urlpatterns = [
    path("coverage/", views.coverage_page, name="coverage"),
    path("coverage/cell/", views.coverage_cell, name="coverage-cell"),
    path("coverage/matrix.csv", views.coverage_csv, {"kind": "matrix"}, name="coverage-matrix-csv"),
    path("coverage/gaps.csv", views.coverage_csv, {"kind": "gaps"}, name="coverage-gaps-csv"),
    path("funding/", views.funding, name="funding"),
    path("standards/", views.standards, name="standards"),
]
