"""A month as weeks of days, Monday to Sunday, for the meetings calendar.

Pure date arithmetic: no Django here.
"""

import calendar
from datetime import MAXYEAR, MINYEAR, date

_MONDAY = 0


def month_start(raw: str | None, *, default: date) -> date:
    """The first day of the month named by ``raw`` ("2022-11"); the month of
    ``default`` when ``raw`` is empty or not a month."""
    if raw:
        try:
            year, month = (int(part) for part in raw.strip().split("-"))
            # Keep a month either side inside what `date` can hold.
            if MINYEAR < year < MAXYEAR:
                return date(year, month, 1)
        except ValueError:
            pass
    return default.replace(day=1)


def previous_month(first: date) -> date:
    return date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)


def next_month(first: date) -> date:
    return date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)


def month_weeks(first: date) -> list[list[date]]:
    """Whole weeks, Monday first, covering every day of the month of ``first``;
    the first and last weeks include days of the months either side."""
    return calendar.Calendar(firstweekday=_MONDAY).monthdatescalendar(first.year, first.month)
