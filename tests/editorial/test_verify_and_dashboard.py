"""A provider editor's "verified" waits for review (audit L1); the dashboard shows a commissioner no editorial queue."""

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Service
from editorial.models import PendingChange, ProblemReport, ReviewState

pytestmark = pytest.mark.django_db


def mark_verified(client, *services):
    return client.post(
        reverse("admin:directory_service_changelist"),
        {"action": "mark_verified", "_selected_action": [service.pk for service in services]},
        follow=True,
    )


def test_a_provider_editors_mark_verified_waits_for_review(provider_client, provider_editor, own_service, client):
    before = Service.objects.values_list("last_verified", "verified_by").get(pk=own_service.pk)

    response = mark_verified(provider_client, own_service)

    assert "Sent 1 services for review as verified today." in response.content.decode()
    assert Service.objects.values_list("last_verified", "verified_by").get(pk=own_service.pk) == before
    change = PendingChange.objects.get()
    assert (change.service, change.state, change.submitted_by) == (own_service, ReviewState.PENDING, provider_editor)
    assert [(row["label"], row["after"]) for row in change.rows()] == [
        ("Last verified", timezone.localdate().isoformat()),
        ("Verified by", "provider"),
    ]
    public = client.get(own_service.get_absolute_url()).content.decode()
    assert f"Last checked {timezone.localdate():%B %Y}." not in public


def test_approving_a_provider_editors_verification_records_them_as_the_verifier(
    provider_client, provider_editor, director_client, own_service
):
    mark_verified(provider_client, own_service)
    change = PendingChange.objects.get()
    response = director_client.post(reverse("editorial:review-detail", args=[change.pk]), {"approve": "1"})
    assert response.status_code == 302
    own_service.refresh_from_db()
    assert (own_service.last_verified, own_service.verified_by) == (timezone.localdate(), provider_editor)


def test_a_provider_editor_cannot_mark_another_organisations_service(provider_client, other_service):
    mark_verified(provider_client, other_service)
    assert PendingChange.objects.count() == 0


def test_a_directory_admins_mark_verified_stays_direct(director_client, directory_admin, own_service):
    mark_verified(director_client, own_service)
    own_service.refresh_from_db()
    assert (own_service.last_verified, own_service.verified_by) == (timezone.localdate(), directory_admin)
    assert PendingChange.objects.count() == 0


def test_the_dashboard_shows_a_commissioner_no_review_queue_or_problem_counts(
    commissioner_client, provider_client, own_service, other_service
):
    mark_verified(provider_client, own_service)
    ProblemReport.objects.create(service=other_service, topic="closed", details="It closed in March.")

    response = commissioner_client.get(reverse("editorial:dashboard"))

    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["summary"].total == Service.objects.count()
    assert (response.context["pending_count"], response.context["open_reports"]) == (None, None)
    assert "Changes waiting for review" not in body
    assert "Open problem reports" not in body


def test_the_dashboard_still_counts_the_queue_and_inbox_for_a_directory_admin(
    director_client, provider_client, own_service, other_service
):
    mark_verified(provider_client, own_service)
    ProblemReport.objects.create(service=other_service, topic="closed", details="It closed in March.")
    response = director_client.get(reverse("editorial:dashboard"))
    assert (response.context["pending_count"], response.context["open_reports"]) == (1, 1)
    body = response.content.decode()
    assert "Changes waiting for review" in body and "Open problem reports" in body


def test_the_admin_index_shows_a_commissioner_no_review_queue_or_problem_counts(
    commissioner_client, provider_client, own_service
):
    mark_verified(provider_client, own_service)
    body = commissioner_client.get(reverse("admin:index")).content.decode()
    assert "entries need review" in body
    assert "changes waiting" not in body and "change waiting" not in body
    assert "Problem reports" not in body
