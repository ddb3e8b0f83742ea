"""The synthetic directory generator: realistic shapes, and it refuses to touch the real directory."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from directory.management.commands.generate_synthetic_directory import refuse_reason
from directory.models import Citation, Scope, Service, ServiceFocus, ServicePathway, Status, StatusEvent
from directory.synthetic import area_plan, generate
from regions.models import Area, AreaKind

pytestmark = pytest.mark.django_db


def test_the_command_refuses_a_database_not_named_for_it():
    with pytest.raises(CommandError, match="does not contain 'synth'"):
        call_command("generate_synthetic_directory", services=10, areas=20)


def test_it_refuses_a_synth_named_database_that_holds_the_real_directory():
    # The test database holds the real fixtures (tests/conftest.py loads them).
    assert "real directory" in refuse_reason("wt_scale_synth")


def test_area_plan_groups_councils():
    plan = area_plan(400)
    assert plan["councils"] > 250 and plan["forces"] > 30 and plan["countries"] >= 2
    with pytest.raises(ValueError):
        area_plan(3)


def test_generate_makes_a_directory_of_realistic_shape():
    before = Service.objects.count()
    counts = generate(200, 40, seed=3)
    assert counts["services"] == 200 and counts["areas"] == 40
    synthetic = Service.objects.filter(slug__startswith="synth-")
    assert synthetic.count() == Service.objects.count() - before == 200

    # Every council lies within a police force area, a health board, a region and a country.
    councils = Area.objects.filter(slug__startswith="synth-", kind=AreaKind.LOCAL_AUTHORITY)
    kinds = {frozenset(c.within.values_list("kind", flat=True)) for c in councils.prefetch_related("within")}
    assert kinds == {
        frozenset({AreaKind.POLICE_FORCE_AREA, AreaKind.HEALTH_BOARD, AreaKind.VAWDASV_REGION, AreaKind.COUNTRY})
    }
    # Most services are in one council; some cover a force, a board, a region or a country.
    area_kinds = list(synthetic.values_list("areas__kind", flat=True))
    assert area_kinds.count(AreaKind.LOCAL_AUTHORITY) > 0.7 * len(area_kinds)
    assert {AreaKind.POLICE_FORCE_AREA, AreaKind.COUNTRY} <= set(area_kinds)
    # A share of planned and ended services; some comparators elsewhere.
    statuses = set(synthetic.with_timeline(datetime.date.today()).values_list("timeline_status", flat=True))
    assert {Status.ACTIVE, Status.PLANNED, Status.DECOMMISSIONED} <= statuses
    assert synthetic.filter(scope=Scope.ELSEWHERE).exists()
    assert synthetic.current().count() < 200
    # Every service is cited; evidence, routes, contacts and focus rows exist.
    assert not synthetic.annotate(n=Count("citations")).filter(n=0).exists()
    assert Citation.objects.filter(service__in=synthetic).count() >= 200
    assert StatusEvent.objects.filter(service__in=synthetic).count() >= 200
    assert ServicePathway.objects.filter(service__in=synthetic).exists()
    assert ServiceFocus.objects.filter(service__in=synthetic).exists()
    assert synthetic.filter(risk_levels__slug="high").exists()


def synthetic_rows():
    services = Service.objects.filter(slug__startswith="synth-").with_timeline(datetime.date.today())
    return list(services.values_list("name", "timeline_status", "tier"))


def test_the_same_seed_gives_the_same_directory():
    generate(30, 20, seed=5)
    first = synthetic_rows()
    Service.objects.filter(slug__startswith="synth-").delete()
    for model in (Area,):
        model.objects.filter(slug__startswith="synth-").delete()
    from directory.models import Document, Organisation, StandardsAssessment, StatedGap

    StandardsAssessment.objects.filter(slug__startswith="synth-").delete()
    StatedGap.objects.filter(slug__startswith="synth-").delete()
    Organisation.objects.filter(slug__startswith="synth-").delete()
    Document.objects.filter(slug__startswith="synth-").delete()
    generate(30, 20, seed=5)
    assert synthetic_rows() == first
