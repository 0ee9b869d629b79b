"""python manage.py export_contracts [--as-of YYYY-MM-DD] [FILE]"""

import csv
import io
import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from commissioning.core import dates
from contracts.csv_format import EXPORT_COLUMNS, export_row
from contracts.selectors import contract_export_rows

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _as_of(text: str | None) -> date:
    if text is None:
        return timezone.localdate()
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


class Command(BaseCommand):
    help = "Write the register as CSV, with its dates, status and values computed for a day (default today)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Where to write the CSV; without it, standard output.")
        parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD", help="The day to compute for.")

    def handle(self, *args, file: str | None = None, as_of: str | None = None, **options):
        today = _as_of(as_of)
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        count = 0
        for contract in contract_export_rows(filters={}, today=today):
            writer.writerow(export_row(contract, today=today))
            count += 1
        if file is None:
            self.stdout.write(buffer.getvalue(), ending="")
            return
        try:
            with open(file, "w", encoding="utf-8", newline="") as handle:
                handle.write(buffer.getvalue())
        except OSError as error:
            raise CommandError(f"Cannot write {file}: {error.strerror}.") from None
        self.stdout.write(
            f"Exported {count} {'contract' if count == 1 else 'contracts'} as of {today.isoformat()} to {file}."
        )
