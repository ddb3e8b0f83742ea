"""Bulk CSV: export then import changes nothing; a dry run shows row errors; a failed import changes nothing."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from directory.models import Service

# Whole-directory CSV round trips through the admin: the slow tier.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CSV_FORMAT = "0"  # the first import and export format is CSV


def export_csv(client):
    response = client.post(reverse("admin:directory_service_export"), {"format": CSV_FORMAT, "resource": "0"})
    assert response.status_code == 200
    return response.content.decode()


def dry_run(client, text):
    upload = SimpleUploadedFile("services.csv", text.encode(), content_type="text/csv")
    return client.post(
        reverse("admin:directory_service_import"), {"import_file": upload, "format": CSV_FORMAT, "resource": "0"}
    )


def confirm(client, response):
    form = response.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(reverse("admin:directory_service_process_import"), data)


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def write(rows_):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows_[0]))
    writer.writeheader()
    writer.writerows(rows_)
    return out.getvalue()


def snapshot():
    out = io.StringIO()
    call_command("dumpdata", "directory.service", stdout=out)
    return out.getvalue()


def test_the_export_has_one_row_per_service_keyed_by_slug_with_related_slugs(director_client):
    exported = rows(export_csv(director_client))
    assert len(exported) == Service.objects.count()
    drive = next(row for row in exported if row["slug"] == "drive-cwm-taf-morgannwg")
    assert drive["organisation"] == "safer-merthyr-tydfil"
    assert drive["areas"] == "|".join(
        sorted(Service.objects.get(slug="drive-cwm-taf-morgannwg").areas.values_list("slug", flat=True))
    )
    assert "id" not in drive and "verified_by" not in drive


def test_importing_the_export_back_changes_nothing(director_client):
    before = snapshot()
    history_before = Service.history.count()
    text = export_csv(director_client)

    preview = dry_run(director_client, text)
    assert preview.status_code == 200
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == Service.objects.count()
    assert result.totals["update"] == 0 and result.totals["new"] == 0

    confirm(director_client, preview)
    assert snapshot() == before
    assert Service.history.count() == history_before


def test_a_dry_run_changes_nothing_and_previews_the_changes(director_client):
    exported = rows(export_csv(director_client))
    for row in exported:
        if row["slug"] == "drive-cwm-taf-morgannwg":
            row["summary"] = "Changed in bulk."
    preview = dry_run(director_client, write(exported))
    assert preview.context["result"].totals["update"] == 1
    assert "confirm_form" in preview.context
    assert Service.objects.get(slug="drive-cwm-taf-morgannwg").summary != "Changed in bulk."
    confirm(director_client, preview)
    assert Service.objects.get(slug="drive-cwm-taf-morgannwg").summary == "Changed in bulk."
    record = Service.objects.get(slug="drive-cwm-taf-morgannwg").history.order_by("-history_date").first()
    assert record.history_user.username == "diradmin"


def test_row_errors_are_shown_row_by_row_and_nothing_can_be_applied(director_client):
    before = snapshot()
    exported = rows(export_csv(director_client))
    by_slug = {row["slug"]: row for row in exported}
    by_slug["drive-cwm-taf-morgannwg"]["summary"] = "A good change in the same file."
    by_slug["cara-gwent"]["end_date"] = "1999-01-01"
    by_slug["cara-gwent"]["start_date"] = "2020-01-01"
    by_slug["pipa"]["areas"] = "atlantis|cardiff"
    by_slug["stopso"]["tier"] = "not-a-tier"
    by_slug["cobi"]["areas"] = ""
    exported.append({**by_slug["cobi"], "slug": "brand-new-service"})

    preview = dry_run(director_client, write(exported))

    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.has_validation_errors()
    assert "confirm_form" not in preview.context
    assert len(result.invalid_rows) == 5
    body = preview.content.decode()
    assert "The end date cannot be before the start date." in body
    assert "Unknown areas: atlantis" in body
    assert "Give at least one area" in body
    assert "Value &#x27;not-a-tier&#x27; is not a valid choice." in body
    assert "No service has the slug “brand-new-service”" in body
    assert snapshot() == before


def test_a_failed_apply_rolls_back_every_row(director_client):
    """If the data changes between preview and apply so that one row fails, no row is applied."""
    from regions.models import Area

    temporary = Area.objects.create(slug="temporary-area", kind="locality", name_en="Temporary")
    before_drive = Service.objects.get(slug="drive-cwm-taf-morgannwg").summary
    exported = rows(export_csv(director_client))
    for row in exported:
        if row["slug"] == "drive-cwm-taf-morgannwg":
            row["summary"] = "Applied only if every row is."
        if row["slug"] == "cara-gwent":
            row["areas"] = "temporary-area"
    preview = dry_run(director_client, write(exported))
    assert "confirm_form" in preview.context
    temporary.delete()  # the preview was clean; applying now fails on this row

    response = confirm(director_client, preview)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:directory_service_import")
    page = director_client.get(response["Location"]).content.decode()
    assert "Nothing was imported: a row failed when the import was applied." in page
    assert Service.objects.get(slug="drive-cwm-taf-morgannwg").summary == before_drive
    assert Service.objects.get(slug="cara-gwent").areas.exists()


def test_the_import_page_lists_the_columns(director_client):
    response = director_client.get(reverse("admin:directory_service_import"))
    assert response.status_code == 200
    assert "slug, name, organisation" in response.content.decode()
