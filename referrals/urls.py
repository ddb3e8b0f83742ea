"""Under /find/: the case matcher and each service's referral pack."""

from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.case_matcher, name="case-matcher"),
    path("referral-pack/<slug:slug>/", views.referral_pack, name="referral-pack"),
]
