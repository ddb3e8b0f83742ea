"""The Open data page passes axe in both languages, and its API example link answers with JSON."""

import json

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_open_data_page_passes_axe(page, live_server, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto("/open-data/")
    assert page.locator("html").get_attribute("lang") == language
    screenshot(page, f"open-data-{language}")
    assert violations(page) == []


def test_following_the_example_link_gives_high_risk_services_in_cardiff(page, live_server):
    page.goto("/open-data/")
    page.get_by_role("link", name="/api/oruk/services?area=cardiff").click()
    data = json.loads(page.locator("body").inner_text())
    assert data["total_items"] == len(data["contents"]) > 0
    assert all(item["status"] in {"active", "inactive", "defunct", "temporarily closed"} for item in data["contents"])
