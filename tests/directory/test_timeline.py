"""One timeline, one verb: every page answers "running on D" with ``ServiceQuerySet.operating_on``.

The pages take "today" from ``timezone.localdate``; the tests move it to each date and ask every page.
"""

import csv
import datetime
import io

import pytest
from django.core.exceptions import FieldDoesNotExist
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


# The fast tier asks every page on two dates (the review's, and today's); make test asks on all of them.
FAST_DATES = {datetime.date(2020, 11, 1), datetime.date(2026, 12, 1)}


@pytest.mark.parametrize(
    "date", [date if date in FAST_DATES else pytest.param(date, marks=pytest.mark.slow) for date in DATES], ids=str
)
def test_every_page_agrees_with_the_verb_on_dates_from_2012_to_today(client, on, date):
    graph = AreaGraph.load()
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
            Service.objects.referable().operating_on(date).covering(area, graph=graph).values_list("slug", flat=True)
        )
        assert area_slugs(client, slug) == here, (date, slug)
        assert matcher_slugs(client, slug) <= here, (date, slug)
    # Funding: "ended" is the timeline's ended, and nothing ended is called fragile or secure.
    funding = funding_slugs(client)
    ended = {slug for slug, status in timeline.items() if status in (Status.DECOMMISSIONED, Status.NEVER_ESTABLISHED)}
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


def test_no_status_is_stored_beside_the_timeline():
    """There was a stored "status as entered" that pages ignored and imports wrote without evidence; it is gone,
    so no edit can make a stored status and the timeline disagree. What used to be tested here (editing the
    entered status alone changes nothing a user sees) now holds by construction."""
    for model in (Service, Service.history.model):
        with pytest.raises(FieldDoesNotExist):
            model._meta.get_field("status")


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
    assert fresh.claim.text == "Reported running — 17 November 2023 (Policing in Wales letter)"
    assert not fresh.claim.warning


@pytest.mark.parametrize(
    ("slug", "date", "text", "warning"),
    [
        # "by the date of the document": the document's own date, as precisely as the document gives it
        (
            "respectful-relationships",
            datetime.date(2021, 1, 1),
            "Reported running — November 2020 (Cardiff and Vale review)",
            False,
        ),
        # a day the quote gives ("Launch date in Gwent is 20/11/23"), not the letter's date
        (
            "cara-gwent",
            datetime.date(2023, 12, 1),
            "Reported running as a pilot — 20 November 2023 (Policing in Wales letter)",
            False,
        ),
        # a month ("de-commissioned in November 2019")
        (
            "atal-y-fro-domestic-violence-perpetrator-programme",
            datetime.date(2020, 6, 1),
            "Reported ended — November 2019 (Cardiff and Vale review)",
            False,
        ),
        # a year ("opened in ... 2018"), read after that year
        (
            "drive-cardiff-and-vale",
            datetime.date(2019, 6, 1),
            "Reported running — 2018 (Cardiff and Vale review)",
            False,
        ),
        # ... and on a day inside it: it may not have opened yet
        (
            "drive-cardiff-and-vale",
            datetime.date(2018, 6, 1),
            "Reported running some time in 2018 — not known whether by this date (Cardiff and Vale review)",
            True,
        ),
        # an undated table, written after April 2019: never "April 2019", and never plainly running
        (
            "cara-cwm-taf-morgannwg",
            datetime.date(2020, 1, 1),
            "Reported running — undated; after April 2019 (Cwm Taf Morgannwg interventions table)",
            True,
        ),
    ],
)
def test_a_claim_gives_its_date_as_precisely_as_its_quote(slug, date, text, warning):
    claim = Service.objects.with_timeline(date).get(slug=slug).claim
    assert (claim.text, claim.warning) == (text, warning)


def test_a_month_precision_end_means_not_running_on_any_day_of_that_month():
    # Atal y Fro "had been de-commissioned in November 2019": some day that month. The timeline reads a partial
    # date as the first day of its period, so it is never counted running on a day it may have stopped.
    slug = "atal-y-fro-domestic-violence-perpetrator-programme"
    assert slug in running(datetime.date(2019, 10, 31))
    for day in (datetime.date(2019, 11, 1), datetime.date(2019, 11, 15), datetime.date(2019, 11, 30)):
        assert slug not in running(day)


def test_a_year_precision_start_counts_from_its_first_day_but_never_plainly():
    # Drive Cardiff "opened in ... 2018": counted from 1 January 2018 (as its start date), with a warning all year.
    slug = "drive-cardiff-and-vale"
    assert slug not in running(datetime.date(2017, 12, 31))
    assert slug in running(datetime.date(2018, 1, 1))
    inside = Service.objects.with_timeline(datetime.date(2018, 12, 31)).get(slug=slug).claim
    after = Service.objects.with_timeline(datetime.date(2019, 1, 1)).get(slug=slug).claim
    assert (inside.running, inside.warning, after.running, after.warning) == (True, True, True, False)


def test_an_editors_verification_is_evidence_and_resets_the_age():
    Service.objects.filter(slug="drive-cwm-taf-morgannwg").update(last_verified=datetime.date(2026, 11, 1))
    service = Service.objects.with_timeline(datetime.date(2026, 12, 1)).get(slug="drive-cwm-taf-morgannwg")
    assert service.claim.text == "Reported running — 1 November 2026 (checked by an editor)"
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
