"""Two-factor sign-in for every staff account: enrolment, verification, recovery codes, reset."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from editorial.roles import COMMISSIONER, DIRECTORY_ADMIN, PROVIDER_EDITOR
from tests.auth import authenticator_for, code_for, totp_code
from tests.editorial.conftest import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-123"
SETUP = reverse("twofactor:setup")
VERIFY = reverse("twofactor:verify")
CODES = reverse("twofactor:recovery-codes")
STAFF_PAGES = [
    "admin:index",
    "admin:directory_service_changelist",
    "admin:auth_user_changelist",
    "editorial:review-list",
    "editorial:dashboard",
]


def sign_in(client, username):
    """The password step only (the admin's own login page)."""
    response = client.post(reverse("admin:login"), {"username": username, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.fixture(params=[DIRECTORY_ADMIN, PROVIDER_EDITOR, COMMISSIONER, "superuser"])
def staff(request, victim_support):
    if request.param == "superuser":
        return User.objects.create_superuser("root", "root@example.org", PASSWORD)
    return make_user("editor", request.param, victim_support if request.param == PROVIDER_EDITOR else None)


@pytest.fixture
def victim_support():
    from directory.models import Organisation

    return Organisation.objects.get(slug="victim-support")


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_a_password_alone_opens_no_staff_page(client, staff, name):
    sign_in(client, staff.username)
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next={url.replace('/', '%2F')}"
    authenticator_for(staff)
    assert client.get(url)["Location"] == f"{VERIFY}?next={url.replace('/', '%2F')}"


@pytest.fixture
def no_throttle(settings):
    """django-otp makes each wrong code double the wait before the next; these tests retry at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_a_wrong_code_makes_the_next_try_wait(client):
    device = authenticator_for(make_user("editor", DIRECTORY_ADMIN))
    sign_in(client, "editor")
    assert client.post(VERIFY, {"code": "000000"}).status_code == 400
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 400  # within a second: refused
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the refused try was not even checked


def test_an_editor_enrols_sees_ten_recovery_codes_once_and_reaches_the_admin(client, no_throttle):
    user = make_user("new-editor", PROVIDER_EDITOR)
    sign_in(client, "new-editor")
    page = client.get(f"{SETUP}?next=/admin/directory/service/")
    body = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'<img class="app-qr-code" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code', body)
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", body).group(1)
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    assert client.get(SETUP).content.decode().count(secret) == 1  # a reload keeps the same secret

    wrong = client.post(f"{SETUP}?next=/admin/directory/service/", {"code": "000000"})
    assert wrong.status_code == 400
    assert "Enter the 6-digit code that your authenticator app shows now" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    response = client.post(f"{SETUP}?next=/admin/directory/service/", {"code": totp_code(secret)})
    assert response["Location"] == f"{CODES}?next=%2Fadmin%2Fdirectory%2Fservice%2F"
    shown = client.get(response["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown.content.decode())
    assert len(set(codes)) == 10
    assert sorted(codes) == sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert 'href="/admin/directory/service/"' in shown.content.decode()
    assert client.get(CODES)["Location"] == "/admin/"  # shown once
    assert client.get("/admin/directory/service/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed is True


def test_a_password_is_not_enough_to_add_another_authenticator(client):
    user = make_user("editor", DIRECTORY_ADMIN)
    authenticator_for(user)
    sign_in(client, "editor")
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert client.post(SETUP, {"code": "123456"})["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_signing_in_with_a_code_from_the_app(client, no_throttle):
    user = make_user("editor", DIRECTORY_ADMIN)
    device = authenticator_for(user)
    sign_in(client, "editor")
    before = client.session.session_key
    wrong = client.post(f"{VERIFY}?next=/admin/review/", {"code": "12345"})
    assert wrong.status_code == 400
    assert "Enter a code that is shown now in your authenticator app, or a recovery code" in wrong.content.decode()
    response = client.post(f"{VERIFY}?next=/admin/review/", {"code": code_for(device)})
    assert response["Location"] == "/admin/review/"
    assert client.session.session_key != before  # a new session key once verified
    assert client.get("/admin/review/").status_code == 200


def test_a_recovery_code_works_once(client, no_throttle):
    user = make_user("editor", PROVIDER_EDITOR)
    authenticator_for(user)
    from twofactor.services import new_recovery_codes

    code = new_recovery_codes(user)[3]
    sign_in(client, "editor")
    assert client.post(VERIFY, {"code": code.upper()})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.post(reverse("admin:logout"))
    sign_in(client, "editor")
    again = client.post(VERIFY, {"code": code})
    assert again.status_code == 400
    assert client.get("/admin/").status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == 9


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/admin/", "/\\evil.example"])
def test_after_the_code_only_a_page_on_this_site_is_opened(client, unsafe):
    device = authenticator_for(make_user("editor", DIRECTORY_ADMIN))
    sign_in(client, "editor")
    response = client.post(VERIFY, {"code": code_for(device), "next": unsafe})
    assert response["Location"] == "/admin/"


def test_the_two_factor_pages_need_a_signed_in_staff_user(client):
    for url in (SETUP, VERIFY, CODES):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_reset_two_factor_sends_the_user_back_to_enrolment(client, capsys):
    user = make_user("editor", PROVIDER_EDITOR)
    authenticator_for(user)
    from twofactor.services import new_recovery_codes

    new_recovery_codes(user)
    call_command("reset_two_factor", "editor")
    assert "Removed editor's authenticator and recovery codes" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    sign_in(client, "editor")
    assert client.get("/admin/")["Location"].startswith(SETUP)


def test_the_pages_are_in_welsh_when_welsh_is_chosen(client):
    make_user("editor", PROVIDER_EDITOR)
    sign_in(client, "editor")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    body = client.get(SETUP).content.decode()
    assert '<html lang="cy"' in body
    assert "Set up two-factor sign-in" not in body
    assert "Sefydlu mewngofnodi dau gam" in body
