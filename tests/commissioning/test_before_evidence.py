"""Before the earliest source nothing is known of services: the coverage pages say so, and call no zero a gap."""

import csv
import io

import pytest
from django.urls import reverse

from directory.models import Document, evidence_span, shown_to_its_precision

pytestmark = pytest.mark.django_db

COVERAGE = reverse("commissioning:coverage")
CELL = reverse("commissioning:coverage-cell")
BEFORE = {"as_of": "2012-01-01"}
FLINTSHIRE_EARLY = {"area": "flintshire", "column": "tier:early_intervention"}
WARNING = "This date is before the earliest source"


def earliest():
    return Document.objects.exclude(published=None).order_by("published").first().published


def test_the_span_is_the_earliest_and_newest_source():
    span = evidence_span()
    assert span.earliest == earliest()
    assert span.earliest.year == 2013
    assert span.before(span.earliest.replace(year=2012))
    assert not span.before(span.earliest)


def test_a_date_before_the_earliest_source_is_not_known_not_a_gap(client):
    response = client.get(COVERAGE, BEFORE)
    body = response.content.decode()
    assert response.context["matrix"].before_evidence
    assert WARNING in body
    assert f"before the earliest source ({shown_to_its_precision(earliest())})" in body
    assert "a zero here is not known, not a gap" in body
    # No cell, tile or table calls anything a gap: the empty cells are "not known".
    assert "<strong>Gap</strong>" not in body
    assert "app-cell--gap" not in body
    assert "app-hexmap__hex app-hexmap__hex--gap" not in body
    assert ": no service;" not in body and ': no service"' not in body
    assert "app-cell--not_known" in body
    assert "Not known" in body
    # The explanation says what the timeline verb does now.
    assert "a service known only to have ended counts until its end" not in body
    assert "before that nothing is known of it, so it is not counted" in body


def test_the_cell_page_before_the_earliest_source_says_not_known(client):
    response = client.get(CELL, {**FLINTSHIRE_EARLY, **BEFORE})
    assert response.status_code == 200
    body = response.content.decode()
    assert WARNING in body
    assert "this is a gap" not in body
    assert "None known: no source is this early" in body


def test_the_gaps_csv_before_the_earliest_source_lists_no_gaps_and_says_why(client):
    rows = list(
        csv.DictReader(io.StringIO(client.get(reverse("commissioning:coverage-gaps-csv"), BEFORE).getvalue().decode()))
    )
    assert not [row for row in rows if row["kind"] == "computed"]
    (why,) = [row for row in rows if row["kind"] == "not_known"]
    # The source is dated to its year: the CSV says "2013", not a made-up "2013-01-01".
    assert why["statement"].startswith("before the earliest source (2013)")
    matrix = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("commissioning:coverage-matrix-csv"), BEFORE).getvalue().decode())
        )
    )
    states = {value for row in matrix for key, value in row.items() if key.endswith(":state")}
    assert "gap" not in states
    assert "not_known" in states


@pytest.mark.parametrize("as_of", [None, "earliest", "2020-11-01"])
def test_on_and_after_the_earliest_source_there_is_no_such_warning_and_gaps_are_gaps(client, as_of):
    params = {} if as_of is None else {"as_of": earliest().isoformat() if as_of == "earliest" else as_of}
    response = client.get(COVERAGE, params)
    body = response.content.decode()
    assert not response.context["matrix"].before_evidence
    assert WARNING not in body
    assert "app-cell--not_known" not in body
    cell = client.get(CELL, {**FLINTSHIRE_EARLY, **params}).content.decode()
    assert WARNING not in cell
    assert "None known" not in cell


def test_on_the_earliest_source_an_empty_cell_is_still_a_gap(client):
    response = client.get(COVERAGE, {"as_of": earliest().isoformat()})
    assert any(row.risk_gaps for row in response.context["matrix"].rows)
    assert "<strong>Gap</strong>" in response.content.decode()
