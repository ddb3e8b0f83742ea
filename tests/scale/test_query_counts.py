"""Every public page, API list and export runs the same number of queries with few and ~1,000 services.

The real directory (~80 services) is measured, then the synthetic generator adds 1,000 services
over 120 more areas and every page is measured again, on the real area and on a synthetic one.
Timings belong to bench/run.py; this pins the query counts (SQLite and PostgreSQL).
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.synthetic import generate

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/services/",
    "/services/?area={area}&risk=high",
    "/services/?q=service",
    "/services/?risk=high",
    "/services/?route=self-referral",
    "/services/?harm=stalking",
    "/services/?status=all&page=2",
    "/services/{service}/",
    "/areas/{area}/",
    "POST /find/",
    "/coverage/",
    "/coverage/?as_of=2020-11-01&compare=2023-11-17",
    # One grouping's matrix (with 1,000 more services over 120 more areas there are too many councils for one page).
    "/coverage/?group=south-wales-police",
    "/coverage/matrix.csv",
    "/coverage/gaps.csv",
    "/coverage/funding/",
    "/coverage/funding/?funding=fragile&page=2",
    "/coverage/funding/?funding=annual&tier=medium_risk",
    "/coverage/standards/",
    "/services/export.csv",
    "/services/export.csv?area={area}&risk=high",
    "/api/oruk/services",
    "/api/oruk/services?full=true",
    "/api/oruk/datapackage.zip",
]
# The most any page may run (the service page reads a service and each of its kinds of evidence).
MOST = 25


def count(client, page, area, service):
    def ask():
        if page == "POST /find/":
            response = client.post("/find/", {"area": area, "risk": "high", "referrer": "social_worker"})
        else:
            response = client.get(page.format(area=area, service=service))
        if response.streaming:
            b"".join(response.streaming_content)
        return response

    # Once first: the timeline kept for this data version and date is filled on its first use (a fixed number of
    # queries at any size, tests/directory/test_timeline_day.py), so every page is measured with it filled.
    ask()
    cache.clear()  # measure the page computed, not served from the cache
    with CaptureQueriesContext(connection) as queries:
        response = ask()
    assert response.status_code == 200, page
    return len(queries)


def measure(client, area, service):
    return {page: count(client, page, area, service) for page in PAGES}


@pytest.mark.slow  # 1,000 services, every page measured 3 times; the fast tier pins pages with ~50 extra
def test_queries_per_page_do_not_grow_with_the_directory(client):
    few = measure(client, "cardiff", "drive-cardiff-and-vale")
    generate(1000, 120, seed=7)
    many = measure(client, "cardiff", "drive-cardiff-and-vale")
    # A synthetic council's pages list synthetic services (the service page stays the real one:
    # a service without, say, any disagreement skips that kind's nested read).
    many_synthetic = measure(client, "synth-council-0", "drive-cardiff-and-vale")
    grew = {
        page: (few[page], many[page], many_synthetic[page])
        for page in PAGES
        if len({few[page], many[page], many_synthetic[page]}) > 1
    }
    assert not grew, f"queries (few, many, many on a synthetic area) changed: {grew}"
    too_many = {page: n for page, n in few.items() if n > MOST}
    assert not too_many


def test_cached_commissioner_pages_run_one_query_when_warm(client, django_assert_num_queries):
    for page in (
        "/coverage/",
        "/coverage/matrix.csv",
        "/coverage/gaps.csv",
        "/coverage/cell/?area=cardiff&column=risk:high",
        "/coverage/funding/",
        "/coverage/standards/",
    ):
        cache.clear()
        first = client.get(page)
        if first.streaming:  # a streamed page (the CSVs) is kept once it has been sent whole
            b"".join(first.streaming_content)
        with django_assert_num_queries(1):  # the data version
            assert client.get(page).status_code == 200


def test_the_export_streams(client):
    response = client.get("/services/export.csv")
    assert response.streaming
    assert not response.has_header("Content-Length")
    first = next(iter(response.streaming_content)).decode()
    assert re.match(r"slug,name,organisation", first)
