from dataclasses import dataclass
from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from commissioning.core import dates, query, register_cache, uploads
from commissioning.core.formatting import format_day
from commissioning.core.once import saves_once
from commissioning.core.permissions import can, get_for_user, require
from commissioning.core.pickers import choices_response, query_of
from commissioning.core.versioning import StaleEdit
from commissioning.core.web import is_filtered, kept_page, page_of, query_without
from committees import calendar_grid, numbering, services
from committees.attendance_selectors import meeting_attendance_card, minutes_extras
from committees.decisions import Power
from committees.forms import (
    ActionForm,
    AgendaItemForm,
    CommitteeForm,
    MeetingForm,
    MinutesApprovalForm,
    OfficerDecisionForm,
    OfficerDecisionPublishForm,
    ReportFileForm,
    ReportForm,
    ResolutionPartForm,
    add_errors,
)
from committees.models import (
    Action,
    AgendaItem,
    Attendance,
    Committee,
    Delegation,
    Meeting,
    OfficerDecision,
    Report,
    ReportFile,
    ResolutionPart,
)
from committees.pickers import decision_matches, delegation_matches, recommendation_matches, report_matches
from committees.selectors import (
    action_list as select_action_list,
)
from committees.selectors import (
    committee_history,
    committee_meetings,
    delegation_counts,
    delegation_for_decision,
    exempt_minutes_entries,
    meeting_clock,
    meeting_form_choices,
    meeting_has_exempt_items,
    meeting_history,
    meeting_queryset_for_detail,
    meeting_rows,
    minutes_entries,
    officer_decision_history,
    officer_decision_notice_check,
    officer_decision_queryset_for_detail,
    report_history,
    report_queryset_for_detail,
)
from committees.selectors import (
    committee_list as select_committee_list,
)
from committees.selectors import (
    delegation_list as select_delegation_list,
)
from committees.selectors import (
    meeting_calendar as select_meeting_calendar,
)
from committees.selectors import (
    officer_decision_list as select_officer_decision_list,
)
from committees.selectors import (
    report_list as select_report_list,
)
from contracts.history import full_history_requested

# --- committees ------------------------------------------------------------------------------


def committee_list(request):
    require(request.user, Committee)
    today = dates.as_of(request)
    return render(
        request,
        "committees/committee_list.html",
        {
            "page": page_of(request, select_committee_list(today=today)),
            "query_without_page": query_without(request, "page"),
            "today": today,
            "can_add": can(request.user, Committee, "add"),
        },
    )


@saves_once
def committee_create(request):
    require(request.user, Committee, "add")
    form = CommitteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.committee_create(**form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{committee.name} added.")
            return redirect(committee)
    return render(request, "committees/committee_form.html", {"form": form})


def committee_update(request, pk: int):
    committee = get_for_user(request.user, Committee.objects.select_related("council"), action="change", pk=pk)
    form = CommitteeForm.for_committee(committee, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.fields_data()
        try:
            committee = services.committee_update(
                committee=committee,
                version=form.read_version,
                name=data["name"],
                kind=data["kind"],
                quorum=data["quorum"],
            )
        except StaleEdit:
            form.refuse_as_stale(CommitteeForm.for_committee(Committee.objects.get(pk=committee.pk)), noun="committee")
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{committee.name} saved.")
            return redirect(committee)
    return render(request, "committees/committee_form.html", {"form": form, "committee": committee})


def committee_detail(request, pk: int):
    committee = get_for_user(request.user, Committee.objects.select_related("council"), pk=pk)
    today = dates.as_of(request)
    upcoming, past = committee_meetings(committee=committee, today=today)
    page = page_of(request, past)
    return render(
        request,
        "committees/committee_detail.html",
        {
            "committee": committee,
            "today": today,
            "upcoming": meeting_rows(upcoming, today=today),
            "page": page,
            "query_without_page": query_without(request, "page"),
            "past": meeting_rows(page.object_list, today=today),
            "can_add_meeting": can(request.user, Meeting, "add"),
            "can_change": can(request.user, Committee, "change"),
            "history": committee_history(committee=committee, show_all=full_history_requested(request)),
        },
    )


@saves_once
def meeting_create(request, pk: int):
    committee = get_for_user(request.user, Committee.objects.select_related("council"), pk=pk)
    require(request.user, Meeting, "add")
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(committee=committee, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Meeting of {format_day(meeting.date)} added. Add its agenda items below.")
            return redirect(meeting)
    return render(request, "committees/meeting_form.html", {"form": form, "committee": committee})


# --- meetings ---------------------------------------------------------------------------------


def meeting_calendar(request):
    require(request.user, Meeting)
    today = dates.as_of(request)
    month = calendar_grid.month_start(request.GET.get("month"), default=today)
    return render(
        request,
        "committees/meeting_calendar.html",
        {"calendar": select_meeting_calendar(month=month, today=today), "today": today},
    )


@dataclass(frozen=True)
class PartPanel:
    part: ResolutionPart
    action_form: ActionForm | None


@dataclass(frozen=True)
class ItemPanel:
    item: AgendaItem
    edit_form: AgendaItemForm | None
    part_form: ResolutionPartForm | None
    parts: list[PartPanel]


@dataclass(frozen=True)
class Failure:
    """A form on the meeting page that did not save, shown again with its errors."""

    kind: str  # "meeting", "item", "item_edit", "part", "action"
    target: int | None  # the item or part the form belongs to
    form: object
    message: str


def _meeting_page(request, pk: int, *, failure: Failure | None = None):
    """The meeting, its agenda and, for a clerk, its forms. The forms of an item or
    a part open one at a time: `?open=add-part-12` shows the form that adds a part
    to item 12 (the value names the form's block on the page; `edit-meeting` the
    meeting's details), and a form that did not save comes back open. A busy
    meeting has dozens of items and parts: a form for each on every view cost
    most of the page's time and size.

    With no item's or part's form open, the agenda, the statutory clock and the
    attendance card are the same for everyone asking the same on the same day
    (with the same permissions: each one the part shows by is in its key), so they are kept as
    written until the register changes (`register_cache`); its one personal
    part, the CSRF token of the "Mark done" and "Record approval" buttons, is in
    forms outside it."""
    meeting = get_for_user(request.user, Meeting.objects.select_related("committee__council"), pk=pk)
    today = dates.as_of(request)
    can_change = can(request.user, Meeting, "change")
    # Exempt minutes are written into the agenda only for those who may read them,
    # so the agenda is kept apart for them (below).
    can_read_exempt = can(request.user, Report, "read_exempt")
    # The attendance card offers its "Record attendance" link to those who may record it.
    can_record_attendance = can(request.user, Attendance, "change")
    wanted = request.GET.get("open", "") if can_change else ""
    keep_query = query_without(request, "open")
    # What opens a form: "?open=" with the rest of the query kept, such as the day asked for.
    open_href = f"?{keep_query}&open=" if keep_query else "?open="
    shared = {
        "today": today,
        "can_change": can_change,
        "can_read_exempt": can_read_exempt,
        "can_record_attendance": can_record_attendance,
        "keep_query": keep_query,
        "open_href": open_href,
    }

    def agenda() -> tuple[str, list[ItemPanel]]:
        panels, detail = _meeting_panels(meeting_pk=pk, can_change=can_change, wanted=wanted, failure=failure)
        context = {**shared, "meeting": detail, "committee": detail.committee, "panels": panels}
        context["clock"] = meeting_clock(detail, today=today)
        context["attendance"] = meeting_attendance_card(detail, today=today)
        return render_to_string("committees/_meeting_agenda.html", context, request=request), panels

    panels = None
    if failure is None and wanted in {"", "edit-meeting"}:
        written = register_cache.remember(
            "meeting-agenda",
            lambda: agenda()[0],
            today=today,
            question=[
                pk,
                can_change,
                can_read_exempt,
                can_record_attendance,
                register_cache.question_of(request.GET, leave_out=["history"]),
            ],
        )
    else:
        written, panels = agenda()
    context = {
        **shared,
        "meeting": meeting,
        "committee": meeting.committee,
        "agenda": written,
        "is_real_today": today == dates.real_today(),
        "failure": failure,
        # Asked for (`?history=recent`, or `all`): a busy meeting's history is a dozen
        # queries over six kinds of record, more than the rest of the page takes.
        "history": meeting_history(
            meeting=meeting, show_all=full_history_requested(request), can_read_exempt=can_read_exempt
        )
        if request.GET.get("history") in {"recent", "all"}
        else None,
        "failure_on_page": failure is not None
        and (failure.kind in {"meeting", "item"} or any(_targets(panel, failure) for panel in panels or [])),
    }
    if can_read_exempt:
        # The confidential print is offered only where it has something to print.
        context["has_exempt_items"] = meeting_has_exempt_items(meeting)
    if can_change:
        context["meeting_form"] = failed_form(failure, "meeting") or (
            MeetingForm.for_meeting(meeting) if wanted == "edit-meeting" else None
        )
        # The number after the last item's: "80" after "79", "5b" after "5a" (committees.numbering).
        numbers = AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk").values_list("number", flat=True)
        context["item_form"] = failed_form(failure, "item") or AgendaItemForm(
            meeting=meeting, initial={"number": numbering.next_number(list(numbers))}
        )
    return render(request, "committees/meeting_detail.html", context)


def failed_form(failure: Failure | None, kind: str, target: int | None = None):
    """The form that did not save, if it is this one."""
    if failure and failure.kind == kind and failure.target == target:
        return failure.form
    return None


def _meeting_panels(*, meeting_pk: int, can_change: bool, wanted: str, failure: Failure | None):
    """The meeting read with its agenda, and each item's and part's form that is open."""
    meeting = meeting_queryset_for_detail().get(pk=meeting_pk)

    def asked(block: str, target: int) -> bool:
        return wanted == f"{block}-{target}"

    panels = []
    for item in meeting.items.all():
        edit_form = part_form = None
        if can_change:
            edit_form = failed_form(failure, "item_edit", item.pk) or (
                AgendaItemForm(meeting=meeting, item=item, prefix=f"item-{item.pk}")
                if asked("edit-item", item.pk)
                else None
            )
            part_form = failed_form(failure, "part", item.pk) or (
                ResolutionPartForm(choices=meeting_form_choices(meeting=meeting), item=item, prefix=f"part-{item.pk}")
                if asked("add-part", item.pk)
                else None
            )
        parts = [
            PartPanel(
                part=part,
                action_form=failed_form(failure, "action", part.pk)
                or (ActionForm(prefix=f"action-{part.pk}") if asked("add-action", part.pk) else None),
            )
            for part in item.parts.all()
        ]
        panels.append(ItemPanel(item=item, edit_form=edit_form, part_form=part_form, parts=parts))
    return panels, meeting


def _targets(panel: ItemPanel, failure: Failure) -> bool:
    if failure.kind in {"item_edit", "part"}:
        return panel.item.pk == failure.target
    return any(part_panel.part.pk == failure.target for part_panel in panel.parts)


def meeting_detail(request, pk: int):
    return _meeting_page(request, pk)


def _back_to(meeting: Meeting, anchor: str = ""):
    return redirect(f"{meeting.get_absolute_url()}{'#' + anchor if anchor else ''}")


@require_POST
def meeting_update(request, pk: int):
    meeting = get_for_user(request.user, Meeting.objects.select_related("committee"), action="change", pk=pk)
    form = MeetingForm.for_meeting(meeting, request.POST)
    if form.is_valid():
        try:
            services.meeting_update(meeting=meeting, version=form.read_version, **form.fields_data())
        except StaleEdit:
            form.refuse_as_stale(MeetingForm.for_meeting(Meeting.objects.get(pk=meeting.pk)), noun="meeting")
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Meeting details saved.")
            return _back_to(meeting)
    return _meeting_page(request, pk, failure=Failure("meeting", None, form, "The meeting details were not saved."))


@require_POST
def minutes_approve(request, pk: int):
    meeting = get_for_user(request.user, Meeting.objects.select_related("committee"), action="change", pk=pk)
    form = MinutesApprovalForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the meeting that approved the minutes.")
        return _back_to(meeting, "clock")
    at_meeting = form.cleaned_data["at_meeting"]
    try:
        services.minutes_approve(meeting=meeting, at_meeting=at_meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Minutes recorded as approved at the meeting of {format_day(at_meeting.date)}.")
    return _back_to(meeting, "clock")


def meeting_minutes(request, pk: int):
    meeting = get_for_user(request.user, meeting_queryset_for_detail(), pk=pk)
    # Attendance, declarations, and whether it prints as minutes or as the agenda (issue 13, "attend").
    extras = minutes_extras(meeting, today=dates.as_of(request))
    return render(
        request, "committees/meeting_minutes.html", {"meeting": meeting, "entries": minutes_entries(meeting), **extras}
    )


@never_cache
def meeting_minutes_confidential(request, pk: int):
    """The exempt items of a meeting with their minutes in full: the clerks'
    confidential print ("Part 2"), never a public one (committees.exempt)."""
    meeting = get_for_user(request.user, Meeting.objects.all(), pk=pk)
    require(request.user, Report, "read_exempt")
    meeting = meeting_queryset_for_detail().get(pk=meeting.pk)
    extras = minutes_extras(meeting, today=dates.as_of(request))
    return render(
        request,
        "committees/meeting_minutes_confidential.html",
        {"meeting": meeting, "entries": exempt_minutes_entries(meeting), **extras},
    )


@require_POST
@saves_once
def item_create(request, pk: int):
    meeting = get_for_user(request.user, Meeting.objects.select_related("committee__council"), action="change", pk=pk)
    require(request.user, AgendaItem, "add")
    form = AgendaItemForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            item = services.agenda_item_add(meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Item {item.number} added.")
            return _back_to(meeting, f"item-{item.pk}")
    return _meeting_page(request, pk, failure=Failure("item", None, form, "The agenda item was not added."))


@require_POST
def item_update(request, pk: int):
    item = get_for_user(
        request.user, AgendaItem.objects.select_related("meeting__committee__council"), action="change", pk=pk
    )
    form = AgendaItemForm(request.POST, meeting=item.meeting, item=item, prefix=f"item-{item.pk}")
    number = item.number
    if form.is_valid():
        try:
            services.agenda_item_update(item=item, version=form.read_version, **form.fields_data())
        except StaleEdit:
            current = AgendaItem.objects.get(pk=item.pk)
            form.refuse_as_stale(AgendaItemForm(meeting=item.meeting, item=current), noun="item")
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Item {item.number} saved.")
            return _back_to(item.meeting, f"item-{item.pk}")
    return _meeting_page(
        request, item.meeting_id, failure=Failure("item_edit", item.pk, form, f"Item {number} was not saved.")
    )


@require_POST
@saves_once
def part_create(request, pk: int, item_pk: int):
    """Add a resolution part to an item of meeting `pk`: the service refuses an
    item of another meeting, and nothing of the part is saved."""
    meeting = get_for_user(request.user, Meeting.objects.select_related("committee__council"), action="change", pk=pk)
    item = get_for_user(request.user, AgendaItem.objects.select_related("meeting"), action="change", pk=item_pk)
    require(request.user, ResolutionPart, "add")
    form = ResolutionPartForm(request.POST, choices=meeting_form_choices(meeting=meeting), prefix=f"part-{item.pk}")
    if form.is_valid():
        try:
            part = services.resolution_part_add(meeting=meeting, item=item, **form.service_arguments())
        except ValidationError as error:
            add_errors(form, error, renames=ResolutionPartForm.RENAMES)
        else:
            messages.success(request, f"Part {part.number} added to item {item.number}.")
            return _back_to(meeting, f"item-{item.pk}")
    return _meeting_page(
        request, pk, failure=Failure("part", item.pk, form, f"The resolution part was not added to item {item.number}.")
    )


@require_POST
@saves_once
def action_create(request, pk: int):
    part = get_for_user(request.user, ResolutionPart.objects.select_related("item__meeting"), action="change", pk=pk)
    require(request.user, Action, "add")
    form = ActionForm(request.POST, prefix=f"action-{part.pk}")
    if form.is_valid():
        try:
            services.action_add(part=part, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Action added to item {part.item.number} ({part.number}).")
            return _back_to(part.item.meeting, f"item-{part.item_id}")
    return _meeting_page(
        request,
        part.item.meeting_id,
        failure=Failure(
            "action", part.pk, form, f"The action was not added to item {part.item.number} ({part.number})."
        ),
    )


@require_POST
def action_done(request, pk: int):
    action = get_for_user(
        request.user, Action.objects.select_related("resolution_part__item__meeting"), action="change", pk=pk
    )
    if action.status == Action.Status.OPEN:
        services.action_set_status(action=action, status=Action.Status.DONE, today=dates.real_today())
        messages.success(request, f"Action marked done on {format_day(action.completed_on)}.")
    else:
        messages.info(request, f"That action was already {action.get_status_display().lower()}.")
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    part = action.resolution_part
    return _back_to(part.item.meeting, f"item-{part.item_id}")


# --- reports -----------------------------------------------------------------------------------


def report_list(request):
    require(request.user, Report)
    queryset, filterset = select_report_list(filters=request.GET)
    return render(
        request,
        "committees/report_list.html",
        {
            "page": page_of(request, queryset),
            "filterset": filterset,
            "query_without_page": query_without(request, "page"),
            "filtered": is_filtered(request),
            "can_add": can(request.user, Report, "add"),
        },
    )


def _report_page(request, pk: int, *, file_form: ReportFileForm | None = None):
    report = get_for_user(request.user, report_queryset_for_detail(), pk=pk)
    can_change = can(request.user, Report, "change")
    can_read_exempt = can(request.user, Report, "read_exempt")
    if can_change and file_form is None:
        file_form = ReportFileForm()
    return render(
        request,
        "committees/report_detail.html",
        {
            "report": report,
            "items": list(report.items.all()),
            "today": dates.as_of(request),
            "can_change": can_change,
            "can_read_exempt": can_read_exempt,
            "file_form": file_form if can_change else None,
            "history": report_history(report=report, show_all=full_history_requested(request)),
        },
    )


def report_detail(request, pk: int):
    return _report_page(request, pk)


def _report_form_page(request, *, report: Report | None):
    form = ReportForm(request.POST or None, report=report)
    if request.method == "POST" and form.is_valid():
        try:
            if report is None:
                report = services.report_create(council=form.cleaned_data["council"], **form.service_arguments())
                messages.success(request, f"Report {report.reference} added.")
            else:
                report = services.report_update(report=report, version=form.read_version, **form.service_arguments())
                messages.success(request, f"Report {report.reference} saved.")
        except StaleEdit:
            form.refuse_as_stale(ReportForm(report=Report.objects.get(pk=report.pk)), noun="report")
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect(report)
    return render(request, "committees/report_form.html", {"form": form, "report": report})


@saves_once
def report_create(request):
    require(request.user, Report, "add")
    return _report_form_page(request, report=None)


def report_update(request, pk: int):
    report = get_for_user(request.user, Report.objects.select_related("council"), action="change", pk=pk)
    return _report_form_page(request, report=report)


@require_POST
@saves_once
def report_file_create(request, pk: int):
    report = get_for_user(request.user, Report.objects.all(), action="change", pk=pk)
    require(request.user, ReportFile, "add")
    form = ReportFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report_file = services.report_file_add(report=report, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{report_file.title} added.")
            return redirect(f"{report.get_absolute_url()}#files")
    return _report_page(request, pk, file_form=form)


def report_file_download(request, pk: int):
    """A report's file, to a user who may see the report (an exempt one, to a clerk); never from MEDIA_URL."""
    report_file = get_for_user(request.user, ReportFile.objects.select_related("report"), pk=pk)
    if report_file.exempt_by is not None:
        # The report's page lists the file with its exemption to everyone; its text is the clerks'.
        require(request.user, Report, "read_exempt")
    return uploads.download(report_file.file)


# --- actions and delegations --------------------------------------------------------------------


def action_list(request):
    require(request.user, Action)
    today = dates.as_of(request)
    queryset, filterset = select_action_list(filters=request.GET, today=today)
    return render(
        request,
        "committees/action_list.html",
        {
            "page": kept_page(request, queryset, name="actions", today=today),
            "filterset": filterset,
            "today": today,
            "query_without_page": query_without(request, "page"),
            "filtered": is_filtered(request),
            "can_change": can(request.user, Action, "change"),
        },
    )


def delegation_list(request):
    require(request.user, Delegation)
    today = dates.as_of(request)
    used = request.GET.get("show") == "used"
    return render(
        request,
        "committees/delegation_list.html",
        {
            "page": page_of(request, select_delegation_list(used=used, today=today)),
            "used": used,
            "counts": delegation_counts(today=today),
            "today": today,
            "is_real_today": today == dates.real_today(),
            "query_without_page": query_without(request, "page"),
            "can_record": can(request.user, OfficerDecision, "add"),
        },
    )


# --- officer decisions -----------------------------------------------------------------------------


def officer_decision_list(request):
    require(request.user, OfficerDecision)
    return render(
        request,
        "committees/officer_decision_list.html",
        {
            "page": page_of(request, select_officer_decision_list()),
            "query_without_page": query_without(request, "page"),
            "can_add": can(request.user, OfficerDecision, "add"),
        },
    )


def officer_decision_detail(request, pk: int):
    decision = get_for_user(request.user, officer_decision_queryset_for_detail(), pk=pk)
    return render(
        request,
        "committees/officer_decision_detail.html",
        {
            "decision": decision,
            "notice_check": officer_decision_notice_check(decision, today=dates.as_of(request)),
            "history": officer_decision_history(decision=decision, show_all=full_history_requested(request)),
            "publish_form": OfficerDecisionPublishForm(initial={"published_on": dates.real_today()})
            if decision.published_on is None and can(request.user, OfficerDecision, "change")
            else None,
        },
    )


@require_POST
def officer_decision_publish(request, pk: int):
    """Clerks record the day an officer decision record was published."""
    decision = get_for_user(request.user, OfficerDecision.objects.all(), action="change", pk=pk)
    form = OfficerDecisionPublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the day the record was published: " + " ".join(form.errors["published_on"]))
        return redirect(decision.get_absolute_url())
    published_on = form.cleaned_data["published_on"]
    try:
        services.officer_decision_publish(decision=decision, published_on=published_on, today=dates.real_today())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Recorded as published on {format_day(published_on)}.")
    return redirect(decision.get_absolute_url())


@saves_once
def officer_decision_create(request):
    require(request.user, OfficerDecision, "add")
    initial = {"decided_on": dates.real_today()}
    chosen = query.plain_id(request.GET.get("delegation"))
    delegation = delegation_for_decision(chosen) if chosen is not None else None
    if delegation is not None:
        initial["delegation"] = delegation
        initial["decision_maker"] = delegation.to_whom
    form = OfficerDecisionForm(
        request.POST or None,
        initial=initial,
        under_delegation_only=not can(request.user, OfficerDecision, "record_without_delegation"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.officer_decision_record(today=dates.real_today(), **form.service_arguments())
        except ValidationError as error:
            add_errors(form, error, renames=OfficerDecisionForm.RENAMES)
        else:
            messages.success(request, f"Officer decision of {format_day(decision.decided_on)} recorded.")
            return redirect(decision)
    return render(request, "committees/officer_decision_form.html", {"form": form, "delegation": delegation})


@require_GET
def decision_choices(request):
    """The decision picker's matches; `power` keeps to the parts that can authorise it."""
    require(request.user, ResolutionPart)
    power = request.GET.get("power", "")
    if power and power not in {p.value for p in Power}:
        return JsonResponse({"error": f"No such power as “{power[:40]}”."}, status=HTTPStatus.BAD_REQUEST)
    return choices_response(decision_matches(query_of(request), power=Power(power) if power else None))


def _optional_id(request, name: str) -> int | None:
    """A record's id from the query string, None when not given; a ValueError when not a number."""
    text = request.GET.get(name, "")
    if not text:
        return None
    found = query.plain_id(text)
    if found is None:
        raise ValueError(f"Give the {name} as a number.")
    return found


@require_GET
def report_choices(request):
    """The report picker's matches, among one council's reports when `council` is given;
    `committee`'s own reports come first."""
    require(request.user, Report)
    try:
        council, committee = _optional_id(request, "council"), _optional_id(request, "committee")
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=HTTPStatus.BAD_REQUEST)
    return choices_response(report_matches(query_of(request), council_id=council, committee_id=committee))


@require_GET
def recommendation_choices(request):
    """The recommendations a meeting can take up (made to its committee before it), or any."""
    require(request.user, ResolutionPart)
    try:
        meeting_id = _optional_id(request, "meeting")
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=HTTPStatus.BAD_REQUEST)
    meeting = get_for_user(request.user, Meeting.objects.all(), pk=meeting_id) if meeting_id else None
    return choices_response(recommendation_matches(query_of(request), meeting=meeting))


@require_GET
def delegation_choices(request):
    """The delegations an officer decision can be taken under."""
    require(request.user, Delegation)
    return choices_response(delegation_matches(query_of(request)))
