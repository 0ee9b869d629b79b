"""Reads for the committee pages.

Each selector returns what a page needs with its related rows already loaded,
so a page's query count does not grow with its meetings, items or parts. The
statutory clock (committees.clock) is applied here, with the council's
settings, so pages only display its answers.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from committees import calendar_grid, clock, decisions, forward_plan
from committees.filters import ActionFilter, CallInFilter, ForwardPlanFilter, ReportFilter
from committees.models import (
    Action,
    AgendaItem,
    CallIn,
    Committee,
    ContractLink,
    Delegation,
    ForwardPlanEntry,
    Meeting,
    Member,
    OfficerDecision,
    Report,
    ReportFile,
    ResolutionPart,
    meetings_after,
)
from contracts.history import History, Source, record_history
from contracts.models import Contract, ContractChange, FeeUplift, MonitoringRecord, Provider, ServiceArea


def working_days() -> clock.WorkingDays:
    """England and Wales working days (the bank holidays load a year at a time)."""
    return clock.WorkingDays()


# --- the clock on a meeting ------------------------------------------------------------


@dataclass(frozen=True)
class AgendaClock:
    deadline: date
    published_on: date | None
    # "on_time", "late" (published after the deadline), "due" (not yet, deadline
    # still ahead), "overdue" (not yet, deadline passed, meeting still ahead),
    # "not_recorded" (meeting passed with no publication date) or "cancelled".
    state: str


@dataclass(frozen=True)
class MinutesClock:
    # "approved", "awaiting" (held, not yet approved), "not_held" (meeting ahead) or "cancelled".
    state: str
    approved_at: Meeting | None
    next_meeting_pk: int | None
    next_meeting_starts_at: datetime | None
    can_approve_now: bool  # the next meeting has taken place, so its approval can be recorded


@dataclass(frozen=True)
class PartClock:
    part: ResolutionPart
    call_in: clock.CallIn | None  # None until the decisions are published
    call_in_status: str | None  # "exempt", "open" or "ended"
    request: CallIn | None = None  # the councillors' call-in of it, if any


@dataclass(frozen=True)
class MeetingClock:
    agenda: AgendaClock
    minutes: MinutesClock
    subject_to_call_in: bool
    decisions_published_on: date | None
    decisions: list[PartClock]
    key_decision_notice_by: date | None
    key_decisions: list[ResolutionPart]
    # The council's settings, for saying how each date was worked out.
    agenda_clear_days: int
    key_decision_clear_days: int
    call_in_working_days: int


def agenda_clock(meeting: Meeting, *, today: date, days: clock.WorkingDays) -> AgendaClock:
    meeting_day = meeting.date
    deadline = clock.agenda_publication_deadline(
        meeting_day, clear_days=settings.AGENDA_CLEAR_WORKING_DAYS, working_days=days
    )
    if meeting.agenda_published_on:
        late = clock.agenda_was_late(
            meeting_day,
            meeting.agenda_published_on,
            clear_days=settings.AGENDA_CLEAR_WORKING_DAYS,
            working_days=days,
        )
        state = "late" if late else "on_time"
    elif meeting.status == Meeting.Status.CANCELLED:
        state = "cancelled"
    elif today <= deadline:
        state = "due"
    elif today <= meeting_day:
        state = "overdue"
    else:
        state = "not_recorded"
    return AgendaClock(deadline=deadline, published_on=meeting.agenda_published_on, state=state)


def minutes_clock(meeting: Meeting, *, today: date) -> MinutesClock:
    """`meeting` must carry the `with_next_meeting` annotations."""
    next_starts_at = meeting.next_meeting_starts_at
    if meeting.minutes_approved_at_id:
        state = "approved"
    elif meeting.status == Meeting.Status.CANCELLED:
        state = "cancelled"
    elif meeting.date > today:
        state = "not_held"
    else:
        state = "awaiting"
    can_approve_now = state == "awaiting" and next_starts_at is not None and _local_date(next_starts_at) <= today
    return MinutesClock(
        state=state,
        approved_at=meeting.minutes_approved_at if meeting.minutes_approved_at_id else None,
        next_meeting_pk=meeting.next_meeting_pk,
        next_meeting_starts_at=next_starts_at,
        can_approve_now=can_approve_now,
    )


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _call_in(published: date, *, urgent: bool, days: clock.WorkingDays) -> clock.CallIn:
    return clock.call_in(published, urgent=urgent, working_days_count=settings.CALL_IN_WORKING_DAYS, working_days=days)


def part_call_in(part: ResolutionPart, *, days: clock.WorkingDays) -> clock.CallIn | None:
    """The call-in period of `part` (with its item, meeting and committee loaded):
    None when it is not subject to call-in or its decisions are not yet published."""
    meeting = part.item.meeting
    subject = decisions.is_subject_to_call_in(committee_kind=meeting.committee.kind, part_kind=part.kind)
    if not subject or meeting.decisions_published_on is None:
        return None
    return _call_in(meeting.decisions_published_on, urgent=part.is_urgent, days=days)


def _requested_by(call_in: CallIn | None, today: date) -> CallIn | None:
    return call_in if call_in is not None and call_in.requested_on <= today else None


def meeting_clock(meeting: Meeting, *, today: date) -> MeetingClock:
    """Every statutory date of a meeting. `meeting` must come from
    `meeting_queryset_for_detail()` (its parts are read from the prefetch)."""
    days = working_days()
    parts = [part for item in meeting.items.all() for part in item.parts.all()]
    subject = meeting.committee.kind in decisions.CALL_IN_COMMITTEES
    part_clocks = []
    requests = call_ins_of_parts([part.pk for part in parts]) if subject else {}
    if subject:
        published = meeting.decisions_published_on
        for part in parts:
            if not decisions.is_subject_to_call_in(committee_kind=meeting.committee.kind, part_kind=part.kind):
                continue
            if published is None:
                part_clocks.append(PartClock(part=part, call_in=None, call_in_status=None))
                continue
            period = _call_in(published, urgent=part.is_urgent, days=days)
            part_clocks.append(
                PartClock(
                    part=part,
                    call_in=period,
                    call_in_status=str(clock.call_in_status(period, today=today)),
                    request=_requested_by(requests.get(part.pk), today),
                )
            )
    key_decisions = [part for part in parts if part.is_key_decision]
    notice_by = (
        clock.key_decision_notice_deadline(meeting.date, clear_days=settings.KEY_DECISION_CLEAR_DAYS)
        if key_decisions
        else None
    )
    return MeetingClock(
        agenda=agenda_clock(meeting, today=today, days=days),
        minutes=minutes_clock(meeting, today=today),
        subject_to_call_in=subject,
        decisions_published_on=meeting.decisions_published_on,
        decisions=part_clocks,
        key_decision_notice_by=notice_by,
        key_decisions=key_decisions,
        agenda_clear_days=settings.AGENDA_CLEAR_WORKING_DAYS,
        key_decision_clear_days=settings.KEY_DECISION_CLEAR_DAYS,
        call_in_working_days=settings.CALL_IN_WORKING_DAYS,
    )


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    agenda: AgendaClock
    minutes: MinutesClock


def meeting_rows(meetings, *, today: date) -> list[MeetingRow]:
    """Meetings (annotated by `with_next_meeting`) with their agenda and minutes clocks."""
    days = working_days()
    return [
        MeetingRow(
            meeting=meeting,
            agenda=agenda_clock(meeting, today=today, days=days),
            minutes=minutes_clock(meeting, today=today),
        )
        for meeting in meetings
    ]


# --- committees and meetings ---------------------------------------------------------------


def with_next_meeting(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Annotate the next meeting of the same committee that is not cancelled:
    the meeting that approves these minutes (as services.minutes_approve checks)."""
    following = meetings_after(OuterRef("committee"), OuterRef("starts_at"))
    return queryset.annotate(
        next_meeting_pk=Subquery(following.values("pk")[:1]),
        next_meeting_starts_at=Subquery(following.values("starts_at")[:1]),
    )


def committee_list(*, today: date) -> QuerySet[Committee]:
    upcoming = (
        Meeting.objects.filter(committee=OuterRef("pk"), starts_at__date__gte=today)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at")
    )
    return (
        Committee.objects.select_related("council")
        .annotate(
            meeting_count=Count("meetings"),
            next_meeting_pk=Subquery(upcoming.values("pk")[:1]),
            next_meeting_starts_at=Subquery(upcoming.values("starts_at")[:1]),
        )
        .order_by("council__name", "name")
    )


def committee_meetings(*, committee: Committee, today: date) -> tuple[QuerySet[Meeting], QuerySet[Meeting]]:
    """The committee's upcoming meetings (soonest first) and past ones (latest first)."""
    meetings = with_next_meeting(
        Meeting.objects.filter(committee=committee)
        .select_related("minutes_approved_at")
        .annotate(item_count=Count("items"))
    )
    upcoming = meetings.filter(starts_at__date__gte=today).order_by("starts_at")
    past = meetings.filter(starts_at__date__lt=today).order_by("-starts_at")
    return upcoming, past


@dataclass(frozen=True)
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    is_weekend: bool
    is_bank_holiday: bool
    meetings: list[Meeting]


@dataclass(frozen=True)
class CalendarMonth:
    first: date
    previous: date
    next: date
    weeks: list[list[CalendarDay]]
    meeting_count: int


def meeting_calendar(*, month: date, today: date) -> CalendarMonth:
    """The weeks (Monday to Sunday) covering `month`, each day with its meetings."""
    weeks = calendar_grid.month_weeks(month)
    meetings = (
        Meeting.objects.filter(starts_at__date__gte=weeks[0][0], starts_at__date__lte=weeks[-1][-1])
        .select_related("committee__council")
        .order_by("starts_at")
    )
    by_day: dict[date, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        by_day[meeting.date].append(meeting)
    days = working_days()
    grid = [
        [
            CalendarDay(
                day=day,
                in_month=day.month == month.month,
                is_today=day == today,
                is_weekend=day.weekday() >= 5,
                is_bank_holiday=day.weekday() < 5 and not days.is_working_day(day),
                meetings=by_day.get(day, []),
            )
            for day in week
        ]
        for week in weeks
    ]
    count = sum(len(ms) for day, ms in by_day.items() if day.month == month.month)
    return CalendarMonth(
        first=month,
        previous=calendar_grid.previous_month(month),
        next=calendar_grid.next_month(month),
        weeks=grid,
        meeting_count=count,
    )


# --- the meeting page -------------------------------------------------------------------------


def _part_queryset() -> QuerySet[ResolutionPart]:
    """Resolution parts with everything their card shows: the chain both ways
    (`taken_up_by_list`), the delegation and its officer decisions
    (`delegation.officer_decisions_list`), actions (`actions_list`) and contract
    links (`links_list`). The lists are plain lists: a busy meeting has dozens of
    parts, and a prefetched manager for each costs a queryset made per part."""
    return (
        ResolutionPart.objects.select_related("recommended_to", "takes_up__item__meeting__committee", "delegation")
        .prefetch_related(
            Prefetch(
                "taken_up_by",
                queryset=ResolutionPart.objects.select_related("item__meeting__committee").order_by(
                    "item__meeting__starts_at", "pk"
                ),
                to_attr="taken_up_by_list",
            ),
            Prefetch(
                "delegation__officer_decisions",
                queryset=OfficerDecision.objects.order_by("decided_on", "pk"),
                to_attr="officer_decisions_list",
            ),
            Prefetch("actions", queryset=Action.objects.order_by("due_on", "pk"), to_attr="actions_list"),
            # A key decision's forward plan entries, for its notice (committees.forward_plan).
            Prefetch(
                "forward_plan_entries", queryset=ForwardPlanEntry.objects.order_by("pk"), to_attr="forward_plan_list"
            ),
            Prefetch(
                "contract_links",
                queryset=ContractLink.objects.select_related("contract", "option").order_by(
                    "contract__reference", "pk"
                ),
                to_attr="links_list",
            ),
        )
        .order_by("position", "pk")
    )


def meeting_queryset_for_detail() -> QuerySet[Meeting]:
    items = AgendaItem.objects.select_related("report").prefetch_related(Prefetch("parts", queryset=_part_queryset()))
    return with_next_meeting(
        Meeting.objects.select_related("committee__council", "minutes_approved_at").prefetch_related(
            Prefetch("items", queryset=items.order_by("position", "pk")),
            Prefetch("approved_minutes_of", queryset=Meeting.objects.order_by("starts_at")),
        )
    )


@dataclass(frozen=True)
class MeetingFormChoices:
    """What the meeting page's forms offer, read once for every item's forms. Reports
    and recommendations grow with the record, so they are pickers over the meeting
    (committees.pickers); the council's committees are few."""

    meeting: Meeting
    committees: list[tuple[int, str]]


def meeting_form_choices(*, meeting: Meeting) -> MeetingFormChoices:
    committees = Committee.objects.filter(council_id=meeting.committee.council_id).order_by("name")
    return MeetingFormChoices(meeting=meeting, committees=[(committee.pk, committee.name) for committee in committees])


def resolved_lead_in(item: AgendaItem) -> str:
    """What follows "RESOLVED" in the minutes: "that the Executive be
    recommended to:" when every part recommends to one decision maker, as in
    Bromley's minutes; "that:" otherwise."""
    parts = list(item.parts.all())
    receivers = {part.recommended_to_id for part in parts}
    if parts and all(part.kind == ResolutionPart.Kind.RECOMMEND for part in parts) and len(receivers) == 1:
        name = parts[0].recommended_to.name
        article = "" if name.lower().startswith("the ") else "the "
        return f"that {article}{name} be recommended to:"
    return "that:"


@dataclass(frozen=True)
class MinutesEntry:
    item: AgendaItem
    report_line: str  # "Report ACH22-035", or "" when there is no report or the minutes open with it
    lead_in: str


def _minutes_entry(item: AgendaItem, *, minutes_printed: bool) -> MinutesEntry:
    """Minutes copied from a council's site often open with the report line
    already; it is not printed twice. Where the minutes are not printed, it is."""
    line = f"Report {item.report.reference}" if item.report else ""
    if line and minutes_printed and item.minutes.lstrip().startswith(line):
        line = ""
    return MinutesEntry(item=item, report_line=line, lead_in=resolved_lead_in(item))


def minutes_entries(meeting: Meeting) -> list[MinutesEntry]:
    """The items of the printable minutes (a public print: an exempt item's minutes are not in it)."""
    return [_minutes_entry(item, minutes_printed=not item.is_exempt) for item in meeting.items.all()]


def exempt_minutes_entries(meeting: Meeting) -> list[MinutesEntry]:
    """The exempt items of a meeting read with `meeting_queryset_for_detail`, for
    the clerks' confidential print (committees.exempt): their minutes printed in full."""
    return [_minutes_entry(item, minutes_printed=True) for item in meeting.items.all() if item.is_exempt]


def meeting_has_exempt_items(meeting: Meeting) -> bool:
    return AgendaItem.objects.filter(meeting=meeting, is_exempt=True).exists()


# --- reports --------------------------------------------------------------------------------


def report_list(*, filters) -> tuple[QuerySet[Report], ReportFilter]:
    queryset = Report.objects.select_related("council").annotate(
        item_count=Count("items"), last_considered=Max("items__meeting__starts_at")
    )
    filterset = ReportFilter(filters, queryset=queryset)
    return filterset.qs.order_by("council__name", "reference"), filterset


def report_queryset_for_detail() -> QuerySet[Report]:
    items = (
        AgendaItem.objects.select_related("meeting__committee")
        .prefetch_related(Prefetch("parts", queryset=_part_queryset()))
        .order_by("meeting__starts_at", "position", "pk")
    )
    return Report.objects.select_related("council").prefetch_related(
        Prefetch("contracts", queryset=Contract.objects.order_by("reference")),
        Prefetch("files", queryset=ReportFile.objects.order_by("title", "pk")),
        Prefetch(
            "monitoring_records",
            queryset=MonitoringRecord.objects.select_related("contract").order_by("contract__reference", "-held_on"),
        ),
        Prefetch("items", queryset=items),
    )


# --- actions and delegations -------------------------------------------------------------------


def action_list(*, filters, today: date) -> tuple[QuerySet[Action], ActionFilter]:
    """Actions set by `today`: overdue first (still open on that day and due
    before it), then open by due date, then done, then cancelled. One done after
    `today` was still open on it."""
    Status = Action.Status
    open_on_day = Q(status=Status.OPEN) | Q(status=Status.DONE, completed_on__isnull=False, completed_on__gt=today)
    queryset = (
        Action.objects.filter(resolution_part__item__meeting__starts_at__date__lte=today)
        .prefetch_related("resolution_part__item__meeting__committee")
        .annotate(
            rank=Case(
                When(open_on_day & Q(due_on__lt=today), then=Value(0)),
                When(open_on_day, then=Value(1)),
                When(status=Status.DONE, then=Value(2)),
                default=Value(3),
            ),
            is_overdue=ExpressionWrapper(open_on_day & Q(due_on__lt=today), output_field=BooleanField()),
        )
    )
    filterset = ActionFilter(filters, queryset=queryset)
    return filterset.qs.order_by("rank", "due_on", "pk"), filterset


def delegation_list(*, used: bool, today: date) -> QuerySet[Delegation]:
    """Delegations given by `today` and not yet used by an officer decision on
    that day (or, with `used`, those that were)."""
    queryset = (
        Delegation.objects.select_related("resolution_part__item__meeting__committee__council")
        .filter(resolution_part__item__meeting__starts_at__date__lte=today)
        .annotate(
            is_used=decisions.delegation_is_used(today),
            is_expired=ExpressionWrapper(Q(expires_on__lt=today), output_field=BooleanField()),
        )
        .filter(is_used=used)
    )
    if used:
        queryset = queryset.prefetch_related(
            Prefetch(
                "officer_decisions",
                queryset=OfficerDecision.objects.filter(decided_on__lte=today).order_by("decided_on", "pk"),
            )
        )
    return queryset.order_by(F("expires_on").asc(nulls_last=True), "-resolution_part__item__meeting__starts_at", "pk")


def delegation_counts(*, today: date) -> dict[str, int]:
    """How many rows each tab of `delegation_list` holds on `today`."""
    return {
        "unused": delegation_list(used=False, today=today).count(),
        "used": delegation_list(used=True, today=today).count(),
    }


# --- officer decisions -----------------------------------------------------------------------


def officer_decision_list() -> QuerySet[OfficerDecision]:
    return (
        OfficerDecision.objects.select_related("delegation__resolution_part__item__meeting__committee")
        .prefetch_related(
            Prefetch("contract_links", queryset=ContractLink.objects.select_related("contract", "option"))
        )
        .order_by("-decided_on", "-pk")
    )


def officer_decision_queryset_for_detail() -> QuerySet[OfficerDecision]:
    return officer_decision_list()


def delegation_for_decision(pk: int) -> Delegation | None:
    """The delegation an officer decision form starts from, with what its label names."""
    return (
        Delegation.objects.select_related("resolution_part__item__meeting__committee", "resolution_part__item__report")
        .filter(pk=pk)
        .first()
    )


# --- history ----------------------------------------------------------------------------------


def committee_history(*, committee: Committee, show_all: bool = False) -> History:
    return record_history(sources=[Source(Committee.history.filter(id=committee.pk))], show_all=show_all)


def meeting_history(*, meeting: Meeting, show_all: bool = False, can_read_exempt: bool = False) -> History:
    """Changes to the meeting and everything minuted at it: items, resolution parts,
    their delegations, actions and links to contracts, removed ones included. The
    minutes of an item exempt now are withheld from every version of it, unless
    `can_read_exempt`."""
    items = AgendaItem.history.filter(meeting_id=meeting.pk).values("id")
    parts = ResolutionPart.history.filter(item_id__in=items).values("id")
    item_rows = AgendaItem.history.filter(meeting_id=meeting.pk)
    if can_read_exempt:
        item_sources = [Source(item_rows, label="Item {number}")]
    else:
        # Exempt in any version, so an item deleted since keeps its minutes withheld too.
        exempt = AgendaItem.history.filter(meeting_id=meeting.pk, is_exempt=True).values("id")
        item_sources = [
            Source(item_rows.exclude(id__in=exempt), label="Item {number}"),
            Source(
                item_rows.filter(id__in=exempt),
                label="Item {number}",
                withheld=("minutes",),
                withheld_as="exempt information, not shown",
            ),
        ]
    return record_history(
        sources=[
            Source(Meeting.history.filter(id=meeting.pk)),
            *item_sources,
            Source(ResolutionPart.history.filter(item_id__in=items), label="Resolution part {number} of {item}"),
            Source(Delegation.history.filter(resolution_part_id__in=parts), label="Delegation to {to_whom}"),
            Source(Action.history.filter(resolution_part_id__in=parts), label="Action for {owner} due {due_on}"),
            Source(ContractLink.history.filter(resolution_part_id__in=parts), label="Link to {contract}"),
        ],
        show_all=show_all,
    )


def report_history(*, report: Report, show_all: bool = False) -> History:
    return record_history(sources=[Source(Report.history.filter(id=report.pk))], show_all=show_all)


def officer_decision_history(*, decision: OfficerDecision, show_all: bool = False) -> History:
    return record_history(
        sources=[
            Source(OfficerDecision.history.filter(id=decision.pk)),
            Source(ContractLink.history.filter(officer_decision_id=decision.pk), label="Link to {contract}"),
        ],
        show_all=show_all,
    )


def monitoring_considered(*, contract: Contract) -> dict[int, list[Report]]:
    """The committee reports that considered each of the contract's monitoring
    visits and reports, by the record's pk, by reference. One query."""
    considered: dict[int, list[Report]] = {}
    links = Report.monitoring_records.through.objects.filter(monitoringrecord__contract=contract).select_related(
        "report"
    )
    for link in links.order_by("report__reference"):
        considered.setdefault(link.monitoringrecord_id, []).append(link.report)
    return considered


# --- fee uplifts ----------------------------------------------------------------------------------


def uplift_selection(
    *,
    service_areas: Sequence[ServiceArea] = (),
    contract_types: Sequence[str] = (),
    provider: Provider | None = None,
    contracts: Sequence[Contract] = (),
) -> list[int]:
    """The ids of the contracts a fee uplift chooses, by reference, in one query: those
    of the service areas, types and provider given (each narrowing the others), and
    those listed by reference besides."""
    narrowed = Q()
    if service_areas:
        narrowed &= Q(service_area__in=list(service_areas))
    if contract_types:
        narrowed &= Q(contract_type__in=list(contract_types))
    if provider is not None:
        narrowed &= Q(pk__in=Contract.providers.through.objects.filter(provider=provider).values("contract_id"))
    chosen = Q(pk__in=[contract.pk for contract in contracts])
    if service_areas or contract_types or provider is not None:
        chosen |= narrowed
    return list(Contract.objects.filter(chosen).order_by("reference").values_list("pk", flat=True))


Decision = ResolutionPart | OfficerDecision


def uplift_decisions(uplift_ids: Sequence[int]) -> dict[int, Decision]:
    """The decision that authorised each fee uplift, read from the history of its
    links (a reversed uplift's links went with its changes), in four queries."""
    firsts = (
        ContractChange.history.filter(uplift_id__in=list(uplift_ids))
        .values("uplift_id")
        .annotate(first=Min("id"))
        .order_by()
    )
    uplift_of = {row["first"]: row["uplift_id"] for row in firsts}
    links = (
        ContractLink.history.filter(change_id__in=list(uplift_of), history_type="+")
        .values("change_id", "resolution_part_id", "officer_decision_id")
        .order_by("history_id")
    )
    part_of, officer_of = {}, {}
    for link in links:
        uplift_id = uplift_of[link["change_id"]]
        if link["resolution_part_id"]:
            part_of.setdefault(uplift_id, link["resolution_part_id"])
        else:
            officer_of.setdefault(uplift_id, link["officer_decision_id"])
    parts = ResolutionPart.objects.select_related("item__meeting__committee", "item__report").in_bulk(
        list(part_of.values())
    )
    officers = OfficerDecision.objects.in_bulk(list(officer_of.values()))
    found: dict[int, Decision] = {}
    for uplift_id, pk in part_of.items():
        if pk in parts:
            found[uplift_id] = parts[pk]
    for uplift_id, pk in officer_of.items():
        if pk in officers:
            found[uplift_id] = officers[pk]
    return found


def uplift_changes(uplift: FeeUplift) -> QuerySet[ContractChange]:
    """An uplift's changes, one a contract, by the contract's reference."""
    return uplift.changes.select_related("contract").order_by("contract__reference", "pk")


# --- forward plan of key decisions (issue 13, item 1) ------------------------------------------------


def forward_plan_notice(entry: ForwardPlanEntry) -> forward_plan.Notice:
    return forward_plan.Notice(
        published_on=entry.published_on,
        general_exception_notice_on=entry.general_exception_notice_on,
        special_urgency_agreed_by=entry.special_urgency_agreed_by,
        special_urgency_agreed_on=entry.special_urgency_agreed_on,
    )


def key_decision_check(decided_on: date, entries, *, days: clock.WorkingDays | None = None) -> forward_plan.NoticeCheck:
    """Whether a key decision taken on `decided_on` had a valid notice among `entries`
    (its forward plan entries), with the council's setting for the clear days."""
    return forward_plan.check_key_decision_notice(
        decided_on,
        [forward_plan_notice(entry) for entry in entries],
        clear_days=settings.KEY_DECISION_CLEAR_DAYS,
        working_days=days or working_days(),
    )


def part_notice_check(
    part: ResolutionPart, *, days: clock.WorkingDays | None = None
) -> forward_plan.NoticeCheck | None:
    """A key decision part's notice, from `_part_queryset`'s `forward_plan_list`
    (and its item's meeting, loaded); None for a part that is not a key decision
    taken: not a part that takes effect at the executive, or at a meeting not held
    (notice can still be given in time before it)."""
    meeting = part.item.meeting
    if not part.is_key_decision or meeting.status != Meeting.Status.HELD:
        return None
    if not decisions.is_subject_to_call_in(committee_kind=meeting.committee.kind, part_kind=part.kind):
        return None
    # An entry gives notice of the decision on its agenda item: every key part of that item.
    entries = [entry for sibling in part.item.parts.all() for entry in sibling.forward_plan_list]
    return key_decision_check(part.item.meeting.date, entries, days=days)


@dataclass(frozen=True)
class KeyDecisionRow:
    """A key decision taken, with its notice checked."""

    decision: ResolutionPart | OfficerDecision
    decided_on: date
    decision_maker: str
    label: str  # "Item 7 (i)" or "OD-12"
    text: str
    check: forward_plan.NoticeCheck


def _taken_key_parts(*, today: date) -> QuerySet[ResolutionPart]:
    return (
        # Key decisions are the executive's: parts that take effect there, not a
        # recommendation or a scrutiny committee's view of one.
        ResolutionPart.objects.filter(
            is_key_decision=True,
            item__meeting__starts_at__date__lte=today,
            item__meeting__committee__kind__in=decisions.CALL_IN_COMMITTEES,
            kind__in=decisions.TAKES_EFFECT,
        )
        .exclude(item__meeting__status=Meeting.Status.CANCELLED)
        .select_related("item__meeting__committee")
        .order_by("-item__meeting__starts_at", "item__position", "position", "pk")
    )


def _taken_key_officer_decisions(*, today: date) -> QuerySet[OfficerDecision]:
    """An officer decision is a key one when marked so, or when a forward plan entry
    names it as taken; one marked key that no entry names has no notice, and
    `key_decision_check` says so as it does for a part with no entry."""
    return (
        OfficerDecision.objects.filter(
            Q(is_key_decision=True) | Q(forward_plan_entries__isnull=False), decided_on__lte=today
        )
        .distinct()
        .prefetch_related(
            Prefetch(
                "forward_plan_entries", queryset=ForwardPlanEntry.objects.order_by("pk"), to_attr="forward_plan_list"
            )
        )
        .order_by("-decided_on", "-pk")
    )


def _key_rows(parts, officer_decisions) -> list[KeyDecisionRow]:
    """One query more than the parts and decisions: the entries of the parts' items
    (an entry gives notice of the decision on its agenda item, every key part of it)."""
    days = working_days()
    parts = list(parts)
    by_item = defaultdict(list)
    if parts:
        entries = ForwardPlanEntry.objects.filter(
            resolution_part__item_id__in={part.item_id for part in parts}
        ).select_related("resolution_part")
        for entry in entries.order_by("pk"):
            by_item[entry.resolution_part.item_id].append(entry)
    rows = [
        KeyDecisionRow(
            decision=part,
            decided_on=part.item.meeting.date,
            decision_maker=part.item.meeting.committee.name,
            label=f"Item {part.item.number} ({part.number})",
            text=part.text,
            check=key_decision_check(part.item.meeting.date, by_item[part.item_id], days=days),
        )
        for part in parts
    ]
    rows += [
        KeyDecisionRow(
            decision=decision,
            decided_on=decision.decided_on,
            decision_maker=decision.decision_maker,
            label=decision.reference,
            text=decision.text,
            check=key_decision_check(decision.decided_on, decision.forward_plan_list, days=days),
        )
        for decision in officer_decisions
    ]
    rows.sort(key=lambda row: row.decided_on, reverse=True)
    return rows


def officer_decision_notice_check(decision: OfficerDecision, *, today: date) -> forward_plan.NoticeCheck | None:
    """One officer decision's notice, by the rule the lists of key decisions use
    (`_taken_key_officer_decisions`, `_key_rows`); None when it is not a key
    decision taken by `today` (two queries: the decision and its entries)."""
    rows = _key_rows([], _taken_key_officer_decisions(today=today).filter(pk=decision.pk))
    return rows[0].check if rows else None


def key_decisions_without_notice(*, today: date) -> list[KeyDecisionRow]:
    """Every key decision taken by `today` without a valid notice, latest first (four queries)."""
    rows = _key_rows(_taken_key_parts(today=today), _taken_key_officer_decisions(today=today))
    return [row for row in rows if not row.check.valid]


def contract_key_decisions_without_notice(*, contract: Contract, today: date) -> list[KeyDecisionRow]:
    """The key decisions acting on `contract` (through its decision links) taken
    without a valid notice (four queries)."""
    parts = _taken_key_parts(today=today).filter(contract_links__contract=contract).distinct()
    officer = _taken_key_officer_decisions(today=today).filter(contract_links__contract=contract)
    return [row for row in _key_rows(parts, officer) if not row.check.valid]


def forward_plan_list(*, filters, today: date) -> tuple[QuerySet[ForwardPlanEntry], ForwardPlanFilter]:
    """The forward plan: upcoming entries first, soonest first; then past ones, latest first."""
    queryset = ForwardPlanEntry.objects.select_related(
        "council", "decision_maker", "resolution_part__item__meeting", "officer_decision"
    ).prefetch_related(Prefetch("contracts", queryset=Contract.objects.order_by("reference")))
    filterset = ForwardPlanFilter(filters, queryset=queryset)
    upcoming = Q(expected_on__gte=today)
    ordered = filterset.qs.order_by(
        Case(When(upcoming, then=Value(0)), default=Value(1)),
        Case(When(upcoming, then=F("expected_on"))).asc(nulls_last=True),
        F("expected_on").desc(),
        "pk",
    )
    return ordered, filterset


@dataclass(frozen=True)
class ForwardPlanRow:
    entry: ForwardPlanEntry
    decided_on: date  # the day the decision was taken, or is expected
    publish_by: date  # the last working day for 28 clear days' notice of it
    check: forward_plan.NoticeCheck


def forward_plan_rows(entries) -> list[ForwardPlanRow]:
    """Each entry (from `forward_plan_list`) with its notice checked against the day
    its decision was taken, or is expected to be."""
    days = working_days()
    rows = []
    for entry in entries:
        if entry.resolution_part:
            decided_on = entry.resolution_part.item.meeting.date
        elif entry.officer_decision:
            decided_on = entry.officer_decision.decided_on
        else:
            decided_on = entry.expected_on
        rows.append(
            ForwardPlanRow(
                entry=entry,
                decided_on=decided_on,
                publish_by=forward_plan.key_decision_publication_deadline(
                    decided_on, clear_days=settings.KEY_DECISION_CLEAR_DAYS, working_days=days
                ),
                check=key_decision_check(decided_on, [entry], days=days),
            )
        )
    return rows


def forward_plan_entry_for_edit(*, pk: int) -> ForwardPlanEntry:
    return ForwardPlanEntry.objects.select_related(
        "council",
        "decision_maker",
        "resolution_part__item__meeting__committee",
        "resolution_part__item__report",
        "officer_decision",
    ).get(pk=pk)


def forward_plan_entry_history(*, entry: ForwardPlanEntry, show_all: bool = False) -> History:
    return record_history(sources=[Source(ForwardPlanEntry.history.filter(id=entry.pk))], show_all=show_all)


# --- Call-in (issue 13, slice "callin") ----------------------------------------------------------

_CALL_IN_PART = "resolution_part__item__meeting__committee__council"


def call_in_queryset_for_detail() -> QuerySet[CallIn]:
    return CallIn.objects.select_related(_CALL_IN_PART, "scrutiny_meeting__committee").prefetch_related(
        Prefetch("members", queryset=Member.objects.order_by("name"))
    )


def member_call_ins(*, member: Member, today: date) -> QuerySet[CallIn]:
    """The call-ins `member` signed by `today`, latest first, each with its decision's meeting
    joined and whether it was pending on that day (an outcome decided after it was not yet known)."""
    return (
        CallIn.objects.filter(members=member, requested_on__lte=today)
        .select_related(_CALL_IN_PART)
        .annotate(is_pending_then=ExpressionWrapper(CallIn.pending_on_q(today), output_field=BooleanField()))
        .order_by("-requested_on", "-pk")
    )


def call_in_list(*, filters, today: date) -> tuple[QuerySet[CallIn], CallInFilter]:
    """The call-ins made by `today`: those pending on that day first (an outcome
    decided after it was not yet known), each group latest request first. Each
    carries the contracts its decision acts on."""
    pending_then = CallIn.pending_on_q(today)
    queryset = (
        CallIn.objects.filter(requested_on__lte=today)
        .select_related(_CALL_IN_PART, "scrutiny_meeting__committee")
        .prefetch_related(
            Prefetch(
                "resolution_part__contract_links",
                queryset=ContractLink.objects.select_related("contract").order_by("contract__reference", "pk"),
            )
        )
        .annotate(is_pending_then=ExpressionWrapper(pending_then, output_field=BooleanField()))
    )
    filterset = CallInFilter(filters, queryset=queryset)
    ordered = filterset.qs.order_by(Case(When(pending_then, then=Value(0)), default=Value(1)), "-requested_on", "-pk")
    return ordered, filterset


def call_ins_of_parts(part_ids: Sequence[int]) -> dict[int, CallIn]:
    """The call-in of each part that has one, by part id (one query)."""
    found = CallIn.objects.filter(resolution_part_id__in=list(part_ids)).select_related("scrutiny_meeting__committee")
    return {call_in.resolution_part_id: call_in for call_in in found}


def contract_call_ins(*, contract: Contract, today: date) -> list[CallIn]:
    """The call-ins, made by `today`, of decisions acting on `contract`: parts linked
    to it, and parts whose delegation an officer decision linked to it was taken
    under. Pending ones first (one query)."""
    linked = Q(resolution_part__contract_links__contract=contract) | Q(
        resolution_part__delegation__officer_decisions__contract_links__contract=contract
    )
    found = (
        CallIn.objects.filter(linked, requested_on__lte=today)
        .select_related(_CALL_IN_PART, "scrutiny_meeting__committee")
        .distinct()
        .order_by("-requested_on", "-pk")
    )
    return sorted(found, key=lambda call_in: (not call_in.is_pending_on(today),))


def call_in_history(*, call_in: CallIn, show_all: bool = False) -> History:
    return record_history(sources=[Source(CallIn.history.filter(id=call_in.pk))], show_all=show_all)
