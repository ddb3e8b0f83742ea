"""A new editor sets up two-factor sign-in, signs in with the app, and once with a recovery code."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from editorial.roles import PROVIDER_EDITOR
from tests.auth import totp_code

from .conftest import screenshot
from .test_accessibility import violations

pytestmark = pytest.mark.browser

PASSWORD = "a-long-journey-password-42"


def sign_in_with_password(page):
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username:").fill("new-editor")
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def sign_out(page):
    page.goto("/admin/")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Logged out")).to_be_visible()


def test_a_new_editor_enrols_and_signs_in_with_the_app_and_with_a_recovery_code(page):
    user = User.objects.create_user("new-editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=PROVIDER_EDITOR))
    found = {}

    # The password alone leads to enrolment, not to the admin.
    sign_in_with_password(page)
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/admin/two-factor/set-up/\?next=%2Fadmin%2F$"))
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    found["set up"] = violations(page)
    screenshot(page, "2fa-01-set-up")

    # A wrong code is explained; the code from the key on the page turns it on.
    page.get_by_label("Code").fill("123456")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    found["set up, wrong code"] = violations(page)
    page.wait_for_timeout(1100)  # django-otp makes the next try wait a second after a wrong code
    secret = page.locator("#secret-key").inner_text()
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    # Ten recovery codes, shown once.
    expect(page.get_by_role("heading", name="Two-factor sign-in is on")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem").all_inner_texts()
    assert len(set(codes)) == 10
    found["recovery codes"] = violations(page)
    screenshot(page, "2fa-02-recovery-codes")
    page.get_by_role("button", name="I have saved my codes: continue").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # Next time: password, then the code the app shows.
    sign_out(page)
    sign_in_with_password(page)
    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()
    found["verify"] = violations(page)
    screenshot(page, "2fa-03-verify")
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    page.get_by_label("Code").fill(totp_code(secret, last_t=device.last_t))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # Without the phone: a recovery code, which then is used up.
    sign_out(page)
    sign_in_with_password(page)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    sign_out(page)
    sign_in_with_password(page)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("or a recovery code you have not used").first).to_be_visible()
    assert {key: value for key, value in found.items() if value} == {}
