"""Pages for members, their committee memberships, a meeting's attendance and the
declarations of interest on its items (issue 13, slice "attend")."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from commissioning.core import dates
from commissioning.core.formatting import format_day
from commissioning.core.once import saves_once
from commissioning.core.permissions import can, get_for_user, require
from commissioning.core.web import page_of
from committees import services
from committees.attend_forms import AttendanceForm, DeclarationForm, MemberForm, MembershipEndForm, MembershipForm
from committees.attendance_selectors import (
    council_members,
    declarations_of_meeting,
    meeting_attendance,
    member_attendance,
)
from committees.attendance_selectors import member_list as select_member_list
from committees.call_in import call_in_rows
from committees.forms import add_errors
from committees.models import AgendaItem, Attendance, CommitteeMembership, Declaration, Meeting, Member
from committees.selectors import member_call_ins

# A member's record covers the year to the day asked for, unless the page is asked for another period.
DEFAULT_PERIOD = timedelta(days=365)


# --- members -------------------------------------------------------------------------------------


@saves_once
def member_list(request):
    require(request.user, Member)
    can_add = can(request.user, Member, "add")
    form = MemberForm(request.POST or None) if can_add else None
    if request.method == "POST":
        require(request.user, Member, "add")
        if form.is_valid():
            try:
                member = services.member_create(**form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, f"{member.name} added.")
                return redirect(member)
    return render(
        request,
        "committees/member_list.html",
        {"page": page_of(request, select_member_list()), "form": form, "can_add": can_add},
    )


def _period(request, today: date) -> tuple[date, date]:
    start = _day(request.GET.get("from", "")) or today - DEFAULT_PERIOD
    end = _day(request.GET.get("to", "")) or today
    return (start, end) if start <= end else (end, start)


def _day(raw: str) -> date | None:
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        return None
    return day if dates.in_range(day) else None


@dataclass(frozen=True)
class MembershipRow:
    membership: CommitteeMembership
    # For a clerk, on a membership that still runs: the form that ends it.
    end_form: MembershipEndForm | None


def _member_page(
    request,
    member: Member,
    *,
    form: MembershipForm | None = None,
    failed_end: tuple[int, MembershipEndForm] | None = None,
):
    """`failed_end`: the membership whose end did not save, and its form with the errors."""
    today = dates.as_of(request)
    start, end = _period(request, today)
    can_change = can(request.user, CommitteeMembership, "add")
    can_end = can(request.user, CommitteeMembership, "change")
    if form is None and can_change:
        form = MembershipForm(member=member)
    summary = member_attendance(member=member, start=start, end=end, today=today)

    def end_form(membership: CommitteeMembership) -> MembershipEndForm | None:
        if not can_end or membership.to_date is not None:
            return None
        if failed_end and failed_end[0] == membership.pk:
            return failed_end[1]
        return MembershipEndForm(prefix=f"end-{membership.pk}")

    return render(
        request,
        "committees/member_detail.html",
        {
            "member": member,
            "today": today,
            "start": start,
            "end": end,
            "summary": summary,
            "memberships": [MembershipRow(membership, end_form(membership)) for membership in summary.memberships],
            "call_ins": call_in_rows(member_call_ins(member=member, today=today)),
            "end_form": failed_end[1] if failed_end else None,
            "form": form if can_change else None,
        },
    )


def member_detail(request, pk: int):
    member = get_for_user(request.user, Member.objects.select_related("council"), pk=pk)
    return _member_page(request, member)


@require_POST
@saves_once
def membership_add(request, pk: int):
    member = get_for_user(request.user, Member.objects.select_related("council"), action="change", pk=pk)
    require(request.user, CommitteeMembership, "add")
    form = MembershipForm(request.POST, member=member)
    if form.is_valid():
        try:
            membership = services.membership_add(member=member, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{member.name} added to {membership.committee.name}.")
            return redirect(member)
    return _member_page(request, member, form=form)


@require_POST
def membership_end(request, pk: int):
    """End a membership that still runs: its last day on the committee."""
    membership = get_for_user(
        request.user,
        CommitteeMembership.objects.select_related("member__council", "committee"),
        action="change",
        pk=pk,
    )
    member = membership.member
    form = MembershipEndForm(request.POST, prefix=f"end-{membership.pk}")
    if form.is_valid():
        try:
            services.membership_end(membership=membership, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            to_date = form.cleaned_data["to_date"]
            verb = "ended" if to_date < dates.as_of(request) else "ends"
            messages.success(
                request,
                f"{member.name}'s membership of {membership.committee.name} {verb} on {format_day(to_date)}.",
            )
            return redirect(member)
    return _member_page(request, member, failed_end=(membership.pk, form))


# --- a meeting's attendance and declarations ----------------------------------------------------


def _attendance_page(request, meeting: Meeting, *, form=None, declaration_form=None, status=200):
    can_change = can(request.user, Attendance, "change")
    record = meeting_attendance(meeting)
    members = list(council_members(council_id=meeting.committee.council_id))
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))
    if can_change and form is None:
        form = AttendanceForm(record=record, council_members=members)
    if can_change and declaration_form is None:
        declaration_form = DeclarationForm(meeting=meeting, items=items, council_members=members)
    return render(
        request,
        "committees/meeting_attendance.html",
        {
            "meeting": meeting,
            "committee": meeting.committee,
            "record": record,
            "declarations": declarations_of_meeting(meeting),
            "form": form if can_change else None,
            "declaration_form": declaration_form if can_change else None,
            "can_change": can_change,
        },
        status=status,
    )


def meeting_attendance_page(request, pk: int):
    """Who was there: members present, substitutes, officers and apologies, the quorum,
    and the declarations of interest. Read by every role; recorded by the clerk."""
    meeting = get_for_user(request.user, Meeting.objects.select_related("committee__council"), pk=pk)
    if request.method != "POST":
        return _attendance_page(request, meeting)
    meeting = get_for_user(request.user, Meeting.objects.select_related("committee__council"), action="change", pk=pk)
    require(request.user, Attendance, "change")
    members = list(council_members(council_id=meeting.committee.council_id))
    form = AttendanceForm(request.POST, record=meeting_attendance(meeting), council_members=members)
    if form.is_valid():
        try:
            services.attendance_record(meeting=meeting, **form.service_values())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Attendance saved.")
            return redirect("committees:meeting_attendance", pk=meeting.pk)
    return _attendance_page(request, meeting, form=form)


@require_POST
@saves_once
def declaration_add(request, pk: int):
    meeting = get_for_user(request.user, Meeting.objects.select_related("committee__council"), action="change", pk=pk)
    require(request.user, Declaration, "add")
    members = list(council_members(council_id=meeting.committee.council_id))
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))
    form = DeclarationForm(request.POST, meeting=meeting, items=items, council_members=members)
    if form.is_valid():
        try:
            declaration = services.declaration_add(**form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, f"Declaration by {declaration.member.name} on item {declaration.item.number} added."
            )
            return redirect(reverse("committees:meeting_attendance", args=[meeting.pk]) + "#declarations")
    return _attendance_page(request, meeting, declaration_form=form)


@require_POST
def declaration_remove(request, pk: int):
    declaration = get_for_user(
        request.user, Declaration.objects.select_related("item__meeting", "member"), action="delete", pk=pk
    )
    meeting_pk = declaration.item.meeting_id
    services.declaration_remove(declaration=declaration)
    messages.success(request, f"Declaration by {declaration.member.name} removed.")
    return redirect(reverse("committees:meeting_attendance", args=[meeting_pk]) + "#declarations")
