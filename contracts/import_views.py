"""The import pages: upload a register, match its columns, preview every row,
confirm, and read the record of every import."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from commissioning.core.permissions import can, get_for_user, require
from commissioning.core.spreadsheets import Column, Kind, csv_document
from commissioning.core.versioning import StaleEdit
from commissioning.core.web import Attachment, download, page_of
from contracts import register_imports
from contracts.forms import add_service_errors
from contracts.import_forms import ConfirmForm, MappingForm, UploadForm
from contracts.models import Contract, RegisterImport
from contracts.register_file import FIELDS

REPORT_PAGE_SIZE = 100
_STALE = "Someone changed this import since you opened it; here it is as it is now. Check it and try again."


def _can_import(user) -> bool:
    return can(user, RegisterImport, "add") and can(user, Contract, "add")


def import_list(request):
    """Earlier imports, and (for officers) the form to upload a new one."""
    require(request.user, RegisterImport)
    may_import = _can_import(request.user)
    form = None
    if request.method == "POST":
        if not may_import:
            require(request.user, Contract, "add")
            require(request.user, RegisterImport, "add")
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record = register_imports.import_upload(
                    user=request.user,
                    file_name=upload.name,
                    data=upload.read(),
                    as_at=form.cleaned_data["as_at"],
                    value_basis=form.cleaned_data["value_basis"],
                    lead_commissioner=form.cleaned_data["lead_commissioner"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(record)
    elif may_import:
        form = UploadForm(initial={"lead_commissioner": register_imports.usual_lead_commissioner()})
    records = RegisterImport.objects.select_related("uploaded_by").defer("data", "report", "mapping")
    return render(
        request,
        "contracts/import_list.html",
        {"form": form, "page": page_of(request, records)},
    )


def _report_page(request, record: RegisterImport):
    shown = request.GET.get("outcome", "")
    rows = record.report
    if shown in register_imports.OUTCOMES:
        rows = [row for row in rows if row["outcome"] == shown]
    else:
        shown = ""
    page = Paginator(rows, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    # Each row's outcome in words and its badge, worked out here rather than by a
    # loop over the outcomes in the template for each of a hundred rows.
    page.object_list = [
        {
            **row,
            "label": register_imports.OUTCOME_LABELS.get(row["outcome"], row["outcome"]),
            "badge": OUTCOME_BADGES.get(row["outcome"], "text-bg-success"),
        }
        for row in page.object_list
    ]
    return shown, page


OUTCOME_BADGES = {"rejected": "text-bg-danger", "incomplete": "text-bg-secondary", "warnings": "text-bg-warning"}


def import_detail(request, pk: int):
    record = get_for_user(request.user, RegisterImport.objects.select_related("uploaded_by", "confirmed_by"), pk=pk)
    may_import = _can_import(request.user)
    mapping_form = confirm_form = None
    if record.status == RegisterImport.Status.PREVIEW and may_import:
        mapping_form = MappingForm(record=record)
        confirm_form = ConfirmForm(initial={"version": record.version})
    shown, report = _report_page(request, record)
    done, total = register_imports.import_progress(record)
    return render(
        request,
        "contracts/import_detail.html",
        {
            "record": record,
            "mapping_form": mapping_form,
            "confirm_form": confirm_form,
            "fields": FIELDS,
            "outcome_labels": register_imports.OUTCOME_LABELS,
            "shown": shown,
            "ignored": [header or "(no header)" for header, field in record.mapping.items() if not field],
            "report_query": f"outcome={shown}" if shown else "",
            "report": report,
            "progress": {"done": done, "total": total, "percent": round(100 * done / total) if total else 0},
            "reading": record.status == RegisterImport.Status.READING,
            "running": record.status in (RegisterImport.Status.QUEUED, RegisterImport.Status.RUNNING),
        },
    )


def _record_to_change(request, pk: int) -> RegisterImport:
    record = get_for_user(request.user, RegisterImport.objects.all(), action="add", pk=pk)
    require(request.user, Contract, "add")
    return record


@require_POST
def import_remap(request, pk: int):
    record = _record_to_change(request, pk)
    form = MappingForm(request.POST, record=record)
    if form.is_valid():
        try:
            record = register_imports.import_remap(
                record=record,
                user=request.user,
                mapping=form.mapping(),
                as_at=form.cleaned_data["as_at"],
                value_basis=form.cleaned_data["value_basis"],
                lead_commissioner=form.cleaned_data["lead_commissioner"],
                skip_rejected=form.cleaned_data["skip_rejected"],
                remember=form.cleaned_data["remember"],
                version=form.cleaned_data["version"],
            )
        except StaleEdit:
            messages.error(request, _STALE)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if record.status == RegisterImport.Status.READING:
                messages.info(request, "The file is being read again with your choices; its preview follows here.")
            else:
                messages.success(request, "The file was read again with your choices; check the preview below.")
    else:
        messages.error(
            request,
            "The choices could not be read: "
            + "; ".join(
                f"{form.fields[name].label if name in form.fields else 'form'}: {' '.join(errors)}"
                for name, errors in form.errors.items()
            ),
        )
    return redirect(record)


@require_POST
def import_confirm(request, pk: int):
    record = _record_to_change(request, pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _STALE)
        return redirect(record)
    try:
        record = register_imports.import_confirm(record=record, user=request.user, version=form.cleaned_data["version"])
    except StaleEdit:
        messages.error(request, _STALE)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        record.refresh_from_db()
        if record.status == RegisterImport.Status.DONE:
            counts = record.counts
            messages.success(
                request, f"Imported: {counts.get('created', 0)} contracts added, {counts.get('updated', 0)} updated."
            )
        elif record.status in (RegisterImport.Status.QUEUED, RegisterImport.Status.RUNNING):
            messages.info(request, "The import is running; this page shows its progress.")
        else:
            messages.error(request, record.error or "The import saved nothing.")
    return redirect(record)


REPORT_COLUMNS = [Column("Line", Kind.NUMBER), Column("Reference"), Column("Outcome"), Column("Messages")]


@download
def import_report(request, pk: int):
    """Every row's outcome as CSV: line, reference, outcome, messages."""
    record = get_for_user(request.user, RegisterImport.objects.all(), pk=pk)
    rows = (
        [
            row["line"],
            row["reference"],
            register_imports.OUTCOME_LABELS.get(row["outcome"], row["outcome"]),
            " | ".join(row["messages"]),
        ]
        for row in record.report
    )
    return Attachment(csv_document(REPORT_COLUMNS, rows), f"import-{record.pk}-report.csv")
