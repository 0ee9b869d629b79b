"""A clerk records councillors' call-in of an Executive decision from the meeting
page; the officer's attempt to exercise the option the decision's delegation
covers is then refused with the reason; the clerk records that the scrutiny
committee took no further action, at desktop and phone widths."""

import re
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from commissioning.core.roles import CLERKS, OFFICERS
from committees import services
from committees.models import CallIn, Committee, ContractLink, OfficerDecision, ResolutionPart
from tests.committees.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory, ResolutionPartFactory, at
from tests.conftest import ContractFactory

PASSWORD = "a-long-test-password"


def _narrow(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390px: {width}px wide"


def test_a_call_in_blocks_the_option_until_resolved(page, login, screenshot, django_user_model):
    clerk = django_user_model.objects.create_user("cleo", password=PASSWORD)
    clerk.groups.add(Group.objects.get(name=CLERKS))
    officer = django_user_model.objects.create_user("priya", password=PASSWORD)
    officer.groups.add(Group.objects.get(name=OFFICERS))
    contract = ContractFactory(
        reference="LBB-SAH-2024",
        title="Support at home",
        start_date=date(2024, 10, 1),
        term="5+2+2",
        annual_value=Decimal("2660000.00"),
    )
    executive = CommitteeFactory(name="Executive", kind=Committee.Kind.EXECUTIVE)
    pds = CommitteeFactory(name="Adult Care and Health PDS Committee", kind=Committee.Kind.PDS)
    # Executive, Wed 18 Nov 2026; decisions published Fri 20 Nov 2026: call-in runs to Fri 27 Nov 2026.
    meeting = MeetingFactory(
        committee=executive, starts_at=at(date(2026, 11, 18)), decisions_published_on=date(2026, 11, 20)
    )
    scrutiny = MeetingFactory(committee=pds, starts_at=at(date(2026, 11, 26)))
    part = ResolutionPartFactory(
        item=AgendaItemFactory(meeting=meeting, number="7", title="Support at home"),
        number="ii",
        kind=ResolutionPart.Kind.DELEGATE,
        text="Delegated authority to the Chief Officer to approve the extension periods.",
        delegation=services.DelegationInput(to_whom="Chief Officer", scope="Approve the extension periods"),
        links=[services.LinkInput(contract=contract, effect="other")],
    )

    # The clerk records the call-in from the meeting's statutory clock.
    login("cleo", PASSWORD)
    page.goto(meeting.get_absolute_url())
    page.locator("#clock").get_by_role("link", name="Record a call-in of 7 (ii)").click()
    assert "until 27 Nov 2026" in page.locator("#call-in-period").inner_text()
    page.get_by_label("Called in by").fill("Cllr A Smith and Cllr B Jones")
    page.get_by_label("Called in on").fill("2026-11-21")
    page.get_by_label("Reasons given").fill("No in-house option was appraised.")
    page.get_by_label("Considered at").select_option(label="Adult Care and Health PDS Committee, 26 Nov 2026")
    page.get_by_role("button", name="Record the call-in").click()
    assert "Call-in of Executive, 18 Nov 2026, item 7 (ii) recorded." in page.locator(".alert-success").inner_text()
    call_in = CallIn.objects.get()
    assert (call_in.resolution_part, call_in.requested_on, call_in.scrutiny_meeting) == (
        part,
        date(2026, 11, 21),
        scrutiny,
    )
    screenshot(page, "call-in-detail-1280")
    page.goto(meeting.get_absolute_url())
    clock = page.locator("#clock-call-in")
    assert "Called in on 21 Nov 2026 by Cllr A Smith and Cllr B Jones" in clock.inner_text()
    clock.screenshot(path=screenshot(page, "call-in-meeting-clock-1280"))
    # The list of call-ins has it, pending, and filters to it.
    page.get_by_role("button", name="Committees").click()
    page.get_by_role("link", name="Call-ins").click()
    expect(page).to_have_title(re.compile("^Call-ins"))
    page.get_by_text("Filter call-ins").click()
    page.get_by_label("Status").select_option(label="Pending")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile("state=pending"))
    row = page.locator(f"#call-in-{call_in.pk}")
    expect(row).to_contain_text("Executive, 18 Nov 2026, item 7 (ii)")
    expect(row).to_contain_text("Pending")
    expect(page.locator("table tbody tr")).to_have_count(1)
    page.get_by_role("button", name="Sign out").click()

    # The officer tries to exercise option 1 under the delegation: refused, with the reason.
    login("priya", PASSWORD)
    page.goto(contract.get_absolute_url())
    decisions = page.locator("#decisions")
    assert "Called in." in decisions.inner_text()
    assert "the scrutiny committee considers it on 26 Nov 2026" in decisions.inner_text()
    page.goto(reverse("committees:option_exercise", args=[contract.pk, 1]))
    page.get_by_label("Authorising decision").select_option(value=f"part:{part.pk}")
    page.get_by_label("Decided by").fill("Chief Officer")
    page.get_by_label("Decision date").fill("2026-11-22")
    page.get_by_role("button", name="Exercise option 1").click()
    # The form before it was sent already warns of the call-in in these words: the refusal is the sent form's error.
    refusal = (
        "Executive, 18 Nov 2026, item 7 (ii) was called in on 21 Nov 2026 by Cllr A Smith and Cllr B Jones; "
        "the scrutiny committee considers it on 26 Nov 2026. It cannot be acted on until the call-in is resolved."
    )
    expect(page.locator("#form-errors")).to_contain_text(refusal)
    assert contract.options.get(order=1).status == "available"
    assert not OfficerDecision.objects.exists()
    assert not ContractLink.objects.filter(option__isnull=False).exists()
    screenshot(page, "call-in-option-refused-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(contract.get_absolute_url())
    _narrow(page)
    page.locator("#decisions").screenshot(path=screenshot(page, "call-in-contract-390"))
    page.goto(call_in.get_absolute_url())
    _narrow(page)
    screenshot(page, "call-in-detail-390")


def test_an_officer_decision_record_prints_with_every_field(page, login, screenshot, django_user_model):
    from tests.committees.factories import OfficerDecisionFactory

    manager = django_user_model.objects.create_user("mo", password=PASSWORD)
    manager.groups.add(Group.objects.get(name="Managers"))
    executive = CommitteeFactory(name="Executive", kind=Committee.Kind.EXECUTIVE)
    meeting = MeetingFactory(
        committee=executive, starts_at=at(date(2022, 11, 30)), decisions_published_on=date(2022, 12, 2)
    )
    part = ResolutionPartFactory(
        item=AgendaItemFactory(meeting=meeting, number="12"),
        number="ii",
        kind=ResolutionPart.Kind.DELEGATE,
        text="Delegated authority to approve the extension periods.",
        delegation=services.DelegationInput(
            to_whom="Chief Officer", in_consultation_with="Portfolio Holder", scope="approve the extension periods"
        ),
    )
    decision = OfficerDecisionFactory(
        delegation=part.delegation,
        decided_on=date(2023, 1, 5),
        published_on=date(2023, 1, 9),
        conflicts_of_interest="The Portfolio Holder declared that a relative works for the provider.",
        dispensations="None sought: the Portfolio Holder took no part.",
    )
    login("mo", PASSWORD)
    page.goto(decision.get_absolute_url())
    record = page.locator("#decision-record").inner_text()
    assert "The provider met its performance indicators." in record
    page.get_by_role("link", name="Printable record").click()
    text = page.locator("#officer-decision-record").inner_text()
    for expected in (
        "RECORD OF AN OFFICER DECISION",
        "5 January 2023",
        "Delegation to Chief Officer in consultation with Portfolio Holder, made by Executive on 30 November 2022",
        "Re-tendering now: rejected, as the service is performing well.",
        "a relative works for the provider",
        "None sought",
    ):
        assert expected in text
    screenshot(page, "officer-decision-print-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _narrow(page)
    screenshot(page, "officer-decision-print-390")
