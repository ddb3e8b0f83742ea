"""ORUK in: pending changes only; approving one makes it live with history; a broken feed changes nothing."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from directory.models import Document, Organisation, Service, Status
from editorial.models import PendingChange, ReviewState
from editorial.review import approve_change
from tests.api.conftest import REFERENCE

pytestmark = pytest.mark.django_db

EXAMPLES = REFERENCE / "examples"


def counts():
    return Service.objects.count(), Organisation.objects.count(), PendingChange.objects.count()


def test_a_dry_run_changes_nothing(capsys):
    before = counts()
    call_command("import_oruk", str(EXAMPLES / "service_full.json"), "--tier", "early_intervention")
    assert counts() == before
    out = capsys.readouterr().out
    assert "new service: Community Counselling" in out
    assert "Not mapped: service area" in out
    assert "Dry run: 1 pending changes would be made" in out


@pytest.mark.parametrize("example", ["service_full.json", "service_list.json"])
def test_the_reference_examples_become_pending_changes_only(example):
    services = Service.objects.count()
    call_command("import_oruk", str(EXAMPLES / example), "--tier", "early_intervention", "--apply")
    change = PendingChange.objects.get()
    assert change.state == ReviewState.PENDING and change.service is None
    assert change.proposal["fields"]["name"] == "Community Counselling"
    assert Service.objects.count() == services
    assert not Service.objects.filter(name="Community Counselling").exists()


def complete_example(tmp_path):
    """The reference example with what every service here needs: an area it covers and a cited source."""
    item = json.loads((EXAMPLES / "service_full.json").read_text())
    item["service_areas"] = [{**item["service_areas"][0], "name": "Cardiff", "extent": "", "uri": ""}]
    item["citations"] = [{"document_id": Document.objects.order_by("slug").first().slug, "section": "1", "quote": "Q"}]
    path = tmp_path / "service_full.json"
    path.write_text(json.dumps(item))
    return str(path)


def test_approving_an_imported_service_without_area_or_citation_is_refused(admin_user):
    """Approval replays the import through the service's admin form and formsets: their rules apply."""
    call_command("import_oruk", str(EXAMPLES / "service_full.json"), "--tier", "early_intervention", "--apply")
    services = Service.objects.count()
    with pytest.raises(ValidationError) as refused:
        approve_change(PendingChange.objects.get(), reviewer=admin_user)
    assert refused.value.messages == [
        "Areas covered: Choose at least one area the service covers",
        "Citation: Keep at least one citation: every service must cite a source",
    ]
    assert Service.objects.count() == services
    assert PendingChange.objects.get().state == ReviewState.PENDING


def test_approving_an_imported_change_makes_it_live_with_history(admin_user, tmp_path):
    call_command("import_oruk", complete_example(tmp_path), "--tier", "early_intervention", "--apply")
    service = approve_change(PendingChange.objects.get(), reviewer=admin_user)
    assert service.name == "Community Counselling"
    assert service.status_now == "active" and service.tier == "early_intervention"
    assert (service.min_age, service.max_age) == (12, 100)
    assert service.organisation.name == "Example Organization Inc."
    assert sorted(service.contacts.values_list("kind", "value")) == [
        ("email", "email@example.com"),
        ("website", "http://example.com/counselling"),
    ]
    assert service.history.count() >= 1


@pytest.mark.parametrize(
    "feed,message",
    [
        ("not json", "not JSON"),
        (json.dumps([{"id": "ac148810-d857-441c-9679-408f346de14b", "name": "No status"}]), "'status' is a required"),
        (json.dumps([{"id": "x", "name": "Bad id", "status": "active"}]), "is not a 'uuid'"),
        (
            json.dumps(
                [
                    {
                        "id": "ac148810-d857-441c-9679-408f346de14b",
                        "name": "Fine",
                        "status": "active",
                        "organization": {
                            "id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
                            "name": "Org",
                            "description": "",
                        },
                    },
                    {
                        "id": "ac148810-d857-441c-9679-408f346de14c",
                        "name": "Paused",
                        "status": "temporarily closed",
                        "organization": {
                            "id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
                            "name": "Org",
                            "description": "",
                        },
                    },
                ]
            ),
            "status 'temporarily closed' has no equivalent here",
        ),
        (
            json.dumps(
                [
                    {
                        "id": "ac148810-d857-441c-9679-408f346de14b",
                        "name": "No tier",
                        "status": "active",
                        "organization": {
                            "id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
                            "name": "Org",
                            "description": "",
                        },
                    }
                ]
            ),
            "no tier",
        ),
    ],
)
def test_a_broken_feed_changes_nothing_and_says_why(tmp_path, feed, message):
    path = tmp_path / "feed.json"
    path.write_text(feed)
    before = counts()
    tier = [] if "No tier" in feed else ["--tier", "prevention"]
    with pytest.raises(CommandError) as error:
        call_command("import_oruk", str(path), "--apply", *tier)
    assert message in str(error.value)
    assert counts() == before


def test_export_then_import_changes_nothing(client, tmp_path, capsys):
    contents = []
    page = 1
    while True:
        data = client.get("/api/oruk/services", {"full": "true", "per_page": 50, "page": page}).json()
        contents += data["contents"]
        if data["last_page"]:
            break
        page += 1
    path = tmp_path / "export.json"
    path.write_text(json.dumps(contents))
    before = counts()
    call_command("import_oruk", str(path), "--apply")
    out = capsys.readouterr().out
    assert counts() == before, out
    assert out.count("unchanged: ") == Service.objects.referable().count()


def test_an_imported_change_never_overwrites_a_later_edit(client, tmp_path, admin_user):
    """The feed says one thing; an admin corrects the entry before review; approving refuses the stale field."""
    first = client.get("/api/oruk/services", {"per_page": 1}).json()["contents"][0]
    item = client.get(f"/api/oruk/services/{first['id']}").json()
    service = Service.objects.get(name=item["name"])
    item["description"] = "Described by the feed."
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([item]))
    call_command("import_oruk", str(path), "--apply")
    change = PendingChange.objects.get(service=service)
    assert change.proposal["original"]["fields"]
    service.description = "Corrected by an admin after the import."
    service.save()
    with pytest.raises(ValidationError):
        approve_change(change, reviewer=admin_user)
    service.refresh_from_db()
    assert service.description == "Corrected by an admin after the import."


def test_an_organisation_the_import_creates_has_no_public_page_until_its_service_is_approved(
    client, admin_user, tmp_path
):
    call_command("import_oruk", complete_example(tmp_path), "--tier", "early_intervention", "--apply")
    organisation = Organisation.objects.get(name="Example Organization Inc.")
    assert client.get(f"/organisations/{organisation.slug}/").status_code == 404
    approve_change(PendingChange.objects.get(), reviewer=admin_user)
    assert client.get(f"/organisations/{organisation.slug}/").status_code == 200


def test_an_imported_active_service_shows_as_running_with_its_evidence(admin_user, tmp_path, client):
    """The feed's status is recorded as a dated status event stated by the approving admin, so the service is on
    the home page and in search with the evidence for it (a stored status would have shown nowhere)."""
    before = dict((tier, n) for tier, _label, n, _u in client.get(reverse("directory:service-list")).context["kinds"])
    call_command("import_oruk", complete_example(tmp_path), "--tier", "early_intervention", "--apply")
    service = approve_change(PendingChange.objects.get(), reviewer=admin_user)

    today = timezone.localdate()
    event = service.status_events.get()
    assert (event.status, event.date, event.precision, event.editor_role, event.stated_on, event.stated_by) == (
        Status.ACTIVE,
        today,
        "day",
        "directory",
        today,
        admin_user,
    )
    after = {tier: n for tier, _label, n, _u in client.get(reverse("directory:service-list")).context["kinds"]}
    assert after["early_intervention"] == before["early_intervention"] + 1
    body = client.get(reverse("directory:service-search"), {"q": "Community Counselling"}).content.decode()
    assert "Community Counselling" in body
    assert f"Reported running — {date_format(today, 'j F Y')} (directory editor)" in body


def test_a_feed_status_the_timeline_already_gives_adds_no_evidence(admin_user, tmp_path):
    call_command("import_oruk", complete_example(tmp_path), "--tier", "early_intervention", "--apply")
    approve_change(PendingChange.objects.get(), reviewer=admin_user)
    call_command("import_oruk", complete_example(tmp_path), "--tier", "early_intervention", "--apply")
    assert PendingChange.objects.count() == 1  # the same feed again: unchanged, so nothing to review
