"""python manage.py import_contracts FILE.csv [--dry-run]"""

import csv
import io

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contracts.importing import HEADER_LINE, ImportResult, RowError, contracts_import


def _contracts(count: int) -> str:
    return f"{count} contract" if count == 1 else f"{count} contracts"


def describe_error(error: RowError) -> str:
    where = f"Line {error.line} (ref {error.reference})" if error.reference else f"Line {error.line}"
    return f"{where}: {error.message}"


def summary(result: ImportResult, *, dry_run: bool) -> str:
    if dry_run:
        return (
            f"Dry run: {_contracts(result.imported)} would be imported "
            f"({result.created} new, {result.updated} {'update' if result.updated == 1 else 'updates'}); "
            "nothing was saved."
        )
    return f"Imported {_contracts(result.imported)}: {result.created} created, {result.updated} updated."


def _what_has_errors(result: ImportResult) -> str:
    if any(error.line == HEADER_LINE for error in result.errors):
        # The rows are not read when the header is wrong.
        return "the header (line 1) is wrong"
    lines = result.lines_with_errors
    return f"{lines} {'row has' if lines == 1 else 'rows have'} errors"


class Command(BaseCommand):
    help = (
        "Create or update contracts (by reference) from a register CSV: all the rows or, "
        "if any row is bad, none of them."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A CSV file with the register's columns, UTF-8.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; save nothing.")

    def handle(self, *args, file: str, dry_run: bool = False, **options):
        text = _read(file)
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            result = contracts_import(rows=reader, today=timezone.localdate(), dry_run=dry_run)
        except csv.Error as error:
            raise CommandError(f"{file}, line {reader.line_num}: cannot read the CSV: {error}.") from None
        if result.errors:
            for error in result.errors:
                self.stderr.write(describe_error(error))
            raise CommandError(f"Nothing was imported: {_what_has_errors(result)}.")
        self.stdout.write(summary(result, dry_run=dry_run))


def _read(file: str) -> str:
    # utf-8-sig: spreadsheets saving "CSV UTF-8" put a byte order mark first.
    try:
        with open(file, encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        raise CommandError(f"There is no file {file}.") from None
    except UnicodeDecodeError:
        raise CommandError(f'{file} is not UTF-8 text: save it from the spreadsheet as "CSV UTF-8".') from None
    except OSError as error:
        raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
