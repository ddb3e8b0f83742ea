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


# Search and area pages are kept whole in the cache (``reader_page``): page 1 under another address is computed
# again, and must read the total from the cache.
@pytest.mark.parametrize(
    "url, again_url",
    [("/services/?risk=high", "/services/?page=1&risk=high"), ("/areas/cardiff/", "/areas/cardiff/?page=1")],
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


# Ordered "stated first, then by name", a page is read as the slices of each group it reaches (``counts.Groups``).
GROUPED = [
    {"risk": "high"},
    {"risk": "standard", "area": "newport"},
    {"harm": "stalking"},
    {"harm": "stalking", "risk": "medium"},
    {"harm": "sexual", "risk": "high", "status": "all"},
    {"route": "self-referral", "risk": "high"},
    {"area": "newport", "harm": "stalking", "risk": "high"},
]


def grouped_pages_match_the_one_ordering(query, per_page):
    """Every page read a group at a time is the same rows, in the same order, as the one query's page; returns the
    groups' sizes and the pages where two groups meet."""
    from django.core.paginator import Paginator

    from directory.counts import CachedCountPaginator
    from directory.filters import ServiceFilter
    from directory.models import Service

    filterset = ServiceFilter(query, queryset=Service.objects.referable().for_list_page())
    assert filterset.is_valid()
    groups = filterset.groups()
    assert groups is not None, query
    one = Paginator(filterset.qs, per_page)
    grouped = CachedCountPaginator(filterset.qs, per_page, groups=groups)
    assert grouped.count == one.count == filterset.qs.count()
    assert grouped.num_pages == one.num_pages
    shown = []
    for number in one.page_range:  # every page, the last too
        page = list(grouped.page(number))
        expected = list(one.page(number))
        assert [s.slug for s in page] == [s.slug for s in expected], (query, number)
        assert [[getattr(s, name) for name in groups.names] for s in page] == [
            [getattr(s, name) for name in groups.names] for s in expected
        ]
        shown += page
    assert [s.slug for s in shown] == [s.slug for s in filterset.qs]  # each row once, none left out
    sizes = [size for _values, size in groups.in_order()]
    ends = [sum(sizes[: index + 1]) for index in range(len(sizes) - 1)]
    meeting = {end // per_page + 1 for end in ends if 0 < end < grouped.count and end % per_page}
    return sizes, meeting


# 100 generated services: the slow tier (make test, CI); the real directory alone stays in make test-fast.
@pytest.mark.parametrize("generated", [0, pytest.param(100, marks=pytest.mark.slow)])
def test_a_grouped_page_read_a_group_at_a_time_is_the_page_of_the_one_ordering(generated):
    from directory.synthetic import generate

    if generated:
        generate(generated, 12, seed=3)
    seen_meeting, seen_empty = False, False
    for query in GROUPED:
        for per_page in (3, 7, 20):
            sizes, meeting = grouped_pages_match_the_one_ordering(query, per_page)
            seen_meeting |= bool(meeting)
            seen_empty |= 0 in sizes
    assert seen_meeting, "some page holds the end of one group and the start of the next"
    assert seen_empty, "some search has an empty group"


def test_a_grouped_page_reads_its_ids_in_one_query_in_index_order(client):
    cache.clear()
    for url in ("/services/?risk=high", "/services/?risk=high&page=2", "/services/?harm=stalking&risk=medium"):
        client.get(url)  # the groups' sizes kept
        with CaptureQueriesContext(connection) as queries:  # an address the page is not kept at: computed
            response = client.get(url + "&again=1")
        assert response.status_code == 200
        ids = [q["sql"] for q in queries if "page_group" in q["sql"]]
        assert len(ids) == 1, url
        # Each group's slice ordered by name only: no EXISTS to sort by.
        assert "ORDER BY EXISTS" not in ids[0].upper()
        assert not [q for q in queries if "COUNT(" in q["sql"].upper()], "the total is the groups' sizes, kept"
