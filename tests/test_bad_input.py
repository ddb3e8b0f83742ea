"""Bad input gets a clear message and a 4xx, never a 500, at every public URL."""

import pytest
from django.urls import reverse

from tests.test_fuzz import HOSTILE

pytestmark = pytest.mark.django_db


# Hostile query strings at every public URL are a property in tests/test_fuzz.py, which keeps
# these hand-written values as examples.
def test_repeated_parameters_and_unknown_parameters_are_handled(client):
    response = client.get("/services/?area=cardiff&area=atlantis&colour=blue&risk=high&risk=")
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "url",
    [
        "/services/no-such-service/",
        "/find/referral-pack/no-such-service/",
        "/areas/atlantis/",
        "/organisations/nobody/",
        "/services/%00/",
        "/services/" + "a" * 500 + "/",
    ],
)
def test_unknown_things_are_a_404_in_plain_words(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_matcher_answers_are_form_errors(client, value):
    fields = ["area", "risk", "referrer", "marac", "justice", "gender", "age", "relationship", "children"]
    response = client.post(reverse("referrals:case-matcher"), {field: value for field in fields})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_glossary_terms_on_service_pages_link_to_the_glossary(client):
    body = client.get("/services/drive-cwm-taf-morgannwg/").content.decode()
    assert '<a class="govuk-link" href="/glossary/#marac"><abbr>MARAC</abbr></a>' in body
    assert "<script>" not in body


@pytest.mark.parametrize("page", ["99999999999999999999", str(2**63), "9" * 400, "%32", "0", "-1", "1e3", "x"])
def test_an_area_page_number_out_of_any_range_shows_a_page_never_a_500(client, page):
    """An area's pages are read before they are counted (``AreaPaginator.page``): a page number past what the
    database can hold as an offset (bigint on PostgreSQL, 64-bit on SQLite) was a 500 on an area's first request
    after an edit. It shows the last page, as any number past the end does."""
    from django.core.cache import cache

    cache.clear()  # the count not kept yet: the page is read first
    response = client.get(f"/areas/cardiff/?page={page}")
    assert response.status_code == 200
