"""`contracts.figures`: every figure of a contract on a day, from its facts.

The worked examples of docs/domain.md ("Contract terms", "Facts and figures 'as of'
a day", "Money"), then a property test holding the spans the register stores
for SQL equal to the function on every day.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.figures import ContractFacts, contract_figures, figure_spans, missing_facts
from contracts.money import whole_value
from contracts.terms import ContractStatus, Decision, OptionStatus, parse_term, period_end

AVAILABLE = OptionStatus.AVAILABLE
EXERCISED = OptionStatus.EXERCISED
DECLINED = OptionStatus.DECLINED
LAPSED = OptionStatus.LAPSED
NOTICE = 6
ONE_DAY = timedelta(days=1)


def facts(start, term, decisions=None, annual="100000", **more) -> ContractFacts:
    parts = parse_term(term)
    if decisions is None:
        decisions = (AVAILABLE,) * (len(parts) - 1)
    return ContractFacts(
        start=start,
        parts=parts,
        decisions=tuple(d if isinstance(d, Decision) else Decision(d) for d in decisions),
        annual_value=Decimal(annual),
        **more,
    )


def figures(contract_facts, day):
    return contract_figures(contract_facts, today=day, notice_months=NOTICE)


# --- docs/domain.md: facts and figures "as of" a day ------------------------------------


THREE_PLUS_ONE_PLUS_ONE = facts(date(2023, 10, 1), "3+1+1", annual="120000")


def test_3_1_1_nothing_decided_on_30_sep_2026():
    result = figures(THREE_PLUS_ONE_PLUS_ONE, date(2026, 9, 30))

    assert result.schedule.final_end == date(2028, 9, 30)
    assert result.schedule.next_decision_deadline == date(2026, 3, 30)
    assert result.schedule.next_option_late is True
    assert result.schedule.status == ContractStatus.LIVE
    assert result.whole_life_value == Decimal("600000.00")
    assert result.committed_value == Decimal("360000.00")
    assert max(result.year_values) == 2028


def test_3_1_1_nothing_decided_on_1_oct_2026():
    result = figures(THREE_PLUS_ONE_PLUS_ONE, date(2026, 10, 1))

    assert result.schedule.option_statuses == (LAPSED, LAPSED)
    assert result.schedule.final_end == result.schedule.current_end == date(2026, 9, 30)
    assert result.schedule.next_decision_deadline is None
    assert result.schedule.status == ContractStatus.EXPIRED
    assert result.whole_life_value == result.committed_value == Decimal("360000.00")
    assert sum(result.year_values.values()) == Decimal("360000.00")
    assert max(result.year_values) == 2026


ONE_PLUS_ONE_PLUS_ONE = facts(
    date(2026, 3, 31), "1+1+1", (Decision(EXERCISED, date(2026, 11, 20)), AVAILABLE), annual="120000"
)


def test_1_1_1_option_exercised_on_20_nov_2026_does_not_count_on_19_nov():
    result = figures(ONE_PLUS_ONE_PLUS_ONE, date(2026, 11, 19))

    assert result.schedule.current_end == date(2027, 3, 30)
    assert result.schedule.options_exercised == 0
    assert result.committed_value == Decimal("120000.00")


def test_1_1_1_option_exercised_on_20_nov_2026_counts_from_that_day():
    result = figures(ONE_PLUS_ONE_PLUS_ONE, date(2026, 11, 20))

    assert result.schedule.current_end == date(2028, 3, 30)
    assert result.schedule.options_exercised == 1
    assert result.committed_value == Decimal("240000.00")
    assert result.whole_life_value == Decimal("360000.00")


def test_an_option_exercised_with_no_date_counts_on_every_day():
    undated = facts(date(2026, 3, 31), "1+1+1", (EXERCISED, AVAILABLE), annual="120000")

    for day in (date.min, date(2026, 3, 30), date(2026, 11, 19), date(2040, 1, 1), date.max):
        result = figures(undated, day)
        assert result.schedule.option_statuses[0] == EXERCISED
        assert result.committed_value == Decimal("240000.00")


# --- docs/domain.md: money ----------------------------------------------------------------


def test_18m_6m_at_333_333_33_is_666_666_67_and_its_parts_add_up():
    result = figures(facts(date(2024, 4, 1), "18m+6m", annual="333333.33"), date(2024, 4, 1))

    assert result.period_values == (Decimal("500000.00"), Decimal("166666.67"))
    assert result.whole_life_value == Decimal("666666.67")
    assert sum(result.year_values.values()) == Decimal("666666.67")
    assert result.initial_value == result.committed_value == Decimal("500000.00")


def test_1m_1m_1m_from_31_jan_2025_at_12_000_spreads_2_000_and_1_000():
    result = figures(facts(date(2025, 1, 31), "1m+1m+1m", annual="12000"), date(2025, 1, 31))

    assert result.year_values == {2024: Decimal("2000.00"), 2025: Decimal("1000.00")}


SUPPORT_AT_HOME = facts(
    date(2024, 10, 1),
    "5+2+2",
    annual="2660000",
    approved_value=Decimal("23400000"),
    funding_percents=(Decimal("50"), Decimal("50")),
)


def test_support_at_home_whole_life_approved_variance_and_funding():
    result = figures(SUPPORT_AT_HOME, date(2026, 11, 22))

    assert result.whole_life_value == Decimal("23940000.00")
    assert result.committed_value == result.initial_value == Decimal("13300000.00")
    assert result.approved_variance.amount == Decimal("540000.00")
    assert result.approved_variance.percent == Decimal("2.3")
    assert result.funding_annual == (Decimal("1330000.00"), Decimal("1330000.00"))
    assert result.funding_whole_life == (Decimal("11970000.00"), Decimal("11970000.00"))


def test_support_at_home_spread_over_financial_years():
    result = figures(SUPPORT_AT_HOME, date(2026, 11, 22))

    assert result.year_values[2024] == Decimal("1330000.00")
    assert [result.year_values[year] for year in range(2025, 2029)] == [Decimal("2660000.00")] * 4
    # The initial term's last half-year and option 1's first meet in 2029/30.
    assert result.year_values[2029] == Decimal("2660000.00")
    assert sum(result.year_values.values()) == result.whole_life_value
    declined = facts(date(2024, 10, 1), "5+2+2", (Decision(DECLINED, date(2026, 1, 1)), AVAILABLE), annual="2660000")
    assert figures(declined, date(2026, 11, 22)).year_values == {
        2024: Decimal("1330000.00"),
        2025: Decimal("2660000.00"),
        2026: Decimal("2660000.00"),
        2027: Decimal("2660000.00"),
        2028: Decimal("2660000.00"),
        2029: Decimal("1330000.00"),
    }


def test_nottingham_whole_life_spread_over_financial_years():
    nottingham = facts(date(2019, 7, 1), "3+2+2", (EXERCISED, EXERCISED), annual="855439")

    result = figures(nottingham, date(2026, 11, 22))

    assert result.year_values == {
        2019: Decimal("641579.25"),
        **{year: Decimal("855439.00") for year in range(2020, 2026)},
        2026: Decimal("213859.75"),
    }
    assert result.whole_life_value == result.committed_value == Decimal("5988073.00")


# --- docs/domain.md: spend against projection, the same years only ----------------------------------


MHFSS_SPEND = {
    2019: Decimal("190000"),
    2020: Decimal("340000"),
    2021: Decimal("340000"),
    2022: Decimal("340000"),
    2023: Decimal("340000"),
    2024: Decimal("340000"),
}


def test_mhfss_spend_is_295_000_above_projection_after_its_end():
    mhfss = facts(date(2019, 10, 1), "3+2", (EXERCISED,), annual="319000", spend=MHFSS_SPEND)

    result = figures(mhfss, date(2026, 11, 22))

    assert sum(MHFSS_SPEND.values()) == Decimal("1890000")
    assert result.spend.years == (2019, 2020, 2021, 2022, 2023, 2024)
    assert result.spend.spent == Decimal("1890000.00")
    assert result.spend.projected == result.whole_life_value == Decimal("1595000.00")
    assert result.spend.variance.amount == Decimal("295000.00")
    assert result.spend.variance.percent == Decimal("18.5")
    assert result.spend.is_over


def support_at_home_with_spend(spend):
    return facts(date(2024, 10, 1), "5+2+2", annual="2660000", spend=spend)


def test_two_years_of_spend_are_compared_with_those_two_years_only():
    on_projection = {2024: Decimal("1330000"), 2025: Decimal("2660000")}

    result = figures(support_at_home_with_spend(on_projection), date(2026, 11, 22))

    assert result.spend.years == (2024, 2025)
    assert result.spend.projected == Decimal("3990000.00")
    assert result.spend.projected != result.whole_life_value
    assert result.spend.spent == Decimal("3990000.00")
    assert result.spend.variance.amount == Decimal("0.00")
    assert result.spend.years_over == ()
    assert not result.spend.is_over


def test_a_year_that_has_ended_without_spend_counts_as_nothing_spent():
    # 2024/25 and 2025/26 have ended by 22 Nov 2026; only 2024/25 has spend.
    result = figures(support_at_home_with_spend({2024: Decimal("1330000")}), date(2026, 11, 22))

    assert result.spend.years == (2024, 2025)
    assert result.spend.spent == Decimal("1330000.00")
    assert result.spend.projected == Decimal("3990000.00")
    assert not result.spend.is_over


def test_a_single_year_over_its_projection_is_flagged_even_when_the_total_is_under():
    spend = {2024: Decimal("1400000"), 2025: Decimal("2000000")}

    result = figures(support_at_home_with_spend(spend), date(2026, 11, 22))

    assert result.spend.variance.amount == Decimal("-590000.00")
    assert not result.spend.variance.is_over
    assert result.spend.years_over == (2024,)
    assert result.spend.is_over


def test_spend_for_a_year_not_yet_begun_does_not_count():
    spend = {2024: Decimal("1330000"), 2027: Decimal("9999999")}

    result = figures(support_at_home_with_spend(spend), date(2026, 11, 22))

    assert result.spend_by_year == {2024: Decimal("1330000")}
    assert 2027 not in result.spend.years
    assert not result.spend.is_over
    assert figures(support_at_home_with_spend(spend), date(2027, 4, 1)).spend.years_over == (2027,)


def test_no_spend_recorded_means_no_comparison():
    assert figures(support_at_home_with_spend({}), date(2030, 1, 1)).spend is None


# --- the stored spans equal the function on every day -------------------------------------------


@st.composite
def contract_facts(draw):
    start = draw(st.dates(min_value=date(1995, 1, 1), max_value=date(2045, 12, 31)))
    # Each part in months or, as a register may give it, by its last day.
    parts = []
    end = start - ONE_DAY
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        if draw(st.booleans()):
            parts.append(draw(st.integers(min_value=1, max_value=60)))
            end = period_end(end + ONE_DAY, parts[-1])
        else:
            end = end + timedelta(days=draw(st.integers(min_value=1, max_value=1800)))
            parts.append(end)
    parts = tuple(parts)
    options = len(parts) - 1
    exercised = draw(st.integers(min_value=0, max_value=options))
    declined = exercised < options and draw(st.booleans())
    decided = exercised + declined
    # Decisions are taken in order: the undated ones (rows of an imported
    # register) first, then the dated ones, each on or after the one before.
    undated = draw(st.integers(min_value=0, max_value=decided))
    days = sorted(
        draw(
            st.lists(
                st.integers(min_value=-200, max_value=(end - start).days + 200),
                min_size=decided - undated,
                max_size=decided - undated,
            )
        )
    )
    dates = [None] * undated + [start + timedelta(days=n) for n in days]
    decisions = [Decision(EXERCISED, dates[i]) for i in range(exercised)]
    if declined:
        decisions.append(Decision(DECLINED, dates[exercised]))
    decisions += [Decision(AVAILABLE)] * (options - len(decisions))
    # A register may not know the value: the dates are worked out all the same.
    annual = draw(
        st.none() | st.decimals(min_value=0, max_value=5_000_000, places=2, allow_nan=False, allow_infinity=False)
    )
    uplift = draw(st.sampled_from([Decimal("0"), Decimal("2.5"), Decimal("10")]))
    return ContractFacts(
        start=start, parts=parts, decisions=tuple(decisions), annual_value=annual, uplift_percent=uplift
    )


def _kept(result):
    schedule = result.schedule
    return (
        schedule.current_end,
        schedule.final_end,
        schedule.next_option,
        schedule.next_decision_deadline,
        schedule.options_exercised,
        result.committed_value,
        result.whole_life_value,
        tuple(result.year_values.items()),
        result.annual_value,
    )


def _span_holding(spans, day):
    holding = [span for span in spans if span.valid_from <= day <= span.valid_to]
    assert len(holding) == 1, day
    return holding[0]


@settings(max_examples=150, deadline=None)
@given(contract_facts(), st.lists(st.integers(min_value=-800, max_value=9000), min_size=1, max_size=8))
def test_the_stored_spans_are_the_figures_of_every_day(contract_facts, offsets):
    spans = figure_spans(contract_facts, notice_months=NOTICE)

    # They tile every day there is, with no gap or overlap, and each span differs from the next.
    assert spans[0].valid_from == date.min
    assert spans[-1].valid_to == date.max
    for span in spans:
        assert span.valid_from <= span.valid_to
    for previous, following in zip(spans, spans[1:]):
        assert following.valid_from == previous.valid_to + ONE_DAY
        assert following.kept() != previous.kept()

    # Every edge of every span, the days either side, and random days.
    days = {contract_facts.start + timedelta(days=n) for n in offsets}
    for span in spans:
        for edge in (span.valid_from, span.valid_to):
            days.add(edge)
            if date.min < edge:
                days.add(edge - ONE_DAY)
            if edge < date.max:
                days.add(edge + ONE_DAY)
    for day in days:
        span = _span_holding(spans, day)
        result = figures(contract_facts, day)
        assert span.kept() == _kept(result), day
        assert span.initial_end == result.schedule.initial_end
        if contract_facts.annual_value is None:
            assert (result.whole_life_value, result.year_values) == (None, {})
            continue
        assert sum(result.year_values.values(), Decimal("0.00")) == result.whole_life_value
        included = [result.schedule.periods[i].months for i in result.schedule.included_periods]
        assert result.whole_life_value == whole_value(
            contract_facts.annual_value, included, uplift_percent=contract_facts.uplift_percent
        )


def test_figure_spans_of_3_1_1_change_only_on_the_lapse_day():
    spans = figure_spans(THREE_PLUS_ONE_PLUS_ONE, notice_months=NOTICE)

    assert [(span.valid_from, span.valid_to, span.final_end) for span in spans] == [
        (date.min, date(2026, 9, 30), date(2028, 9, 30)),
        (date(2026, 10, 1), date.max, date(2026, 9, 30)),
    ]


def test_figure_spans_of_1_1_1_change_on_the_decision_day_and_each_lapse():
    spans = figure_spans(ONE_PLUS_ONE_PLUS_ONE, notice_months=NOTICE)

    assert [(span.valid_from, span.current_end, span.next_option) for span in spans] == [
        (date.min, date(2027, 3, 30), 1),
        (date(2026, 11, 20), date(2028, 3, 30), 2),
        (date(2028, 3, 31), date(2028, 3, 30), None),
    ]


@pytest.mark.parametrize(
    ("notice_months", "deadline"),
    [(0, date(2029, 9, 30)), (6, date(2029, 3, 30)), (9, date(2028, 12, 30))],
)
def test_the_spans_follow_the_notice_period(notice_months, deadline):
    spans = figure_spans(SUPPORT_AT_HOME, notice_months=notice_months)

    assert spans[0].next_decision_deadline == deadline
    assert spans[0].valid_to == date(2029, 9, 30)


def test_the_excess_is_what_the_years_over_spent_above_their_own_projections():
    # £100 a year for two years; 2024/25 £10 over, 2025/26 £50 under: flagged for 2024/25, £10 over in it,
    # although the two years together are £40 under.
    facts = ContractFacts(
        start=date(2024, 4, 1),
        parts=(24,),
        decisions=(),
        annual_value=Decimal("100"),
        spend={2024: Decimal("110"), 2025: Decimal("50")},
    )
    spend = contract_figures(facts, today=date(2026, 6, 1), notice_months=6).spend
    assert spend.years_over == (2024,)
    assert spend.excess == Decimal("10.00")
    assert spend.variance.amount == Decimal("-40.00")
    assert spend.is_over


# --- parts given by their last day, and facts a register does not know -------------------------


def dated_facts(**changes) -> ContractFacts:
    """1 Apr 2020 to 15 Aug 2023, then an option to 31 Mar 2025, at £120,000 a year."""
    values = dict(
        start=date(2020, 4, 1),
        parts=(date(2023, 8, 15), date(2025, 3, 31)),
        decisions=(Decision(AVAILABLE),),
        annual_value=Decimal("120000"),
    )
    return ContractFacts(**{**values, **changes})


def test_the_figures_of_a_contract_ending_on_given_days():
    result = figures(dated_facts(), date(2023, 1, 1))
    assert result.schedule.current_end == date(2023, 8, 15)
    assert result.schedule.final_end == date(2025, 3, 31)
    assert result.schedule.next_decision_deadline == date(2023, 2, 15)
    assert result.period_values == (Decimal("404838.71"), Decimal("195161.29"))
    assert result.committed_value == Decimal("404838.71")
    assert result.whole_life_value == Decimal("600000.00")
    assert result.year_values == {year: Decimal("120000.00") for year in range(2020, 2025)}


@pytest.mark.parametrize(
    "changes, missing",
    [
        ({}, ()),
        ({"start": None}, ("start date",)),
        ({"parts": (None, date(2025, 3, 31))}, ("end date",)),
        ({"parts": ()}, ("end date",)),
        ({"annual_value": None}, ("value",)),
        ({"start": None, "parts": (None,), "decisions": (), "annual_value": None}, ("start date", "end date", "value")),
    ],
)
def test_missing_facts_says_what_the_register_does_not_know(changes, missing):
    assert missing_facts(dated_facts(**changes)) == missing


@pytest.mark.parametrize("changes", [{"start": None}, {"parts": (None, date(2025, 3, 31))}])
def test_a_contract_with_no_dates_has_no_figures_and_no_spans(changes):
    facts_without_dates = dated_facts(**changes)
    assert figures(facts_without_dates, date(2023, 1, 1)) is None
    assert figure_spans(facts_without_dates, notice_months=NOTICE) == []


def test_a_contract_with_no_value_has_its_dates_and_no_money_figures():
    no_value = dated_facts(annual_value=None, approved_value=Decimal("1"), spend={2022: Decimal("500")})
    result = figures(no_value, date(2023, 1, 1))
    assert result.schedule.current_end == date(2023, 8, 15)
    assert result.schedule.next_option == 1
    assert result.period_values == (None, None)
    assert (result.committed_value, result.whole_life_value, result.year_values) == (None, None, {})
    # With no projection there is nothing to be over: neither the approved value nor spend.
    assert (result.approved_variance, result.spend) == (None, None)
    assert result.spend_by_year == {2022: Decimal("500")}

    spans = figure_spans(no_value, notice_months=NOTICE)
    assert [(span.valid_from, span.valid_to, span.current_end) for span in spans] == [
        (date.min, date(2023, 8, 15), date(2023, 8, 15)),
        (date(2023, 8, 16), date.max, date(2023, 8, 15)),
    ]
    assert all((s.committed_value, s.whole_life_value, s.year_values) == (None, None, ()) for s in spans)
