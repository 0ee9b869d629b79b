"""python manage.py import_contracts FILE [--dry-run] [--as-at YYYY-MM-DD] [--skip-rejected]
[--value-basis whole|annual] [--lead-commissioner NAME]"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commissioning.core import dates
from contracts.importing import ImportPreview, ImportResult, contracts_import, import_preview
from contracts.register_file import VALUE_BASES, FileError, RowOutcome, match_headers, read_table


def _count(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def describe_row(outcome: RowOutcome) -> str:
    where = f"Line {outcome.line} (ref {outcome.reference})" if outcome.reference else f"Line {outcome.line}"
    return f"{where}: {'; '.join(outcome.reasons)}"


def _read_as(preview: ImportPreview) -> str:
    return f"read as {preview.encoding}" if preview.encoding else "read from the spreadsheet"


def _row_counts(preview: ImportPreview) -> str:
    counts = preview.counts
    return (
        f"{counts['accepted']} accepted, {counts['warnings']} with warnings, {counts['incomplete']} incomplete, "
        f"{counts['rejected']} rejected, {_count(preview.duplicates_dropped, 'duplicate row')} dropped"
    )


def summary(result: ImportResult, *, dry_run: bool) -> str:
    preview = result.preview
    if dry_run:
        return (
            f"Dry run ({_read_as(preview)}): {_count(len(preview.creates), 'contract')} would be created and "
            f"{_count(len(preview.updates), 'updated', 'updated')}; {_row_counts(preview)}; nothing was saved."
        )
    return (
        f"Imported {_count(result.imported, 'contract')} ({_read_as(preview)}): {result.created} created, "
        f"{result.updated} updated; {_row_counts(preview)}."
    )


def _as_at(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-at {text} is not a date: write it as YYYY-MM-DD.") from None
    if not dates.in_range(day):
        raise CommandError(f"--as-at {text} is not a date {dates.RANGE_TEXT}.")
    return day


class Command(BaseCommand):
    help = (
        "Create or update contracts (by reference) from a register file, CSV or XLSX: our own columns, "
        "a Transparency Code register's or a Contracts Finder export's. All the rows or, if any row is "
        "rejected, none of them (unless --skip-rejected)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A CSV (UTF-8 or Windows-1252) or XLSX file.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; save nothing.")
        parser.add_argument(
            "--as-at", help="The register's effective date, YYYY-MM-DD (else its Effective Date column)."
        )
        parser.add_argument(
            "--skip-rejected", action="store_true", help="Save the rows that can be read; list the rest."
        )
        parser.add_argument(
            "--value-basis",
            choices=VALUE_BASES,
            default="whole",
            help="What a file's one value column means: the whole contract's value (default) or a year's.",
        )
        parser.add_argument(
            "--lead-commissioner", default="", help="The organisation for rows that name none (the council's name)."
        )

    def handle(self, *args, file: str, dry_run=False, as_at=None, skip_rejected=False, **options):
        table = _read(file)
        header = match_headers(table.headers)
        if header.problems:
            raise CommandError(f"Nothing was imported: {file}'s header (line 1): {'; '.join(header.problems)}.")
        arguments = {
            "table": table,
            "mapping": header.mapping,
            "as_at": _as_at(as_at),
            "value_basis": options["value_basis"],
            "lead_commissioner": options["lead_commissioner"],
        }
        if dry_run:
            result = ImportResult(preview=import_preview(**arguments))
        else:
            result = contracts_import(**arguments, skip_rejected=skip_rejected)
        preview = result.preview
        if preview.problems:
            raise CommandError(f"Nothing was imported: {'; '.join(preview.problems)}.")
        if preview.ignored_columns:
            self.stdout.write(f"Columns ignored: {', '.join(preview.ignored_columns)}.")
        if options["verbosity"] > 1:
            for outcome in preview.outcomes:
                for warning in outcome.warnings:
                    self.stdout.write(f"Line {outcome.line} (ref {outcome.reference}): {warning}")
                if outcome.missing:
                    self.stdout.write(f"Line {outcome.line} (ref {outcome.reference}): no {', '.join(outcome.missing)}")
        for outcome in preview.rejected:
            self.stderr.write(describe_row(outcome))
        for error in result.errors:
            self.stderr.write(error)
        if result.errors:
            raise CommandError("Nothing was imported: the database refused it.")
        if preview.rejected and not skip_rejected:
            raise CommandError(
                f"Nothing was imported ({_read_as(preview)}): "
                f"{_count(len(preview.rejected), 'row is', 'rows are')} rejected; {_row_counts(preview)}."
            )
        self.stdout.write(summary(result, dry_run=dry_run))


def _read(file: str):
    path = Path(file)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"There is no file {file}.") from None
    except OSError as error:
        raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
    try:
        return read_table(data, filename=path.name)
    except FileError as error:
        raise CommandError(f"{file}: {error}") from None
