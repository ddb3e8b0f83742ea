from django.urls import path

from . import views

app_name = "twofactor"

urlpatterns = [
    path("set-up/", views.setup, name="setup"),
    path("verify/", views.verify, name="verify"),
    path("recovery-codes/", views.recovery_codes, name="recovery-codes"),
]
