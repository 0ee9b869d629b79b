"""The forward plan in a browser: the demo's support@home entry, on time, at
desktop width and on a 390 px phone; a clerk adds an entry; the print view."""

import re

from django.core.management import call_command
from playwright.sync_api import expect

from committees.models import ForwardPlanEntry
from tests.browser.conftest import SCREENSHOTS

DEMO_PASSWORD = "commissioning-demo"


def test_the_forward_plan_shows_the_support_at_home_notice(page, login, screenshot):
    call_command("load_demo_data", "--today", "2026-11-22", "--seed-only", verbosity=0)
    login("clerk", DEMO_PASSWORD)

    page.goto("/committees/forward-plan/?as_of=2022-11-20")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Gateway 1: Adult Mental Health Recovery")
    expect(row).to_contain_text("14 Oct 2022")
    expect(row.locator('[data-notice="valid"]')).to_be_visible()
    screenshot(page, "forward-plan-list")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "forward-plan-list-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    row.get_by_role("link", name="Gateway 1: Adult Mental Health Recovery").click()
    expect(page.locator("[data-notice-reason]")).to_have_text("On the forward plan from Fri 14 Oct 2022.")
    expect(page.get_by_text("by Tue 1 Nov 2022")).to_be_visible()
    screenshot(page, "forward-plan-entry")

    # The Executive's meeting: both key parts of the item carry a valid notice.
    page.get_by_role("link", name="Executive, 30 Nov 2022, item 12 (i)").click()
    # The entry's page has a valid-notice badge and no missing-notice flag too: count on the meeting's.
    expect(page).to_have_title(re.compile(r"^Executive, 30 Nov 2022 "))
    expect(page.locator('[data-notice="valid"]')).to_have_count(2)
    expect(page.locator("[data-key-notice-missing]")).to_have_count(0)

    # A clerk adds an entry taken under special urgency.
    page.goto("/committees/forward-plan/new/")
    page.locator("#id_council").select_option(label="London Borough of Bromley")
    page.locator("#id_title").fill("Care home placements: interim block contract")
    page.locator("#id_decision_maker_officer").fill("Director of Adult Services")
    page.locator("#id_expected_on").fill("2026-12-10")
    page.locator("#id_special_urgency_agreed_by").fill("Chair of the Adult Care and Health PDS Committee")
    page.locator("#id_special_urgency_agreed_on").fill("2026-12-08")
    screenshot(page, "forward-plan-form")
    page.get_by_role("button", name="Add entry").click()
    expect(page.locator("[data-notice-reason]")).to_have_text(
        "Special urgency agreed by Chair of the Adult Care and Health PDS Committee on Tue 8 Dec 2026."
    )
    assert ForwardPlanEntry.objects.filter(special_urgency_agreed_by__startswith="Chair").exists()

    page.goto("/committees/forward-plan/print/")
    expect(page.get_by_role("heading", name="Forward plan of key decisions")).to_be_visible()
    page.emulate_media(media="print")
    screenshot(page, "forward-plan-print")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "forward-plan-print-390")


def test_a_key_decision_without_notice_is_flagged_on_the_dashboard_and_its_meeting(page, login, screenshot):
    # The demo has no forward plan for Nottingham's Executive Board of 19 Feb 2019 (seed 003).
    call_command("load_demo_data", "--today", "2026-11-22", "--seed-only", verbosity=0)
    login("clerk", DEMO_PASSWORD)
    page.goto("/?as_of=2026-11-22")
    card = page.locator("#list-key_notices")
    expect(card).to_contain_text("Key decisions without a valid notice")
    count = int(card.locator('[data-count="key_notices"]').inner_text())
    assert count > 0
    card.locator('[data-count="key_notices"]').click()
    # The dashboard has table rows too: count the list's.
    expect(page).to_have_title(re.compile("^Key decisions without a valid notice "))
    expect(page.locator("tbody tr")).to_have_count(count)
    screenshot(page, "key-decisions-without-notice")
    page.locator("tbody tr").first.get_by_role("link").click()
    flag = page.locator("[data-key-notice-missing]").first
    expect(flag).to_contain_text("Key decision taken without a valid notice")
    flag.scroll_into_view_if_needed()
    screenshot(page, "meeting-key-notice-flag")
    part = flag.locator("xpath=ancestor::div[contains(@class, 'part')][1]")
    part.screenshot(path=SCREENSHOTS / "meeting-key-notice-part.png")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "meeting-key-notice-flag-390")
    part.screenshot(path=SCREENSHOTS / "meeting-key-notice-part-390.png")
