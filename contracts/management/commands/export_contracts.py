"""python manage.py export_contracts [--as-of YYYY-MM-DD] [--format csv|xlsx|transparency|ocds] [--quarter 2026-Q3] [FILE]"""

import re
import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from commissioning.core import dates
from contracts import publishing
from contracts.selectors import contract_export_rows, transparency_rows

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FORMATS = ("csv", "xlsx", "transparency", "ocds")


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    value = text.strip()
    if _ISO_DATE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None  # 2025-02-31: the right shape, but no such day
        if day is not None and dates.in_range(day):
            return day
        if day is not None:
            raise CommandError(f"--as-of {text} is not a date {dates.RANGE_TEXT}.")
    raise CommandError(f"--as-of {text} is not a date: write it as YYYY-MM-DD, e.g. 2026-11-22.")


def _quarter(text: str | None, *, as_of: date | None) -> tuple[publishing.Quarter, date]:
    """The quarter asked for and the day its figures are computed for: by default
    the quarter holding --as-of (or today), and a quarter's figures as of its last day."""
    if text is None:
        day = as_of or timezone.localdate()
        return publishing.Quarter.holding(day), day
    try:
        quarter = publishing.parse_quarter(text)
    except ValueError as error:
        raise CommandError(f"--quarter {error}") from None
    return quarter, as_of or quarter.last_day


class Command(BaseCommand):
    help = (
        "Write the register for a day (default today): as CSV (the import's columns and the figures), "
        "as an Excel workbook, as the Transparency Code contracts register for a quarter, or as an OCDS "
        "release package."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Where to write; without it, standard output.")
        parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD", help="The day to compute for.")
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="csv", help="What to write (csv).")
        parser.add_argument(
            "--quarter",
            metavar="YYYY-QN",
            help="For --format transparency: the financial year's start year and quarter, e.g. 2026-Q3 for "
            "October to December 2026 (Q1 is April to June). Default: the quarter holding --as-of or today.",
        )

    def handle(self, *args, file=None, as_of=None, fmt="csv", quarter=None, **options):
        day = _as_of(as_of)
        if quarter is not None and fmt != "transparency":
            raise CommandError("--quarter is for --format transparency only.")
        if fmt == "transparency":
            chosen, today = _quarter(quarter, as_of=day)
            contracts = list(
                transparency_rows(filters={}, first_day=chosen.first_day, last_day=chosen.last_day, today=today)
            )
            # The byte order mark is for Excel opening a file; a pipe gets plain UTF-8.
            content = publishing.transparency_document(contracts, today=today, bom=file is not None)
            what = f"for {chosen.label} as of {today.isoformat()}"
        else:
            today = day or timezone.localdate()
            contracts = list(contract_export_rows(filters={}, today=today, kpis=fmt == "ocds_notices"))
            uri = Path(file).resolve().as_uri() if file else f"urn:x-contract-register:{today.isoformat()}"
            content = publishing.register_document(fmt, contracts, today=today, uri=uri, bom=file is not None)
            what = f"as of {today.isoformat()}"
        count = len(contracts)
        if file is None:
            self._to_stdout(content)
            return
        try:
            if isinstance(content, bytes):
                Path(file).write_bytes(content)
            else:
                with open(file, "w", encoding="utf-8", newline="") as handle:
                    handle.write(content)
        except OSError as error:
            raise CommandError(f"Cannot write {file}: {error.strerror}.") from None
        self.stdout.write(f"Exported {count} {'contract' if count == 1 else 'contracts'} {what} to {file}.")

    def _to_stdout(self, content: str | bytes) -> None:
        if isinstance(content, str):
            self.stdout.write(content, ending="")
            return
        binary = getattr(self.stdout._out, "buffer", None)
        if binary is None or self.stdout._out is sys.stdout and sys.stdout.isatty():
            raise CommandError("An Excel workbook is binary: give a FILE to write it to, or redirect the output.")
        binary.write(content)
        binary.flush()
