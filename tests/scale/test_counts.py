"""Search and area pages' totals come from the cache only for the same query at the same data version."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regions.models import Area
from tests import factories

pytestmark = pytest.mark.django_db


def counts_run(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


# The area page itself is kept whole in the cache (``reader_page``): its page 1 under another address is computed
# again, and must read the total from the cache.
@pytest.mark.parametrize(
    "url, again_url", [("/services/?risk=high", "/services/?risk=high"), ("/areas/cardiff/", "/areas/cardiff/?page=1")]
)
def test_a_total_is_counted_once_per_data_version_and_is_right_after_an_edit(client, url, again_url):
    cache.clear()
    first, counted = counts_run(client, url)
    assert counted, "the first request counts"
    again, counted_again = counts_run(client, again_url)
    assert not counted_again, "the same query at the same data version is not counted again"
    assert again.context["page"].paginator.count == first.context["page"].paginator.count

    # An edit changes the data version: the next request counts afresh and shows the new total.
    factories.service(
        slug="counted-after-an-edit",
        areas=[Area.objects.get(slug="cardiff")],
        risk_levels=[factories.risk_level("high")],
    )
    after, counted_after = counts_run(client, url)
    assert counted_after
    assert after.context["page"].paginator.count == first.context["page"].paginator.count + 1


def test_a_different_filter_is_a_different_count(client):
    cache.clear()
    high = client.get("/services/?risk=high").context["page"].paginator.count
    every = client.get("/services/").context["page"].paginator.count
    assert 0 < high < every  # each query has its own count, not the other's from the cache


def test_the_data_version_is_read_once_per_reading_request_and_afresh_after_an_edit(client):
    from directory.models import DataVersion
    from directory.pagecache import current_version

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get("/services/?risk=high&area=cardiff")
    reads = [q for q in queries if DataVersion._meta.db_table in q["sql"]]
    assert len(reads) == 1, "the area select, the count and the risk counts share one read"
    before = current_version()
    factories.service(slug="an-edit")  # outside a request: read every time, and changed by the edit
    assert current_version() != before


def kinds(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    timeline_reads = [q for q in queries if "directory_statusevent" in q["sql"]]
    return {tier.value: running for tier, _label, running, _u in response.context["kinds"]}, timeline_reads


def test_the_home_page_counts_by_kind_once_per_data_version(client):
    cache.clear()
    first, read = kinds(client)
    assert read, "the first request reads the timeline"
    again, read_again = kinds(client)
    assert again == first and not read_again, "the same day at the same data version is not counted again"
    factories.service(slug="counted-on-the-home-page", tier="medium_risk")
    after, read_after = kinds(client)
    assert read_after
    assert after["medium_risk"] == first.get("medium_risk", 0) + 1


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"risk": "high"},
        {"q": "drive"},
        {"harm": "stalking", "risk": "medium"},
        {"status": "all", "area": "cardiff"},
    ],
)
def test_a_page_read_by_ids_is_the_page_read_in_one_query(query):
    from django.core.paginator import Paginator

    from directory.counts import CachedCountPaginator
    from directory.filters import ServiceFilter
    from directory.models import Service

    filterset = ServiceFilter(query, queryset=Service.objects.referable().for_list_page())
    assert filterset.is_valid()
    for number in (1, 2, 3):
        two_steps = CachedCountPaginator(filterset.qs, 7).get_page(number)
        one = Paginator(filterset.qs, 7).get_page(number)
        assert [s.slug for s in two_steps] == [s.slug for s in one], (query, number)
        assert [s.claim.text for s in two_steps] == [s.claim.text for s in one]
    assert len(list(CachedCountPaginator(filterset.qs, 7).get_page(1))) == min(7, filterset.qs.count())
