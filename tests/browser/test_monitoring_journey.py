"""An officer records a contract monitoring report on a contract under the Act with
the KPI duty; the clerk links it to the committee report that considered it; the
contract page shows its performance notices and its monitoring, at desktop and phone widths."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group
from django.urls import reverse

from commissioning.core.roles import CLERKS, OFFICERS
from contracts.models import Contract, MonitoringRecord
from tests.committees.factories import ReportFactory
from tests.conftest import ContractFactory

PASSWORD = "a-long-test-password"


def test_monitoring_is_recorded_then_linked_to_its_committee_report(page, login, screenshot, django_user_model):
    officer = django_user_model.objects.create_user("priya", password=PASSWORD)
    officer.groups.add(Group.objects.get(name=OFFICERS))
    clerk = django_user_model.objects.create_user("sam", password=PASSWORD)
    clerk.groups.add(Group.objects.get(name=CLERKS))
    contract = ContractFactory(
        reference="LBB-EXTRA-2025",
        title="Extra care housing support",
        route=Contract.Route.OPEN_TENDER,
        start_date=date(2025, 6, 1),
        term="3",
        annual_value=Decimal("2000000"),
    )
    report = ReportFactory(reference="ACH26-101", title="Contract Monitoring Report: Extra care", contracts=[contract])

    login("priya", PASSWORD)
    page.goto(contract.get_absolute_url())
    page.locator("#monitoring").get_by_role("link", name="Record monitoring").click()
    page.get_by_label("Kind").select_option(label="Contract monitoring report")
    page.get_by_label("Date").fill("2026-10-20")
    page.get_by_label("By whom").fill("Integrated Strategic Commissioning Officer")
    page.get_by_label("Title").fill("Annual contract monitoring report 2025/26")
    page.get_by_label("Findings").fill("The service performed well; two care plans were overdue for review.")
    page.get_by_role("button", name="Record").click()
    assert "Contract monitoring report of 20 Oct 2026 recorded." in page.locator(".alert-success").inner_text()
    record = MonitoringRecord.objects.get()

    page.context.clear_cookies()
    login("sam", PASSWORD)
    page.goto(reverse("committees:report_update", args=[report.pk]))
    page.get_by_label("LBB-EXTRA-2025: Contract monitoring report of 20 Oct 2026").check()
    page.get_by_role("button", name="Save changes").click()
    assert list(report.monitoring_records.all()) == [record]
    assert "Annual contract monitoring report 2025/26" in page.locator("#monitoring").inner_text()

    page.goto(contract.get_absolute_url())
    monitoring = page.locator("#monitoring")
    assert "Considered in ACH26-101" in monitoring.inner_text()
    notices = page.locator("#procurement-performance-notice")
    assert "12 months after the start, 1 Jun 2025" in notices.inner_text()
    page.locator("#procurement").screenshot(path=screenshot(page, "contract-procurement-performance-1280"))
    monitoring.screenshot(path=screenshot(page, "contract-monitoring-1280"))

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390px: {width}px wide"
    page.locator("#procurement").screenshot(path=screenshot(page, "contract-procurement-performance-390"))
    page.locator("#monitoring").screenshot(path=screenshot(page, "contract-monitoring-390"))
