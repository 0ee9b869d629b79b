from datetime import date
from decimal import Decimal

from contracts.procurement import (
    Threshold,
    above_threshold,
    contract_details_notice_due,
    kpi_duty_applies,
    legislation_for,
    termination_notice_due,
    threshold_on,
)

LIGHT_TOUCH = [Threshold(Decimal("663540"), date(2024, 1, 1)), Threshold(Decimal("663540"), date(2026, 1, 1))]


def test_the_light_touch_threshold_applies_from_its_date():
    assert threshold_on(LIGHT_TOUCH, date(2023, 12, 31)) is None
    assert threshold_on(LIGHT_TOUCH, date(2024, 1, 1)).amount == Decimal("663540")
    assert threshold_on(LIGHT_TOUCH, date(2026, 11, 22)).applies_from == date(2026, 1, 1)
    assert above_threshold(Decimal("663540"), LIGHT_TOUCH, date(2024, 6, 1)) is True
    assert above_threshold(Decimal("663539.99"), LIGHT_TOUCH, date(2024, 6, 1)) is False
    assert above_threshold(Decimal("1"), LIGHT_TOUCH, date(2023, 6, 1)) is None


def test_procurements_from_24_feb_2025_fall_under_the_procurement_act():
    assert legislation_for(date(2025, 2, 23)) == "pcr_2015"
    assert legislation_for(date(2025, 2, 24)) == "pa_2023"


def test_the_kpi_duty_needs_more_than_5m_and_not_light_touch_or_framework():
    # support@home: £23.4m but light touch, so no statutory duty.
    assert not kpi_duty_applies(value=Decimal("23400000"), light_touch=True, framework=False, legislation="pa_2023")
    assert kpi_duty_applies(value=Decimal("5000000.01"), light_touch=False, framework=False, legislation="pa_2023")
    assert not kpi_duty_applies(value=Decimal("5000000"), light_touch=False, framework=False, legislation="pa_2023")
    assert not kpi_duty_applies(value=Decimal("9000000"), light_touch=False, framework=True, legislation="pa_2023")
    assert not kpi_duty_applies(value=Decimal("9000000"), light_touch=False, framework=False, legislation="pcr_2015")


def test_notice_deadlines():
    assert contract_details_notice_due(date(2025, 3, 3), light_touch=False) == date(2025, 4, 2)
    assert contract_details_notice_due(date(2025, 3, 3), light_touch=True) == date(2025, 7, 1)
    assert termination_notice_due(date(2029, 9, 30)) == date(2029, 10, 30)
