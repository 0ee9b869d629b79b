"""The statutory clock: working days, agenda and key decision notices, call-in.

Pure arithmetic over ``date``; no Django here. "Today" and every other date
are parameters, so any figure can be reproduced for any day. Lengths that a
council's constitution sets (clear days, the call-in period) are keyword
arguments with the statutory or usual default; callers pass the setting.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import holidays as holidays_package

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


def _require_date(value: object, name: str) -> date:
    # A datetime is a date subclass, but it never equals a date, so it would
    # silently miss every bank holiday in a set of dates.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{name} must be a date, not {type(value).__name__}.")
    return value


def _require_count(value: int, name: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, not {type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}.")
    return value


class WorkingDays:
    """Mondays to Fridays that are not holidays.

    By default the holidays are the bank holidays of England and Wales (the two
    share them; the ``holidays`` package's ``GB``/``ENG`` calendar), loaded a
    year at a time as dates are asked about, so any year works. Pass
    ``holidays`` (any iterable of dates, e.g. a test calendar or one with a
    council's own closure days) to use exactly those days instead.
    """

    def __init__(self, holidays: Iterable[date] | None = None) -> None:
        self._holidays: frozenset[date] | holidays_package.HolidayBase
        if holidays is None:
            # expand=True (the default) loads a year on the first lookup in it.
            self._holidays = holidays_package.country_holidays("GB", subdiv="ENG")
        elif isinstance(holidays, holidays_package.HolidayBase):
            # Iterating one would give only the years already loaded; keep the
            # object itself so lookups still load the year they need.
            self._holidays = holidays
        else:
            self._holidays = frozenset(_require_date(day, "Each holiday") for day in holidays)

    def is_working_day(self, d: date) -> bool:
        return self._is_working_day(_require_date(d, "The day"))

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self.add(d, 1)

    def add(self, d: date, n: int) -> date:
        """The ``n``th working day after ``d`` (``d`` itself is not counted, and
        need not be a working day). ``n == 0`` returns ``d`` unchanged."""
        _require_date(d, "The day")
        return self._step(d, _require_count(n, "The number of working days"), _ONE_DAY)

    def subtract(self, d: date, n: int) -> date:
        """The ``n``th working day before ``d``. ``n == 0`` returns ``d`` unchanged."""
        _require_date(d, "The day")
        return self._step(d, _require_count(n, "The number of working days"), -_ONE_DAY)

    def _is_working_day(self, d: date) -> bool:
        return d.weekday() < _SATURDAY and d not in self._holidays

    def _step(self, d: date, n: int, step: timedelta) -> date:
        edge = date.max if step > timedelta(0) else date.min
        while n:
            if d == edge:
                # A record dated at the very end of what `date` holds (entered
                # before dates were checked): stop there rather than overflow.
                return d
            d += step
            if self._is_working_day(d):
                n -= 1
        return d


def agenda_publication_deadline(meeting: date, *, clear_days: int = 5, working_days: WorkingDays) -> date:
    """The last day an agenda may be published and still leave ``clear_days``
    clear working days before ``meeting`` (Local Government Act 1972 s100B).

    "Clear" excludes both the day of publication and the day of the meeting:
    a meeting on Wednesday 30 November 2022 needs publication by Tuesday 22
    November (23, 24, 25, 28 and 29 November are clear).

    The deadline is always a working day. Counting alone would let an agenda
    for a Monday meeting go out on the Saturday before it (Monday to Friday are
    still five clear working days), but documents are open to inspection at the
    council's offices only on working days, so we treat a publication on a
    weekend or bank holiday as made on the next working day. That makes the
    rule the stricter reading, never the lenient one: see ``agenda_was_late``.
    With ``clear_days=0`` the deadline is the last working day before the
    meeting: publication on the day of the meeting is never in time.
    """
    _require_date(meeting, "The meeting date")
    _require_count(clear_days, "The number of clear days")
    return working_days.subtract(meeting, clear_days + 1)


def agenda_was_late(meeting: date, published: date, *, clear_days: int = 5, working_days: WorkingDays) -> bool:
    """Whether an agenda published on ``published`` missed the deadline for
    ``meeting``. A publication on a weekend or bank holiday counts as made on
    the next working day (see ``agenda_publication_deadline``)."""
    _require_date(published, "The publication date")
    return published > agenda_publication_deadline(meeting, clear_days=clear_days, working_days=working_days)


def key_decision_notice_deadline(decision: date, *, clear_days: int = 28) -> date:
    """The last day to publish a key decision notice: ``clear_days`` clear
    calendar days before the decision (SI 2012/2089 reg 9). Weekends and bank
    holidays count here; the day of the notice and of the decision do not.
    Decision on Wednesday 30 November 2022 -> notice by Tuesday 1 November 2022."""
    _require_date(decision, "The decision date")
    _require_count(clear_days, "The number of clear days")
    return max(decision, date.min + timedelta(days=clear_days + 1)) - timedelta(days=clear_days + 1)


def call_in_end(published: date, *, working_days_count: int = 5, working_days: WorkingDays) -> date:
    """The last day of the call-in period: ``working_days_count`` working days
    after the decision is published (the day of publication not counted).
    Published Friday 2 December 2022 -> ends Friday 9 December 2022.

    The period is a constitution setting of at least one working day; a
    decision with no call-in period is an urgent one (``urgent=True`` below).
    """
    _require_date(published, "The publication date")
    _require_count(working_days_count, "The call-in period in working days", minimum=1)
    return working_days.add(published, working_days_count)


class CallInStatus(enum.StrEnum):
    """Where a decision stands in its call-in; members compare equal to their strings."""

    EXEMPT = "exempt"
    OPEN = "open"
    ENDED = "ended"


@dataclass(frozen=True)
class CallIn:
    published: date
    ends: date | None  # None for an urgent decision: it has no call-in period
    first_implementation_day: date
    urgent: bool

    def __post_init__(self) -> None:
        if self.urgent != (self.ends is None):
            raise ValueError("An urgent decision has no call-in end; any other decision has one.")


def call_in(published: date, *, urgent: bool = False, working_days_count: int = 5, working_days: WorkingDays) -> CallIn:
    """The call-in period of a decision published on ``published``."""
    ends = call_in_end(published, working_days_count=working_days_count, working_days=working_days)
    return CallIn(
        published=published,
        ends=None if urgent else ends,
        first_implementation_day=published if urgent else working_days.next_working_day(ends),
        urgent=urgent,
    )


def call_in_status(call_in: CallIn, *, today: date) -> CallInStatus:
    """ "exempt" for an urgent decision, "open" until the call-in ends (that day
    included), "ended" after it. Before publication the decision cannot be
    implemented either, so those days are "open" too."""
    _require_date(today, "Today")
    if call_in.urgent:
        return CallInStatus.EXEMPT
    if today <= call_in.ends:
        return CallInStatus.OPEN
    return CallInStatus.ENDED
