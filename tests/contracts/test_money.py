from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.money import (
    PENNY,
    Variance,
    annual_value_for,
    financial_year_label,
    financial_year_of,
    financial_year_spread,
    format_money,
    format_money_short,
    period_value,
    period_values,
    saving,
    split_by_shares,
    to_money,
    variance,
    whole_value,
)
from contracts.terms import OptionStatus, parse_term, period_end, periods, schedule

amounts = st.decimals(
    min_value=Decimal("0"), max_value=Decimal("100000000"), places=2, allow_nan=False, allow_infinity=False
)
uplifts = st.decimals(min_value=Decimal("-5"), max_value=Decimal("12"), places=2, allow_nan=False, allow_infinity=False)


# One rounding helper


@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("2.345"), Decimal("2.35")),
        (Decimal("2.344"), Decimal("2.34")),
        (Decimal("-2.345"), Decimal("-2.35")),
        (Decimal("0.005"), Decimal("0.01")),
        (Decimal("2660000"), Decimal("2660000.00")),
        (855439, Decimal("855439.00")),
        ("319000", Decimal("319000.00")),
        (" 12.5 ", Decimal("12.50")),
    ],
)
def test_to_money_rounds_half_up_to_the_penny(value, expected):
    result = to_money(value)

    assert result == expected
    assert result.as_tuple().exponent == -2


def test_penny_is_one_hundredth_of_a_pound():
    assert PENNY == Decimal("0.01")


@pytest.mark.parametrize("value", [0.1, 2660000.0, True, None, [1]])
def test_to_money_refuses_floats_and_other_types(value):
    with pytest.raises(TypeError):
        to_money(value)


@pytest.mark.parametrize("value", ["abc", "", "£1", "NaN", Decimal("Infinity")])
def test_to_money_refuses_what_is_not_a_finite_number(value):
    with pytest.raises(ValueError):
        to_money(value)


# Period and whole-life values


def test_the_period_value_is_the_annual_value_times_months_over_twelve():
    assert period_value(Decimal("2660000"), 60) == Decimal("13300000.00")
    assert period_value(Decimal("2660000"), 24) == Decimal("5320000.00")
    assert period_value(Decimal("2660000"), 0) == Decimal("0.00")


def test_an_exact_half_penny_rounds_up_despite_the_twelfths():
    # £0.01 a year for six months is exactly half a penny.
    assert period_value(Decimal("0.01"), 6) == Decimal("0.01")


def test_nottingham_whole_life_value_is_what_seed_003_approved():
    assert whole_value(Decimal("855439"), parse_term("3+2+2")) == Decimal("5988073.00")


def test_support_at_home_whole_life_value_is_23_94_million():
    assert whole_value(Decimal("2660000"), parse_term("5+2+2")) == Decimal("23940000.00")


def test_committed_value_counts_only_the_initial_term_and_exercised_options():
    term = schedule(
        date(2024, 10, 1),
        parse_term("5+2+2"),
        (OptionStatus.EXERCISED, OptionStatus.AVAILABLE),
        today=date(2030, 1, 1),
    )

    parts = parse_term("5+2+2")
    assert term.committed_periods == (0, 1)
    assert whole_value(Decimal("2660000"), [parts[i] for i in term.committed_periods]) == Decimal("18620000.00")
    assert whole_value(Decimal("2660000"), [parts[i] for i in term.included_periods]) == Decimal("23940000.00")


def test_a_declined_option_drops_out_of_the_whole_life_value():
    term = schedule(
        date(2024, 10, 1),
        parse_term("5+2+2"),
        (OptionStatus.EXERCISED, OptionStatus.DECLINED),
        today=date(2030, 1, 1),
    )

    parts = parse_term("5+2+2")
    assert term.included_periods == (0, 1)
    assert whole_value(Decimal("2660000"), [parts[i] for i in term.included_periods]) == Decimal("18620000.00")


def test_mhfss_projection_over_3_plus_2_is_1_595_000():
    assert whole_value(Decimal("319000"), parse_term("3+2")) == Decimal("1595000.00")


def test_18m_6m_whole_value_is_the_sum_of_its_rounded_period_values():
    # docs/domain.md, "Money": the parts a page shows always add up.
    assert period_values(Decimal("333333.33"), parse_term("18m+6m")) == (Decimal("500000.00"), Decimal("166666.67"))
    assert whole_value(Decimal("333333.33"), parse_term("18m+6m")) == Decimal("666666.67")
    # Worked out over all 24 months at once it would be a penny less.
    assert period_value(Decimal("333333.33"), 24) == Decimal("666666.66")


def test_whole_value_of_a_prefix_of_the_term_is_the_committed_value():
    assert whole_value(Decimal("333333.33"), (18,)) == Decimal("500000.00")
    assert whole_value(Decimal("2660000"), ()) == Decimal("0.00")


def test_period_values_count_the_uplift_from_the_contract_start():
    # 1+1 at £1,200 with 10% uplift: the option is contract year 2.
    assert period_values(Decimal("1200"), (12, 12), uplift_percent=Decimal("10")) == (
        Decimal("1200.00"),
        Decimal("1320.00"),
    )


def test_a_month_is_a_twelfth_of_the_annual_value():
    assert period_value(Decimal("1200"), 3) == Decimal("300.00")


def test_an_uplift_compounds_per_contract_year_from_the_start():
    uplifted = {"uplift_percent": Decimal("10")}
    assert period_value(Decimal("1200"), 12, **uplifted) == Decimal("1200.00")
    assert period_value(Decimal("1200"), 12, first_month_index=12, **uplifted) == Decimal("1320.00")
    assert period_value(Decimal("1200"), 2, first_month_index=24, **uplifted) == Decimal("242.00")
    assert period_value(Decimal("1200"), 26, **uplifted) == Decimal("2762.00")


def test_an_option_starting_in_month_60_uses_contract_year_5():
    uplifted = {"uplift_percent": Decimal("10")}
    assert period_value(Decimal("1200"), 1, first_month_index=60, **uplifted) == to_money(
        Decimal("100") * Decimal("1.1") ** 5
    )
    assert period_value(Decimal("1200"), 1, first_month_index=72, **uplifted) == to_money(
        Decimal("100") * Decimal("1.1") ** 6
    )


def test_whole_value_with_an_uplift():
    assert whole_value(Decimal("1200"), (24,), uplift_percent=Decimal("3")) == Decimal("2436.00")
    assert whole_value(Decimal("1200"), (12, 12), uplift_percent=Decimal("3")) == Decimal("2436.00")
    assert period_value(Decimal("1200"), 12, uplift_percent=Decimal("3"), first_month_index=12) == Decimal("1236.00")


def test_period_value_is_the_rounded_sum_of_monthly_values():
    factor = 1 + Fraction(Decimal("2.5")) / 100
    values = [Fraction(855439) * factor ** ((7 + month) // 12) / 12 for month in range(30)]

    assert period_value(Decimal("855439"), 30, uplift_percent=Decimal("2.5"), first_month_index=7) == to_money(
        Decimal(sum(values).numerator) / Decimal(sum(values).denominator)
    )


def test_values_refuse_floats():
    with pytest.raises(TypeError):
        whole_value(2660000.0, (60,))
    with pytest.raises(TypeError):
        period_value(Decimal("2660000"), 60, uplift_percent=2.5)


# Variance: projected against approved, spend against projection


def test_support_at_home_projection_is_540_000_over_the_approved_value():
    result = variance(Decimal("23940000"), Decimal("23400000"))

    assert result == Variance(amount=Decimal("540000.00"), percent=Decimal("2.3"))
    assert result.is_over


def test_mhfss_spend_is_295_000_above_projection():
    projected = whole_value(Decimal("319000"), (36, 24))

    result = variance(Decimal("1890000"), projected)

    assert result.amount == Decimal("295000.00")
    assert result.percent == Decimal("18.5")
    assert result.is_over


def test_an_underspend_is_not_an_overrun():
    result = variance(Decimal("900"), Decimal("1000"))

    assert result.amount == Decimal("-100.00")
    assert result.percent == Decimal("-10.0")
    assert not result.is_over


def test_a_variance_against_nothing_has_no_percent():
    result = variance(Decimal("50"), Decimal("0"))

    assert result.amount == Decimal("50.00")
    assert result.percent is None
    assert result.is_over


def test_nottingham_saves_95_049_a_year_against_2018_19():
    assert saving(Decimal("950488"), Decimal("855439")) == Decimal("95049.00")


# Financial years


@pytest.mark.parametrize(
    "start_year, label", [(2024, "2024/25"), (1999, "1999/00"), (2009, "2009/10"), (2029, "2029/30")]
)
def test_financial_year_labels(start_year, label):
    assert financial_year_label(start_year) == label


@pytest.mark.parametrize(
    "d, year",
    [
        (date(2025, 3, 31), 2024),
        (date(2025, 4, 1), 2025),
        (date(2025, 1, 1), 2024),
        (date(2024, 12, 31), 2024),
    ],
)
def test_financial_years_run_from_1_april_to_31_march(d, year):
    assert financial_year_of(d) == year


def test_support_at_home_initial_term_spread_over_financial_years():
    spread = financial_year_spread(date(2024, 10, 1), Decimal("2660000"), (60,))

    assert spread == {
        2024: Decimal("1330000.00"),
        2025: Decimal("2660000.00"),
        2026: Decimal("2660000.00"),
        2027: Decimal("2660000.00"),
        2028: Decimal("2660000.00"),
        2029: Decimal("1330000.00"),
    }
    assert list(spread) == sorted(spread)


def test_nottingham_whole_life_spread_over_financial_years():
    spread = financial_year_spread(date(2019, 7, 1), Decimal("855439"), (36, 24, 24))

    assert spread == {
        2019: Decimal("641579.25"),
        2020: Decimal("855439.00"),
        2021: Decimal("855439.00"),
        2022: Decimal("855439.00"),
        2023: Decimal("855439.00"),
        2024: Decimal("855439.00"),
        2025: Decimal("855439.00"),
        2026: Decimal("213859.75"),
    }
    assert sum(spread.values()) == Decimal("5988073.00")


def test_months_are_counted_from_each_periods_own_start():
    # docs/domain.md: 1m+1m+1m from 31 Jan 2025 at £12,000 a year. The second period
    # starts on 1 March, so no period lends days to a year it does not touch.
    spread = financial_year_spread(date(2025, 1, 31), Decimal("12000"), parse_term("1m+1m+1m"))

    assert spread == {2024: Decimal("2000.00"), 2025: Decimal("1000.00")}
    assert sum(spread.values()) == whole_value(Decimal("12000"), (1, 1, 1)) == Decimal("3000.00")


def test_the_spread_of_the_first_periods_leaves_the_later_ones_out():
    # Support@home with option 1 declined: only the initial term is spread.
    initial = financial_year_spread(date(2024, 10, 1), Decimal("2660000"), (60,))
    whole_life = financial_year_spread(date(2024, 10, 1), Decimal("2660000"), (60, 24, 24))

    assert max(initial) == 2029
    assert initial[2029] == Decimal("1330000.00")
    assert whole_life[2029] == Decimal("2660000.00")
    assert max(whole_life) == 2033
    assert {year: whole_life[year] for year in initial if year < 2029} == {
        year: amount for year, amount in initial.items() if year < 2029
    }


def test_a_month_crossing_31_march_is_split_by_days():
    # Month 3 runs 15 March to 14 April 2025: 17 of its 31 days are in 2024/25.
    spread = financial_year_spread(date(2025, 1, 15), Decimal("1200"), (3,))

    assert spread == {2024: Decimal("254.84"), 2025: Decimal("45.16")}


def test_the_last_year_takes_the_rounding_remainder():
    # £0.02 a year for three months is exactly half a penny, so a penny in all.
    # On their own 2024/25 (£0.0042...) and 2025/26 (£0.0008...) both round to
    # nothing; the last year takes the penny so the years add up to the whole.
    spread = financial_year_spread(date(2025, 1, 15), Decimal("0.02"), (3,))

    assert spread == {2024: Decimal("0.00"), 2025: Decimal("0.01")}
    assert sum(spread.values()) == whole_value(Decimal("0.02"), (3,)) == Decimal("0.01")


def test_a_spread_with_an_uplift_adds_up_to_the_uplifted_whole():
    spread = financial_year_spread(date(2025, 1, 15), Decimal("1200"), (14,), uplift_percent=Decimal("3"))

    assert spread == {2024: Decimal("254.84"), 2025: Decimal("1151.16")}


def test_a_spread_of_no_months_is_empty():
    assert financial_year_spread(date(2025, 1, 15), Decimal("1200"), ()) == {}


@settings(max_examples=60, deadline=None)
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
    amounts,
    st.lists(st.integers(min_value=1, max_value=40), min_size=0, max_size=4),
    uplifts,
)
def test_financial_years_add_up_to_the_whole_value_exactly(start, annual, parts, uplift):
    spread = financial_year_spread(start, annual, parts, uplift_percent=uplift)

    whole = whole_value(annual, parts, uplift_percent=uplift)
    assert whole == sum(period_values(annual, parts, uplift_percent=uplift), Decimal("0.00"))
    assert sum(spread.values(), Decimal("0.00")) == whole
    if parts:
        assert list(spread) == list(range(min(spread), max(spread) + 1))
    assert all(value.as_tuple().exponent == -2 for value in spread.values())


# A period ending on a given day: whole months, then the days left as part of a month

# Start 1 Apr 2020, initial term to 15 Aug 2023, an option to 31 Mar 2025, £120,000 a year (£10,000 a month).
PART_MONTH_START = date(2020, 4, 1)
PART_MONTH_PARTS = (date(2023, 8, 15), date(2025, 3, 31))


def part_month_lengths():
    return [period.months for period in periods(PART_MONTH_START, PART_MONTH_PARTS)]


def test_a_part_month_is_worth_its_days_of_that_month():
    initial, option = period_values(Decimal("120000"), part_month_lengths())
    # 40 months and 15 days of a 31-day month: 10,000 × (40 + 15/31) = 404,838.709… → £404,838.71.
    assert initial == Decimal("404838.71")
    # 19 months and 16 days of a 31-day month: 10,000 × (19 + 16/31) = 195,161.290… → £195,161.29.
    assert option == Decimal("195161.29")
    assert whole_value(Decimal("120000"), part_month_lengths()) == Decimal("600000.00")


def test_a_part_month_spreads_over_financial_years_by_days():
    spread = financial_year_spread(PART_MONTH_START, Decimal("120000"), PART_MONTH_PARTS)
    # 2023/24 holds Apr–Jul 2023 and 1–15 Aug of the initial term (40,000 + 4,838.71), then from the
    # option 16 Aug 2023 to 15 Mar 2024 (70,000) and 16–31 Mar 2024 of the month to 15 Apr (16/31 of 10,000).
    assert spread == {
        2020: Decimal("120000.00"),
        2021: Decimal("120000.00"),
        2022: Decimal("120000.00"),
        2023: Decimal("120000.00"),
        2024: Decimal("120000.00"),
    }
    initial_only = financial_year_spread(PART_MONTH_START, Decimal("120000"), PART_MONTH_PARTS[:1])
    assert initial_only[2023] == Decimal("44838.71")
    assert sum(initial_only.values()) == Decimal("404838.71")


def test_a_part_month_crossing_31_march_is_split_by_days():
    # 1 Mar to 10 Apr 2024 is a month (to 31 Mar) and 10 days of the 30-day month of April: 1,200 + 400.
    spread = financial_year_spread(date(2024, 3, 1), Decimal("14400"), [date(2024, 4, 10)])
    assert spread == {2023: Decimal("1200.00"), 2024: Decimal("400.00")}
    # 16 Mar to 5 Apr 2024: 21 days of the 31-day month to 15 Apr, 16 of them in 2023/24.
    spread = financial_year_spread(date(2024, 3, 16), Decimal("3100"), [date(2024, 4, 5)])
    assert spread == {2023: Decimal("133.33"), 2024: Decimal("41.67")}
    assert sum(spread.values()) == period_values(Decimal("3100"), [Fraction(21, 31)])[0] == Decimal("175.00")


def test_an_uplift_prices_a_part_month_at_its_contract_years_rate():
    # 12 months at £12,000, then 15 of 30 days (1 to 15 Apr 2025) at 10% more: 12,000 + 550.
    assert period_values(Decimal("12000"), [12, Fraction(1, 2)], uplift_percent=Decimal("10")) == (
        Decimal("12000.00"),
        Decimal("550.00"),
    )


@st.composite
def mixed_terms(draw):
    start = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)))
    parts = []
    end = start - timedelta(days=1)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        if draw(st.booleans()):
            months = draw(st.integers(min_value=1, max_value=40))
            parts.append(months)
            end = period_end(end + timedelta(days=1), months)
        else:
            end = end + timedelta(days=draw(st.integers(min_value=1, max_value=1200)))
            parts.append(end)
    return start, parts


@settings(max_examples=80, deadline=None)
@given(mixed_terms(), amounts, uplifts)
def test_years_add_up_to_the_whole_value_with_parts_given_by_their_last_day(case, annual, uplift):
    start, parts = case
    lengths = [period.months for period in periods(start, parts)]
    spread = financial_year_spread(start, annual, parts, uplift_percent=uplift)
    assert sum(spread.values(), Decimal("0.00")) == whole_value(annual, lengths, uplift_percent=uplift)
    assert list(spread) == list(range(min(spread), max(spread) + 1))
    assert all(value.as_tuple().exponent == -2 for value in spread.values())


# From a whole-contract value back to the annual value


def test_the_annual_value_of_a_whole_value_comes_back_exactly():
    assert annual_value_for(Decimal("600000"), part_month_lengths()) == Decimal("120000.00")
    # 18m+6m at £333,333.33 a year is £500,000.00 + £166,666.67. The quotient, £333,333.34 (half of
    # £666,666.67, rounded up), would give £500,000.01 + £166,666.67: the penny below comes back exactly.
    assert annual_value_for(Decimal("666666.67"), [18, 6]) == Decimal("333333.33")
    assert annual_value_for(Decimal("666667.00"), [18, 6]) == Decimal("333333.50")


def test_a_whole_value_no_annual_value_gives_is_refused():
    # Ten years: each penny a year is ten pennies in the whole, so £1,000,000.05 cannot come back.
    with pytest.raises(ValueError, match="No annual value to the penny gives a whole value of £1,000,000.05"):
        annual_value_for(Decimal("1000000.05"), [120])


@settings(max_examples=150, deadline=None)
@given(mixed_terms(), amounts, uplifts)
def test_a_whole_value_round_trips_through_its_annual_value(case, annual, uplift):
    start, parts = case
    lengths = [period.months for period in periods(start, parts)]
    whole = whole_value(annual, lengths, uplift_percent=uplift)
    found = annual_value_for(whole, lengths, uplift_percent=uplift)
    assert whole_value(found, lengths, uplift_percent=uplift) == whole


# Funding partners


def test_support_at_home_is_funded_50_50():
    assert split_by_shares(Decimal("2660000"), [Decimal("50"), Decimal("50")]) == [
        Decimal("1330000.00"),
        Decimal("1330000.00"),
    ]


def test_shares_of_a_third_add_up_to_the_pound():
    shares = [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]

    assert split_by_shares(Decimal("100.00"), shares) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]


def test_a_leftover_penny_goes_to_the_earlier_share_on_a_tie():
    assert split_by_shares(Decimal("0.01"), [Decimal("50"), Decimal("50")]) == [
        Decimal("0.01"),
        Decimal("0.00"),
    ]


def test_leftover_pennies_go_to_the_largest_remainders():
    shares = [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]

    assert split_by_shares(Decimal("0.02"), shares) == [
        Decimal("0.01"),
        Decimal("0.00"),
        Decimal("0.01"),
    ]


def test_a_single_funder_takes_it_all():
    assert split_by_shares(Decimal("1432000"), [Decimal("100")]) == [Decimal("1432000.00")]


@pytest.mark.parametrize(
    "percents",
    [
        [Decimal("50"), Decimal("49.99")],
        [Decimal("60"), Decimal("60")],
        [Decimal("100"), Decimal("0")],
        [Decimal("150"), Decimal("-50")],
        [],
    ],
)
def test_shares_must_each_be_positive_and_add_up_to_100(percents):
    with pytest.raises(ValueError):
        split_by_shares(Decimal("100"), percents)


def test_it_says_what_the_shares_add_up_to():
    with pytest.raises(ValueError, match="must add up to 100%; these add up to 99.99%"):
        split_by_shares(Decimal("100"), [Decimal("50"), Decimal("49.99")])


def test_shares_refuse_floats():
    with pytest.raises(TypeError):
        split_by_shares(Decimal("100"), [50.0, 50.0])


@st.composite
def shares_adding_to_100(draw):
    # Cut 0..10000 hundredths of a percent at distinct points.
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=9999), max_size=7)))
    bounds = [0, *cuts, 10000]
    return [Decimal(high - low) / 100 for low, high in zip(bounds, bounds[1:])]


@settings(max_examples=150)
@given(amounts, shares_adding_to_100())
def test_funding_parts_add_up_to_the_amount_exactly(amount, shares):
    parts = split_by_shares(amount, shares)

    assert sum(parts, Decimal("0.00")) == to_money(amount)
    assert len(parts) == len(shares)
    for part, share in zip(parts, shares):
        assert abs(part - amount * share / 100) < PENNY


# Display


@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("2660000"), "£2,660,000.00"),
        (Decimal("23940000"), "£23,940,000.00"),
        (Decimal("641579.25"), "£641,579.25"),
        (Decimal("-540000"), "-£540,000.00"),
        (Decimal("0.005"), "£0.01"),
        (Decimal("-0.001"), "£0.00"),
        (Decimal("950"), "£950.00"),
        (5988073, "£5,988,073.00"),
    ],
)
def test_format_money_for_tables(value, text):
    assert format_money(value) == text


@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("2660000"), "£2.66m"),
        (Decimal("23400000"), "£23.4m"),
        (Decimal("23940000"), "£23.94m"),
        (Decimal("1000000"), "£1m"),
        (Decimal("43000000"), "£43m"),
        (Decimal("1432000"), "£1.43m"),
        (Decimal("319000"), "£319k"),
        (Decimal("95049"), "£95k"),
        (Decimal("1890000"), "£1.89m"),
        (Decimal("1120500"), "£1.12m"),
        (Decimal("999499.99"), "£999k"),
        (Decimal("999500"), "£1m"),
        (Decimal("1500"), "£2k"),
        (Decimal("1000"), "£1k"),
        (Decimal("950"), "£950"),
        (Decimal("950.50"), "£951"),
        (Decimal("999.50"), "£1k"),
        (Decimal("0"), "£0"),
        (Decimal("-540000"), "-£540k"),
        (Decimal("-23940000"), "-£23.94m"),
        (Decimal("-0.40"), "£0"),
    ],
)
def test_format_money_short_for_summaries(value, text):
    assert format_money_short(value) == text


@pytest.mark.parametrize("formatter", [format_money, format_money_short])
@pytest.mark.parametrize("value", [2660000.0, "2660000", None])
def test_formatting_refuses_anything_but_decimal_money(formatter, value):
    with pytest.raises(TypeError):
        formatter(value)
