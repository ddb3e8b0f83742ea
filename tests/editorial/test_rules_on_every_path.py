"""Every rule holds on approval and on undo, not only in the admin form.

Approving a proposal and undoing a change both go through the admin form and inline formsets of a
direct edit (``editorial.replay.apply_edit``). So a proposal or an undo that breaks a rule is refused
with the form's message and changes nothing, while a valid one still applies, rows and areas included.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from directory.models import Citation, Contact, ReferralPathway, Service, ServicePathway
from editorial.history import undo_change
from editorial.models import PendingChange, ReviewState
from editorial.review import approve_change
from regions.models import Area
from tests import factories

from .conftest import change_form_data, inline_prefix

pytestmark = pytest.mark.django_db

CITATION = "Citation: Keep at least one citation: every service must cite a source"
MARAC = (
    "Service referral route: A service referred only through MARAC cannot also take self-referrals: "
    "remove the self-referral route or add the other routes it takes"
)
FUTURE = "Last verified: The date last verified cannot be in the future"
END_BEFORE_START = "The end date cannot be before the start date."
PHONE = "Contact: Value: Enter a UK phone number, like 01632 960001, 07700 900982 or +44 7700 900982"
MARAC_ONLY = "drive-cardiff-and-vale"  # referred only through MARAC


def pending(service, editor, *, fields=None, rows=()):
    """A proposal as the review queue stores it (nothing captured to compare, so no lost-update question)."""
    return PendingChange.objects.create(
        service=service,
        organisation_id=service.organisation_id,
        summary=f"Change to {service.name}",
        proposal={"fields": fields or {}, "m2m": {}, "rows": list(rows), "original": {"fields": {}, "m2m": {}}},
        changes=[],
        submitted_by=editor,
    )


def snapshot(service):
    """Everything an approval or undo could touch on ``service``, to show that nothing changed."""
    service = Service.objects.get(pk=service.pk)
    return (
        {f.attname: getattr(service, f.attname) for f in Service._meta.concrete_fields},
        sorted(service.areas.values_list("pk", flat=True)),
        sorted(service.citations.values_list("pk", "quote")),
        sorted(service.contacts.values_list("pk", "kind", "value")),
        sorted(service.pathways.values_list("pk", "pathway_id")),
        service.history.count(),
        Citation.history.filter(service_id=service.pk).count(),
        Contact.history.filter(service_id=service.pk).count(),
        ServicePathway.history.filter(service_id=service.pk).count(),
    )


def refused_approval(change, reviewer):
    """Approve ``change``; return the messages it was refused with (and check it is still waiting)."""
    with pytest.raises(ValidationError) as refused:
        approve_change(change, reviewer=reviewer)
    change.refresh_from_db()
    assert change.state == ReviewState.PENDING
    return refused.value.messages


def refused_undo(record, user):
    with pytest.raises(ValidationError) as refused:
        undo_change(record, user=user)
    return refused.value.messages


def latest(history):
    return history.order_by("-history_date", "-history_id").first()


# --------------------------------------------------------------------------
# Approval
# --------------------------------------------------------------------------


def test_approving_a_last_verified_date_in_the_future_is_refused(own_service, provider_editor, directory_admin):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    change = pending(own_service, provider_editor, fields={"last_verified": tomorrow.isoformat()})
    before = snapshot(own_service)
    assert refused_approval(change, directory_admin) == [FUTURE]
    assert snapshot(own_service) == before


def test_approving_an_end_date_before_the_start_date_is_refused(own_service, provider_editor, directory_admin):
    change = pending(own_service, provider_editor, fields={"start_date": "2024-01-01", "end_date": "2023-12-31"})
    before = snapshot(own_service)
    assert refused_approval(change, directory_admin) == [END_BEFORE_START]
    assert snapshot(own_service) == before


def test_a_proposed_end_date_refused_when_the_start_date_moved_after_it_since(
    provider_client, own_service, director_client, directory_admin
):
    """The proposal was valid when made; the rule is checked again against the entry as it is at approval."""
    url = reverse("admin:directory_service_change", args=[own_service.pk])
    data = change_form_data(provider_client.get(url))
    data.update(end_date="2021-03-31")
    assert provider_client.post(url, data).status_code == 302
    change = PendingChange.objects.get(service=own_service)
    assert change.proposal["fields"] == {"end_date": "2021-03-31"}
    Service.objects.filter(pk=own_service.pk).update(start_date=datetime.date(2022, 1, 1))
    before = snapshot(own_service)
    assert refused_approval(change, directory_admin) == [END_BEFORE_START]
    assert snapshot(own_service) == before


def test_approving_a_contact_in_the_wrong_format_is_refused_and_nothing_else_is_applied(
    own_service, provider_editor, directory_admin
):
    contact = own_service.contacts.get(value="07919393311")
    change = pending(
        own_service,
        provider_editor,
        fields={"summary": "A summary that must not be applied on its own."},
        rows=[{"model": "directory.contact", "action": "change", "pk": contact.pk, "fields": {"value": "call us"}}],
    )
    before = snapshot(own_service)
    assert refused_approval(change, directory_admin) == [PHONE]
    assert snapshot(own_service) == before


def test_approving_the_removal_of_the_only_citation_is_refused(provider_editor, directory_admin):
    service = factories.service(areas=[Area.objects.get(slug="cardiff")])
    only = service.citations.get()
    change = pending(
        service, provider_editor, rows=[{"model": "directory.citation", "action": "delete", "pk": only.pk}]
    )
    before = snapshot(service)
    assert refused_approval(change, directory_admin) == [CITATION]
    assert snapshot(service) == before


def test_approving_a_self_referral_route_for_a_marac_only_service_is_refused(provider_editor, directory_admin):
    service = Service.objects.get(slug=MARAC_ONLY)
    self_referral = ReferralPathway.objects.get(slug="self-referral")
    change = pending(
        service,
        provider_editor,
        rows=[
            {
                "model": "referrals.servicepathway",
                "action": "add",
                "fields": {"pathway": self_referral.pk, "note": "", "contact": ""},
            }
        ],
    )
    before = snapshot(service)
    assert refused_approval(change, directory_admin) == [MARAC]
    assert snapshot(service) == before


def test_the_review_page_shows_why_an_approval_is_refused_with_a_400(own_service, provider_editor, director_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    change = pending(own_service, provider_editor, fields={"last_verified": tomorrow.isoformat()})
    response = director_client.post(reverse("editorial:review-detail", args=[change.pk]), {"approve": "Approve"})
    assert response.status_code == 400
    assert FUTURE in response.content.decode()
    change.refresh_from_db()
    assert change.state == ReviewState.PENDING


def test_a_valid_proposal_still_applies_with_its_areas_and_rows(provider_client, own_service, directory_admin):
    bridgend = Area.objects.get(slug="bridgend")
    url = reverse("admin:directory_service_change", args=[own_service.pk])
    data = change_form_data(provider_client.get(url))
    data["summary"] = "A summary proposed by the provider."
    data["areas"] = [*data["areas"], str(bridgend.pk)]
    data[inline_prefix(data, "contacts", "07919393311") + "-value"] = "07919 000 111"
    data[inline_prefix(data, "contacts", "07936364165") + "-DELETE"] = "on"
    total = int(data["contacts-TOTAL_FORMS"])
    data["contacts-TOTAL_FORMS"] = str(total + 1)
    data.update({f"contacts-{total}-kind": "email", f"contacts-{total}-value": "help@example.org"})
    assert provider_client.post(url, data).status_code == 302
    change = PendingChange.objects.get(service=own_service)
    unchanged = snapshot(own_service)

    approve_change(change, reviewer=directory_admin)

    service = Service.objects.get(pk=own_service.pk)
    assert snapshot(service) != unchanged
    assert service.summary == "A summary proposed by the provider."
    assert bridgend in service.areas.all()
    assert set(service.contacts.values_list("kind", "value")) >= {
        ("phone", "07919 000 111"),
        ("email", "help@example.org"),
    }
    assert not service.contacts.filter(value__in=["07919393311", "07936364165"]).exists()
    assert latest(service.history).history_user.username == "provider"
    change.refresh_from_db()
    assert change.state == ReviewState.APPROVED


# --------------------------------------------------------------------------
# Undo
# --------------------------------------------------------------------------


def test_undoing_the_addition_of_the_citation_left_after_another_was_removed_is_refused(directory_admin):
    """The audit's case, reached by edits: A, then B added, then A removed; undoing B's addition would leave none."""
    service = factories.service(areas=[Area.objects.get(slug="cardiff")])
    first = service.citations.get()
    second = Citation.objects.create(service=service, document=first.document, section="2", quote="Second quote.")
    first.delete()
    before = snapshot(service)
    assert refused_undo(Citation.history.get(id=second.pk, history_type="+"), directory_admin) == [CITATION]
    assert snapshot(service) == before


def test_undoing_a_route_so_that_a_marac_only_service_keeps_self_referral_is_refused(directory_admin):
    service = Service.objects.get(slug=MARAC_ONLY)
    any_agency = ServicePathway.objects.create(service=service, pathway=ReferralPathway.objects.get(slug="any-agency"))
    ServicePathway.objects.create(service=service, pathway=ReferralPathway.objects.get(slug="self-referral"))
    before = snapshot(service)
    assert refused_undo(ServicePathway.history.get(id=any_agency.pk, history_type="+"), directory_admin) == [MARAC]
    assert snapshot(service) == before


def test_undoing_back_to_a_last_verified_date_now_in_the_future_is_refused(own_service, directory_admin):
    """A version saved around the rule (here by the ORM) is not brought back by undo."""
    own_service.last_verified = timezone.localdate() + datetime.timedelta(days=30)
    own_service.save()
    own_service.last_verified = timezone.localdate()
    own_service.save()
    before = snapshot(own_service)
    assert refused_undo(latest(own_service.history), directory_admin) == [FUTURE]
    assert snapshot(own_service) == before


def test_undoing_an_end_date_change_that_would_end_before_the_start_is_refused(own_service, directory_admin):
    own_service.start_date, own_service.end_date = datetime.date(2020, 1, 1), datetime.date(2021, 1, 1)
    own_service.save()
    own_service.end_date = datetime.date(2025, 1, 1)
    own_service.save()
    later_end = latest(own_service.history)
    own_service.start_date = datetime.date(2023, 1, 1)
    own_service.save()
    before = snapshot(own_service)
    assert refused_undo(later_end, directory_admin) == [END_BEFORE_START]
    assert snapshot(own_service) == before


def test_undoing_back_to_a_contact_in_the_wrong_format_is_refused(own_service, directory_admin):
    contact = own_service.contacts.get(value="07919393311")
    contact.value = "call us"
    contact.save()
    contact.value = "07919 393 311"
    contact.save()
    before = snapshot(own_service)
    assert refused_undo(latest(contact.history), directory_admin) == [PHONE]
    assert snapshot(own_service) == before


def test_a_refused_undo_is_shown_on_the_history_page_and_changes_nothing(director_client):
    service = factories.service(areas=[Area.objects.get(slug="cardiff")])
    first = service.citations.get()
    second = Citation.objects.create(service=service, document=first.document, section="2", quote="Second quote.")
    first.delete()
    added = Citation.history.get(id=second.pk, history_type="+")
    before = snapshot(service)
    response = director_client.post(
        reverse("editorial:undo-change", args=["directory", "citation", added.history_id]), follow=True
    )
    assert "Keep at least one citation: every service must cite a source" in response.content.decode()
    assert snapshot(service) == before


def test_the_version_before_the_first_recorded_edit_has_nothing_to_undo(other_service, directory_admin):
    other_service.summary = "Edited."
    other_service.save()
    baseline = other_service.history.order_by("history_date", "history_id").first()
    assert refused_undo(baseline, directory_admin) == [
        "This is the version before the first recorded edit: there is no change to undo."
    ]
    assert Service.objects.get(pk=other_service.pk).summary == "Edited."
