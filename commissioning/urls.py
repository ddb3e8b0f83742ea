"""Under /coverage/: the matrix and map, one cell, the CSVs, funding and standards."""

from django.urls import path

from . import views

app_name = "commissioning"

urlpatterns = [
    path("", views.coverage_page, name="coverage"),
    path("cell/", views.coverage_cell, name="coverage-cell"),
    path("matrix.csv", views.coverage_csv, {"kind": "matrix"}, name="coverage-matrix-csv"),
    path("gaps.csv", views.coverage_csv, {"kind": "gaps"}, name="coverage-gaps-csv"),
    path("funding/", views.funding, name="funding"),
    path("standards/", views.standards, name="standards"),
]
