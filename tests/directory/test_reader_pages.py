"""Service and area pages: read in a fixed number of queries, kept for anonymous readers until the data changes,
never shared with a signed-in editor."""

import pytest
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import Service
from directory.models.timeline import timeline_version
from regions.models import Area, AreaGraph
from tests import factories

pytestmark = pytest.mark.django_db

DRIVE = "/services/drive-cardiff-and-vale/"


def computed(response):
    """True when the view ran (a page from the cache carries no template context)."""
    return response.context is not None


def queries_for(client, url):
    cache.clear()  # the page computed, with nothing it reads from the cache
    timeline_version(timezone.localdate())  # but the day's kept timeline filled (its fill is counted on its own)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_service_page_reads_each_kind_of_evidence_in_one_query(client):
    # DRIVE has citations, status events, links both ways, a disagreement and a standards assessment (whose items
    # are one more query); a new service has one status event and nothing else. Each kind, with its documents or
    # the services it links, is one query either way.
    bare = factories.service(slug="bare-service")
    assert queries_for(client, DRIVE) == queries_for(client, bare.get_absolute_url()) + 1


def test_a_service_page_is_computed_once_per_data_version_for_anonymous_readers(client):
    first = client.get(DRIVE)
    assert computed(first)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(DRIVE)
    assert not computed(again) and len(queries) == 1  # the data version
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]

    service = Service.objects.get(slug="drive-cardiff-and-vale")
    service.funding_note = "A note no document has"
    service.save()
    after = client.get(DRIVE)
    assert computed(after) and "A note no document has" in after.content.decode()
    # Each language is its own page.
    client.cookies["django_language"] = "cy"
    assert computed(client.get(DRIVE))
    assert not computed(client.get(DRIVE))


def test_a_signed_in_editor_never_gets_nor_leaves_a_readers_page(admin_client):
    client = Client()  # a reader, signed out, beside the signed-in editor
    client.get(DRIVE)
    # A change that bumps no version (a bulk update): readers keep the page they were given...
    Service.objects.filter(slug="drive-cardiff-and-vale").update(name="Renamed without a version")
    reader = client.get(DRIVE)
    assert not computed(reader) and "Renamed without a version" not in reader.content.decode()
    # ...an editor's page is computed for them, whatever the cache holds, and never read from it.
    editor = admin_client.get(DRIVE)
    assert computed(editor) and "Renamed without a version" in editor.content.decode()

    # The other way: what an editor was shown is never stored for readers.
    cache.clear()
    assert computed(admin_client.get(DRIVE))
    Service.objects.filter(slug="drive-cardiff-and-vale").update(name="Renamed again")
    reader = client.get(DRIVE)
    assert computed(reader) and "Renamed again" in reader.content.decode()


def test_an_area_page_is_kept_at_its_own_address_only(client):
    # Page 1 at its address, with or without ?page=1: kept.
    for url in ("/areas/cardiff/", "/areas/cardiff/?page=1"):
        assert computed(client.get(url))
        assert not computed(client.get(url))
    # Any other spelling of an address is computed each time and never stored: no one fills the cache.
    for url in (
        "/areas/cardiff/?page=01",
        "/areas/cardiff/?page=99",
        "/areas/cardiff/?x=1",
        "/areas/cardiff/?page=1&page=1",
    ):
        assert computed(client.get(url)), url
        assert computed(client.get(url)), url
    # A service page with a query string: the same.
    assert computed(client.get(DRIVE + "?x=1"))
    assert computed(client.get(DRIVE + "?x=1"))


def test_a_kept_page_is_never_served_at_another_spelling_of_its_address(client):
    """A page repeats its own address in its links (the language switch): ``?page=%31`` is not ``?page=1``'s page."""
    kept = client.get("/areas/cardiff/?page=1")
    for url in ("/areas/cardiff/?page=%31", "/areas/cardiff/?&"):
        response = client.get(url)
        assert computed(response), url
        assert response.content != kept.content, url
    assert b"%3Fpage%3D%2531" in client.get("/areas/cardiff/?page=%31").content


@pytest.mark.parametrize("slug", ["south-wales-police", "cardiff", "wales"])
def test_an_area_page_read_by_ids_is_the_page_read_in_one_query(slug):
    from directory.area_views import AreaServices

    area = Area.objects.get(slug=slug)
    services = (
        Service.objects.referable()
        .operating_on(timezone.localdate())
        .covering(area, graph=AreaGraph.load())
        .order_by("-covers_whole", "name", "slug")
    )
    total = services.count()
    assert total > 7

    def shown(page):
        return [(s.slug, s.covers_whole, s.extent_unstated, s.claim.text, s.organisation.name) for s in page]

    def paginator():
        return AreaServices(services, 7, rows=Service.objects.for_area_page(), key=f"test:{slug}")

    one_query = Paginator(services.for_home_page(), 7)
    last = one_query.num_pages
    for number, expected in ((1, 1), (2, 2), (last, last), ("x", 1), (0, last), (last + 5, last)):
        cache.clear()  # the total read with the page's ids
        cold = paginator().get_page(number)
        assert cold.number == expected and cold.paginator.count == total
        assert shown(cold) == shown(one_query.get_page(expected)), number
        counted = paginator().get_page(number)  # the total from the cache, then the page
        assert counted.number == expected and shown(counted) == shown(cold)


def test_a_cold_area_page_evaluates_its_filters_once_for_the_page_and_its_total(client):
    timeline_version(timezone.localdate())  # the day's kept timeline filled: its fill reads every service once
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/areas/wales/")
    assert response.context["page"].paginator.count > 40
    filtered = [
        q["sql"] for q in queries if "directory_service_areas" in q["sql"] and "directory_timelineday" in q["sql"]
    ]
    assert len(filtered) == 1 and "COUNT(" in filtered[0].upper()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_choice_label_is_what_the_models_display_says(language):
    from django.utils import translation

    from directory.models import AssessmentItem, StatusEvent
    from directory.templatetags.choices import choice_label

    rows = [(row, "rating") for row in AssessmentItem.objects.all()] + [
        (row, "status") for row in StatusEvent.objects.all()
    ]
    fields = ("tier", "scope", "format", "attendance", "funding_longevity")
    rows += [(service, name) for service in Service.objects.all() for name in fields]
    assert {getattr(row, name) for row, name in rows} >= {"green", "active", "decommissioned", ""}
    with translation.override(language):
        for row, name in rows:
            assert str(choice_label(row, name)) == getattr(row, f"get_{name}_display")()
        row = StatusEvent(status="not-a-status")
        assert choice_label(row, "status") == row.get_status_display() == "not-a-status"


@pytest.mark.parametrize(
    "url",
    ["/areas/", "/organisations/respect/", "/find/referral-pack/drive-cardiff-and-vale/"],
    ids=["area list", "organisation page", "referral pack"],
)
def test_other_pages_about_the_directory_are_kept_for_readers_until_the_data_changes(admin_client, url):
    # Pages about the directory only (never a case): computed once per data version and language for readers.
    client = Client()  # a reader, signed out, beside the signed-in editor
    first = client.get(url)
    assert first.status_code == 200 and computed(first)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert not computed(again) and len(queries) == 1 and again.content == first.content
    assert computed(admin_client.get(url))  # an editor's page is always computed
    Area.objects.filter(slug="cardiff").update(name_en="Cardiff (renamed)")
    Service.objects.get(slug="drive-cardiff-and-vale").save()  # an edit bumps the data version
    assert computed(client.get(url))
