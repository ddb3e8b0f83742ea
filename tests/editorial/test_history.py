"""Every edit is in the history, readable as before → after, and can be undone."""

import pytest
from django.urls import reverse

from directory.models import Contact, Service
from regions.models import Area

from .conftest import change_form_data, client_for, inline_prefix

pytestmark = pytest.mark.django_db


def edit(client, service, **changes):
    url = reverse("admin:directory_service_change", args=[service.pk])
    data = change_form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    return response


def test_an_edit_to_a_row_loaded_from_fixtures_is_recorded_with_the_version_before_it(director_client, other_service):
    assert other_service.history.count() == 0
    edit(director_client, other_service, start_date="2015-01-01", end_date="2024-03-31")
    records = list(other_service.history.order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert records[0].end_date is None
    assert records[0].history_change_reason == "Version before the first recorded edit"
    assert (str(records[1].end_date), records[1].history_user.username) == ("2024-03-31", "diradmin")


def test_the_history_page_shows_who_when_and_each_field_before_and_after(director_client, other_service):
    edit(director_client, other_service, start_date="2015-01-01", end_date="2024-03-31")
    response = director_client.get(reverse("admin:directory_service_history", args=[other_service.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<li><strong>Start date:</strong> 2016-01-01 &rarr; 2015-01-01</li>" in body
    assert "<li><strong>End date:</strong> — &rarr; 2024-03-31</li>" in body
    assert "<td>diradmin</td>" in body
    assert "The entry as it was before its first recorded edit" in body
    assert "Undo this change" in body


def test_changes_to_contacts_show_in_the_services_history(director_client, own_service):
    url = reverse("admin:directory_service_change", args=[own_service.pk])
    data = change_form_data(director_client.get(url))
    data[inline_prefix(data, "contacts", "07919393311") + "-value"] = "07919 000 111"
    director_client.post(url, data)
    body = director_client.get(reverse("admin:directory_service_history", args=[own_service.pk])).content.decode()
    assert "Changed: Contact — Phone: 07919 000 111" in body
    assert "<li><strong>Value:</strong> 07919393311 &rarr; 07919 000 111</li>" in body


def test_areas_changes_are_in_the_history_by_name(director_client, other_service):
    bridgend = Area.objects.get(slug="bridgend")
    before = sorted(other_service.areas.values_list("pk", flat=True))
    edit(director_client, other_service, areas=[str(pk) for pk in [*before, bridgend.pk]])
    body = director_client.get(reverse("admin:directory_service_history", args=[other_service.pk])).content.decode()
    assert "Bridgend" in body.split("Areas covered:</strong>")[1].split("</li>")[0]


def test_undo_puts_a_field_back_and_is_itself_recorded(director_client, other_service):
    edit(director_client, other_service, summary="A summary that was a mistake.")
    change = other_service.history.order_by("-history_date").first()
    response = director_client.post(reverse("editorial:undo-change", args=["directory", "service", change.history_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:directory_service_history", args=[other_service.pk])
    assert Service.objects.get(pk=other_service.pk).summary == other_service.summary
    latest = other_service.history.order_by("-history_date").first()
    assert latest.history_change_reason.startswith("Undid the change of ")
    assert latest.history_user.username == "diradmin"


def test_undo_restores_the_areas_too(director_client, other_service):
    before = sorted(other_service.areas.values_list("slug", flat=True))
    edit(director_client, other_service, areas=[str(Area.objects.get(slug="bridgend").pk)])
    assert list(other_service.areas.values_list("slug", flat=True)) == ["bridgend"]
    change = other_service.history.order_by("-history_date", "-history_id").first()
    director_client.post(reverse("editorial:undo-change", args=["directory", "service", change.history_id]))
    assert sorted(other_service.areas.values_list("slug", flat=True)) == before


def test_undo_of_a_contact_change_puts_the_old_number_back(director_client, own_service):
    url = reverse("admin:directory_service_change", args=[own_service.pk])
    data = change_form_data(director_client.get(url))
    data[inline_prefix(data, "contacts", "07919393311") + "-value"] = "07919 000 111"
    director_client.post(url, data)
    contact = Contact.objects.get(service=own_service, value="07919 000 111")
    change = contact.history.order_by("-history_date").first()
    director_client.post(reverse("editorial:undo-change", args=["directory", "contact", change.history_id]))
    assert set(own_service.contacts.filter(kind="phone").values_list("value", flat=True)) == {
        "07919393311",
        "07936364165",
    }


def test_undo_of_a_removed_contact_brings_it_back(director_client, own_service):
    contact = Contact.objects.get(service=own_service, value="07936364165")
    pk = contact.pk
    contact.delete()
    removal = Contact.history.filter(id=pk).order_by("-history_date").first()
    assert removal.history_type == "-"
    director_client.post(reverse("editorial:undo-change", args=["directory", "contact", removal.history_id]))
    assert Contact.objects.filter(service=own_service, value="07936364165").exists()


def test_a_provider_editor_sees_history_but_cannot_undo(provider_client, director_client, own_service):
    edit(director_client, own_service, summary="Changed by the directory admin.")
    page = provider_client.get(reverse("admin:directory_service_history", args=[own_service.pk]))
    assert page.status_code == 200
    assert "Changed by the directory admin." in page.content.decode()
    assert "Undo this change" not in page.content.decode()
    change = own_service.history.order_by("-history_date").first()
    response = provider_client.post(reverse("editorial:undo-change", args=["directory", "service", change.history_id]))
    assert response.status_code == 403
    assert Service.objects.get(pk=own_service.pk).summary == "Changed by the directory admin."


def test_the_pending_change_shows_in_the_history_until_it_is_reviewed(provider_client, own_service):
    url = reverse("admin:directory_service_change", args=[own_service.pk])
    data = change_form_data(provider_client.get(url))
    data[inline_prefix(data, "contacts", "07919393311") + "-value"] = "07919 000 222"
    provider_client.post(url, data)
    body = provider_client.get(reverse("admin:directory_service_history", args=[own_service.pk])).content.decode()
    assert "Waiting for review" in body
    assert "<del>07919393311</del></td><td><ins>07919 000 222</ins>" in body


def test_areas_pathways_citations_and_assessments_keep_history_with_one_undo(director_client):
    """Every tracked model's history page undoes a change with the same undo as the service's (no revert form)."""
    area = Area.objects.get(slug="bridgend")
    area.note = "First note"
    area.save()
    area.note = "Second note"
    area.save()
    first, second = area.history.order_by("history_date", "history_id")[1:3]
    page = director_client.get(reverse("admin:regions_area_history", args=[area.pk]))
    body = page.content.decode()
    assert "First note" in body and "Second note" in body
    undo_url = reverse("editorial:undo-change", args=["regions", "area", second.history_id])
    assert f'action="{undo_url}"' in body
    revert_url = reverse("admin:regions_area_simple_history", args=[area.pk, first.history_id])
    data = change_form_data(director_client.get(revert_url))
    assert director_client.post(revert_url, data).status_code == 405
    assert Area.objects.get(pk=area.pk).note == "Second note"
    response = director_client.post(undo_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:regions_area_history", args=[area.pk])
    assert Area.objects.get(pk=area.pk).note == "First note"
    for model in ["referrals.referralpathway", "referrals.servicepathway", "directory.citation"]:
        from django.apps import apps

        assert hasattr(apps.get_model(model), "history"), model
    from directory.models import AssessmentItem, StandardsAssessment

    assert hasattr(StandardsAssessment, "history") and hasattr(AssessmentItem, "history")


def test_unknown_history_records_are_404(director_client):
    assert (
        director_client.post(reverse("editorial:undo-change", args=["directory", "service", 999999])).status_code == 404
    )
    assert director_client.post(reverse("editorial:undo-change", args=["auth", "user", 1])).status_code == 404


def test_undo_needs_a_post(director_client, client, directory_admin):
    client_for(client, directory_admin)
    assert client.get(reverse("editorial:undo-change", args=["directory", "service", 1])).status_code == 405


def test_undo_of_a_focus_row_goes_back_through_its_services_page(director_client):
    from directory.models import ServiceFocus

    focus = ServiceFocus.objects.filter(service__slug="cara-gwent").first()
    applies = focus.applies
    focus.applies = not applies
    focus.save()
    change = focus.history.order_by("-history_date", "-history_id").first()
    response = director_client.post(
        reverse("editorial:undo-change", args=["directory", "servicefocus", change.history_id])
    )
    assert response["Location"] == reverse("admin:directory_service_history", args=[focus.service_id])
    assert ServiceFocus.objects.get(pk=focus.pk).applies is applies


def test_undo_of_a_row_with_no_admin_page_of_its_own_is_404(director_client):
    from directory.models import AssessmentItem

    item = AssessmentItem.objects.first()
    item.save()
    change = item.history.order_by("-history_date", "-history_id").first()
    url = reverse("editorial:undo-change", args=["directory", "assessmentitem", change.history_id])
    assert director_client.post(url).status_code == 404


def test_the_area_admin_views_the_area_page_on_the_site(director_client):
    """The area page's address is the directory's (``directory.area_views.area_url``); regions knows no URLs."""
    cardiff = Area.objects.get(slug="cardiff")
    assert not hasattr(cardiff, "get_absolute_url")
    body = director_client.get(reverse("admin:regions_area_change", args=[cardiff.pk])).content.decode()
    assert 'href="/areas/cardiff/"' in body
