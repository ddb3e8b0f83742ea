"""Browser journeys: Debian's Chromium driven by Playwright against a live test server."""

import os
import shutil

import pytest
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR", "")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the live server's
    # database work happens in its own thread, so this is safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def directory(transactional_db):
    """The real directory (a transactional test empties the database when it ends)."""
    call_command("load_directory", verbosity=0)


@pytest.fixture
def page(browser, live_server, directory):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name):
    """Keep a full-page screenshot when SCREENSHOT_DIR is set (for people to look at)."""
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def log_in(page, username, password):
    """Sign in to the admin as a staff user: the password, then a code from their authenticator app.

    The user is given an authenticator if they have none (enrolment has its own journey).
    """
    from django.contrib.auth import get_user_model
    from playwright.sync_api import expect

    from tests.auth import authenticator_for, code_for

    device = authenticator_for(get_user_model().objects.get(username=username))
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username:").fill(username)
    page.get_by_label("Password:").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()
    page.get_by_label("Code").fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
