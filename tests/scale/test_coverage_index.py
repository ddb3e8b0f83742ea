"""The matrix read from the database (coverage_index) says exactly what the walk over every service said.

The reference below is the old computation, kept here as the spec: every council against every
counted service, in Python, from fully loaded model instances. It is slow (councils × services) and
is run only on the real directory.
"""

import datetime

import pytest

from commissioning import coverage, coverage_index, gaps
from directory.models import AreaExtent, Claim, RiskLevel, Service, StatedGap, Status, Tier
from regions.models import Area, AreaGraph

pytestmark = pytest.mark.django_db

DATES = [datetime.date(2016, 6, 1), datetime.date(2019, 6, 1), datetime.date(2020, 11, 1), datetime.date(2026, 12, 1)]


def walk(options):
    """``{(council slug, column): (counted slugs, listed-apart slugs)}`` by testing every service for every council."""
    services = list(
        Service.objects.referable().prefetch_related("areas", "risk_levels", "pathways__pathway").order_by("name")
    )
    statuses = dict(Service.objects.referable().with_timeline(options.as_of).values_list("pk", "timeline_status"))
    claims = {s.pk: Claim.for_service(s) for s in Service.objects.referable().with_timeline(options.as_of)}

    def evidence(chosen):
        """How many of ``chosen`` are confirmed within the threshold; where none is, the newest evidence's month."""
        confirmed = sum(1 for s in chosen if not claims[s.pk].stale)
        dated = [claims[s.pk] for s in chosen if claims[s.pk].evidence]
        newest = max(dated, key=lambda claim: claim.evidence) if dated and not confirmed else None
        return confirmed, newest.month_or_coarser if newest else ""

    counted = [
        s
        for s in services
        if statuses[s.pk] in Status.operating()
        and (options.include_pilots or statuses[s.pk] != Status.PILOT)
        and (options.include_criminal_justice or not coverage.is_criminal_justice_only(s))
    ]
    graph = AreaGraph.load()
    cells = {}
    for council in Area.objects.local_authorities():
        whole, part = graph.coverage_sets(council.pk)
        here = [s for s in counted if any(a.pk in whole | part for a in s.areas.all())]
        apart = {
            s.pk
            for s in here
            if s.area_extent == AreaExtent.SOMEWHERE and all(a.pk != council.pk for a in s.areas.all())
        }
        direct = [s for s in here if s.tier in coverage.INTERVENTION_TIERS]
        unstated = [s for s in direct if not s.risk_levels.all() or s.pk in apart]
        for level in RiskLevel.objects.all():
            taking = [s for s in direct if s not in unstated and level in s.risk_levels.all()]
            cells[(council.slug, f"risk:{level.slug}")] = (
                sorted(s.slug for s in taking),
                sorted(s.slug for s in unstated),
                sum(1 for s in taking if not coverage.is_criminal_justice_only(s)),
                evidence(taking),
            )
        for tier in Tier:
            counted_here = [s for s in here if s.tier == tier and s.pk not in apart]
            cells[(council.slug, f"tier:{tier.value}")] = (
                sorted(s.slug for s in counted_here),
                sorted(s.slug for s in here if s.tier == tier and s.pk in apart),
                sum(
                    1 for s in here if s.tier == tier and s.pk not in apart and not coverage.is_criminal_justice_only(s)
                ),
                evidence(counted_here),
            )
    return cells


def read(matrix):
    cells = {}
    for row in matrix.rows:
        columns = [(f"risk:{level.slug}", cell) for level, cell in row.by_risk.items()]
        columns += [(f"tier:{tier.value}", cell) for tier, cell in row.by_tier.items()]
        for column, cell in columns:
            cells[(row.area.slug, column)] = (
                sorted(s.slug for s in cell.services),
                sorted(s.slug for s in cell.unstated),
                cell.open_count,
                (cell.confirmed_count, cell.not_confirmed_since),
            )
            assert (cell.count, cell.unstated_count) == (len(cell.services), len(cell.unstated))
    return cells


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("switches", [{}, {"include_criminal_justice": False}, {"include_pilots": False}])
def test_the_matrix_from_the_database_is_the_walk_over_every_service(as_of, switches):
    options = coverage.Options(as_of=as_of, **switches)
    assert read(coverage.build_matrix(options)) == walk(options)


def test_the_criminal_justice_condition_in_the_database_is_the_python_rule():
    flags = dict(Service.objects.annotate(cj=coverage_index.criminal_justice_only()).values_list("pk", "cj"))
    services = Service.objects.prefetch_related("pathways__pathway")
    assert {s.pk: coverage.is_criminal_justice_only(s) for s in services} == {pk: bool(f) for pk, f in flags.items()}
    assert any(flags.values()) and not all(flags.values())


def test_a_cell_page_lists_one_councils_cell_without_reading_every_service(client, django_assert_max_num_queries):
    options = coverage.Options(as_of=datetime.date(2020, 11, 1))
    whole = coverage.build_matrix(options)
    cardiff = next(row for row in whole.rows if row.area.slug == "cardiff")
    alone = coverage.build_matrix(options, only=cardiff.area)
    assert [row.area.slug for row in alone.rows] == ["cardiff"]
    assert read(alone) == {key: value for key, value in read(whole).items() if key[0] == "cardiff"}


def test_the_stated_gaps_from_the_pages_dates_match_each_gap_asked_alone():
    graph = AreaGraph.load()
    as_of = datetime.date(2026, 11, 23)
    # As the page does: the matrix reads the date's running services, the gaps on that date reuse them.
    read_once = coverage.load_services()
    coverage.build_matrix(coverage.Options(as_of=as_of), services=read_once, graph=graph)
    checks = gaps.check_stated_gaps(as_of=as_of, services=read_once, graph=graph)
    assert any(check.then for check in checks) and any(check.now for check in checks)
    services = coverage.load_services()  # nothing read yet: each gap's date asked of the database
    for check in checks:
        if not check.checkable:
            assert (check.then, check.now) == ([], [])
            continue
        assert check.now == gaps.gap_services(check.gap, services, graph, as_of)
        if check.gap.as_of:
            assert check.then == gaps.gap_services(check.gap, services, graph, check.gap.as_of)


@pytest.mark.parametrize("as_of", [datetime.date(2020, 11, 1), datetime.date(2026, 11, 23)], ids=str)
def test_the_gaps_csv_without_lists_says_what_the_page_says(as_of):
    listed = gaps.check_stated_gaps(as_of=as_of)
    bare = gaps.check_stated_gaps(as_of=as_of, lists=False)
    assert [check.gap.slug for check in bare] == [check.gap.slug for check in listed]
    assert any(check.agrees for check in listed) and any(check.then for check in listed)
    for with_lists, without in zip(listed, bare, strict=True):
        assert (without.checkable, without.dated, without.agrees) == (
            with_lists.checkable,
            with_lists.dated,
            with_lists.agrees,
        )
        assert without.then == [service.pk for service in with_lists.then] and without.now == []


def test_the_gaps_own_dates_are_asked_once_per_data_version():
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories

    def asked(**options):
        with CaptureQueriesContext(connection) as queries:
            checks = gaps.check_stated_gaps(lists=False, **options)
        return checks, [q for q in queries if "UNION ALL" in q["sql"] or "directory_statusevent" in q["sql"]]

    cache.clear()
    first, read = asked(as_of=datetime.date(2026, 11, 23))
    assert read and any(check.then for check in first)
    again, read_again = asked(as_of=datetime.date(2024, 1, 1))  # another page date: the gaps' own dates are known
    assert not read_again
    then = {check.gap.pk: check.then for check in first}
    assert again and all(check.then == then[check.gap.pk] for check in again)
    cache.clear()
    fresh, _read = asked(as_of=datetime.date(2024, 1, 1))
    assert [(c.gap.pk, c.then) for c in fresh] == [(c.gap.pk, c.then) for c in again]
    factories.service(slug="an-edit")  # a new data version: asked afresh
    _after, read_after = asked(as_of=datetime.date(2024, 1, 1))
    assert read_after


def stated_gaps_with_risk_levels():
    """The real directory states one gap with a risk level (and nothing fills it): these state one for each risk
    level, in councils and larger areas with services, on two documents' dates."""
    model = StatedGap.objects.exclude(as_of=None).first()
    made = []
    for date in (datetime.date(2020, 11, 1), datetime.date(2023, 11, 17)):
        for level in RiskLevel.objects.all():
            for slug in ("cardiff", "swansea", "gwent-police", "wales"):
                gap = StatedGap.objects.get(pk=model.pk)
                gap.pk, gap.slug, gap.as_of, gap.tier = None, f"test-{slug}-{level.slug}-{date}", date, ""
                gap.save()
                gap.areas.set(Area.objects.filter(slug=slug))
                gap.risk_levels.set([level])
                made.append(gap)
    return made


def test_a_gap_asked_of_the_database_gets_what_the_services_read_for_the_page_give():
    """A stated gap on a date the page has not read is asked of the database, its risk levels in the query
    (``gap_fillers``); on a date read for the matrix it is answered from the services read. The two agree for
    every checkable dated gap."""
    graph = AreaGraph.load()
    stated_gaps_with_risk_levels()
    checked = [
        gap
        for gap in StatedGap.objects.exclude(as_of=None).prefetch_related("areas", "risk_levels")
        if gap.tier or gap.risk_levels.all() or gap.excludes_criminal_justice
    ]
    filled = 0
    for gap in checked:
        question = [("gap", gap, gaps.gap_footprint(gap, graph), gap.as_of)]
        asked = coverage_index.gap_fillers(question, coverage.load_services())
        read = coverage.load_services()
        read.running(gap.as_of)  # as the page's own date is
        assert sorted(asked["gap"]) == sorted(coverage_index.gap_fillers(question, read)["gap"]), gap.slug
        filled += bool(asked["gap"])
    assert filled > 10  # gaps with a risk level that services fill, on both dates
