"""After browsing in Welsh and using the matcher, the browser holds no cookie that outlives the session."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_switching_language_and_matching_leave_only_session_cookies(page):
    page.goto("/services/?area=cardiff&risk=high")
    page.get_by_role("link", name="Cymraeg").click()
    expect(page).to_have_url(re.compile(r"/services/\?area=cardiff&risk=high$"))
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    page.goto("/find/")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert sorted(cookies) == ["csrftoken", "django_language"]  # the matcher's form needs a CSRF token
    assert {name: cookie["expires"] for name, cookie in cookies.items()} == {"csrftoken": -1, "django_language": -1}
    assert cookies["django_language"]["httpOnly"] is True
    assert cookies["django_language"]["sameSite"] == "Lax"
