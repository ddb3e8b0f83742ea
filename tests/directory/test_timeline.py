"""One timeline, one verb: every page answers "running on D" with ``ServiceQuerySet.operating_on``.

The pages take "today" from ``timezone.localdate``; the tests move it to each date and ask every page.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from commissioning import coverage
from directory.models import Document, Service, Status, StatusEvent
from regions.models import Area, AreaGraph

pytestmark = pytest.mark.django_db

DATES = [
    datetime.date(2012, 1, 1),
    datetime.date(2013, 6, 1),
    datetime.date(2016, 3, 1),
    datetime.date(2019, 4, 1),
    datetime.date(2019, 12, 1),
    datetime.date(2020, 11, 1),
    datetime.date(2021, 6, 1),
    datetime.date(2023, 11, 17),
    datetime.date(2023, 12, 1),
    datetime.date(2024, 2, 1),
    datetime.date(2024, 6, 1),
    datetime.date(2026, 12, 1),
]
MATCH_AREAS = ["merthyr-tydfil", "newport", "cardiff"]
BASE_CASE = {"referrer": "police", "risk": "high"}


@pytest.fixture
def on(monkeypatch):
    """Set the pages' "today"."""

    def move(date):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date)

    return move


def running(date, **filters):
    return set(Service.objects.referable().operating_on(date).filter(**filters).values_list("slug", flat=True))


def home_counts(client):
    return {
        tier.value: count for tier, _label, count, _u in client.get(reverse("directory:service-list")).context["kinds"]
    }


def search_slugs(client, **params):
    """Every service the search page shows (its CSV export lists all pages of exactly the same search)."""
    response = client.get(reverse("directory:service-export"), {"audience": "all", **params})
    assert response.status_code == 200
    return {row["slug"] for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))}


def export_statuses(client):
    response = client.get(reverse("directory:service-export"))
    return {
        row["slug"]: row["status"] for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    }


def matcher_slugs(client, area):
    response = client.post(reverse("referrals:case-matcher"), {**BASE_CASE, "area": area})
    assert response.status_code == 200
    result = response.context["result"]
    items = [*result.fits, *result.check, *result.no, *result.partners, *result.processes, *result.helplines]
    return {item.service.slug for item in items}


def area_slugs(client, slug):
    context = client.get(reverse("directory:area-detail", kwargs={"slug": slug})).context
    return {service.slug for service in [*context["whole"], *context["part"], *context["somewhere"]]}


def coverage_slugs(client, date):
    response = client.get(reverse("commissioning:coverage"), {"as_of": date.isoformat()})
    assert response.status_code == 200
    return {service.slug for service in response.context["matrix"].services}


def api_statuses(client):
    response = client.get("/api/oruk/services", {"per_page": 200, "minimal": "true"})
    return {item["name"]: item["status"] for item in response.json()["contents"]}


def funding_slugs(client):
    context = client.get(reverse("commissioning:funding")).context
    return {key: {service.slug for service in context[key]} for key in ("fragile", "secure", "ended")}


def test_every_page_agrees_with_the_verb_on_dates_from_2012_to_today(client, on):
    graph = AreaGraph.load()
    for date in DATES:
        on(date)
        expected = running(date)
        timeline = {s.slug: s.timeline_status for s in Service.objects.referable().with_timeline(date)}
        # Home: counts by kind.
        counts = home_counts(client)
        assert sum(counts.values()) == len(expected), date
        for tier, count in counts.items():
            assert count == len(running(date, tier=tier)), (date, tier)
        # Search (every page of it, via its export).
        assert search_slugs(client) == expected, date
        # Coverage with its default switches counts exactly the running services.
        assert coverage_slugs(client, date) == expected, date
        # Area pages and the matcher: the running services covering the area.
        for slug in MATCH_AREAS:
            area = Area.objects.get(slug=slug)
            here = set(
                Service.objects.referable()
                .operating_on(date)
                .covering(area, graph=graph)
                .values_list("slug", flat=True)
            )
            assert area_slugs(client, slug) == here, (date, slug)
            assert matcher_slugs(client, slug) <= here, (date, slug)
        # Funding: "ended" is the timeline's ended, and nothing ended is called fragile or secure.
        funding = funding_slugs(client)
        ended = {
            slug for slug, status in timeline.items() if status in (Status.DECOMMISSIONED, Status.NEVER_ESTABLISHED)
        }
        assert funding["ended"] == ended, date
        assert not (funding["fragile"] | funding["secure"]) & ended, date
        # Export: every row's status is the timeline's.
        exported = export_statuses(client)
        assert all(exported[slug] == status for slug, status in timeline.items()), date


def test_an_editor_adds_a_decommissioned_event_and_every_page_stops_offering_the_service(client, on):
    today = datetime.date(2026, 12, 1)
    on(today)
    service = Service.objects.get(slug="drive-cwm-taf-morgannwg")
    assert service.slug in running(today)
    assert service.slug in search_slugs(client)
    assert service.slug in matcher_slugs(client, "merthyr-tydfil")
    assert service.slug in area_slugs(client, "merthyr-tydfil")
    assert service.slug in coverage_slugs(client, today)
    assert api_statuses(client)[service.name] == "active"
    before = home_counts(client)[service.tier]

    StatusEvent.objects.create(
        service=service,
        status=Status.DECOMMISSIONED,
        date=datetime.date(2026, 6, 15),
        document=Document.objects.get(slug="policing-in-wales-letter-2023"),
        section="Editor's check",
        quote="Drive",
    )
    assert Service.objects.get(pk=service.pk).status == Status.ACTIVE  # the entered field is left alone

    assert service.slug not in running(today)
    assert home_counts(client)[service.tier] == before - 1
    assert service.slug not in search_slugs(client)
    assert service.slug in search_slugs(client, status="all")
    assert service.slug not in matcher_slugs(client, "merthyr-tydfil")
    assert service.slug not in area_slugs(client, "merthyr-tydfil")
    assert service.slug not in coverage_slugs(client, today)
    assert service.slug in funding_slugs(client)["ended"]
    assert export_statuses(client)[service.slug] == Status.DECOMMISSIONED
    assert api_statuses(client)[service.name] == "defunct"
    body = client.get(service.get_absolute_url()).content.decode()
    assert "Reported ended — 15 June 2026" in body
    # Before the event it was running: the timeline keeps its history.
    assert service.slug in coverage_slugs(client, datetime.date(2026, 1, 1))


def test_editing_the_entered_status_alone_changes_nothing_a_user_sees(client, on):
    today = datetime.date(2026, 12, 1)
    on(today)
    service = Service.objects.get(slug="drive-cwm-taf-morgannwg")
    pages = [
        reverse("directory:service-list"),
        service.get_absolute_url(),
        reverse("directory:service-search") + "?area=merthyr-tydfil",
        reverse("directory:area-detail", kwargs={"slug": "merthyr-tydfil"}),
        reverse("commissioning:coverage"),
        reverse("commissioning:funding"),
    ]
    before = [client.get(url).content for url in pages]
    exported, api = export_statuses(client), api_statuses(client)
    Service.objects.filter(pk=service.pk).update(status=Status.PLANNED)
    assert [client.get(url).content for url in pages] == before
    assert export_statuses(client) == exported
    assert api_statuses(client) == api


def test_a_service_with_no_end_date_known_to_have_ended():
    cdvp = Service.objects.get(slug="cdvp")
    assert cdvp.end_date is None
    for date in (datetime.date(2020, 11, 1), datetime.date(2023, 1, 1), datetime.date(2026, 12, 1)):
        assert "cdvp" not in running(date)
        assert Service.objects.with_timeline(date).get(slug="cdvp").timeline_status == Status.DECOMMISSIONED


def test_a_date_before_a_services_start_is_not_running():
    # MATAC Gwent: the 17 November 2023 letter reports a pilot starting January 2024.
    assert "matac-gwent" not in running(datetime.date(2023, 12, 1))
    before = Service.objects.with_timeline(datetime.date(2023, 12, 1)).get(slug="matac-gwent")
    assert before.timeline_status == Status.PLANNED
    assert "matac-gwent" in running(datetime.date(2024, 2, 1))
    assert "matac-gwent" not in running(datetime.date(2020, 1, 1))
    assert Service.objects.with_timeline(datetime.date(2020, 1, 1)).get(slug="matac-gwent").timeline_status == ""


def test_a_planned_launch_date_that_passed_is_not_taken_as_a_start():
    # DAPO Gwent: planned (November 2023) to start May 2024; no later document says it did.
    dapo = Service.objects.with_timeline(datetime.date(2026, 12, 1)).get(slug="dapo-gwent")
    assert dapo.timeline_status == Status.PLANNED
    assert dapo.claim.text == "Planned for May 2024 — not known whether it started"
    assert dapo.claim.warning


def test_claims_show_their_age_and_old_evidence_is_never_plainly_running():
    today = datetime.date(2026, 12, 1)
    services = {s.slug: s for s in Service.objects.referable().operating_on(today)}
    assert services
    assert all(service.claim.warning for service in services.values())
    assert services["drive-cwm-taf-morgannwg"].claim.text == "Not confirmed since November 2023"
    assert services["clear-cardiff-and-vale"].claim.text == "Pilot reported in November 2020 — outcome not known"
    # On the letter's own date the same evidence is fresh, and says where it comes from.
    fresh = Service.objects.with_timeline(datetime.date(2023, 12, 1)).get(slug="drive-cwm-taf-morgannwg")
    assert fresh.claim.text == (
        "Reported running — 17 November 2023 (Policing in Wales letter to the Senedd Equality and Social Justice "
        "Committee: Perpetrator Programmes)"
    )
    assert not fresh.claim.warning


def test_an_editors_verification_is_evidence_and_resets_the_age():
    Service.objects.filter(slug="drive-cwm-taf-morgannwg").update(last_verified=datetime.date(2026, 11, 1))
    service = Service.objects.with_timeline(datetime.date(2026, 12, 1)).get(slug="drive-cwm-taf-morgannwg")
    assert service.claim.text == "Reported running — November 2026 (checked by an editor)"
    assert not service.claim.warning


def test_the_verb_runs_a_fixed_number_of_queries(django_assert_num_queries):
    with django_assert_num_queries(1):
        list(Service.objects.operating_on(datetime.date(2026, 12, 1)).values_list("slug", "timeline_status"))


def test_coverage_timeline_asks_the_database_once_per_date(django_assert_num_queries):
    timeline = coverage.Timeline()
    with django_assert_num_queries(2):
        timeline.on(datetime.date(2020, 11, 1))
        timeline.on(datetime.date(2020, 11, 1))
        timeline.on(datetime.date(2023, 11, 17))
