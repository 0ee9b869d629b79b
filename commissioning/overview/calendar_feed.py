"""A user's private calendar: the dates that fall due for them, as iCalendar.

`events_for` says what a user should see (by role) between two days, with a
fixed number of queries; `build_ics` turns events into an iCalendar file. The
feed's secret link is a `CalendarFeed` row: `calendar_feed_for` makes one,
`calendar_feed_renew` revokes it and makes another.
"""

import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Model, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from icalendar import Calendar
from icalendar import Event as VEvent

from commissioning.core.formatting import format_day
from commissioning.core.permissions import can
from commissioning.core.roles import CLERKS, MANAGERS, OFFICERS, role_names
from commissioning.projects.models import CalendarFeed, CommissioningProject
from commissioning.projects.selectors import pipeline
from committees import clock
from committees.models import Action, Meeting
from contracts.models import Contract, NoticePublication
from contracts.querysets import with_figures
from contracts.selectors import notices_due
from contracts.terms import next_start

# What the feed covers: recent dates stay visible for a month, and the plan
# looks two years ahead (the usual lead time of a re-procurement).
FEED_DAYS_BEHIND = 30
FEED_MONTHS_AHEAD = 24

PRODID = "-//Commissioning//Adult social care contracts//EN"
UID_DOMAIN = "commissioning"

OPTION_DEADLINE = "option_deadline"
CONTRACT_END = "contract_end"
GATEWAY_DUE = "gateway_due"
MEETING = "meeting"
AGENDA_DEADLINE = "agenda_deadline"
ACTION_DUE = "action_due"
NOTICE_DUE = "notice_due"

KIND_LABELS = {
    OPTION_DEADLINE: "Option decision deadlines",
    CONTRACT_END: "Contract ends (current term)",
    GATEWAY_DUE: "Gateway due dates of active projects",
    MEETING: "Committee meetings",
    AGENDA_DEADLINE: "Agenda publication deadlines",
    ACTION_DUE: "Actions due",
    NOTICE_DUE: "Procurement Act notices due",
}
ALL_KINDS = frozenset(KIND_LABELS)

KINDS_BY_ROLE = {
    OFFICERS: frozenset({OPTION_DEADLINE, CONTRACT_END, GATEWAY_DUE, ACTION_DUE, NOTICE_DUE}),
    CLERKS: frozenset({MEETING, AGENDA_DEADLINE, ACTION_DUE}),
    MANAGERS: ALL_KINDS,
}

# The records each kind comes from: a user who may not view them does not get
# the kind, whatever their role says (an admin may have narrowed a group).
KIND_MODELS: dict[str, type[Model]] = {
    OPTION_DEADLINE: Contract,
    CONTRACT_END: Contract,
    GATEWAY_DUE: CommissioningProject,
    MEETING: Meeting,
    AGENDA_DEADLINE: Meeting,
    ACTION_DUE: Action,
    NOTICE_DUE: NoticePublication,
}


@dataclass(frozen=True)
class Event:
    uid: str
    day: date | datetime  # a date for an all-day item; an aware datetime for a meeting
    summary: str
    description: str
    url: str  # a path on the site; made absolute when the event leaves it
    kind: str
    location: str = ""

    @property
    def on(self) -> date:
        """The day it falls on, in the site's time zone."""
        if isinstance(self.day, datetime):
            return timezone.localtime(self.day).date()
        return self.day

    @property
    def has_time(self) -> bool:
        return isinstance(self.day, datetime)


def _uid(*parts: object) -> str:
    return "-".join(str(part) for part in parts) + f"@{UID_DOMAIN}"


def feed_window(today: date) -> tuple[date, date]:
    return today - timedelta(days=FEED_DAYS_BEHIND), next_start(today, FEED_MONTHS_AHEAD)


def kinds_for(user) -> frozenset[str]:
    """The kinds of date a user's calendar and reminders hold: by role (a
    superuser sees everything), and only from records they may view."""
    if not user.is_active:
        return frozenset()
    if user.is_superuser:
        kinds = ALL_KINDS
    else:
        kinds = frozenset().union(*(KINDS_BY_ROLE.get(role, frozenset()) for role in role_names(user)))
    return frozenset(kind for kind in kinds if can(user, KIND_MODELS[kind], "view"))


def events_for(user, *, start: date, end: date, today: date) -> list[Event]:
    """What falls due for `user` from `start` to `end` (both included), as the
    figures stand on `today`."""
    return events_between(kinds_for(user), start=start, end=end, today=today)


def events_between(kinds: Collection[str], *, start: date, end: date, today: date) -> list[Event]:
    """Every event of the given kinds from `start` to `end` (both included),
    soonest first. One query per source, whatever the number of rows."""
    kinds = frozenset(kinds)
    events: list[Event] = []
    if kinds & {OPTION_DEADLINE, CONTRACT_END}:
        events += _contract_events(kinds, start=start, end=end, today=today)
    if GATEWAY_DUE in kinds:
        events += _gateway_events(start=start, end=end, today=today)
    if kinds & {MEETING, AGENDA_DEADLINE}:
        events += _meeting_events(kinds, start=start, end=end)
    if ACTION_DUE in kinds:
        events += _action_events(start=start, end=end)
    if NOTICE_DUE in kinds:
        events += _notice_events(start=start, end=end, today=today)
    return sorted(events, key=lambda e: (e.on, e.day.time() if e.has_time else time.min, e.summary, e.uid))


def _contract_events(kinds: Collection[str], *, start: date, end: date, today: date) -> list[Event]:
    wanted = Q()
    if OPTION_DEADLINE in kinds:
        wanted |= Q(next_decision_deadline__gte=start, next_decision_deadline__lte=end)
    if CONTRACT_END in kinds:
        wanted |= Q(current_end_date__gte=start, current_end_date__lte=end)
    contracts = with_figures(Contract.objects.all(), today=today).filter(wanted).order_by("reference")
    events = []
    for contract in contracts:
        deadline = contract.next_decision_deadline
        url = contract.get_absolute_url()
        if OPTION_DEADLINE in kinds and deadline is not None and start <= deadline <= end:
            events.append(
                Event(
                    uid=_uid("option-deadline", contract.pk, contract.next_option),
                    day=deadline,
                    summary=f"Option decision due: {contract.reference} option {contract.next_option}",
                    description=(
                        f"{contract.reference} {contract.title}: decide option {contract.next_option} by "
                        f"{format_day(deadline)}. The current term ends on {format_day(contract.current_end_date)}."
                    ),
                    url=url,
                    kind=OPTION_DEADLINE,
                )
            )
        if CONTRACT_END in kinds and start <= contract.current_end_date <= end:
            after = (
                f"Option {contract.next_option} is still open (decide by {format_day(deadline)})."
                if deadline is not None
                else "No option is left to extend it."
            )
            events.append(
                Event(
                    uid=_uid("contract-end", contract.pk),
                    day=contract.current_end_date,
                    summary=f"Contract ends: {contract.reference} {contract.title}",
                    description=(
                        f"{contract.reference} {contract.title} ends on {format_day(contract.current_end_date)}. {after}"
                    ),
                    url=url,
                    kind=CONTRACT_END,
                )
            )
    return events


def _notice_events(*, start: date, end: date, today: date) -> list[Event]:
    """The Procurement Act notices not yet recorded as published, on the day each is due."""
    events = []
    for row in notices_due(today=today):
        if row.status == "published" or not start <= row.due <= end:
            continue
        whose = (
            f"{row.reference} {row.title}"
            if row.contract_id
            else (f"the council, for payments {format_day(row.period_first_day)} to {format_day(row.period_end)}")
        )
        events.append(
            Event(
                # A performance notice falls due again and again: each its own event.
                # A change notice is one for each change.
                uid=_uid(
                    "notice-due",
                    row.kind,
                    row.contract_id or row.period_end,
                    *([row.change_id] if row.change_id else [row.due] if row.basis else []),
                ),
                day=row.due,
                summary=f"{row.label} due: {row.reference or 'the council'}",
                description=f"The {row.label} of {whose} is due to be published by {format_day(row.due)}"
                + (f" ({row.basis})." if row.basis else "."),
                url=reverse("contracts:contract_detail", args=[row.contract_id])
                if row.contract_id
                else reverse("contracts:notice_list"),
                kind=NOTICE_DUE,
            )
        )
    return events


def _gateway_events(*, start: date, end: date, today: date) -> list[Event]:
    # Due dates count back from the required start as it stands on `today`.
    events = []
    for summary in pipeline(today=today):
        project = summary.project
        for gateway_plan in summary.plans:
            due = gateway_plan.due
            if gateway_plan.passed_on is not None or due is None or not start <= due <= end:
                continue
            events.append(
                Event(
                    uid=_uid("gateway-due", project.pk, gateway_plan.rule.number),
                    day=due,
                    summary=f"{gateway_plan.rule.name} due: {project.title}",
                    description=(
                        f"{gateway_plan.rule.name} for {project.title} is due by {format_day(due)}, "
                        f"{gateway_plan.rule.lead_months} months before the new service must start "
                        f"on {format_day(project.required_start)}."
                    ),
                    url=project.get_absolute_url(),
                    kind=GATEWAY_DUE,
                )
            )
    return events


def _meeting_events(kinds: Collection[str], *, start: date, end: date) -> list[Event]:
    clear_days = settings.AGENDA_CLEAR_WORKING_DAYS
    # An agenda deadline falls up to clear_days + 1 working days before its
    # meeting; allowing two calendar days for each, plus a Christmas, reaches
    # every meeting whose deadline is in the window.
    reach = timedelta(days=2 * (clear_days + 1) + 14) if AGENDA_DEADLINE in kinds else timedelta(0)
    zone = timezone.get_default_timezone()
    meetings = (
        Meeting.objects.filter(
            starts_at__gte=datetime.combine(start, time.min, tzinfo=zone),
            starts_at__lt=datetime.combine(end + reach + timedelta(days=1), time.min, tzinfo=zone),
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("committee__council")
        .order_by("starts_at", "pk")
    )
    working_days = clock.WorkingDays()
    events = []
    for meeting in meetings:
        starts_at = timezone.localtime(meeting.starts_at, zone)
        meeting_day = starts_at.date()
        committee = meeting.committee
        url = meeting.get_absolute_url()
        if MEETING in kinds and meeting_day <= end:
            events.append(
                Event(
                    uid=_uid("meeting", meeting.pk),
                    day=starts_at,
                    summary=f"Meeting: {committee.name}",
                    description=f"{committee.name} ({committee.council}), {date_format(starts_at, 'j M Y, H:i')}.",
                    url=url,
                    kind=MEETING,
                    location=meeting.venue,
                )
            )
        if AGENDA_DEADLINE in kinds and meeting.agenda_published_on is None:
            deadline = clock.agenda_publication_deadline(meeting_day, clear_days=clear_days, working_days=working_days)
            if start <= deadline <= end:
                events.append(
                    Event(
                        uid=_uid("agenda-deadline", meeting.pk),
                        day=deadline,
                        summary=f"Agenda publication deadline: {committee.name}, {format_day(meeting_day)}",
                        description=(
                            f"Publish the agenda and reports for {committee.name} on {format_day(meeting_day)} by "
                            f"{format_day(deadline)}, to leave {clear_days} clear working days before the meeting "
                            "(Local Government Act 1972 s100B)."
                        ),
                        url=url,
                        kind=AGENDA_DEADLINE,
                    )
                )
    return events


def _action_events(*, start: date, end: date) -> list[Event]:
    actions = (
        Action.objects.filter(status=Action.Status.OPEN, due_on__gte=start, due_on__lte=end)
        .select_related("resolution_part__item__meeting__committee")
        .order_by("due_on", "pk")
    )
    events = []
    for action in actions:
        part = action.resolution_part
        meeting = part.item.meeting
        events.append(
            Event(
                uid=_uid("action", action.pk),
                day=action.due_on,
                summary=f"Action due: {Truncator(' '.join(action.text.split())).chars(80)}",
                description=(
                    f"{action.text}\nOwner: {action.owner}.\nFrom {meeting.committee.name}, "
                    f"{format_day(meeting.date)}, item {part.item.number} ({part.number})."
                ),
                url=part.get_absolute_url(),
                kind=ACTION_DUE,
            )
        )
    return events


# --- iCalendar -----------------------------------------------------------------------


def absolute_url(url: str, base_url: str) -> str:
    return urljoin(base_url, url) if base_url else url


def build_ics(events: Iterable[Event], *, name: str, base_url: str = "", stamp: datetime | None = None) -> bytes:
    """An iCalendar file of `events`. Each event keeps its UID from one build
    to the next, so a calendar app that refreshes the feed moves or removes
    its copy instead of adding another."""
    stamp = stamp or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    # Hints for how often to fetch the feed again (RFC 7986, and Outlook's own).
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    days = []
    for event in events:
        vevent = VEvent()
        vevent.add("uid", event.uid)
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", event.day)
        vevent.add("summary", event.summary)
        vevent.add("description", event.description)
        if event.url:
            vevent.add("url", absolute_url(event.url, base_url))
        if event.location:
            vevent.add("location", event.location)
        vevent.add("categories", [KIND_LABELS.get(event.kind, event.kind)])
        vevent.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        calendar.add_component(vevent)
        days.append(event.on)
    if days:
        # The VTIMEZONE of the meetings' TZID, covering only the years in the feed.
        calendar.add_missing_timezones(
            first_date=date(min(days).year - 1, 1, 1), last_date=date(max(days).year + 2, 1, 1)
        )
    return calendar.to_ical()


# --- the feed's secret link ----------------------------------------------------------


def calendar_feed_live(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """The live feed with this token whose owner can still sign in."""
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def _lock_user(user) -> None:
    # Two clicks at once would otherwise both try to make the one live feed.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_for(user) -> CalendarFeed:
    """The user's live feed, made now if they have none."""
    _lock_user(user)
    return calendar_feed_live(user) or CalendarFeed.objects.create(user=user, token=_new_token())


@transaction.atomic
def calendar_feed_revoke(user) -> None:
    """Stop the user's live feed: its link answers 404 from now on."""
    _lock_user(user)
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def calendar_feed_renew(user) -> CalendarFeed:
    """Revoke the user's live feed, if any, and make a new one with a new token."""
    calendar_feed_revoke(user)
    return CalendarFeed.objects.create(user=user, token=_new_token())
