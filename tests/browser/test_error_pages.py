"""The 500 page, seen when the database is down, keeps a working quick exit."""

import re
from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_during_a_database_outage_the_error_page_still_lets_a_person_leave_quickly(page):
    page.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(body="<title>Weather</title>weather"))
    page.goto("/glossary/")
    wrapper = type(connections[DEFAULT_DB_ALIAS])
    with mock.patch.object(wrapper, "cursor", side_effect=OperationalError("the connection is closed")):
        response = page.goto("/services/")
        assert response.status == 500
        expect(page.get_by_role("heading", name="Sorry, there is a problem with the service")).to_be_visible()
        expect(page.get_by_text("If you were saving a change, nothing was saved.")).to_be_visible()
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
        page.keyboard.press("Tab")
        leave = page.get_by_role("button", name=re.compile("Leave this site quickly"))
        expect(leave).to_be_focused()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"bbc\.co\.uk"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/glossary/$"))  # the error page is gone from history
