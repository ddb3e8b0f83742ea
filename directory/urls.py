from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.service_list, name="service-list"),
    path("services/", views.service_search, name="service-search"),
    path("services/export.csv", views.service_export, name="service-export"),
    path("services/<slug:slug>/", views.service_detail, name="service-detail"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("glossary/", views.glossary, name="glossary"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("coverage/cell/", views.coverage_cell, name="coverage-cell"),
    path("coverage/matrix.csv", views.coverage_csv, {"kind": "matrix"}, name="coverage-matrix-csv"),
    path("coverage/gaps.csv", views.coverage_csv, {"kind": "gaps"}, name="coverage-gaps-csv"),
    path("funding/", views.funding, name="funding"),
    path("standards/", views.standards, name="standards"),
]
