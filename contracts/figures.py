"""A contract's figures on a day, computed from its facts: the one place.

Facts are what officers record: the start, the term, the annual value and
uplift, each option decision with its date, the approved value, funding shares
and spend per financial year. Every figure a page, an export or a filter shows
for a day D (period dates, option statuses including lapse, deadlines, current
and final end, status, committed and whole-life values, the financial-year
spread, the funding split, projected against approved, spend against
projection) comes from ``contract_figures(facts, today=D)``, using only the
facts dated on or before D.

``figure_spans`` cuts time into the spans over which the figures SQL filters
and sorts on stay the same; the register stores them (``ContractFigures``) so
that a list "as of" any day is a query, and a property test holds the stored
spans equal to this function. No Django here.

A register may not know a contract's start, the end of its initial term or its
value (``missing_facts``). With no dates there are no figures at all
(``contract_figures`` gives None, ``figure_spans`` no span); with dates but no
value, the dates and statuses are worked out and every money figure is None.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from contracts.changes import (
    Change,
    Measure,
    annual_value_on,
    changed_parts,
    counted,
    period_value_changes,
    year_value_changes,
)
from contracts.money import (
    Variance,
    financial_year_spread,
    period_values,
    split_by_shares,
    variance,
)
from contracts.terms import Decision, OptionStatus, Part, Schedule, schedule

_ONE_DAY = timedelta(days=1)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ContractFacts:
    start: date | None  # None when the register does not know it
    # The initial term, then each option: months or the last day (``terms.Part``).
    # The initial term is None when neither a term nor an end date is known.
    parts: tuple[Part | None, ...]
    decisions: tuple[Decision, ...]  # one per option, in order
    annual_value: Decimal | None
    uplift_percent: Decimal = Decimal("0")
    approved_value: Decimal | None = None
    funding_percents: tuple[Decimal, ...] = ()
    spend: Mapping[int, Decimal] = field(default_factory=dict)  # financial year -> actual spend
    # Changes to the value and the term, each counting from its effective date (contracts.changes).
    changes: tuple[Change, ...] = ()


START_DATE = "start date"
END_DATE = "end date"
VALUE = "value"


def missing_facts(facts: ContractFacts) -> tuple[str, ...]:
    """What the register does not know about a contract, of the start date,
    the end date (no term and no end of the initial term) and the value. A
    contract missing any is incomplete: left out of the figures that need it."""
    missing = []
    if facts.start is None:
        missing.append(START_DATE)
    if not facts.parts or facts.parts[0] is None:
        missing.append(END_DATE)
    if facts.annual_value is None:
        missing.append(VALUE)
    return tuple(missing)


def has_dates(facts: ContractFacts) -> bool:
    """Whether the contract's periods can be worked out: its start and the end of its initial term are known."""
    return not {START_DATE, END_DATE} & set(missing_facts(facts))


@dataclass(frozen=True)
class SpendComparison:
    """Spend set against the projection for the same years only: the years
    with spend recorded, or that have ended, by the day."""

    years: tuple[int, ...]
    spent: Decimal
    projected: Decimal
    variance: Variance
    years_over: tuple[int, ...]  # a single year above its own projection is flagged too
    excess: Decimal  # what the years over spent above their own projections

    @property
    def is_over(self) -> bool:
        return bool(self.years_over) or self.variance.is_over


@dataclass(frozen=True)
class Figures:
    today: date
    schedule: Schedule
    # Every period of the term, taken or not. The money figures are None, and
    # there are no year values, when the register does not know the value.
    period_values: tuple[Decimal | None, ...]
    committed_value: Decimal | None
    whole_life_value: Decimal | None
    year_values: dict[int, Decimal]  # what the whole-life value covers, by financial year
    approved_variance: Variance | None
    spend_by_year: dict[int, Decimal]  # spend recorded for the years begun by the day
    spend: SpendComparison | None
    funding_annual: tuple[Decimal, ...]  # the annual value split by the funding shares
    funding_whole_life: tuple[Decimal, ...]
    # The annual value with the value changes in effect on the day; None when not known.
    annual_value: Decimal | None = None
    changes: tuple[Change, ...] = ()  # the changes in effect on the day, in order

    @property
    def initial_value(self) -> Decimal | None:
        return self.period_values[0]

    @property
    def value_known(self) -> bool:
        return self.whole_life_value is not None


def _spend_on(facts: ContractFacts, today: date) -> dict[int, Decimal]:
    # A year's spend cannot be known before the year begins.
    return {year: amount for year, amount in sorted(facts.spend.items()) if date(year, 4, 1) <= today}


def _compare_spend(spend: Mapping[int, Decimal], year_values: Mapping[int, Decimal], today: date):
    if not spend:
        return None
    ended = {year for year in year_values if date(year + 1, 3, 31) < today}
    years = tuple(sorted(set(spend) | ended))
    spent = sum((spend.get(year, ZERO) for year in years), ZERO)
    projected = sum((year_values.get(year, ZERO) for year in years), ZERO)
    over = tuple(year for year in years if spend.get(year, ZERO) > year_values.get(year, ZERO))
    excess = sum((spend[year] - year_values.get(year, ZERO) for year in over), ZERO)
    return SpendComparison(
        years=years,
        spent=spent,
        projected=projected,
        variance=variance(spent, projected),
        years_over=over,
        excess=excess,
    )


def contract_figures(facts: ContractFacts, *, today: date, notice_months: int) -> Figures | None:
    """Every figure of the contract on ``today``, from the facts dated on or
    before it; None when its dates are not known (``has_dates``)."""
    if not has_dates(facts):
        return None
    changes = counted(facts.changes, today)
    parts = (
        changed_parts(facts.start, facts.parts, facts.decisions, changes, notice_months=notice_months)
        if changes
        else facts.parts
    )
    result = schedule(facts.start, parts, facts.decisions, today=today, notice_months=notice_months)
    spend = _spend_on(facts, today)
    if facts.annual_value is None:
        return Figures(
            today=today,
            schedule=result,
            period_values=tuple(None for _ in result.periods),
            committed_value=None,
            whole_life_value=None,
            year_values={},
            approved_variance=None,
            spend_by_year=spend,
            spend=None,
            funding_annual=(),
            funding_whole_life=(),
            changes=changes,
        )
    base_values = period_values(
        facts.annual_value, [period.months for period in result.periods], uplift_percent=facts.uplift_percent
    )
    values = tuple(
        value + added for value, added in zip(base_values, period_value_changes(result.periods, changes), strict=True)
    )
    included = result.included_periods
    committed_value = sum((values[i] for i in result.committed_periods), ZERO)
    whole_life_value = sum((values[i] for i in included), ZERO)
    # Included periods are always the first ones: options are taken in order.
    year_values = financial_year_spread(
        facts.start,
        facts.annual_value,
        parts[: len(included)],
        uplift_percent=facts.uplift_percent,
    )
    for year, added in year_value_changes([result.periods[i] for i in included], changes).items():
        year_values[year] = year_values.get(year, ZERO) + added
    year_values = dict(sorted(year_values.items()))
    annual_value = annual_value_on(facts.annual_value, changes)
    percents = list(facts.funding_percents)
    return Figures(
        today=today,
        schedule=result,
        period_values=values,
        committed_value=committed_value,
        whole_life_value=whole_life_value,
        year_values=year_values,
        approved_variance=(
            variance(whole_life_value, facts.approved_value) if facts.approved_value is not None else None
        ),
        spend_by_year=spend,
        spend=_compare_spend(spend, year_values, today),
        funding_annual=tuple(split_by_shares(annual_value, percents)) if percents else (),
        funding_whole_life=tuple(split_by_shares(whole_life_value, percents)) if percents else (),
        annual_value=annual_value,
        changes=changes,
    )


def as_entered_into(facts: ContractFacts, *, notice_months: int) -> Figures | None:
    """The contract's figures as it was entered into: every option open (so the
    whole-life value is the original maximum value, and ``schedule.included_months``
    the original maximum term) and no change. None when its dates are not known."""
    undecided = tuple(Decision(OptionStatus.AVAILABLE) for _ in facts.decisions)
    return contract_figures(
        replace(facts, changes=(), decisions=undecided), today=facts.start, notice_months=notice_months
    )


def change_measures(facts: ContractFacts, *, notice_months: int) -> tuple[Measure, ...] | None:
    """Each change of ``facts.changes`` (in the order they take effect) measured
    on the day it takes effect against the contract as it was entered into: the
    maximum value and term with every option taken and no change. None when the
    contract's dates or value are not known."""
    if not has_dates(facts) or facts.annual_value is None:
        return None
    ordered = tuple(sorted(facts.changes, key=lambda change: change.effective))
    original = as_entered_into(facts, notice_months=notice_months)
    original_months = original.schedule.included_months
    measures = []
    cumulative_value = ZERO
    cumulative_months = 0
    for index, change in enumerate(ordered):
        before = contract_figures(
            replace(facts, changes=ordered[:index]), today=change.effective, notice_months=notice_months
        )
        after = contract_figures(
            replace(facts, changes=ordered[: index + 1]), today=change.effective, notice_months=notice_months
        )
        value_change = after.whole_life_value - before.whole_life_value
        cumulative_value += value_change
        cumulative_months += change.term_change_months
        measures.append(
            Measure(
                value_change=value_change,
                value_before=before.whole_life_value,
                cumulative_value_change=cumulative_value,
                original_value=original.whole_life_value,
                cumulative_term_months=cumulative_months,
                original_term_months=original_months,
            )
        )
    return tuple(measures)


@dataclass(frozen=True)
class FigureSpan:
    """Days ``valid_from`` to ``valid_to`` (inclusive) over which the figures
    kept for SQL are the same. Status and lateness are not kept: they follow
    from these dates and the day, in SQL as in ``terms.schedule``."""

    valid_from: date
    valid_to: date
    initial_end: date
    current_end: date
    final_end: date
    next_option: int | None
    next_decision_deadline: date | None
    options_exercised: int
    committed_value: Decimal | None  # None when the value is not known
    whole_life_value: Decimal | None
    year_values: tuple[tuple[int, Decimal], ...]
    annual_value: Decimal | None = None  # with the changes in effect on these days

    def kept(self) -> tuple:
        return (
            self.current_end,
            self.final_end,
            self.next_option,
            self.next_decision_deadline,
            self.options_exercised,
            self.committed_value,
            self.whole_life_value,
            self.year_values,
            self.annual_value,
        )


def _span_from(figures: Figures, valid_from: date, valid_to: date) -> FigureSpan:
    result = figures.schedule
    return FigureSpan(
        valid_from=valid_from,
        valid_to=valid_to,
        initial_end=result.initial_end,
        current_end=result.current_end,
        final_end=result.final_end,
        next_option=result.next_option,
        next_decision_deadline=result.next_decision_deadline,
        options_exercised=result.options_exercised,
        committed_value=figures.committed_value,
        whole_life_value=figures.whole_life_value,
        year_values=tuple(figures.year_values.items()),
        annual_value=figures.annual_value,
    )


def figure_spans(facts: ContractFacts, *, notice_months: int) -> list[FigureSpan]:
    """The figures kept for SQL, for every day from ``date.min`` to ``date.max``.

    They change only on the day a dated decision starts to count, on the day a
    change takes effect and on the day an open option lapses (the day after the current end), so the figures
    are worked out by ``contract_figures`` on each such day. A contract whose
    dates are not known has no span: it is in no figure that needs a date.
    """
    if not has_dates(facts):
        return []
    decision_days = sorted(
        {d.decided_on for d in facts.decisions if d.decided_on is not None}
        | {change.effective for change in facts.changes}
    )
    spans: list[FigureSpan] = []
    day = date.min
    while True:
        figures = contract_figures(facts, today=day, notice_months=notice_months)
        candidates = [d for d in decision_days if d > day]
        result = figures.schedule
        if result.next_option is not None and result.current_end < date.max:
            candidates.append(result.current_end + _ONE_DAY)
        following = min(candidates, default=None)
        valid_to = following - _ONE_DAY if following else date.max
        span = _span_from(figures, day, valid_to)
        if spans and spans[-1].kept() == span.kept():
            spans[-1] = _span_from(figures, spans[-1].valid_from, valid_to)
        else:
            spans.append(span)
        if following is None:
            return spans
        day = following
