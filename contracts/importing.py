"""Importing a council's contract register: our own CSV, a Transparency Code
register or a Contracts Finder export, as CSV or XLSX.

`contracts.register_file` reads the file and its rows with no database.
`import_preview` says what an import would do (reading the database in a
bounded number of queries, writing nothing); `contracts_import` saves it through
`contracts.services.contracts_save_many`, all or nothing unless told to skip
the rejected rows. Incomplete rows (no start, end or value) are imported.
Nothing here prints; the `import_contracts` command and the pages report.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from commissioning.core import dates
from contracts import services
from contracts.models import Contract
from contracts.register_file import (
    FIELDS,
    OUTCOMES,
    REQUIRED,
    RegisterRow,
    RegisterTable,
    RowOutcome,
    ValueBasis,
    read_register,
)

HEADER_LINE = 1
_CHUNK = 500
_DATE_FIELDS = ("start_date", "end_date", "review_date", "last_extension_date")
_DATE_WORDS = {
    "start_date": "start date",
    "end_date": "end date",
    "review_date": "review date",
    "last_extension_date": "last extension date",
}


@dataclass
class ImportPreview:
    encoding: str | None
    mapping: dict[str, str]  # header → field key
    ignored_columns: tuple[str, ...]  # headers no field reads
    problems: list[str]  # what stops the whole file being imported
    outcomes: list[RowOutcome]
    duplicates_dropped: int
    as_at: date | None  # the register's "as at" day: from the officer, else its Effective Date column
    creates: tuple[str, ...] = ()  # references of the contracts the import would create
    updates: tuple[str, ...] = ()  # ... and of those it would update

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for outcome in self.outcomes:
            counts[outcome.outcome] += 1
        return counts

    @property
    def rejected(self) -> list[RowOutcome]:
        return [outcome for outcome in self.outcomes if outcome.outcome == "rejected"]

    @property
    def rows(self) -> list[RegisterRow]:
        return [outcome.row for outcome in self.outcomes if outcome.row is not None]


@dataclass
class ImportResult:
    preview: ImportPreview
    saved: bool = False
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)  # why the save was refused as a whole

    @property
    def imported(self) -> int:
        return self.created + self.updated


def _problems(table: RegisterTable, mapping: Mapping[str, str]) -> list[str]:
    held = [key for header, key in mapping.items() if key and header in table.headers]
    problems = []
    if missing := [key for key in REQUIRED if key not in held]:
        problems.append(f"no column holds the {' or the '.join(FIELDS[key].lower() for key in missing)}")
    if repeated := sorted({key for key in held if key != "provider" and held.count(key) > 1}):
        problems.append(f"more than one column holds the {', '.join(FIELDS[key].lower() for key in repeated)}")
    if "regime" in held and ({"legislation", "route"} & set(held)):
        problems.append("the file has both the old regime column and the legislation or route columns")
    if unknown := [key for key in set(mapping.values()) if key and key not in FIELDS]:
        problems.append(f"no field is called {', '.join(sorted(unknown))}")
    return problems


def import_preview(
    *,
    table: RegisterTable,
    mapping: Mapping[str, str],
    as_at: date | None,
    value_basis: ValueBasis,
    lead_commissioner: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> ImportPreview:
    """What importing `table` would do. `lead_commissioner` names the organisation
    for rows that give none (a Transparency Code register is one council's).
    `progress(done, total)` is called as the rows are read."""
    mapping = {header: key for header, key in mapping.items() if key}
    preview = ImportPreview(
        encoding=table.encoding,
        mapping=mapping,
        ignored_columns=tuple(header for header in table.headers if header not in mapping),
        problems=_problems(table, mapping),
        outcomes=[],
        duplicates_dropped=0,
        as_at=as_at,
    )
    if preview.problems:
        return preview
    read = read_register(
        table, mapping, as_at=as_at, value_basis=value_basis, lead_commissioner=lead_commissioner, progress=progress
    )
    preview.outcomes, preview.duplicates_dropped, preview.as_at = read.outcomes, read.duplicates_dropped, read.as_at
    for outcome in preview.outcomes:
        if outcome.row is not None:
            _check_dates(outcome)
    _check_against_register(preview)
    rows = preview.rows
    existing = _existing_references([row.reference for row in rows])
    preview.creates = tuple(row.reference for row in rows if row.reference not in existing)
    preview.updates = tuple(row.reference for row in rows if row.reference in existing)
    return preview


def _check_dates(outcome: RowOutcome) -> None:
    row = outcome.row
    for name in _DATE_FIELDS:
        day = getattr(row, name)
        if day is not None and not dates.in_range(day):
            outcome.reject(f"the {_DATE_WORDS[name]} {day.isoformat()} is not a date {dates.RANGE_TEXT}")
    if outcome.reasons:
        outcome.outcome, outcome.row = "rejected", None


def _existing_references(references: list[str]) -> set[str]:
    found: set[str] = set()
    for index in range(0, len(references), _CHUNK):
        chunk = references[index : index + _CHUNK]
        found.update(Contract.objects.filter(reference__in=chunk).values_list("reference", flat=True))
    return found


def _check_against_register(preview: ImportPreview) -> None:
    """Refuse a row that would contradict what the register holds (a decision with
    its day): read in a bounded number of queries."""
    by_reference = {outcome.row.reference: outcome for outcome in preview.outcomes if outcome.row is not None}
    references = list(by_reference)
    for index in range(0, len(references), _CHUNK):
        chunk = references[index : index + _CHUNK]
        for contract in Contract.objects.filter(reference__in=chunk).prefetch_related("options", "changes"):
            outcome = by_reference[contract.reference]
            options = sorted(contract.options.all(), key=lambda option: option.order)
            for problem in services.register_row_problems(contract=contract, options=options, row=outcome.row):
                outcome.reject(problem)
            if outcome.reasons:
                outcome.outcome, outcome.row = "rejected", None


def contracts_import(
    *,
    table: RegisterTable,
    mapping: Mapping[str, str],
    as_at: date | None,
    value_basis: ValueBasis,
    skip_rejected: bool = False,
    progress: Callable[[int, int], None] | None = None,
    lead_commissioner: str = "",
) -> ImportResult:
    """Create or update (by reference) the contract of every row that can be read.

    All or nothing: any rejected row (or a problem with the file) saves nothing,
    unless `skip_rejected`, which saves the rest. Incomplete rows are saved.
    `progress(done, total)` is called after each batch is written.
    """
    preview = import_preview(
        table=table, mapping=mapping, as_at=as_at, value_basis=value_basis, lead_commissioner=lead_commissioner
    )
    result = ImportResult(preview=preview)
    if preview.problems or (preview.rejected and not skip_rejected):
        return result
    try:
        with transaction.atomic():
            counts = services.contracts_save_many(rows=preview.rows, progress=progress)
    except ValidationError as error:
        result.errors = list(error.messages)
        return result
    except IntegrityError as error:
        # The rows were checked first, so this is a rule only the database caught.
        result.errors = [f"the database refused the import: {error}"]
        return result
    result.saved, result.created, result.updated = True, counts.created, counts.updated
    return result
