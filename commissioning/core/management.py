"""Helpers shared by the project's management commands."""

import argparse
from datetime import date

from commissioning.core import dates


def iso_date(text: str) -> date:
    """An argparse type for `--today YYYY-MM-DD`, with a message that says what to type."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: write it as YYYY-MM-DD, such as 2026-11-22."
        ) from None
    if not dates.in_range(day):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date {dates.RANGE_TEXT}.")
    return day
