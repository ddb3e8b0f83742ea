"""One timeline, one verb: every page answers "running on D" with ``ServiceQuerySet.operating_on``.

The pages take "today" from ``timezone.localdate``; the tests move it to each date and ask every page.
"""

import csv
import datetime
import io
import re

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils import timezone

from commissioning import coverage
from directory.models import EditorRole, Service, Status, StatusEvent
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


SEARCH = reverse("directory:service-search")
HOME_KIND_LINK = re.compile(r'<a class="govuk-link" href="(/services/\?tier=([a-z_]+)[^"]*)">')


def search_page_slugs(client, url=SEARCH, **params):
    """Every service the search page itself lists, walking all its pages (each slug once)."""
    slugs, number = [], 1
    while True:
        response = client.get(url, {**params, "page": number})
        assert response.status_code == 200
        slugs += [service.slug for service, _reasons in response.context["results"]]
        page = response.context["page"]
        if not page.has_next():
            break
        number += 1
    assert len(slugs) == len(set(slugs)) == page.paginator.count
    return set(slugs)


def search_slugs(client, **params):
    """Every service the search page shows, over all its pages."""
    return search_page_slugs(client, audience="all", **params)


def home_kinds(client):
    """``{tier: (count shown, services its link lists)}``: the home page's counts by kind, and the set of
    services behind each kind's link (the search page it opens, every page of it)."""
    response = client.get(reverse("directory:service-list"))
    counts = {tier.value: count for tier, _label, count, _u in response.context["kinds"]}
    links = {tier: url.replace("&amp;", "&") for url, tier in HOME_KIND_LINK.findall(response.content.decode())}
    assert set(links) == set(counts)
    kinds = {}
    for tier, url in links.items():
        path, _sep, query = url.partition("?")
        params = dict(pair.split("=") for pair in query.split("&"))
        kinds[tier] = (counts[tier], search_page_slugs(client, path, **params))
    return kinds


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
    slugs = [item.service.slug for item in items]
    assert len(slugs) == len(set(slugs))  # each service in one group
    return set(slugs)


def matcher_expected(date, slug, graph=None):
    """The services the matcher must list for ``BASE_CASE`` in area ``slug`` on ``date``: every service the verb
    says is running there, but those its own rules leave out (training for professionals; a partner, process or
    helpline service stated for another harm or not taking the case's risk level)."""
    from directory.eligibility import NO, Eligibility
    from directory.models import RiskLevel
    from referrals.services import PERSON_SECTION, SECTION_OF

    area = Area.objects.get(slug=slug)
    risk = RiskLevel.objects.get(slug=BASE_CASE["risk"])
    here = Service.objects.referable().operating_on(date).covering(area, graph=graph).for_matcher()
    expected = set()
    for service in here:
        audience = service.primary_audience
        if audience in PERSON_SECTION:
            expected.add(service.slug)
        elif audience in SECTION_OF:
            eligibility = Eligibility.of(service)
            if eligibility.harm(None)[0] != NO and eligibility.takes_risk(risk) is not False:
                expected.add(service.slug)
    return expected


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
    # Home: by kind, the count it shows and the services its link lists are exactly the running ones.
    kinds = home_kinds(client)
    assert set().union(*(slugs for _count, slugs in kinds.values())) == expected, date
    for tier, (count, slugs) in kinds.items():
        assert slugs == running(date, tier=tier), (date, tier)
        assert count == len(slugs), (date, tier)
    # Search: the page itself, every page of it.
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
        matched = matcher_slugs(client, slug)
        assert matched <= here, (date, slug)
        assert matched == matcher_expected(date, slug, graph), (date, slug)
    # Funding: "ended" is the timeline's ended, and nothing ended is called fragile or secure.
    funding = funding_slugs(client)
    ended = {slug for slug, status in timeline.items() if status in (Status.DECOMMISSIONED, Status.NEVER_ESTABLISHED)}
    assert funding["ended"] == ended, date
    assert not (funding["fragile"] | funding["secure"]) & ended, date
    # Export: every row's status is the timeline's.
    exported = export_statuses(client)
    assert all(exported[slug] == status for slug, status in timeline.items()), date


def offered_everywhere(client, service, date):
    """Whether every page offers ``service`` on ``date`` (all agreeing, else the test fails)."""
    running_then = service.slug in running(date)
    kinds = client.get(reverse("directory:service-list")).context["kinds"]
    pages = {
        # Home: its kind is counted as the verb says, and the kind's link lists it.
        "home": dict((tier.value, n) for tier, _label, n, _u in kinds).get(service.tier, 0)
        == len(running(date, tier=service.tier))
        and service.slug in search_slugs(client, tier=service.tier),
        "search": service.slug in search_slugs(client, area="merthyr-tydfil"),
        "matcher": service.slug in matcher_slugs(client, "merthyr-tydfil"),
        "area": service.slug in area_slugs(client, "merthyr-tydfil"),
        "coverage": service.slug in coverage_slugs(client, date),
        "api": api_statuses(client)[service.name] == "active",
        "export": export_statuses(client)[service.slug] in Status.operating(),
    }
    assert all(offered == running_then for offered in pages.values()), (date, pages, running_then)
    return running_then


def test_an_editor_records_an_end_and_every_page_stops_offering_the_service_from_that_day(client, on):
    # The editor's evidence path: the health page's "Ended on …", a status event stated by a directory admin
    # (no document). Asked before, on and after the day it ended, every page agrees with the verb.
    from django.test import Client

    from editorial.roles import DIRECTORY_ADMIN
    from tests.editorial.conftest import client_for, make_user

    today = datetime.date(2026, 12, 1)
    ended = datetime.date(2026, 6, 15)
    days = [datetime.date(2026, 6, 14), ended, today]
    service = Service.objects.get(slug="drive-cwm-taf-morgannwg")
    for day in days[1:]:
        on(day)
        assert offered_everywhere(client, service, day), day

    on(today)
    editor = client_for(Client(), make_user("diradmin", DIRECTORY_ADMIN))
    response = editor.post(
        reverse("editorial:stale-evidence", args=[service.pk]), {"action": "ended", "ended_on": ended.isoformat()}
    )
    assert response.status_code == 302
    event = StatusEvent.objects.get(service=service, document=None)
    assert (event.status, event.date, event.editor_role) == (Status.DECOMMISSIONED, ended, EditorRole.DIRECTORY)

    # The day before it ended it was running; from that day on no page offers it.
    on(days[0])
    assert offered_everywhere(client, service, days[0])
    for day in days[1:]:
        on(day)
        assert not offered_everywhere(client, service, day), day
    # On the day it ended: listed as ended, with the editor's evidence.
    on(ended)
    assert service.slug in search_slugs(client, status="all", area="merthyr-tydfil")
    assert service.slug in funding_slugs(client)["ended"]
    assert api_statuses(client)[service.name] == "defunct"
    body = client.get(service.get_absolute_url()).content.decode()
    assert "Ended — 15 June 2026 (directory editor)" in body
    # The coverage page asked for an earlier date keeps its history.
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
            "Reported running in an undated document written after April 2019 (Cwm Taf Morgannwg interventions table)",
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
    # Its only evidence is the end: before it nothing is known, so it is not counted as running.
    assert slug not in running(datetime.date(2019, 10, 31))
    # An editor's statement that it ran in June 2019 is evidence: from then until its end it was running.
    StatusEvent.objects.create(
        service=Service.objects.get(slug=slug),
        status=Status.ACTIVE,
        date=datetime.date(2019, 6, 3),
        precision="day",
        editor_role=EditorRole.DIRECTORY,
        stated_on=datetime.date(2026, 12, 1),
    )
    assert slug not in running(datetime.date(2019, 6, 2))
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
    # Its first use on a date writes the kept timeline (tests/directory/test_timeline_day.py); then the data
    # version (read once per request in a page) and the services.
    list(Service.objects.operating_on(datetime.date(2026, 12, 1)))
    with django_assert_num_queries(2):
        list(Service.objects.operating_on(datetime.date(2026, 12, 1)).values_list("slug", "timeline_status"))


def test_coverage_timeline_asks_the_database_once_per_date(django_assert_num_queries):
    timeline = coverage.Timeline()
    for date in (datetime.date(2020, 11, 1), datetime.date(2023, 11, 17)):  # kept (test_timeline_day.py)
        Service.objects.with_timeline(date)
    with django_assert_num_queries(4):  # each date: the data version, then the services
        timeline.on(datetime.date(2020, 11, 1))
        timeline.on(datetime.date(2020, 11, 1))
        timeline.on(datetime.date(2023, 11, 17))


def test_before_the_earliest_evidence_nothing_is_known_even_with_an_end_date_later(client):
    # The Flintshire online pilot: a 2020 pilot report, "concluding as we wrote this report" (November 2020); no
    # start date. On a date before any of that evidence nothing is known: not counted as running, and said so.
    slug = "domestic-abuse-intervention-hub-online-pilot"
    service = Service.objects.get(slug=slug)
    assert (service.start_date, service.end_date) == (None, datetime.date(2020, 11, 1))
    for date in (datetime.date(2012, 1, 1), datetime.date(2019, 12, 31)):
        assert slug not in running(date), date
        before = Service.objects.with_timeline(date).get(slug=slug)
        assert before.timeline_status == "", date
        assert before.claim.text == "Nothing known for this date: the earliest evidence is from 2020", date
        assert before.claim.warning
    response = client.get(
        reverse("commissioning:coverage-cell"),
        {"area": "flintshire", "column": "tier:early_intervention", "as_of": "2012-01-01"},
    )
    assert response.status_code == 200
    assert slug not in {s.slug for s in [*response.context["services"], *response.context["unstated"]]}
    body = response.content.decode()
    # Neither listed nor dated "undated document" (the page's own warning about undated documents is another thing).
    assert service.get_absolute_url() not in body
    assert "(undated document)" not in body
    # Evidence dated before the date and an end after it: running.
    assert slug in running(datetime.date(2020, 6, 1))
    assert slug not in running(datetime.date(2020, 11, 1))
