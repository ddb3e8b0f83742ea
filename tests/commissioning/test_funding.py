"""The funding page: counts by funding and kind, each linking to exactly the services it counts."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from directory.models import FundingLongevity, Service, Status
from tests import factories

pytestmark = pytest.mark.django_db

FUNDING = reverse("commissioning:funding")


def listed(client, url):
    """Every service the list at ``url`` shows, page by page, and the total it states."""
    slugs, page, total = [], 1, None
    while True:
        cache.clear()  # the view's own answer, with its context (not the page cache's copy)
        response = client.get(f"{url.replace('&amp;', '&')}&page={page}")
        assert response.status_code == 200, url
        slugs += [service.slug for service in response.context["services"]]
        total = response.context["page"].paginator.count
        if not response.context["page"].has_next():
            return slugs, total
        page += 1


def test_every_count_links_to_exactly_the_services_it_counts(client):
    response = client.get(FUNDING)
    body = response.content.decode()
    links = re.findall(r'href="(/coverage/funding/\?funding=[a-z_]+(?:&amp;tier=[a-z_]+)?)">(\d+)</a>', body)
    assert len(links) > 10
    for url, shown in links:
        slugs, total = listed(client, url)
        assert len(slugs) == len(set(slugs)) == total == int(shown), url
    # A cell's list is the services of that funding and kind, on today's timeline.
    annual = {s.slug for s in Service.objects.referable().filter(funding_longevity=FundingLongevity.ANNUAL)}
    url = next(url for url, _n in links if "funding=annual&amp;tier=" in url)
    tier = url.rsplit("=", 1)[1]
    slugs, _total = listed(client, url)
    assert set(slugs) <= annual
    assert {s.slug for s in Service.objects.referable().filter(slug__in=slugs, tier=tier)} == set(slugs)


def test_the_summary_page_lists_each_group_whole_when_it_is_short(client):
    cache.clear()
    response = client.get(FUNDING)
    totals = response.context["summary"].totals
    for group in ("fragile", "secure", "ended"):
        assert len(response.context[group]) == totals[group], group  # real Wales fits: the lists are whole
        slugs, total = listed(client, f"{FUNDING}?funding={group}")
        assert set(slugs) == {s.slug for s in response.context[group]} and total == totals[group]


def test_a_long_list_shows_its_first_part_and_links_to_the_rest(client, settings):
    for n in range(30):
        factories.service(slug=f"annual-{n:02}", funding_longevity=FundingLongevity.ANNUAL)
    response = client.get(FUNDING)
    total = response.context["summary"].totals["fragile"]
    assert len(response.context["fragile"]) == 25 < total
    assert f"The first 25 of {total}." in response.content.decode()
    slugs, listed_total = listed(client, f"{FUNDING}?funding=fragile")
    assert listed_total == total == len(set(slugs))
    assert {f"annual-{n:02}" for n in range(30)} <= set(slugs)


def test_ended_services_count_apart_whatever_their_funding(client):
    factories.service(
        slug="ended-multi-year",
        status=Status.DECOMMISSIONED,
        end_date=datetime.date(2023, 3, 31),
        funding_longevity=FundingLongevity.MULTI_YEAR,
    )
    response = client.get(FUNDING)
    assert "ended-multi-year" in {s.slug for s in response.context["ended"]}
    assert "ended-multi-year" not in {s.slug for s in response.context["secure"]}
    slugs, _total = listed(client, f"{FUNDING}?funding=multi_year")
    assert "ended-multi-year" not in slugs


@pytest.mark.parametrize("query", [{"funding": "lottery"}, {"tier": "nonsense"}, {"funding": "annual", "tier": "x"}])
def test_a_list_that_does_not_exist_is_a_clear_400(client, query):
    response = client.get(FUNDING, query)
    assert response.status_code == 400
    assert "Choose a kind of" in response.content.decode()


def test_a_page_past_the_end_shows_the_last_page(client):
    response = client.get(FUNDING, {"funding": "fragile", "page": "999"})
    assert response.status_code == 200 and response.context["page"].number == 1


def test_the_summary_counts_on_today_say_how_old_the_evidence_is(client, monkeypatch):
    """Counted on today's timeline, beyond the newest source: the page says so, as the home page does."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2026, 12, 1))
    body = client.get(reverse("commissioning:funding")).content.decode()
    assert "As the sources stand: the newest is 17 November 2023." in body
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2023, 11, 17))
    cache.clear()
    assert "As the sources stand" not in client.get(reverse("commissioning:funding")).content.decode()
