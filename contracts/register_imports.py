"""Importing a register in the browser: upload, match the columns, preview every
row, confirm, and keep the record.

The rules for reading a file are `contracts.register_file`; for checking and
saving rows, `contracts.importing` (the `import_contracts` command uses the same
two). This module keeps what the page adds: the `RegisterImport` record of each
upload (who, when, the file, how its columns were read, every row's outcome and
what was saved), the column matches officers remember for the next quarter's
file (`ColumnMapping`), and reading and running an import: a large file is
read for its preview, and saved once confirmed, by a background job
(`contracts/tasks.py`) with its progress where every web process can read it.
"""

import logging
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from commissioning.core import jobs, versioning
from contracts.importing import contracts_import, import_preview
from contracts.models import ColumnMapping, Organisation, RegisterImport
from contracts.register_file import FIELDS, FileError, match_headers, normalise_header, read_table

logger = logging.getLogger(__name__)

OUTCOMES = ("accepted", "warnings", "incomplete", "rejected")
OUTCOME_LABELS = {
    "accepted": "Accepted",
    "warnings": "Accepted with warnings",
    "incomplete": "Incomplete (kept, to complete)",
    "rejected": "Rejected",
}


def remembered_mapping() -> dict[str, str]:
    """The headers officers matched by hand: normalised header → field ("" to ignore)."""
    return dict(ColumnMapping.objects.values_list("header", "field"))


def usual_lead_commissioner() -> str:
    """The council named at the last upload, else the COUNCIL_NAME setting, else
    the organisation that leads most of the register's contracts."""
    last = RegisterImport.objects.exclude(lead_commissioner="").values_list("lead_commissioner", flat=True).first()
    if last or settings.COUNCIL_NAME:
        return last or settings.COUNCIL_NAME
    leading = (
        Organisation.objects.annotate(led=Count("led_contracts"))
        .filter(led__gt=0)
        .order_by("-led", "name")
        .values_list("name", flat=True)
        .first()
    )
    return leading or ""


def _table(record: RegisterImport):
    return read_table(bytes(record.data), filename=record.file_name)


def _is_large(table) -> bool:
    return len(table.rows) > settings.IMPORT_BACKGROUND_ROWS


def _preview_into(record: RegisterImport, table, progress=None) -> None:
    preview = import_preview(
        table=table,
        mapping=record.mapping,
        as_at=record.as_at,
        value_basis=record.value_basis,
        lead_commissioner=record.lead_commissioner,
        progress=progress,
    )
    record.problems = preview.problems
    record.as_at_read = preview.as_at
    record.counts = {
        **{outcome: preview.counts.get(outcome, 0) for outcome in OUTCOMES},
        "rows": len(preview.outcomes),
        "duplicates": preview.duplicates_dropped,
        "create": len(preview.creates),
        "update": len(preview.updates),
    }
    record.report = [
        {
            "line": outcome.line,
            "reference": outcome.reference,
            "outcome": outcome.outcome,
            "messages": _messages(outcome),
        }
        for outcome in preview.outcomes
    ]


def _messages(outcome) -> list[str]:
    """What the report says of a row: why it is rejected, what is missing, then warnings."""
    missing = [f"Not known: {', '.join(outcome.missing)}; kept as incomplete."] if outcome.missing else []
    return [*outcome.reasons, *missing, *outcome.warnings]


def _check_mapping(mapping: Mapping[str, str], headers) -> dict[str, str]:
    unknown = {field for field in mapping.values() if field and field not in FIELDS}
    if unknown:
        raise ValidationError({"mapping": f"Unknown field {', '.join(sorted(unknown))}."})
    taken: dict[str, str] = {}
    for header, field in mapping.items():
        if not field or field == "provider":  # several supplier columns are allowed
            continue
        if field in taken:
            raise ValidationError(
                {"mapping": f'The columns "{taken[field]}" and "{header}" are both read as {FIELDS[field]}.'}
            )
        taken[field] = header
    return {header: mapping.get(header, "") for header in headers}


@transaction.atomic(durable=True)
def import_upload(
    *, user, file_name: str, data: bytes, as_at: date | None, value_basis: str, lead_commissioner: str = ""
) -> RegisterImport:
    """Read an uploaded file, match its columns and preview every row; nothing is
    imported until the officer confirms. A file that cannot be read is a
    ValidationError on "file". A file of more than IMPORT_BACKGROUND_ROWS rows
    is previewed by a background job: the record is saved "being read" and the
    preview follows."""
    try:
        table = read_table(data, filename=file_name)
    except FileError as error:
        raise ValidationError({"file": str(error)}) from None
    match = match_headers(table.headers, remembered=remembered_mapping())
    record = RegisterImport(
        uploaded_by=user,
        file_name=file_name[:255],
        data=data,
        encoding=table.encoding or "",
        as_at=as_at,
        value_basis=value_basis,
        lead_commissioner=lead_commissioner,
        mapping={header: match.mapping.get(header, "") for header in table.headers},
    )
    _preview_or_queue(record, table)
    record.full_clean(exclude=["data", "uploaded_by"])
    record.save()
    return record


def _preview_or_queue(record: RegisterImport, table) -> None:
    """Preview a small file now; leave a large one "being read" for the job that
    reads it, queued once the record is saved."""
    if not _is_large(table):
        record.status = RegisterImport.Status.PREVIEW
        _preview_into(record, table)
        return
    record.status = RegisterImport.Status.READING
    record.problems, record.report = [], []
    record.counts = {"rows": len(table.rows)}
    transaction.on_commit(lambda: _queue("read_import", record.pk))


def _queue(job: str, record_id: int) -> None:
    # The jobs call this module's functions, so they are found when used, not imported at the top.
    from contracts import tasks

    jobs.enqueue(getattr(tasks, job), record_id)


def _locked_preview(record: RegisterImport, version: int | None) -> RegisterImport:
    if version is None:  # the pages always send the version they showed
        raise versioning.StaleEdit(read=None, current=record.version)
    locked = versioning.lock_for_update(RegisterImport, pk=record.pk, version=version)
    if locked.status != RegisterImport.Status.PREVIEW:
        raise ValidationError(f"This import is {locked.get_status_display().lower()}; it cannot be changed.")
    return locked


@transaction.atomic(durable=True)
def import_remap(
    *,
    record: RegisterImport,
    user,
    mapping: Mapping[str, str],
    as_at: date | None,
    value_basis: str,
    lead_commissioner: str,
    skip_rejected: bool,
    remember: bool,
    version: int | None,
) -> RegisterImport:
    """Read the file again with the officer's column matches and choices, and
    preview it again (a large file in the background, as on upload). With
    `remember`, the matches made by hand are kept for the next file with the
    same headers."""
    record = _locked_preview(record, version)
    table = _table(record)
    record.mapping = _check_mapping(mapping, table.headers)
    record.as_at = as_at
    record.value_basis = value_basis
    record.lead_commissioner = lead_commissioner
    record.skip_rejected = skip_rejected
    _preview_or_queue(record, table)
    record.version += 1
    record.full_clean(exclude=["data", "uploaded_by"])
    record.save()
    if remember:
        automatic = match_headers(table.headers).mapping
        for header, field in record.mapping.items():
            if field != automatic.get(header, ""):
                ColumnMapping.objects.update_or_create(
                    header=normalise_header(header), defaults={"field": field, "updated_by": user}
                )
    return record


@transaction.atomic(durable=True)
def import_confirm(*, record: RegisterImport, user, version: int | None) -> RegisterImport:
    """Confirm a previewed import: it is queued, and runs once this commits (as a
    background job when the file has more than IMPORT_BACKGROUND_ROWS rows)."""
    record = _locked_preview(record, version)
    if record.problems:
        raise ValidationError(
            "The file cannot be imported as its columns are read: " + "; ".join(record.problems) + "."
        )
    rejected = record.counts.get("rejected", 0)
    if rejected and not record.skip_rejected:
        raise ValidationError(
            f"{rejected} row{'s are' if rejected != 1 else ' is'} rejected. Correct the file and upload it again, "
            "or choose to import the other rows and leave the rejected ones out."
        )
    if record.counts.get("rows", 0) - rejected == 0:
        raise ValidationError("There is no row to import.")
    record.status = RegisterImport.Status.QUEUED
    record.confirmed_by = user
    record.confirmed_at = timezone.now()
    record.version += 1
    record.save()
    if record.counts.get("rows", 0) > settings.IMPORT_BACKGROUND_ROWS:
        transaction.on_commit(lambda: _queue("run_import", record.pk))
    else:
        transaction.on_commit(lambda: import_run(record_id=record.pk))
    return record


def _progress_key(record_id: int) -> str:
    return f"register-import-{record_id}"


def import_progress(record: RegisterImport) -> tuple[int, int]:
    """Rows read (while the file is being read) or saved (while the import runs)
    so far, and the rows there are."""
    done, total = caches["progress"].get(_progress_key(record.pk), (0, record.counts.get("rows", 0)))
    return done, total


def import_read(*, record_id: int) -> RegisterImport:
    """Preview a file left "being read": every row's outcome, as `import_upload`
    gives a small file at once. Reading twice gives the same preview, and only a
    record still being read is changed, so the job may safely run again."""
    record = RegisterImport.objects.get(pk=record_id)
    if record.status != RegisterImport.Status.READING:
        return record
    key = _progress_key(record_id)

    def progress(done: int, total: int) -> None:
        caches["progress"].set(key, (done, total), timeout=24 * 3600)

    failure = ""
    try:
        _preview_into(record, _table(record), progress=progress)
    except jobs.TRANSIENT:
        raise  # the database went away: the job is tried again
    except Exception as error:  # the record must say it failed, whatever the cause
        logger.exception("Reading register import %s failed", record_id)
        failure = f"The file could not be read: {error}"
    with transaction.atomic(durable=True):
        locked = RegisterImport.objects.select_for_update().get(pk=record_id)
        if locked.status != RegisterImport.Status.READING:
            return locked
        if failure:
            locked.status, locked.error, locked.finished_at = RegisterImport.Status.FAILED, failure, timezone.now()
        else:
            locked.status = RegisterImport.Status.PREVIEW
            for name in ("problems", "as_at_read", "counts", "report"):
                setattr(locked, name, getattr(record, name))
        locked.version += 1
        locked.save(
            update_fields=["status", "error", "finished_at", "problems", "as_at_read", "counts", "report", "version"]
        )
    caches["progress"].delete(key)
    return locked


def import_run(*, record_id: int) -> RegisterImport:
    """Run a confirmed import: all its rows are saved in one transaction, or none.
    Only an import still waiting is run, so running it twice saves it once."""
    with transaction.atomic(durable=True):
        record = RegisterImport.objects.select_for_update().get(pk=record_id)
        if record.status != RegisterImport.Status.QUEUED:
            return record
        record.status = RegisterImport.Status.RUNNING
        record.save(update_fields=["status"])
    key = _progress_key(record_id)

    def progress(done: int, total: int) -> None:
        caches["progress"].set(key, (done, total), timeout=24 * 3600)

    try:
        result = contracts_import(
            table=_table(record),
            mapping=record.mapping,
            as_at=record.as_at,
            value_basis=record.value_basis,
            skip_rejected=record.skip_rejected,
            progress=progress,
            lead_commissioner=record.lead_commissioner,
        )
    except Exception as error:  # the record must say it failed, whatever the cause
        logger.exception("Register import %s failed", record_id)
        record.status = RegisterImport.Status.FAILED
        record.error = f"The import stopped with an error, and saved nothing: {error}"
    else:
        record.status = RegisterImport.Status.DONE if result.saved else RegisterImport.Status.REFUSED
        record.counts = {**record.counts, "created": result.created, "updated": result.updated}
        if not result.saved:
            reasons = (
                result.errors
                or result.preview.problems
                or [f"line {outcome.line}: {'; '.join(_messages(outcome))}" for outcome in result.preview.rejected[:20]]
            )
            record.error = "Nothing was saved: " + "; ".join(reasons)
    record.finished_at = timezone.now()
    record.version += 1
    record.save(update_fields=["status", "counts", "error", "finished_at", "version"])
    caches["progress"].delete(key)
    return record


# An import saves its rows in minutes at most; one running longer stopped with its process.
STOPPED_AFTER = timedelta(hours=6)


def imports_waiting_run(*, now: datetime | None = None) -> list[RegisterImport]:
    """For `run_imports`: mark as failed each import still "running" long after
    it began (its process stopped, and its transaction saved nothing), then read
    every upload still being read and run every confirmed import still waiting,
    oldest first: those whose job could not be queued, or was lost."""
    now = now or timezone.now()
    stopped = RegisterImport.objects.filter(status=RegisterImport.Status.RUNNING, confirmed_at__lt=now - STOPPED_AFTER)
    finished = []
    for record in stopped:
        record.status = RegisterImport.Status.FAILED
        record.error = (
            "The import stopped before it finished (its process ended), and saved nothing. Upload the file again."
        )
        record.finished_at = now
        record.version += 1
        record.save(update_fields=["status", "error", "finished_at", "version"])
        finished.append(record)
    reading = RegisterImport.objects.filter(status=RegisterImport.Status.READING).order_by("uploaded_at", "pk")
    finished += [import_read(record_id=pk) for pk in reading.values_list("pk", flat=True)]
    waiting = RegisterImport.objects.filter(status=RegisterImport.Status.QUEUED).order_by("confirmed_at", "pk")
    return finished + [import_run(record_id=pk) for pk in waiting.values_list("pk", flat=True)]
