"""The pickers with JavaScript: type, choose from the matches, save."""

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from commissioning.core.roles import CLERKS
from committees.models import Report
from tests.committees.factories import CommitteeFactory
from tests.conftest import ContractFactory

PASSWORD = "a-long-test-password"


def test_clerk_chooses_a_reports_contracts_by_typing(page, login, screenshot, pick, django_user_model):
    clerk = django_user_model.objects.create_user("cleo", password=PASSWORD)
    clerk.groups.add(Group.objects.get(name=CLERKS))
    CommitteeFactory()  # its council publishes reports
    ContractFactory(reference="LBB-CARERS-2025", title="Carers support service")
    ContractFactory(reference="LBB-DAY-2024", title="Day opportunities for carers")
    for n in range(30):
        ContractFactory(reference=f"LBB-HOME-{n:02d}", title="Home care")
    login("cleo", PASSWORD)

    page.goto("/committees/reports/new/")
    page.get_by_label("Council").select_option(label="London Borough of Bromley")
    page.get_by_label("Reference").fill("ACH26-051")
    page.locator("#id_title").fill("Carers support: contract award")
    box = page.get_by_role("combobox", name="Contracts", exact=True)
    box.press_sequentially("carers", delay=30)
    options = page.locator(".ts-dropdown .option")
    expect(options).to_have_count(2)
    assert options.nth(0).inner_text() == "LBB-CARERS-2025 Carers support service"
    screenshot(page, "picker-open")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "picker-open-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    options.nth(1).click()
    pick(page, "Contracts", "home-07", "LBB-HOME-07")
    # One page of matches at most (20), however many contracts hold the text;
    # LBB-HOME-07, already chosen, is not offered again.
    box.press_sequentially("home", delay=30)
    expect(options).to_have_count(19)
    box.press("Escape")

    page.get_by_role("button", name="Add report").click()
    expect(page.locator(".alert-success")).to_be_visible()
    report = Report.objects.get(reference="ACH26-051")
    assert sorted(c.reference for c in report.contracts.all()) == ["LBB-DAY-2024", "LBB-HOME-07"]
