"""The Open data page says what is published, under which licence, and how to use the API, in both languages."""

import pytest

from opendata.taxonomies import stable_id

pytestmark = pytest.mark.django_db


def test_the_page_in_english(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    for text in [
        '<h1 class="govuk-heading-xl">Open data</h1>',
        "Open Government Licence v3.0",
        'href="/api/oruk/services"',
        'href="/api/oruk/openapi.json"',
        'href="/api/oruk/datapackage.zip"',
        f"/api/oruk/services?area=cardiff&amp;taxonomy_term_id={stable_id('risk-level', 'high')}",
        "<li>Risk level</li>",
        "Comparator services elsewhere in the UK are not published.",
    ]:
        assert text in response.content.decode(), text
    assert "Data agored" not in response.content.decode()


def test_the_page_in_welsh(client):
    client.post("/i18n/setlang/", {"language": "cy", "next": "/open-data/"})
    response = client.get("/open-data/")
    content = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Data agored</h1>' in content
    assert "Sut i ddefnyddio'r API" in content
    assert "<li>Lefel risg</li>" in content
    assert "How to use the API" not in content


def test_every_page_links_to_it(client):
    response = client.get("/glossary/")
    assert 'href="/open-data/"' in response.content.decode()


def test_api_names_follow_the_language_in_name_cy(client):
    term = client.get(f"/api/oruk/taxonomy_terms/{stable_id('tier', 'high_harm')}").json()
    assert term["name"] == "High harm"
    assert term["name_cy"] and term["name_cy"] != "High harm"
