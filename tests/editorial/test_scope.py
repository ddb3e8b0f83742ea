"""A provider editor sees and changes only their own organisation's services, in every admin view and action."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from directory.models import Citation, Organisation, Service
from editorial.models import PendingChange
from editorial.roles import COMMISSIONER, DIRECTORY_ADMIN, PROVIDER_EDITOR, role_wants

from .conftest import OTHER_SERVICE, OWN_SERVICE, change_form_data

pytestmark = pytest.mark.django_db

# Turning the Spotlight (Victim Support) runs They Matter, its partner support and the healthy relationship programme.
VICTIM_SUPPORT = {
    "they-matter-cumbria",
    "they-matter-partner-support-cumbria",
    "healthy-relationship-programme-cumbria",
}


def test_the_data_migration_created_the_three_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= {DIRECTORY_ADMIN, PROVIDER_EDITOR, COMMISSIONER}
    provider = set(Group.objects.get(name=PROVIDER_EDITOR).permissions.values_list("codename", flat=True))
    assert {"view_service", "add_service", "change_service", "change_contact"} <= provider
    assert "delete_service" not in provider
    assert "review_pendingchange" not in provider
    commissioner = set(Group.objects.get(name=COMMISSIONER).permissions.values_list("codename", flat=True))
    assert commissioner and all(codename.startswith("view_") for codename in commissioner)
    director = set(Group.objects.get(name=DIRECTORY_ADMIN).permissions.values_list("codename", flat=True))
    assert {"review_pendingchange", "delete_service", "change_user", "add_user"} <= director


def test_history_is_never_editable_by_hand_in_any_role():
    for role in (DIRECTORY_ADMIN, PROVIDER_EDITOR, COMMISSIONER):
        assert not role_wants(role, "directory", "change_historicalservice")


def test_the_service_list_shows_only_the_editors_own_organisation(provider_client):
    response = provider_client.get(reverse("admin:directory_service_changelist"))
    assert response.status_code == 200
    assert {s.slug for s in response.context["cl"].result_list} == VICTIM_SUPPORT
    assert "Drive" not in response.content.decode()


def test_a_provider_editor_with_no_organisation_sees_nothing(client, db):
    from .conftest import client_for, make_user

    client_for(client, make_user("orphan", PROVIDER_EDITOR))
    response = client.get(reverse("admin:directory_service_changelist"))
    assert list(response.context["cl"].result_list) == []


def test_a_direct_url_to_another_organisations_service_is_refused(provider_client, other_service):
    for name in ["change", "history", "delete"]:
        response = provider_client.get(reverse(f"admin:directory_service_{name}", args=[other_service.pk]))
        assert response.status_code == 403, name


def test_posting_to_another_organisations_service_is_refused_and_changes_nothing(
    provider_client, director_client, other_service
):
    url = reverse("admin:directory_service_change", args=[other_service.pk])
    data = change_form_data(director_client.get(url))
    data["summary"] = "Hijacked"
    response = provider_client.post(url, data)
    assert response.status_code == 403
    assert Service.objects.get(pk=other_service.pk).summary == other_service.summary
    assert PendingChange.objects.count() == 0


def test_an_unknown_service_is_still_the_admins_not_found_redirect(provider_client):
    response = provider_client.get(reverse("admin:directory_service_change", args=[999999]))
    assert response.status_code == 302


def test_the_editor_cannot_move_their_service_to_another_organisation(provider_client, own_service):
    url = reverse("admin:directory_service_change", args=[own_service.pk])
    page = provider_client.get(url)
    assert "organisation" not in page.context["adminform"].form.fields
    data = change_form_data(page)
    data["organisation"] = str(Organisation.objects.get(slug="safer-merthyr-tydfil").pk)
    data["summary"] = "Moved?"
    provider_client.post(url, data)
    change = PendingChange.objects.get()
    assert "organisation" not in change.proposal["fields"]
    assert change.organisation.slug == "victim-support"


def test_the_add_form_offers_only_the_editors_organisation(provider_client):
    response = provider_client.get(reverse("admin:directory_service_add"))
    assert response.status_code == 200
    choices = response.context["adminform"].form.fields["organisation"].queryset
    assert [o.slug for o in choices] == ["victim-support"]


def test_adding_a_service_for_another_organisation_is_a_form_error(provider_client):
    page = provider_client.get(reverse("admin:directory_service_add"))
    data = change_form_data(page)
    data.update(
        name="Sneaky",
        slug="sneaky",
        summary="x",
        tier="prevention",
        scope="local",
        organisation=str(Organisation.objects.get(slug="safer-merthyr-tydfil").pk),
    )
    response = provider_client.post(reverse("admin:directory_service_add"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["adminform"].form.errors["organisation"])
    assert not Service.objects.filter(slug="sneaky").exists()
    assert PendingChange.objects.count() == 0


def test_a_provider_editor_can_delete_no_service(provider_client, own_service):
    response = provider_client.get(reverse("admin:directory_service_delete", args=[own_service.pk]))
    assert response.status_code == 403
    assert provider_client.post(reverse("admin:directory_service_delete", args=[own_service.pk])).status_code == 403
    assert Service.objects.filter(pk=own_service.pk).exists()


def test_actions_only_touch_the_editors_own_services(provider_client, own_service, other_service, provider_editor):
    response = provider_client.post(
        reverse("admin:directory_service_changelist"),
        {"action": "mark_verified", "_selected_action": [own_service.pk, other_service.pk]},
    )
    assert response.status_code == 302
    # The editor's own service waits for review (a pending change); the other organisation's is untouched.
    assert list(PendingChange.objects.values_list("service__slug", "submitted_by")) == [
        (own_service.slug, provider_editor.pk)
    ]
    other_service.refresh_from_db()
    assert (other_service.verified_by, other_service.last_verified) == (None, None)


def test_delete_selected_is_not_offered_to_a_provider_editor(provider_client, own_service):
    response = provider_client.get(reverse("admin:directory_service_changelist"))
    actions = [value for value, _label in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert "mark_verified" in actions
    provider_client.post(
        reverse("admin:directory_service_changelist"),
        {"action": "delete_selected", "_selected_action": [own_service.pk], "post": "yes"},
    )
    assert Service.objects.filter(pk=own_service.pk).exists()


def test_import_is_refused_to_a_provider_editor(provider_client):
    assert provider_client.get(reverse("admin:directory_service_import")).status_code == 403
    assert provider_client.post(reverse("admin:directory_service_process_import")).status_code == 403


def test_export_holds_only_the_editors_own_services(provider_client):
    response = provider_client.post(reverse("admin:directory_service_export"), {"format": "0", "resource": "0"})
    assert response.status_code == 200
    slugs = {line.split(",")[0] for line in response.content.decode().splitlines()[1:]}
    assert slugs == VICTIM_SUPPORT


def test_service_autocomplete_offers_only_the_editors_own_services(provider_client):
    response = provider_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "directory", "model_name": "citation", "field_name": "service", "term": ""},
    )
    assert response.status_code == 200
    assert {r["id"] for r in response.json()["results"]} == {
        str(pk) for pk in Service.objects.filter(slug__in=VICTIM_SUPPORT).values_list("pk", flat=True)
    }


@pytest.mark.parametrize(
    "url_name",
    [
        "directory_citation",
        "directory_statusevent",
        "directory_servicelink",
        "directory_standardsassessment",
        "referrals_servicepathway",
        "referrals_referralrequirement",
        "editorial_problemreport",
    ],
)
def test_related_lists_show_only_rows_of_the_editors_services(provider_client, url_name, own_service, other_service):
    import datetime

    from django.apps import apps

    from directory.models import Document, ServiceLink, StandardsAssessment, Status, StatusEvent
    from editorial.models import ProblemReport

    source = {"document": Document.objects.first(), "section": "1", "quote": "A test quote."}
    make_row = {
        "directory_statusevent": lambda s: StatusEvent.objects.create(
            service=s, status=Status.ACTIVE, date=datetime.date(2020, 1, 1), **source
        ),
        "directory_standardsassessment": lambda s: StandardsAssessment.objects.create(
            slug=f"test-{s.slug}",
            service=s,
            assessed_on=datetime.date(2020, 1, 1),
            assessor="Tests",
            checklist_type="full",
            **source,
        ),
        "directory_servicelink": lambda s: ServiceLink.objects.create(
            from_service=s, to_service=Service.objects.exclude(pk=s.pk).first(), kind="refers_to"
        ),
        "editorial_problemreport": lambda s: ProblemReport.objects.create(service=s, topic="other"),
    }
    model = apps.get_model(*url_name.split("_", 1))
    service_field = "from_service" if url_name == "directory_servicelink" else "service"
    for service in (own_service, other_service):
        if not model.objects.filter(**{service_field: service}).exists():
            make_row[url_name](service)
    own = set(model.objects.filter(**{f"{service_field}__slug__in": VICTIM_SUPPORT}).values_list("pk", flat=True))
    # Both sides are there to see, so the list can be wrong in either direction.
    assert own
    assert model.objects.exclude(pk__in=own).exists()

    response = provider_client.get(reverse(f"admin:{url_name}_changelist"))
    assert response.status_code == 200
    assert {row.pk for row in response.context["cl"].result_list} == own


def test_other_organisations_citations_are_refused_and_own_are_read_only(provider_client, other_service, own_service):
    other = Citation.objects.filter(service=other_service).first()
    assert provider_client.get(reverse("admin:directory_citation_change", args=[other.pk])).status_code == 403
    own = Citation.objects.filter(service=own_service).first()
    response = provider_client.get(reverse("admin:directory_citation_change", args=[own.pk]))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert provider_client.get(reverse("admin:directory_citation_add")).status_code == 403


def test_the_organisation_list_shows_only_the_editors_own(provider_client):
    response = provider_client.get(reverse("admin:directory_organisation_changelist"))
    assert [o.slug for o in response.context["cl"].result_list] == ["victim-support"]


def test_history_of_another_organisations_service_is_refused(provider_client, other_service):
    url = reverse("admin:directory_service_history", args=[other_service.pk])
    assert provider_client.get(url).status_code == 403


def test_a_commissioner_reads_everything_and_changes_nothing(commissioner_client, other_service):
    changelist = commissioner_client.get(reverse("admin:directory_service_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == Service.objects.count()
    url = reverse("admin:directory_service_change", args=[other_service.pk])
    page = commissioner_client.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert 'name="_save"' not in page.content.decode()
    assert commissioner_client.post(url, {"summary": "x"}).status_code == 403
    assert commissioner_client.get(reverse("admin:directory_service_add")).status_code == 403
    assert commissioner_client.get(reverse("admin:directory_service_import")).status_code == 403
    assert Service.objects.get(pk=other_service.pk).summary == other_service.summary


def test_nobody_can_revert_through_the_history_form(commissioner_client, director_client, other_service):
    """One way back: undo. simple-history's revert form shows a version but no longer saves it."""
    url = reverse("admin:directory_service_change", args=[other_service.pk])
    data = change_form_data(director_client.get(url))
    data["summary"] = "Edited once"
    director_client.post(url, data)
    first = other_service.history.earliest()
    revert = reverse("admin:directory_service_simple_history", args=[other_service.pk, first.history_id])
    assert commissioner_client.post(revert, {}).status_code == 405
    assert director_client.post(revert, change_form_data(director_client.get(revert))).status_code == 405
    assert Service.objects.get(pk=other_service.pk).summary == "Edited once"


def test_own_and_other_constants_name_real_services():
    assert Service.objects.filter(slug__in=[OWN_SERVICE, OTHER_SERVICE]).count() == 2
