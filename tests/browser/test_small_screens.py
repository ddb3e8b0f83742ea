"""Phone first: at 320 x 640 (the WCAG 2.2 reflow width) no public page scrolls sideways,
search and the matcher give their answer on the first screen, and axe finds nothing."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .conftest import SCREENSHOTS, screenshot
from .test_accessibility import PUBLIC_PAGES, violations

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 320, 640


@pytest.fixture
def phone(browser, live_server, directory):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


def first_screen(page, name):
    """Keep the first 320 x 640 screen, as a person sees it before scrolling (when SCREENSHOT_DIR is set)."""
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}-first-screen.png"))


def page_width(page):
    return page.evaluate("() => document.documentElement.scrollWidth")


def top_of(locator):
    """Where an element starts, in CSS pixels from the top of the document."""
    return locator.evaluate("(element) => element.getBoundingClientRect().top + window.scrollY")


def bottom_of(locator):
    return locator.evaluate("(element) => element.getBoundingClientRect().bottom + window.scrollY")


def answer_the_matcher(page):
    page.goto("/find/")
    page.get_by_label("Where does the person live?").select_option(label="Merthyr Tydfil")
    page.get_by_role("group", name="Risk level").get_by_label("High risk").check()
    page.get_by_label("Police", exact=True).check()
    page.get_by_role("button", name="Find services").click()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_no_public_page_scrolls_sideways_or_fails_axe_at_320_pixels(phone, live_server, language):
    phone.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    too_wide, problems = {}, {}
    for path in PUBLIC_PAGES:
        phone.goto(path)
        assert phone.locator("html").get_attribute("lang") == language
        width = page_width(phone)
        if width > WIDTH:
            too_wide[path] = width
        found = violations(phone)
        if found:
            problems[path] = found
    assert too_wide == {}
    assert problems == {}


def test_the_matcher_answer_fits_320_pixels_and_passes_axe(phone):
    answer_the_matcher(phone)
    assert page_width(phone) == WIDTH
    assert violations(phone) == []


def test_search_gives_the_count_and_first_result_on_the_first_screen(phone):
    phone.goto("/services/?area=merthyr-tydfil&risk=high")
    expect(phone.get_by_role("link", name="Drive (Cwm Taf Morgannwg)", exact=True)).to_be_visible()
    first = phone.locator(".app-service-card").first
    assert bottom_of(first.get_by_role("heading")) <= HEIGHT
    assert bottom_of(phone.locator("#results")) <= HEIGHT
    # The filters are summarised in one line, and folded away behind "Filter results".
    expect(phone.get_by_text("Merthyr Tydfil · High risk · Last reported running (however long ago)")).to_be_visible()
    expect(phone.get_by_label("Words to search for")).to_be_hidden()
    screenshot(phone, "phone-search")
    first_screen(phone, "phone-search")

    toggle = phone.get_by_role("button", name="Filter results")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    risk = phone.get_by_label("Risk level")
    expect(risk).to_be_visible()
    # The opened panel sits between the control and the results: reading order is visual order.
    assert bottom_of(toggle) <= top_of(risk) < top_of(phone.locator("#results"))
    risk.select_option(label="Medium risk")
    phone.get_by_role("button", name="Search").click()
    expect(phone.get_by_text("Merthyr Tydfil · Medium risk · Last reported running (however long ago)")).to_be_visible()
    assert page_width(phone) == WIDTH


def test_search_without_javascript_shows_the_full_form(browser, live_server, directory):
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/services/?area=merthyr-tydfil&risk=high")
    expect(page.get_by_label("Words to search for")).to_be_visible()
    expect(page.get_by_role("button", name="Filter results")).to_be_hidden()
    expect(page.get_by_role("link", name="Drive (Cwm Taf Morgannwg)", exact=True).first).to_be_visible()
    assert page_width(page) == WIDTH
    context.close()


def test_search_with_a_mistake_keeps_the_filters_open(phone):
    phone.goto("/services/?risk=extreme")
    expect(phone.get_by_role("button", name="Filter results")).to_have_attribute("aria-expanded", "true")
    expect(phone.get_by_label("Risk level")).to_be_visible()


def test_matcher_gives_the_verdict_on_the_first_screen_and_folds_the_questions(phone):
    answer_the_matcher(phone)
    verdict = phone.locator(".govuk-panel")
    expect(verdict).to_contain_text("Services for high risk in Merthyr Tydfil")
    screenshot(phone, "phone-matcher-answer")
    first_screen(phone, "phone-matcher-answer")
    assert bottom_of(verdict) <= HEIGHT
    change = phone.get_by_text("Change your answers")
    assert bottom_of(change) <= HEIGHT
    where = phone.get_by_label("Where does the person live?")
    expect(where).to_be_hidden()
    change.click()
    expect(where).to_be_visible()
    expect(where).to_have_value("merthyr-tydfil")


def test_service_page_and_coverage_fit_and_their_tables_scroll_in_a_labelled_region(phone):
    phone.goto("/services/drive-cwm-taf-morgannwg/")
    assert page_width(phone) == WIDTH
    screenshot(phone, "phone-service")
    phone.goto("/coverage/")
    assert page_width(phone) == WIDTH
    region = phone.get_by_role("region", name="Services per council by risk level and kind of service")
    expect(region).to_have_attribute("tabindex", "0")
    assert region.evaluate("(element) => element.scrollWidth > element.clientWidth")
    screenshot(phone, "phone-coverage")


def test_touch_targets_are_at_least_24_pixels(phone):
    small = {}
    for path in ["/coverage/", "/services/?area=merthyr-tydfil&risk=high", "/services/drive-cwm-taf-morgannwg/"]:
        phone.goto(path)
        for name, locator in [
            ("quick exit", phone.get_by_role("button", name="Leave this site quickly")),
            ("language", phone.locator(".app-language button, .app-language a").first),
            ("map tile", phone.locator(".app-hexmap__tile").first),
        ]:
            if locator.count() == 0:
                continue
            box = locator.bounding_box()
            if box["width"] < 24 or box["height"] < 24:
                small[(path, name)] = box
        # axe's own 2.5.8 rule (size, or enough space around) ran on this page and found every target big enough.
        results = Axe().run(phone, options={"runOnly": {"type": "rule", "values": ["target-size"]}}).response
        assert [rule["id"] for rule in results["passes"]] == ["target-size"]
        assert results["violations"] == []
    assert small == {}


def test_the_quick_exit_stays_at_the_top_when_scrolled(phone):
    phone.goto("/coverage/")
    phone.mouse.wheel(0, 3000)
    phone.wait_for_function("() => window.scrollY > 1000")
    box = phone.get_by_role("button", name="Leave this site quickly").bounding_box()
    assert 0 <= box["y"] < 60
