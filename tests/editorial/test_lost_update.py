"""Approving an older proposal never silently overwrites a later edit (audit M2).

The review page shows the value captured when the change was proposed, the
live value now, and the proposed value; a part someone changed since is
refused unless the reviewer ticks "Apply anyway" for it.
"""

import pytest
from django.urls import reverse

from directory.models import Contact, Service, ServicePathway
from editorial.models import PendingChange, ReviewState

from .conftest import change_form_data, inline_prefix

pytestmark = pytest.mark.django_db

OLD_PHONE = "07919393311"
PROPOSED = "PROVIDER PROPOSED: no one under an active non-molestation order."
CORRECTION = "ADMIN CORRECTION 2: exclusions as the 2024 document states them."


def edit_service(client, service, change):
    """Open the service's admin page, apply ``change(data)`` and save, as a browser would."""
    url = reverse("admin:directory_service_change", args=[service.pk])
    data = change_form_data(client.get(url))
    change(data)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def set_field(name, value):
    def change(data):
        data[name] = value

    return change


def set_contact(old, new):
    def change(data):
        data[inline_prefix(data, "contacts", old) + "-value"] = new

    return change


def route_prefix(data, contact):
    for key, item in data.items():
        if item == contact and key.startswith("pathways-") and key.endswith("-contact"):
            return key[: -len("-contact")]
    raise KeyError(contact)


def review(client, change):
    return client.get(reverse("editorial:review-detail", args=[change.pk]))


def approve(client, change, take=()):
    return client.post(reverse("editorial:review-detail", args=[change.pk]), {"approve": "1", "take": list(take)})


def test_an_admins_correction_made_after_the_proposal_is_not_reverted_by_approval(
    provider_client, director_client, own_service
):
    """The audit's reproduction: provider proposes Exclusions, an admin corrects it directly, then approval."""
    original = own_service.exclusions
    edit_service(provider_client, own_service, set_field("exclusions", PROPOSED))
    edit_service(director_client, own_service, set_field("exclusions", CORRECTION))
    change = PendingChange.objects.get()

    page = review(director_client, change).content.decode()
    assert (
        f"<td>Service</td><td>Exclusions</td><td><del>{original or '—'}</del></td>"
        f"<td>{CORRECTION} <strong>(changed since it was proposed)</strong></td><td><ins>{PROPOSED}</ins></td>"
        '<td><input type="checkbox" name="take" value="fields:exclusions" id="take-1"> '
        '<label for="take-1">Apply anyway</label></td></tr>'
    ) in page

    refused = approve(director_client, change)

    assert refused.status_code == 400
    body = refused.content.decode()
    assert "This change could not be approved" in body
    assert f"Service, Exclusions: changed to “{CORRECTION}” since this was proposed." in body
    assert Service.objects.get(pk=own_service.pk).exclusions == CORRECTION
    assert PendingChange.objects.get().state == ReviewState.PENDING


def test_the_reviewer_can_take_the_proposed_value_anyway(provider_client, director_client, own_service):
    edit_service(provider_client, own_service, set_field("exclusions", PROPOSED))
    edit_service(director_client, own_service, set_field("exclusions", CORRECTION))
    change = PendingChange.objects.get()

    response = approve(director_client, change, take=["fields:exclusions"])

    assert response.status_code == 302
    assert Service.objects.get(pk=own_service.pk).exclusions == PROPOSED
    assert PendingChange.objects.get().state == ReviewState.APPROVED
    # The admin's correction stays in the history.
    assert CORRECTION in Service.history.filter(id=own_service.pk).values_list("exclusions", flat=True)


def test_a_later_edit_to_another_field_does_not_block_approval_and_survives_it(
    provider_client, director_client, own_service
):
    edit_service(provider_client, own_service, set_field("exclusions", PROPOSED))
    edit_service(director_client, own_service, set_field("summary", "Summary corrected by an admin."))
    change = PendingChange.objects.get()
    assert "changed since it was proposed" not in review(director_client, change).content.decode()

    assert approve(director_client, change).status_code == 302

    service = Service.objects.get(pk=own_service.pk)
    assert (service.exclusions, service.summary) == (PROPOSED, "Summary corrected by an admin.")


def test_a_contact_corrected_after_the_proposal_is_not_reverted(provider_client, director_client, own_service):
    edit_service(provider_client, own_service, set_contact(OLD_PHONE, "07919 393 399"))
    edit_service(director_client, own_service, set_contact(OLD_PHONE, "07919 000 111"))
    change = PendingChange.objects.get()

    page = review(director_client, change).content.decode()
    assert (
        f"<td>Contact: Phone: {OLD_PHONE}</td><td>Value</td><td><del>{OLD_PHONE}</del></td>"
        "<td>07919 000 111 <strong>(changed since it was proposed)</strong></td><td><ins>07919 393 399</ins></td>"
    ) in page

    assert approve(director_client, change).status_code == 400
    phones = set(Contact.objects.filter(service=own_service, kind="phone").values_list("value", flat=True))
    assert phones == {"07919 000 111", "07936364165"}

    key = next(row["key"] for row in change.changes if row["model"] == "directory.contact")
    assert approve(director_client, change, take=[key]).status_code == 302
    phones = set(Contact.objects.filter(service=own_service, kind="phone").values_list("value", flat=True))
    assert phones == {"07919 393 399", "07936364165"}


def test_a_contact_corrected_after_its_removal_was_proposed_is_not_deleted(
    provider_client, director_client, own_service
):
    contact = Contact.objects.get(service=own_service, value="07936364165")

    def remove(data):
        data[inline_prefix(data, "contacts", "07936364165") + "-DELETE"] = "on"

    edit_service(provider_client, own_service, remove)
    edit_service(director_client, own_service, set_contact("07936364165", "07936 364 166"))
    change = PendingChange.objects.get()
    assert "(changed since it was proposed)" in review(director_client, change).content.decode()

    assert approve(director_client, change).status_code == 400
    assert Contact.objects.get(pk=contact.pk).value == "07936 364 166"

    assert approve(director_client, change, take=[f"directory.contact:{contact.pk}:delete"]).status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_a_route_note_corrected_after_the_proposal_is_not_reverted(provider_client, director_client, own_service):
    route = ServicePathway.objects.filter(service=own_service).exclude(contact="").first()

    def note(text):
        def change(data):
            data[route_prefix(data, route.contact) + "-note"] = text

        return change

    edit_service(provider_client, own_service, note("Proposed by the provider."))
    edit_service(director_client, own_service, note("Corrected by an admin."))
    change = PendingChange.objects.get()

    assert approve(director_client, change).status_code == 400
    assert ServicePathway.objects.get(pk=route.pk).note == "Corrected by an admin."
