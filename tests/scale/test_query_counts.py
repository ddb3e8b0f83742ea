"""Every public page, API page and export runs the same number of queries with few and ~1,000 services.

The real directory (~80 services) is measured, then the synthetic generator adds 1,000 services
over 120 more areas and every page is measured again: on the real area, service and organisation,
and on synthetic ones (a synthetic council, a service there, the largest synthetic organisation, their force and board).
Timings belong to bench/run.py; this pins the query counts (SQLite and PostgreSQL).
"""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from directory.models import Organisation, Service, StandardsAssessment
from directory.synthetic import generate
from opendata.oruk import organisation_id, service_id
from opendata.taxonomies import DIMENSIONS, stable_id
from regions.models import Area, AreaKind

pytestmark = pytest.mark.django_db

# Each page with the names it is measured on ({area}, {service}, …: see ``names``). A "POST …" entry posts
# POSTS[entry] to its path. Every public URL the project serves is here (config/urls.py and each app's urls.py),
# but the admin's (tests/editorial/test_admin_queries.py).
PAGES = [
    # directory
    "/",
    "/services/",
    "/services/?area={area}&risk=high",
    "/services/?q=service",
    "/services/?risk=high",
    "/services/?route=self-referral",
    "/services/?harm=stalking",
    "/services/?status=all&page=2",
    "/services/?area={force}&tier=medium_risk&audience=all",
    "/services/?area={area}&format=group&status=all",
    "/services/{service}/",
    "/organisations/{organisation}/",
    "/glossary/",
    "/areas/",
    "/areas/{area}/",
    "/areas/{force}/",
    "/services/export.csv",
    "/services/export.csv?area={area}&risk=high",
    "/services/export.csv?q=service&status=all",
    # referrals
    "/find/",
    "POST /find/",
    *(f"POST /find/ show={section}" for section in ("fits", "check", "no", "partners", "processes", "helplines")),
    "/find/referral-pack/{service}/",
    # commissioning
    "/coverage/",
    "/coverage/?as_of=2020-11-01&compare=2023-11-17",
    # One grouping's matrix (with 1,000 more services over 120 more areas there are too many councils for one page).
    "/coverage/?group={force}",
    "/coverage/?group_by=health_board&group={board}&criminal_justice=exclude&pilots=exclude",
    "/coverage/?group_by=vawdasv_region&as_of=2020-11-01",
    # A cell's two lists (the services it counts, those listed apart) each skip their reads when empty, so each
    # cell is measured where its lists are empty or not alike at every size: Cardiff's high-risk cell lists both
    # (no synthetic council lists any apart), a prevention or partner-support cell only those it counts.
    "/coverage/cell/?area=cardiff&column=risk:high",
    "/coverage/cell/?area={area}&column=tier:prevention",
    "/coverage/cell/?area={area}&column=tier:partner_support&as_of=2020-11-01&pilots=exclude",
    "/coverage/matrix.csv",
    "/coverage/matrix.csv?group_by=health_board&as_of=2020-11-01&criminal_justice=exclude",
    "/coverage/gaps.csv",
    "/coverage/gaps.csv?group_by=vawdasv_region&pilots=exclude",
    "/coverage/funding/",
    "/coverage/funding/?funding=fragile",
    "/coverage/funding/?funding=fragile&page=2",
    "/coverage/funding/?funding=annual&tier=medium_risk",
    "/coverage/standards/",
    # opendata
    "/open-data/",
    "/api/oruk/",
    "/api/oruk/openapi.json",
    "/api/oruk/datapackage.zip",
    "/api/oruk/services",
    "/api/oruk/services?full=true",
    "/api/oruk/services?minimal=true&page=2&per_page=10",
    "/api/oruk/services?area={area}&taxonomy_term_id={term_id}",
    "/api/oruk/services/{service_id}",
    "/api/oruk/service_at_locations",
    "/api/oruk/service_at_locations/{service_id}",
    "/api/oruk/organizations",
    "/api/oruk/organizations/{organisation_id}",
    "/api/oruk/taxonomies",
    "/api/oruk/taxonomies/{taxonomy_id}",
    "/api/oruk/taxonomy_terms",
    "/api/oruk/taxonomy_terms?taxonomy_id={taxonomy_id}",
    "/api/oruk/taxonomy_terms/{term_id}",
    # editorial's public form
    "/report-a-problem/{service}/",
    "POST /report-a-problem/{service}/",
    "/report-a-problem/{service}/sent/",
    # config
    "/healthz",
    "/readyz",
    "/i18n/setlang/?language=cy&next=/services/",
    "/standards/",  # a moved page's redirect
]
CASE = {"area": "{area}", "risk": "high", "referrer": "social_worker"}
POSTS = {
    **{
        page: ("/find/", {**CASE, "show": page.partition("show=")[2]})
        for page in PAGES
        if page.startswith("POST /find/")
    },
    "POST /report-a-problem/{service}/": (
        "/report-a-problem/{service}/",
        {"topic": "out_of_date", "details": "The phone number has changed."},
    ),
}
# Pages answering other than 200 (the API's services at locations: the directory records no addresses).
STATUS = {
    "/api/oruk/service_at_locations/{service_id}": 404,
    "POST /report-a-problem/{service}/": 302,
    "/i18n/setlang/?language=cy&next=/services/": 302,
    "/standards/": 301,
}
# The most any page may run (the service page reads a service and each of its kinds of evidence).
MOST = 25


def names(area, service=None):
    """What the pages are measured on: a council (``area``); a service (``service``, or the first synthetic one
    the API publishes, there if there is one, with standards assessments as the real one has: the service page
    reads their items); an organisation (the service's, or the synthetic one with the most services: a query per
    service shows as a count unlike the real one's); the council's police force and health board; the API's ids."""
    council = Area.objects.get(slug=area)
    around = {kind: slug for slug, kind in council.within.values_list("slug", "kind")}
    services = Service.objects.referable().select_related("organisation")
    if service is None:
        assessed = Service.objects.filter(Exists(StandardsAssessment.objects.filter(service=OuterRef("pk"))))
        synthetic = services.filter(slug__startswith="synth-service-", pk__in=assessed).order_by("pk")
        chosen = synthetic.filter(areas=council).first() or synthetic.first()  # few services: one elsewhere
        organisation = (
            Organisation.objects.filter(slug__startswith="synth-org-", services__in=Service.objects.referable())
            .annotate(size=Count("services"))
            .order_by("-size", "pk")
            .first()
        )
    else:
        chosen = services.get(slug=service)
        organisation = chosen.organisation
    risk = DIMENSIONS[0]
    return {
        "area": area,
        "force": around[AreaKind.POLICE_FORCE_AREA],
        "board": around[AreaKind.HEALTH_BOARD],
        "service": chosen.slug,
        "organisation": organisation.slug,
        "service_id": service_id(chosen),
        "organisation_id": organisation_id(organisation),
        "taxonomy_id": risk.id,
        "term_id": stable_id(risk.slug, "high"),
    }


def count(client, page, on):
    def ask():
        if page in POSTS:
            path, data = POSTS[page]
            response = client.post(path.format(**on), {key: value.format(**on) for key, value in data.items()})
        else:
            response = client.get(page.format(**on))
        if response.streaming:
            b"".join(response.streaming_content)
        client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)  # the language switch's: every page in English
        return response

    # Once first: the timeline kept for this data version and date is filled on its first use (a fixed number of
    # queries at any size, tests/directory/test_timeline_day.py), so every page is measured with it filled.
    ask()
    cache.clear()  # measure the page computed, not served from the cache (nor throttled, nor over a report limit)
    with CaptureQueriesContext(connection) as queries:
        response = ask()
    assert response.status_code == STATUS.get(page, 200), page
    return len(queries)


def measure(client, on, pages=PAGES):
    return {page: count(client, page, on) for page in pages}


def unequal(*runs):
    """``{page: (count in each run)}`` for each page whose count differs between the runs."""
    return {page: tuple(run[page] for run in runs) for page in runs[0] if len({run[page] for run in runs}) > 1}


@pytest.mark.slow  # 1,000 services, every page measured 3 times; test_cheap_pages_do_not_grow is the fast tier's
def test_queries_per_page_do_not_grow_with_the_directory(client):
    few = measure(client, names("cardiff", "drive-cardiff-and-vale"))
    generate(1000, 120, seed=7)
    many = measure(client, names("cardiff", "drive-cardiff-and-vale"))
    # A synthetic council's pages list synthetic services; a synthetic service's and organisation's pages.
    many_synthetic = measure(client, names("synth-council-0"))
    grew = unequal(few, many, many_synthetic)
    assert not grew, f"queries (few, many, many on a synthetic area and service) changed: {grew}"
    too_many = {page: n for page, n in few.items() if n > MOST}
    assert not too_many


# Pages cheap to measure, run by make test-fast too (on the real directory, then with 60 more services).
CHEAP = [
    page
    for page in PAGES
    if page.startswith(("/organisations/", "/glossary/", "/areas/", "/find/referral-pack/", "/report-a-problem/"))
    or page.startswith(("/open-data/", "/api/oruk/service_at_locations", "/api/oruk/taxonom", "/healthz", "/readyz"))
    or page in ("/services/{service}/", "/api/oruk/", "/api/oruk/services/{service_id}")
    or page.startswith(("/api/oruk/organizations", "/i18n/", "/standards/", "POST /report-a-problem/"))
]


def test_cheap_pages_do_not_grow(client):
    few = measure(client, names("cardiff", "drive-cardiff-and-vale"), CHEAP)
    generate(60, 16, seed=7)
    more = measure(client, names("cardiff", "drive-cardiff-and-vale"), CHEAP)
    more_synthetic = measure(client, names("synth-council-0"), CHEAP)
    grew = unequal(few, more, more_synthetic)
    assert not grew, f"queries (few, 60 more, 60 more on a synthetic area and service) changed: {grew}"


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
    response.close()  # as the server does when a download ends early: the export's transaction is rolled back now
    assert re.match(r"slug,name,organisation", first)


def test_a_cards_reads_do_not_depend_on_its_routes():
    """``for_home_page`` (the organisation page, a coverage cell's lists) runs as many queries for services
    without a route as for those with one: each route's pathway is joined in, not read by a second prefetch."""

    def reads(services):
        with CaptureQueriesContext(connection) as queries:
            rows = list(services.for_home_page())
            assert all(route.pathway.name for row in rows for route in row.pathways.all())
        return rows, len(queries)

    without = list(Service.objects.filter(pathways=None).values_list("pk", flat=True)[:5])
    with_routes = list(Service.objects.exclude(pathways=None).values_list("pk", flat=True)[:5])
    rows_without, n_without = reads(Service.objects.filter(pk__in=without))
    rows_with, n_with = reads(Service.objects.filter(pk__in=with_routes))
    assert rows_without and not any(row.pathways.all() for row in rows_without)
    assert rows_with and all(row.pathways.all() for row in rows_with)
    assert n_without == n_with == 3  # the services (organisation joined), their risk levels, their routes
