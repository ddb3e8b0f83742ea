"""Tests that would have caught each kind of defect the 2026-12-01 data audit found.

Each check in ``fixture_checks`` runs on the real fixtures (and must find nothing) and on the original
defect rebuilt by hand (and must find it), so none of them can pass whatever the data says.
"""

import datetime
import json

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from commissioning import coverage, gaps
from directory.models import (
    AreaExtent,
    Citation,
    Disagreement,
    Document,
    GlossaryTerm,
    Service,
    StatedGap,
    Status,
    StatusEvent,
    Tier,
)
from directory.services import glossary_index, link_glossary_terms
from regions.models import Area, AreaKind
from tests.directory import fixture_checks as checks

pytestmark = pytest.mark.django_db

REVIEW = "cardiff-vale-review-2020"


# --------------------------------------------------------------------------
# A pilot or planned entry whose own text says it ended
# --------------------------------------------------------------------------


def test_no_pilot_or_planned_entry_cites_text_saying_it_ended():
    assert checks.ended_but_shown_running() == []


@pytest.mark.parametrize(
    "slug", ["domestic-abuse-intervention-hub-online-pilot", "lights4violence", "intervention-initiative"]
)
def test_the_ended_check_catches_the_original_running_pilots(slug):
    """Shown as a running pilot again (its ended evidence taken away), it is caught by its own quotes."""
    Service.objects.filter(slug=slug).update(end_date=None)
    ended = StatusEvent.objects.filter(service__slug=slug, status=Status.DECOMMISSIONED)
    if StatusEvent.objects.filter(service__slug=slug, status=Status.PILOT).exists():
        ended.delete()
    else:
        ended.update(status=Status.PILOT)
    assert slug in {failure[0] for failure in checks.ended_but_shown_running()}


def test_the_concluded_online_pilot_has_its_end_and_no_longer_counts():
    pilot = Service.objects.get(slug="domestic-abuse-intervention-hub-online-pilot")
    assert (pilot.status_now, pilot.end_date) == (Status.DECOMMISSIONED, datetime.date(2020, 11, 1))
    assert not Service.objects.current(datetime.date(2026, 11, 23)).filter(slug=pilot.slug).exists()


# --------------------------------------------------------------------------
# An area wider than the cited text
# --------------------------------------------------------------------------


def test_no_service_is_mapped_to_a_whole_country_its_quotes_do_not_name():
    assert checks.areas_wider_than_cited() == []


def test_the_area_check_catches_the_south_east_wales_group_mapped_to_all_wales():
    group = Service.objects.get(slug="sex-offender-group-south-east-wales")
    group.areas.set([Area.objects.get(slug="wales")])
    assert ("sex-offender-group-south-east-wales", "wales") in checks.areas_wider_than_cited()


def test_the_south_east_wales_group_is_not_offered_in_north_or_west_wales():
    gwynedd = Area.objects.get(slug="gwynedd")
    assert not Service.objects.covering(gwynedd).filter(slug="sex-offender-group-south-east-wales").exists()
    cardiff = Area.objects.get(slug="cardiff")
    assert Service.objects.covering(cardiff).filter(slug="sex-offender-group-south-east-wales").exists()


# --------------------------------------------------------------------------
# A date with no quote that supports it
# --------------------------------------------------------------------------


def test_every_status_event_has_the_precision_its_quote_and_document_support():
    assert checks.event_precision_failures() == []


@pytest.mark.parametrize(
    ("slug", "document", "precision", "date"),
    [
        # "in November 2019" is a month, not a day
        ("atal-y-fro-domestic-violence-perpetrator-programme", REVIEW, "day", datetime.date(2019, 11, 1)),
        # "opened in ... 2018" gives no month
        ("drive-croydon", REVIEW, "month", datetime.date(2018, 1, 1)),
        # a document that only says it is running speaks for its own date, not an invented one
        ("respectful-relationships", REVIEW, "document", datetime.date(2020, 10, 1)),
        # the quote says nothing of November 2020: it is the document's date
        ("respectful-relationships", REVIEW, "month", datetime.date(2020, 11, 1)),
        # an undated table cannot be "by the date of the document" with a date
        ("cara-cwm-taf-morgannwg", "ctm-perpetrator-interventions", "document", datetime.date(2019, 4, 1)),
        ("cara-cwm-taf-morgannwg", "ctm-perpetrator-interventions", "after", datetime.date(2019, 5, 1)),
        ("cara-gwent", "policing-in-wales-letter-2023", "day", datetime.date(2023, 11, 21)),
    ],
)
def test_the_precision_check_catches_a_date_its_quote_does_not_give(slug, document, precision, date):
    from directory.models import StatusEvent

    StatusEvent.objects.filter(service__slug=slug, document__slug=document).update(precision=precision, date=date)
    assert slug in {failure[0] for failure in checks.event_precision_failures()}


def test_every_start_and_end_date_has_a_quote_to_its_precision():
    assert checks.dates_without_a_quote() == []


def test_the_date_check_catches_halton_invented_end_of_2013():
    Service.objects.filter(slug="halton-perpetrator-programme-pilot").update(end_date=datetime.date(2013, 12, 31))
    assert ("halton-perpetrator-programme-pilot", "end_date", "2013-12-31") in checks.dates_without_a_quote()


def test_the_date_check_catches_a_year_no_quote_gives():
    Service.objects.filter(slug="drive-cwm-taf-morgannwg").update(start_date=datetime.date(2015, 1, 1))
    assert ("drive-cwm-taf-morgannwg", "start_date", "2015-01-01") in checks.dates_without_a_quote()


def test_halton_has_no_invented_dates_and_is_planned_as_of_its_paper():
    halton = Service.objects.get(slug="halton-perpetrator-programme-pilot")
    assert (halton.status_now, halton.start_date, halton.end_date) == (Status.PLANNED, None, None)
    event = halton.status_events.get()
    assert (event.status, event.date_text.startswith("2013")) == (Status.PLANNED, True)


def test_start_dates_the_documents_give_are_recorded():
    starts = dict(
        Service.objects.filter(
            slug__in=["drive-cwm-taf-morgannwg", "building-better-relationships", "adapt-north-wales"]
        ).values_list("slug", "start_date")
    )
    assert {slug: date.year for slug, date in starts.items()} == {
        "drive-cwm-taf-morgannwg": 2016,
        "building-better-relationships": 2012,
        "adapt-north-wales": 2019,
    }


@pytest.mark.parametrize(
    "language,started,planned",
    [
        ("en", "January 2024", "Planned to start in January 2024"),
        ("cy", "Ionawr 2024", "Wedi'i gynllunio i ddechrau ym mis Ionawr 2024"),
    ],
)
def test_matac_starts_in_january_2024_as_the_letter_says_not_in_2024(client, language, started, planned):
    """'Expected launch date is January 2024.': a month, shown as one on the page and in its claim."""
    matac = Service.objects.get(slug="matac-gwent")
    assert (matac.start_date, matac.start_precision) == (datetime.date(2024, 1, 1), "month")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = client.get(matac.get_absolute_url()).content.decode()
    assert f'<dd class="govuk-summary-list__value">{started} <span lang="en">(Expected launch date' in body
    # Its claim on a day before the launch: the start as the month it is.
    before = Service.objects.with_timeline(datetime.date(2023, 12, 1)).get(pk=matac.pk)
    with translation.override(language):
        assert before.claim.text.startswith(planned), before.claim.text


def test_start_and_end_dates_are_shown_to_the_precision_the_documents_give():
    shown = {s.slug: (s.start_shown, s.end_shown) for s in Service.objects.exclude(start_date=None, end_date=None)}
    assert shown["cara-gwent"][0] == "20 November 2023"  # 'Launch date in Gwent is 20/11/23.'
    assert shown["clear-cardiff-and-vale"][0] == "July 2019"
    assert shown["drive-cardiff-and-vale"][0] == "2018"  # 'opened in ... 2018'
    assert shown["atal-y-fro-domestic-violence-perpetrator-programme"][1] == "November 2019"
    assert shown["idap"][1] == "2012"


def test_a_month_or_year_is_entered_as_its_first_day():
    matac = Service.objects.get(slug="matac-gwent")
    matac.start_date = datetime.date(2024, 1, 15)
    with pytest.raises(ValidationError) as refused:
        matac.full_clean()
    assert "Enter a date known to the month as the month's first day" in str(refused.value)


# --------------------------------------------------------------------------
# A quote whose omitted words reverse it
# --------------------------------------------------------------------------


def test_no_quote_leaves_out_a_negation_just_before_it():
    assert checks.quotes_reversed_by_what_they_leave_out() == []


def test_the_negation_check_catches_the_quote_that_dropped_there_is_nothing():
    Citation.objects.create(
        service=Service.objects.get(slug="clear-cardiff-and-vale"),
        document=Document.objects.get(slug=REVIEW),
        section="4.7 Ensuring services include minority groups",
        quote="CLEAR, the local early intervention programme (see section 4.2), or Cardiff Drive, the local high-harm "
        "programme (see section 4.4), that inherently exclude minority groups",
    )
    failures = checks.quotes_reversed_by_what_they_leave_out()
    assert [(owner, "nothing" in before) for _model, owner, _quote, before in failures] == [
        ("clear-cardiff-and-vale", True)
    ]


def test_every_allow_list_entry_names_a_row_that_exists():
    """An allow-list entry outlives its row only by mistake: each must still be needed."""
    cited = set(Citation.objects.values_list("service__slug", "quote"))
    cited |= {
        (e.service.slug, e.quote) for e in Service.status_events.rel.related_model.objects.select_related("service")
    }
    cited |= set(StatedGap.objects.values_list("slug", "quote"))
    assert set(checks.PAST_TENSE_ALLOWED) - cited == set()
    assert set(checks.NEGATION_ALLOWED) - cited == set()
    mapped = set(Service.objects.values_list("slug", "areas__slug"))
    assert set(checks.AREA_ALLOWED) - mapped == set()
    assert {(slug, field) for slug, field in checks.DATE_ALLOWED} <= {
        (s.slug, f) for s in Service.objects.all() for f in ("start_date", "end_date") if getattr(s, f)
    }


# --------------------------------------------------------------------------
# Force-wide rows, disagreements and tiers
# --------------------------------------------------------------------------


LETTER = "policing-in-wales-letter-2023"


def test_a_service_only_the_2023_letter_places_is_somewhere_in_its_force_area_not_all_of_it():
    """The letter lists services per police force area without naming councils: unless another document names
    where, each is stored for the force area "somewhere; councils not stated", never as covering it wholly."""
    letter_only = [
        service
        for service in Service.objects.prefetch_related("areas", "citations__document")
        if {citation.document.slug for citation in service.citations.all()} == {LETTER}
    ]
    assert len(letter_only) >= 10
    wrong = [
        (service.slug, service.area_extent)
        for service in letter_only
        if all(area.kind == AreaKind.POLICE_FORCE_AREA for area in service.areas.all())
        and service.area_extent != AreaExtent.SOMEWHERE
    ]
    assert wrong == []


def test_choices_is_somewhere_in_dyfed_powys_on_the_powys_page_not_covering_all_of_it(client):
    response = client.get(reverse("directory:area-detail", kwargs={"slug": "powys"}))
    assert "choices-dyfed-powys" not in {service.slug for service in response.context["whole"]}
    assert "choices-dyfed-powys" in {service.slug for service in response.context["somewhere"]}
    body = response.content.decode()
    somewhere = body.index("Services somewhere in a larger area: councils not stated")
    assert body.index("/services/choices-dyfed-powys/") > somewhere > body.index("Services covering all of it")
    assert "somewhere in Dyfed-Powys Police; councils not stated" in body
    # Its own page says so too, not only the area page; a service covering its areas wholly does not.
    page = client.get(reverse("directory:service-detail", kwargs={"slug": "choices-dyfed-powys"})).content.decode()
    assert "somewhere in Dyfed-Powys Police; councils not stated" in page
    whole = client.get(reverse("directory:service-detail", kwargs={"slug": "equilibrium-swansea"})).content.decode()
    assert "councils not stated" not in whole


def test_cardiff_clear_is_not_made_current_by_the_force_wide_2023_row():
    clear = Service.objects.get(slug="clear-cardiff-and-vale")
    assert clear.status_now == Status.PILOT
    assert not clear.status_events.filter(document__slug="policing-in-wales-letter-2023").exists()
    assert clear.citations.filter(quote="Funded by PCC and by strategic VAWDASV partners Annual funding").exists()
    assert "Annual funding" in clear.funding_note


def test_the_service_page_shows_both_documents_where_they_disagree(client):
    body = client.get(reverse("directory:service-detail", kwargs={"slug": "equilibrium-swansea"})).content.decode()
    assert "Where the documents disagree" in body
    assert "(November 2020) says:" in body and "(17 November 2023) says:" in body
    assert "which excludes men without children" in body
    clear = client.get(reverse("directory:service-detail", kwargs={"slug": "clear-cardiff-and-vale"})).content.decode()
    assert "The funding ends in October 2020" in clear
    assert "Funded by PCC and by strategic VAWDASV partners Annual funding" in clear
    plain = client.get(reverse("directory:service-detail", kwargs={"slug": "kaizen"})).content.decode()
    assert "Where the documents disagree" not in plain


def test_each_disagreement_pairs_an_earlier_and_a_later_document_on_one_service():
    for disagreement in Disagreement.objects.select_related("earlier__document", "later__document", "service"):
        assert disagreement.earlier.service_id == disagreement.later.service_id == disagreement.service_id
        assert disagreement.earlier.document.published < disagreement.later.document.published


def test_tiers_no_document_gives_are_not_stated_and_not_counted_as_interventions(client):
    not_stated = set(Service.objects.filter(tier=Tier.NOT_STATED).values_list("slug", flat=True))
    assert {
        "choose2change-north-wales",
        "stalking-intervention-dyfed-powys",
        "choices-dyfed-powys",
        "integrated-family-support-service-dyfed-powys",
        "phoenix-das-gwent",
    } <= not_stated
    assert Service.objects.get(slug="re-provide-south-wales").tier == Tier.MEDIUM_RISK
    assert Tier.NOT_STATED not in coverage.INTERVENTION_TIERS
    body = client.get(
        reverse("directory:service-detail", kwargs={"slug": "choose2change-north-wales"})
    ).content.decode()
    assert "Tier not stated" in body
    assert "Early intervention" not in body


# --------------------------------------------------------------------------
# Missing services, sites and provider
# --------------------------------------------------------------------------


def test_the_services_the_audit_found_missing_are_in_the_directory():
    marac = Service.objects.get(slug="marac-cwm-taf-morgannwg")
    assert marac.links_out.filter(to_service__slug="drive-cwm-taf-morgannwg").exists()
    assert Service.objects.get(slug="cardiff-and-vale-dva-hub-proposed").status_now == Status.PLANNED
    assert (
        Service.objects.get(slug="healthy-relationship-programme-cumbria")
        .links_in.filter(from_service__slug="they-matter-cumbria")
        .exists()
    )
    for slug in ("horizon", "kaizen"):
        assert Service.objects.filter(slug=slug, areas__slug="monmouthshire").exists()
    assert Service.objects.get(slug="iris-plus").organisation.name == "University of Bristol"


# --------------------------------------------------------------------------
# Stated gaps and glossary
# --------------------------------------------------------------------------


def test_the_coverage_page_shows_every_distinct_gap_the_documents_state(client):
    response = client.get(reverse("commissioning:coverage"), {"as_of": "2026-11-23"})
    shown = {check.gap.slug for check in response.context["checks"]}
    assert shown == set(StatedGap.objects.values_list("slug", flat=True))
    assert len(shown) == 32  # the audit's 31 distinct gaps, plus group DVPPs' exclusions (also stated)
    body = response.content.decode()
    for quote in (
        "There are currently no other preventative programmes in Cardiff and The Vale of Glamorgan",
        "with the potential to extend our service to deliver in the North later in October",
        "Their weakness so far lies in excluding couples without children.",
        "Police have no powers to require attendance or completion of a perpetrator programme",
    ):
        assert quote in body


def test_north_cumbria_gap_is_undated_and_still_a_gap():
    checked = {c.gap.slug: c for c in gaps.check_stated_gaps(as_of=datetime.date(2026, 11, 23))}
    north = checked["north-cumbria-not-served-by-they-matter"]
    assert (north.checkable, north.dated, north.agrees, north.now) == (True, False, False, [])
    assert north.gap.areas.get().slug == "north-cumbria"


def test_glossary_definitions_are_whole_and_the_wrong_crc_definition_is_flagged(client):
    dvpp = GlossaryTerm.objects.get(slug="dvpp")
    assert dvpp.meaning.endswith("is avoided as this is used in this report for Domestic Abuse Perpetrator Panels.")
    assert "[…]" not in "".join(GlossaryTerm.objects.values_list("meaning", flat=True))
    body = client.get(reverse("directory:glossary")).content.decode()
    assert "Editor's note: the source's definition below is wrong." in body
    assert "Community Rehabilitation Company" in body
    assert body.count("definition below is wrong") == 1
    # Wherever a page links "CRC" to the glossary, the link carries the correction.
    linked = link_glossary_terms("part of KSS CRC", glossary_index(GlossaryTerm.objects.all()))
    assert 'title="CRC in this directory and in the body of the review means Community Rehabilitation Company."' in (
        linked
    )
    assert "title=" not in link_glossary_terms("MARAC", glossary_index(GlossaryTerm.objects.all()))


def test_every_fixture_string_fits_its_field():
    """SQLite ignores max_length; PostgreSQL refuses the load. Catch it on both."""
    too_long = []
    for path in (settings.BASE_DIR / "fixtures").glob("*.json"):
        for obj in json.loads(path.read_text(encoding="utf-8")):
            model = apps.get_model(obj["model"])
            for name, value in obj["fields"].items():
                limit = getattr(model._meta.get_field(name), "max_length", None)
                if limit and isinstance(value, str) and len(value) > limit:
                    too_long.append((path.name, name, len(value), limit))
    assert too_long == []


def test_a_date_known_only_to_its_year_or_month_is_not_shown_as_a_day(client):
    drive = client.get(reverse("directory:service-detail", kwargs={"slug": "drive-cwm-taf-morgannwg"})).content.decode()
    assert "1 January 2016" not in drive
    assert "2016 <span" in drive
    pilot = Service.objects.get(slug="domestic-abuse-intervention-hub-online-pilot")
    cara = Service.objects.get(slug="cara-gwent")
    assert (pilot.end_shown, cara.start_shown) == ("November 2020", "20 November 2023")
