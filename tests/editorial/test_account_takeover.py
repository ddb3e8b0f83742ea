"""Only superusers change superusers, set someone else's password, or widen what a group may do."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from editorial.roles import DIRECTORY_ADMIN

from .conftest import change_form_data

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-123"
NEW_PASSWORD = "Another-long-password-456"


def set_password(client, user):
    return client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set_usable_password": "true"},
    )


def test_a_directory_admin_cannot_reset_the_superusers_password(director_client, superuser):
    response = set_password(director_client, superuser)
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)
    assert not superuser.check_password(NEW_PASSWORD)


def test_a_directory_admin_cannot_change_or_delete_a_superuser(director_client, superuser):
    url = reverse("admin:auth_user_change", args=[superuser.pk])
    page = director_client.get(url)
    assert page.status_code == 200  # they may see the account, read only
    assert 'name="_save"' not in page.content.decode()
    response = director_client.post(url, {"username": "root", "email": "attacker@example.org", "is_active": ""})
    assert response.status_code == 403
    delete = director_client.post(reverse("admin:auth_user_delete", args=[superuser.pk]), {"post": "yes"})
    assert delete.status_code == 403
    superuser.refresh_from_db()
    assert (superuser.email, superuser.is_active) == ("root@example.org", True)


def test_a_directory_admin_cannot_set_another_editors_password(director_client, provider_editor):
    response = set_password(director_client, provider_editor)
    assert response.status_code == 403
    provider_editor.refresh_from_db()
    assert provider_editor.check_password(PASSWORD)


def test_a_directory_admin_sets_their_own_password(director_client, directory_admin):
    response = set_password(director_client, directory_admin)
    assert response.status_code == 302
    directory_admin.refresh_from_db()
    assert directory_admin.check_password(NEW_PASSWORD)


def test_a_superuser_sets_another_editors_password(superuser_client, provider_editor):
    response = set_password(superuser_client, provider_editor)
    assert response.status_code == 302
    provider_editor.refresh_from_db()
    assert provider_editor.check_password(NEW_PASSWORD)


def every_permission_posted(client, group):
    url = reverse("admin:auth_group_change", args=[group.pk])
    data = change_form_data(client.get(url))
    data["permissions"] = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
    return client.post(url, data)


def test_a_directory_admin_cannot_give_their_own_group_every_permission(director_client, directory_admin):
    group = Group.objects.get(name=DIRECTORY_ADMIN)
    before = set(group.permissions.values_list("codename", flat=True))
    assert Permission.objects.count() > len(before)

    response = every_permission_posted(director_client, group)

    assert response.status_code == 200  # the form again, with an error
    assert "Select a valid choice" in response.content.decode()
    assert set(group.permissions.values_list("codename", flat=True)) == before
    assert not directory_admin.has_perm("auth.change_permission")
    assert not User.objects.get(pk=directory_admin.pk).has_perm("sessions.delete_session")


def test_a_directory_admin_cannot_change_a_group_that_holds_more_than_they_do(director_client):
    wider = Group.objects.create(name="Operators")
    wider.permissions.set(Permission.objects.filter(content_type__app_label="sessions"))
    url = reverse("admin:auth_group_change", args=[wider.pk])
    assert 'name="_save"' not in director_client.get(url).content.decode()
    assert director_client.post(url, {"name": "Operators", "permissions": []}).status_code == 403
    assert wider.permissions.count() == Permission.objects.filter(content_type__app_label="sessions").count()


def test_a_superuser_can_give_a_group_any_permission(superuser_client):
    group = Group.objects.get(name=DIRECTORY_ADMIN)
    response = every_permission_posted(superuser_client, group)
    assert response.status_code == 302
    assert group.permissions.count() == Permission.objects.count()


def test_a_directory_admin_cannot_join_a_group_that_holds_more_than_they_do(director_client, directory_admin):
    wider = Group.objects.create(name="Operators")
    wider.permissions.set(Permission.objects.filter(content_type__app_label="sessions"))
    url = reverse("admin:auth_user_change", args=[directory_admin.pk])
    data = change_form_data(director_client.get(url))
    data["groups"] = [str(pk) for pk in Group.objects.values_list("pk", flat=True)]

    response = director_client.post(url, data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert list(directory_admin.groups.values_list("name", flat=True)) == [DIRECTORY_ADMIN]


def test_a_directory_admin_cannot_change_an_account_that_holds_more_than_they_do(director_client):
    operator = User.objects.create_user("operator", "operator@example.org", PASSWORD, is_staff=True)
    operator.user_permissions.set(Permission.objects.filter(content_type__app_label="sessions"))
    url = reverse("admin:auth_user_change", args=[operator.pk])
    assert director_client.post(url, {"username": "operator", "email": "x@example.org"}).status_code == 403
    assert User.objects.get(pk=operator.pk).email == "operator@example.org"
