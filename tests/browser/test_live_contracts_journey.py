"""Managing live contracts (issue 12): an officer records a KPI assessment, applies
the annual fee uplift to several contracts after previewing the money by funder
and financial year, reverses it, and records a notice as published; the uplift
pages at desktop and phone widths."""

import re
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from commissioning.core.roles import OFFICERS
from committees.models import ContractLink
from contracts import services as contract_services
from contracts.models import ContractChange, FeeUplift, KpiAssessment, NoticePublication
from tests.browser.test_accessibility import AXE, _describe, _violations
from tests.committees.factories import OfficerDecisionFactory
from tests.conftest import ContractFactory, OrganisationFactory, ServiceAreaFactory, on

PASSWORD = "a-long-test-password"
D = Decimal


def _fits(page, width: int) -> None:
    """No sideways scrolling at `width`, and no WCAG 2.2 AA problem axe-core finds (when installed)."""
    # Called just after a page changes: measure and check the whole page, not the part read so far.
    page.wait_for_load_state()
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"the page scrolls sideways at {width}px: {scrolled}px wide"
    if AXE.exists():
        violations = _violations(page, AXE)
        assert not violations, _describe(violations)


def test_an_officer_rates_a_kpi_applies_a_fee_uplift_and_records_a_notice(
    page, login, screenshot, pick, django_user_model
):
    user = django_user_model.objects.create_user("priya", password=PASSWORD, first_name="Priya", last_name="Shah")
    user.groups.add(Group.objects.get(name=OFFICERS))
    bromley = OrganisationFactory(name="London Borough of Bromley")
    icb = OrganisationFactory(name="South East London ICB", kind="icb")
    home_care = ServiceAreaFactory(name="Home care")
    support = ContractFactory(
        reference="LBB-SAH-2024",
        title="Support at home",
        service_area=home_care,
        lead_commissioner=bromley,
        annual_value=D("2660000"),
        funding=[contract_services.Share(bromley, D("50")), contract_services.Share(icb, D("50"))],
    )
    reablement = ContractFactory(
        reference="LBB-REA-2024", title="Reablement", service_area=home_care, lead_commissioner=bromley
    )
    ContractFactory(
        reference="LBB-NIGHT-2024",
        title="Night support",
        service_area=home_care,
        lead_commissioner=bromley,
        annual_uplift_percent=D("3"),
    )
    act = ContractFactory(
        reference="ACT-2025-01", start_date=date(2025, 6, 1), term="3", route="open_tender", lead_commissioner=bromley
    )
    decision = OfficerDecisionFactory(
        decided_on=date(2026, 11, 2), text="Approved the 2027/28 care fee uplift of 6.7% (National Living Wage)."
    )
    kpi = contract_services.kpi_create(
        contract=support,
        name="Visits on time",
        measure="Share of planned visits that start within 15 minutes of the time agreed.",
        target="95%",
        frequency="quarterly",
        evidence_source="Electronic call monitoring",
    )
    login("priya", PASSWORD)

    # 1. A KPI assessment.
    page.goto(support.get_absolute_url())
    page.locator("#performance").get_by_role("link", name="Record an assessment").click()
    page.get_by_label("First day of the period").fill("2026-07-01")
    page.get_by_label("Last day of the period").fill("2026-09-30")
    page.get_by_label("Rating").select_option(label="Good")
    page.get_by_label("Assessed on").fill("2026-10-09")
    page.get_by_role("button", name="Record assessment").click()
    expect(page.locator(".alert-success")).to_contain_text("recorded for")
    assert list(KpiAssessment.objects.values_list("kpi_id", "rating")) == [(kpi.pk, "good")]

    # 2. The fee uplift, from the register's menu: nothing yet.
    page.get_by_role("button", name="Register").click()
    page.get_by_role("link", name="Fee uplifts").click()
    expect(page.get_by_text("No fee uplifts yet.")).to_be_visible()
    page.get_by_role("link", name="Apply a fee uplift").first.click()
    page.get_by_label("Title").fill("Care fee uplift 2027/28")
    page.get_by_label("Basis").select_option(label="National Living Wage")
    page.get_by_label("Uplift (%)").fill("6.7")
    page.get_by_label("Takes effect on").fill("2027-04-01")
    page.get_by_label("Home care").check()
    page.get_by_role("button", name="Preview").click()

    preview = page.locator("#preview")
    expect(preview.locator("#preview-counts")).to_have_text("3 contracts chosen: 2 included, 1 left out.")
    # 6.7% of £2,660,000 and of £100,000 a year: £178,220 and £6,700, from 1 Apr 2027 to 30 Sep 2033.
    expect(preview.locator("#preview-annual")).to_have_text("£184,920.00")
    expect(preview.locator("#preview-whole-life")).to_have_text("£1,201,980.00")
    money = preview.locator("#uplift-money")
    expect(money.locator("tr", has_text="South East London ICB")).to_contain_text("£89,110.00")
    expect(money.locator("tr", has_text="London Borough of Bromley")).to_contain_text("£95,810.00")
    expect(preview.locator("#preview-excluded")).to_contain_text("Has its own indexation (3% a year).")
    assert not FeeUplift.objects.exists()
    _fits(page, 1280)
    screenshot(page, "fee-uplift-preview-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    _fits(page, 390)
    preview.screenshot(path=screenshot(page, "fee-uplift-preview-390").with_name("fee-uplift-preview-section-390.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    # Confirming without the decision is refused, the preview kept; with it, saved.
    preview.get_by_role("button", name="Confirm the uplift on 2 contracts").click()
    expect(page.locator("#form-errors")).to_contain_text("Choose the decision that authorised the change.")
    pick(page, "Authorising decision", decision.reference, decision.reference)
    page.locator("#preview").get_by_role("button", name="Confirm the uplift on 2 contracts").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "Fee uplift “Care fee uplift 2027/28” applied to 2 contracts from 1 Apr 2027: £184,920.00 a year."
    )
    uplift = FeeUplift.objects.get()
    changes = ContractChange.objects.filter(uplift=uplift).order_by("contract__reference")
    assert [(c.contract.reference, c.annual_value_change) for c in changes] == [
        ("LBB-REA-2024", D("6700.00")),
        ("LBB-SAH-2024", D("178220.00")),
    ]
    assert set(ContractLink.objects.filter(change__uplift=uplift).values_list("officer_decision", flat=True)) == {
        decision.pk
    }
    assert on(reablement, date(2027, 4, 1)).whole_life_value == D("943550.00")
    expect(page.locator("#uplift-status")).to_have_text("Takes effect on 1 Apr 2027")
    expect(page.locator("#uplift-decision")).to_contain_text(decision.reference)
    expect(page.locator("#uplift-changes")).to_contain_text("LBB-SAH-2024")
    _fits(page, 1280)
    screenshot(page, "fee-uplift-detail-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    _fits(page, 390)
    screenshot(page, "fee-uplift-detail-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Reversed before it takes effect: the changes go, the uplift stays on the list as reversed.
    page.get_by_label("Why it is reversed").fill("The rate was announced again at 6.5%.")
    page.get_by_role("button", name="Reverse the uplift").click()
    expect(page.locator(".alert-success")).to_contain_text("reversed: its changes are taken off 2 contracts")
    expect(page.locator("#uplift-status")).to_have_text("Reversed on 22 Nov 2026")
    assert not ContractChange.objects.exists()
    assert on(reablement, date(2027, 4, 1)).whole_life_value == D("900000.00")
    page.get_by_role("link", name="Fee uplifts").last.click()
    row = page.locator("#uplifts tbody tr")
    expect(row).to_contain_text("Reversed on 22 Nov 2026")
    expect(row).to_contain_text("£184,920.00")
    _fits(page, 1280)
    screenshot(page, "fee-uplift-list-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    _fits(page, 390)
    screenshot(page, "fee-uplift-list-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # 3. A notice recorded as published.
    page.goto("/contracts/notices/")
    row = page.locator("tr[data-notice=contract_details]")
    expect(row).to_contain_text("ACT-2025-01")
    row.get_by_role("link", name="Record as published").click()
    page.get_by_label("Published on").fill("2025-06-25")
    page.get_by_label("Notice identifier").fill("2025/S 000-054321")
    page.get_by_role("button", name="Record as published").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "Contract details notice (UK7) recorded as published on 25 Jun 2025."
    )
    expect(page).to_have_title(re.compile("^ACT-2025-01 "))
    assert list(NoticePublication.objects.values_list("contract_id", "identifier")) == [(act.pk, "2025/S 000-054321")]
