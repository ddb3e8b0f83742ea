"""The coverage page at national scale: a summary of every grouping and one grouping's matrix at a time, bounded
lists of the services that would fill a stated gap, and CSVs streamed and kept by the page cache."""

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import close_old_connections
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from commissioning import coverage
from commissioning.gaps import LISTED, GapCheck
from directory.pagecache import cache_keys
from regions.models import Area
from tests import factories

pytestmark = pytest.mark.django_db

COVERAGE = reverse("commissioning:coverage")


@pytest.fixture
def national():
    """Enough councils for one page to be too many: two new police force areas of 10 councils each beside the
    real directory's (25 councils: under ``WHOLE_MATRIX_COUNCILS``)."""
    assert Area.objects.local_authorities().count() <= coverage.WHOLE_MATRIX_COUNCILS
    for force in range(2):
        police = factories.area(f"test-police-{force}", kind="police_force_area", name_en=f"Test Police {force}")
        for council in range(10):
            factories.area(
                f"test-council-{force}-{council}", within=[police], name_en=f"Test Council {force} {council}"
            )
    assert Area.objects.local_authorities().count() > coverage.WHOLE_MATRIX_COUNCILS


def matrix_councils(html):
    """The councils the matrix table lists (its row headers link to the councils' pages)."""
    table = html.split('id="matrix-caption"', 1)[1].split("</table>", 1)[0] if 'id="matrix-caption"' in html else ""
    return re.findall(
        r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/areas/([^/]+)/"', table
    )


def test_a_small_directory_shows_its_whole_matrix_with_no_summary(client):
    response = client.get(COVERAGE)
    assert response.context["summary"] is None
    matrix = response.context["matrix"]
    assert matrix_councils(response.content.decode()) == [row.area.slug for row in matrix.rows]
    assert 'id="groups"' not in response.content.decode()


def test_a_national_directory_shows_a_summary_of_every_grouping_and_no_matrix(client, national):
    response = client.get(COVERAGE)
    html = response.content.decode()
    matrix = response.context["matrix"]
    assert matrix_councils(html) == []
    summary = response.context["summary"]
    assert [group.slug for group, _levels in summary] == [group.slug for group in matrix.groups]
    for group, levels in summary:
        assert [level for level, _gaps, _unstated in levels] == matrix.risk_levels
        for level, gaps, unstated in levels:
            assert gaps == sum(1 for row in group.rows if row.by_risk[level].is_gap)
            assert unstated == sum(1 for row in group.rows if row.by_risk[level].only_unstated)
    # The new councils have no service: every risk level a gap, said in words.
    test_police = next(levels for group, levels in summary if group.slug == "test-police-0")
    assert {gaps for _level, gaps, _unstated in test_police} == {10}
    assert "10 with no service" in html
    # The chooser offers every grouping, and each summary row links to its grouping's matrix.
    assert re.findall(r'<option value="([^"]+)"', html.split('id="id_group"', 1)[1].split("</select>", 1)[0]) == [
        group.slug for group in matrix.groups
    ]
    assert 'href="?group=test-police-1#matrix-caption"' in html


def test_choosing_a_grouping_shows_its_councils_matrix_and_keeps_the_other_switches(client, national):
    params = {"as_of": "2020-11-01", "criminal_justice": "exclude", "group": "south-wales-police"}
    response = client.get(COVERAGE, params)
    assert response.status_code == 200
    html = response.content.decode()
    chosen = response.context["matrix"].group("south-wales-police")
    assert matrix_councils(html) == [row.area.slug for row in chosen.rows] != []
    assert "Services per council in South Wales Police" in html
    # Each cell links to its list with the page's switches (and the grouping, for the way back).
    cardiff = next(row for row in chosen.rows if row.area.slug == "cardiff")
    assert "criminal_justice=exclude" in cardiff.by_risk[response.context["matrix"].risk_levels[0]].href
    assert "group=south-wales-police" in cardiff.by_tier[next(iter(cardiff.by_tier))].href
    # The chooser keeps the other switches.
    chooser = html.split('id="groups"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="criminal_justice" value="exclude">' in chooser
    assert 'name="group"' not in chooser.replace('<select class="govuk-select" id="id_group" name="group"', "")
    # Beside a second date, the comparison lists the chosen grouping's councils only.
    compared = client.get(COVERAGE, {**params, "compare": "2023-11-17"})
    assert [area.slug for area, _cells in compared.context["comparison"]] == [row.area.slug for row in chosen.rows]


@pytest.mark.parametrize("group", ["nowhere", "cardiff", "Bad slug!"])
def test_a_grouping_not_in_the_list_is_a_400_with_a_message(client, national, group):
    response = client.get(COVERAGE, {"group": group})
    assert response.status_code == 400
    assert "Choose a grouping from the list" in response.content.decode()


def test_a_grouping_of_another_kind_is_a_400(client, national):
    response = client.get(COVERAGE, {"group_by": "health_board", "group": "south-wales-police"})
    assert response.status_code == 400


def test_the_csvs_stay_complete_whatever_grouping_is_shown(client, national):
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("commissioning:coverage-matrix-csv"), {"group": "test-police-0"}).getvalue().decode()
            )
        )
    )
    assert len(rows) == Area.objects.local_authorities().count()


def test_a_stated_gaps_lists_name_the_first_services_and_count_the_rest():
    services = [f"service {n}" for n in range(LISTED + 3)]
    check = GapCheck(gap=None, checkable=True, then=services, now=services[:LISTED])
    assert (check.then_shown, check.then_more) == (services[:LISTED], 3)
    assert (check.now_shown, check.now_more) == (services[:LISTED], 0)
    assert render_to_string("commissioning/_and_more.html", {"more": 3}).strip() == "and 3 more services"
    assert render_to_string("commissioning/_and_more.html", {"more": 1}).strip() == "and 1 more service"
    assert render_to_string("commissioning/_and_more.html", {"more": 0}).strip() == ""


def close(response):
    """Close ``response`` as a server does when a client goes away, keeping the test's database connection (as the
    test client itself does: ``request_finished`` would otherwise close it)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("name", ["coverage-matrix-csv", "coverage-gaps-csv"])
def test_the_csvs_stream_and_the_page_cache_keeps_what_they_streamed(client, name):
    cache.clear()
    url = reverse(f"commissioning:{name}")
    cold = client.get(url, {"as_of": "2020-11-01"})
    assert cold.streaming
    streamed = b"".join(cold.streaming_content)  # the test client closes the response once read
    warm = client.get(url, {"as_of": "2020-11-01"})
    assert not warm.streaming
    assert warm.content == streamed
    assert warm["Content-Disposition"] == cold["Content-Disposition"]


def test_a_stream_closed_unread_releases_the_lock_and_is_not_kept(client):
    cache.clear()
    url = reverse("commissioning:coverage-matrix-csv")
    unread = client.get(url)
    assert unread.streaming
    key, _latest = cache_keys(RequestFactory().get(url))
    assert cache.get(key + ":lock") == 1  # held while the stream is being sent
    close(unread)
    # Not kept (never streamed whole), and not locked: the next request computes it at once.
    assert cache.get(key + ":lock") is None
    assert cache.get(key) is None
    again = client.get(url)
    assert again.streaming
    assert b"".join(again.streaming_content).startswith(b"area,grouping,as_of")
