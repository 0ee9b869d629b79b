"""The commissioning officer's journeys through the register, in a real browser."""

import re
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from commissioning.core.roles import OFFICERS
from contracts.models import Contract, NoticePublication
from contracts.services import Share
from tests.conftest import ContractFactory, OrganisationFactory, ProviderFactory, ServiceAreaFactory, on

PASSWORD = "a-long-test-password"


def _officer(django_user_model):
    user = django_user_model.objects.create_user("priya", password=PASSWORD, first_name="Priya", last_name="Shah")
    user.groups.add(Group.objects.get(name=OFFICERS))
    return user


def _register():
    bromley = OrganisationFactory(name="London Borough of Bromley")
    icb = OrganisationFactory(name="South East London ICB", kind="icb")
    mental_health = ServiceAreaFactory(name="Mental health")
    ContractFactory(
        reference="LBB-SAH-2024",
        title="Adult mental health support@home",
        service_area=mental_health,
        lead_commissioner=bromley,
        providers=[ProviderFactory(name="Hestia Housing and Support")],
        start_date=date(2024, 10, 1),
        term="5+2+2",
        annual_value=Decimal("2660000"),
        approved_value=Decimal("23400000"),
        funding=[Share(bromley, Decimal("50")), Share(icb, Decimal("50"))],
    )
    ContractFactory(
        reference="LBB-MHFSS-2019",
        title="Mental Health Flexible Support Service",
        service_area=mental_health,
        lead_commissioner=bromley,
        providers=[ProviderFactory(name="Hestia Housing and Support")],
        start_date=date(2019, 10, 1),
        term="3+2",
        options_exercised=1,
        annual_value=Decimal("319000"),
    )
    ContractFactory(
        reference="NCC-ILSS-2019",
        title="Independent Living Support Services",
        service_area=ServiceAreaFactory(name="Independent living support"),
        lead_commissioner=OrganisationFactory(name="Nottingham City Council"),
        start_date=date(2019, 7, 1),
        term="3+2+2",
        annual_value=Decimal("855439"),
    )


def test_officer_finds_a_contract_and_exercises_an_option(page, login, screenshot, django_user_model):
    _officer(django_user_model)
    _register()
    login("priya", PASSWORD)

    page.goto("/contracts/")
    assert page.locator("#summary").inner_text().startswith("3 contracts")
    page.get_by_text("Filter contracts").click()
    page.get_by_label("Search", exact=True).fill("support@home")
    page.get_by_label("Status").select_option(label="Live")
    page.get_by_role("button", name="Filter").click()
    # The list page comes back re-filtered: #summary and the rows are on the old page too.
    expect(page.locator("#summary")).to_have_text(re.compile(r"^1 contract"), use_inner_text=True)
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    screenshot(page, "register-list-filtered")

    page.get_by_role("link", name="LBB-SAH-2024").click()
    expect(page).to_have_title(re.compile("^LBB-SAH-2024"))
    assert page.locator("#current-end").inner_text() == "30 Sep 2029"
    assert page.locator("#committed-value").inner_text() == "£13,300,000.00"
    assert "£540,000.00 (2.3%) over" in page.locator("#approved-variance").inner_text()
    screenshot(page, "register-contract")

    page.locator("tr[data-option='1']").get_by_role("link", name="Exercise").click()
    expect(page.get_by_role("heading", name="Exercise option 1")).to_be_visible()
    page.get_by_label("Decided by").fill("Chief Officer in consultation with the Portfolio Holder")
    page.get_by_label("Decision date").fill("2026-11-02")
    page.get_by_label("Note").fill("Contract performance indicators achieved.")
    page.get_by_role("button", name="Exercise option 1").click()

    assert "Option 1 exercised. The contract now runs to 30 Sep 2031." in page.locator(".alert-success").inner_text()
    assert page.locator("#current-end").inner_text() == "30 Sep 2031"
    assert page.locator("#committed-value").inner_text() == "£18,620,000.00"
    assert "Exercised" in page.locator("tr[data-option='1']").inner_text()
    expect(page.locator("tr[data-option='2']").get_by_role("link", name="Exercise")).to_be_visible()
    screenshot(page, "register-option-exercised")

    contract = on(Contract.objects.get(reference="LBB-SAH-2024"))
    assert contract.current_end_date == date(2031, 9, 30)
    assert contract.next_decision_deadline == date(2031, 3, 30)


def test_officer_registers_a_contract_after_correcting_a_mistake(page, login, screenshot, pick, django_user_model):
    _officer(django_user_model)
    _register()
    login("priya", PASSWORD)

    page.goto("/contracts/")
    page.get_by_role("link", name="Register a contract").click()
    page.get_by_label("Reference").fill("LBB-CARERS-2027")
    page.get_by_label("Title").fill("Carers support service")
    page.get_by_label("Service area").select_option(label="Mental health")
    page.get_by_label("Lead commissioner").select_option(label="London Borough of Bromley")
    pick(page, "Providers", "hestia", "Hestia Housing and Support")
    page.get_by_label("Start date").fill("2027-04-01")
    page.locator("#id_term").fill("3+two")
    page.get_by_label("Annual value (£)").fill("250000")
    page.get_by_role("button", name="Register contract").click()

    assert "The contract was not saved." in page.locator("#form-errors").inner_text()
    assert "Cannot read the term" in page.locator("#id_term").locator("xpath=..").inner_text()
    # The summary takes focus (autofocus, or error-summary.js on load), and its link for the problem leads to the field.
    expect(page.locator("#form-errors")).to_be_focused()
    page.locator("#form-errors").get_by_role("link", name="Cannot read the term").click()
    expect(page.locator("#id_term")).to_be_focused()
    screenshot(page, "register-form-error")
    assert not Contract.objects.filter(reference="LBB-CARERS-2027").exists()

    page.locator("#id_term").fill("3+2")
    page.get_by_role("button", name="Register contract").click()

    assert "Contract LBB-CARERS-2027 registered." in page.locator(".alert-success").inner_text()
    assert page.locator("#current-end").inner_text() == "31 Mar 2030"
    assert page.locator("#final-end").inner_text().startswith("31 Mar 2032")
    assert page.locator("#whole-life-value").inner_text() == "£1,250,000.00"
    screenshot(page, "register-contract-created")
    contract = on(Contract.objects.get(reference="LBB-CARERS-2027"))
    assert contract.final_end_date == date(2032, 3, 31)


def test_an_officer_records_a_procurement_act_notice_as_published(page, login, screenshot, django_user_model):
    # Procured under the Act (started 1 Jun 2025), open tender: its contract details notice was due by
    # 1 Jul 2025, so on the suite's day (22 Nov 2026) it is overdue.
    contract = ContractFactory(reference="ACT-2025-01", start_date=date(2025, 6, 1), term="3", route="open_tender")
    _officer(django_user_model)
    login("priya", PASSWORD)

    page.goto("/")
    notices_card = page.locator("#list-notices")
    expect(notices_card.locator("[data-count=notices]")).to_have_text("4")  # this one and the council's three
    notices_card.locator("[data-count=notices]").click()
    expect(page).to_have_title(re.compile("^Procurement Act notices"))
    row = page.locator("tr[data-notice=contract_details]")
    expect(row).to_contain_text("ACT-2025-01")
    expect(row).to_contain_text("Overdue")
    row.get_by_role("link", name="Record as published").click()

    expect(page.get_by_role("heading", name="Record a notice as published")).to_be_visible()
    page.get_by_label("Published on").fill("2025-06-25")
    page.get_by_label("Notice identifier").fill("2025/S 000-054321")
    page.get_by_label("Link to the notice").fill("https://www.find-tender.service.gov.uk/Notice/054321-2025")
    page.get_by_role("button", name="Record as published").click()

    expect(page.locator(".alert-success")).to_contain_text(
        "Contract details notice (UK7) recorded as published on 25 Jun 2025."
    )
    expect(page).to_have_title(re.compile("^ACT-2025-01 "))
    published = page.locator("[data-published=contract_details]")
    expect(published).to_contain_text("25 Jun 2025")
    expect(published.get_by_role("link", name="2025/S 000-054321")).to_be_visible()
    notice = NoticePublication.objects.get()
    assert (notice.contract_id, notice.published_on, notice.identifier) == (
        contract.pk,
        date(2025, 6, 25),
        "2025/S 000-054321",
    )
    screenshot(page, "notice-published")

    # The dashboard, kept until the register changes, counts one fewer at once.
    page.goto("/")
    expect(page.locator("#list-notices [data-count=notices]")).to_have_text("3")
