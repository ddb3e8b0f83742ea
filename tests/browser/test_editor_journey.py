"""A provider editor updates their service's phone number; a directory admin approves; the public page shows it."""

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from directory.models import Organisation
from editorial.models import EditorProfile
from editorial.roles import DIRECTORY_ADMIN, PROVIDER_EDITOR

from .conftest import log_in as sign_in
from .conftest import screenshot

pytestmark = pytest.mark.browser

PASSWORD = "a-long-journey-password-42"
SERVICE = "They Matter (Turning the Spotlight, Cumbria)"
OLD, NEW = "07919393311", "07919 393 399"


def make_user(username, role, organisation=None):
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    if organisation:
        EditorProfile.objects.create(user=user, organisation=organisation)
    return user


def log_in(page, username):
    sign_in(page, username, PASSWORD)


def test_provider_editor_updates_a_phone_number_and_an_admin_approves_it(page):
    make_user("victim-support-editor", PROVIDER_EDITOR, Organisation.objects.get(slug="victim-support"))
    make_user("directory-admin", DIRECTORY_ADMIN)

    # The provider editor signs in and sees only their own organisation's services.
    log_in(page, "victim-support-editor")
    page.get_by_role("link", name="Services", exact=True).first.click()
    expect(page.get_by_role("link", name=SERVICE)).to_be_visible()
    expect(page.get_by_role("link", name="Drive (Cwm Taf Morgannwg)")).to_have_count(0)
    screenshot(page, "01-provider-service-list")

    # They change the phone number (tabular inline cells have only column headers, so the cell is found by value).
    page.get_by_role("link", name=SERVICE).click()
    phone = page.locator(f'#contacts-group input[value="{OLD}"]')
    phone.fill(NEW)
    screenshot(page, "02-provider-edits-phone")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text("Your change has been sent for review.")).to_be_visible()
    expect(page.get_by_text("1 change to this entry is waiting for review.")).to_be_visible()
    screenshot(page, "03-provider-change-sent-for-review")

    # The history shows the change waiting, field by field.
    page.get_by_role("link", name="History", exact=True).click()
    waiting = page.locator("#pending-changes")
    expect(waiting.get_by_role("heading", name="Waiting for review")).to_be_visible()
    expect(waiting.get_by_role("cell", name=OLD, exact=True)).to_be_visible()
    expect(waiting.get_by_role("cell", name=NEW, exact=True)).to_be_visible()
    screenshot(page, "04-provider-history-waiting")

    # Meanwhile the public page keeps the approved number.
    page.goto("/services/they-matter-cumbria/")
    expect(page.get_by_role("link", name=OLD)).to_be_visible()
    expect(page.get_by_role("link", name=NEW)).to_have_count(0)
    expect(page.get_by_role("link", name="Report a problem with this entry")).to_be_visible()

    # A directory admin approves it from the review queue.
    page.goto("/admin/")
    page.get_by_role("button", name="Log out").click()
    log_in(page, "directory-admin")
    expect(page.get_by_text("1 change waiting")).to_be_visible()
    page.get_by_role("link", name="Review queue").click()
    page.get_by_role("link", name=f"Change to {SERVICE}").click()
    expect(page.get_by_role("cell", name=NEW, exact=True)).to_be_visible()
    screenshot(page, "05-admin-reviews-change")
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("Approved. The public page now shows the change")).to_be_visible()
    screenshot(page, "06-admin-approved")

    # The public page shows the new number.
    page.goto("/services/they-matter-cumbria/")
    expect(page.get_by_role("link", name=NEW)).to_be_visible()
    expect(page.get_by_role("link", name=OLD)).to_have_count(0)
    screenshot(page, "07-public-page-new-number")

    # The provider editor sees the approved change in the history, with themselves as its author.
    page.goto("/admin/")
    page.get_by_role("button", name="Log out").click()
    log_in(page, "victim-support-editor")
    page.goto("/admin/directory/service/")
    page.get_by_role("link", name=SERVICE).click()
    page.get_by_role("link", name="History", exact=True).click()
    row = page.locator("#change-history tbody tr").filter(has_text=re.compile("Changed: Contact"))
    expect(row.first).to_contain_text(f"Value: {OLD} → {NEW}")
    expect(row.first).to_contain_text("victim-support-editor")
    expect(row.first).to_contain_text("approved by directory-admin")
    expect(page.locator("#pending-changes")).to_have_count(0)
    screenshot(page, "08-provider-history-approved")
