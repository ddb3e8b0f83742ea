"""Admin logins: lockout after repeated failures, Django's password validators, sessions that expire."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.auth import authenticator_for, code_for

from .conftest import make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "a-long-test-password-123"


def login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def test_a_right_password_logs_in(client):
    make_user("editor")
    response = login(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_an_account_is_locked_after_five_failed_logins_even_with_the_right_password(client):
    make_user("editor")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "editor", "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    locked = login(client, "editor", "wrong")
    assert locked.status_code == 429
    assert "This account is locked after too many failed sign-in attempts." in locked.content.decode()
    again = login(client, "editor", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_passwords_must_pass_djangos_validators():
    user = make_user("editor")
    for weak, message in [
        ("short1", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("839201746352", "This password is entirely numeric."),
    ]:
        with pytest.raises(ValidationError) as error:
            validate_password(weak, user)
        assert message in error.value.messages
    validate_password("correct horse battery staple", user)


def test_admin_sessions_expire_when_idle_and_when_the_browser_closes(client):
    device = authenticator_for(make_user("editor"))
    login(client, "editor", PASSWORD)
    client.post(reverse("twofactor:verify"), {"code": code_for(device)})
    assert client.session.get_expire_at_browser_close() is True
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert client.get("/admin/").status_code == 200


def test_an_expired_session_is_sent_back_to_the_login_page(client):
    make_user("editor")
    login(client, "editor", PASSWORD)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
