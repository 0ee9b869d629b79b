"""Helpers shared by the project's management commands."""

import argparse
from datetime import date


def iso_date(text: str) -> date:
    """An argparse type for `--today YYYY-MM-DD`, with a message that says what to type."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: write it as YYYY-MM-DD, such as 2026-11-22."
        ) from None
