"""Entries not verified for 12 months (configurable) need review: admin filter, dashboard, public notice, action."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from directory.models import Document, EditorRole, Precision, Service, Status, StatusEvent
from editorial import freshness, review

pytestmark = pytest.mark.django_db


def test_an_entry_needs_review_when_never_verified_or_verified_12_months_ago_or_more(today):
    never = Service(last_verified=None)
    exactly = Service(last_verified=datetime.date(2025, 11, 23))
    recent = Service(last_verified=datetime.date(2025, 11, 24))
    assert [freshness.freshness_of(s, today=today).needs_review for s in (never, exactly, recent)] == [
        True,
        True,
        False,
    ]


@override_settings(EDITORIAL_REVIEW_AFTER_MONTHS=6)
def test_the_review_period_is_a_setting(today):
    assert freshness.freshness_of(Service(last_verified=datetime.date(2026, 5, 24)), today=today).needs_review is False
    assert freshness.freshness_of(Service(last_verified=datetime.date(2026, 5, 23)), today=today).needs_review is True


def test_needing_review_is_a_queryset_verb(today):
    Service.objects.filter(slug="cara-gwent").update(last_verified=datetime.date(2026, 1, 1))
    Service.objects.filter(slug="pipa").update(last_verified=datetime.date(2024, 1, 1))
    due = set(Service.objects.needing_review(today).values_list("slug", flat=True))
    assert "cara-gwent" not in due
    assert {"pipa", "stopso"} <= due
    assert len(due) == Service.objects.count() - 1


def test_the_admin_filter_lists_entries_needing_review(director_client):
    Service.objects.filter(slug="cara-gwent").update(last_verified=timezone.localdate())
    url = reverse("admin:directory_service_changelist")
    due = director_client.get(url, {"freshness": "needs_review"}).context["cl"].result_list
    fresh = director_client.get(url, {"freshness": "up_to_date"}).context["cl"].result_list
    assert "cara-gwent" not in {s.slug for s in due}
    assert [s.slug for s in fresh] == ["cara-gwent"]


def test_the_mark_verified_action_records_the_date_and_the_verifier(director_client, directory_admin):
    cara = Service.objects.get(slug="cara-gwent")
    response = director_client.post(
        reverse("admin:directory_service_changelist"), {"action": "mark_verified", "_selected_action": [cara.pk]}
    )
    assert response.status_code == 302
    cara.refresh_from_db()
    assert (cara.last_verified, cara.verified_by) == (timezone.localdate(), directory_admin)
    record = cara.history.order_by("-history_date", "-history_id").first()
    assert (record.history_change_reason, record.history_user) == ("Marked verified", directory_admin)
    assert sorted(record.areas.values_list("area__slug", flat=True)) == sorted(
        cara.areas.values_list("slug", flat=True)
    )


def test_the_dashboard_counts_what_needs_review_and_lists_the_oldest_first(director_client):
    Service.objects.filter(slug="cara-gwent").update(last_verified=timezone.localdate())
    Service.objects.filter(slug="pipa").update(last_verified=datetime.date(2020, 1, 1))
    response = director_client.get(reverse("editorial:dashboard"))
    assert response.status_code == 200
    summary = response.context["summary"]
    total = Service.objects.count()
    assert (summary.total, summary.up_to_date, summary.overdue, summary.never_verified) == (total, 1, 1, total - 2)
    assert summary.due[0].last_verified is None
    assert summary.due[-1].slug == "pipa"
    body = response.content.decode()
    assert "An entry needs review when nobody has verified it for 12 months." in body
    assert "cara-gwent" not in body


def test_a_provider_editors_dashboard_counts_only_their_services(provider_client):
    response = provider_client.get(reverse("editorial:dashboard"))
    assert response.context["summary"].total == 3
    assert {s.slug for s in response.context["summary"].due} == {
        "they-matter-cumbria",
        "they-matter-partner-support-cumbria",
        "healthy-relationship-programme-cumbria",
    }


def test_the_admin_index_links_to_the_dashboard_queue_and_inbox(director_client):
    body = director_client.get(reverse("admin:index")).content.decode()
    assert reverse("editorial:dashboard") in body
    assert reverse("editorial:review-list") in body
    assert f"{Service.objects.count()} entries need review" in body
    assert "0 changes waiting" in body


def test_the_public_page_says_quietly_when_the_entry_was_last_checked(client):
    Service.objects.filter(slug="cara-gwent").update(last_verified=datetime.date(2024, 3, 5))
    body = client.get(reverse("directory:service-detail", args=["cara-gwent"])).content.decode()
    assert "Last checked March 2024." in body
    assert "This entry is due to be checked again." in body


def test_a_recently_checked_entry_has_no_due_notice(client):
    Service.objects.filter(slug="cara-gwent").update(last_verified=timezone.localdate())
    body = client.get(reverse("directory:service-detail", args=["cara-gwent"])).content.decode()
    assert f"Last checked {timezone.localdate():%B %Y}." in body
    assert "This entry is due to be checked again." not in body


def test_a_never_checked_entry_says_so(client):
    body = client.get(reverse("directory:service-detail", args=["pipa"])).content.decode()
    assert "Not yet checked by an editor since it was taken from its documents." in body
    assert "Last checked" not in body


def test_the_dashboard_lists_stale_claims_oldest_evidence_first(director_client):
    response = director_client.get(reverse("editorial:dashboard"))
    assert response.status_code == 200
    stale = response.context["stale"]
    slugs = [service.slug for service in stale]
    assert "dapo-gwent" in slugs  # planned for May 2024, nothing later
    assert "clear-cardiff-and-vale" in slugs  # a pilot with no reported outcome
    assert "drive-cwm-taf-morgannwg" in slugs  # not confirmed since November 2023
    dated = [service.claim.evidence for service in stale if service.claim.evidence]
    assert dated == sorted(dated)
    body = response.content.decode()
    assert "Planned for May 2024 — not known whether it started" in body


def test_verified_today_resets_the_age_and_leaves_the_stale_list(director_client):
    drive = Service.objects.get(slug="drive-cwm-taf-morgannwg")
    url = reverse("editorial:stale-evidence", args=[drive.pk])
    assert director_client.post(url, {"action": "verified"}).status_code == 302
    drive = Service.objects.with_timeline(timezone.localdate()).get(pk=drive.pk)
    assert drive.last_verified == timezone.localdate()
    assert not drive.claim.warning and "checked by an editor" in drive.claim.text
    stale = director_client.get(reverse("editorial:dashboard")).context["stale"]
    assert drive.slug not in {service.slug for service in stale}


def test_ended_on_a_date_ends_the_service_on_the_timeline(director_client, directory_admin):
    drive = Service.objects.get(slug="drive-cwm-taf-morgannwg")
    url = reverse("editorial:stale-evidence", args=[drive.pk])
    director_client.post(url, {"action": "ended", "ended_on": "2025-03-31"})
    assert "drive-cwm-taf-morgannwg" not in set(
        Service.objects.operating_on(datetime.date(2025, 4, 1)).values_list("slug", flat=True)
    )
    assert "drive-cwm-taf-morgannwg" in set(
        Service.objects.operating_on(datetime.date(2025, 3, 1)).values_list("slug", flat=True)
    )
    # An end date without a date, or in the future, is refused with a message.
    other = Service.objects.get(slug="cara-gwent")
    director_client.post(reverse("editorial:stale-evidence", args=[other.pk]), {"action": "ended"})
    assert not StatusEvent.objects.filter(service=other, document=None).exists()


def test_ended_on_is_an_editors_statement_in_the_timeline_with_its_evidence(client, director_client, directory_admin):
    drive = Service.objects.get(slug="drive-cwm-taf-morgannwg")
    director_client.post(
        reverse("editorial:stale-evidence", args=[drive.pk]), {"action": "ended", "ended_on": "2025-03-31"}
    )
    # A status event whose source is the editor: their role, who and when; no end date typed over the entry.
    event = StatusEvent.objects.get(service=drive, document=None)
    assert (event.status, event.date, event.precision, event.editor_role) == (
        Status.DECOMMISSIONED,
        datetime.date(2025, 3, 31),
        Precision.DAY,
        EditorRole.DIRECTORY,
    )
    assert (event.stated_by, event.stated_on) == (directory_admin, timezone.localdate())
    assert Service.objects.get(pk=drive.pk).end_date is None
    assert event.history.get().history_user == directory_admin
    # The timeline shows it ended on that date, with its evidence; the public page names the role, never the person.
    claim = Service.objects.with_timeline(timezone.localdate()).get(pk=drive.pk).claim
    assert (claim.text, claim.warning, claim.running) == ("Ended — 31 March 2025 (directory editor)", False, False)
    body = client.get(drive.get_absolute_url()).content.decode()
    assert "Ended — 31 March 2025 (directory editor)" in body
    assert f"Directory editor, stated {timezone.localdate():%-d %B %Y}" in body
    assert directory_admin.username not in body
    # It leaves the list of stale claims.
    stale = director_client.get(reverse("editorial:dashboard")).context["stale"]
    assert drive.slug not in {service.slug for service in stale}


def test_an_end_before_a_document_says_it_ran_is_refused(director_client, directory_admin):
    # The 2023 letter says Drive Cwm Taf Morgannwg ran on 17 November 2023: an editor cannot end it before that.
    drive = Service.objects.get(slug="drive-cwm-taf-morgannwg")
    response = director_client.post(
        reverse("editorial:stale-evidence", args=[drive.pk]), {"action": "ended", "ended_on": "2023-06-30"}, follow=True
    )
    assert not StatusEvent.objects.filter(service=drive, document=None).exists()
    assert "Policing in Wales letter says it was running on 17 November 2023, after this date." in (
        response.content.decode()
    )
    with pytest.raises(ValidationError):
        freshness.record_evidence(
            Service.objects.get(slug="cara-gwent"),  # started 20 November 2023
            action="ended",
            user=directory_admin,
            on=datetime.date(2026, 12, 1),
            ended_on=datetime.date(2023, 11, 1),
        )


def test_a_status_event_has_exactly_one_source():
    drive = Service.objects.get(slug="drive-cwm-taf-morgannwg")
    document = Document.objects.get(slug="policing-in-wales-letter-2023")
    neither = StatusEvent(service=drive, status=Status.DECOMMISSIONED, date=datetime.date(2025, 1, 1), precision="day")
    both = StatusEvent(
        service=drive,
        status=Status.DECOMMISSIONED,
        date=datetime.date(2025, 1, 1),
        precision="day",
        document=document,
        section="Gwent",
        quote="Drive",
        editor_role=EditorRole.DIRECTORY,
        stated_on=datetime.date(2025, 1, 2),
    )
    vague = StatusEvent(
        service=drive,
        status=Status.DECOMMISSIONED,
        date=datetime.date(2025, 1, 1),
        precision="month",
        editor_role=EditorRole.DIRECTORY,
        stated_on=datetime.date(2025, 1, 2),
    )
    future = StatusEvent(
        service=drive,
        status=Status.DECOMMISSIONED,
        date=datetime.date(2025, 1, 3),
        precision="day",
        editor_role=EditorRole.DIRECTORY,
        stated_on=datetime.date(2025, 1, 2),
    )
    for event in (neither, both, vague, future):
        with pytest.raises(IntegrityError), transaction.atomic():
            event.save()


def test_a_provider_editors_end_waits_in_the_review_queue_then_enters_the_timeline(
    client, provider_editor, own_service, directory_admin
):
    from editorial.models import PendingChange
    from tests.editorial.conftest import client_for

    editor = client_for(client, provider_editor)
    url = reverse("editorial:stale-evidence", args=[own_service.pk])
    assert editor.post(url, {"action": "ended", "ended_on": "2025-01-31"}).status_code == 302
    assert not StatusEvent.objects.filter(service=own_service, document=None).exists()
    change = PendingChange.objects.get(service=own_service)
    review.approve_change(change, reviewer=directory_admin)
    event = StatusEvent.objects.get(service=own_service, document=None)
    assert (event.editor_role, event.stated_by, event.date) == (
        EditorRole.PROVIDER,
        provider_editor,
        datetime.date(2025, 1, 31),
    )
    claim = Service.objects.with_timeline(datetime.date(2025, 2, 1)).get(pk=own_service.pk).claim
    assert claim.text == "Ended — 31 January 2025 (provider's editor, approved by the directory)"
    assert own_service.slug in set(
        Service.objects.operating_on(datetime.date(2025, 1, 30)).values_list("slug", flat=True)
    )


def test_not_known_is_recorded_and_shown_without_confirming(director_client):
    drive = Service.objects.get(slug="drive-cwm-taf-morgannwg")
    director_client.post(reverse("editorial:stale-evidence", args=[drive.pk]), {"action": "not_known"})
    drive = Service.objects.with_timeline(timezone.localdate()).get(pk=drive.pk)
    assert drive.unconfirmed_on == timezone.localdate()
    assert drive.claim.warning and drive.claim.text.startswith("Not known whether it still runs")


def test_a_provider_editors_click_waits_in_the_review_queue(client, provider_editor, own_service):
    from editorial.models import PendingChange
    from tests.editorial.conftest import client_for

    editor = client_for(client, provider_editor)
    response = editor.post(reverse("editorial:stale-evidence", args=[own_service.pk]), {"action": "verified"})
    assert response.status_code == 302
    assert Service.objects.get(pk=own_service.pk).last_verified is None
    change = PendingChange.objects.get(service=own_service)
    assert change.proposal["fields"]["last_verified"] == timezone.localdate().isoformat()
    other = Service.objects.get(slug="drive-cwm-taf-morgannwg")
    assert editor.post(reverse("editorial:stale-evidence", args=[other.pk]), {"action": "verified"}).status_code == 403
