"""The clerks' confidential print of a meeting's exempt items, in a real
browser: the clerk follows the meeting page's link to it, and it prints with
"CONFIDENTIAL" at the head of every page; the public minutes print says the
item was considered in private. Also an officer key decision's notice on its
page. Screenshots at desktop width and at 390px, on screen and as printed."""

from datetime import date

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from commissioning.core.roles import CLERKS
from committees import services
from committees.models import ContractLink, ResolutionPart
from tests.browser.conftest import SCREENSHOTS
from tests.committees.factories import (
    AgendaItemFactory,
    MeetingFactory,
    OfficerDecisionFactory,
    ResolutionPartFactory,
    at,
)
from tests.conftest import ContractFactory, OrganisationFactory

PASSWORD = "a-long-test-password"
SECRET = "The lowest hourly rate tendered was £21.40, by Provider B. " * 40
REASON = "Disclosing the prices tendered would prejudice the council's position in the negotiations."
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def test_the_clerk_prints_the_exempt_items_as_confidential(page, login, screenshot, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password=PASSWORD)
    clerk.groups.add(Group.objects.get(name=CLERKS))
    meeting = MeetingFactory(starts_at=at(date(2026, 11, 18)))
    AgendaItemFactory(
        meeting=meeting, number="78", title="Day opportunities", minutes="The Committee noted the report."
    )
    prices = AgendaItemFactory(
        meeting=meeting, number="79", title="Support at home: award", minutes=SECRET,
        is_exempt=True, exempt_paragraph="3", exempt_reason=REASON,
    )  # fmt: skip
    ResolutionPartFactory(
        item=prices, number="i", kind=ResolutionPart.Kind.NOTE, text="The tender of Provider B be accepted."
    )
    AgendaItemFactory(
        meeting=meeting, number="80", title="A placement", minutes="Concerns about Mr Q were discussed. " * 30,
        is_exempt=True, exempt_paragraph="1", exempt_reason="It concerns a named person.",
    )  # fmt: skip

    login("clerk", PASSWORD)
    page.goto(meeting.get_absolute_url())
    page.set_viewport_size(PHONE)
    screenshot(page, "exempt-print-meeting-phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="Confidential print (exempt items)").click()
    expect(page.locator("[data-confidential]")).to_have_text("CONFIDENTIAL")
    marks = page.locator(".minutes-exemption")
    expect(marks).to_have_count(2)
    expect(marks.first).to_contain_text(
        "Not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972"
    )
    expect(marks.nth(1)).to_contain_text("paragraph 1 of Part 1")
    expect(page.locator("#item-" + str(prices.pk))).to_contain_text("The tender of Provider B be accepted.")
    screenshot(page, "exempt-print-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "exempt-print-phone")
    page.set_viewport_size(DESKTOP)
    page.emulate_media(media="print")
    expect(page.locator(".breadcrumb")).to_be_hidden()
    screenshot(page, "exempt-print-as-printed")
    # Kept beside the screenshots: "CONFIDENTIAL" heads each page through @page margin boxes,
    # which only a printed page (or PDF) has.
    page.pdf(path=SCREENSHOTS / "exempt-print.pdf", format="A4")

    page.emulate_media(media="screen")
    page.goto(f"/committees/meetings/{meeting.pk}/minutes/")
    expect(page.locator("[data-considered-in-private]")).to_have_count(2)
    expect(page.locator("[data-considered-in-private]").first).to_contain_text(
        "Considered in private: the press and public were excluded for this item"
    )
    expect(page.locator("body")).not_to_contain_text("£21.40")
    screenshot(page, "exempt-public-minutes-desktop")


def test_an_officer_key_decision_shows_its_notice(page, login, screenshot, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password=PASSWORD)
    clerk.groups.add(Group.objects.get(name=CLERKS))
    contract = ContractFactory(reference="LBB-SAH-2024", title="Support at home")
    decision = OfficerDecisionFactory(
        decided_on=date(2022, 12, 2),
        text="Awarded the support at home contract.",
        is_key_decision=True,
        links=[services.LinkInput(contract=contract, effect=ContractLink.Effect.AWARD)],
    )
    services.forward_plan_entry_create(
        council=OrganisationFactory(name="London Borough of Bromley"),
        title="Support at home: contract award",
        decision_maker_officer="Chief Officer, Adult Social Care",
        expected_on=decision.decided_on,
        contracts=[contract],
        decision=decision,
        published_on=date(2022, 11, 4),
    )
    login("clerk", PASSWORD)
    page.goto(decision.get_absolute_url())
    notice = page.locator("#key-decision-notice")
    expect(notice).to_contain_text("No valid notice")
    expect(notice).to_contain_text("Published on Fri 4 Nov 2022, after Thu 3 Nov 2022")
    screenshot(page, "officer-key-notice-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "officer-key-notice-phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="Printable record").click()
    page.emulate_media(media="print")
    expect(page.locator("#key-decision-notice")).to_contain_text("No valid notice")
    screenshot(page, "officer-key-notice-print")
