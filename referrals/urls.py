from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("find/", views.case_matcher, name="case-matcher"),
    path("services/<slug:slug>/referral-pack/", views.referral_pack, name="referral-pack"),
]
