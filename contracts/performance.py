"""KPI ratings: the statutory scale, which assessment is the latest on a day,
and the small chart of ratings over time. Pure: no Django.

The Procurement Act 2023 rates a contract's KPIs on a fixed scale (Good,
Approaching target, Requires improvement, Inadequate, Other). An assessment
becomes a fact on the day it was made (`assessed_on`): on any earlier day it
is not yet known, so "the latest rating as on a day" leaves it out.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

GOOD = "good"
APPROACHING = "approaching"
REQUIRES_IMPROVEMENT = "requires_improvement"
INADEQUATE = "inadequate"
OTHER = "other"

# The statutory scale, in its order.
RATING_LABELS = {
    GOOD: "Good",
    APPROACHING: "Approaching target",
    REQUIRES_IMPROVEMENT: "Requires improvement",
    INADEQUATE: "Inadequate",
    OTHER: "Other",
}
# Where a rating sits on the chart; "Other" (not assessed against the target) has no level.
LEVELS = {GOOD: 4, APPROACHING: 3, REQUIRES_IMPROVEMENT: 2, INADEQUATE: 1}
# Ratings the seed minutes' "satisfactory achievement of the performance indicators" accepts.
SATISFACTORY = frozenset({GOOD, APPROACHING})

FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "six_monthly": 6, "yearly": 12}
FREQUENCY_LABELS = {"monthly": "Monthly", "quarterly": "Quarterly", "six_monthly": "Six-monthly", "yearly": "Yearly"}


@dataclass(frozen=True)
class PlannedAssessment:
    """An assessment to be recorded (the demo's): one period's rating on the scale."""

    period_start: date
    period_end: date
    assessed_on: date
    rating: str
    figures: str
    note: str = ""


@dataclass(frozen=True)
class PlannedKpi:
    """A KPI to be set on the contract with `reference`, with its assessments."""

    reference: str
    name: str
    measure: str
    target: str
    frequency: str
    evidence_source: str
    assessments: tuple[PlannedAssessment, ...]


class Assessed(Protocol):
    period_start: date
    period_end: date
    assessed_on: date
    rating: str


A = TypeVar("A", bound=Assessed)


def known_on(assessments: Sequence[A], day: date) -> list[A]:
    """The assessments made on or before `day`, in the order of the periods they rate."""
    return sorted(
        (a for a in assessments if a.assessed_on <= day),
        key=lambda a: (a.period_end, a.period_start, a.assessed_on),
    )


def latest_on(assessments: Sequence[A], day: date) -> A | None:
    """The assessment of the most recent period known on `day`; None before the first."""
    known = known_on(assessments, day)
    return known[-1] if known else None


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float | None  # None for "Other": drawn as a marker on the axis, not joined
    rating: str
    label: str  # what the point's tooltip says


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: tuple[ChartPoint, ...]
    # The lines between ratings that follow one another; "Other" breaks the line.
    lines: tuple[tuple[tuple[float, float], ...], ...]
    gridlines: tuple[tuple[float, str, str], ...]  # (y, rating label, label written beside it or "")
    axis_y: float  # where "Other" markers sit
    plot_left: float  # where the plot starts, after the labels

    @property
    def polylines(self) -> list[str]:
        return [" ".join(f"{x:g},{y:g}" for x, y in line) for line in self.lines]


CHART_WIDTH = 300
CHART_HEIGHT = 84
_TOP = 8
_STEP = 18  # between levels
_LEFT = 72  # room for the labels written beside the top and bottom levels
_RIGHT = 12
# The levels named beside the chart; the others are named in each point's tooltip.
_WRITTEN = {GOOD: "Good", INADEQUATE: "Inadequate"}


def rating_chart(assessments: Sequence[Assessed], *, describe) -> Chart:
    """Ratings over time, left to right in the order given (oldest first).
    `describe(assessment)` is each point's tooltip."""
    count = len(assessments)
    span = CHART_WIDTH - _LEFT - _RIGHT
    axis_y = _TOP + _STEP * 4

    def level_y(level: int) -> float:
        return _TOP + _STEP * (4 - level)

    points = []
    lines: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for index, assessment in enumerate(assessments):
        x = round(_LEFT + (span * index / (count - 1) if count > 1 else span / 2), 1)
        level = LEVELS.get(assessment.rating)
        y = level_y(level) if level is not None else None
        points.append(ChartPoint(x=x, y=y, rating=assessment.rating, label=describe(assessment)))
        if y is None:
            if len(current) > 1:
                lines.append(current)
            current = []
        else:
            current.append((x, y))
    if len(current) > 1:
        lines.append(current)
    gridlines = tuple(
        (level_y(level), RATING_LABELS[rating], _WRITTEN.get(rating, "")) for rating, level in LEVELS.items()
    )
    return Chart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        points=tuple(points),
        lines=tuple(tuple(line) for line in lines),
        gridlines=gridlines,
        axis_y=axis_y,
        plot_left=_LEFT - 8,
    )


# --- which performance notice publishes an assessment --------------------------------------------


def notice_for(period_end: date, due_days: Sequence[date]) -> date | None:
    """The performance notice (UK9) that publishes the assessment of a period ending on
    `period_end`, named by the day it falls due: the first of the contract's notices
    (`due_days`, in any order) due on or after the period's last day. None when the
    period ends after the last of them: it is for a notice not yet known, the one
    after the last. The one rule for the contract page, the notices list and the
    published notice alike."""
    return min((day for day in due_days if day >= period_end), default=None)


class Rated(Protocol):
    kpi: str  # the KPI's name, unique on its contract
    period_end: date
    rating: str


@dataclass(frozen=True)
class NoticeContents:
    """What one performance notice publishes: the ratings of the assessments it
    covers (by `notice_for`), and the contract's KPIs none of them assesses."""

    ratings: tuple[str, ...]
    unassessed: tuple[str, ...]  # KPI names

    @property
    def summary(self) -> str:
        """ "3 assessments: 2 Good, 1 Requires improvement", the ratings in the scale's order."""
        if not self.ratings:
            return "No assessments"
        counts = [(sum(1 for r in self.ratings if r == rating), label) for rating, label in RATING_LABELS.items()]
        each = ", ".join(f"{count} {label}" for count, label in counts if count)
        plural = "" if len(self.ratings) == 1 else "s"
        return f"{len(self.ratings)} assessment{plural}: {each}"


@dataclass(frozen=True)
class KpiRating:
    """An assessment as `notice_contents` reads it."""

    kpi: str
    period_end: date
    rating: str


def notice_contents(
    due_days: Sequence[date], assessments: Sequence[Rated], kpis: Sequence[str]
) -> dict[date, NoticeContents]:
    """Each notice's contents, by its due day: the assessments `notice_for` gives it,
    and which of the `kpis` (names) has none of them. An assessment after the last
    notice is in none of these."""
    covered: dict[date, list[Rated]] = {day: [] for day in due_days}
    for assessment in sorted(assessments, key=lambda a: (a.period_end, a.kpi)):
        day = notice_for(assessment.period_end, due_days)
        if day is not None:
            covered[day].append(assessment)
    return {
        day: NoticeContents(
            ratings=tuple(a.rating for a in found),
            unassessed=tuple(name for name in kpis if name not in {a.kpi for a in found}),
        )
        for day, found in covered.items()
    }
