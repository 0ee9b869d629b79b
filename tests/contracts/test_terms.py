from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.money import financial_year_label, financial_year_of
from contracts.terms import (
    ContractStatus,
    Decision,
    OptionStatus,
    Period,
    TermError,
    format_term,
    months_before,
    months_between,
    next_start,
    parse_term,
    period_end,
    periods,
    schedule,
)

AVAILABLE = OptionStatus.AVAILABLE
EXERCISED = OptionStatus.EXERCISED
DECLINED = OptionStatus.DECLINED
LAPSED = OptionStatus.LAPSED

# support@home: 5+2+2 from 1 October 2024 (seed 000).
SUPPORT_AT_HOME_START = date(2024, 10, 1)
SUPPORT_AT_HOME_TERM = (60, 24, 24)

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
terms = st.lists(st.integers(min_value=1, max_value=180), min_size=1, max_size=10)


def support_at_home(statuses=(AVAILABLE, AVAILABLE), *, today):
    return schedule(SUPPORT_AT_HOME_START, SUPPORT_AT_HOME_TERM, statuses, today=today)


# Reading and writing terms


@pytest.mark.parametrize(
    "text, months",
    [
        ("5+2+2", (60, 24, 24)),
        ("5 + 2 + 2", (60, 24, 24)),
        ("  5+2+2  ", (60, 24, 24)),
        ("3+2", (36, 24)),
        ("18m+6m", (18, 6)),
        ("18M+6m", (18, 6)),
        ("3y+2y", (36, 24)),
        ("3Y + 2y", (36, 24)),
        ("1m+1m+1m", (1, 1, 1)),
        ("5", (60,)),
        ("1y+6m", (12, 6)),
        ("3+2+2, maximum 7 years", (36, 24, 24)),
        ("3+2+2 maximum 7 years", (36, 24, 24)),
        ("3+2+2, Maximum 8 years", (36, 24, 24)),
        ("3+2+2 (max 84 months)", (36, 24, 24)),
        ("5 years + 2 years", (60, 24)),
        ("18 months + 6 months", (18, 6)),
    ],
)
def test_it_reads_terms_in_years_and_months(text, months):
    assert parse_term(text) == months


def test_it_explains_a_term_it_cannot_read():
    with pytest.raises(TermError) as raised:
        parse_term("5+x")

    assert str(raised.value) == 'Cannot read the term "5+x": write it like 5+2+2 or 18m+6m.'


@pytest.mark.parametrize(
    "text",
    ["", "   ", "5+x", "+", "5++2", "5+2+", "five", "5.5+2", "-5+2", "5w+2", "5+2, maximum", "5*2"],
)
def test_it_rejects_terms_it_cannot_read(text):
    with pytest.raises(TermError):
        parse_term(text)


def test_it_rejects_a_part_of_zero_months():
    with pytest.raises(TermError, match="at least one month"):
        parse_term("0+2")


def test_it_rejects_more_than_ten_parts():
    assert len(parse_term("+".join(["1"] * 10))) == 10
    with pytest.raises(TermError, match="at most 10"):
        parse_term("+".join(["1"] * 11))


def test_it_rejects_a_term_longer_than_its_maximum():
    with pytest.raises(TermError) as raised:
        parse_term("3+2+2, maximum 6 years")

    assert str(raised.value) == (
        'The term "3+2+2, maximum 6 years" adds up to 7 years, more than its maximum of 6 years.'
    )


def test_a_term_error_is_a_value_error():
    assert issubclass(TermError, ValueError)


@pytest.mark.parametrize(
    "months, text",
    [
        ((60, 24, 24), "5+2+2"),
        ((36, 24), "3+2"),
        ((18, 6), "18m+6m"),
        ((12, 6), "12m+6m"),
        ((1, 1, 1), "1m+1m+1m"),
        ((84,), "7"),
    ],
)
def test_it_writes_terms_in_years_unless_a_part_is_not_whole_years(months, text):
    assert format_term(months) == text


@settings(max_examples=100)
@given(terms)
def test_format_then_parse_gives_the_same_months(months):
    assert parse_term(format_term(months)) == tuple(months)


# The period rule


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2024, 10, 1), 60, date(2029, 10, 1)),
        (date(2025, 1, 31), 1, date(2025, 3, 1)),  # no 31 February: the 1st of March
        (date(2025, 3, 31), 1, date(2025, 5, 1)),  # no 31 April
        (date(2024, 2, 29), 12, date(2025, 3, 1)),  # no 29 February 2025
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 11, 15), 2, date(2025, 1, 15)),
        (date(2024, 5, 6), 0, date(2024, 5, 6)),
    ],
)
def test_next_start_is_the_same_day_or_the_first_of_the_month_after(start, months, expected):
    assert next_start(start, months) == expected


def test_period_end_is_the_day_before_the_next_start():
    assert period_end(date(2024, 10, 1), 60) == date(2029, 9, 30)
    assert period_end(date(2025, 1, 31), 1) == date(2025, 2, 28)


# docs/domain.md, "Contract terms": the table of periods, row by row.
@pytest.mark.parametrize(
    "start, term, expected",
    [
        (
            date(2024, 10, 1),
            "5+2+2",
            [
                (date(2024, 10, 1), date(2029, 9, 30)),
                (date(2029, 10, 1), date(2031, 9, 30)),
                (date(2031, 10, 1), date(2033, 9, 30)),
            ],
        ),
        (
            date(2019, 7, 1),
            "3+2+2",
            [
                (date(2019, 7, 1), date(2022, 6, 30)),
                (date(2022, 7, 1), date(2024, 6, 30)),
                (date(2024, 7, 1), date(2026, 6, 30)),
            ],
        ),
        (
            date(2019, 10, 1),
            "3+2",
            [
                (date(2019, 10, 1), date(2022, 9, 30)),
                (date(2022, 10, 1), date(2024, 9, 30)),
            ],
        ),
        (
            date(2025, 1, 31),
            "1m+1m+1m",
            [
                (date(2025, 1, 31), date(2025, 2, 28)),
                (date(2025, 3, 1), date(2025, 3, 31)),
                (date(2025, 4, 1), date(2025, 4, 30)),
            ],
        ),
        (
            date(2024, 2, 29),
            "1+1+1",
            [
                (date(2024, 2, 29), date(2025, 2, 28)),
                (date(2025, 3, 1), date(2026, 2, 28)),
                (date(2026, 3, 1), date(2027, 2, 28)),
            ],
        ),
    ],
)
def test_periods_match_the_domain_table(start, term, expected):
    parts = parse_term(term)

    result = periods(start, parts)

    assert [(period.start, period.end) for period in result] == expected
    assert [period.months for period in result] == list(parts)


def test_the_support_at_home_initial_term_is_word_for_word_seed_000():
    assert periods(date(2024, 10, 1), [60])[0] == Period(start=date(2024, 10, 1), end=date(2029, 9, 30), months=60)


def test_the_first_year_of_the_mhfss_extension_is_2022_23():
    extension = periods(date(2019, 10, 1), parse_term("3+2"))[1]

    assert financial_year_label(financial_year_of(extension.start)) == "2022/23"


def test_each_period_is_computed_from_its_own_start():
    # 31 Jan + 2 months from the start would be 31 March; the option starts 1 March.
    first, second = periods(date(2025, 1, 31), [1, 2])

    assert second.start == date(2025, 3, 1)
    assert second.end == date(2025, 4, 30)


def test_it_rejects_empty_or_zero_length_parts():
    with pytest.raises(ValueError):
        periods(date(2024, 1, 1), [])
    with pytest.raises(ValueError):
        periods(date(2024, 1, 1), [12, 0])


@settings(max_examples=150)
@given(dates, terms)
def test_periods_tile_with_no_gap_or_overlap(start, parts):
    result = periods(start, parts)

    assert result[0].start == start
    assert [period.months for period in result] == parts
    for period in result:
        assert period.start <= period.end
        assert period.end == next_start(period.start, period.months) - timedelta(days=1)
    for previous, following in zip(result, result[1:]):
        assert following.start == previous.end + timedelta(days=1)


# Counting back: decision deadlines and gateway due dates


@pytest.mark.parametrize(
    "d, months, expected",
    [
        (date(2029, 9, 30), 6, date(2029, 3, 30)),
        (date(2025, 8, 30), 6, date(2025, 2, 28)),
        (date(2024, 10, 1), 24, date(2022, 10, 1)),  # Gateway 0 for support@home
        (date(2024, 10, 1), 18, date(2023, 4, 1)),  # Gateway 1 for support@home
        (date(2024, 10, 1), 6, date(2024, 4, 1)),  # Gateway 2 (mobilisation)
        (date(2024, 8, 31), 6, date(2024, 2, 29)),
        (date(2025, 3, 31), 1, date(2025, 2, 28)),
        (date(2025, 1, 15), 1, date(2024, 12, 15)),
        (date(2025, 1, 15), 0, date(2025, 1, 15)),
    ],
)
def test_months_before_is_the_same_day_or_the_last_day_of_that_month(d, months, expected):
    assert months_before(d, months) == expected


@settings(max_examples=150)
@given(dates, st.integers(min_value=0, max_value=240))
def test_months_before_lands_in_the_month_that_many_months_earlier(d, months):
    result = months_before(d, months)

    assert result <= d
    assert (d.year * 12 + d.month) - (result.year * 12 + result.month) == months
    # Either the same day, or the last day of a month too short to have it.
    assert result.day == d.day or (result + timedelta(days=1)).day == 1 < result.day < d.day
    if d.day <= 28:
        assert next_start(result, months) == d
        assert months_before(next_start(d, months), months) == d


@pytest.mark.parametrize(
    ("d", "months", "expected"),
    [
        (date.min, 24, date.min),
        (date(1, 6, 15), 12, date.min),
        (date(1, 6, 15), 5, date(1, 1, 15)),
    ],
)
def test_months_before_stops_at_the_first_day_a_date_can_hold(d, months, expected):
    # Entered dates are checked, but a record from before then must not break a page.
    assert months_before(d, months) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date.max, 1, date.max),
        (date(9999, 6, 15), 12, date.max),
        (date(9999, 12, 31), 0, date(9999, 12, 31)),
        (date(9999, 11, 30), 1, date(9999, 12, 30)),
        (date(9999, 10, 31), 1, date(9999, 12, 1)),  # 31 Nov does not exist
    ],
)
def test_next_start_stops_at_the_last_day_a_date_can_hold(start, months, expected):
    assert next_start(start, months) == expected


# Schedules: options, dates and status on a day


def test_support_at_home_on_its_first_day():
    result = support_at_home(today=date(2024, 10, 1))

    assert result.initial_end == date(2029, 9, 30)
    assert result.current_end == date(2029, 9, 30)
    assert result.final_end == date(2033, 9, 30)
    assert result.option_statuses == (AVAILABLE, AVAILABLE)
    assert result.next_option == 1
    assert result.next_decision_deadline == date(2029, 3, 30)
    assert result.next_option_late is False
    assert result.status == "live"
    assert result.committed_months == 60
    assert result.included_months == 108
    assert len(result.periods) == 3


def test_it_is_not_started_before_the_start():
    result = support_at_home(today=date(2024, 9, 30))

    assert result.status == ContractStatus.NOT_STARTED == "not_started"
    assert result.next_option == 1


def test_an_option_is_late_after_its_deadline_but_still_open():
    on_deadline = support_at_home(today=date(2029, 3, 30))
    day_after = support_at_home(today=date(2029, 3, 31))

    assert on_deadline.next_option_late is False
    assert day_after.next_option_late is True
    assert day_after.option_statuses == (AVAILABLE, AVAILABLE)
    assert day_after.final_end == date(2033, 9, 30)
    assert day_after.status == "live"


def test_an_option_is_still_open_on_the_last_day_of_the_current_end():
    result = support_at_home(today=date(2029, 9, 30))

    assert result.option_statuses == (AVAILABLE, AVAILABLE)
    assert result.next_option_late is True
    assert result.status == "live"


def test_an_option_lapses_on_the_day_after_the_current_end_without_a_decision():
    result = support_at_home(today=date(2029, 10, 1))

    assert result.option_statuses == (LAPSED, LAPSED)
    assert result.final_end == date(2029, 9, 30)
    assert result.current_end == date(2029, 9, 30)
    assert result.next_option is None
    assert result.next_decision_deadline is None
    assert result.next_option_late is False
    assert result.included_months == 60
    assert result.status == "expired"


def test_declining_an_option_closes_the_ones_after_it():
    result = support_at_home((DECLINED, AVAILABLE), today=date(2028, 1, 1))

    assert result.option_statuses == (DECLINED, DECLINED)
    assert result.final_end == date(2029, 9, 30)
    assert result.included_months == 60
    assert result.next_option is None
    assert result.status == "final_term"


def test_a_lapsed_option_closes_the_ones_after_it_as_lapsed():
    # Nothing decided: option 1 lapses the day after the initial term ends, and closes option 2 with it.
    result = support_at_home((AVAILABLE, AVAILABLE), today=date(2029, 10, 1))

    assert result.option_statuses == (LAPSED, LAPSED)


def test_a_lapse_cannot_be_recorded():
    with pytest.raises(ValueError, match="a lapse follows from the date"):
        support_at_home((LAPSED, AVAILABLE), today=date(2029, 9, 1))
    with pytest.raises(ValueError, match="a lapse follows from the date"):
        Decision(LAPSED, date(2029, 10, 1))


def test_declining_a_later_option_keeps_the_earlier_one_open():
    result = support_at_home((AVAILABLE, DECLINED), today=date(2028, 1, 1))

    assert result.option_statuses == (AVAILABLE, DECLINED)
    assert result.final_end == date(2031, 9, 30)
    assert result.included_months == 84
    assert result.next_option == 1
    assert result.status == "live"


def test_exercising_the_first_option_moves_the_current_end_and_the_next_deadline():
    result = support_at_home((EXERCISED, AVAILABLE), today=date(2030, 1, 1))

    assert result.current_end == date(2031, 9, 30)
    assert result.final_end == date(2033, 9, 30)
    assert result.committed_months == 84
    assert result.included_months == 108
    assert result.next_option == 2
    assert result.next_decision_deadline == date(2031, 3, 30)
    assert result.status == "live"


def test_the_second_option_lapses_on_the_day_after_the_first_ends():
    last_day = support_at_home((EXERCISED, AVAILABLE), today=date(2031, 9, 30))
    day_after = support_at_home((EXERCISED, AVAILABLE), today=date(2031, 10, 1))

    assert last_day.option_statuses == (EXERCISED, AVAILABLE)
    assert last_day.next_option_late is True
    assert day_after.option_statuses == (EXERCISED, LAPSED)
    assert day_after.status == "expired"
    assert day_after.final_end == date(2031, 9, 30)


def test_it_is_in_its_final_term_once_every_option_is_exercised():
    in_final_term = support_at_home((EXERCISED, EXERCISED), today=date(2033, 9, 30))
    expired = support_at_home((EXERCISED, EXERCISED), today=date(2033, 10, 1))

    assert in_final_term.status == ContractStatus.FINAL_TERM
    assert in_final_term.current_end == in_final_term.final_end == date(2033, 9, 30)
    assert in_final_term.committed_months == 108
    assert expired.status == ContractStatus.EXPIRED


def test_option_deadlines_assume_the_earlier_options_are_taken():
    result = support_at_home(today=date(2024, 10, 1))

    assert result.option_deadline(1) == date(2029, 3, 30)
    assert result.option_deadline(2) == date(2031, 3, 30)
    with pytest.raises(ValueError):
        result.option_deadline(3)
    with pytest.raises(ValueError):
        result.option_deadline(0)


def test_the_deadline_counts_back_to_the_last_day_of_a_short_month():
    # 1+1 from 31 August 2024: the initial term ends 30 August 2025.
    result = schedule(date(2024, 8, 31), (12, 12), (AVAILABLE,), today=date(2024, 9, 1))

    assert result.current_end == date(2025, 8, 30)
    assert result.next_decision_deadline == date(2025, 2, 28)


def test_the_notice_period_is_a_setting():
    result = schedule(date(2024, 10, 1), (60, 24, 24), (AVAILABLE, AVAILABLE), today=date(2029, 1, 1), notice_months=9)

    assert result.next_decision_deadline == date(2028, 12, 30)
    assert result.next_option_late is True
    assert result.option_deadline(2) == date(2030, 12, 30)


def test_a_5_3_2_term_from_1_august_2026_ends_31_july_2036():
    result = schedule(date(2026, 8, 1), parse_term("5+3+2"), (AVAILABLE, AVAILABLE), today=date(2026, 8, 1))

    assert result.initial_end == date(2031, 7, 31)
    assert result.final_end == date(2036, 7, 31)
    assert result.next_decision_deadline == date(2031, 1, 31)


def test_mhfss_with_its_extension_exercised_is_in_its_final_term():
    # Bromley MHFSS: 3+2 from 1 October 2019, extension exercised (seeds 002, 000).
    result = schedule(date(2019, 10, 1), parse_term("3+2"), (EXERCISED,), today=date(2022, 11, 30))

    assert result.current_end == result.final_end == date(2024, 9, 30)
    assert result.committed_months == 60
    assert result.status == "final_term"


def test_a_contract_without_options_is_in_its_final_term_until_it_expires():
    # SEL ICB residential and supported accommodation: 1 April 2019 to 30 September 2024.
    live = schedule(date(2019, 4, 1), (66,), (), today=date(2024, 9, 30))
    expired = schedule(date(2019, 4, 1), (66,), (), today=date(2024, 10, 1))

    assert live.final_end == date(2024, 9, 30)
    assert live.status == "final_term"
    assert live.next_option is None
    assert expired.status == "expired"


def test_it_accepts_statuses_as_stored_strings():
    result = support_at_home(("exercised", "available"), today=date(2030, 1, 1))

    assert result.option_statuses == (EXERCISED, AVAILABLE)


def test_options_are_taken_in_order():
    with pytest.raises(ValueError, match="Options are taken in order"):
        support_at_home((DECLINED, EXERCISED), today=date(2030, 1, 1))
    with pytest.raises(ValueError, match="Options are taken in order"):
        support_at_home((AVAILABLE, EXERCISED), today=date(2030, 1, 1))


def test_it_needs_one_status_per_option():
    with pytest.raises(ValueError):
        support_at_home((AVAILABLE,), today=date(2030, 1, 1))
    with pytest.raises(ValueError):
        schedule(date(2024, 1, 1), (12,), (AVAILABLE,), today=date(2024, 1, 1))


def test_it_rejects_an_unknown_status():
    with pytest.raises(ValueError):
        support_at_home(("renewed", "available"), today=date(2030, 1, 1))


@st.composite
def recorded_options(draw):
    parts = draw(st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=6))
    options = len(parts) - 1
    exercised = draw(st.integers(min_value=0, max_value=options))
    rest = draw(
        st.lists(
            st.sampled_from([AVAILABLE, DECLINED]),
            min_size=options - exercised,
            max_size=options - exercised,
        )
    )
    return parts, [EXERCISED] * exercised + rest


@settings(max_examples=150)
@given(dates, recorded_options(), st.integers(min_value=-400, max_value=8000))
def test_schedule_dates_and_statuses_hang_together(start, recorded, days_from_start):
    parts, statuses = recorded
    today = start + timedelta(days=days_from_start)

    result = schedule(start, parts, statuses, today=today)

    assert result.initial_end <= result.current_end <= result.final_end
    assert result.periods[0].months <= result.committed_months <= result.included_months
    assert result.included_months <= sum(parts)
    effective = result.option_statuses
    assert [s == EXERCISED for s in effective] == [s == EXERCISED for s in statuses]
    first_closed = next((i for i, s in enumerate(effective) if s in (DECLINED, LAPSED)), None)
    if first_closed is not None:
        assert AVAILABLE not in effective[first_closed:]
    if result.next_option is not None:
        assert today <= result.current_end
        assert result.next_decision_deadline == result.option_deadline(result.next_option)
    if today > result.current_end:
        assert result.status == "expired"
        assert AVAILABLE not in effective


# Facts and figures "as of" a day (docs/domain.md): decisions count from their date, lapse follows from the day.


def three_plus_one_plus_one(today, decisions=(AVAILABLE, AVAILABLE)):
    return schedule(date(2023, 10, 1), parse_term("3+1+1"), decisions, today=today)


def test_3_1_1_with_nothing_decided_is_live_and_late_on_the_last_day_of_its_initial_term():
    result = three_plus_one_plus_one(date(2026, 9, 30))

    assert result.option_statuses == (AVAILABLE, AVAILABLE)
    assert result.current_end == date(2026, 9, 30)
    assert result.final_end == date(2028, 9, 30)
    assert result.next_option == 1
    assert result.next_decision_deadline == date(2026, 3, 30)
    assert result.next_option_late is True
    assert result.status == ContractStatus.LIVE


def test_3_1_1_with_nothing_decided_has_lapsed_and_expired_the_day_after():
    result = three_plus_one_plus_one(date(2026, 10, 1))

    assert result.option_statuses == (LAPSED, LAPSED)
    assert result.current_end == result.final_end == date(2026, 9, 30)
    assert result.next_option is None
    assert result.next_decision_deadline is None
    assert result.next_option_late is False
    assert result.status == ContractStatus.EXPIRED


def test_an_option_lapsed_later_is_still_open_on_every_earlier_day():
    for day in (date(2023, 10, 1), date(2025, 1, 1), date(2026, 3, 30), date(2026, 3, 31)):
        assert three_plus_one_plus_one(day).option_statuses == (AVAILABLE, AVAILABLE)


def one_plus_one_plus_one(today, decided_on=date(2026, 11, 20)):
    return schedule(date(2026, 3, 31), parse_term("1+1+1"), (Decision(EXERCISED, decided_on), AVAILABLE), today=today)


def test_an_exercise_does_not_count_the_day_before_it_was_decided():
    result = one_plus_one_plus_one(date(2026, 11, 19))

    assert result.option_statuses == (AVAILABLE, AVAILABLE)
    assert result.current_end == date(2027, 3, 30)
    assert result.final_end == date(2029, 3, 30)
    assert result.next_option == 1
    assert result.options_exercised == 0
    assert result.committed_periods == (0,)


def test_an_exercise_counts_from_the_day_it_was_decided():
    result = one_plus_one_plus_one(date(2026, 11, 20))

    assert result.option_statuses == (EXERCISED, AVAILABLE)
    assert result.current_end == date(2028, 3, 30)
    assert result.next_option == 2
    assert result.next_decision_deadline == date(2027, 9, 30)
    assert result.options_exercised == 1
    assert result.committed_periods == (0, 1)
    assert result.included_periods == (0, 1, 2)


def test_an_exercise_with_no_date_counts_on_every_day():
    for day in (date(1990, 1, 1), date(2026, 3, 30), date(2026, 11, 19), date(2040, 1, 1)):
        result = schedule(date(2026, 3, 31), parse_term("1+1+1"), (Decision(EXERCISED), AVAILABLE), today=day)
        assert result.option_statuses[0] == EXERCISED
        assert result.options_exercised == 1


def test_a_bare_status_is_a_decision_with_no_date():
    bare = schedule(date(2026, 3, 31), (12, 12), ("exercised",), today=date(2020, 1, 1))
    undated = schedule(date(2026, 3, 31), (12, 12), (Decision("exercised", None),), today=date(2020, 1, 1))

    assert bare == undated
    assert bare.current_end == date(2028, 3, 30)


def test_a_decline_dated_later_leaves_the_option_open_until_then():
    decline = (Decision(DECLINED, date(2028, 1, 10)), AVAILABLE)

    before = support_at_home(decline, today=date(2028, 1, 9))
    on_the_day = support_at_home(decline, today=date(2028, 1, 10))

    assert before.option_statuses == (AVAILABLE, AVAILABLE)
    assert before.final_end == date(2033, 9, 30)
    assert on_the_day.option_statuses == (DECLINED, DECLINED)
    assert on_the_day.final_end == date(2029, 9, 30)
    assert on_the_day.included_periods == (0,)


# Parts given by their last day


def test_a_period_given_by_its_last_day_counts_whole_months_then_days():
    # 1 Apr 2020 to 31 Jul 2023 is 40 whole months; 1 to 15 Aug 2023 is 15 days of a 31-day month.
    assert months_between(date(2020, 4, 1), date(2023, 8, 15)) == 40 + Fraction(15, 31)
    # 16 Aug 2023 to 15 Mar 2025 is 19 months; 16 to 31 Mar 2025 is 16 days of the month to 15 Apr (31 days).
    assert months_between(date(2023, 8, 16), date(2025, 3, 31)) == 19 + Fraction(16, 31)


def test_a_last_day_on_the_period_rule_is_whole_months():
    assert months_between(date(2024, 10, 1), date(2029, 9, 30)) == 60
    # 31 Jan + 1 month starts again on 1 Mar, so 31 Jan to 29 Feb 2020 is one month.
    assert months_between(date(2020, 1, 31), date(2020, 2, 29)) == 1
    # One day of the 30 days from 31 Jan to 29 Feb.
    assert months_between(date(2020, 1, 31), date(2020, 1, 31)) == Fraction(1, 30)


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="before it starts"):
        months_between(date(2024, 1, 2), date(2024, 1, 1))


def test_periods_end_on_the_days_given_and_options_start_the_day_after():
    initial, option = periods(date(2020, 4, 1), [date(2023, 8, 15), date(2025, 3, 31)])
    assert (initial.start, initial.end, initial.months) == (date(2020, 4, 1), date(2023, 8, 15), 40 + Fraction(15, 31))
    assert (option.start, option.end) == (date(2023, 8, 16), date(2025, 3, 31))
    assert initial.length_text == "40 months and 15 days"
    assert option.length_text == "19 months and 16 days"


def test_months_and_last_days_mix_in_one_term():
    # A 3-year initial term, then an option to 31 Mar 2025.
    initial, option = periods(date(2020, 4, 1), [36, date(2025, 3, 31)])
    assert initial.end == date(2023, 3, 31)
    assert (option.start, option.months, option.length_text) == (date(2023, 4, 1), 24, "24 months")


def test_the_schedule_of_a_contract_ending_on_a_given_day():
    result = schedule(date(2020, 4, 1), [date(2023, 8, 15), date(2025, 3, 31)], [AVAILABLE], today=date(2023, 1, 1))
    assert result.initial_end == result.current_end == date(2023, 8, 15)
    assert result.final_end == date(2025, 3, 31)
    # The decision deadline is still counted back from the current end: 6 months before 15 Aug 2023.
    assert result.next_decision_deadline == date(2023, 2, 15)
    assert result.option_deadline(1) == date(2023, 2, 15)
    assert result.included_months == 60  # 40 15/31 + 19 16/31: the five years to 31 Mar 2025
    # The option lapses the day after the initial term ends, as with a term in months.
    lapsed = schedule(date(2020, 4, 1), [date(2023, 8, 15), date(2025, 3, 31)], [AVAILABLE], today=date(2023, 8, 16))
    assert lapsed.option_statuses == (OptionStatus.LAPSED,)
    assert lapsed.status == ContractStatus.EXPIRED


@pytest.mark.parametrize(
    "parts, message",
    [
        ([date(2020, 3, 31)], "The initial term ends on 31 Mar 2020, before the contract starts on 1 Apr 2020"),
        (
            [date(2023, 8, 15), date(2023, 8, 15)],
            "Option 1 ends on 15 Aug 2023, not after the period before it, which ends on 15 Aug 2023",
        ),
        ([12, date(2021, 3, 31)], "Option 1 ends on 31 Mar 2021, not after the period before it"),
    ],
)
def test_a_part_ending_before_it_starts_is_refused(parts, message):
    with pytest.raises(ValueError, match=message):
        periods(date(2020, 4, 1), parts)


@st.composite
def mixed_parts(draw):
    """A start, then parts each in months or as a last day some days after the part before ends."""
    start = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)))
    parts = []
    end = start - timedelta(days=1)
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        if draw(st.booleans()):
            months = draw(st.integers(min_value=1, max_value=60))
            parts.append(months)
            end = period_end(end + timedelta(days=1), months)
        else:
            end = end + timedelta(days=draw(st.integers(min_value=1, max_value=2000)))
            parts.append(end)
    return start, parts


@given(mixed_parts())
@settings(max_examples=300)
def test_periods_given_either_way_tile_with_no_gap_or_overlap(case):
    start, parts = case
    result = periods(start, parts)
    assert result[0].start == start
    for before, after in zip(result, result[1:]):
        assert after.start == before.end + timedelta(days=1)
    for period, part in zip(result, parts):
        assert period.end == (part if isinstance(part, date) else period_end(period.start, part))
        # The length is the whole months the period rule fits, plus a part-month under one.
        whole = int(period.months)
        if whole:
            assert period_end(period.start, whole) <= period.end
        assert period.end < next_start(period.start, whole + 1)
        assert 0 <= period.months - whole < 1


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2080, 12, 31)), st.integers(min_value=1, max_value=240))
def test_a_last_day_on_the_period_rule_reads_as_the_same_months(start, months):
    assert months_between(start, period_end(start, months)) == months
    assert periods(start, [period_end(start, months)]) == periods(start, [months])
