"""At /open-data/: the page that explains the open data (namespace ``open-data``)."""

from django.urls import path

from . import views

app_name = "open-data"

urlpatterns = [
    path("", views.open_data_page, name="page"),
]
