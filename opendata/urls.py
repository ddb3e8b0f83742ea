"""Under /api/oruk/: the Open Referral UK API (the page about it is page_urls.py, at /open-data/)."""

from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("", views.ApiInfo.as_view(), name="api-info"),
    path("openapi.json", views.OpenApiDocument.as_view(), name="openapi"),
    path("datapackage.zip", views.DataPackage.as_view(), name="datapackage"),
    path("services", views.ServiceList.as_view(), name="service-list"),
    path("services/<str:id>", views.ServiceDetail.as_view(), name="service-detail"),
    path("service_at_locations", views.ServiceAtLocationList.as_view(), name="service-at-location-list"),
    path(
        "service_at_locations/<str:id>",
        views.ServiceAtLocationDetail.as_view(),
        name="service-at-location-detail",
    ),
    path("organizations", views.OrganisationList.as_view(), name="organisation-list"),
    path("organizations/<str:id>", views.OrganisationDetail.as_view(), name="organisation-detail"),
    path("taxonomies", views.TaxonomyList.as_view(), name="taxonomy-list"),
    path("taxonomies/<str:id>", views.TaxonomyDetail.as_view(), name="taxonomy-detail"),
    path("taxonomy_terms", views.TaxonomyTermList.as_view(), name="taxonomy-term-list"),
    path("taxonomy_terms/<str:id>", views.TaxonomyTermDetail.as_view(), name="taxonomy-term-detail"),
]
