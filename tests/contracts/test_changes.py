"""Contract changes (issue 12, part 2): what a change does to the term, the value
and the financial-year spread from its effective date, and never before it; the
legal grounds of each law and their limits; and the services that record a change
and apply and reverse a fee uplift."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts import changes, services
from contracts.changes import GROUNDS, Change, Measure, beyond_limits, grounds_for
from contracts.figures import ContractFacts, change_measures, contract_figures, figure_spans
from contracts.models import Contract, ContractChange, ContractFigures, FeeUplift
from contracts.money import financial_year_of
from contracts.terms import Decision, OptionStatus
from tests.conftest import ContractFactory, on

D = Decimal
NOTICE = 6
# Support@home: £2.66m a year, 5+2+2 from 1 Oct 2024 (seed 000).
SUPPORT_AT_HOME = ContractFacts(
    start=date(2024, 10, 1),
    parts=(60, 24, 24),
    decisions=(Decision(), Decision()),
    annual_value=D("2660000.00"),
)


def _figures(facts, day):
    return contract_figures(facts, today=day, notice_months=NOTICE)


# --- the pure rules ---------------------------------------------------------------------------


def test_a_value_change_counts_from_its_effective_date_and_never_before():
    changed = replace(SUPPORT_AT_HOME, changes=(Change(date(2027, 4, 1), D("133000.00")),))
    before = _figures(changed, date(2027, 3, 31))
    assert before.whole_life_value == D("23940000.00")
    assert before.annual_value == D("2660000.00")
    after = _figures(changed, date(2027, 4, 1))
    # £133,000 a year from 1 Apr 2027 to 30 Sep 2033 (every option still open): 6.5 years.
    assert after.whole_life_value == D("23940000.00") + D("864500.00")
    assert after.annual_value == D("2793000.00")
    assert after.year_values[2026] == D("2660000.00")  # 2026/27 ends the day before
    assert after.year_values[2027] == D("2793000.00")
    assert after.year_values[2033] == D("1396500.00")  # Apr-Sep 2033
    assert sum(after.year_values.values()) == after.whole_life_value
    # The initial term's value takes the change for its last 2.5 years only.
    assert after.period_values[0] == D("13300000.00") + D("332500.00")


def test_a_term_change_lengthens_the_period_the_contract_is_in_and_moves_the_options_on():
    changed = replace(SUPPORT_AT_HOME, changes=(Change(date(2027, 4, 1), term_change_months=6),))
    assert _figures(changed, date(2027, 3, 31)).schedule.initial_end == date(2029, 9, 30)
    after = _figures(changed, date(2027, 4, 1))
    assert after.schedule.initial_end == date(2030, 3, 31)
    assert after.schedule.final_end == date(2034, 3, 31)
    assert after.whole_life_value == D("23940000.00") + D("1330000.00")
    # The option's deadline moves with the end it extends.
    assert after.schedule.next_decision_deadline == date(2029, 9, 30)


def test_a_term_change_in_an_option_exercised_lengthens_that_option():
    facts = replace(
        SUPPORT_AT_HOME,
        decisions=(Decision(OptionStatus.EXERCISED, date(2029, 1, 10)), Decision()),
        changes=(Change(date(2030, 6, 1), term_change_months=3),),
    )
    after = _figures(facts, date(2030, 6, 1))
    assert after.schedule.initial_end == date(2029, 9, 30)
    assert after.schedule.current_end == date(2031, 12, 31)
    assert after.schedule.final_end == date(2033, 12, 31)


def test_a_term_cut_short_before_the_change_takes_effect_is_refused():
    facts = replace(SUPPORT_AT_HOME, changes=(Change(date(2029, 6, 1), term_change_months=-6),))
    with pytest.raises(ValueError, match="before the change takes effect on 1 Jun 2029"):
        _figures(facts, date(2029, 6, 1))


def test_a_value_change_on_the_day_after_the_end_does_nothing_to_the_value():
    facts = replace(SUPPORT_AT_HOME, decisions=(Decision(OptionStatus.DECLINED, date(2029, 1, 1)), Decision()))
    later = replace(facts, changes=(Change(date(2029, 10, 1), D("100000.00")),))
    assert _figures(later, date(2030, 1, 1)).whole_life_value == D("13300000.00")


WINTER_PRESSURE = Change(date(2027, 1, 1), one_off_value_change=D("40000.00"))


def test_a_one_off_change_counts_once_in_full_on_its_day_in_its_financial_year_only():
    unchanged = {day: _figures(SUPPORT_AT_HOME, day) for day in (date(2026, 12, 31), date(2027, 1, 1))}
    changed = replace(SUPPORT_AT_HOME, changes=(WINTER_PRESSURE,))
    # As of the day before, nothing changes.
    assert _figures(changed, date(2026, 12, 31)) == unchanged[date(2026, 12, 31)]
    after = _figures(changed, date(2027, 1, 1))
    before = unchanged[date(2027, 1, 1)]
    assert after.whole_life_value == D("23980000.00") == before.whole_life_value + D("40000.00")
    # In the initial term, committed on the day: the committed value takes it too.
    assert after.committed_value == D("13340000.00")
    assert after.period_values == (D("13340000.00"), D("5320000.00"), D("5320000.00"))
    # Not an amount a year: the annual value and its funding stay as they were.
    assert after.annual_value == D("2660000.00")
    # 2026/27 only; every other year as before.
    assert after.year_values[2026] == D("2700000.00")
    assert {year: value for year, value in after.year_values.items() if year != 2026} == {
        year: value for year, value in before.year_values.items() if year != 2026
    }
    assert sum(after.year_values.values()) == after.whole_life_value
    assert after.changes == (WINTER_PRESSURE,)


def test_a_one_off_credit_takes_away_in_the_option_exercised_it_falls_in():
    facts = replace(
        SUPPORT_AT_HOME,
        decisions=(Decision(OptionStatus.EXERCISED, date(2029, 2, 1)), Decision()),
        changes=(Change(date(2030, 5, 15), one_off_value_change=D("-12500.00")),),
    )
    before = _figures(facts, date(2030, 5, 14))
    assert (before.whole_life_value, before.committed_value) == (D("23940000.00"), D("18620000.00"))
    after = _figures(facts, date(2030, 5, 15))
    assert after.whole_life_value == D("23927500.00")
    assert after.committed_value == D("18607500.00")  # option 1, exercised, runs 1 Oct 2029 to 30 Sep 2031
    assert after.period_values[1] == D("5307500.00")
    assert after.year_values[2030] == D("2647500.00")
    assert after.year_values[2029] == D("2660000.00") and after.year_values[2031] == D("2660000.00")
    assert after.annual_value == D("2660000.00")
    assert sum(after.year_values.values()) == after.whole_life_value


def test_a_one_off_change_on_the_last_day_counts_and_on_the_day_after_counts_for_nothing():
    ended = replace(SUPPORT_AT_HOME, decisions=(Decision(OptionStatus.DECLINED, date(2029, 1, 1)), Decision()))
    last_day = replace(ended, changes=(Change(date(2029, 9, 30), one_off_value_change=D("40000.00")),))
    assert _figures(last_day, date(2030, 1, 1)).whole_life_value == D("13340000.00")
    assert _figures(last_day, date(2030, 1, 1)).year_values[2029] == D("1370000.00")
    day_after = replace(ended, changes=(Change(date(2029, 10, 1), one_off_value_change=D("40000.00")),))
    assert _figures(day_after, date(2030, 1, 1)).whole_life_value == D("13300000.00")


def test_a_change_may_carry_an_amount_a_year_and_a_one_off_amount_and_is_measured_by_both():
    changed = replace(
        SUPPORT_AT_HOME,
        changes=(
            Change(date(2027, 4, 1), D("133000.00"), one_off_value_change=D("40000.00")),
            Change(date(2028, 1, 1), one_off_value_change=D("-12500.00")),
        ),
    )
    after = _figures(changed, date(2028, 1, 1))
    assert after.annual_value == D("2793000.00")
    assert after.whole_life_value == D("23940000.00") + D("864500.00") + D("40000.00") - D("12500.00")
    assert after.year_values[2027] == D("2793000.00") + D("40000.00") - D("12500.00")
    first, second = change_measures(changed, notice_months=NOTICE)
    # Its size for its ground's limit is what it does to the whole-life value: both amounts.
    assert (first.value_change, first.value_before, first.cumulative_value_change) == (
        D("904500.00"),
        D("23940000.00"),
        D("904500.00"),
    )
    # A one-off change's size is its amount; the changes so far take it in.
    assert (second.value_change, second.value_before, second.cumulative_value_change) == (
        D("-12500.00"),
        D("24844500.00"),
        D("892000.00"),
    )


def test_a_one_off_change_is_measured_against_its_grounds_limits_by_its_amount():
    big = replace(SUPPORT_AT_HOME, changes=(Change(date(2027, 1, 1), one_off_value_change=D("11970000.01")),))
    (measure,) = change_measures(big, notice_months=NOTICE)
    assert beyond_limits(changes.GROUND_BY_CODE["pa_urgency"], measure, threshold=None) == [
        "Urgency (Procurement Act 2023, Sch 8) allows each change at most 50% of the value before it "
        "(£11,970,000.00); this change is £11,970,000.01."
    ]
    (within,) = change_measures(
        replace(SUPPORT_AT_HOME, changes=(Change(date(2027, 1, 1), one_off_value_change=D("11970000.00")),)),
        notice_months=NOTICE,
    )
    assert beyond_limits(changes.GROUND_BY_CODE["pa_urgency"], within, threshold=None) == []


def test_the_spans_kept_for_sql_break_on_the_day_a_change_takes_effect():
    changed = replace(SUPPORT_AT_HOME, changes=(Change(date(2027, 4, 1), D("133000.00")),))
    spans = figure_spans(changed, notice_months=NOTICE)
    assert any(span.valid_from == date(2027, 4, 1) for span in spans)
    on_the_day = next(span for span in spans if span.valid_from <= date(2027, 4, 1) <= span.valid_to)
    assert on_the_day.whole_life_value == D("24804500.00")


def test_each_change_is_measured_against_the_contract_as_entered_into():
    changed = replace(
        SUPPORT_AT_HOME,
        changes=(Change(date(2027, 4, 1), D("133000.00")), Change(date(2028, 4, 1), term_change_months=6)),
    )
    first, second = change_measures(changed, notice_months=NOTICE)
    assert first == Measure(
        value_change=D("864500.00"),
        value_before=D("23940000.00"),
        cumulative_value_change=D("864500.00"),
        original_value=D("23940000.00"),
        cumulative_term_months=0,
        original_term_months=108,
    )
    # Six months more at £2,793,000 a year.
    assert second.value_change == D("1396500.00")
    assert second.cumulative_value_change == D("2261000.00")
    assert second.cumulative_term_months == 6


@settings(max_examples=60, deadline=None)
@given(
    effective=st.dates(min_value=date(2024, 10, 1), max_value=date(2033, 9, 30)),
    amount=st.decimals(min_value=-2000000, max_value=2000000, places=2),
    months=st.integers(min_value=-12, max_value=24),
    one_off=st.decimals(min_value=-2000000, max_value=2000000, places=2),
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 1, 1)),
    exercised=st.booleans(),
)
def test_figures_for_any_day_before_a_change_are_unchanged_by_it(effective, amount, months, one_off, day, exercised):
    """The property of issue 12: a change counts from its effective date, never before."""
    facts = replace(
        SUPPORT_AT_HOME,
        decisions=(Decision(OptionStatus.EXERCISED, date(2029, 2, 1)) if exercised else Decision(), Decision()),
    )
    change = Change(effective, amount, months, one_off)
    changed = replace(facts, changes=(change,))
    try:
        on_effective = _figures(changed, max(day, effective))
    except ValueError:
        return  # a change the service refuses (the term cut short before it)
    if day < effective:
        assert _figures(changed, day) == _figures(facts, day)
    else:
        assert on_effective.changes == (change,)
        # Whatever it does, the years still add up to the whole-life value.
        assert sum(on_effective.year_values.values()) == on_effective.whole_life_value
        # The one-off amount adds to the whole-life value once, in its own financial year, when its day is in
        # the term; never to the annual value.
        without = _figures(replace(facts, changes=(Change(effective, amount, months),)), max(day, effective))
        in_term = any(
            on_effective.schedule.periods[i].start <= effective <= on_effective.schedule.periods[i].end
            for i in on_effective.schedule.included_periods
        )
        added = one_off if in_term else D("0.00")
        assert on_effective.whole_life_value - without.whole_life_value == added
        assert on_effective.annual_value == without.annual_value
        year = financial_year_of(effective)
        assert on_effective.year_values.get(year, D("0.00")) - without.year_values.get(year, D("0.00")) == added
        assert {y: v for y, v in on_effective.year_values.items() if y != year} == {
            y: v for y, v in without.year_values.items() if y != year
        }


def test_every_law_has_its_grounds_and_one_provided_for_in_the_contract():
    for legislation in ("pa_2023", "pcr_2015", "psr", "none"):
        grounds = grounds_for(legislation)
        assert grounds
        assert sum(ground.provided_for for ground in grounds) == 1
    assert len({ground.code for ground in GROUNDS}) == len(GROUNDS)
    assert [g.code for g in grounds_for("pcr_2015")] == [
        "pcr_72_1_a",
        "pcr_72_1_b",
        "pcr_72_1_c",
        "pcr_72_1_d",
        "pcr_72_1_e",
        "pcr_72_5",
    ]


MILLION = D("1000000.00")


def _measure(value_change, cumulative=None, *, original=MILLION, before=None, term=0, original_term=60):
    return Measure(
        value_change=D(value_change),
        value_before=before if before is not None else original,
        cumulative_value_change=D(cumulative if cumulative is not None else value_change),
        original_value=original,
        cumulative_term_months=term,
        original_term_months=original_term,
    )


@pytest.mark.parametrize(
    "code, measure, beyond",
    [
        # Urgency and unforeseeable circumstances: each change at most 50% of the value before it.
        ("pa_urgency", _measure("500000.00"), False),
        ("pa_urgency", _measure("500000.01"), True),
        ("pa_unforeseeable", _measure("600000.00", before=D("1200000.00")), False),
        ("pcr_72_1_c", _measure("500000.01"), True),
        # Below threshold: 10% of the original value, below the threshold, 10% of the term.
        ("pa_below_threshold", _measure("100000.00"), False),
        ("pa_below_threshold", _measure("100000.01"), True),
        ("pa_below_threshold", _measure("0.00", term=6), False),
        ("pa_below_threshold", _measure("0.00", term=7), True),
        ("pcr_72_5", _measure("-100000.00"), False),
        ("pcr_72_5", _measure("-100000.01"), True),
        # PSR reg 13(2)(b): below £500,000, or less than 25% of the original lifetime value.
        ("psr_13_d", _measure("499999.99", original=D("1000000.00")), False),
        ("psr_13_d", _measure("500000.00", original=D("1000000.00")), True),
        ("psr_13_d", _measure("600000.00", original=D("4000000.00")), False),
        ("psr_13_d", _measure("1000000.00", original=D("4000000.00")), True),
        # Grounds without a limit this register can check.
        ("pa_known_risk", _measure("900000.00"), False),
        ("pcr_72_1_e", _measure("900000.00"), False),
    ],
)
def test_the_limits_of_each_ground(code, measure, beyond):
    reasons = beyond_limits(changes.GROUND_BY_CODE[code], measure, threshold=D("663540.00"))
    assert bool(reasons) is beyond, reasons


def test_below_threshold_means_below_the_threshold_in_money_too():
    measure = _measure("663540.00", original=D("10000000.00"))
    reasons = beyond_limits(changes.GROUND_BY_CODE["pa_below_threshold"], measure, threshold=D("663540.00"))
    assert reasons == ["The changes so far come to £663,540.00, not below the threshold of £663,540.00."]


# --- the services ------------------------------------------------------------------------------


def _contract(**overrides) -> Contract:
    values = dict(
        reference="LBB-SAH-2024",
        title="Support at home",
        start_date=date(2024, 10, 1),
        term="5+2+2",
        annual_value=D("2660000.00"),
        legislation=Contract.Legislation.PA_2023,
        route=Contract.Route.LIGHT_TOUCH,
    )
    values.update(overrides)
    return ContractFactory(**values)


@pytest.mark.django_db
def test_a_change_is_saved_and_the_stored_figures_follow_it_from_its_day():
    contract = _contract()
    change = services.contract_change_record(
        contract=contract,
        effective_on=date(2027, 4, 1),
        ground="pa_provided_for",
        description="  Price review under clause 12.  ",
        annual_value_change=D("133000.00"),
    )
    saved = ContractChange.objects.get()
    assert saved == change
    assert (saved.effective_on, saved.annual_value_change, saved.description) == (
        date(2027, 4, 1),
        D("133000.00"),
        "Price review under clause 12.",
    )
    assert saved.what_changed == ["value"]
    assert on(contract, date(2027, 3, 31)).whole_life_value == D("23940000.00")
    assert on(contract, date(2027, 4, 1)).whole_life_value == D("24804500.00")
    assert ContractFigures.objects.filter(contract=contract, valid_from=date(2027, 4, 1)).exists()


@pytest.mark.django_db
def test_a_one_off_change_is_saved_and_the_stored_figures_take_it_on_its_day_only():
    contract = _contract()
    change = services.contract_change_record(
        contract=contract,
        effective_on=date(2027, 1, 1),
        ground="pa_non_substantial",
        description="Extra hours for the winter pressure.",
        one_off_value_change=D("40000.00"),
    )
    saved = ContractChange.objects.get()
    assert saved == change
    assert (saved.effective_on, saved.annual_value_change, saved.one_off_value_change, saved.term_change_months) == (
        date(2027, 1, 1),
        D("0.00"),
        D("40000.00"),
        0,
    )
    assert saved.what_changed == ["value"]
    assert saved.fact == WINTER_PRESSURE
    before, after = on(contract, date(2026, 12, 31)), on(contract, date(2027, 1, 1))
    assert (before.whole_life_value, before.committed_value) == (D("23940000.00"), D("13300000.00"))
    assert (after.whole_life_value, after.committed_value) == (D("23980000.00"), D("13340000.00"))
    assert after.current_annual_value == D("2660000.00")
    stored = ContractFigures.objects.get(contract=contract, valid_from=date(2027, 1, 1))
    assert stored.whole_life_value == D("23980000.00")
    # The last day of the term is the latest a one-off amount can take effect.
    services.contract_change_record(
        contract=contract,
        effective_on=date(2029, 9, 30),
        ground="pa_non_substantial",
        description="A credit for visits missed.",
        one_off_value_change=D("-12500.00"),
    )
    assert on(contract, date(2029, 9, 30)).whole_life_value == D("23967500.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"ground": "pcr_72_1_a"}, "ground", "Procurement Act 2023"),
        ({"annual_value_change": D("0")}, "__all__", "Say what changed"),
        ({"effective_on": date(2024, 9, 30)}, "effective_on", "before the contract starts on 1 Oct 2024"),
        ({"annual_value_change": D("-2660000.01")}, "annual_value_change", "below nothing"),
        (
            {"annual_value_change": D("0"), "term_change_months": -60, "effective_on": date(2029, 6, 1)},
            "term_change_months",
            "before the change takes effect",
        ),
        # Every option open lapses on 1 Oct 2029: the contract ends on 30 Sep 2029.
        (
            {"annual_value_change": D("0"), "one_off_value_change": D("40000.00"), "effective_on": date(2029, 10, 1)},
            "effective_on",
            "The contract ends on 30 Sep 2029: a one-off amount is counted on the day it takes effect, "
            "so that day must be within the term.",
        ),
        (
            {"annual_value_change": D("0"), "one_off_value_change": D("0"), "effective_on": date(2029, 10, 1)},
            "__all__",
            "Say what changed: the annual value, a one-off amount, the term, the scope or the supplier.",
        ),
    ],
)
def test_a_change_that_cannot_be_is_refused_and_nothing_is_saved(values, field, message):
    contract = _contract()
    arguments = dict(
        contract=contract,
        effective_on=date(2027, 4, 1),
        ground="pa_provided_for",
        description="Price review.",
        annual_value_change=D("133000.00"),
    )
    arguments.update(values)
    with pytest.raises(ValidationError) as error:
        services.contract_change_record(**arguments)
    assert message in " ".join(error.value.message_dict[field])
    assert not ContractChange.objects.exists()


@pytest.mark.django_db
def test_a_change_beyond_its_grounds_limit_needs_a_reason_to_stand():
    contract = _contract()
    arguments = dict(
        contract=contract,
        effective_on=date(2027, 4, 1),
        ground="pa_urgency",
        description="Emergency cover for a failed provider.",
        annual_value_change=D("2000000.00"),  # £13m over the 6.5 years left: more than half of £23.94m
    )
    with pytest.raises(ValidationError) as error:
        services.contract_change_record(**arguments)
    messages = error.value.message_dict["override_reason"]
    assert messages[0] == (
        "Urgency (Procurement Act 2023, Sch 8) allows each change at most 50% of the value before it "
        "(£11,970,000.00); this change is £13,000,000.00."
    )
    assert not ContractChange.objects.exists()
    services.contract_change_record(**arguments, override_reason="Legal advice of 3 Mar 2027 attached.")
    assert ContractChange.objects.get().override_reason == "Legal advice of 3 Mar 2027 attached."


@pytest.mark.django_db
def test_a_change_can_be_withdrawn_until_it_takes_effect():
    contract = _contract()
    change = services.contract_change_record(
        contract=contract,
        effective_on=date(2027, 4, 1),
        ground="pa_provided_for",
        description="Price review.",
        annual_value_change=D("133000.00"),
    )
    with pytest.raises(ValidationError, match="took effect on 1 Apr 2027"):
        services.contract_change_withdraw(change=change, today=date(2027, 4, 1))
    assert ContractChange.objects.exists()
    services.contract_change_withdraw(change=change, today=date(2027, 3, 31))
    assert not ContractChange.objects.exists()
    assert on(contract, date(2027, 4, 1)).whole_life_value == D("23940000.00")


@pytest.mark.django_db
def test_a_fee_uplift_applies_to_the_contracts_chosen_and_leaves_out_the_rest_with_the_reason():
    plain = _contract(reference="A-1", annual_value=D("100000.00"))
    indexed = _contract(reference="A-2", annual_uplift_percent=D("2.00"))
    changed = _contract(reference="A-3", annual_value=D("50000.00"))
    services.contract_change_record(
        contract=changed,
        effective_on=date(2026, 10, 1),
        ground="pa_provided_for",
        description="Price review.",
        annual_value_change=D("1000.00"),
    )
    ended = _contract(reference="A-4", start_date=date(2019, 4, 1), term="3", legislation="pcr_2015")
    uplift, plan = services.fee_uplift_apply(
        title="Care fee uplift 2027/28",
        basis=FeeUplift.Basis.NATIONAL_LIVING_WAGE,
        percent=D("6.70"),
        effective_on=date(2027, 4, 1),
        contract_ids=[plain.pk, indexed.pk, changed.pk, ended.pk],
        changed_since=date(2026, 4, 1),
    )
    assert [line.contract.reference for line in plan.included] == ["A-1"]
    assert [line.excluded for line in plan.excluded] == [
        "Has its own indexation (2% a year).",
        "Changed recently (a change from 1 Oct 2026).",
        "Ended before the uplift, on 31 Mar 2022.",
    ]
    change = ContractChange.objects.get(uplift=uplift)
    assert (change.contract, change.annual_value_change, change.ground) == (plain, D("6700.00"), "pa_provided_for")
    # 6.7% of £100,000 a year from 1 Apr 2027 to 30 Sep 2033.
    assert plan.whole_life_change == D("43550.00")
    assert plan.by_year[2027] == D("6700.00")
    assert plan.by_year[2033] == D("3350.00")
    assert on(plain, date(2027, 4, 1)).whole_life_value == D("900000.00") + D("43550.00")


@pytest.mark.django_db
def test_a_fee_uplift_splits_its_money_by_the_funding_shares():
    from tests.conftest import OrganisationFactory

    council, icb = OrganisationFactory(name="London Borough of Bromley"), OrganisationFactory(name="SEL ICB")
    contract = _contract(
        annual_value=D("100000.00"),
        lead_commissioner=council,
        funding=[services.Share(council, D("50")), services.Share(icb, D("50"))],
    )
    plan = services.uplift_plan(
        list(services.uplift_contracts([contract.pk])), percent=D("3.33"), effective_on=date(2027, 1, 1)
    )
    (line,) = plan.included
    assert line.annual_change == D("3330.00")
    funders = {name: years for name, years, _ in plan.by_funder}
    assert funders[icb.name][2026] + funders[council.name][2026] == plan.by_year[2026]
    assert not ContractChange.objects.exists()  # a plan saves nothing


@pytest.mark.django_db
def test_a_fee_uplift_is_reversible_until_it_takes_effect():
    contract = _contract(annual_value=D("100000.00"))
    uplift, _ = services.fee_uplift_apply(
        title="CPI uplift",
        basis=FeeUplift.Basis.CPI,
        percent=D("2.50"),
        effective_on=date(2027, 4, 1),
        contract_ids=[contract.pk],
    )
    with pytest.raises(ValidationError, match="took effect on 1 Apr 2027"):
        services.fee_uplift_reverse(uplift=uplift, today=date(2027, 4, 1), reason="Wrong rate.")
    assert ContractChange.objects.filter(uplift=uplift).count() == 1
    services.fee_uplift_reverse(uplift=uplift, today=date(2027, 3, 1), reason="Wrong rate.")
    uplift.refresh_from_db()
    assert (uplift.reversed_on, uplift.reversal_reason) == (date(2027, 3, 1), "Wrong rate.")
    assert not ContractChange.objects.exists()
    assert on(contract, date(2027, 4, 1)).whole_life_value == D("900000.00")
    with pytest.raises(ValidationError, match="reversed on 1 Mar 2027"):
        services.fee_uplift_reverse(uplift=uplift, today=date(2027, 3, 1), reason="Again.")


@pytest.mark.django_db
def test_a_fee_uplift_that_applies_to_nothing_saves_nothing():
    contract = _contract(annual_uplift_percent=D("1.00"))
    with pytest.raises(ValidationError, match="applies to none of the contracts"):
        services.fee_uplift_apply(
            title="CPI uplift",
            basis=FeeUplift.Basis.CPI,
            percent=D("2.50"),
            effective_on=date(2027, 4, 1),
            contract_ids=[contract.pk],
        )
    assert not FeeUplift.objects.exists()
    assert not ContractChange.objects.exists()


@pytest.mark.django_db
def test_the_admin_shows_changes_and_uplifts_but_never_changes_them(admin_client):
    from django.urls import reverse

    contract = _contract()
    change = services.contract_change_record(
        contract=contract,
        effective_on=date(2027, 4, 1),
        ground="pa_provided_for",
        description="Price review.",
        annual_value_change=D("133000.00"),
    )
    assert admin_client.get(reverse("admin:contracts_contractchange_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:contracts_contractchange_change", args=[change.pk])).status_code == 200
    assert admin_client.get(reverse("admin:contracts_contractchange_add")).status_code == 403
    assert admin_client.post(reverse("admin:contracts_contractchange_delete", args=[change.pk])).status_code == 403
    assert admin_client.get(reverse("admin:contracts_feeuplift_add")).status_code == 403
    assert ContractChange.objects.get() == change


@pytest.mark.django_db
def test_the_lists_and_the_dashboard_take_the_annual_value_with_the_changes_in_effect(client_for, manager):
    from django.urls import reverse

    from commissioning.overview.dashboard import expiry_bands

    contract = _contract(start_date=date(2022, 10, 1), term="5", annual_value=D("100000.00"))
    services.contract_change_record(
        contract=contract,
        effective_on=date(2027, 4, 1),
        ground="pa_provided_for",
        description="Price review.",
        annual_value_change=D("6700.00"),
    )
    assert on(contract, date(2027, 3, 31)).current_annual_value == D("100000.00")
    assert on(contract, date(2027, 4, 1)).current_annual_value == D("106700.00")
    # Ending on 30 Sep 2027, within 6 months of 1 Apr 2027: its money at stake is the changed value.
    assert expiry_bands(today=date(2027, 3, 31)).by_current_end[0].annual == D("100000.00")
    assert expiry_bands(today=date(2027, 4, 1)).by_current_end[0].annual == D("106700.00")
    page = client_for(manager).get(reverse("contracts:contract_list"), {"as_of": "2027-04-01"}).content.decode()
    assert '<td class="num" data-label="Annual value">£106,700.00</td>' in page
