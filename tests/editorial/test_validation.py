"""Clear messages for bad entries: contacts, web addresses, dates, status, routes, citations and areas."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from directory.models import (
    Contact,
    Document,
    Organisation,
    Precision,
    ReferralPathway,
    Service,
    Status,
    StatusEvent,
)
from directory.validators import normalise_uk_phone
from editorial.forms import ContactAdminForm, OrganisationAdminForm

from .conftest import change_form_data

pytestmark = pytest.mark.django_db


def contact_errors(kind, value):
    form = ContactAdminForm(data={"kind": kind, "value": value, "label": ""})
    form.fields.pop("service", None)
    form.is_valid()
    return form.errors.get("value", [])


def test_every_contact_already_in_the_fixtures_is_valid():
    for contact in Contact.objects.all():
        assert contact_errors(contact.kind, contact.value) == [], contact


def test_every_organisation_website_in_the_fixtures_is_valid():
    for organisation in Organisation.objects.exclude(website=""):
        form = OrganisationAdminForm(data={"website": organisation.website})
        form.is_valid()
        assert "website" not in form.errors, organisation.website


@pytest.mark.parametrize(
    "value", ["07919393311", "07919 393311", "+44 7919 393311", "+44 (0)7919 393311", "029 2034 5678", "0800 123 4567"]
)
def test_uk_phone_numbers_as_documents_write_them_are_accepted(value):
    assert contact_errors("phone", value) == []


@pytest.mark.parametrize("value", ["0791939", "phone me", "+33 1 23 45 67 89", "07919 393311 ext", "123456789012"])
def test_other_phone_numbers_are_refused_with_an_example(value):
    assert contact_errors("phone", value) == [
        "Enter a UK phone number, like 01632 960001, 07700 900982 or +44 7700 900982"
    ]


def test_normalising_a_phone_number():
    assert normalise_uk_phone("+44 (0)7919 393311") == "07919393311"


def test_a_bad_email_address_is_refused_with_an_example():
    assert contact_errors("email", "info@") == ["Enter an email address in the correct format, like name@example.org"]


@pytest.mark.parametrize("value", ["www.example.org", "https://example.org/path", "http://example.org"])
def test_web_addresses_with_or_without_a_scheme_are_accepted(value):
    assert contact_errors("website", value) == []


def test_a_bad_web_address_is_refused_with_an_example():
    assert contact_errors("website", "not a web address") == ["Enter a web address, like https://www.example.org"]


def test_an_address_is_free_text():
    assert contact_errors("address", "1 High Street, Merthyr Tydfil") == []


def post_service(client, slug, edit):
    service = Service.objects.get(slug=slug)
    url = reverse("admin:directory_service_change", args=[service.pk])
    data = change_form_data(client.get(url))
    edit(data)
    return client.post(url, data)


def form_errors(response):
    return response.context["adminform"].form.errors


def test_an_end_date_before_the_start_is_refused(director_client):
    response = post_service(
        director_client, "cara-gwent", lambda d: d.update(start_date="2021-01-01", end_date="2020-01-01")
    )
    assert response.status_code == 200
    assert form_errors(response)["__all__"] == ["The end date cannot be before the start date."]


def test_a_decommissioned_status_needs_its_date(director_client):
    """The rule "a decommissioned service needs an end date, or a note saying why there is none" was on the stored
    status, which is gone: a service is decommissioned only by a status event, and every status event is dated
    (or from an undated document, quoted)."""
    service = Service.objects.get(slug="cara-gwent")
    event = StatusEvent(
        service=service,
        status=Status.DECOMMISSIONED,
        document=Document.objects.get(slug="policing-in-wales-letter-2023"),
        section="Gwent",
        quote="CARA",
        precision=Precision.DAY,
    )
    with pytest.raises(ValidationError) as refused:
        event.full_clean()
    assert "Give a date, or choose 'Undated document' as its precision." in refused.value.messages


def test_last_verified_cannot_be_in_the_future(director_client):
    response = post_service(director_client, "cara-gwent", lambda d: d.update(last_verified="2999-01-01"))
    assert form_errors(response)["last_verified"] == ["The date last verified cannot be in the future"]


def test_every_service_keeps_at_least_one_area(director_client):
    response = post_service(director_client, "cara-gwent", lambda d: d.pop("areas"))
    assert form_errors(response)["areas"] == ["Choose at least one area the service covers"]


def test_every_service_keeps_at_least_one_citation(director_client):
    def delete_all_citations(data):
        total = int(data["citations-TOTAL_FORMS"])
        for index in range(total):
            data[f"citations-{index}-DELETE"] = "on"

    response = post_service(director_client, "cara-gwent", delete_all_citations)
    assert response.status_code == 200
    citations = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "citations")
    assert citations.formset.non_form_errors() == ["Keep at least one citation: every service must cite a source"]
    assert Service.objects.get(slug="cara-gwent").citations.exists()


def test_the_last_citation_cannot_be_deleted_on_its_own(director_client):
    service = Service.objects.get(slug="cara-gwent")
    citations = list(service.citations.all())
    for citation in citations[1:]:
        citation.delete()
    url = reverse("admin:directory_citation_delete", args=[citations[0].pk])
    assert director_client.get(url).status_code == 403


def test_a_marac_only_service_cannot_also_claim_self_referral(director_client):
    self_referral = ReferralPathway.objects.get(slug="self-referral")

    def add_self_referral(data):
        total = int(data["pathways-TOTAL_FORMS"])
        data["pathways-TOTAL_FORMS"] = str(total + 1)
        data[f"pathways-{total}-pathway"] = str(self_referral.pk)
        data[f"pathways-{total}-service"] = data[f"pathways-{total - 1}-service"]

    response = post_service(director_client, "drive-cardiff-and-vale", add_self_referral)
    assert response.status_code == 200
    routes = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "pathways")
    assert routes.formset.non_form_errors() == [
        "A service referred only through MARAC cannot also take self-referrals: remove the self-referral route "
        "or add the other routes it takes"
    ]
    assert not Service.objects.get(slug="drive-cardiff-and-vale").pathways.filter(pathway=self_referral).exists()


def test_the_route_admin_checks_the_marac_rule_against_the_services_other_routes(director_client):
    service = Service.objects.get(slug="drive-cardiff-and-vale")
    response = director_client.post(
        reverse("admin:referrals_servicepathway_add"),
        {
            "service": service.pk,
            "pathway": ReferralPathway.objects.get(slug="self-referral").pk,
            "note": "",
            "contact": "",
        },
    )
    assert response.status_code == 200
    assert (
        response.context["adminform"]
        .form.errors["__all__"][0]
        .startswith("A service referred only through MARAC cannot also take self-referrals")
    )


def test_a_bad_phone_number_in_the_service_form_is_refused_with_its_message(director_client):
    def bad_phone(data):
        key = next(k for k, v in data.items() if v == "07919393311")
        data[key] = "call us"

    response = post_service(director_client, "they-matter-cumbria", bad_phone)
    contacts = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "contacts")
    assert [e for e in contacts.formset.errors if e] == [
        {"value": ["Enter a UK phone number, like 01632 960001, 07700 900982 or +44 7700 900982"]}
    ]
