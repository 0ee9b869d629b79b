"""An officer sets a KPI on a contract and records its assessments; the contract
page's Performance section shows the latest rating and the chart, at desktop
and phone widths."""

from datetime import date

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from commissioning.core.roles import OFFICERS
from contracts.models import Kpi, KpiAssessment
from tests.conftest import ContractFactory

PASSWORD = "a-long-test-password"


def test_an_officer_sets_a_kpi_and_records_its_assessments(page, login, screenshot, django_user_model):
    user = django_user_model.objects.create_user("priya", password=PASSWORD, first_name="Priya", last_name="Shah")
    user.groups.add(Group.objects.get(name=OFFICERS))
    contract = ContractFactory(reference="LBB-SAH-2024", title="Support at home", start_date=date(2024, 10, 1))
    login("priya", PASSWORD)

    page.goto(contract.get_absolute_url())
    page.locator("#performance").get_by_role("link", name="Add a KPI").click()
    page.get_by_label("Name").fill("Visits on time")
    page.get_by_label("What is measured").fill(
        "Share of planned visits that start within 15 minutes of the time agreed."
    )
    page.get_by_label("Target").fill("95%")
    page.get_by_label("How often it is assessed").select_option(label="Quarterly")
    page.get_by_label("Source of the evidence").fill("Electronic call monitoring")
    page.get_by_role("button", name="Add KPI").click()
    assert "KPI “Visits on time” added." in page.locator(".alert-success").inner_text()
    kpi = Kpi.objects.get()
    assert (kpi.contract_id, kpi.target) == (contract.pk, "95%")

    # Three quarters rated, the third "Other" (no level on the chart).
    for start, end, rating, assessed in [
        ("2026-01-01", "2026-03-31", "Good", "2026-04-10"),
        ("2026-04-01", "2026-06-30", "Approaching target", "2026-07-08"),
        ("2026-07-01", "2026-09-30", "Other", "2026-10-09"),
    ]:
        page.locator("#performance").get_by_role("link", name="Record an assessment").click()
        page.get_by_label("First day of the period").fill(start)
        page.get_by_label("Last day of the period").fill(end)
        page.get_by_label("Rating").select_option(label=rating)
        page.get_by_label("Assessed on").fill(assessed)
        page.get_by_role("button", name="Record assessment").click()
        assert "recorded for" in page.locator(".alert-success").inner_text()

    # A period that ends after the day it was assessed is refused, then corrected.
    page.locator("#performance").get_by_role("link", name="Record an assessment").click()
    page.get_by_label("First day of the period").fill("2026-10-01")
    page.get_by_label("Last day of the period").fill("2026-12-31")
    page.get_by_label("Rating").select_option(label="Requires improvement")
    page.get_by_label("Assessed on").fill("2026-11-20")
    page.get_by_role("button", name="Record assessment").click()
    assert "The assessment was not recorded." in page.locator("#form-errors").inner_text()
    assert "on or after its last day" in page.locator("#form-errors").inner_text()
    page.get_by_label("Last day of the period").fill("2026-10-31")
    page.get_by_role("button", name="Record assessment").click()
    assert "recorded for" in page.locator(".alert-success").inner_text()
    assert list(KpiAssessment.objects.order_by("period_end").values_list("rating", flat=True)) == [
        "good",
        "approaching",
        "other",
        "requires_improvement",
    ]

    section = page.locator("#performance")
    assert section.locator(".kpi-rating").inner_text() == "Requires improvement"
    expect(section.locator("svg.kpi-chart circle.kpi-point")).to_have_count(3)
    expect(section.locator("svg.kpi-chart circle.kpi-point-other")).to_have_count(1)
    section.scroll_into_view_if_needed()
    section.screenshot(
        path=screenshot(page, "contract-performance-1280").with_name("contract-performance-section-1280.png")
    )

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390px: {width}px wide"
    page.locator("#performance").screenshot(
        path=screenshot(page, "contract-performance-390").with_name("contract-performance-section-390.png")
    )
