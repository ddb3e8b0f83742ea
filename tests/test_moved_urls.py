"""Pages that moved to their app's URL prefix: the old URL answers a permanent redirect to the new one,
so bookmarks and printed referral packs keep working (config/urls.py, config/redirects.py)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SLUG = "drive-cwm-taf-morgannwg"

MOVED = [
    ("/funding/", "/coverage/funding/"),
    ("/standards/", "/coverage/standards/"),
    (f"/services/{SLUG}/referral-pack/", f"/find/referral-pack/{SLUG}/"),
    (f"/services/{SLUG}/report-a-problem/", f"/report-a-problem/{SLUG}/"),
    (f"/services/{SLUG}/report-a-problem/sent/", f"/report-a-problem/{SLUG}/sent/"),
]


@pytest.mark.parametrize(("old", "new"), MOVED)
def test_an_old_url_redirects_permanently_to_the_new_one_which_answers(client, old, new):
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, new)
    assert client.get(new).status_code == 200


def test_the_new_urls_are_the_ones_the_pages_link_to():
    assert reverse("commissioning:funding") == "/coverage/funding/"
    assert reverse("commissioning:standards") == "/coverage/standards/"
    assert reverse("referrals:referral-pack", kwargs={"slug": SLUG}) == f"/find/referral-pack/{SLUG}/"
    assert reverse("reports:form", kwargs={"slug": SLUG}) == f"/report-a-problem/{SLUG}/"


def test_the_query_string_goes_along(client):
    response = client.get("/funding/?lang=cy&x=1")
    assert (response.status_code, response["Location"]) == (301, "/coverage/funding/?lang=cy&x=1")


def test_a_form_posted_to_the_old_url_keeps_its_method_and_body(client):
    """A report form rendered before the move posts to the old URL: 308, which the browser repeats as a POST."""
    response = client.post(f"/services/{SLUG}/report-a-problem/", {"topic": "other"})
    assert (response.status_code, response["Location"]) == (308, f"/report-a-problem/{SLUG}/")


def test_an_unknown_service_under_an_old_url_ends_in_a_404(client):
    response = client.get("/services/no-such-service/referral-pack/", follow=True)
    assert response.redirect_chain == [("/find/referral-pack/no-such-service/", 301)]
    assert response.status_code == 404
