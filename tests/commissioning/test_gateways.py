from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commissioning.projects.gateways import (
    GatewayRule,
    GatewayStatus,
    check_lead_times,
    current_gateway,
    due_date,
    gateway_status,
    next_gateway,
    plan,
    required_start,
)

DEFAULT_RULES = [
    GatewayRule(0, "Gateway 0", 24),
    GatewayRule(1, "Gateway 1", 18),
    GatewayRule(2, "Gateway 2", 6),
    GatewayRule(3, "Gateway 3", None),
]
SUPPORT_AT_HOME_START = date(2024, 10, 1)
GATEWAY_0_TAKEN = date(2022, 6, 29)  # Executive, ACH22-018
GATEWAY_1_TAKEN = date(2022, 11, 30)  # Executive, ACH22-035


def _support_at_home(today):
    passed = {number: day for number, day in {0: GATEWAY_0_TAKEN, 1: GATEWAY_1_TAKEN}.items() if day <= today}
    return {p.rule.number: p for p in plan(DEFAULT_RULES, passed, required=SUPPORT_AT_HOME_START, today=today)}


def test_required_start_is_the_day_after_the_latest_final_end():
    # support@home replaces two contracts that both end on 30 Sep 2024.
    assert required_start([date(2024, 9, 30), date(2024, 9, 30)]) == SUPPORT_AT_HOME_START
    assert required_start([date(2024, 9, 30), date(2025, 3, 31)]) == date(2025, 4, 1)
    with pytest.raises(ValueError):
        required_start([])


def test_support_at_home_due_dates_match_domain_md():
    plans = _support_at_home(date(2026, 11, 22))
    assert plans[0].due == date(2022, 10, 1)
    assert plans[1].due == date(2023, 4, 1)
    assert plans[2].due == date(2024, 4, 1)
    assert plans[3].due is None
    assert plans[0].on_time is True  # taken 29 Jun 2022
    assert plans[1].on_time is True  # taken 30 Nov 2022


@pytest.mark.parametrize(
    ("today", "expected", "current", "following"),
    [
        (date(2022, 5, 1), ["on_track", "on_track", "on_track", "not_planned"], None, 0),
        (date(2022, 6, 29), ["done", "on_track", "on_track", "not_planned"], 0, 1),
        (date(2022, 9, 1), ["done", "on_track", "on_track", "not_planned"], 0, 1),
        (date(2023, 2, 15), ["done", "done", "on_track", "not_planned"], 1, 2),
        (date(2024, 2, 15), ["done", "done", "due_soon", "not_planned"], 1, 2),
        (date(2024, 4, 2), ["done", "done", "overdue", "not_planned"], 1, 2),
    ],
)
def test_support_at_home_statuses_on_several_days(today, expected, current, following):
    plans = _support_at_home(today)
    assert [plans[n].status for n in range(4)] == expected
    found = current_gateway(list(plans.values()))
    assert (found.rule.number if found else None) == current
    assert next_gateway(list(plans.values())).rule.number == following


def test_a_gateway_not_taken_by_its_due_date_is_overdue():
    plans = {
        p.rule.number: p
        for p in plan(DEFAULT_RULES, {0: GATEWAY_0_TAKEN}, required=SUPPORT_AT_HOME_START, today=date(2023, 4, 2))
    }
    assert plans[1].status == GatewayStatus.OVERDUE
    assert plans[1].rag == "red"


def test_due_soon_means_within_60_days():
    due = date(2024, 4, 1)
    assert gateway_status(due, None, today=date(2024, 1, 31)) == "on_track"  # 61 days to go
    assert gateway_status(due, None, today=date(2024, 2, 1)) == "due_soon"  # 60 days to go
    assert gateway_status(due, None, today=due) == "due_soon"


def test_due_dates_count_back_to_the_last_day_of_a_short_month():
    assert due_date(date(2025, 8, 31), 6) == date(2025, 2, 28)


def test_lead_times_that_put_gateway_1_before_gateway_0_are_refused():
    with pytest.raises(ValueError, match="Gateway 1 \\(30 months before the start\\) would fall due before Gateway 0"):
        check_lead_times([GatewayRule(0, "Gateway 0", 24), GatewayRule(1, "Gateway 1", 30)])
    check_lead_times(DEFAULT_RULES)


@given(
    required=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
    leads=st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=6),
)
def test_sorted_lead_times_give_due_dates_in_gateway_order(required, leads):
    rules = [GatewayRule(n, f"Gateway {n}", lead) for n, lead in enumerate(sorted(leads, reverse=True))]
    check_lead_times(rules)
    dues = [p.due for p in plan(rules, {}, required=required, today=required)]
    assert dues == sorted(dues)
    assert all(due <= required for due in dues)
