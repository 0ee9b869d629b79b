"""Reads for attendance and declarations of interest (issue 13, slice "attend"):
the meeting's attendance page, the minutes, a member's record and a provider's
declarations. Each returns what its page shows, in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from committees import attendance
from committees.attendance import AttendanceRecord, Quorum
from committees.models import Attendance, CommitteeMembership, Declaration, Meeting, Member, OfficerPresent


@dataclass
class MeetingAttendance:
    meeting: Meeting
    # The committee's members on the day, chair first, each with their membership.
    memberships: list[CommitteeMembership]
    present: list[Attendance]
    substitutes: list[Attendance]
    apologies: list[Attendance]
    officers: list[OfficerPresent]
    quorum: Quorum
    # Member id -> "present" or "apologies", for the form's initial values.
    status_of: dict[int, str] = field(default_factory=dict)
    # Member id -> the name of the substitute who sat in their place.
    substituted_by: dict[int, str] = field(default_factory=dict)
    fingerprint: str = ""

    @property
    def absent(self) -> list[CommitteeMembership]:
        """Members of the committee on the day with nothing recorded: absent without apologies."""
        return [membership for membership in self.memberships if membership.member_id not in self.status_of]

    @property
    def is_recorded(self) -> bool:
        return bool(self.status_of or self.officers)


_ROLE_ORDER = {CommitteeMembership.Role.CHAIR: 0, CommitteeMembership.Role.VICE_CHAIR: 1}


def memberships_on(*, committee_id: int, day: date) -> list[CommitteeMembership]:
    """Who sat on the committee on `day`, chair and vice-chair first, then by name."""
    rows = (
        CommitteeMembership.objects.filter(committee_id=committee_id, from_date__lte=day)
        .filter(Q(to_date__isnull=True) | Q(to_date__gte=day))
        .select_related("member")
    )
    return sorted(rows, key=lambda row: (_ROLE_ORDER.get(row.role, 2), row.member.name))


def meeting_attendance(meeting: Meeting) -> MeetingAttendance:
    """The meeting's attendance as recorded, and its quorum. Three queries."""
    memberships = memberships_on(committee_id=meeting.committee_id, day=meeting.date)
    rows = list(
        Attendance.objects.filter(meeting=meeting).select_related("member", "substitute_for").order_by("member__name")
    )
    officers = list(OfficerPresent.objects.filter(meeting=meeting).order_by("position", "pk"))
    present = [row for row in rows if row.status == Attendance.Status.PRESENT and row.substitute_for_id is None]
    substitutes = [row for row in rows if row.substitute_for_id is not None]
    apologies = [row for row in rows if row.status == Attendance.Status.APOLOGIES]
    substituted_by = {row.substitute_for_id: row.member.name for row in substitutes}
    for row in apologies:
        row.substitute_name = substituted_by.get(row.member_id, "")
    rows_as_values = [("member", row.member_id, row.status, row.substitute_for_id) for row in rows]
    rows_as_values += [("officer", officer.name, officer.role) for officer in officers]
    return MeetingAttendance(
        meeting=meeting,
        memberships=memberships,
        present=present,
        substitutes=substitutes,
        apologies=apologies,
        officers=officers,
        quorum=Quorum(present=len(present) + len(substitutes), needed=meeting.committee.quorum),
        status_of={row.member_id: row.status for row in rows if row.substitute_for_id is None},
        substituted_by=substituted_by,
        fingerprint=attendance.fingerprint(rows_as_values),
    )


def declarations_of_meeting(meeting: Meeting) -> list[Declaration]:
    return list(
        Declaration.objects.filter(item__meeting=meeting)
        .select_related("item", "member", "provider")
        .order_by("item__position", "item__pk", "member__name", "pk")
    )


@dataclass
class AttendanceCard:
    """What the meeting page shows of its attendance: the record as the attendance
    page reads it, and how many declarations of interest were made."""

    record: MeetingAttendance
    declarations: int


def meeting_attendance_card(meeting: Meeting, *, today: date) -> AttendanceCard | None:
    """For a meeting that has taken place, its attendance and the number of
    declarations: four queries, however many members. None, without a query, for
    one that has not (scheduled, cancelled, or dated after `today`)."""
    if not attendance.has_taken_place(status=meeting.status, day=meeting.date, today=today):
        return None
    return AttendanceCard(
        record=meeting_attendance(meeting),
        declarations=Declaration.objects.filter(item__meeting=meeting).count(),
    )


def council_members(*, council_id: int) -> QuerySet[Member]:
    return Member.objects.filter(council_id=council_id).order_by("name")


def member_list() -> QuerySet[Member]:
    return Member.objects.select_related("council").order_by("council__name", "name")


@dataclass
class MemberMeeting:
    meeting: Meeting
    # "present", "apologies", "absent" or "substitute".
    outcome: str
    substitute_for: str = ""


@dataclass
class MemberAttendance:
    record: AttendanceRecord
    meetings: list[MemberMeeting]
    memberships: list[CommitteeMembership]


def member_attendance(*, member: Member, start: date, end: date, today: date) -> MemberAttendance:
    """The member's attendance at meetings held from `start` to `end` (and not after
    `today`): those of committees they sat on that day, and those they attended as a
    substitute. Three queries, however many meetings."""
    memberships = list(member.memberships.select_related("committee").order_by("-from_date", "pk"))
    last = min(end, today)
    rows = {
        row.meeting_id: row
        for row in Attendance.objects.filter(
            member=member, meeting__starts_at__date__gte=start, meeting__starts_at__date__lte=last
        ).select_related("substitute_for")
    }
    committee_ids = {membership.committee_id for membership in memberships}
    meetings = list(
        Meeting.objects.filter(status=Meeting.Status.HELD, starts_at__date__gte=start, starts_at__date__lte=last)
        .filter(Q(committee_id__in=committee_ids) | Q(pk__in=list(rows)))
        .select_related("committee")
        .order_by("-starts_at")
    )

    def sat_on(meeting: Meeting) -> bool:
        return any(
            membership.committee_id == meeting.committee_id
            and membership.from_date <= meeting.date
            and (membership.to_date is None or meeting.date <= membership.to_date)
            for membership in memberships
        )

    expected, present, apologies, substituting = set(), set(), set(), set()
    shown = []
    for meeting in meetings:
        row = rows.get(meeting.pk)
        if row is not None and row.substitute_for_id is not None:
            substituting.add(meeting.pk)
            shown.append(MemberMeeting(meeting, "substitute", row.substitute_for.name))
            continue
        if not sat_on(meeting):
            continue
        expected.add(meeting.pk)
        if row is None:
            shown.append(MemberMeeting(meeting, "absent"))
        elif row.status == Attendance.Status.PRESENT:
            present.add(meeting.pk)
            shown.append(MemberMeeting(meeting, "present"))
        else:
            apologies.add(meeting.pk)
            shown.append(MemberMeeting(meeting, "apologies"))
    record = attendance.attendance_record(
        expected=expected, present=present, apologies=apologies, substituting=substituting
    )
    return MemberAttendance(record=record, meetings=shown, memberships=memberships)


def declarations_of_provider(*, provider) -> list[Declaration]:
    """Interests declared against the provider, latest meeting first (the provider page's section)."""
    return list(
        Declaration.objects.filter(provider=provider)
        .select_related("member", "item__meeting__committee")
        .order_by("-item__meeting__starts_at", "member__name", "pk")
    )


def minutes_extras(meeting: Meeting, *, today: date) -> dict:
    """What the printed minutes add to the items: whether it prints as minutes at all
    (a meeting not yet held prints as its agenda), the attendance and the declarations."""
    as_minutes = attendance.prints_as_minutes(status=meeting.status, day=meeting.date, today=today)
    return {
        "as_minutes": as_minutes,
        "attendance": meeting_attendance(meeting) if as_minutes else None,
        "declarations": declarations_of_meeting(meeting) if as_minutes else [],
        "today": today,
    }
