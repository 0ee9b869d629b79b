"""Geometry of the contract timeline picture: pure arithmetic, no Django.

Positions are percentages of the drawing's width, so the template can draw
the bars as SVG without doing sums.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from contracts.terms import OptionStatus, Period


@dataclass(frozen=True)
class Bar:
    label: str
    period: Period
    kind: str  # "initial" or an OptionStatus value
    x: float
    width: float


@dataclass(frozen=True)
class Tick:
    label: str
    x: float


@dataclass(frozen=True)
class Timeline:
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    today_x: float | None


def timeline(periods: Sequence[Period], statuses: Sequence[OptionStatus], *, today: date) -> Timeline:
    first, last = periods[0].start, periods[-1].end
    span = max((last - first).days + 1, 1)

    def x(day: date) -> float:
        return round(100 * (day - first).days / span, 3)

    bars = [Bar("Initial term", periods[0], "initial", 0.0, x(periods[0].end) + round(100 / span, 3))]
    for order, (period, status) in enumerate(zip(periods[1:], statuses, strict=True), start=1):
        start_x = x(period.start)
        end_x = x(period.end) + round(100 / span, 3)
        bars.append(Bar(f"Option {order}", period, str(status), start_x, round(end_x - start_x, 3)))
    ticks = tuple(Tick(str(year), x(date(year, 1, 1))) for year in range(first.year + 1, last.year + 1))
    today_x = x(today) if first <= today <= last else None
    return Timeline(bars=tuple(bars), ticks=ticks, today_x=today_x)
