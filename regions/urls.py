from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("", views.area_list, name="area-list"),
    path("<slug:slug>/", views.area_detail, name="area-detail"),
]
