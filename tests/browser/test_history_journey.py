"""An officer edits a contract and reads who changed what on its page, at desk and phone widths."""

from decimal import Decimal

from django.contrib.auth.models import Group

from commissioning.core.roles import OFFICERS
from tests.conftest import ContractFactory

PASSWORD = "a-long-test-password"


def test_officer_edits_a_contract_and_reads_its_history(page, login, screenshot, django_user_model):
    user = django_user_model.objects.create_user("priya", password=PASSWORD, first_name="Priya", last_name="Shah")
    user.groups.add(Group.objects.get(name=OFFICERS))
    contract = ContractFactory(reference="LBB-SAH-2024", annual_value=Decimal("2500000"))
    login("priya", PASSWORD)

    page.goto(f"/contracts/{contract.pk}/edit/")
    page.get_by_label("Annual value (£)").fill("2660000")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()

    newest = page.locator("#history .history-change").first
    assert "Priya Shah" in newest.inner_text()
    assert "Annual value: £2,500,000.00 → £2,660,000.00" in newest.inner_text()
    screenshot(page, "history-contract-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    history = page.locator("#history")
    history.scroll_into_view_if_needed()
    assert history.evaluate("section => section.scrollWidth <= section.clientWidth")
    assert history.bounding_box()["width"] <= 390
    screenshot(page, "history-contract-390")
