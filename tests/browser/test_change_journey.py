"""An officer records a change to support@home: a change beyond its ground's
limits is refused with the reasons and what was typed kept, then stands with a
reason; the contract page shows it with its decision, at desktop and phone widths."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group
from django.urls import reverse

from commissioning.core.roles import OFFICERS
from contracts.models import Contract, ContractChange
from tests.committees.factories import OfficerDecisionFactory
from tests.conftest import ContractFactory

PASSWORD = "a-long-test-password"


def test_a_change_is_recorded_with_its_decision(page, login, screenshot, pick, django_user_model):
    officer = django_user_model.objects.create_user("priya", password=PASSWORD)
    officer.groups.add(Group.objects.get(name=OFFICERS))
    contract = ContractFactory(
        reference="LBB-SAH-2024",
        title="Support at home",
        start_date=date(2024, 10, 1),
        term="5+2+2",
        annual_value=Decimal("2660000.00"),
        legislation=Contract.Legislation.PA_2023,
        route=Contract.Route.LIGHT_TOUCH,
    )
    decision = OfficerDecisionFactory(decided_on=date(2026, 11, 2), text="Agreed emergency cover.")

    login("priya", PASSWORD)
    page.goto(contract.get_absolute_url())
    page.locator("#changes").get_by_role("link", name="Record a change").click()
    page.get_by_label("Takes effect on").fill("2027-04-01")
    page.get_by_label("Legal ground").select_option(label="Urgency (Procurement Act 2023, Sch 8)")
    page.get_by_label("Change to the annual value (£ a year)").fill("2000000")
    page.get_by_label("What changed and why").fill("Emergency cover for a failed provider.")
    pick(page, "Authorising decision", decision.reference, decision.reference)
    page.get_by_role("button", name="Record the change").click()
    warning = page.locator("#beyond-limits")
    assert "goes beyond what its ground allows" in warning.inner_text()
    assert (
        "allows each change at most 50% of the value before it"
        in page.locator("#id_override_reason_error").inner_text()
    )
    assert page.get_by_label("Change to the annual value (£ a year)").input_value() == "2000000"
    assert not ContractChange.objects.exists()
    screenshot(page, "change-refused-1280")

    page.get_by_label("Why the change stands beyond its ground's limits").fill("Legal advice of 3 Mar 2027.")
    page.get_by_role("button", name="Record the change").click()
    assert "Change recorded: it takes effect on 1 Apr 2027." in page.locator(".alert-success").inner_text()
    change = ContractChange.objects.get()
    assert change.override_reason == "Legal advice of 3 Mar 2027."

    page.goto(contract.get_absolute_url() + "?as_of=2027-04-01")
    changes = page.locator("#changes")
    assert "+£13,000,000.00" in changes.inner_text()
    assert f"Authorised by officer decision {decision.reference}" in changes.inner_text()
    changes.screenshot(path=screenshot(page, "contract-changes-1280"))

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390px: {width}px wide"
    page.locator("#changes").screenshot(path=screenshot(page, "contract-changes-390"))
    page.goto(reverse("committees:change_create", args=[contract.pk]))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form scrolls sideways at 390px: {width}px wide"
    screenshot(page, "change-form-390")
