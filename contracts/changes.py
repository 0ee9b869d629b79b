"""Contract changes: what a change does to the term and the value, and the legal
grounds that allow it, with their limits (docs/domain.md "Contract changes").

A change is a fact dated by the day it takes effect. It counts in the figures
for that day and every day after, never before: the figures "as of" a day
before a change are the figures the register showed then. A change to the
value adds (or takes away) an amount a year from its effective date, not
indexed by the contract's own annual uplift, or a one-off amount counted once,
in full, on its effective date (or both); a change to the term lengthens (or
shortens) the period the contract is in when the change takes effect, the
latest of the initial term and the options exercised by then that has begun,
so any options still open start later. Scope and supplier changes have no
figures. No Django here.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from contracts import regime
from contracts.money import financial_year_of, financial_year_spread, period_value, to_money
from contracts.terms import Decision, Part, Period, months_before, months_between, next_start, periods, schedule

_ONE_DAY = timedelta(days=1)
ZERO = Decimal("0.00")
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Change:
    effective: date
    annual_value_change: Decimal = ZERO  # pounds a year from the effective date, + or -
    term_change_months: int = 0  # months added to (or, negative, taken from) the term
    # Pounds once, in full, on the effective date, + or -: in the period and the
    # financial year of that day only, never in the annual value.
    one_off_value_change: Decimal = ZERO

    @property
    def has_figures(self) -> bool:
        return bool(self.annual_value_change) or bool(self.term_change_months) or bool(self.one_off_value_change)


def counted(changes: Sequence[Change], today: date) -> tuple[Change, ...]:
    """The changes in effect on ``today``, in the order they took effect."""
    return tuple(sorted((c for c in changes if c.effective <= today), key=lambda c: c.effective))


def _shifted(part: Part, period: Period, months: int) -> Part:
    """A part of the term ``months`` longer (or shorter): a part in months keeps
    counting in months, a part given by its last day moves that day."""
    if isinstance(part, date):
        day_after = period.end + _ONE_DAY
        moved = next_start(day_after, months) if months >= 0 else months_before(day_after, -months)
        return moved - _ONE_DAY
    return part + months


def changed_parts(
    start: date,
    parts: Sequence[Part],
    decisions: Sequence[Decision],
    changes: Sequence[Change],
    *,
    notice_months: int,
) -> tuple[Part, ...]:
    """The term's parts after the term changes among ``changes`` (those counted
    for the day, in order). Each lengthens the latest period begun by its
    effective date among the initial term and the options exercised by then.
    Raises ValueError for a change that would end that period before the
    change takes effect."""
    result = tuple(parts)
    for change in changes:
        if not change.term_change_months:
            continue
        on_the_day = schedule(start, result, decisions, today=change.effective, notice_months=notice_months)
        begun = [i for i in on_the_day.committed_periods if on_the_day.periods[i].start <= change.effective]
        index = begun[-1] if begun else 0
        period = on_the_day.periods[index]
        part = _shifted(result[index], period, change.term_change_months)
        try:
            new_end = None if isinstance(part, int) and part < 1 else periods(period.start, (part,))[0].end
        except ValueError:
            new_end = None
        if new_end is None or new_end < change.effective - _ONE_DAY:
            raise ValueError(
                f"A term {describe_months(change.term_change_months)} shorter would end the contract before "
                f"the change takes effect on {_day(change.effective)}."
            )
        result = result[:index] + (part,) + result[index + 1 :]
    return result


def _period_of(all_periods: Sequence[Period], day: date) -> int | None:
    """The index of the period ``day`` falls in; None when it is in none (before
    the start, or after the last period's end)."""
    return next((index for index, period in enumerate(all_periods) if period.start <= day <= period.end), None)


def period_value_changes(all_periods: Sequence[Period], changes: Sequence[Change]) -> tuple[Decimal, ...]:
    """What the value changes among ``changes`` add to each period: each its
    amount a year for the part of the period from its effective date, and its
    one-off amount, in full, to the period its effective date falls in (nothing
    when it falls in none)."""
    added = [ZERO] * len(all_periods)
    for change in changes:
        if change.one_off_value_change:
            index = _period_of(all_periods, change.effective)
            if index is not None:
                added[index] += change.one_off_value_change
        if not change.annual_value_change:
            continue
        for index, period in enumerate(all_periods):
            if period.end < change.effective:
                continue
            months = months_between(max(change.effective, period.start), period.end)
            added[index] += period_value(change.annual_value_change, months)
    return tuple(added)


def year_value_changes(included: Sequence[Period], changes: Sequence[Change]) -> dict[int, Decimal]:
    """What the value changes add to each financial year of the included
    periods, spread as ``money.financial_year_spread`` spreads a value, so the
    years add up to what ``period_value_changes`` adds to those periods: a
    one-off amount falls in the financial year of its effective date, when that
    day is in one of the included periods."""
    spread: dict[int, Decimal] = {}
    for change in changes:
        if change.one_off_value_change and _period_of(included, change.effective) is not None:
            year = financial_year_of(change.effective)
            spread[year] = spread.get(year, ZERO) + change.one_off_value_change
        if not change.annual_value_change:
            continue
        touched = [period for period in included if period.end >= change.effective]
        if not touched:
            continue
        first = max(change.effective, touched[0].start)
        ends = [period.end for period in touched]
        for year, amount in financial_year_spread(first, change.annual_value_change, ends).items():
            spread[year] = spread.get(year, ZERO) + amount
    return spread


def annual_value_on(annual_value: Decimal, changes: Sequence[Change]) -> Decimal:
    """The annual value with the value changes counted for the day."""
    return to_money(annual_value + sum((c.annual_value_change for c in changes), ZERO))


def describe_months(months: int) -> str:
    size = abs(months)
    return "1 month" if size == 1 else f"{size} months"


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


# --- the legal grounds and their limits -------------------------------------------------------


@dataclass(frozen=True)
class Ground:
    """A legal ground for changing a contract under one law, with the limits the
    law sets on it (None where it sets none this register can check)."""

    code: str
    label: str
    legislation: str
    # At most this share (%) of the value before the change, for each change.
    each_value_percent: Decimal | None = None
    # The cumulative change must stay within this share (%) of the original value ...
    cumulative_value_percent: Decimal | None = None
    # ... and, where given, within (``within_both``) or under either (not) this amount.
    cumulative_value_amount: Decimal | None = None
    within_both: bool = True
    # The cumulative change of the maximum term, at most this share (%) of the original.
    cumulative_term_percent: Decimal | None = None
    # Below the procurement threshold (the light touch threshold for care services).
    below_threshold: bool = False
    provided_for: bool = False  # an option or other change the contract itself provides for


_PA = regime.PA_2023
_PCR = regime.PCR_2015
_PSR = regime.PSR
_NONE = regime.NONE
_FIFTY = Decimal(50)
_TEN = Decimal(10)

GROUNDS: tuple[Ground, ...] = (
    # Procurement Act 2023, section 74 and Schedule 8.
    Ground("pa_provided_for", "Provided for in the contract (Procurement Act 2023, Sch 8)", _PA, provided_for=True),
    Ground("pa_urgency", "Urgency (Procurement Act 2023, Sch 8)", _PA, each_value_percent=_FIFTY),
    Ground(
        "pa_unforeseeable", "Unforeseeable circumstances (Procurement Act 2023, Sch 8)", _PA, each_value_percent=_FIFTY
    ),
    Ground("pa_known_risk", "Materialised known risk (Procurement Act 2023, Sch 8)", _PA),
    Ground("pa_restructuring", "Corporate restructuring (Procurement Act 2023, Sch 8)", _PA),
    Ground("pa_non_substantial", "Not a substantial modification (Procurement Act 2023, s 74)", _PA),
    Ground(
        "pa_below_threshold",
        "Below-threshold modification (Procurement Act 2023, s 74)",
        _PA,
        cumulative_value_percent=_TEN,
        cumulative_term_percent=_TEN,
        below_threshold=True,
    ),
    # Public Contracts Regulations 2015, regulation 72.
    Ground("pcr_72_1_a", "Review clause or option in the contract (PCR 2015 reg 72(1)(a))", _PCR, provided_for=True),
    Ground(
        "pcr_72_1_b",
        "Additional services from the same contractor (PCR 2015 reg 72(1)(b))",
        _PCR,
        each_value_percent=_FIFTY,
    ),
    Ground("pcr_72_1_c", "Unforeseeable circumstances (PCR 2015 reg 72(1)(c))", _PCR, each_value_percent=_FIFTY),
    Ground("pcr_72_1_d", "New contractor by succession (PCR 2015 reg 72(1)(d))", _PCR),
    Ground("pcr_72_1_e", "Not substantial (PCR 2015 reg 72(1)(e))", _PCR),
    Ground(
        "pcr_72_5",
        "Below threshold and under 10% of the initial value (PCR 2015 reg 72(5))",
        _PCR,
        cumulative_value_percent=_TEN,
        below_threshold=True,
    ),
    # Health Care Services (Provider Selection Regime) Regulations 2023, regulation 13.
    Ground("psr_13_a", "Provided for in the contract (PSR reg 13(1)(a))", _PSR, provided_for=True),
    Ground("psr_13_b", "New provider by succession (PSR reg 13(1)(b))", _PSR),
    Ground("psr_13_c", "External factors beyond anyone's control (PSR reg 13(1)(c))", _PSR),
    Ground(
        "psr_13_d",
        "Attributable to the council: cumulative change under £500,000 or under 25% (PSR reg 13(1)(d))",
        _PSR,
        cumulative_value_percent=Decimal(25),
        cumulative_value_amount=Decimal("500000.00"),
        within_both=False,
    ),
    # Not a regulated procurement: the council's own contract standing orders.
    Ground("none_provided_for", "Provided for in the contract", _NONE, provided_for=True),
    Ground("none_standing_orders", "Under the council's contract standing orders", _NONE),
)

GROUND_BY_CODE = {ground.code: ground for ground in GROUNDS}


def grounds_for(legislation: str) -> tuple[Ground, ...]:
    """The grounds a contract procured under ``legislation`` can be changed on: it
    keeps its law until it ends (a PCR 2015 contract is changed under reg 72)."""
    return tuple(ground for ground in GROUNDS if ground.legislation == legislation)


def provided_for_ground(legislation: str) -> Ground:
    """The ground an option exercised is recorded on under ``legislation``."""
    return next(ground for ground in grounds_for(legislation) if ground.provided_for)


@dataclass(frozen=True)
class Measure:
    """A change measured against the contract as it was entered into."""

    value_change: Decimal  # what this change did to the whole-life value
    value_before: Decimal  # the whole-life value just before it
    cumulative_value_change: Decimal  # every change so far, this one included
    original_value: Decimal  # the maximum value as entered into, every option taken
    cumulative_term_months: int
    original_term_months: int | Fraction  # the maximum term as entered into (``Schedule.included_months``)


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one place, rounded half-up as every
    figure is; None when ``whole`` is nothing."""
    if not whole:
        return None
    return (Decimal(part) * _HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _money(amount: Decimal) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def beyond_limits(ground: Ground, measure: Measure, *, threshold: Decimal | None) -> list[str]:
    """Why a change goes beyond what its ground allows, in words an officer can
    act on; empty when it is within every limit the ground sets."""
    reasons = []
    if ground.each_value_percent is not None and measure.value_change > 0:
        allowed = measure.value_before * ground.each_value_percent / _HUNDRED
        if measure.value_change > allowed:
            reasons.append(
                f"{ground.label} allows each change at most {ground.each_value_percent.normalize():f}% of the "
                f"value before it ({_money(to_money(allowed))}); this change is {_money(measure.value_change)}."
            )
    size = abs(measure.cumulative_value_change)
    if ground.cumulative_value_percent is not None:
        share_limit = measure.original_value * ground.cumulative_value_percent / _HUNDRED
        if ground.within_both:
            within = size <= share_limit
        else:
            # PSR reg 13(2)(b): below £500,000, or less than 25% of the original lifetime value.
            within = size < ground.cumulative_value_amount or size < share_limit
        if not within:
            share = percent_of(size, measure.original_value)
            either = (
                f" and not under {_money(ground.cumulative_value_amount)}"
                if ground.cumulative_value_amount is not None
                else ""
            )
            reasons.append(
                f"The changes so far come to {_money(measure.cumulative_value_change)}"
                f"{f' ({share}% of the original value {_money(measure.original_value)})' if share is not None else ''}"
                f"{either}: {ground.label} allows at most {ground.cumulative_value_percent.normalize():f}%."
            )
    if ground.below_threshold and threshold is not None and size >= threshold:
        reasons.append(
            f"The changes so far come to {_money(measure.cumulative_value_change)}, not below the threshold of "
            f"{_money(threshold)}."
        )
    if ground.cumulative_term_percent is not None and measure.original_term_months:
        allowed_months = Fraction(measure.original_term_months) * Fraction(ground.cumulative_term_percent) / 100
        if abs(measure.cumulative_term_months) > allowed_months:
            reasons.append(
                f"The term changes so far come to {describe_months(measure.cumulative_term_months)}, more than "
                f"{ground.cumulative_term_percent.normalize():f}% of the original maximum term "
                f"({describe_months(int(measure.original_term_months))})."
            )
    return reasons
