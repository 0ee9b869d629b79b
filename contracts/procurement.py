"""Procurement rules of docs/domain.md as pure functions over dates and Decimal.

Thresholds are data (stored with the day they apply from) and passed in.
Legislation and route are the plain values of `contracts.regime`. The Procurement
Act 2023's notices and KPI duty apply only to contracts whose legislation is the
Act: a contract keeps the law it was procured under until it ends.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from contracts import regime
from contracts.regime import PROCUREMENT_ACT_COMMENCEMENT
from contracts.terms import next_start, period_end

__all__ = ["PROCUREMENT_ACT_COMMENCEMENT"]  # re-exported for the pages that explain the rule
KPI_DUTY_VALUE = Decimal("5000000")


@dataclass(frozen=True)
class Threshold:
    amount: Decimal
    applies_from: date


def threshold_on(thresholds: Sequence[Threshold], day: date) -> Threshold | None:
    """The threshold in force on `day`: the latest one that applies from it or before."""
    in_force = [t for t in thresholds if t.applies_from <= day]
    return max(in_force, key=lambda t: t.applies_from) if in_force else None


def above_threshold(value: Decimal, thresholds: Sequence[Threshold], day: date) -> bool | None:
    """Whether `value` (including VAT) reaches the light touch threshold on `day`;
    None when no threshold is stored for that day."""
    threshold = threshold_on(thresholds, day)
    if threshold is None:
        return None
    return value >= threshold.amount


def legislation_for(procurement_start: date) -> str:
    """Procurements started on or after 24 Feb 2025 fall under the Procurement Act 2023."""
    return regime.legislation_by_date(procurement_start)


def under_procurement_act(legislation: str | None) -> bool:
    """The Act's notices and duties apply only to contracts procured under it."""
    return legislation == regime.PA_2023


def kpi_duty_applies(*, value: Decimal, light_touch: bool, framework: bool, legislation: str) -> bool:
    """PA 2023: a contract worth more than £5m needs at least 3 KPIs, assessed at
    least yearly, unless it is light touch or a framework."""
    return under_procurement_act(legislation) and value > KPI_DUTY_VALUE and not light_touch and not framework


# `contracts.models.Contract.ContractType.FRAMEWORK`, as stored.
FRAMEWORK = "framework"


def contract_kpi_duty(*, value: Decimal | None, route: str, contract_type: str, legislation: str | None) -> bool:
    """`kpi_duty_applies` to a registered contract's stored facts and its whole-life
    value (None when the register does not know it: no duty shown to apply)."""
    return value is not None and kpi_duty_applies(
        value=value,
        light_touch=route == regime.LIGHT_TOUCH,
        framework=contract_type == FRAMEWORK,
        legislation=legislation,
    )


def _days_after(day: date, days: int) -> date:
    # The last day `date` holds, for a record dated at its very end (from before dates were checked).
    return day + timedelta(days=days) if day <= date.max - timedelta(days=days) else date.max


def contract_details_notice_due(signed: date, *, light_touch: bool) -> date:
    """PA 2023 contract details notice: within 30 days of signing, 120 for light touch."""
    return _days_after(signed, 120 if light_touch else 30)


def termination_notice_due(ended: date) -> date:
    """PA 2023 contract termination notice: within 30 days of the contract ending, for any reason."""
    return _days_after(ended, 30)


def owes_termination_notice(route: str) -> bool:
    """The Act asks a termination notice of public contracts, those above the threshold (s 80)."""
    return route != regime.BELOW_THRESHOLD


@dataclass(frozen=True)
class ActNotices:
    """The Procurement Act 2023 notices one contract owes; None for a notice it does not owe."""

    details_days: int
    details_due: date
    termination_due: date | None


def act_notices(*, legislation: str | None, route: str, signed: date, ended: date) -> ActNotices | None:
    """The Act's contract details and termination notices, or None when the Act does
    not govern the contract (PCR 2015, PSR, no regulated procurement, not known).

    A below-threshold contract under the Act owes a contract details notice within
    30 days (s 87) but no termination notice, which the Act asks for public
    contracts, those above the threshold (s 80).
    """
    if not under_procurement_act(legislation):
        return None
    light_touch = route == regime.LIGHT_TOUCH
    details_due = contract_details_notice_due(signed, light_touch=light_touch)
    return ActNotices(
        details_days=(details_due - signed).days,
        details_due=details_due,
        termination_due=termination_notice_due(ended) if owes_termination_notice(route) else None,
    )


# --- the notices still to be recorded: the rules, ahead of the pages --------------------------

PERFORMANCE_NOTICE_MONTHS = 12
PAYMENTS_NOTICE_DAYS = 30
# A change within both of these owes no change notice (the Act's s 75 and its exemptions).
CHANGE_NOTICE_VALUE_SHARE = Decimal("0.10")
CHANGE_NOTICE_WORKS_VALUE_SHARE = Decimal("0.15")
CHANGE_NOTICE_TERM_SHARE = Decimal("0.10")


def performance_notice_due(
    *, kpi_duty: bool, start: date, end: date, last_published: date | None, last_due: date | None = None
) -> date | None:
    """PA 2023 contract performance notice (UK9): the KPIs are assessed, and the
    assessment published, at least every 12 months and at the end. The next one is
    due 12 months after the last one was published (or after the start, before the
    first), or at the end if that comes sooner. None for a contract that needs no
    KPIs, and once the notice at the end is published: the last one answered the
    day the contract ends (`last_due`), or came out on or after it."""
    if not kpi_duty:
        return None
    if last_published is not None and (last_published >= end or (last_due is not None and last_due >= end)):
        return None
    since = last_published if last_published is not None else start
    return min(next_start(since, PERFORMANCE_NOTICE_MONTHS), end)


def next_performance_notice(
    *, kpi_duty: bool, start: date, end: date, published: Iterable[tuple[date, date]]
) -> date | None:
    """The day the contract's next performance notice is due, from those recorded:
    `published` holds each one's (day published, day it was due)."""
    last = max(published, default=None)
    return performance_notice_due(
        kpi_duty=kpi_duty,
        start=start,
        end=end,
        last_published=last[0] if last else None,
        last_due=last[1] if last else None,
    )


def change_notice_required(
    *,
    legislation: str | None,
    route: str,
    value_change: Decimal,
    value: Decimal,
    term_change_months: int,
    maximum_term_months: int | Fraction,
    works: bool = False,
    restructuring: bool = False,
) -> bool:
    """PA 2023 contract change notice (UK10), published before the change takes
    effect (s 75): owed for a change to a contract under the Act, unless the
    contract is light touch (s 75(6)) or below the threshold (not a public
    contract), or the change is no more than 10% of the value (15% for works) and
    no more than 10% of the maximum term provided for on award (s 75(2)). A
    novation or assignment on a corporate restructuring (Sch 8 para 9) owes one
    whatever its size. Each change is measured by its own size, as s 75(2) measures
    "the modification": `value_change` against the contract's `value` just before
    it, `term_change_months` against the maximum term on award. Changes that
    reduce count by their size."""
    if not under_procurement_act(legislation) or route in (regime.LIGHT_TOUCH, regime.BELOW_THRESHOLD):
        return False
    if restructuring:
        return True
    value_share = CHANGE_NOTICE_WORKS_VALUE_SHARE if works else CHANGE_NOTICE_VALUE_SHARE
    small_in_value = abs(value_change) <= value * value_share
    small_in_term = abs(term_change_months) <= Fraction(maximum_term_months) * Fraction(CHANGE_NOTICE_TERM_SHARE)
    return not (small_in_value and small_in_term)


def change_notice_due(effective_on: date) -> date:
    """PA 2023 contract change notice: published before the change takes effect, so
    by the day before at the latest."""
    return effective_on - timedelta(days=1) if effective_on > date.min else effective_on


@dataclass(frozen=True)
class PaymentsPeriod:
    """A six-month period of the council's payments compliance notice (UK17)."""

    first_day: date
    last_day: date
    notice_due: date


def payments_compliance_periods(*, until: date) -> list[PaymentsPeriod]:
    """The council's payments compliance notices (UK17), for the whole authority:
    one for each six months to 31 Mar and to 30 Sep, due 30 days after the
    period, from the first whole period under the Act (1 Apr to 30 Sep 2025) to
    the last that has ended by `until`."""
    periods = []
    year = PROCUREMENT_ACT_COMMENCEMENT.year
    starts = (date(year, 4, 1), date(year, 10, 1), date(year + 1, 4, 1))
    first = next(day for day in starts if day >= PROCUREMENT_ACT_COMMENCEMENT)
    while (last := period_end(first, 6)) <= until:
        periods.append(PaymentsPeriod(first, last, _days_after(last, PAYMENTS_NOTICE_DAYS)))
        first = last + timedelta(days=1)
    return periods
