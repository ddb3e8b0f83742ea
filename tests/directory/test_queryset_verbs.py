"""Each ServiceQuerySet verb, tested directly on a small world of its own (house style 7 and 8).

Every assertion is an exact set over the services made here, so a verb that returns too much
or too little fails. The running-on-a-date verbs (operating_on, current) are tested with the
status timeline that defines them (issue 11), not here.
"""

import pytest

from directory.models import Organisation, Programme, Scope, Service, ServiceFocus
from regions.models import AreaGraph, AreaKind
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    force = factories.area("verb-force", kind=AreaKind.POLICE_FORCE_AREA)
    town = factories.area("verb-town", within=[force])
    other_town = factories.area("verb-other-town", within=[force])
    elsewhere = factories.area("verb-elsewhere")
    high, medium = factories.risk_level("high"), factories.risk_level("medium")
    quince = Organisation.objects.create(slug="quince-trust", name="Quince Trust")
    programme = Programme.objects.create(slug="marigold", name="Marigold Programme")
    services = {
        "force-wide": factories.service(areas=[force], risk_levels=[high], name="Force wide"),
        "town": factories.service(areas=[town], risk_levels=[medium], organisation=quince, name="Town group"),
        "other-town": factories.service(
            areas=[other_town], risk_levels=[high, medium], programme=programme, name="Other town course"
        ),
        "elsewhere": factories.service(areas=[elsewhere], scope=Scope.ELSEWHERE, name="Comparator far away"),
    }
    return {"areas": {"force": force, "town": town, "other-town": other_town}, "services": services}


def names(queryset, world):
    mine = {s.pk: key for key, s in world["services"].items()}
    return {mine[pk] for pk in queryset.values_list("pk", flat=True) if pk in mine}


def ours(world):
    return Service.objects.filter(pk__in=[s.pk for s in world["services"].values()])


def test_referable_leaves_out_comparators_elsewhere(world):
    assert names(ours(world).referable(), world) == {"force-wide", "town", "other-town"}


def test_for_risk_level_keeps_services_that_take_that_level(world):
    high = factories.risk_level("high")
    medium = factories.risk_level("medium")
    assert names(ours(world).for_risk_level(high), world) == {"force-wide", "other-town"}
    assert names(ours(world).for_risk_level(medium), world) == {"town", "other-town"}


def test_covering_a_town_finds_services_for_it_or_an_area_around_it_and_says_which(world):
    found = ours(world).covering(world["areas"]["town"], graph=AreaGraph.load())
    assert {world_key: s.covers_whole for world_key, s in _by_key(found, world).items()} == {
        "force-wide": True,
        "town": True,
    }


def test_covering_a_force_finds_services_for_part_of_it_too(world):
    found = ours(world).covering(world["areas"]["force"], graph=AreaGraph.load())
    assert {key: s.covers_whole for key, s in _by_key(found, world).items()} == {
        "force-wide": True,
        "town": False,
        "other-town": False,
    }


def _by_key(queryset, world):
    mine = {s.pk: key for key, s in world["services"].items()}
    return {mine[s.pk]: s for s in queryset if s.pk in mine}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Force wide", {"force-wide"}),
        ("Quince Trust", {"town"}),  # the organisation's name
        ("Marigold", {"other-town"}),  # the programme's name
        ("town", {"town", "other-town"}),
        ("town quince", {"town"}),  # every word must match
        ("xylophone", set()),
        ("", {"force-wide", "town", "other-town", "elsewhere"}),
    ],
)
def test_search_finds_services_by_their_words_and_their_providers(world, text, expected):
    assert names(ours(world).search(text), world) == expected


def _focus(service, kind, value, applies=True):
    ServiceFocus.objects.create(
        service=service,
        kind=kind,
        value=value,
        applies=applies,
        document=factories.document(),
        section="1",
        quote=f"{kind} {value} {applies}",
    )


def test_for_audience_and_not_stated(world):
    services = world["services"]
    _focus(services["force-wide"], "audience", "person")
    _focus(services["town"], "audience", "partners")
    assert names(ours(world).for_audience("person"), world) == {"force-wide"}
    assert names(ours(world).for_audience("person", or_not_stated=True), world) == {
        "force-wide",
        "other-town",
        "elsewhere",
    }
    assert names(ours(world).audience_not_stated(), world) == {"other-town", "elsewhere"}


def test_addressing_keeps_all_but_a_stated_no_and_marks_a_stated_yes(world):
    services = world["services"]
    _focus(services["force-wide"], "harm", "stalking", applies=True)
    _focus(services["town"], "harm", "stalking", applies=False)
    found = _by_key(ours(world).addressing("stalking"), world)
    assert {key: s.harm_stated for key, s in found.items()} == {
        "force-wide": True,
        "other-town": False,
        "elsewhere": False,
    }


PAGE_SHAPES = {
    "for_home_page": lambda s: (s.organisation.name, list(s.risk_levels.all()), [p.pathway for p in s.pathways.all()]),
    "for_list_page": lambda s: (
        s.organisation.name,
        s.programme and s.programme.name,
        list(s.risk_levels.all()),
        list(s.areas.all()),
        [p.pathway for p in s.pathways.all()],
        [f.document for f in s.focus.all()],
    ),
    "for_matcher": lambda s: (
        s.organisation.name,
        list(s.areas.all()),
        [p.pathway for p in s.pathways.all()],
        [f.document for f in s.focus.all()],
        list(s.contacts.all()),
    ),
    "for_detail_page": lambda s: (
        s.organisation.name,
        list(s.areas.all()),
        list(s.contacts.all()),
        [c.document for c in s.citations.all()],
        [e.document for e in s.status_events.all()],
        [link.to_service for link in s.links_out.all()],
        [link.from_service for link in s.links_in.all()],
        list(s.requirements.all()),
        [list(a.items.all()) for a in s.assessments.all()],
    ),
    "for_export": lambda s: (
        s.organisation.name,
        list(s.areas.all()),
        [p.pathway for p in s.pathways.all()],
        list(s.contacts.all()),
        [c.document for c in s.citations.all()],
    ),
}


@pytest.mark.parametrize("shape", PAGE_SHAPES)
def test_page_shaped_querysets_read_their_related_rows_in_a_fixed_number_of_queries(shape, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(queryset):
        with CaptureQueriesContext(connection) as captured:
            rows = [PAGE_SHAPES[shape](s) for s in getattr(queryset, shape)()]
        return len(captured), len(rows)

    # Half the directory against all of it (both halves have rows in every related list, so a
    # prefetch is never skipped for want of rows): a query per row would add dozens.
    half = Service.objects.order_by("slug")[: Service.objects.count() // 2]
    few = queries_for(Service.objects.filter(pk__in=list(half.values_list("pk", flat=True))))
    many = queries_for(Service.objects.all())
    assert many[1] >= 2 * few[1] > 60
    assert many[0] == few[0]


def test_for_risk_level_or_not_stated_adds_services_with_no_level_unmarked(world):
    high = factories.risk_level("high")
    found = ours(world).for_risk_level(high, or_not_stated=True)
    assert names(found, world) == {"force-wide", "other-town", "elsewhere"}  # "town" states medium only
    assert names(found.filter(risk_stated=False), world) == {"elsewhere"}


def test_stated_or_not_is_the_or_of_the_two_exists_on_the_whole_directory():
    """``one_of_or_none`` (one scalar subquery, so PostgreSQL reads a page's services by index) selects exactly the
    services ``EXISTS(one meets it) OR NOT EXISTS(any)`` does, for every audience and risk level in the directory."""
    from django.db.models import Exists, OuterRef

    from directory.models import Audience, FocusKind, RiskLevel

    every = Service.objects.all()
    assert every.count() > 50
    for audience in Audience.values:
        focus = ServiceFocus.objects.filter(service_id=OuterRef("pk"), kind=FocusKind.AUDIENCE, applies=True)
        expected = every.filter(Exists(focus.filter(value=audience)) | ~Exists(focus))
        found = every.for_audience(audience, or_not_stated=True)
        assert set(found.values_list("pk", flat=True)) == set(expected.values_list("pk", flat=True)), audience
    for level in RiskLevel.objects.all():
        through = Service.risk_levels.through.objects.filter(service_id=OuterRef("pk"))
        expected = every.filter(Exists(through.filter(risklevel_id=level.pk)) | ~Exists(through))
        found = every.for_risk_level(level, or_not_stated=True)
        assert set(found.values_list("pk", flat=True)) == set(expected.values_list("pk", flat=True)), level.slug
        assert 0 < found.filter(risk_stated=False).count() < found.count()
