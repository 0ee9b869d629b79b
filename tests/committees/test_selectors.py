from datetime import date

import pytest

from committees import calendar_grid, services
from committees.models import Committee, Meeting, ResolutionPart
from committees.selectors import (
    action_list,
    agenda_clock,
    committee_list,
    committee_meetings,
    delegation_counts,
    delegation_list,
    meeting_calendar,
    meeting_clock,
    meeting_form_choices,
    meeting_queryset_for_detail,
    minutes_entries,
    resolved_lead_in,
    working_days,
)
from tests.committees.factories import (
    OD_RECORD,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    OfficerDecisionFactory,
    ReportFactory,
    ResolutionPartFactory,
    at,
)
from tests.conftest import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def executive():
    return CommitteeFactory(name="Executive", kind=Committee.Kind.EXECUTIVE)


@pytest.fixture
def pds(executive):
    return CommitteeFactory(council=executive.council, name="Adult Care and Health PDS Committee")


def _detail(meeting: Meeting) -> Meeting:
    return meeting_queryset_for_detail().get(pk=meeting.pk)


# --- the clock ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "today", "state"),
    [
        (date(2022, 11, 22), date(2026, 11, 22), "on_time"),
        (date(2022, 11, 23), date(2026, 11, 22), "late"),
        (None, date(2022, 11, 22), "due"),  # the deadline day itself
        (None, date(2022, 11, 23), "overdue"),
        (None, date(2022, 11, 30), "overdue"),  # the meeting day: still ahead
        (None, date(2022, 12, 1), "not_recorded"),
    ],
)
def test_the_agenda_clock(executive, published, today, state):
    meeting = MeetingFactory(committee=executive, starts_at=at(date(2022, 11, 30)), agenda_published_on=published)
    agenda = agenda_clock(meeting, today=today, days=working_days())
    assert agenda.deadline == date(2022, 11, 22)
    assert agenda.state == state


def test_the_agenda_deadline_follows_the_setting(executive, settings):
    settings.AGENDA_CLEAR_WORKING_DAYS = 3
    meeting = MeetingFactory(committee=executive, starts_at=at(date(2022, 11, 30)))
    assert agenda_clock(meeting, today=date(2022, 11, 1), days=working_days()).deadline == date(2022, 11, 24)


def test_the_call_in_of_an_executive_meeting(executive):
    """Published Fri 2 Dec 2022 -> call-in ends Fri 9 Dec 2022; the urgent part is exempt."""
    meeting = MeetingFactory(
        committee=executive, starts_at=at(date(2022, 11, 30)), decisions_published_on=date(2022, 12, 2)
    )
    item = AgendaItemFactory(meeting=meeting, number="7")
    approve = ResolutionPartFactory(
        item=item, number="i", kind=ResolutionPart.Kind.APPROVE, text="Approved.", is_key_decision=True
    )
    ResolutionPartFactory(item=item, number="ii", kind=ResolutionPart.Kind.NOTE, text="Noted.")
    urgent = ResolutionPartFactory(
        item=item, number="iii", kind=ResolutionPart.Kind.APPROVE, text="Approved.", is_urgent=True
    )

    during = meeting_clock(_detail(meeting), today=date(2022, 12, 9))
    assert [row.part for row in during.decisions] == [approve, urgent]  # noting is not called in
    first, second = during.decisions
    assert (first.call_in.ends, first.call_in.first_implementation_day) == (date(2022, 12, 9), date(2022, 12, 12))
    assert first.call_in_status == "open"
    assert (second.call_in.ends, second.call_in.first_implementation_day, second.call_in_status) == (
        None,
        date(2022, 12, 2),
        "exempt",
    )
    assert meeting_clock(_detail(meeting), today=date(2022, 12, 10)).decisions[0].call_in_status == "ended"
    # Key decision: notice 28 clear days before Wed 30 Nov 2022.
    assert during.key_decision_notice_by == date(2022, 11, 1)
    assert during.key_decisions == [approve]


def test_there_is_no_call_in_before_publication_or_for_a_scrutiny_committee(executive, pds):
    meeting = MeetingFactory(committee=executive, starts_at=at(date(2022, 11, 30)))
    ResolutionPartFactory(item=AgendaItemFactory(meeting=meeting), kind=ResolutionPart.Kind.APPROVE)
    unpublished = meeting_clock(_detail(meeting), today=date(2022, 12, 1))
    assert unpublished.subject_to_call_in
    assert [row.call_in for row in unpublished.decisions] == [None]

    scrutiny = MeetingFactory(
        committee=pds, starts_at=at(date(2022, 11, 15)), decisions_published_on=date(2022, 11, 16)
    )
    ResolutionPartFactory(item=AgendaItemFactory(meeting=scrutiny), kind=ResolutionPart.Kind.APPROVE)
    clock = meeting_clock(_detail(scrutiny), today=date(2022, 12, 1))
    assert not clock.subject_to_call_in
    assert clock.decisions == []
    assert clock.key_decision_notice_by is None


def test_the_call_in_follows_the_setting(executive, settings):
    settings.CALL_IN_WORKING_DAYS = 10
    # Published Wed 21 Dec 2022: ten working days skip 26, 27 Dec and 2 Jan.
    meeting = MeetingFactory(
        committee=executive, starts_at=at(date(2022, 12, 21), 10), decisions_published_on=date(2022, 12, 21)
    )
    ResolutionPartFactory(item=AgendaItemFactory(meeting=meeting), kind=ResolutionPart.Kind.APPROVE)
    assert meeting_clock(_detail(meeting), today=date(2023, 1, 1)).decisions[0].call_in.ends == date(2023, 1, 9)


def test_minutes_await_the_next_meeting_that_is_not_cancelled(pds):
    first = MeetingFactory(committee=pds, starts_at=at(date(2022, 11, 15)))
    MeetingFactory(committee=pds, starts_at=at(date(2022, 12, 6)), status=Meeting.Status.CANCELLED)
    assert meeting_clock(_detail(first), today=date(2022, 12, 10)).minutes.next_meeting_pk is None
    following = MeetingFactory(committee=pds, starts_at=at(date(2023, 1, 17)))
    MeetingFactory(
        committee=CommitteeFactory(council=pds.council), starts_at=at(date(2022, 12, 1))
    )  # another committee

    before = meeting_clock(_detail(first), today=date(2022, 12, 10)).minutes
    assert (before.state, before.next_meeting_pk, before.can_approve_now) == ("awaiting", following.pk, False)
    assert meeting_clock(_detail(first), today=date(2023, 1, 17)).minutes.can_approve_now

    services.minutes_approve(meeting=first, at_meeting=following)
    approved = meeting_clock(_detail(first), today=date(2023, 1, 17)).minutes
    assert (approved.state, approved.approved_at) == ("approved", following)
    assert meeting_clock(_detail(following), today=date(2023, 1, 10)).minutes.state == "not_held"


# --- lists -------------------------------------------------------------------------------------


def test_the_committee_list_counts_meetings_and_finds_the_next(executive, pds):
    MeetingFactory(committee=executive, starts_at=at(date(2026, 11, 1)))
    MeetingFactory(committee=executive, starts_at=at(date(2026, 11, 30)), status=Meeting.Status.CANCELLED)
    following = MeetingFactory(committee=executive, starts_at=at(date(2026, 12, 9)))
    rows = {committee.name: committee for committee in committee_list(today=date(2026, 11, 22))}
    assert (rows["Executive"].meeting_count, rows["Executive"].next_meeting_pk) == (3, following.pk)
    assert (rows[pds.name].meeting_count, rows[pds.name].next_meeting_pk) == (0, None)


def test_a_committees_meetings_split_at_today(executive):
    past = MeetingFactory(committee=executive, starts_at=at(date(2026, 11, 1)))
    today = MeetingFactory(committee=executive, starts_at=at(date(2026, 11, 22), 10))
    later = MeetingFactory(committee=executive, starts_at=at(date(2027, 1, 5)))
    AgendaItemFactory(meeting=past)
    upcoming, gone = committee_meetings(committee=executive, today=date(2026, 11, 22))
    assert list(upcoming) == [today, later]
    assert list(gone) == [past]
    assert gone[0].item_count == 1
    assert gone[0].next_meeting_pk == today.pk


def test_actions_overdue_first_then_open_then_done(executive):
    part = ResolutionPartFactory(item=AgendaItemFactory(meeting=MeetingFactory(committee=executive)))
    done = services.action_add(part=part, text="d", owner="o", due_on=date(2023, 1, 1))
    services.action_set_status(action=done, status="done", today=date(2023, 1, 1))
    cancelled = services.action_add(part=part, text="c", owner="o", due_on=date(2022, 12, 1))
    services.action_set_status(action=cancelled, status="cancelled", today=date(2023, 1, 1))
    open_later = services.action_add(part=part, text="l", owner="o", due_on=date(2027, 1, 1))
    open_soon = services.action_add(part=part, text="s", owner="o", due_on=date(2026, 11, 22))  # due today: not overdue
    overdue = services.action_add(part=part, text="x", owner="o", due_on=date(2026, 11, 21))
    queryset, _ = action_list(filters={}, today=date(2026, 11, 22))
    assert list(queryset) == [overdue, open_soon, open_later, done, cancelled]
    assert [action.is_overdue for action in queryset] == [True, False, False, False, False]


def test_delegations_used_and_not(executive):
    item = AgendaItemFactory(meeting=MeetingFactory(committee=executive))
    unused = ResolutionPartFactory(
        item=item,
        number="1",
        kind=ResolutionPart.Kind.DELEGATE,
        delegation=services.DelegationInput(to_whom="Chief Officer", scope="Extend", expires_on=date(2025, 1, 1)),
    ).delegation
    used = ResolutionPartFactory(
        item=item,
        number="2",
        kind=ResolutionPart.Kind.DELEGATE,
        delegation=services.DelegationInput(to_whom="Director", scope="Award"),
    ).delegation
    OfficerDecisionFactory(delegation=used)
    OfficerDecisionFactory(delegation=used, decided_on=date(2023, 2, 1))
    assert list(delegation_list(used=False, today=date(2026, 11, 22))) == [unused]
    assert delegation_list(used=False, today=date(2026, 11, 22))[0].is_expired
    assert not delegation_list(used=False, today=date(2024, 12, 31))[0].is_expired
    assert list(delegation_list(used=True, today=date(2026, 11, 22))) == [used]
    assert delegation_counts(today=date(2026, 11, 22)) == {"unused": 1, "used": 1}


# --- the meeting page's helpers ----------------------------------------------------------------------


def test_resolved_lead_in(executive, pds):
    item = AgendaItemFactory(meeting=MeetingFactory(committee=pds))
    for number in ("i", "ii"):
        ResolutionPartFactory(
            item=item, number=number, kind=ResolutionPart.Kind.RECOMMEND, recommended_to=executive, text="x"
        )
    assert resolved_lead_in(item) == "that the Executive be recommended to:"
    ResolutionPartFactory(item=item, number="iii", kind=ResolutionPart.Kind.NOTE)
    assert resolved_lead_in(item) == "that:"


def test_form_choices_are_this_councils_committees(executive, pds):
    meeting = MeetingFactory(committee=executive, starts_at=at(date(2022, 11, 30)))
    CommitteeFactory(council=OrganisationFactory(name="Nottingham City Council"), name="Nottingham Executive")
    choices = meeting_form_choices(meeting=meeting)
    assert choices.meeting == meeting
    assert {name for _, name in choices.committees} == {"Executive", "Adult Care and Health PDS Committee"}


# --- the calendar -------------------------------------------------------------------------------------


def test_month_start():
    today = date(2026, 11, 22)
    assert calendar_grid.month_start("2022-11", default=today) == date(2022, 11, 1)
    assert calendar_grid.month_start("", default=today) == date(2026, 11, 1)
    assert calendar_grid.month_start("2022-13", default=today) == date(2026, 11, 1)
    assert calendar_grid.month_start("2022-11-05", default=today) == date(2026, 11, 1)
    assert calendar_grid.month_start("1-01", default=today) == date(2026, 11, 1)
    assert calendar_grid.previous_month(date(2023, 1, 1)) == date(2022, 12, 1)
    assert calendar_grid.next_month(date(2022, 12, 1)) == date(2023, 1, 1)


def test_the_calendar_grid_marks_meetings_and_bank_holidays(executive):
    meeting = MeetingFactory(committee=executive, starts_at=at(date(2023, 1, 3)))
    month = meeting_calendar(month=date(2023, 1, 1), today=date(2023, 1, 2))
    days = {day.day: day for week in month.weeks for day in week}
    assert all(week[0].day.weekday() == 0 for week in month.weeks)
    assert month.weeks[0][0].day == date(2022, 12, 26)
    assert days[date(2023, 1, 3)].meetings == [meeting]
    assert days[date(2023, 1, 2)].is_bank_holiday and days[date(2023, 1, 2)].is_today
    assert days[date(2022, 12, 27)].is_bank_holiday and not days[date(2022, 12, 27)].in_month
    assert not days[date(2023, 1, 7)].is_bank_holiday  # a Saturday is a weekend, not a bank holiday
    assert month.meeting_count == 1
    assert (month.previous, month.next) == (date(2022, 12, 1), date(2023, 2, 1))


def test_minutes_print_the_report_line_once(executive):
    report = ReportFactory(council=executive.council, reference="ACH22-035")
    meeting = MeetingFactory(committee=executive)
    AgendaItemFactory(
        meeting=meeting, number="1", report=report, minutes="Report ACH22-035\n\nThe Executive considered it."
    )
    AgendaItemFactory(meeting=meeting, number="2", report=report, minutes="The Executive considered it again.")
    AgendaItemFactory(meeting=meeting, number="3", report=None)
    assert [entry.report_line for entry in minutes_entries(_detail(meeting))] == ["", "Report ACH22-035", ""]


# --- what a day shows: nothing from a later day ------------------------------------------------


def test_a_delegation_shows_from_its_meeting_and_is_used_from_its_officer_decision():
    from committees.selectors import delegation_list

    meeting = MeetingFactory(starts_at=at(date(2022, 11, 30)))
    part = services.resolution_part_add(
        meeting=meeting,
        item=AgendaItemFactory(meeting=meeting),
        number="iv",
        kind=ResolutionPart.Kind.DELEGATE,
        text="Extensions delegated to the Chief Officer.",
        delegation=services.DelegationInput(to_whom="Chief Officer", scope="Extensions"),
    )
    services.officer_decision_record(
        **OD_RECORD,
        decision_maker="Chief Officer",
        decided_on=date(2023, 1, 10),
        text="Extension approved.",
        delegation=part.delegation,
        today=date(2026, 11, 22),
    )

    def unused(day):
        return [d.pk for d in delegation_list(used=False, today=day)]

    def used(day):
        return [d.pk for d in delegation_list(used=True, today=day)]

    assert unused(date(2022, 11, 29)) == used(date(2022, 11, 29)) == []  # not yet given
    assert unused(date(2022, 11, 30)) == unused(date(2023, 1, 9)) == [part.delegation.pk]
    assert used(date(2023, 1, 10)) == [part.delegation.pk] and unused(date(2023, 1, 10)) == []


def test_an_action_done_later_was_overdue_before_it_was_done():
    from committees.models import Action
    from committees.selectors import action_list

    meeting = MeetingFactory(starts_at=at(date(2019, 7, 9)))
    part = ResolutionPartFactory(item=AgendaItemFactory(meeting=meeting))
    action = services.action_add(
        part=part, text="Progress report", owner="Strategic Director", due_on=date(2019, 12, 31)
    )
    services.action_set_status(action=action, status=Action.Status.DONE, today=date(2020, 2, 14))

    def overdue(day):
        queryset, _ = action_list(filters={"status": "overdue"}, today=day)
        return [a.pk for a in queryset]

    assert overdue(date(2019, 12, 31)) == []
    assert overdue(date(2020, 1, 1)) == overdue(date(2020, 2, 13)) == [action.pk]
    assert overdue(date(2020, 2, 14)) == []  # done that day
    assert action_list(filters={}, today=date(2019, 7, 8))[0].count() == 0  # not yet set
