"""A service referred only through MARAC cannot also take self-referrals: one rule on the model layer.

Its home is ``directory/models/routes.py`` (``marac_only_with_self_referral``, used by
``ServicePathway.clean()``, ``ServicePathway.check_routes()`` and
``ReferralPathway.clean()``, and ``ServicePathway.check_removal()`` for removals). Each write
path that can add a route meets it: the model, the service's admin form (its routes inline), the
route's own admin form, approval of a pending change, undo and the Open Referral import. Each path
that can remove one meets it too: ``delete()`` on a route or a QuerySet, the route admin's delete
page and "delete selected", the inline, approval and undo. The CSV import carries no routes and the
Open Referral import never removes one.
"""

import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from directory.models import ReferralPathway, Service, ServicePathway, marac_only_with_self_referral
from editorial.models import PendingChange, ReviewState
from editorial.services import approve_change
from tests import factories

from .conftest import change_form_data

pytestmark = pytest.mark.django_db

MESSAGE = (
    "A service referred only through MARAC cannot also take self-referrals: remove the self-referral route "
    "or add the other routes it takes"
)
MARAC_ONLY = "drive-cardiff-and-vale"


def route(slug):
    return ReferralPathway.objects.get(slug=slug)


def service_with(*slugs):
    service = factories.service()
    for slug in slugs:
        ServicePathway.objects.create(service=service, pathway=route(slug))
    return service


def test_the_rule_itself():
    marac, self_referral, any_agency = route("marac"), route("self-referral"), route("any-agency")
    assert marac_only_with_self_referral([marac, self_referral]) is True
    assert marac_only_with_self_referral([marac, any_agency, self_referral]) is False
    assert marac_only_with_self_referral([marac]) is False
    assert marac_only_with_self_referral([self_referral]) is False
    assert marac_only_with_self_referral([]) is False


def test_every_service_in_the_fixtures_keeps_the_rule():
    for service in Service.objects.prefetch_related("pathways__pathway"):
        ServicePathway.check_routes([link.pathway for link in service.pathways.all()])
    assert [r.pathway.slug for r in Service.objects.get(slug=MARAC_ONLY).pathways.all()] == ["marac"]


def test_the_model_refuses_a_self_referral_route_beside_marac_only():
    drive = Service.objects.get(slug=MARAC_ONLY)
    with pytest.raises(ValidationError) as refused:
        ServicePathway(service=drive, pathway=route("self-referral")).full_clean()
    assert refused.value.messages == [MESSAGE]
    # Another professional route first, and self-referral is fine.
    ServicePathway.objects.create(service=drive, pathway=route("any-agency"))
    ServicePathway(service=drive, pathway=route("self-referral")).full_clean()


def test_the_model_refuses_marac_as_the_only_other_route_of_a_self_referral_service():
    service = service_with("self-referral")
    with pytest.raises(ValidationError) as refused:
        ServicePathway(service=service, pathway=route("marac")).full_clean()
    assert refused.value.messages == [MESSAGE]


def test_a_route_turned_marac_only_under_its_services_is_refused_naming_them():
    service = service_with("police", "self-referral")
    police = route("police")
    police.requires_marac = True
    with pytest.raises(ValidationError) as refused:
        police.full_clean()
    assert service.name in refused.value.messages[0]
    assert refused.value.messages[0].startswith("A service referred only through MARAC cannot also take")
    police.requires_marac = False
    police.full_clean()


def inline_prefix(data):
    return next(key[: -len("-TOTAL_FORMS")] for key in data if key.endswith("-TOTAL_FORMS") and "pathway" in key)


def post_routes(client, service, change):
    url = reverse("admin:directory_service_change", args=[service.pk])
    data = change_form_data(client.get(url))
    change(data, inline_prefix(data))
    return client.post(url, data)


def add_route(data, prefix, pathway):
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    data[f"{prefix}-{total}-pathway"] = str(pathway.pk)


def test_the_service_admin_form_refuses_it_with_the_message(director_client):
    drive = Service.objects.get(slug=MARAC_ONLY)
    response = post_routes(director_client, drive, lambda data, prefix: add_route(data, prefix, route("self-referral")))
    assert response.status_code == 200
    routes = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is ServicePathway)
    assert routes.formset.non_form_errors() == [MESSAGE]
    assert not drive.pathways.filter(pathway__slug="self-referral").exists()


def test_the_service_admin_form_checks_the_routes_as_edited_not_as_saved(director_client):
    """Removing the MARAC route and adding self-referral in one edit is allowed: the saved MARAC route is going."""
    service = service_with("marac")
    service.areas.set([factories.area()])

    def replace(data, prefix):
        marac = str(route("marac").pk)
        marac_row = next(k for k, v in data.items() if k.startswith(prefix) and k.endswith("-pathway") and v == marac)
        data[marac_row.replace("-pathway", "-DELETE")] = "on"
        add_route(data, prefix, route("self-referral"))

    response = post_routes(director_client, service, replace)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert [link.pathway.slug for link in service.pathways.all()] == ["self-referral"]


def test_the_route_admin_form_refuses_it(director_client):
    drive = Service.objects.get(slug=MARAC_ONLY)
    response = director_client.post(
        reverse("admin:referrals_servicepathway_add"),
        {"service": drive.pk, "pathway": route("self-referral").pk, "note": "", "contact": ""},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["__all__"] == [MESSAGE]
    assert not drive.pathways.filter(pathway__slug="self-referral").exists()


def test_the_referral_route_admin_refuses_turning_a_route_marac_only_under_a_service(director_client):
    service = service_with("police", "self-referral")
    police = route("police")
    url = reverse("admin:referrals_referralpathway_change", args=[police.pk])
    data = change_form_data(director_client.get(url))
    data["requires_marac"] = "on"
    response = director_client.post(url, data)
    assert response.status_code == 200
    assert service.name in response.context["adminform"].form.errors["__all__"][0]
    assert route("police").requires_marac is False


def test_approving_a_change_that_adds_self_referral_to_marac_only_is_refused(directory_admin):
    """Approval applies each row through full_clean(), so the model's rule holds there too."""
    drive = Service.objects.get(slug=MARAC_ONLY)
    change = PendingChange.objects.create(
        service=drive,
        organisation_id=drive.organisation_id,
        summary="Add self-referral",
        proposal={
            "fields": {},
            "m2m": {},
            "rows": [
                {
                    "model": "referrals.servicepathway",
                    "fk": "service",
                    "action": "add",
                    "fields": {"pathway": route("self-referral").pk, "note": "", "contact": ""},
                }
            ],
        },
        changes=[],
    )
    with pytest.raises(ValidationError) as refused:
        approve_change(change, reviewer=directory_admin)
    assert MESSAGE in refused.value.messages[0]
    assert not drive.pathways.filter(pathway__slug="self-referral").exists()
    change.refresh_from_db()
    assert change.state == ReviewState.PENDING


def test_undo_that_would_bring_back_self_referral_beside_marac_only_is_refused(director_client):
    service = service_with("marac", "police", "self-referral")
    self_link = service.pathways.get(pathway__slug="self-referral")
    pk = self_link.pk
    self_link.delete()
    service.pathways.get(pathway__slug="police").delete()
    removal = ServicePathway.history.filter(id=pk, history_type="-").get()
    response = director_client.post(
        reverse("editorial:undo-change", args=["referrals", "servicepathway", removal.history_id]), follow=True
    )
    assert MESSAGE in response.content.decode()
    assert [link.pathway.slug for link in service.pathways.all()] == ["marac"]


def test_the_open_referral_import_refuses_self_referral_for_a_marac_only_service(client, tmp_path):
    from opendata.oruk import service_id
    from opendata.taxonomies import stable_id

    drive = Service.objects.get(slug=MARAC_ONLY)
    item = client.get(f"/api/oruk/services/{service_id(drive)}").json()
    marac = next(a for a in item["attributes"] if a["taxonomy_term_id"] == stable_id("referral-route", "marac"))
    term = stable_id("referral-route", "self-referral")
    item["attributes"].append({"id": str(uuid.uuid4()), "link_id": marac["link_id"], "taxonomy_term_id": term})
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([item]))
    with pytest.raises(CommandError) as refused:
        call_command("import_oruk", str(path), "--apply")
    assert MESSAGE in str(refused.value)
    assert not PendingChange.objects.filter(service=drive).exists()


# --------------------------------------------------------------------------
# Removing a route: the service's remaining routes keep the rule on every path
# --------------------------------------------------------------------------

REMOVAL = "A service referred only through MARAC cannot also take self-referrals: remove the self-referral route or add"


def marac_self_and_any_agency():
    """A service open to self-referral because agencies can refer too: removing any-agency would break the rule."""
    service = service_with("marac", "any-agency", "self-referral")
    return service, service.pathways.get(pathway__slug="any-agency")


def slugs(service):
    return sorted(link.pathway.slug for link in service.pathways.all())


def test_the_model_refuses_removing_the_route_that_keeps_self_referral_open():
    service, any_agency = marac_self_and_any_agency()
    with pytest.raises(ValidationError) as refused:
        any_agency.delete()
    assert refused.value.messages[0].startswith(REMOVAL) and service.name in refused.value.messages[0]
    with pytest.raises(ValidationError):
        ServicePathway.objects.filter(pk=any_agency.pk).delete()
    assert slugs(service) == ["any-agency", "marac", "self-referral"]


def test_the_model_allows_removals_that_keep_the_rule():
    service, any_agency = marac_self_and_any_agency()
    service.pathways.get(pathway__slug="self-referral").delete()  # MARAC and any-agency: fine
    any_agency.delete()  # MARAC only: fine
    assert slugs(service) == ["marac"]
    ServicePathway.objects.filter(service=service).delete()  # no routes at all: fine
    other, _ = marac_self_and_any_agency()
    other.delete()  # the service itself, its routes with it
    assert not ServicePathway.objects.filter(service_id=other.pk).exists()


def test_the_route_admin_delete_page_refuses_with_the_message(director_client):
    service, any_agency = marac_self_and_any_agency()
    url = reverse("admin:referrals_servicepathway_delete", args=[any_agency.pk])
    for response in (director_client.get(url, follow=True), director_client.post(url, {"post": "yes"}, follow=True)):
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == reverse("admin:referrals_servicepathway_change", args=[any_agency.pk])
        assert [m.message for m in response.context["messages"]][0].startswith(REMOVAL)
    assert slugs(service) == ["any-agency", "marac", "self-referral"]
    # A removal that keeps the rule is deleted as before.
    self_link = service.pathways.get(pathway__slug="self-referral")
    url = reverse("admin:referrals_servicepathway_delete", args=[self_link.pk])
    assert director_client.get(url).status_code == 200
    assert director_client.post(url, {"post": "yes"}).status_code == 302
    assert slugs(service) == ["any-agency", "marac"]


def test_the_route_admin_delete_selected_action_refuses_with_the_message(director_client):
    service, any_agency = marac_self_and_any_agency()
    other = service_with("police", "self-referral")
    url = reverse("admin:referrals_servicepathway_changelist")
    chosen = [any_agency.pk, other.pathways.get(pathway__slug="police").pk]
    for confirm in ({}, {"post": "yes"}):
        data = {"action": "delete_selected", "_selected_action": chosen, **confirm}
        response = director_client.post(url, data, follow=True)
        assert response.status_code == 200
        assert [m.message for m in response.context["messages"]][0].startswith(REMOVAL)
    assert slugs(service) == ["any-agency", "marac", "self-referral"]
    assert slugs(other) == ["police", "self-referral"]
    # Selecting rows whose removal keeps the rule still deletes them, after the confirmation page.
    chosen = [other.pathways.get(pathway__slug="police").pk]
    assert director_client.post(url, {"action": "delete_selected", "_selected_action": chosen}).status_code == 200
    director_client.post(url, {"action": "delete_selected", "_selected_action": chosen, "post": "yes"})
    assert slugs(other) == ["self-referral"]


def test_the_service_admin_form_refuses_deleting_an_inline_route_that_keeps_self_referral_open(director_client):
    service, any_agency = marac_self_and_any_agency()
    service.areas.set([factories.area()])

    def delete_any_agency(data, prefix):
        row = next(k for k, v in data.items() if k.startswith(prefix) and k.endswith("-id") and v == str(any_agency.pk))
        data[row.replace("-id", "-DELETE")] = "on"

    response = post_routes(director_client, service, delete_any_agency)
    assert response.status_code == 200
    routes = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is ServicePathway)
    assert routes.formset.non_form_errors() == [MESSAGE]
    assert slugs(service) == ["any-agency", "marac", "self-referral"]


def test_approving_a_change_that_removes_the_route_keeping_self_referral_open_is_refused(directory_admin):
    service, any_agency = marac_self_and_any_agency()
    service.areas.set([factories.area()])
    change = PendingChange.objects.create(
        service=service,
        organisation_id=service.organisation_id,
        summary="Remove any-agency",
        proposal={
            "fields": {},
            "m2m": {},
            "rows": [{"model": "referrals.servicepathway", "fk": "service", "action": "delete", "pk": any_agency.pk}],
        },
        changes=[],
    )
    with pytest.raises(ValidationError) as refused:
        approve_change(change, reviewer=directory_admin)
    assert refused.value.messages == ["Service referral route: " + MESSAGE]
    assert slugs(service) == ["any-agency", "marac", "self-referral"]
    change.refresh_from_db()
    assert change.state == ReviewState.PENDING


def test_undoing_the_addition_of_the_route_keeping_self_referral_open_is_refused(director_client):
    service, any_agency = marac_self_and_any_agency()
    added = ServicePathway.history.filter(id=any_agency.pk, history_type="+").get()
    response = director_client.post(
        reverse("editorial:undo-change", args=["referrals", "servicepathway", added.history_id]), follow=True
    )
    assert MESSAGE in response.content.decode()
    assert slugs(service) == ["any-agency", "marac", "self-referral"]
