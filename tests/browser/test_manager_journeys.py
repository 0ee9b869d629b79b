"""The manager's journeys: the dashboard and starting a re-commissioning project."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from commissioning.core.roles import MANAGERS
from commissioning.projects.models import CommissioningProject
from tests.conftest import ContractFactory, ProviderFactory, ServiceAreaFactory, required_start

PASSWORD = "a-long-test-password"


def _manager(django_user_model):
    user = django_user_model.objects.create_user("helen", password=PASSWORD, first_name="Helen", last_name="Ward")
    user.groups.add(Group.objects.get(name=MANAGERS))
    return user


def test_manager_starts_a_project_for_a_contract_with_no_option_left(page, login, screenshot, django_user_model):
    _manager(django_user_model)
    # Ends 30 Sep 2027 with no option: inside the 24-month re-procurement lead time from 22 Nov 2026.
    ContractFactory(
        reference="LBB-DAY-2025",
        title="Day opportunities for adults with learning disabilities",
        service_area=ServiceAreaFactory(name="Learning disabilities"),
        providers=[ProviderFactory(name="Bromley Mencap")],
        start_date=date(2025, 10, 1),
        term="2",
        annual_value=Decimal("480000"),
    )
    login("helen", PASSWORD)

    page.get_by_role("button", name="Commissioning").click()
    page.get_by_role("link", name="Pipeline").click()
    # The dashboard may list the contract in a row of its own: read the row once the pipeline is there.
    expect(page).to_have_title(re.compile("^Pipeline "))
    needing = page.locator("tr", has_text="LBB-DAY-2025")
    assert "30 Sep 2027" in needing.inner_text()
    screenshot(page, "pipeline")
    needing.get_by_role("link", name="Start a project").click()

    assert (
        page.get_by_label("Title").input_value()
        == "Re-commissioning: Day opportunities for adults with learning disabilities"
    )
    assert page.get_by_label("Estimated annual value (£)").input_value().startswith("480000")
    page.get_by_role("button", name="Start project").click()

    project = CommissioningProject.objects.get()
    assert project.required_start_date is None  # it follows the incumbent
    assert required_start(project) == date(2027, 10, 1)
    assert [c.reference for c in project.incumbent_contracts.all()] == ["LBB-DAY-2025"]
    timeline = page.locator("#gateways")
    text = timeline.inner_text()
    # 1 Oct 2027 less 24, 18 and 6 months.
    for due in ("1 Oct 2025", "1 Apr 2026", "1 Apr 2027"):
        assert due in text, due
    assert "Overdue" in text
    screenshot(page, "project-gateways")

    page.goto("/pipeline/")
    assert page.locator("tr", has_text="LBB-DAY-2025").get_by_role("link", name="Start a project").count() == 0


def test_manager_follows_an_expiry_band_to_its_list_and_downloads_it(page, login, screenshot):
    call_command("load_demo_data", "--today", "2026-11-22", "--seed-only", stdout=io.StringIO())
    login("manager", "commissioning-demo")

    expect(page).to_have_title(re.compile("^Dashboard"))
    page.get_by_label("Show as on").fill("2024-01-15")
    page.get_by_role("button", name="Show").click()
    # The same page comes back for the new day, with the same counts in it: wait for that day's page.
    expect(page).to_have_url(re.compile(r"[?&]as_of=2024-01-15"))
    # MHFSS (£319k) and SEL ICB (£1,432k) end 30 Sep 2024 with no option left: within 12 months, not 6.
    expect(page.locator("[data-count='current-6']")).to_have_text("0", use_inner_text=True)
    expect(page.locator("[data-count='current-12']")).to_have_text("2", use_inner_text=True)
    expect(page.locator("[data-count='final-24']")).to_have_text("2", use_inner_text=True)
    expect(page.locator("tr[data-band='12']")).to_contain_text("£1.75m", use_inner_text=True)
    screenshot(page, "dashboard-2024-01-15")

    page.locator("[data-count='current-12']").click()
    # The dashboard has table rows too: count the list's once it is there.
    expect(page).to_have_title(re.compile("^Contracts "))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("LBB-MHFSS-2019", use_inner_text=True)
    expect(rows.nth(1)).to_contain_text("SELICB-AMH-RSA-2019", use_inner_text=True)
    screenshot(page, "dashboard-band-list")

    page.get_by_role("button", name="Download").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    content = open(download_info.value.path(), encoding="utf-8-sig").read()
    downloaded = list(csv.DictReader(io.StringIO(content)))
    assert [row["reference"] for row in downloaded] == ["LBB-MHFSS-2019", "SELICB-AMH-RSA-2019"]
    assert {row["current_end_date"] for row in downloaded} == {"2024-09-30"}
