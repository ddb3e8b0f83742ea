"""What a coverage cell and a map tile say: covered, gap, only unstated, only with a conviction or order, only stale
evidence; in the page, the map and the CSVs; and English-only content marked as English on Welsh pages."""

import csv
import datetime
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse

from commissioning import coverage
from regions.models import Area
from tests import factories

pytestmark = pytest.mark.django_db

COVERAGE = reverse("commissioning:coverage")


def tile_for(response, slug):
    return next(tile for tile in response.context["tiles"] if tile.row.area.slug == slug)


def tile_html(body, name):
    """The ``<a>`` of the map tile whose title starts with ``name``."""
    return re.search(rf'<a [^>]*class="app-hexmap__tile"[^>]*>\s*<title>{re.escape(name)}:.*?</a>', body, re.S).group(0)


def test_the_default_map_shows_levels_open_only_with_a_conviction(client):
    """Today's default (criminal justice included) is not a map of "no gaps": a level covered only by services that
    need a conviction or court order has its own mark, pattern and words."""
    response = client.get(COVERAGE)
    body = response.content.decode()
    states = {tile.state for tile in response.context["tiles"]}
    assert states - {"covered"}, "the default map shows where coverage is weak"
    swansea = tile_for(response, "swansea")
    assert swansea.row.by_risk[response.context["matrix"].risk_levels[-1]].state == "conviction_only"
    assert swansea.state == "conviction_only"
    assert swansea.marks.split() == ["✓", "✓", "C"]
    html = tile_html(body, "Swansea")
    assert "High risk: 1 service, none open without a conviction or court order" in html
    assert 'fill="url(#app-hex-conviction_only)"' in html
    assert '<pattern id="app-hex-conviction_only"' in body
    assert "only services that need a conviction, caution or court order (hatched)" in body


def test_a_tile_never_says_every_level_is_covered_when_some_level_has_only_unstated_services(client):
    response = client.get(COVERAGE, {"as_of": "2020-11-01", "criminal_justice": "exclude"})
    body = response.content.decode()
    vale = tile_for(response, "vale-of-glamorgan")
    assert (vale.gap_count, vale.unstated_count, vale.state) == (0, 3, "unstated")
    assert vale.marks == "? ? ?"
    html = tile_html(body, "Vale of Glamorgan")
    assert "Standard risk: only 3 services whose risk levels or councils are not stated" in html
    assert 'fill="url(#app-hex-unstated)"' in html
    assert "every risk level" not in body
    for tile in response.context["tiles"]:
        assert f'aria-label="{tile.description}"' in body.replace("&#x27;", "'")


def test_a_cell_covered_only_by_stale_evidence_says_so_in_the_page_the_map_and_the_csvs(client):
    """On the evidence horizon (17 November 2023), Cardiff's one standard-risk service was last reported in the
    November 2020 review: three years before, past the 24-month threshold."""
    response = client.get(COVERAGE)
    matrix = response.context["matrix"]
    standard = matrix.risk_levels[0]
    cell = next(row for row in matrix.rows if row.area.slug == "cardiff").by_risk[standard]
    assert (cell.count, cell.confirmed_count, cell.state) == (1, 0, "stale")
    assert cell.not_confirmed_since == "November 2020"
    body = response.content.decode()
    assert re.search(
        r'<td class="[^"]*app-cell--stale"><a [^>]*>'
        r"1 \(1 without a conviction\) — not confirmed since November 2020</a>",
        body,
    )
    tile = tile_for(response, "cardiff")
    assert tile.marks.split()[0] == "!"
    assert "Standard risk: 1 service (1 without a conviction) — not confirmed since November 2020" in tile.description
    # The CSVs give the month in ISO 8601, the same in every language.
    for language in ("en", "cy"):
        client.cookies["django_language"] = language
        csv_body = client.get(reverse("commissioning:coverage-matrix-csv")).getvalue().decode()
        cardiff = next(row for row in csv.DictReader(io.StringIO(csv_body)) if row["area"] == "cardiff")
        assert (cardiff["risk:standard:state"], cardiff["risk:standard:not_confirmed_since"]) == ("stale", "2020-11")
    del client.cookies["django_language"]
    assert cardiff["risk:standard:confirmed"] == "0"
    gaps = list(csv.DictReader(io.StringIO(client.get(reverse("commissioning:coverage-gaps-csv")).getvalue().decode())))
    assert {
        "kind": "not_confirmed_since",
        "area": "cardiff",
        "risk_level": "standard",
        "statement": "2020-11",
    }.items() <= next(g for g in gaps if (g["kind"], g["area"]) == ("not_confirmed_since", "cardiff")).items()
    assert ("only_with_a_conviction_or_order", "swansea", "high") in {
        (g["kind"], g["area"], g["risk_level"]) for g in gaps
    }
    # The cell's own page says it too.
    page = client.get(reverse("commissioning:coverage-cell"), {"area": "cardiff", "column": "risk:standard"})
    assert "not confirmed since November 2020" in page.content.decode()


def test_stale_is_the_claims_threshold_and_an_editors_check_resets_it(settings):
    council = factories.area("stale-council", within=[Area.objects.get(slug="gwent-police")])
    level = factories.risk_level("high")
    service = factories.service(areas=[council], risk_levels=[level], status_on=datetime.date(2021, 6, 1))

    def cell(as_of):
        matrix = coverage.build_matrix(coverage.Options(as_of=as_of), only=council)
        return matrix.rows[0].by_risk[next(lv for lv in matrix.risk_levels if lv.pk == level.pk)]

    assert cell(datetime.date(2023, 5, 31)).state == "covered"  # 23 months
    stale = cell(datetime.date(2023, 6, 1))  # 24 months: the threshold
    assert (stale.state, stale.not_confirmed_since) == ("stale", "June 2021")
    settings.EVIDENCE_STALE_MONTHS = 36
    assert cell(datetime.date(2023, 6, 1)).state == "covered"
    settings.EVIDENCE_STALE_MONTHS = 24
    service.last_verified = datetime.date(2023, 1, 10)
    service.save()
    assert cell(datetime.date(2023, 6, 1)).state == "covered"


def test_english_only_content_on_welsh_coverage_pages_is_marked_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    body = client.get(COVERAGE, {"as_of": "2020-11-01", "group_by": "vawdasv_region"}).content.decode()
    assert '<html lang="cy"' in body
    # The reference data gives the region no Welsh name: its English name, marked English.
    assert '<span lang="en">Cardiff and Vale of Glamorgan</span>' in body
    assert 'lang="cy">Caerdydd</a>' in body
    # Stated gaps' document titles and dates are English.
    assert re.search(
        r'<cite lang="en">[^<]*Cardiff and The Vale[^<]*</cite> \(<span lang="en">November 2020</span>\)', body
    )
    cell = client.get(reverse("commissioning:coverage-cell"), {"area": "cardiff", "column": "tier:partner_support"})
    html = cell.content.decode()
    assert 'lang="en">Provider not named in the source documents</a>' in html
    assert "Provider not named in the source documents</a>" not in html.replace(
        'lang="en">Provider not named in the source documents</a>', ""
    )


def test_a_cells_page_leads_back_to_the_same_matrix(client):
    params = {"area": "cardiff", "column": "risk:medium", "group_by": "health_board", "pilots": "exclude"}
    body = client.get(reverse("commissioning:coverage-cell"), params).content.decode()
    back = re.search(r'<a class="govuk-link" href="(/coverage/\?[^"]*)">Back to the matrix</a>', body).group(1)
    assert "group_by=health_board" in back and "pilots=exclude" in back and "as_of=2023-11-17" in back
    assert "area=" not in back and "column=" not in back


def test_the_two_dates_table_says_what_each_cell_says_not_a_bare_count(client):
    """Side by side, a level with only services of unstated risk level reads "Not stated: n" (never "0"), and one
    with only stale evidence says since when."""
    response = client.get(COVERAGE, {"as_of": "2019-06-01", "compare": "2020-11-01", "criminal_justice": "exclude"})
    body = response.content.decode()
    vale = re.search(
        r'<th scope="row" class="govuk-table__header" lang="[a-z]+">Vale of Glamorgan</th>(.*?)</tr>', body, re.S
    )
    medium = re.findall(r"<td .*?</td>", vale.group(1), re.S)[1]
    assert re.search(r'→ <span class="app-cell--unstated">Not stated: \d+</span>', medium)
    later = client.get(COVERAGE, {"as_of": "2020-11-01", "compare": "2023-11-17"}).content.decode()
    cardiff = re.search(r'lang="[a-z]+">Cardiff</th>(.*?)</tr>', later, re.S).group(1)
    assert (
        '<span class="app-cell--stale">1 (1 without a conviction) — not confirmed since November 2020</span>' in cardiff
    )
