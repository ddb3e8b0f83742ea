"""A CSV import's status column is evidence on the timeline, never a stored status beside it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from directory.models import Service, Status

pytestmark = pytest.mark.django_db

CSV_FORMAT = "0"
ENDED = "lights4violence"  # ended on its timeline (the review, November 2020), no end date


def import_csv(client, text):
    upload = SimpleUploadedFile("services.csv", text.encode(), content_type="text/csv")
    preview = client.post(
        reverse("admin:directory_service_import"), {"import_file": upload, "format": CSV_FORMAT, "resource": "0"}
    )
    assert preview.status_code == 200
    form = preview.context.get("confirm_form")
    if form is None:
        return preview
    return client.post(
        reverse("admin:directory_service_process_import"), {name: form[name].value() for name in form.fields}
    )


def search(client):
    """The search page (running services, as by default) for the service's name, whoever it is for."""
    return client.get(reverse("directory:service-search"), {"q": "Lights4Violence", "audience": "all"}).content.decode()


def test_a_status_imported_by_csv_is_recorded_as_evidence_and_shows(director_client, client, directory_admin):
    today = timezone.localdate()
    service = Service.objects.get(slug=ENDED)
    assert service.status_now == Status.DECOMMISSIONED
    assert service.get_absolute_url() not in search(client)

    response = import_csv(director_client, f"slug,status\n{ENDED},active\n")
    assert response.status_code == 302

    event = service.status_events.latest("date")
    assert (event.status, event.date, event.precision, event.editor_role, event.stated_by) == (
        Status.ACTIVE,
        today,
        "day",
        "directory",
        directory_admin,
    )
    assert Service.objects.get(pk=service.pk).status_now == Status.ACTIVE
    body = search(client)
    assert service.get_absolute_url() in body
    assert f"Reported running — {date_format(today, 'j F Y')} (directory editor)" in body


def test_a_csv_status_the_timeline_already_gives_or_a_blank_one_records_nothing(director_client):
    events = Service.objects.get(slug=ENDED).status_events.count()
    import_csv(director_client, f"slug,status\n{ENDED},decommissioned\n")
    import_csv(director_client, f"slug,status\n{ENDED},\n")
    assert Service.objects.get(slug=ENDED).status_events.count() == events


def test_an_unknown_status_in_a_csv_is_a_row_error(director_client):
    preview = import_csv(director_client, f"slug,status\n{ENDED},running\n")
    assert "confirm_form" not in preview.context
    assert "“running” is not a status" in preview.content.decode()


def test_the_admin_offers_no_stored_status_and_filters_by_the_timeline(admin_client):
    service = Service.objects.get(slug=ENDED)
    form = admin_client.get(reverse("admin:directory_service_change", args=[service.pk])).context["adminform"].form
    assert "status" not in form.fields
    assert "status" not in admin_client.get(reverse("admin:directory_service_add")).context["adminform"].form.fields
    url = reverse("admin:directory_service_changelist")
    listed = admin_client.get(url, {"status_now": "decommissioned"}).context["cl"].result_list
    assert ENDED in {s.slug for s in listed}
    assert {s.timeline_status for s in listed} == {"decommissioned"}
