"""The forward plan of key decisions (issue 13, item 1): the list, an entry,
its form, the plan printed and downloaded."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from commissioning.core import dates, spreadsheets
from commissioning.core.once import saves_once
from commissioning.core.permissions import can, get_for_user, require
from commissioning.core.spreadsheets import Column, Kind
from commissioning.core.versioning import StaleEdit
from commissioning.core.web import Attachment, download, is_filtered, page_of, query_without
from committees import services
from committees.forms import add_errors
from committees.forward_plan import ROUTE_LABELS
from committees.forward_plan_forms import ForwardPlanForm
from committees.models import ForwardPlanEntry
from committees.selectors import (
    forward_plan_entry_for_edit,
    forward_plan_entry_history,
    forward_plan_list,
    forward_plan_rows,
    key_decisions_without_notice,
)
from contracts.history import full_history_requested


def _plan(request, *, warn: bool = True):
    """The plan as filtered, for the day asked (a download has no page to warn on)."""
    today = dates.as_of(request, warn=warn)
    queryset, filterset = forward_plan_list(filters=request.GET, today=today)
    return today, queryset, filterset


def forward_plan(request):
    require(request.user, ForwardPlanEntry)
    today, queryset, filterset = _plan(request)
    page = page_of(request, queryset)
    return render(
        request,
        "committees/forward_plan_list.html",
        {
            "page": page,
            "rows": forward_plan_rows(page.object_list),
            "filterset": filterset,
            "today": today,
            "query_without_page": query_without(request, "page"),
            "filtered": is_filtered(request),
            "can_add": can(request.user, ForwardPlanEntry, "add"),
        },
    )


def forward_plan_print(request):
    """The whole plan as filtered, on paper: print CSS, no pagination."""
    require(request.user, ForwardPlanEntry)
    today, queryset, _ = _plan(request)
    return render(
        request,
        "committees/forward_plan_print.html",
        {"rows": forward_plan_rows(queryset), "today": today, "query": query_without(request, "page")},
    )


def forward_plan_detail(request, pk: int):
    get_for_user(request.user, ForwardPlanEntry.objects.all(), pk=pk)
    entry = forward_plan_entry_for_edit(pk=pk)
    (row,) = forward_plan_rows([entry])
    return render(
        request,
        "committees/forward_plan_detail.html",
        {
            "entry": entry,
            "row": row,
            "contracts": list(entry.contracts.order_by("reference")),
            "can_change": can(request.user, ForwardPlanEntry, "change"),
            "history": forward_plan_entry_history(entry=entry, show_all=full_history_requested(request)),
        },
    )


def _form_page(request, *, entry: ForwardPlanEntry | None):
    form = ForwardPlanForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            if entry is None:
                entry = services.forward_plan_entry_create(
                    council=form.cleaned_data["council"], **form.service_arguments()
                )
                messages.success(request, "Forward plan entry added.")
            else:
                entry = services.forward_plan_entry_update(
                    entry=entry, version=form.read_version, **form.service_arguments()
                )
                messages.success(request, "Forward plan entry saved.")
        except StaleEdit:
            form.refuse_as_stale(ForwardPlanForm(entry=forward_plan_entry_for_edit(pk=entry.pk)), noun="entry")
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect(entry)
    return render(request, "committees/forward_plan_form.html", {"form": form, "entry": entry})


@saves_once
def forward_plan_create(request):
    require(request.user, ForwardPlanEntry, "add")
    return _form_page(request, entry=None)


def forward_plan_update(request, pk: int):
    get_for_user(request.user, ForwardPlanEntry.objects.all(), action="change", pk=pk)
    return _form_page(request, entry=forward_plan_entry_for_edit(pk=pk))


EXPORT_COLUMNS = [
    Column("Council"),
    Column("Decision"),
    Column("Decision maker"),
    Column("Expected decision date", Kind.DATE),
    Column("Status"),
    Column("Contracts"),
    Column("First published on", Kind.DATE),
    Column("Publish by", Kind.DATE),
    Column("Valid notice"),
    Column("Route"),
    Column("Notice"),
    Column("Exempt information expected"),
    Column("Schedule 12A paragraph"),
    Column("General exception notice on", Kind.DATE),
    Column("Special urgency agreed by"),
    Column("Special urgency agreed on", Kind.DATE),
    Column("Special urgency notice on", Kind.DATE),
]


def export_rows(rows) -> list[list]:
    return [
        [
            row.entry.council.name,
            row.entry.title,
            row.entry.decision_maker_text,
            row.entry.expected_on,
            row.entry.get_status_display(),
            "; ".join(contract.reference for contract in row.entry.contracts.all()),
            row.entry.published_on,
            row.publish_by,
            "Yes" if row.check.valid else "No",
            ROUTE_LABELS.get(row.check.route, "") if row.check.route else "",
            row.check.reason,
            "Yes" if row.entry.is_exempt else "No",
            row.entry.exempt_paragraph,
            row.entry.general_exception_notice_on,
            row.entry.special_urgency_agreed_by,
            row.entry.special_urgency_agreed_on,
            row.entry.special_urgency_notice_on,
        ]
        for row in rows
    ]


@download
def forward_plan_export(request, fmt: str):
    """The plan as filtered, as CSV or Excel."""
    require(request.user, ForwardPlanEntry)
    if fmt not in spreadsheets.CONTENT_TYPES:
        raise Http404("No such download.")
    today, queryset, _ = _plan(request, warn=False)
    content = spreadsheets.document(fmt, EXPORT_COLUMNS, export_rows(forward_plan_rows(queryset)), title="Forward plan")
    return Attachment(content, f"forward-plan-{today:%Y-%m-%d}.{fmt}")


def key_decisions_missing_notice(request):
    """Every key decision taken without a valid notice: the rows behind the dashboard's number."""
    require(request.user, ForwardPlanEntry)
    today = dates.as_of(request)
    page = page_of(request, key_decisions_without_notice(today=today))
    return render(
        request,
        "committees/key_decisions_missing_notice.html",
        {"page": page, "today": today, "query_without_page": query_without(request, "page")},
    )
