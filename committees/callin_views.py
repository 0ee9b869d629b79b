"""Call-in pages: a clerk records councillors' call-in of a decision, then the
scrutiny meeting that considers it and its outcome; and the printable officer
decision record."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from commissioning.core import dates
from commissioning.core.formatting import format_day
from commissioning.core.once import saves_once
from commissioning.core.permissions import can, get_for_user, require
from commissioning.core.versioning import StaleEdit
from commissioning.core.web import is_filtered, page_of, query_without
from committees import call_in as call_in_rules
from committees import services
from committees.callin_forms import CallInForm, CallInOutcomeForm
from committees.forms import add_errors
from committees.models import CallIn, ResolutionPart
from committees.selectors import (
    call_in_history,
    call_in_list,
    call_in_queryset_for_detail,
    officer_decision_notice_check,
    officer_decision_queryset_for_detail,
    part_call_in,
)
from committees.selectors import working_days as select_working_days
from contracts.history import full_history_requested

_PART_PATH = ("item__meeting__committee__council",)


def call_ins(request):
    """Every call-in made by the day asked, pending ones first."""
    require(request.user, CallIn)
    today = dates.as_of(request)
    queryset, filterset = call_in_list(filters=request.GET, today=today)
    page = page_of(request, queryset)
    return render(
        request,
        "committees/call_in_list.html",
        {
            "page": page,
            "rows": call_in_rules.call_in_rows(page.object_list),
            "filterset": filterset,
            "today": today,
            "query_without_page": query_without(request, "page"),
            "filtered": is_filtered(request),
        },
    )


@saves_once
def call_in_create(request, pk: int):
    part = get_for_user(request.user, ResolutionPart.objects.select_related(*_PART_PATH), pk=pk)
    require(request.user, CallIn, "add")
    existing = CallIn.objects.filter(resolution_part=part).first()
    if existing is not None:
        messages.info(request, "This decision has already been called in.")
        return redirect(existing)
    council_id = part.item.meeting.committee.council_id
    form = CallInForm(request.POST or None, council_id=council_id, initial={"requested_on": dates.real_today()})
    if request.method == "POST" and form.is_valid():
        try:
            call_in = services.call_in_request(part=part, today=dates.real_today(), **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Call-in of {call_in_rules.part_label(part)} recorded.")
            return redirect(call_in)
    return render(
        request,
        "committees/call_in_form.html",
        {"part": part, "form": form, "period": part_call_in(part, days=select_working_days())},
    )


def call_in_detail(request, pk: int, form: CallInOutcomeForm | None = None):
    call_in = get_for_user(request.user, call_in_queryset_for_detail(), pk=pk)
    can_change = can(request.user, CallIn, "change")
    if can_change and form is None:
        form = CallInOutcomeForm.for_call_in(call_in)
    part = call_in.resolution_part
    return render(
        request,
        "committees/call_in_detail.html",
        {
            "call_in": call_in,
            "part": part,
            "label": call_in_rules.part_label(part),
            "period": part_call_in(part, days=select_working_days()),
            "form": form if can_change else None,
            "links": list(part.contract_links.select_related("contract", "option")),
            "history": call_in_history(call_in=call_in, show_all=full_history_requested(request)),
        },
    )


def call_in_resolve(request, pk: int):
    call_in = get_for_user(request.user, call_in_queryset_for_detail(), action="change", pk=pk)
    if request.method != "POST":
        return redirect(call_in)
    form = CallInOutcomeForm.for_call_in(call_in, request.POST)
    if form.is_valid():
        try:
            saved = services.call_in_resolve(
                call_in=call_in, today=dates.real_today(), version=form.read_version, **form.fields_data()
            )
        except StaleEdit:
            form.refuse_as_stale(CallInOutcomeForm.for_call_in(CallIn.objects.get(pk=pk)), noun="call-in")
        except ValidationError as error:
            add_errors(form, error)
        else:
            if saved.outcome:
                messages.success(
                    request, f"Outcome recorded: {saved.get_outcome_display()}, {format_day(saved.outcome_on)}."
                )
            else:
                messages.success(request, "Call-in saved.")
            return redirect(saved)
    return call_in_detail(request, pk, form=form)


def officer_decision_print(request, pk: int):
    decision = get_for_user(request.user, officer_decision_queryset_for_detail(), pk=pk)
    notice_check = officer_decision_notice_check(decision, today=dates.as_of(request))
    return render(
        request, "committees/officer_decision_print.html", {"decision": decision, "notice_check": notice_check}
    )
