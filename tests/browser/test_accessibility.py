"""axe-core (WCAG 2.2 A and AA rules) finds nothing on any public page, in English and in Welsh."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PUBLIC_PAGES = [
    "/",
    "/?status=all",
    "/services/",
    "/services/?area=merthyr-tydfil&risk=high",
    "/services/?area=vale-of-glamorgan&risk=medium&tier=medium_risk",
    "/services/?area=atlantis",
    "/services/drive-cwm-taf-morgannwg/",
    "/services/drive-cardiff-and-vale/",
    "/services/they-matter-cumbria/",
    "/services/equilibrium-swansea/",
    "/services/choose2change-north-wales/",
    "/find/referral-pack/they-matter-cumbria/",
    "/find/",
    "/coverage/",
    "/coverage/?as_of=2020-11-01&criminal_justice=exclude",
    "/coverage/?as_of=2026-12-01",
    "/coverage/cell/?area=cardiff&column=risk:medium",
    "/services/?area=newport&risk=standard",
    "/areas/cardiff/",
    "/coverage/funding/",
    "/coverage/standards/",
    "/areas/",
    "/areas/south-wales-police/",
    "/glossary/",
    "/organisations/safer-merthyr-tydfil/",
    "/no-such-page/",
]


def violations(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3]) for v in results.response["violations"]]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_public_page_passes_axe(page, live_server, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    found = {}
    for path in PUBLIC_PAGES:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language
        problems = violations(page)
        if problems:
            found[path] = problems
    assert found == {}


def test_the_matcher_answer_passes_axe(page):
    page.goto("/find/")
    page.get_by_label("Where does the person live?").select_option(label="Merthyr Tydfil")
    page.get_by_role("group", name="Risk level").get_by_label("High risk").check()
    page.get_by_label("Police", exact=True).check()
    page.get_by_role("button", name="Find services").click()
    assert violations(page) == []
    page.goto("/find/")
    page.get_by_role("button", name="Find services").click()
    assert violations(page) == []


# Radio values, so the same steps work in English and in Welsh.
MATCHER_ANSWERS = {
    "cardiff-high-risk": {"risk": "high", "referrer": "probation", "harm": "intimate_partner", "marac": "yes"},
    "sexual-harm": {"risk": "medium", "referrer": "probation", "harm": "sexual", "justice": "conviction"},
}


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("case", sorted(MATCHER_ANSWERS))
def test_the_sectioned_matcher_answers_pass_axe(page, live_server, language, case):
    """The answer pages the issue asks about, with every section open, in both languages."""
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto("/find/")
    page.locator("#id_area").select_option(value="cardiff")
    for name, value in MATCHER_ANSWERS[case].items():
        page.locator(f"input[name={name}][value={value}]").check()
    page.locator("#submit-id-submit, [name=submit]").first.click()
    expect(page.locator("#partners")).to_be_visible()
    page.locator("#no summary").click()
    assert page.locator("html").get_attribute("lang") == language
    screenshot(page, f"matcher-{case}-{language}")
    assert violations(page) == []


def test_the_axe_check_does_find_problems(page):
    """A guard: the same check on a page with known faults reports them."""
    page.goto("/glossary/")
    page.evaluate(
        """() => {
            const img = document.createElement('img'); img.src = '/static/x.png'; document.body.append(img);
            const input = document.createElement('input'); document.body.append(input);
        }"""
    )
    ids = {problem[0] for problem in violations(page)}
    assert {"image-alt", "label"} <= ids


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_national_coverage_summary_and_one_grouping_pass_axe(page, live_server, language):
    """With more councils than one page shows (coverage.WHOLE_MATRIX_COUNCILS): the summary of every grouping with
    its chooser, then one grouping's matrix chosen from it with the keyboard."""
    from tests import factories

    for force in range(2):
        police = factories.area(f"test-police-{force}", kind="police_force_area", name_en=f"Test Police {force}")
        for council in range(12):
            factories.area(
                f"test-council-{force}-{council}", within=[police], name_en=f"Test Council {force} {council}"
            )
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto("/coverage/?criminal_justice=exclude")
    expect(page.locator("#groups-caption")).to_be_visible()
    assert violations(page) == []
    page.locator("#id_group").select_option("test-police-1")
    page.locator("#id_group").press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#matrix-caption")).to_contain_text("Test Police 1")
    assert "criminal_justice=exclude" in page.url and "group=test-police-1" in page.url
    assert violations(page) == []
