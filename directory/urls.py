from django.urls import path

from . import area_views, views

app_name = "directory"

urlpatterns = [
    path("", views.service_list, name="service-list"),
    path("services/", views.service_search, name="service-search"),
    path("services/export.csv", views.service_export, name="service-export"),
    path("services/<slug:slug>/", views.service_detail, name="service-detail"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("glossary/", views.glossary, name="glossary"),
    path("areas/", area_views.area_list, name="area-list"),
    path("areas/<slug:slug>/", area_views.area_detail, name="area-detail"),
]
