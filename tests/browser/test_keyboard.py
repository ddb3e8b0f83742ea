"""Keyboard-only use: search, matcher, coverage and map, and leaving quickly."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def tab_to(page, locator, limit=60):
    """Press Tab until ``locator`` has focus (as a keyboard user would), failing after ``limit`` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"could not reach {locator} with the Tab key")


def test_search_by_keyboard(page):
    page.goto("/services/")
    area = page.get_by_label("Area")
    tab_to(page, area)
    page.keyboard.type("Merthyr")  # type-to-find in the list
    expect(area).to_have_value("merthyr-tydfil")
    tab_to(page, page.get_by_role("button", name="Search"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"area=merthyr-tydfil"))
    expect(page.get_by_role("link", name="Drive (Cwm Taf Morgannwg)", exact=True)).to_be_visible()


def test_matcher_by_keyboard(page):
    page.goto("/find/")
    tab_to(page, page.get_by_label("Where does the person live?"))
    page.keyboard.type("Newport")
    tab_to(page, page.get_by_role("group", name="Risk level").get_by_label("Standard risk"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_label("The person themselves"))
    page.keyboard.press("ArrowDown")  # radios move with the arrow keys
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Police", exact=True)).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Find services"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Might fit — check")).to_be_visible()


def test_coverage_and_map_by_keyboard(page):
    page.goto("/coverage/")
    tab_to(page, page.get_by_label("As of"))
    page.keyboard.type("2020-11-01")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Coverage on 1 November 2020")).to_be_visible()
    cardiff = page.get_by_role("link", name=re.compile("^Cardiff: "))
    tab_to(page, cardiff, limit=120)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Cardiff", exact=True)).to_be_visible()


def test_leave_this_site_quickly_replaces_the_page_in_history(page):
    page.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(body="<title>Weather</title>weather"))
    page.goto("/glossary/")
    page.goto("/services/")
    tab_to(page, page.get_by_role("button", name=re.compile("Leave this site quickly")))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"bbc\.co\.uk"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/glossary/$"))  # /services/ is gone from history


def test_shift_three_times_leaves_and_replaces_the_page_in_history(page):
    page.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(body="<title>Weather</title>weather"))
    page.goto("/glossary/")
    page.goto("/services/")
    expect(page.locator(".govuk-exit-this-page__indicator")).to_have_count(1)  # the component has started
    for _ in range(3):
        page.keyboard.press("Shift")
    expect(page).to_have_url(re.compile(r"bbc\.co\.uk"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/glossary/$"))  # /services/ is gone from history
