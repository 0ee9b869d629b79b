from datetime import date
from decimal import Decimal

from contracts.procurement import (
    ActNotices,
    Threshold,
    above_threshold,
    act_notices,
    contract_details_notice_due,
    kpi_duty_applies,
    legislation_for,
    termination_notice_due,
    threshold_on,
    under_procurement_act,
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


# --- the Act's notices, only for contracts procured under the Act --------------------------------

SUPPORT_AT_HOME_START = date(2024, 10, 1)
SUPPORT_AT_HOME_END = date(2029, 9, 30)


def _notices(legislation, route="light_touch"):
    return act_notices(legislation=legislation, route=route, signed=SUPPORT_AT_HOME_START, ended=SUPPORT_AT_HOME_END)


def test_support_at_home_under_pcr_2015_owes_none_of_the_acts_notices_and_no_kpi_duty():
    # £23.4m, light touch, procured before 24 Feb 2025: PCR 2015 until it ends.
    assert not under_procurement_act("pcr_2015")
    assert _notices("pcr_2015") is None
    assert not kpi_duty_applies(value=Decimal("23400000"), light_touch=True, framework=False, legislation="pcr_2015")


def test_the_same_contract_under_the_act_owes_both_notices_but_still_no_kpi_duty():
    notices = _notices("pa_2023")
    assert notices == ActNotices(details_days=120, details_due=date(2025, 1, 29), termination_due=date(2029, 10, 30))
    assert not kpi_duty_applies(value=Decimal("23400000"), light_touch=True, framework=False, legislation="pa_2023")


def test_an_open_tender_under_the_act_has_30_days_for_its_details_notice():
    notices = _notices("pa_2023", route="open_tender")
    assert (notices.details_days, notices.details_due) == (30, date(2024, 10, 31))
    assert notices.termination_due == date(2029, 10, 30)


def test_a_below_threshold_contract_under_the_act_owes_a_details_notice_but_no_termination_notice():
    notices = _notices("pa_2023", route="below_threshold")
    assert (notices.details_days, notices.termination_due) == (30, None)


def test_no_law_but_the_act_brings_its_notices():
    for legislation in ["pcr_2015", "psr", "none", "", None]:
        assert _notices(legislation) is None, legislation
        assert _notices(legislation, route="open_tender") is None, legislation
        assert not kpi_duty_applies(
            value=Decimal("9000000"), light_touch=False, framework=False, legislation=legislation
        ), legislation
