from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("api/oruk/", views.ApiInfo.as_view(), name="api-info"),
    path("api/oruk/openapi.json", views.OpenApiDocument.as_view(), name="openapi"),
    path("api/oruk/datapackage.zip", views.DataPackage.as_view(), name="datapackage"),
    path("api/oruk/services", views.ServiceList.as_view(), name="service-list"),
    path("api/oruk/services/<str:id>", views.ServiceDetail.as_view(), name="service-detail"),
    path("api/oruk/service_at_locations", views.ServiceAtLocationList.as_view(), name="service-at-location-list"),
    path(
        "api/oruk/service_at_locations/<str:id>",
        views.ServiceAtLocationDetail.as_view(),
        name="service-at-location-detail",
    ),
    path("api/oruk/organizations", views.OrganisationList.as_view(), name="organisation-list"),
    path("api/oruk/organizations/<str:id>", views.OrganisationDetail.as_view(), name="organisation-detail"),
    path("api/oruk/taxonomies", views.TaxonomyList.as_view(), name="taxonomy-list"),
    path("api/oruk/taxonomies/<str:id>", views.TaxonomyDetail.as_view(), name="taxonomy-detail"),
    path("api/oruk/taxonomy_terms", views.TaxonomyTermList.as_view(), name="taxonomy-term-list"),
    path("api/oruk/taxonomy_terms/<str:id>", views.TaxonomyTermDetail.as_view(), name="taxonomy-term-detail"),
    path("open-data/", views.open_data_page, name="open-data"),
]
