"""One journey per user story, as a practitioner would take it, using accessible locators."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = pytest.mark.browser


def test_practitioner_finds_high_risk_services_in_merthyr_heard_at_marac(page):
    page.goto("/")
    page.get_by_label("Find services for an area").select_option(label="Merthyr Tydfil")
    page.get_by_role("button", name="Find services").click()
    expect(page).to_have_url(re.compile(r"/services/\?(q=&)?area=merthyr-tydfil"))
    page.get_by_label("Risk level").select_option(label="High risk")
    page.get_by_role("button", name="Search").click()
    drive = page.get_by_role("link", name="Drive (Cwm Taf Morgannwg)", exact=True)
    expect(drive).to_be_visible()
    expect(page.get_by_text("Covers Merthyr Tydfil as part of Cwm Taf Morgannwg").first).to_be_visible()
    screenshot(page, "search-merthyr-high")

    page.get_by_role("link", name="Match a case").click()
    page.get_by_label("Where does the person live?").select_option(label="Merthyr Tydfil")
    page.get_by_role("group", name="Risk level").get_by_label("High risk").check()
    page.get_by_label("Social worker or children's services").check()
    page.get_by_role("group", name="Has the case been heard at MARAC?").get_by_label("Yes").check()
    page.get_by_role("button", name="Find services").click()

    fits = page.locator("#fits ~ .app-service-card").first
    expect(page.get_by_role("heading", name="Services for this person")).to_be_visible()
    expect(page.get_by_role("heading", name="Fits")).to_be_visible()
    expect(fits.get_by_role("link", name="Drive (Cwm Taf Morgannwg)", exact=True)).to_be_visible()
    page.get_by_text(re.compile(r"^Does not fit: \d+ services")).click()
    expect(page.get_by_text("CARA (Cwm Taf Morgannwg) takes standard risk, not high risk")).to_be_visible()
    screenshot(page, "matcher-merthyr-high-marac")

    page.get_by_role("link", name="Drive (Cwm Taf Morgannwg)", exact=True).first.click()
    expect(page.get_by_role("heading", name="How to refer", exact=True)).to_be_visible()
    expect(page.get_by_text("Referral only through MARAC discussion").first).to_be_visible()


def test_probation_officer_sees_a_cardiff_high_risk_case_in_sections_by_kind_of_harm(page):
    page.goto("/find/")
    page.get_by_label("Where does the person live?").select_option(label="Cardiff")
    page.get_by_role("group", name="Risk level").get_by_label("High risk").check()
    page.get_by_label("Probation", exact=True).check()
    page.get_by_role("group", name="What kind of harm?").get_by_label("Intimate-partner abuse").check()
    page.get_by_role("group", name="Has the case been heard at MARAC?").get_by_label("Yes").check()
    page.get_by_label("A conviction (court order or licence)").check()
    page.get_by_role("button", name="Find services").click()

    expect(
        page.locator("#fits ~ .app-service-card").first.get_by_role("link", name="Drive (Cardiff)", exact=True)
    ).to_be_visible()
    partners = page.locator("#partners ~ .app-service-card")
    expect(partners.get_by_role("link", name=re.compile("^RISE")).first).to_be_visible()
    expect(page.get_by_role("heading", name="Multi-agency processes this case may go to")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Cardiff MARAC"))).to_be_visible()
    page.get_by_role("link", name="Helplines").click()
    expect(page).to_have_url(re.compile("#helplines$"))
    screenshot(page, "matcher-cardiff-high-intimate-partner")


def test_police_officer_finds_cara_for_a_first_offence_conditional_caution_in_gwent(page):
    page.goto("/find/")
    page.get_by_label("Where does the person live?").select_option(label="Newport")
    page.get_by_role("group", name="Risk level").get_by_label("Standard risk").check()
    page.get_by_label("Police", exact=True).check()
    page.get_by_label("A conditional caution").check()
    page.get_by_role("button", name="Find services").click()

    expect(page.get_by_role("heading", name="Might fit — check")).to_be_visible()
    first_check = page.locator("#check ~ .app-service-card").first
    expect(first_check.get_by_role("link", name="CARA (Gwent)", exact=True)).to_be_visible()
    page.get_by_text(re.compile(r"^Does not fit: \d+ services")).click()
    expect(page.get_by_text("Building Better Relationships (BBR) is court-ordered on conviction")).to_be_visible()
    screenshot(page, "matcher-gwent-standard-caution")


def test_missing_answers_are_listed_at_the_top_and_link_to_the_question(page):
    page.goto("/find/")
    page.get_by_role("button", name="Find services").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    summary.get_by_role("link", name="Select a risk level").click()
    screenshot(page, "matcher-errors")


def test_keyboard_user_skips_to_content_and_can_leave_quickly(page):
    page.goto("/services/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=re.compile("Leave this site quickly"))).to_be_focused()


def test_referral_pack_lists_the_providers_form_sections(page):
    page.goto("/services/they-matter-cumbria/")
    page.get_by_role("link", name=re.compile("Referral pack")).click()
    expect(page.get_by_role("heading", name="Client consent")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name=re.compile("Leave this site quickly"))).to_be_hidden()
    screenshot(page, "referral-pack-they-matter")


def test_commissioner_compares_2020_with_today_and_sees_the_vale_gap(page):
    page.goto("/")
    page.get_by_role("link", name="Coverage and gaps").click()
    expect(page.get_by_role("heading", name=re.compile("^Coverage on "))).to_be_visible()
    screenshot(page, "coverage-today")

    page.get_by_label("As of").fill("2020-11-01")
    page.get_by_label("Criminal-justice and court-mandated services").select_option(label="Leave them out")
    page.get_by_role("button", name="Show coverage").click()
    expect(page.get_by_role("heading", name="Coverage on 1 November 2020")).to_be_visible()
    # The only services there give no risk level: shown as "not stated", never as "no service".
    unstated = r"only \d+ services? whose risk levels or councils are not stated"
    vale_tile = page.get_by_role(
        "link",
        name=re.compile(
            rf"^Vale of Glamorgan: Standard risk: {unstated}; Medium risk: {unstated}; High risk: {unstated}$"
        ),
    )
    expect(vale_tile).to_be_visible()
    vale_row = page.get_by_role("row", name=re.compile("^Vale of Glamorgan"))
    expect(vale_row.get_by_text(re.compile("^Not stated: "))).to_have_count(3)
    expect(page.get_by_text("There are no longer any programmes in The Vale of Glamorgan")).to_be_visible()
    screenshot(page, "coverage-2020-without-criminal-justice")

    vale_tile.focus()
    expect(vale_tile).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Vale of Glamorgan", exact=True)).to_be_visible()


def test_commissioner_downloads_the_matrix_for_the_chosen_switches(page):
    page.goto("/coverage/?as_of=2023-11-17&group_by=health_board")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the matrix (CSV)").click()
    assert download.value.suggested_filename == "coverage-matrix-2023-11-17.csv"
