"""A provider editor's changes wait for a directory admin: the public keeps the approved version until then."""

import pytest
from django.urls import reverse

from directory.models import Contact, Service
from editorial.models import PendingChange, ReviewState

from .conftest import change_form_data, client_for, inline_prefix

pytestmark = pytest.mark.django_db

OLD_PHONE = "07919393311"
NEW_PHONE = "07919 393 399"


def propose_new_phone(client, service):
    url = reverse("admin:directory_service_change", args=[service.pk])
    data = change_form_data(client.get(url))
    data[inline_prefix(data, "contacts", OLD_PHONE) + "-value"] = NEW_PHONE
    return client.post(url, data)


def test_a_provider_editors_change_waits_for_review_and_the_public_page_keeps_the_approved_version(
    provider_client, own_service, client
):
    response = propose_new_phone(provider_client, own_service)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:directory_service_change", args=[own_service.pk])
    assert set(Contact.objects.filter(service=own_service, kind="phone").values_list("value", flat=True)) == {
        OLD_PHONE,
        "07936364165",
    }
    change = PendingChange.objects.get()
    assert (change.service, change.state, change.submitted_by.username) == (own_service, "pending", "provider")
    assert [(row["label"], row["before"], row["after"]) for row in change.rows()] == [("Value", OLD_PHONE, NEW_PHONE)]
    public = client.get(own_service.get_absolute_url())
    assert f'href="tel:{OLD_PHONE}">{OLD_PHONE}</a>' in public.content.decode()
    assert NEW_PHONE not in public.content.decode()


def test_the_provider_editor_is_told_the_change_waits_and_sees_it_on_the_form(provider_client, own_service):
    response = propose_new_phone(provider_client, own_service)
    page = provider_client.get(response["Location"])
    assert "Your change has been sent for review" in page.content.decode()
    assert "1 change to this entry is waiting for review" in page.content.decode()


def test_saving_without_changing_anything_proposes_nothing(provider_client, own_service):
    url = reverse("admin:directory_service_change", args=[own_service.pk])
    response = provider_client.post(url, change_form_data(provider_client.get(url)), follow=True)
    assert PendingChange.objects.count() == 0
    assert "You did not change anything" in response.content.decode()


def test_the_review_page_shows_the_change_field_by_field_before_and_after(
    provider_client, own_service, directory_admin, client
):
    propose_new_phone(provider_client, own_service)
    change = PendingChange.objects.get()
    admin = client_for(client, directory_admin)
    response = admin.get(reverse("editorial:review-detail", args=[change.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        f"<td>Contact: Phone: {OLD_PHONE}</td><td>Value</td><td><del>{OLD_PHONE}</del></td>"
        f"<td>{OLD_PHONE}</td><td><ins>{NEW_PHONE}</ins></td><td></td></tr>"
    ) in body
    assert "changed since it was proposed" not in body
    assert 'name="approve"' in body
    assert 'name="reject"' in body
    queue = admin.get(reverse("editorial:review-list"))
    assert f"Change to {own_service.name}" in queue.content.decode()


def test_approving_publishes_the_change_and_records_the_editor_in_the_history(
    provider_client, own_service, directory_admin, client
):
    propose_new_phone(provider_client, own_service)
    change = PendingChange.objects.get()
    admin = client_for(client, directory_admin)

    response = admin.post(reverse("editorial:review-detail", args=[change.pk]), {"approve": "Approve"})

    assert response.status_code == 302
    change.refresh_from_db()
    assert (change.state, change.reviewed_by) == (ReviewState.APPROVED, directory_admin)
    assert set(Contact.objects.filter(service=own_service, kind="phone").values_list("value", flat=True)) == {
        NEW_PHONE,
        "07936364165",
    }
    contact = Contact.objects.get(service=own_service, value=NEW_PHONE)
    latest = contact.history.first()
    assert latest.history_user.username == "provider"
    assert latest.history_change_reason == "Proposed by provider; approved by diradmin"
    public = admin.get(own_service.get_absolute_url()).content.decode()
    assert f'href="tel:07919393399">{NEW_PHONE}</a>' in public
    assert f'href="tel:{OLD_PHONE}"' not in public


def test_rejecting_keeps_the_old_version_and_tells_the_editor_why(
    provider_client, own_service, directory_admin, client
):
    propose_new_phone(provider_client, own_service)
    change = PendingChange.objects.get()
    admin = client_for(client, directory_admin)

    response = admin.post(
        reverse("editorial:review-detail", args=[change.pk]), {"reject": "Reject", "reason": "Not in any document"}
    )

    assert response.status_code == 302
    change.refresh_from_db()
    assert (change.state, change.reason) == (ReviewState.REJECTED, "Not in any document")
    assert Contact.objects.filter(service=own_service, value=OLD_PHONE).exists()
    assert not Contact.objects.filter(value=NEW_PHONE).exists()
    client_for(admin, change.submitted_by)
    page = admin.get(reverse("editorial:review-detail", args=[change.pk])).content.decode()
    assert "Not in any document" in page
    assert 'name="approve"' not in page


def test_rejecting_without_a_reason_is_a_400_with_an_instruction(provider_client, own_service, directory_admin, client):
    propose_new_phone(provider_client, own_service)
    change = PendingChange.objects.get()
    admin = client_for(client, directory_admin)
    response = admin.post(reverse("editorial:review-detail", args=[change.pk]), {"reject": "Reject", "reason": ""})
    assert response.status_code == 400
    assert "Give a reason for rejecting the change" in response.content.decode()
    assert PendingChange.objects.get().state == ReviewState.PENDING


def test_a_change_can_be_reviewed_only_once(provider_client, own_service, directory_admin, client):
    propose_new_phone(provider_client, own_service)
    change = PendingChange.objects.get()
    admin = client_for(client, directory_admin)
    admin.post(reverse("editorial:review-detail", args=[change.pk]), {"approve": "Approve"})
    again = admin.post(reverse("editorial:review-detail", args=[change.pk]), {"approve": "Approve"})
    assert again.status_code == 400
    assert "This change has already been reviewed." in again.content.decode()


def test_a_provider_editor_cannot_approve_their_own_change(provider_client, own_service):
    propose_new_phone(provider_client, own_service)
    change = PendingChange.objects.get()
    response = provider_client.post(reverse("editorial:review-detail", args=[change.pk]), {"approve": "Approve"})
    assert response.status_code == 403
    assert PendingChange.objects.get().state == ReviewState.PENDING


def test_a_field_change_on_the_service_waits_too(provider_client, own_service, directory_admin, client):
    url = reverse("admin:directory_service_change", args=[own_service.pk])
    data = change_form_data(provider_client.get(url))
    data["summary"] = "A new summary written by the provider."
    provider_client.post(url, data)

    assert Service.objects.get(pk=own_service.pk).summary == own_service.summary
    change = PendingChange.objects.get()
    assert [(row["label"], row["before"], row["after"]) for row in change.rows()] == [
        ("Summary", own_service.summary, "A new summary written by the provider.")
    ]
    client_for(client, directory_admin).post(reverse("editorial:review-detail", args=[change.pk]), {"approve": "1"})
    assert Service.objects.get(pk=own_service.pk).summary == "A new summary written by the provider."


def test_a_directory_admins_own_edit_goes_live_at_once(director_client, own_service):
    url = reverse("admin:directory_service_change", args=[own_service.pk])
    data = change_form_data(director_client.get(url))
    data["summary"] = "Edited by a directory admin."
    assert director_client.post(url, data).status_code == 302
    assert Service.objects.get(pk=own_service.pk).summary == "Edited by a directory admin."
    assert PendingChange.objects.count() == 0
