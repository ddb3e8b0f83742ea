"""Rules on the model layer (clean()), so every write path that validates a model passes the same check:
the admin forms (ModelForm runs full_clean), the CSV import (clean_model_instances) and any API.

Each rule: the model itself, the admin form, and the import where the import carries that field.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from directory.models import Contact, ContactKind, Service
from editorial.forms import ContactAdminForm

from .test_import_export import dry_run, export_csv, rows, write

pytestmark = pytest.mark.django_db

FUTURE = "The date last verified cannot be in the future"


def test_a_service_last_verified_in_the_future_is_refused_by_the_model():
    service = Service.objects.get(slug="cara-gwent")
    service.last_verified = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        service.full_clean()
    assert refused.value.message_dict == {"last_verified": [FUTURE]}
    service.last_verified = timezone.localdate()
    service.full_clean()


def test_a_csv_import_with_last_verified_in_the_future_is_refused_row_by_row(director_client):
    exported = rows(export_csv(director_client))
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    for row in exported:
        if row["slug"] == "cara-gwent":
            row["last_verified"] = tomorrow
    preview = dry_run(director_client, write(exported))
    result = preview.context["result"]
    assert result.has_validation_errors()
    assert len(result.invalid_rows) == 1
    assert "cara-gwent" in result.invalid_rows[0].values
    assert FUTURE in preview.content.decode()
    assert Service.objects.get(slug="cara-gwent").last_verified != datetime.date.fromisoformat(tomorrow)


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (ContactKind.PHONE, "call us", "Enter a UK phone number, like 01632 960001, 07700 900982 or +44 7700 900982"),
        (ContactKind.PHONE, "0800 12", "Enter a UK phone number, like 01632 960001, 07700 900982 or +44 7700 900982"),
        (ContactKind.EMAIL, "someone@", "Enter an email address in the correct format, like name@example.org"),
        (ContactKind.WEBSITE, "not a site", "Enter a web address, like https://www.example.org"),
    ],
)
def test_a_contact_in_the_wrong_format_is_refused_by_the_model_and_the_form(kind, value, message):
    service = Service.objects.get(slug="cara-gwent")
    contact = Contact(service=service, kind=kind, value=value)
    with pytest.raises(ValidationError) as refused:
        contact.full_clean()
    assert refused.value.message_dict == {"value": [message]}
    form = ContactAdminForm(data={"kind": kind, "value": value, "label": ""}, instance=Contact(service=service))
    assert form.errors == {"value": [message]}


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (ContactKind.PHONE, " +44 (0)7919 393311 "),
        (ContactKind.EMAIL, "referrals@example.org"),
        (ContactKind.WEBSITE, "www.example.org"),
        (ContactKind.ADDRESS, "1 Any Street, Cardiff"),
    ],
)
def test_a_contact_in_its_format_is_kept_trimmed(kind, value):
    contact = Contact(service=Service.objects.get(slug="cara-gwent"), kind=kind, value=value)
    contact.full_clean()
    assert contact.value == value.strip()


def test_every_contact_in_the_directory_meets_the_rule():
    for contact in Contact.objects.all():
        contact.full_clean()


CITATION = "Keep at least one citation: every service must cite a source"


def test_the_last_citation_of_a_service_cannot_be_deleted_but_the_service_can():
    from directory.models import Citation
    from tests import factories

    service = factories.service()
    only = service.citations.get()
    with pytest.raises(ValidationError) as refused:
        only.delete()
    assert refused.value.messages == [CITATION]
    second = Citation.objects.create(service=service, document=only.document, section="2", quote="Another quote.")
    only.delete()
    assert list(service.citations.all()) == [second]
    service.delete()
    assert not Citation.objects.filter(pk=second.pk).exists()


def test_undoing_the_addition_of_a_services_only_citation_is_refused(director_client):
    """The audit's case: undoing a citation's first ("added") history record used to leave 0 citations."""
    from django.urls import reverse

    from directory.models import Citation
    from tests import factories

    service = factories.service()
    citation = service.citations.get()
    added = Citation.history.get(id=citation.pk, history_type="+")
    response = director_client.post(
        reverse("editorial:undo-change", args=["directory", "citation", added.history_id]), follow=True
    )
    assert CITATION in response.content.decode()
    assert list(service.citations.all()) == [citation]


def replace_the_only_citation(client, service):
    """In one save of the service's admin form: delete its one citation and add another."""
    from django.urls import reverse

    from .conftest import change_form_data

    old = service.citations.get()
    url = reverse("admin:directory_service_change", args=[service.pk])
    data = change_form_data(client.get(url))
    prefix = next(key[: -len("-quote")] for key, value in data.items() if value == old.quote)
    formset = prefix.rsplit("-", 1)[0]
    data[f"{prefix}-DELETE"] = "on"
    new = f"{formset}-{data[f'{formset}-TOTAL_FORMS']}"
    data[f"{formset}-TOTAL_FORMS"] = str(int(data[f"{formset}-TOTAL_FORMS"]) + 1)
    data.update(
        {f"{new}-document": str(old.document_id), f"{new}-section": "2", f"{new}-quote": "The replacement quote."}
    )
    return client.post(url, data)


def test_replacing_the_only_citation_in_one_admin_edit_still_works(director_client):

    from regions.models import Area
    from tests import factories

    service = factories.service(areas=[Area.objects.get(slug="cardiff")])
    response = replace_the_only_citation(director_client, service)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert [c.quote for c in service.citations.all()] == ["The replacement quote."]


def test_approving_a_providers_replacement_of_the_only_citation_works(provider_client, directory_admin, own_service):
    """The same edit proposed by a provider editor: approval adds the new citation before removing the old."""

    from editorial.models import PendingChange
    from editorial.review import approve_change

    own_service.citations.exclude(pk=own_service.citations.order_by("pk").first().pk).delete()
    assert replace_the_only_citation(provider_client, own_service).status_code == 302
    approve_change(PendingChange.objects.get(service=own_service), reviewer=directory_admin)
    assert [c.quote for c in own_service.citations.all()] == ["The replacement quote."]
