"""Bad input gets a clear message and a 4xx, never a 500, at every public URL."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    " ",
    "\x00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%",
    "%%%",
    "../../etc/passwd",
    "ü" * 300,
    "-1",
    "9" * 40,
    "high&risk=medium",
]
PARAMS = ["q", "area", "risk", "route", "tier", "format", "attendance", "status", "page"]
GET_URLS = [
    "/",
    "/services/",
    "/services/export.csv",
    "/find/",
    "/areas/",
    "/areas/cardiff/",
    "/glossary/",
    "/services/drive-cwm-taf-morgannwg/",
    "/services/drive-cwm-taf-morgannwg/referral-pack/",
]


@pytest.mark.parametrize("url", GET_URLS)
@pytest.mark.parametrize("param", PARAMS)
def test_hostile_query_strings_never_cause_a_server_error(client, url, param):
    for value in HOSTILE:
        response = client.get(url, {param: value})
        assert response.status_code in (200, 400), (url, param, value, response.status_code)
        if response.status_code == 400:
            assert "There is a problem" in response.content.decode()


def test_repeated_parameters_and_unknown_parameters_are_handled(client):
    response = client.get("/services/?area=cardiff&area=atlantis&colour=blue&risk=high&risk=")
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "url",
    [
        "/services/no-such-service/",
        "/services/no-such-service/referral-pack/",
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
