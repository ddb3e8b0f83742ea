"""Loading the directory again (as every deploy does) never destroys an editor's change."""

import io
import json
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from directory.models import Contact, Programme, Service
from editorial.loading import LOAD_REASON

from .conftest import change_form_data, inline_prefix

pytestmark = pytest.mark.django_db

OLD_PHONE = "07919393311"
EDITED_PHONE = "07919 000 111"


def load(*args):
    out = io.StringIO()
    call_command("load_directory", *args, stdout=out)
    return out.getvalue()


def edit_in_admin(client, service, change):
    url = reverse("admin:directory_service_change", args=[service.pk])
    data = change_form_data(client.get(url))
    change(data)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def phones(service):
    return set(Contact.objects.filter(service=service, kind="phone").values_list("value", flat=True))


def test_a_phone_number_edited_in_admin_survives_a_reload_and_is_listed(director_client, own_service):
    def new_phone(data):
        data[inline_prefix(data, "contacts", OLD_PHONE) + "-value"] = EDITED_PHONE

    edit_in_admin(director_client, own_service, new_phone)
    assert phones(own_service) == {EDITED_PHONE, "07936364165"}

    output = load()

    assert phones(own_service) == {EDITED_PHONE, "07936364165"}  # the old number is not added back either
    assert "Left alone, changed by an editor since they were loaded (the edits stand): 1" in output
    assert f"  Contact “Phone: {EDITED_PHONE}” [services_cumbria_halton.json]" in output
    assert f"      value: fixture “{OLD_PHONE}”, now “{EDITED_PHONE}”" in output
    assert "0 rows added, 0 updated" in output


@pytest.mark.slow  # reloads the whole directory; the phone-number reload above stays fast
def test_a_service_field_edited_in_admin_survives_a_reload(director_client, own_service):
    fixture_summary = own_service.summary
    edit_in_admin(director_client, own_service, lambda data: data.update(summary="Corrected by an editor."))

    output = load()

    assert Service.objects.get(pk=own_service.pk).summary == "Corrected by an editor."
    assert f"  Service “{own_service.name}” [services_cumbria_halton.json]" in output
    assert f"      summary: fixture “{fixture_summary}”, now “Corrected by an editor.”" in output


@pytest.mark.slow  # reloads the whole directory; the phone-number reload above stays fast
def test_a_contact_an_editor_removed_is_not_brought_back(director_client, own_service):
    def remove(data):
        data[inline_prefix(data, "contacts", "07936364165") + "-DELETE"] = "on"

    edit_in_admin(director_client, own_service, remove)

    output = load()

    assert phones(own_service) == {OLD_PHONE}
    assert "  Contact “Phone: 07936364165” [services_cumbria_halton.json]: removed by an editor" in output


@pytest.mark.slow  # reloads the whole directory; the phone-number reload above stays fast
def test_a_row_no_one_edited_is_updated_from_its_changed_fixture_and_the_update_is_recorded(tmp_path):
    for path in (settings.BASE_DIR / "fixtures").glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    target = tmp_path / "services_ctm_and_policing.json"
    entries = json.loads(target.read_text(encoding="utf-8"))
    entry = next(
        e for e in entries if e["model"] == "directory.service" and e["fields"]["slug"] == "drive-cwm-taf-morgannwg"
    )
    old_summary = entry["fields"]["summary"]
    entry["fields"]["summary"] = "A summary the fixtures now give."
    target.write_text(json.dumps(entries), encoding="utf-8")
    drive = Service.objects.get(slug="drive-cwm-taf-morgannwg")
    assert drive.history.count() == 0

    output = load("--directory", str(tmp_path))

    drive.refresh_from_db()
    assert drive.summary == "A summary the fixtures now give."
    records = list(drive.history.order_by("history_date", "history_id"))
    assert [(r.summary, r.history_user, r.history_type) for r in records] == [
        (old_summary, None, "+"),  # the version as loaded, recorded just before the change
        ("A summary the fixtures now give.", None, "~"),
    ]
    assert records[-1].history_change_reason == f"{LOAD_REASON} (services_ctm_and_policing.json)"
    assert sorted(records[-1].areas.values_list("area__slug", flat=True)) == sorted(
        drive.areas.values_list("slug", flat=True)
    )
    assert "Updated from the fixtures (recorded in the history): 1" in output
    assert f"      summary: fixture “A summary the fixtures now give.”, now “{old_summary}”" in output
    assert "0 rows added, 1 updated" in output and "0 left alone" in output


@pytest.mark.slow  # reloads the whole directory; the phone-number reload above stays fast
def test_a_row_updated_by_a_load_is_updated_by_the_next_load_too(tmp_path):
    for path in (settings.BASE_DIR / "fixtures").glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    target = tmp_path / "services_ctm_and_policing.json"
    entries = json.loads(target.read_text(encoding="utf-8"))
    entry = next(
        e for e in entries if e["model"] == "directory.service" and e["fields"]["slug"] == "drive-cwm-taf-morgannwg"
    )
    entry["fields"]["summary"] = "First fixture change."
    target.write_text(json.dumps(entries), encoding="utf-8")
    load("--directory", str(tmp_path))

    output = load()  # the fixtures as they are in the repository

    assert Service.objects.get(slug="drive-cwm-taf-morgannwg").summary != "First fixture change."
    assert "0 left alone" in output


@pytest.mark.slow  # reloads the whole directory; the phone-number reload above stays fast
def test_a_reload_with_nothing_changed_writes_no_history():
    before = Service.history.count() + Contact.history.count()
    output = load()
    assert Service.history.count() + Contact.history.count() == before
    assert "0 rows added, 0 updated" in output and "0 left alone" in output


def test_rows_loaded_with_explicit_ids_leave_the_next_id_after_them(tmp_path):
    (tmp_path / "programmes.json").write_text(
        json.dumps([{"model": "directory.programme", "pk": 9000, "fields": {"slug": "loaded", "name": "Loaded"}}]),
        encoding="utf-8",
    )
    assert "1 rows added" in load("--directory", str(tmp_path))
    added = Programme.objects.create(slug="added-later", name="Added later")
    assert added.pk > 9000
