from datetime import date
from decimal import Decimal

from contracts.procurement import (
    ActNotices,
    Threshold,
    above_threshold,
    act_notices,
    change_notice_required,
    contract_details_notice_due,
    kpi_duty_applies,
    legislation_for,
    payments_compliance_periods,
    performance_notice_due,
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


# --- the notices still to be recorded: the rules ------------------------------------------------


def test_a_performance_notice_is_due_twelve_months_after_the_last_one_or_at_the_end():
    start, end = date(2025, 6, 1), date(2030, 5, 31)
    assert performance_notice_due(kpi_duty=True, start=start, end=end, last_published=None) == date(2026, 6, 1)
    assert performance_notice_due(
        kpi_duty=True, start=start, end=end, last_published=date(2026, 5, 20), last_due=date(2026, 6, 1)
    ) == date(2027, 5, 20)
    # The last notice comes at the end, sooner than 12 months after the one before.
    assert performance_notice_due(kpi_duty=True, start=start, end=end, last_published=date(2029, 12, 1)) == end
    # Once the notice at the end is published, before or after the end, none is due.
    assert (
        performance_notice_due(kpi_duty=True, start=start, end=end, last_published=date(2030, 5, 20), last_due=end)
        is None
    )
    assert performance_notice_due(kpi_duty=True, start=start, end=end, last_published=date(2030, 6, 10)) is None
    # The end moved on (an option exercised) after the notice at the old end: 12 months on again.
    later = date(2032, 5, 31)
    assert performance_notice_due(
        kpi_duty=True, start=start, end=later, last_published=date(2030, 5, 20), last_due=end
    ) == date(2031, 5, 20)
    # Where no KPIs are required (light touch, frameworks, £5m or less), none is due.
    assert performance_notice_due(kpi_duty=False, start=start, end=end, last_published=None) is None


def _change(**overrides) -> bool:
    facts = {
        "legislation": "pa_2023",
        "route": "open_tender",
        "value_change": Decimal("100000"),
        "value": Decimal("1000000"),
        "term_change_months": 6,
        "maximum_term_months": 60,
    }
    return change_notice_required(**{**facts, **overrides})


def test_a_change_notice_is_owed_for_a_change_beyond_ten_percent_of_the_value_or_the_maximum_term():
    # 10% of £1m and 6 of 60 months: within both limits, no notice.
    assert not _change()
    assert _change(value_change=Decimal("100000.01"))
    assert _change(term_change_months=7)
    # A reduction counts by its size.
    assert _change(value_change=Decimal("-150000"))
    # Works: 15% of the value.
    assert not _change(value_change=Decimal("150000"), works=True)
    assert _change(value_change=Decimal("150000.01"), works=True)


def test_no_change_notice_for_light_touch_or_outside_the_act():
    assert not _change(route="light_touch", value_change=Decimal("900000"))
    assert not _change(legislation="pcr_2015", value_change=Decimal("900000"))
    assert not _change(legislation="psr", value_change=Decimal("900000"))


def test_payments_compliance_notices_fall_due_30_days_after_each_half_year_from_the_first_under_the_act():
    assert payments_compliance_periods(until=date(2025, 9, 29)) == []
    periods = payments_compliance_periods(until=date(2026, 11, 30))
    assert [(p.first_day, p.last_day, p.notice_due) for p in periods] == [
        (date(2025, 4, 1), date(2025, 9, 30), date(2025, 10, 30)),
        (date(2025, 10, 1), date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 4, 1), date(2026, 9, 30), date(2026, 10, 30)),
    ]
