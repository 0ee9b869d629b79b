"""An officer sees the change notice a contract change owes on the contract page,
records it as published from there, and the page and the notices list show it, at
desktop and phone widths."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group
from django.urls import reverse

from commissioning.core.roles import OFFICERS
from contracts import services
from contracts.models import Contract, NoticePublication
from tests.conftest import ContractFactory

PASSWORD = "a-long-test-password"


def test_a_change_notice_is_recorded_from_the_contract_page(page, login, screenshot, django_user_model):
    officer = django_user_model.objects.create_user("priya", password=PASSWORD)
    officer.groups.add(Group.objects.get(name=OFFICERS))
    contract = ContractFactory(
        reference="LBB-EXTRA-2025",
        title="Extra care housing support",
        legislation=Contract.Legislation.PA_2023,
        route=Contract.Route.OPEN_TENDER,
        start_date=date(2025, 6, 1),
        term="5",
        annual_value=Decimal("1000000"),
    )
    change = services.contract_change_record(
        contract=contract,
        effective_on=date(2027, 6, 1),
        ground="pa_unforeseeable",
        description="Twelve months more while the new model is procured.",
        term_change_months=12,
    )

    login("priya", PASSWORD)
    page.goto(contract.get_absolute_url())
    notices = page.locator("#procurement-change-notice")
    assert "by 31 May 2027" in notices.inner_text()
    page.locator("#procurement").screenshot(path=screenshot(page, "contract-procurement-change-due-1280"))
    notices.get_by_role("link", name="Record as published").click()
    page.get_by_label("Published on").fill("2026-11-20")
    page.get_by_label("Notice identifier").fill("2026/S 000-000777")
    page.get_by_role("button", name="Record as published").click()
    assert (
        "Contract change notice (UK10) recorded as published on 20 Nov 2026."
        in page.locator(".alert-success").inner_text()
    )
    assert NoticePublication.objects.get().change == change
    assert "2026/S 000-000777" in page.locator("#procurement-change-notice").inner_text()
    page.locator("#procurement").screenshot(path=screenshot(page, "contract-procurement-change-published-1280"))

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390px: {width}px wide"
    page.locator("#procurement").screenshot(path=screenshot(page, "contract-procurement-change-390"))
    page.goto(reverse("contracts:notice_list") + "?status=published")
    assert "LBB-EXTRA-2025" in page.locator("#notices").inner_text()
    page.screenshot(path=screenshot(page, "notices-change-390"), full_page=True)
