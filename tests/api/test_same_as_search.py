"""The API and the search page are one definition: the same question gives the same services."""

import pytest

from directory.filters import ALL_AUDIENCES
from directory.models import FocusKind, Service
from opendata.oruk import service_id
from opendata.taxonomies import stable_id

pytestmark = pytest.mark.django_db


def api_slugs(client, **params):
    response = client.get("/api/oruk/services", {"per_page": 200, **params})
    assert response.status_code == 200, response.content
    by_id = {service_id(s): s.slug for s in Service.objects.all()}
    return sorted(by_id[item["id"]] for item in response.json()["contents"])


def search_page_slugs(client, **params):
    # The API lists every status and every audience unless asked; the search page is asked the same.
    response = client.get("/services/", {"status": "all", "audience": ALL_AUDIENCES, **params})
    assert response.status_code == 200
    return sorted(service.slug for service in response.context["page"].paginator.object_list)


@pytest.mark.parametrize(
    "api,page",
    [
        ({"text": "Drive"}, {"q": "Drive"}),
        ({"search": "stalking"}, {"q": "stalking"}),
        ({"taxonomy_term_id": stable_id("risk-level", "high")}, {"risk": "high"}),
        ({"taxonomy_term_id": stable_id("referral-route", "self-referral")}, {"route": "self-referral"}),
        ({"taxonomy_term_id": stable_id("tier", "high_harm")}, {"tier": "high_harm"}),
        ({"taxonomy_term_id": stable_id("format", "group")}, {"format": "group"}),
        ({"taxonomy_term_id": stable_id("attendance", "voluntary")}, {"attendance": "voluntary"}),
        (
            {"text": "children", "taxonomy_term_id": stable_id("risk-level", "medium")},
            {"q": "children", "risk": "medium"},
        ),
        ({"area": "cardiff", "text": "group"}, {"area": "cardiff", "q": "group"}),
        ({"taxonomy_term_id": stable_id("audience", "partners")}, {"audience": "partners"}),
        ({"taxonomy_term_id": stable_id("harm", "sexual")}, {"harm": "sexual"}),
    ],
)
def test_the_api_answers_as_the_search_page_does(client, api, page):
    expected = search_page_slugs(client, **page)
    assert expected, "the question should have answers in the real directory"
    assert api_slugs(client, **api) == expected


def test_a_taxonomy_id_finds_services_with_any_of_its_terms(client):
    with_risk = sorted(Service.objects.referable().exclude(risk_levels=None).values_list("slug", flat=True).distinct())
    assert api_slugs(client, taxonomy_id=stable_id("risk-level")) == with_risk
    assert len(with_risk) < Service.objects.referable().count()


@pytest.mark.parametrize("kind", [FocusKind.AUDIENCE, FocusKind.HARM])
def test_a_taxonomy_id_over_focus_rows_lists_each_service_once(client, kind):
    # A service states several audiences or harms: asked for "any term", it is listed once, not once per row.
    stated = Service.objects.referable().filter(focus__kind=kind, focus__applies=True)
    assert stated.count() > stated.distinct().count(), "the real directory has services stating several"
    slug = {FocusKind.AUDIENCE: "audience", FocusKind.HARM: "harm"}[kind]
    assert api_slugs(client, taxonomy_id=stable_id(slug)) == sorted(stated.values_list("slug", flat=True).distinct())


def test_filters_combine_with_and(client):
    high = set(api_slugs(client, taxonomy_term_id=stable_id("risk-level", "high")))
    group = set(api_slugs(client, taxonomy_term_id=stable_id("format", "group")))
    both = api_slugs(client, taxonomy_term_id=stable_id("risk-level", "high"), format="group")
    assert both == sorted(high & group)


def test_an_unknown_term_finds_nothing(client):
    assert api_slugs(client, taxonomy_term_id="00000000-0000-0000-0000-000000000000") == []


def test_modified_after_uses_the_history(client):
    service = Service.objects.referable().order_by("slug").first()
    service.summary = service.summary + " "
    service.save()
    assert api_slugs(client, modified_after="2000-01-01T00:00:00Z") == [service.slug]
    assert api_slugs(client, modified_after="2999-01-01T00:00:00Z") == []
