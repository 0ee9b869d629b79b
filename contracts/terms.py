"""Contract terms: reading "5+2+2", the period rule, options and status on a day.

Pure arithmetic over ``date`` and ``int`` months; no Django here, so every rule
can be tested exhaustively and every figure reproduced for any "today".

A part of a term (the initial term or an option) is given either as a number
of months or as its last day (``Part``): a contract may say "to 15 August
2023" rather than "3 years". Either way each period starts the day after the
one before it ends.
"""

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, timedelta
from fractions import Fraction

MAX_PARTS = 10
# A hundred years: no contract is longer, and it keeps the date arithmetic
# well inside what ``datetime.date`` can hold.
MAX_PART_MONTHS = 1200

_ONE_DAY = timedelta(days=1)
_EXAMPLE = "write it like 5+2+2 or 18m+6m"

_MONTHS_PER_UNIT = {
    "": 12,  # no unit means years
    "y": 12,
    "yr": 12,
    "yrs": 12,
    "year": 12,
    "years": 12,
    "m": 1,
    "month": 1,
    "months": 1,
}
_PART = re.compile(r"\s*(?P<number>[0-9]+)\s*(?P<unit>[a-z]*)\s*", re.IGNORECASE)
# "3+2+2, maximum 7 years" or "3+2+2 (max 84 months)": the cap is checked, then dropped.
_MAXIMUM = re.compile(
    r"[,;]?\s*\(?\s*max(?:imum)?\.?\s+(?P<number>[0-9]+)\s*(?P<unit>[a-z]*)\s*\)?\s*$",
    re.IGNORECASE,
)


class TermError(ValueError):
    """A term written in a way we cannot read, or that breaks its own maximum."""


def _describe_months(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return f"{years} year" if years == 1 else f"{years} years"
    return f"{months} month" if months == 1 else f"{months} months"


def _months_of(number: str, unit: str, text: str) -> int:
    try:
        per_unit = _MONTHS_PER_UNIT[unit.lower()]
    except KeyError:
        raise TermError(f'Cannot read the term "{text}": {_EXAMPLE}.') from None
    return int(number) * per_unit


def parse_term(text: str) -> tuple[int, ...]:
    """Months of the initial term and of each option, in order.

    >>> parse_term("5+2+2")
    (60, 24, 24)
    >>> parse_term("18m+6m")
    (18, 6)
    """
    stripped = (text or "").strip()
    if not stripped:
        raise TermError(f"Cannot read an empty term: {_EXAMPLE}.")

    maximum = None
    body = stripped
    if found := _MAXIMUM.search(stripped):
        maximum = _months_of(found["number"], found["unit"], stripped)
        body = stripped[: found.start()]

    pieces = body.split("+")
    if len(pieces) > MAX_PARTS:
        raise TermError(
            f'The term "{stripped}" has {len(pieces)} parts; '
            f"a term can have at most {MAX_PARTS} (the initial term and {MAX_PARTS - 1} options)."
        )
    parts = []
    for piece in pieces:
        matched = _PART.fullmatch(piece)
        if matched is None:
            raise TermError(f'Cannot read the term "{stripped}": {_EXAMPLE}.')
        parts.append(_months_of(matched["number"], matched["unit"], stripped))

    if any(months < 1 for months in parts):
        raise TermError(f'Every part of the term "{stripped}" must be at least one month long.')
    if any(months > MAX_PART_MONTHS for months in parts):
        raise TermError(
            f'A part of the term "{stripped}" is longer than {MAX_PART_MONTHS // 12} years; check the figures.'
        )
    if maximum is not None and sum(parts) > maximum:
        raise TermError(
            f'The term "{stripped}" adds up to {_describe_months(sum(parts))}, '
            f"more than its maximum of {_describe_months(maximum)}."
        )
    return tuple(parts)


def format_term(months: Sequence[int]) -> str:
    """Canonical text of a term: "5+2+2" in years if every part allows, else "18m+6m"."""
    if not months:
        raise ValueError("A term needs at least an initial period.")
    if any(part < 1 for part in months):
        raise ValueError("Every part of a term must be at least one month long.")
    if all(part % 12 == 0 for part in months):
        return "+".join(str(part // 12) for part in months)
    return "+".join(f"{part}m" for part in months)


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    carried_years, month_index = divmod(month - 1 + months, 12)
    return year + carried_years, month_index + 1


def _last_day_of_month(year: int, month: int) -> int:
    if year == MAXYEAR and month == 12:
        return 31
    next_year, next_month = _add_months(year, month, 1)
    return (date(next_year, next_month, 1) - _ONE_DAY).day


def _beyond(year: int) -> date | None:
    """The first or last day `date` can hold, for a year beyond it. Entered dates
    are kept between 1990 and 2100, but a page must not fail on an older record
    dated far outside that range."""
    if year < MINYEAR:
        return date.min
    if year > MAXYEAR:
        return date.max
    return None


def next_start(start: date, months: int) -> date:
    """The same day of the month ``months`` later, or the 1st of the month after
    when that day does not exist (31 Jan + 1 month -> 1 Mar)."""
    if months < 0:
        raise ValueError("next_start counts forwards; use months_before to count back.")
    year, month = _add_months(start.year, start.month, months)
    if edge := _beyond(year):
        return edge
    if start.day <= _last_day_of_month(year, month):
        return date(year, month, start.day)
    year, month = _add_months(year, month, 1)
    return _beyond(year) or date(year, month, 1)


def period_end(start: date, months: int) -> date:
    """Last day of a period of ``months`` that starts on ``start``."""
    if months < 1:
        raise ValueError("A period must be at least one month long.")
    return next_start(start, months) - _ONE_DAY


def months_before(d: date, months: int) -> date:
    """The same day of the month ``months`` earlier, or the last day of that month
    when the day does not exist there (30 Aug 2025 - 6 months -> 28 Feb 2025)."""
    if months < 0:
        raise ValueError("months_before counts back; use next_start to count forwards.")
    year, month = _add_months(d.year, d.month, -months)
    return _beyond(year) or date(year, month, min(d.day, _last_day_of_month(year, month)))


# A part of a term: its length in whole months, or its last day.
Part = int | date


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def months_between(start: date, end: date) -> Fraction:
    """Length in months of the period ``start`` to ``end`` inclusive: the whole
    months the period rule fits in it, then the days left over as a fraction of
    the next month's length (1 Apr 2020 to 15 Aug 2023 is 40 + 15/31 months)."""
    if end < start:
        raise ValueError(f"A period cannot end on {_day(end)}, before it starts on {_day(start)}.")
    day_after = end + _ONE_DAY if end < date.max else end
    whole = max((end.year - start.year) * 12 + end.month - start.month - 1, 0)
    while next_start(start, whole + 1) <= day_after and next_start(start, whole + 1) < date.max:
        whole += 1
    month_start = next_start(start, whole)
    month_length = (next_start(start, whole + 1) - month_start).days
    left_over = (day_after - month_start).days
    if left_over == 0 or month_length == 0:
        return Fraction(whole)
    return whole + Fraction(left_over, month_length)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    months: int | Fraction  # whole months, or with the part-month of a period given by its last day

    @property
    def whole_months(self) -> int:
        return int(self.months)

    @property
    def extra_days(self) -> int:
        """Days after the whole months, when the period ends on a given day."""
        if self.months == self.whole_months:
            return 0
        return (self.end - next_start(self.start, self.whole_months)).days + 1

    @property
    def length_text(self) -> str:
        """ "24 months", or "40 months and 15 days" for a period ending on a given day."""
        months = self.whole_months
        text = f"{months} month" if months == 1 else f"{months} months"
        days = self.extra_days
        if not days:
            return text
        day_text = "1 day" if days == 1 else f"{days} days"
        return day_text if months == 0 else f"{text} and {day_text}"


def _part_name(index: int) -> str:
    return "The initial term" if index == 0 else f"Option {index}"


def periods(start: date, parts: Sequence[Part]) -> list[Period]:
    """The initial term then each option, each computed from its own start:
    a part given in months by the period rule, a part given by its last day
    ending on that day. Raises ValueError for a part that ends before it starts."""
    if not parts:
        raise ValueError("A term needs at least an initial period.")
    result = []
    period_start = start
    for index, part in enumerate(parts):
        if isinstance(part, date):
            if part < period_start:
                before = (
                    f"before the contract starts on {_day(start)}"
                    if index == 0
                    else f"not after the period before it, which ends on {_day(period_start - _ONE_DAY)}"
                )
                raise ValueError(f"{_part_name(index)} ends on {_day(part)}, {before}.")
            end = part
            months: int | Fraction = months_between(period_start, end)
            if months.denominator == 1:
                months = int(months)
        else:
            end = period_end(period_start, part)
            months = part
        result.append(Period(start=period_start, end=end, months=months))
        if index < len(parts) - 1:
            if end >= date.max:
                raise ValueError(f"{_part_name(index)} runs past the last day a date can hold.")
            period_start = end + _ONE_DAY
    return result


class OptionStatus(enum.StrEnum):
    """An option's status on a day. Only the first three are ever recorded:
    a lapse is a consequence of the date, worked out for each day."""

    AVAILABLE = "available"
    EXERCISED = "exercised"
    DECLINED = "declined"
    LAPSED = "lapsed"


RECORDED_STATUSES = (OptionStatus.AVAILABLE, OptionStatus.EXERCISED, OptionStatus.DECLINED)


class ContractStatus(enum.StrEnum):
    """Status of a contract on a given day; members compare equal to their strings."""

    NOT_STARTED = "not_started"
    LIVE = "live"
    FINAL_TERM = "final_term"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Decision:
    """What was recorded about one option: exercised or declined on a day, or
    nothing yet. A decision with no date (a row of an imported register) counts
    on every day; one with a date counts from that day on."""

    status: OptionStatus = OptionStatus.AVAILABLE
    decided_on: date | None = None

    def __post_init__(self):
        object.__setattr__(self, "status", OptionStatus(self.status))
        if self.status not in RECORDED_STATUSES:
            raise ValueError(f"An option cannot be recorded as {self.status}: a lapse follows from the date.")

    def status_on(self, today: date) -> OptionStatus:
        if self.decided_on is not None and self.decided_on > today:
            return OptionStatus.AVAILABLE
        return self.status


@dataclass(frozen=True)
class Schedule:
    """A contract's periods, options and dates as they stand on ``today``."""

    start: date
    today: date
    notice_months: int
    periods: tuple[Period, ...]
    option_statuses: tuple[OptionStatus, ...]
    initial_end: date
    current_end: date
    final_end: date
    next_option: int | None
    next_decision_deadline: date | None
    next_option_late: bool
    status: ContractStatus
    committed_months: int | Fraction
    included_months: int | Fraction

    def option_deadline(self, order: int) -> date:
        """Decision deadline of option ``order`` (1-based), assuming the options
        before it are taken: the end of the period before it, minus the notice."""
        if not 1 <= order < len(self.periods):
            raise ValueError(f"This contract has no option {order}.")
        return months_before(self.periods[order - 1].end, self.notice_months)

    @property
    def included_periods(self) -> tuple[int, ...]:
        """Indexes into ``periods`` of the initial term and every option exercised or still open."""
        return (0,) + tuple(
            i
            for i, status in enumerate(self.option_statuses, start=1)
            if status in (OptionStatus.EXERCISED, OptionStatus.AVAILABLE)
        )

    @property
    def committed_periods(self) -> tuple[int, ...]:
        """Indexes into ``periods`` of the initial term and every option exercised."""
        return (0,) + tuple(
            i for i, status in enumerate(self.option_statuses, start=1) if status == OptionStatus.EXERCISED
        )

    @property
    def options_exercised(self) -> int:
        return sum(1 for status in self.option_statuses if status == OptionStatus.EXERCISED)


def _effective_statuses(
    recorded: Sequence[OptionStatus], all_periods: Sequence[Period], today: date
) -> tuple[OptionStatus, ...]:
    effective = []
    closed_by = None
    current_end = all_periods[0].end
    for order, status in enumerate(recorded, start=1):
        if closed_by is not None:
            # Options are taken in order: one declined or lapsed closes the rest.
            status = closed_by
        elif status == OptionStatus.EXERCISED:
            current_end = all_periods[order].end
        elif status == OptionStatus.DECLINED:
            closed_by = status
        elif today > current_end:
            # The day after the current end came with no decision on the next option.
            status = closed_by = OptionStatus.LAPSED
        effective.append(status)
    return tuple(effective)


def _check_taken_in_order(recorded: Sequence[OptionStatus]) -> None:
    not_taken = None
    for order, status in enumerate(recorded, start=1):
        if status != OptionStatus.EXERCISED:
            not_taken = not_taken or (order, status)
        elif not_taken is not None:
            earlier, earlier_status = not_taken
            raise ValueError(
                f"Options are taken in order: option {order} cannot be exercised "
                f"while option {earlier} is {earlier_status}."
            )


def _as_decision(value: "Decision | OptionStatus | str") -> Decision:
    return value if isinstance(value, Decision) else Decision(OptionStatus(value))


def schedule(
    start: date,
    parts: Sequence[Part],
    decisions: Sequence["Decision | OptionStatus | str"],
    *,
    today: date,
    notice_months: int = 6,
) -> Schedule:
    """Everything a contract's term says on ``today``.

    ``parts[0]`` is the initial term, each part in months or by its last day
    (``Part``); ``decisions[i]`` is what was recorded about
    option ``i + 1`` (a bare status means a decision with no date, counting on
    every day). Only decisions dated on or before ``today`` count; the effective
    statuses also apply the rules that need no decision (closing and lapsing).
    """
    if len(decisions) != len(parts) - 1:
        raise ValueError(
            f"A term of {len(parts)} parts has {max(len(parts) - 1, 0)} options, "
            f"but {len(decisions)} option decisions were given."
        )
    if notice_months < 0:
        raise ValueError("The notice period cannot be negative.")
    recorded = tuple(_as_decision(decision).status_on(today) for decision in decisions)
    _check_taken_in_order(recorded)

    all_periods = tuple(periods(start, parts))
    effective = _effective_statuses(recorded, all_periods, today)

    committed = [all_periods[0]]
    included = [all_periods[0]]
    for period, status in zip(all_periods[1:], effective):
        if status == OptionStatus.EXERCISED:
            committed.append(period)
            included.append(period)
        elif status == OptionStatus.AVAILABLE:
            included.append(period)
    current_end = committed[-1].end

    next_option = None
    deadline = None
    if OptionStatus.AVAILABLE in effective:
        next_option = effective.index(OptionStatus.AVAILABLE) + 1
        deadline = months_before(current_end, notice_months)

    if today < start:
        status = ContractStatus.NOT_STARTED
    elif today > current_end:
        status = ContractStatus.EXPIRED
    elif next_option is None:
        status = ContractStatus.FINAL_TERM
    else:
        status = ContractStatus.LIVE

    return Schedule(
        start=start,
        today=today,
        notice_months=notice_months,
        periods=all_periods,
        option_statuses=effective,
        initial_end=all_periods[0].end,
        current_end=current_end,
        final_end=included[-1].end,
        next_option=next_option,
        next_decision_deadline=deadline,
        next_option_late=deadline is not None and today > deadline,
        status=status,
        committed_months=sum(period.months for period in committed),
        included_months=sum(period.months for period in included),
    )
