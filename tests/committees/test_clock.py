from datetime import date, datetime, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from committees.clock import (
    CallIn,
    CallInStatus,
    WorkingDays,
    agenda_publication_deadline,
    agenda_was_late,
    call_in,
    call_in_end,
    call_in_status,
    key_decision_notice_deadline,
)

# England and Wales bank holidays, shared by the whole module: years load lazily.
ENGLAND = WorkingDays()

dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
clear_days = st.integers(min_value=0, max_value=15)
call_in_lengths = st.integers(min_value=1, max_value=15)
# Any calendar at all, to check the counting rules do not depend on real bank holidays.
calendars = st.frozensets(st.dates(min_value=date(2019, 10, 1), max_value=date(2031, 3, 31)), max_size=60).map(
    WorkingDays
)


def working_days_between(calendar, a, b):
    """How many working days fall strictly between `a` and `b`, counted one by one."""
    return sum(calendar.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days))


def deadline(meeting, **kwargs):
    return agenda_publication_deadline(meeting, working_days=ENGLAND, **kwargs)


# Working days


def test_it_uses_england_and_wales_bank_holidays():
    # Christmas 2022 fell on a Sunday: Boxing Day Monday, Christmas Day observed
    # Tuesday; New Year's Day 2023 was a Sunday, observed Monday 2 January.
    for bank_holiday in (date(2022, 12, 26), date(2022, 12, 27), date(2023, 1, 2)):
        assert not ENGLAND.is_working_day(bank_holiday)
    assert ENGLAND.is_working_day(date(2022, 12, 28))
    # 3 January is a bank holiday in Scotland only.
    assert ENGLAND.is_working_day(date(2023, 1, 3))
    # 12 July (Battle of the Boyne) is a bank holiday in Northern Ireland only.
    assert ENGLAND.is_working_day(date(2023, 7, 12))


def test_wales_has_the_same_bank_holidays_as_england():
    years = range(2000, 2040)
    england = holidays.country_holidays("GB", subdiv="ENG", years=years)
    wales = holidays.country_holidays("GB", subdiv="WLS", years=years)
    assert set(england) == set(wales)


def test_it_loads_any_year_when_asked():
    calendar = WorkingDays()
    assert not calendar.is_working_day(date(2041, 12, 25))  # a Wednesday
    assert not calendar.is_working_day(date(1999, 5, 31))  # spring bank holiday, a Monday
    assert calendar.is_working_day(date(2041, 12, 27))


def test_it_does_not_count_weekends():
    assert ENGLAND.is_working_day(date(2022, 12, 2))  # Friday
    assert not ENGLAND.is_working_day(date(2022, 12, 3))
    assert not ENGLAND.is_working_day(date(2022, 12, 4))
    assert ENGLAND.is_working_day(date(2022, 12, 5))  # Monday


def test_it_takes_an_explicit_holiday_set():
    # A council closure day on Thursday 24 November 2022, and nothing else.
    calendar = WorkingDays({date(2022, 11, 24)})
    assert not calendar.is_working_day(date(2022, 11, 24))
    assert calendar.is_working_day(date(2022, 12, 26))  # not a holiday in this calendar
    assert calendar.add(date(2022, 11, 23), 1) == date(2022, 11, 25)
    # 29, 28, 25, 23 and 22 November are the five clear days.
    assert agenda_publication_deadline(date(2022, 11, 30), working_days=calendar) == date(2022, 11, 21)


def test_with_no_holidays_christmas_is_a_working_week():
    calendar = WorkingDays(())
    # 2 Jan, 30, 29, 28 and 27 Dec are clear; compare 21 Dec with bank holidays below.
    assert agenda_publication_deadline(date(2023, 1, 3), working_days=calendar) == date(2022, 12, 26)


def test_it_keeps_a_holidays_object_lazy():
    # Iterating an empty-years object would give no dates at all.
    calendar = WorkingDays(holidays.country_holidays("GB", subdiv="ENG"))
    assert not calendar.is_working_day(date(2022, 12, 27))


def test_add_subtract_and_next_working_day():
    assert ENGLAND.add(date(2022, 12, 23), 1) == date(2022, 12, 28)
    assert ENGLAND.next_working_day(date(2022, 12, 23)) == date(2022, 12, 28)
    assert ENGLAND.subtract(date(2022, 12, 28), 1) == date(2022, 12, 23)
    assert ENGLAND.add(date(2022, 12, 3), 0) == date(2022, 12, 3)  # n=0: the day itself
    assert ENGLAND.subtract(date(2022, 12, 3), 0) == date(2022, 12, 3)
    assert ENGLAND.next_working_day(date(2022, 12, 3)) == date(2022, 12, 5)  # from a Saturday


def test_it_rejects_bad_arguments():
    with pytest.raises(ValueError, match="at least 0"):
        ENGLAND.add(date(2022, 12, 2), -1)
    with pytest.raises(ValueError, match="at least 0"):
        ENGLAND.subtract(date(2022, 12, 2), -1)
    with pytest.raises(TypeError, match="must be a date"):
        ENGLAND.is_working_day(datetime(2022, 12, 27, 9, 0))
    with pytest.raises(TypeError, match="must be a date"):
        WorkingDays(["2022-12-27"])
    with pytest.raises(TypeError, match="whole number"):
        ENGLAND.add(date(2022, 12, 2), 1.5)


# Agenda publication (Local Government Act 1972 s100B)


@pytest.mark.parametrize(
    "meeting, publish_by",
    [
        # docs/domain.md: 23, 24, 25, 28 and 29 November are the clear days.
        (date(2022, 11, 30), date(2022, 11, 22)),
        # docs/domain.md: 26, 27 Dec and 2 Jan are bank holidays, so the clear days
        # are 30, 29, 28, 23 and 22 December.
        (date(2023, 1, 3), date(2022, 12, 21)),
        # A Monday meeting: Fri 2, Thu 1, Wed 30, Tue 29 and Mon 28 are clear,
        # so the agenda goes out by the Friday a week and a half before.
        (date(2022, 12, 5), date(2022, 11, 25)),
        # Easter 2023: Good Friday 7 April and Easter Monday 10 April are bank
        # holidays. For a meeting on Thursday 13 April the clear days are Wed 12,
        # Tue 11, then (skipping Mon 10, the weekend and Fri 7) Thu 6, Wed 5 and
        # Tue 4, so the agenda must be out by Monday 3 April 2023.
        (date(2023, 4, 13), date(2023, 4, 3)),
    ],
)
def test_agenda_publication_deadline(meeting, publish_by):
    assert deadline(meeting) == publish_by
    assert not agenda_was_late(meeting, publish_by, working_days=ENGLAND)
    assert agenda_was_late(meeting, ENGLAND.next_working_day(publish_by), working_days=ENGLAND)


def test_a_weekend_publication_counts_from_the_next_working_day():
    # Meeting Monday 5 December 2022, deadline Friday 25 November. Counting alone
    # would allow Saturday 26 November (28 Nov to 2 Dec are five clear working
    # days), but documents on a weekend are open to inspection from Monday 28.
    assert agenda_was_late(date(2022, 12, 5), date(2022, 11, 26), working_days=ENGLAND)
    assert not agenda_was_late(date(2022, 12, 5), date(2022, 11, 19), working_days=ENGLAND)


def test_a_publication_on_or_after_the_meeting_is_late():
    assert agenda_was_late(date(2022, 11, 30), date(2022, 11, 30), working_days=ENGLAND)
    assert agenda_was_late(date(2022, 11, 30), date(2022, 12, 1), working_days=ENGLAND)
    assert agenda_was_late(date(2022, 11, 30), date(2022, 11, 30), clear_days=0, working_days=ENGLAND)


def test_clear_days_is_a_setting():
    assert deadline(date(2022, 11, 30), clear_days=3) == date(2022, 11, 24)
    assert deadline(date(2022, 11, 30), clear_days=0) == date(2022, 11, 29)


def test_agenda_deadline_rejects_negative_clear_days():
    with pytest.raises(ValueError, match="clear days must be at least 0"):
        deadline(date(2022, 11, 30), clear_days=-1)


@settings(max_examples=150)
@given(meeting=dates, clear=clear_days)
def test_the_deadline_leaves_exactly_the_clear_days(meeting, clear):
    publish_by = deadline(meeting, clear_days=clear)
    assert ENGLAND.is_working_day(publish_by)
    assert publish_by < meeting
    assert working_days_between(ENGLAND, publish_by, meeting) == clear
    assert not agenda_was_late(meeting, publish_by, clear_days=clear, working_days=ENGLAND)
    # One working day later is too late.
    later = ENGLAND.next_working_day(publish_by)
    assert agenda_was_late(meeting, later, clear_days=clear, working_days=ENGLAND)


@settings(max_examples=150)
@given(meeting=dates, published=dates, clear=clear_days)
def test_late_means_too_few_clear_days_from_the_day_documents_are_available(meeting, published, clear):
    available = published if ENGLAND.is_working_day(published) else ENGLAND.next_working_day(published)
    in_time = available < meeting and working_days_between(ENGLAND, available, meeting) >= clear
    assert agenda_was_late(meeting, published, clear_days=clear, working_days=ENGLAND) == (not in_time)


# Key decision notices (SI 2012/2089 reg 9)


def test_key_decision_notice_deadline():
    # docs/domain.md: 2 to 29 November are the 28 clear days.
    assert key_decision_notice_deadline(date(2022, 11, 30)) == date(2022, 11, 1)
    # Calendar days: weekends and bank holidays count. 4 Jan back 29 days is 6 Dec.
    assert key_decision_notice_deadline(date(2023, 1, 4)) == date(2022, 12, 6)
    assert key_decision_notice_deadline(date(2022, 11, 30), clear_days=0) == date(2022, 11, 29)


def test_key_decision_notice_rejects_negative_clear_days():
    with pytest.raises(ValueError, match="clear days must be at least 0"):
        key_decision_notice_deadline(date(2022, 11, 30), clear_days=-28)


@given(decision=dates, clear=st.integers(min_value=0, max_value=60))
def test_key_decision_notice_leaves_exactly_the_clear_days(decision, clear):
    notice_by = key_decision_notice_deadline(decision, clear_days=clear)
    days_strictly_between = (decision - notice_by).days - 1
    assert days_strictly_between == clear


# Call-in


@pytest.mark.parametrize(
    "published, ends, implement_from",
    [
        # docs/domain.md: 5, 6, 7, 8 and 9 December; implement from Monday 12.
        (date(2022, 12, 2), date(2022, 12, 9), date(2022, 12, 12)),
        # docs/domain.md: 22, 23, 28, 29 and 30 December; then the weekend and the
        # 2 January bank holiday, so implement from Tuesday 3 January 2023.
        (date(2022, 12, 21), date(2022, 12, 30), date(2023, 1, 3)),
        # Easter 2023: published Thursday 6 April; 11, 12, 13, 14 and 17 April
        # (Good Friday 7 and Easter Monday 10 skipped); implement from Tuesday 18.
        (date(2023, 4, 6), date(2023, 4, 17), date(2023, 4, 18)),
    ],
)
def test_call_in_period(published, ends, implement_from):
    assert call_in_end(published, working_days=ENGLAND) == ends
    assert call_in(published, working_days=ENGLAND) == CallIn(
        published=published, ends=ends, first_implementation_day=implement_from, urgent=False
    )


def test_an_urgent_decision_is_exempt_from_call_in():
    published = date(2022, 12, 21)
    urgent = call_in(published, urgent=True, working_days=ENGLAND)
    assert urgent == CallIn(published=published, ends=None, first_implementation_day=published, urgent=True)
    assert call_in_status(urgent, today=published) == "exempt"
    assert call_in_status(urgent, today=date(2023, 6, 1)) == CallInStatus.EXEMPT


def test_call_in_status_on_each_day():
    decision = call_in(date(2022, 12, 2), working_days=ENGLAND)
    assert call_in_status(decision, today=date(2022, 12, 2)) == "open"
    assert call_in_status(decision, today=date(2022, 12, 9)) == "open"  # the last day is in
    assert call_in_status(decision, today=date(2022, 12, 10)) == "ended"
    assert call_in_status(decision, today=date(2022, 12, 12)) == "ended"


def test_the_call_in_period_is_a_setting():
    assert call_in_end(date(2022, 12, 2), working_days_count=10, working_days=ENGLAND) == date(2022, 12, 16)
    assert call_in_end(date(2022, 12, 2), working_days_count=1, working_days=ENGLAND) == date(2022, 12, 5)


def test_call_in_rejects_a_period_shorter_than_a_day():
    with pytest.raises(ValueError, match="at least 1"):
        call_in_end(date(2022, 12, 2), working_days_count=0, working_days=ENGLAND)
    with pytest.raises(ValueError, match="at least 1"):
        call_in(date(2022, 12, 2), urgent=True, working_days_count=-5, working_days=ENGLAND)


def test_a_call_in_must_match_its_urgency():
    published = date(2022, 12, 2)
    with pytest.raises(ValueError, match="urgent"):
        CallIn(published=published, ends=date(2022, 12, 9), first_implementation_day=published, urgent=True)
    with pytest.raises(ValueError, match="urgent"):
        CallIn(published=published, ends=None, first_implementation_day=date(2022, 12, 12), urgent=False)


@settings(max_examples=150)
@given(published=dates, length=call_in_lengths)
def test_call_in_ends_on_the_nth_working_day(published, length):
    ends = call_in_end(published, working_days_count=length, working_days=ENGLAND)
    assert ENGLAND.is_working_day(ends)
    assert ends > published
    # The end is the nth working day: n - 1 of them lie strictly between,
    # whether or not the decision went out on a working day.
    assert working_days_between(ENGLAND, published, ends) == length - 1
    decision = call_in(published, working_days_count=length, working_days=ENGLAND)
    implement_from = decision.first_implementation_day
    assert ENGLAND.is_working_day(implement_from)
    # Nothing can be done on a working day between the end and implementation.
    assert implement_from > ends and working_days_between(ENGLAND, ends, implement_from) == 0
    assert call_in_status(decision, today=ends) == "open"
    assert call_in_status(decision, today=ends + timedelta(days=1)) == "ended"


# Working-day arithmetic for any calendar


@settings(max_examples=100)
@given(calendar=calendars, d=dates, m=st.integers(0, 20), n=st.integers(0, 20))
def test_adding_working_days_composes(calendar, d, m, n):
    assert calendar.add(calendar.add(d, m), n) == calendar.add(d, m + n)
    assert calendar.subtract(calendar.subtract(d, m), n) == calendar.subtract(d, m + n)


@settings(max_examples=100)
@given(calendar=calendars, d=dates, n=st.integers(1, 20))
def test_subtract_undoes_add_from_a_working_day(calendar, d, n):
    later = calendar.add(d, n)
    assert calendar.is_working_day(later)
    assert working_days_between(calendar, d, later) == n - 1
    start = d if calendar.is_working_day(d) else calendar.next_working_day(d)
    assert calendar.subtract(calendar.add(start, n), n) == start


def test_counting_stops_at_the_ends_of_what_a_date_can_hold():
    # Entered dates are kept to 1990-2100; a record from before that rule must not break a page.
    calendar = WorkingDays(())
    assert calendar.add(date.max, 5) == date.max
    assert calendar.subtract(date.min, 5) == date.min
    assert key_decision_notice_deadline(date.min, clear_days=28) == date.min
    assert key_decision_notice_deadline(date(1, 2, 1), clear_days=28) == date(1, 1, 3)
