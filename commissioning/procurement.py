"""Procurement rules of DOMAIN.md as pure functions over dates and Decimal.

Thresholds are data (stored with the day they apply from) and passed in.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

PROCUREMENT_ACT_COMMENCEMENT = date(2025, 2, 24)
PROVIDER_SELECTION_REGIME_START = date(2024, 1, 1)
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
    return "pa_2023" if procurement_start >= PROCUREMENT_ACT_COMMENCEMENT else "pcr_2015"


def kpi_duty_applies(*, value: Decimal, light_touch: bool, framework: bool, legislation: str) -> bool:
    """PA 2023: a contract worth more than £5m needs at least 3 KPIs, assessed at
    least yearly, unless it is light touch or a framework."""
    return legislation == "pa_2023" and value > KPI_DUTY_VALUE and not light_touch and not framework


def _days_after(day: date, days: int) -> date:
    # The last day `date` holds, for a record dated at its very end (from before dates were checked).
    return day + timedelta(days=days) if day <= date.max - timedelta(days=days) else date.max


def contract_details_notice_due(signed: date, *, light_touch: bool) -> date:
    """PA 2023 contract details notice: within 30 days of signing, 120 for light touch."""
    return _days_after(signed, 120 if light_touch else 30)


def termination_notice_due(ended: date) -> date:
    """PA 2023 contract termination notice: within 30 days of the contract ending, for any reason."""
    return _days_after(ended, 30)
