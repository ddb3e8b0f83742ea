"""Coverage for commissioners: as-of dates, the criminal-justice switch, stated gaps, CSV, query budget."""

import csv
import datetime
import io
import re
from urllib import parse

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from commissioning import coverage
from directory.models import Service, Status, StatusEvent, Tier
from regions.models import Area
from tests import factories

pytestmark = pytest.mark.django_db

COVERAGE = reverse("commissioning:coverage")


def row_for(matrix, slug):
    return next(row for row in matrix.rows if row.area.slug == slug)


def risk_counts(matrix, slug):
    return {level.slug: cell.count for level, cell in row_for(matrix, slug).by_risk.items()}


def ran_in_march_2019(service):
    """An editor's statement that ``service`` was running on 1 March 2019: dated evidence before its end."""
    StatusEvent.objects.create(
        service=service,
        status=Status.ACTIVE,
        date=datetime.date(2019, 3, 1),
        precision="day",
        editor_role="directory",
        stated_on=datetime.date(2026, 12, 1),
    )


def test_a_service_decommissioned_in_2019_counts_before_its_end_and_not_after():
    atal = Service.objects.get(slug="atal-y-fro-domestic-violence-perpetrator-programme")
    assert atal.end_date == datetime.date(2019, 11, 1)
    # Its only evidence is its end: before that nothing is known, so it is not counted as running.
    assert not coverage.is_operating_on(atal, datetime.date(2019, 6, 1))
    # With evidence that it ran (an editor's statement dated March 2019), it counts from then until its end.
    ran_in_march_2019(atal)
    assert coverage.is_operating_on(atal, datetime.date(2019, 6, 1))
    assert not coverage.is_operating_on(atal, datetime.date(2019, 12, 1))

    before = coverage.build_matrix(coverage.Options(as_of=datetime.date(2019, 6, 1)))
    after = coverage.build_matrix(coverage.Options(as_of=datetime.date(2020, 11, 1)))
    assert atal in row_for(before, "vale-of-glamorgan").by_risk[before.risk_levels[1]].services
    assert atal not in row_for(after, "vale-of-glamorgan").by_risk[after.risk_levels[1]].services


def test_status_history_decides_and_a_start_date_opens_a_planned_service():
    service = factories.service(slug="history", status=Status.ACTIVE, start_date=datetime.date(2021, 3, 1))
    document = factories.document()
    StatusEvent.objects.create(
        service=service,
        status=Status.PLANNED,
        date=datetime.date(2020, 6, 1),
        document=document,
        section="1",
        quote="q",
    )
    service = Service.objects.prefetch_related("status_events").get(pk=service.pk)
    assert coverage.status_on(service, datetime.date(2020, 1, 1)) is None
    assert coverage.status_on(service, datetime.date(2020, 7, 1)) == Status.PLANNED
    assert coverage.status_on(service, datetime.date(2021, 3, 1)) == Status.ACTIVE


def test_the_vale_of_glamorgans_2020_gap_outside_criminal_justice_is_visible():
    without_cj = coverage.build_matrix(
        coverage.Options(as_of=datetime.date(2020, 11, 1), include_criminal_justice=False)
    )
    vale = row_for(without_cj, "vale-of-glamorgan")
    # No service states any risk level there; the only ones there (national helplines, a South East Wales group)
    # give no risk level: "not stated", never painted as "no service".
    assert [level.slug for level in vale.unstated_levels] == ["standard", "medium", "high"]
    assert vale.risk_gaps == []
    assert {s.slug for s in vale.by_risk[without_cj.risk_levels[0]].unstated} >= {"stopso"}

    with_cj = coverage.build_matrix(coverage.Options(as_of=datetime.date(2020, 11, 1)))
    assert risk_counts(with_cj, "vale-of-glamorgan")["medium"] >= 1  # BBR, by court order


def test_the_criminal_justice_switch_leaves_out_court_ordered_services():
    options = coverage.Options(as_of=datetime.date(2024, 1, 1))
    bbr = Service.objects.get(slug="building-better-relationships")
    included = coverage.build_matrix(options)
    excluded = coverage.build_matrix(coverage.Options(as_of=options.as_of, include_criminal_justice=False))
    assert bbr in included.services
    assert bbr not in excluded.services
    assert all(not coverage.is_criminal_justice_only(s) for s in excluded.services)
    assert all(s.tier != Tier.CRIMINAL_JUSTICE for s in excluded.services)


def test_pilots_can_be_left_out():
    options = coverage.Options(as_of=datetime.date(2024, 6, 1), include_pilots=False)
    matrix = coverage.build_matrix(options)
    assert "cara-gwent" not in {s.slug for s in matrix.services}
    assert "cara-gwent" in {s.slug for s in coverage.build_matrix(coverage.Options(as_of=options.as_of)).services}


def test_stated_gaps_are_shown_beside_what_the_data_computes(client):
    response = client.get(COVERAGE, {"as_of": "2020-11-01"})
    assert response.status_code == 200
    checks = {check.gap.slug: check for check in response.context["checks"]}
    medium = checks["cardiff-and-vale-no-medium-risk-service-2020"]
    assert medium.checkable and medium.agrees
    assert checks["vale-of-glamorgan-no-early-intervention-2020"].agrees
    assert not checks["cardiff-and-vale-no-family-system-interventions-2020"].checkable
    body = response.content.decode()
    assert "There are also no medium-risk (DVPP) services in the region." in body
    assert "Agrees" in body
    # 2023's gaps are not stated yet on a 2020 date.
    assert "gwent-limited-community-perpetrator-provision-2023" not in checks


def test_a_disagreement_between_document_and_data_is_said_plainly(client):
    response = client.get(COVERAGE, {"as_of": "2020-11-01"})
    checks = {check.gap.slug: check for check in response.context["checks"]}
    vale = checks["vale-of-glamorgan-no-programmes-outside-criminal-justice-2020"]
    # The review speaks of domestic-abuse programmes; the data also holds the South East Wales sex-offender group
    # (mapped to Gwent and Cardiff and the Vale, since the area reference has no South East Wales unit).
    assert not vale.agrees
    assert [s.slug for s in vale.then] == ["sex-offender-group-south-east-wales"]
    body = response.content.decode()
    assert "Disagrees" in body
    assert "the data has:" in body


def test_the_csv_matches_the_page(client):
    params = {"as_of": "2020-11-01", "criminal_justice": "exclude", "group_by": "health_board"}
    page = client.get(COVERAGE, params)
    matrix = page.context["matrix"]
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("commissioning:coverage-matrix-csv"), params).getvalue().decode())
        )
    )
    assert [r["area"] for r in rows] == [row.area.slug for row in matrix.rows]
    for row, exported in zip(matrix.rows, rows, strict=True):
        for level in matrix.risk_levels:
            assert int(exported[f"risk:{level.slug}"]) == row.by_risk[level].count
    gaps = list(
        csv.DictReader(io.StringIO(client.get(reverse("commissioning:coverage-gaps-csv"), params).getvalue().decode()))
    )
    computed = [(g["area"], g["risk_level"]) for g in gaps if g["kind"] == "computed"]
    assert computed == [(row.area.slug, level.slug) for row in matrix.rows for level in row.risk_gaps]
    unstated = [(g["area"], g["risk_level"]) for g in gaps if g["kind"] == "risk_level_not_stated"]
    assert unstated == [(row.area.slug, level.slug) for row in matrix.rows for level in row.unstated_levels]
    assert ("vale-of-glamorgan", "medium") in unstated
    assert {g["kind"] for g in gaps} >= {"risk_level_not_stated", "stated"}
    for row, exported in zip(matrix.rows, rows, strict=True):
        for level in matrix.risk_levels:
            assert exported[f"risk:{level.slug}:state"] == row.by_risk[level].state


def test_grouping_follows_the_commissioners_choice(client):
    matrix = client.get(COVERAGE, {"group_by": "vawdasv_region"}).context["matrix"]
    cardiff_group = next(g for g in matrix.groups if any(r.area.slug == "cardiff" for r in g.rows))
    assert cardiff_group.area.slug == "cardiff-and-vale-region"
    assert sorted(r.area.slug for r in cardiff_group.rows) == ["cardiff", "vale-of-glamorgan"]


def test_each_group_heading_spans_the_whole_matrix_row(client):
    response = client.get(COVERAGE)
    matrix = response.context["matrix"]
    assert matrix.column_count == 1 + len(matrix.risk_levels) + len(list(Tier)) > 4
    html = response.content.decode()
    assert f'<th scope="rowgroup" colspan="{matrix.column_count}"' in html
    assert 'colspan="1"' not in html


def test_the_map_has_a_tile_for_each_welsh_council_with_its_gaps_in_words(client):
    response = client.get(COVERAGE, {"as_of": "2020-11-01", "criminal_justice": "exclude"})
    tiles = response.context["tiles"]
    assert len(tiles) == 22
    vale = next(t for t in tiles if t.row.area.slug == "vale-of-glamorgan")
    assert (vale.gap_count, vale.unstated_count) == (0, 3)
    assert (
        'aria-label="Vale of Glamorgan: Standard risk: only 3 services whose risk levels or councils are not stated; '
        "Medium risk: only 3 services" in response.content.decode()
    )


@pytest.mark.parametrize(
    "params, message",
    [
        ({"as_of": "banana"}, "Enter the date as year-month-day, for example 2020-11-01"),
        ({"as_of": "1200-01-01"}, "Enter a date between 1990 and 2100"),
        ({"group_by": "postcode"}, "Choose police force area, health board or VAWDASV region"),
        ({"criminal_justice": "maybe"}, "Choose to include or leave out criminal-justice services"),
    ],
)
def test_bad_switches_get_a_400_with_a_message(client, params, message):
    for url in (COVERAGE, reverse("commissioning:coverage-matrix-csv")):
        response = client.get(url, params)
        assert response.status_code == 400
        assert message in response.content.decode()


@pytest.mark.parametrize("extra", [0, 50])
def test_coverage_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, extra):
    cardiff = Area.objects.get(slug="cardiff")
    for _ in range(extra):
        factories.service(areas=[cardiff], risk_levels=[factories.risk_level("medium")])
    for extra_area in range(extra // 10):
        factories.area(f"extra-council-{extra_area}", within=[Area.objects.get(slug="gwent-police")])
    # One more than the page itself: the page cache reads the data version; and the timeline kept for that version
    # and date is filled on its first use (tests/directory/test_timeline_day.py).
    with django_assert_max_num_queries(18):
        client.get(COVERAGE, {"as_of": "2020-11-01"})
    with django_assert_max_num_queries(17):
        client.get(reverse("commissioning:coverage-gaps-csv"))
    with django_assert_max_num_queries(21):  # one timeline query per date asked (the two, and stated gaps' dates)
        client.get(COVERAGE, {"as_of": "2020-11-01", "compare": "2023-11-17"})
    with django_assert_max_num_queries(20):  # the council's row, then its two lists with their prefetches
        client.get(reverse("commissioning:coverage-cell"), {"area": "cardiff", "column": "risk:medium"})


def test_funding_page_lists_fragile_and_ended_services(client):
    response = client.get(reverse("commissioning:funding"))
    fragile = {s.slug for s in response.context["fragile"]}
    ended = {s.slug for s in response.context["ended"]}
    assert "choices-dyfed-powys" in fragile
    assert "intervention-hub-north-wales" in ended
    assert not fragile & ended
    assert "Commissioned service stopped in 2023/24" in response.content.decode()


def test_standards_page_summarises_every_assessment(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(reverse("commissioning:standards"))
    rows = {a.slug: (a.green, a.amber, a.red, a.not_rated) for a in response.context["assessments"]}
    assert rows["clear-cardiff-and-vale-2020"] == (12, 1, 0, 0)
    assert rows["drive-cardiff-and-vale-2020"] == (37, 4, 0, 3)


def test_two_dates_side_by_side(client):
    # Atal y Fro's only evidence is its end (November 2019); an editor's statement says it ran in March 2019.
    ran_in_march_2019(Service.objects.get(slug="atal-y-fro-domestic-violence-perpetrator-programme"))
    response = client.get(COVERAGE, {"as_of": "2019-06-01", "compare": "2020-11-01", "criminal_justice": "exclude"})
    assert response.status_code == 200
    assert [m.options.as_of.isoformat() for m, _tiles in response.context["maps"]] == ["2019-06-01", "2020-11-01"]
    vale = next(cells for area, cells in response.context["comparison"] if area.slug == "vale-of-glamorgan")
    medium = next((first, second) for level, first, second in vale if level.slug == "medium")
    # Atal y Fro's programme ran in the Vale until November 2019.
    assert [s.slug for s in medium[0].services] == ["atal-y-fro-domestic-violence-perpetrator-programme"]
    assert medium[1].services == [] and medium[1].only_unstated
    assert "Services by risk level on 1 June 2019 and on 1 November 2020" in response.content.decode()
    assert client.get(COVERAGE, {"compare": "soon"}).status_code == 400


CELL_LINK = re.compile(r'href="(/coverage/cell/\?[^"]+)"')


def cell_links(client, params):
    """The matrix the coverage page counts for ``params`` and its cells: ``[(area, column, cell, href)]``.

    Asserts that a cell links to its list exactly when it lists something (a gap has no link).
    """
    response = client.get(COVERAGE, params)
    matrix = response.context["matrix"]
    links = {}
    for href in CELL_LINK.findall(response.content.decode()):
        query = parse.parse_qs(parse.urlsplit(href.replace("&amp;", "&")).query)
        links[(query["area"][0], query["column"][0])] = href.replace("&amp;", "&")
    cells = []
    for row in matrix.rows:
        columns = [(f"risk:{level.slug}", cell) for level, cell in row.by_risk.items()]
        columns += [(f"tier:{tier.value}", cell) for tier, cell in row.by_tier.items()]
        for column, cell in columns:
            href = links.get((row.area.slug, column))
            if not cell.listed:  # a gap: nothing to list
                assert href is None, (params, row.area.slug, column)
                continue
            assert href is not None, (params, row.area.slug, column)
            cells.append((row.area.slug, column, cell, href))
    assert len(links) == len(cells)
    return matrix, cells


def assert_cell_lists_what_it_counts(client, matrix, cell, href):
    cache.clear()  # the cell page is kept by the page cache: computed afresh here, to read its context
    listed = client.get(href).context
    assert {s.slug for s in listed["services"]} == {s.slug for s in cell.services}, (href,)
    # Listed apart, never counted: risk level not stated, or "somewhere in" a larger area.
    assert {s.slug for s in listed["unstated"]} == {s.slug for s in cell.unstated}, (href,)
    assert listed["matrix"].options == matrix.options, (href,)
    # The cell's page says what the cell says: its count, and whether only stale evidence supports it.
    assert (listed["cell"].count, listed["cell"].state) == (cell.count, cell.state), (href,)
    assert listed["cell"].not_confirmed_since == cell.not_confirmed_since, (href,)


# Every switch the page offers: dates from before the first document to today (the default, the evidence horizon,
# is 2023-11-17) and both criminal-justice settings on each; pilots in and out turn with them so that each meets
# both criminal-justice settings; the grouping (which only arranges the rows, but travels in every link) turns too,
# so each grouping meets both settings of each switch. Eight walks of every cell (the full product took twice as
# long and found nothing these do not: each switch acts on its own in the matrix).
GROUPINGS = ("police_force_area", "health_board", "vawdasv_region")
COVERAGE_SWITCHES = [
    {
        "as_of": as_of,
        "criminal_justice": criminal_justice,
        "pilots": ("include", "exclude")[index // 2 % 2],
        "group_by": GROUPINGS[index % len(GROUPINGS)],
    }
    for index, (as_of, criminal_justice) in enumerate(
        (as_of, criminal_justice)
        for as_of in ("2012-01-01", "2020-11-01", "2023-11-17", "today")
        for criminal_justice in ("include", "exclude")
    )
]


def test_the_walk_covers_every_switch():
    assert {p["as_of"] for p in COVERAGE_SWITCHES} == {"2012-01-01", "2020-11-01", "2023-11-17", "today"}
    assert {(p["as_of"], p["criminal_justice"]) for p in COVERAGE_SWITCHES} == {
        (d, c) for d in ("2012-01-01", "2020-11-01", "2023-11-17", "today") for c in ("include", "exclude")
    }
    switches = ("include", "exclude")
    assert {(p["criminal_justice"], p["pilots"]) for p in COVERAGE_SWITCHES} == {
        (c, p) for c in switches for p in switches
    }
    assert {(p["group_by"], p["criminal_justice"]) for p in COVERAGE_SWITCHES} == {
        (g, c) for g in GROUPINGS for c in switches
    }
    assert {(p["group_by"], p["pilots"]) for p in COVERAGE_SWITCHES} == {(g, p) for g in GROUPINGS for p in switches}


def test_every_column_links_to_a_list_of_exactly_the_services_its_cells_count(client):
    """Fast tier, one representative setting of every switch: every cell links (or, a gap, does not); in each column
    the first cell that counts services and the first that lists some apart are followed. The slow tier below
    follows every link of every combination."""
    matrix, cells = cell_links(
        client, {"as_of": "2020-11-01", "criminal_justice": "exclude", "pilots": "exclude", "group_by": "health_board"}
    )
    sample = {}
    for _area, column, cell, href in cells:
        if cell.services:
            sample.setdefault((column, "counted"), (cell, href))
        if cell.unstated:
            sample.setdefault((column, "apart"), (cell, href))
    assert {kind for _column, kind in sample} == {"counted", "apart"}
    for cell, href in sample.values():
        assert_cell_lists_what_it_counts(client, matrix, cell, href)


@pytest.mark.slow  # every cell page of sixteen matrices (~80 each, each building its row): minutes here
@pytest.mark.parametrize("params", COVERAGE_SWITCHES, ids=lambda p: "-".join(p.values()))
def test_every_cell_links_to_a_list_of_exactly_the_services_it_counts(client, params):
    if params.get("as_of") == "today":
        params = {**params, "as_of": timezone.localdate().isoformat()}
    matrix, cells = cell_links(client, params)
    assert (matrix.options.include_criminal_justice, matrix.options.include_pilots, matrix.options.group_by) == (
        params["criminal_justice"] == "include",
        params["pilots"] == "include",
        params["group_by"],
    )
    for _area, _column, cell, href in cells:
        assert_cell_lists_what_it_counts(client, matrix, cell, href)


def test_the_default_date_is_the_evidence_horizon_and_today_is_labelled_beyond_it(client):
    response = client.get(COVERAGE)
    assert response.context["matrix"].options.as_of == datetime.date(2023, 11, 17)
    body = response.content.decode()
    assert "Coverage on 17 November 2023" in body
    assert "beyond the evidence" in body
    later = client.get(COVERAGE, {"as_of": "2026-12-01"}).content.decode()
    assert "This date is beyond the evidence: the newest source is 17 November 2023." in later


def test_a_service_somewhere_in_a_larger_area_is_listed_apart_under_its_tier_not_counted(client):
    matrix = client.get(COVERAGE).context["matrix"]
    apart = [(row, tier, cell) for row in matrix.rows for tier, cell in row.by_tier.items() if cell.unstated]
    assert apart, "the real data lists some services for a force or region without naming councils"
    for _row, _tier, cell in apart:
        assert all(s.area_extent == "somewhere" for s in cell.unstated)
        assert not {s.pk for s in cell.unstated} & {s.pk for s in cell.services}
    row, tier, cell = apart[0]
    page = client.get(reverse("commissioning:coverage-cell"), {"area": row.area.slug, "column": f"tier:{tier.value}"})
    assert page.status_code == 200
    for service in cell.unstated:
        assert service.name in page.content.decode()
    assert "the documents list them for a larger area" in page.content.decode()


def test_risk_cells_count_services_open_without_a_conviction(client):
    matrix = client.get(COVERAGE).context["matrix"]
    body = client.get(COVERAGE).content.decode()
    cells = [cell for row in matrix.rows for cell in row.by_risk.values() if cell.services]
    assert any(cell.open_count < cell.count for cell in cells)
    cell = next(cell for cell in cells if cell.open_count < cell.count)
    assert f"{cell.count} ({cell.open_count} without a conviction)" in body


def test_a_bad_cell_is_a_400(client):
    cell = reverse("commissioning:coverage-cell")
    assert client.get(cell, {"area": "cardiff", "column": "risk:nonsense"}).status_code == 400
    assert client.get(cell, {"area": "nowhere", "column": "risk:high"}).status_code == 400
    assert client.get(cell, {"area": "cardiff", "column": "DROP TABLE"}).status_code == 400
