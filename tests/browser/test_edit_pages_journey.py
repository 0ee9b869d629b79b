"""A clerk corrects a committee and an officer corrects a monitoring record, each from
the record's own page, at desktop and phone widths."""

from datetime import date

from django.contrib.auth.models import Group

from commissioning.core.roles import CLERKS, OFFICERS
from committees.models import Committee
from contracts import services as contract_services
from contracts.models import MonitoringRecord
from tests.committees.factories import CommitteeFactory, ResolutionPartFactory
from tests.conftest import TODAY, ContractFactory

PASSWORD = "a-long-test-password"


def _user(django_user_model, username: str, group: str):
    user = django_user_model.objects.create_user(username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=group))
    return user


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390px: {width}px wide"


def test_a_clerk_corrects_a_committee(page, login, screenshot, django_user_model):
    _user(django_user_model, "sam", CLERKS)
    executive = CommitteeFactory(name="Executive", kind=Committee.Kind.EXECUTIVE)
    ResolutionPartFactory(item__meeting__committee=executive, kind="approve", text="Approved the tender.")

    login("sam", PASSWORD)
    page.goto(executive.get_absolute_url())
    page.get_by_role("link", name="Edit Executive").click()
    page.wait_for_url(f"**/committees/{executive.pk}/edit/")
    assert page.get_by_label("Council").is_disabled()
    screenshot(page, "committee-edit-1280")

    # A kind that would change whether its decisions can be called in is refused, saying why.
    page.get_by_label("Kind").select_option(label="Policy development and scrutiny")
    page.get_by_role("button", name="Save changes").click()
    assert "decisions recorded at its meetings are subject to call-in" in page.locator("#form-errors").inner_text()
    screenshot(page, "committee-edit-refused-1280")

    page.get_by_label("Kind").select_option(label="Executive")
    page.get_by_label("Name").fill("Executive Committee")
    page.get_by_label("Quorum").fill("5")
    page.get_by_role("button", name="Save changes").click()
    assert "Executive Committee saved." in page.locator(".alert-success").inner_text()
    assert "quorum 5" in page.locator("h1").locator("..").inner_text()
    assert "Executive → Executive Committee" in page.locator("#history").inner_text()
    saved = Committee.objects.get(pk=executive.pk)
    assert (saved.name, saved.quorum, saved.version) == ("Executive Committee", 5, 2)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/committees/{executive.pk}/edit/")
    _fits(page)
    screenshot(page, "committee-edit-390")


def test_an_officer_corrects_a_monitoring_record(page, login, screenshot, django_user_model):
    _user(django_user_model, "priya", OFFICERS)
    contract = ContractFactory(reference="LBB-EXTRA-2025", title="Extra care housing support")
    record = contract_services.monitoring_record_create(
        contract=contract,
        kind="visit",
        held_on=date(2026, 10, 14),
        title="Unannounced visit to Orpington scheme",
        carried_out_by="Contract Compliance Officer",
        summary="Care plans and staff rotas.",
        findings="Care plans up to date.",
        today=TODAY,
    )

    login("priya", PASSWORD)
    page.goto(contract.get_absolute_url())
    page.locator(f"#monitoring-{record.pk}").get_by_role("link", name="Edit").click()
    page.wait_for_url(f"**/contracts/monitoring/{record.pk}/edit/")
    screenshot(page, "monitoring-edit-1280")

    page.get_by_label("Date").fill("2026-12-01")
    page.get_by_role("button", name="Save changes").click()
    assert "Enter a day on or before today" in page.locator("#form-errors").inner_text()
    screenshot(page, "monitoring-edit-refused-1280")

    page.get_by_label("Date").fill("2026-10-15")
    page.get_by_label("Findings").fill("Care plans up to date; two staff without refresher training.")
    page.get_by_role("button", name="Save changes").click()
    assert "Monitoring visit of 15 Oct 2026 saved." in page.locator(".alert-success").inner_text()
    assert "two staff without refresher training" in page.locator(f"#monitoring-{record.pk}").inner_text()
    saved = MonitoringRecord.objects.get(pk=record.pk)
    assert (saved.held_on, saved.version) == (date(2026, 10, 15), 2)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/contracts/monitoring/{record.pk}/edit/")
    _fits(page)
    screenshot(page, "monitoring-edit-390")
    page.goto(contract.get_absolute_url())
    page.locator("#monitoring").screenshot(path=screenshot(page, "contract-monitoring-edit-link-390"))
