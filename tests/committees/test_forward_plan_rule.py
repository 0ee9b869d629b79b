"""The forward plan's rule: 28 clear days' notice of a key decision, published on
a working day, or one of the two urgency routes (SI 2012/2089 regs 9 to 11)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from committees.clock import WorkingDays, key_decision_notice_deadline
from committees.forward_plan import Notice, Route, check_key_decision_notice, key_decision_publication_deadline

ENGLAND = WorkingDays()


def by(decision, **kwargs):
    return key_decision_publication_deadline(decision, working_days=ENGLAND, **kwargs)


def check(decision, *notices, **kwargs):
    return check_key_decision_notice(decision, notices, working_days=ENGLAND, **kwargs)


@pytest.mark.parametrize(
    ("decision", "deadline"),
    [
        # 28 clear days (2 to 29 Nov) fall between Tue 1 Nov and Wed 30 Nov 2022: a working day already.
        (date(2022, 11, 30), date(2022, 11, 1)),
        # Counting back lands on Sun 25 Apr 2027: published by the Friday before.
        (date(2027, 5, 24), date(2027, 4, 23)),
        # Counting back lands on Mon 4 May 2026, the early May bank holiday: by Fri 1 May.
        (date(2026, 6, 2), date(2026, 5, 1)),
        # Counting back lands on Mon 27 Dec 2021, a bank holiday after the weekend: by Fri 24 Dec.
        (date(2022, 1, 26), date(2021, 12, 24)),
    ],
)
def test_the_last_day_to_publish_is_a_working_day(decision, deadline):
    assert by(decision) == deadline


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_the_deadline_leaves_28_clear_days_and_is_the_latest_working_day_that_does(decision):
    deadline = by(decision)
    assert ENGLAND.is_working_day(deadline)
    assert (decision - deadline).days - 1 >= 28
    later = deadline + timedelta(days=1)
    while later <= key_decision_notice_deadline(decision):
        assert not ENGLAND.is_working_day(later)
        later += timedelta(days=1)


def test_published_on_the_last_day_is_valid_and_a_day_later_is_not():
    decision = date(2026, 6, 2)
    on_time = check(decision, Notice(published_on=date(2026, 5, 1)))
    assert on_time.valid and on_time.route == Route.FORWARD_PLAN
    # Tue 5 May 2026 leaves 27 clear days; the bank holiday cannot be used either.
    for day in (date(2026, 5, 4), date(2026, 5, 5)):
        late = check(decision, Notice(published_on=day))
        assert not late.valid and late.route is None
        assert "after Fri 1 May 2026" in late.reason


def test_no_entry_is_no_notice():
    result = check(date(2022, 11, 30))
    assert not result.valid and result.reason == "No forward plan entry for this key decision."


def test_general_exception_needs_five_clear_days():
    decision = date(2022, 11, 30)  # Wednesday: 5 clear days back is Thu 24 Nov, a working day
    assert by(decision, clear_days=5) == date(2022, 11, 24)
    late_plan = dict(published_on=date(2022, 11, 10))
    valid = check(decision, Notice(**late_plan, general_exception_notice_on=date(2022, 11, 24)))
    assert valid.valid and valid.route == Route.GENERAL_EXCEPTION
    assert not check(decision, Notice(**late_plan, general_exception_notice_on=date(2022, 11, 25))).valid


def test_general_exception_over_a_bank_holiday():
    # Decision Thu 2 Jan 2025: 5 clear days back is Fri 27 Dec 2024, a working day.
    decision = date(2025, 1, 2)
    assert by(decision, clear_days=5) == date(2024, 12, 27)
    decision = date(2025, 1, 1)  # 5 clear days back is Thu 26 Dec, Boxing Day: by Tue 24 Dec
    assert by(decision, clear_days=5) == date(2024, 12, 24)
    assert check(decision, Notice(general_exception_notice_on=date(2024, 12, 24))).valid
    assert not check(decision, Notice(general_exception_notice_on=date(2024, 12, 27))).valid


def test_special_urgency_needs_the_chairs_agreement_by_the_decision():
    decision = date(2022, 11, 30)
    agreed = check(
        decision,
        Notice(
            special_urgency_agreed_by="Chair of the Adult Care and Health PDS Committee",
            special_urgency_agreed_on=decision,
        ),
    )
    assert agreed.valid and agreed.route == Route.SPECIAL_URGENCY
    assert "Chair of the Adult Care and Health PDS Committee" in agreed.reason
    # Agreement after the decision, or with nobody named, is none.
    assert not check(
        decision, Notice(special_urgency_agreed_by="Chair", special_urgency_agreed_on=date(2022, 12, 1))
    ).valid
    assert not check(decision, Notice(special_urgency_agreed_by=" ", special_urgency_agreed_on=decision)).valid


def test_any_entry_linked_may_carry_the_notice():
    decision = date(2022, 11, 30)
    result = check(decision, Notice(), Notice(published_on=date(2022, 10, 3)))
    assert result.valid and result.route == Route.FORWARD_PLAN
    unpublished = check(decision, Notice())
    assert not unpublished.valid and "not published" in unpublished.reason


def test_a_notice_dated_on_the_weekend_before_the_bank_holiday_is_late():
    # Sat 2 May 2026 would leave 30 clear days, but nothing is published on a Saturday:
    # it counts as published on Tue 5 May, after the bank holiday, so too late for Tue 2 Jun.
    assert not check(date(2026, 6, 2), Notice(published_on=date(2026, 5, 2))).valid
