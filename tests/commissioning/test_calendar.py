"""The private calendar feed: what each role sees, the iCalendar file, the secret link."""

from datetime import date, datetime
from decimal import Decimal
from http import HTTPStatus
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissioning.overview import calendar_feed
from commissioning.overview.calendar_feed import build_ics, events_for, feed_window
from commissioning.projects import services
from commissioning.projects.models import CalendarFeed
from committees import services as committee_services
from committees.services import ActionInput
from contracts import services as contract_services
from tests.conftest import TODAY, ContractFactory, OrganisationFactory, ServiceAreaFactory

LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db


# --- builders (test_reminders.py uses them too) ---------------------------------------


def london(year, month, day, hour=19, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def executive():
    council = OrganisationFactory(name="London Borough of Bromley")
    return council.committees.filter(name="Executive").first() or committee_services.committee_create(
        council=council, name="Executive", kind="executive"
    )


def meeting_on(starts_at: datetime, **extra):
    return committee_services.meeting_create(committee=executive(), starts_at=starts_at, **extra)


def action_due(due_on: date, *, text="Report progress on support@home to Members", held=None):
    """An open action from a meeting already held (its agenda published on time)."""
    meeting = meeting_on(held or london(2026, 11, 4), agenda_published_on=date(2026, 10, 26), status="held")
    item = committee_services.agenda_item_add(meeting=meeting, number="7", title="Home support")
    part = committee_services.resolution_part_add(
        meeting=meeting,
        item=item,
        number="i",
        kind="approve",
        text="Resolved.",
        actions=[ActionInput(text=text, owner="Director of Adult Services", due_on=due_on)],
    )
    return part.actions.get()


def project_starting(required_start: date):
    """An active project; its gateways are due 24, 18 and 6 months before `required_start`."""
    return services.project_create(
        title="Supported living re-commissioning", service_area=ServiceAreaFactory(), required_start_date=required_start
    )


@pytest.fixture
def register():
    """One of each kind of date, inside the window of 22 Nov 2026."""
    contract = ContractFactory(
        reference="LBB-SAH-2024",
        title="support@home",
        start_date=date(2024, 10, 1),
        term="3+2+2",
        annual_value=Decimal("2660000"),
    )  # option 1 to be decided by 30 Mar 2027; the current term ends 30 Sep 2027
    meeting = meeting_on(london(2027, 1, 6), venue="Bromley Civic Centre")  # agenda by Thu 24 Dec 2026
    action = action_due(date(2026, 12, 9))
    # Gateway 2 due 1 Oct 2027; Gateways 0 and 1 (1 Apr and 1 Oct 2026) fall before the window.
    project = project_starting(date(2028, 4, 1))
    # The council's payments compliance notice for the half-year to 30 Sep 2026, due 30 Oct 2026,
    # already published: notices have a test of their own below.
    publish_payments_notice(date(2026, 9, 30))
    return {"contract": contract, "meeting": meeting, "action": action, "project": project}


def publish_payments_notice(period_end: date):
    contract_services.notice_publish(
        kind="payments_compliance",
        period_end=period_end,
        published_on=TODAY,
        identifier="2026/S 000-000001",
        today=TODAY,
    )


def by_uid(events):
    return {event.uid: event for event in events}


def window():
    return feed_window(TODAY)


# --- what each role sees ------------------------------------------------------------


def test_an_officer_sees_contract_dates_gateways_and_actions(register, officer):
    contract, project, action = register["contract"], register["project"], register["action"]
    events = by_uid(events_for(officer, start=window()[0], end=window()[1], today=TODAY))

    assert set(events) == {
        f"option-deadline-{contract.pk}-1@commissioning",
        f"contract-end-{contract.pk}@commissioning",
        f"gateway-due-{project.pk}-2@commissioning",
        f"action-{action.pk}@commissioning",
    }
    option = events[f"option-deadline-{contract.pk}-1@commissioning"]
    assert option.day == date(2027, 3, 30)
    assert option.summary == "Option decision due: LBB-SAH-2024 option 1"
    assert option.url == contract.get_absolute_url()
    end = events[f"contract-end-{contract.pk}@commissioning"]
    assert (end.day, end.summary) == (date(2027, 9, 30), "Contract ends: LBB-SAH-2024 support@home")
    assert "Option 1 is still open (decide by 30 Mar 2027)" in end.description
    gateway = events[f"gateway-due-{project.pk}-2@commissioning"]
    assert (gateway.day, gateway.summary) == (date(2027, 10, 1), "Gateway 2 due: Supported living re-commissioning")
    assert events[f"action-{action.pk}@commissioning"].summary == (
        "Action due: Report progress on support@home to Members"
    )


def test_a_clerk_sees_meetings_agenda_deadlines_and_actions(register, clerk):
    meeting, action = register["meeting"], register["action"]
    events = by_uid(events_for(clerk, start=window()[0], end=window()[1], today=TODAY))

    held = action.resolution_part.item.meeting  # 4 Nov 2026: inside the month the feed looks back
    assert set(events) == {
        f"meeting-{meeting.pk}@commissioning",
        f"agenda-deadline-{meeting.pk}@commissioning",
        f"meeting-{held.pk}@commissioning",
        f"action-{action.pk}@commissioning",
    }
    meeting_event = events[f"meeting-{meeting.pk}@commissioning"]
    assert meeting_event.day == london(2027, 1, 6, 19)
    assert meeting_event.summary == "Meeting: Executive"
    assert meeting_event.location == "Bromley Civic Centre"
    # 5 clear working days before Wed 6 Jan 2027, with Christmas, Boxing Day (moved to
    # Mon 28 Dec) and New Year's Day not counted: publish by Thu 24 Dec 2026.
    agenda = events[f"agenda-deadline-{meeting.pk}@commissioning"]
    assert agenda.day == date(2026, 12, 24)
    assert agenda.summary == "Agenda publication deadline: Executive, 6 Jan 2027"


def test_a_manager_sees_everything_and_a_user_without_a_role_nothing(register, manager, officer, clerk, nobody):
    start, end = window()
    everything = {e.uid for e in events_for(manager, start=start, end=end, today=TODAY)}
    assert everything == {e.uid for e in events_for(officer, start=start, end=end, today=TODAY)} | {
        e.uid for e in events_for(clerk, start=start, end=end, today=TODAY)
    }
    assert len(everything) == 7
    assert events_for(nobody, start=start, end=end, today=TODAY) == []


def test_events_come_soonest_first(register, manager):
    events = events_for(manager, start=window()[0], end=window()[1], today=TODAY)
    assert [e.on for e in events] == sorted(e.on for e in events)
    assert events[0].on == date(2026, 11, 4)


def test_dates_outside_the_window_are_left_out(officer, clerk):
    start, end = window()
    assert (start, end) == (date(2026, 10, 23), date(2028, 11, 22))
    ContractFactory(reference="FAR", start_date=date(2024, 10, 1), term="5+2+2")  # option deadline 30 Mar 2029
    ContractFactory(reference="GONE", start_date=date(2023, 10, 22), term="3")  # ended 21 Oct 2026
    meeting_on(london(2026, 10, 22))
    publish_payments_notice(date(2026, 9, 30))  # due 30 Oct 2026, inside the window: published
    assert events_for(officer, start=start, end=end, today=TODAY) == []
    assert events_for(clerk, start=start, end=end, today=TODAY) == []


def test_cancelled_meetings_and_published_agendas_are_left_out(clerk):
    meeting_on(london(2027, 2, 3), status="cancelled")
    published = meeting_on(london(2027, 3, 3), agenda_published_on=date(2027, 2, 22))
    events = events_for(clerk, start=window()[0], end=window()[1], today=TODAY)
    assert [e.uid for e in events] == [f"meeting-{published.pk}@commissioning"]


def test_done_actions_and_passed_gateways_are_left_out(register, officer):
    committee_services.action_set_status(action=register["action"], status="done", today=TODAY)
    kinds = {e.kind for e in events_for(officer, start=window()[0], end=window()[1], today=TODAY)}
    assert kinds == {"option_deadline", "contract_end", "gateway_due"}


def test_the_number_of_queries_does_not_grow_with_the_dates(register, manager):
    start, end = window()

    def count() -> tuple[int, int]:
        user = type(manager).objects.get(pk=manager.pk)  # no permissions cached
        with CaptureQueriesContext(connection) as captured:
            found = len(events_for(user, start=start, end=end, today=TODAY))
        return found, len(captured.captured_queries)

    found, queries = count()
    assert found == 7
    for n in range(3):
        ContractFactory(start_date=date(2024, 10, 1), term="3+2+2")  # an option deadline and an end
        meeting_on(london(2027, 2, 3 + n))  # a meeting and its agenda deadline
        action_due(date(2026, 12, 10 + n), held=london(2026, 11, 5 + n))  # an action and its meeting
    assert count() == (7 + 3 * 6, queries)


# --- the iCalendar file --------------------------------------------------------------


def test_build_ics_writes_valid_icalendar():
    events = [
        calendar_feed.Event(
            uid="option-deadline-1-1@commissioning",
            day=date(2027, 3, 30),
            summary="Option decision due: X option 1",
            description="Decide.",
            url="/contracts/1/",
            kind="option_deadline",
        ),
        calendar_feed.Event(
            uid="meeting-2@commissioning",
            day=london(2027, 6, 16, 19),
            summary="Meeting: Executive",
            description="Executive.",
            url="/committees/meetings/2/",
            kind="meeting",
            location="Civic Centre",
        ),
    ]
    parsed = icalendar.Calendar.from_ical(build_ics(events, name="Commissioning: Priya", base_url="https://c.example/"))

    assert parsed["VERSION"] == "2.0"
    assert parsed["PRODID"] == calendar_feed.PRODID
    assert parsed["X-WR-CALNAME"] == "Commissioning: Priya"
    deadline, meeting = parsed.walk("VEVENT")
    assert deadline["DTSTART"].params["VALUE"] == "DATE"
    assert deadline.decoded("DTSTART") == date(2027, 3, 30)
    assert str(deadline["URL"]) == "https://c.example/contracts/1/"
    assert deadline.decoded("DTSTAMP").tzinfo is not None
    # British Summer Time: 19:00 in London, written with its zone, not as 18:00 UTC.
    assert meeting["DTSTART"].params["TZID"] == "Europe/London"
    assert meeting.decoded("DTSTART") == london(2027, 6, 16, 19)
    assert meeting["DTSTART"].to_ical() == b"20270616T190000"
    assert str(meeting["LOCATION"]) == "Civic Centre"
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["Europe/London"]


def test_an_empty_calendar_is_still_valid():
    parsed = icalendar.Calendar.from_ical(build_ics([], name="Nothing"))
    assert parsed.walk("VEVENT") == []
    assert parsed["X-WR-CALNAME"] == "Nothing"


# --- the feed and its link -----------------------------------------------------------


def feed_url(feed: CalendarFeed) -> str:
    return reverse("commissioning:calendar_feed", args=[feed.token])


def test_the_feed_is_the_owners_calendar_without_signing_in(client, register, officer):
    contract, meeting = register["contract"], register["meeting"]
    feed = calendar_feed.calendar_feed_for(officer)

    response = client.get(feed_url(feed))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    parsed = icalendar.Calendar.from_ical(response.content)
    assert parsed["X-WR-CALNAME"] == "Commissioning: officer"
    events = {str(e["UID"]): e for e in parsed.walk("VEVENT")}
    option = events[f"option-deadline-{contract.pk}-1@commissioning"]
    assert str(option["SUMMARY"]) == "Option decision due: LBB-SAH-2024 option 1"
    assert option.decoded("DTSTART") == date(2027, 3, 30)
    assert str(option["URL"]) == f"http://testserver{contract.get_absolute_url()}"
    assert f"meeting-{meeting.pk}@commissioning" not in events  # meetings are the clerks'
    assert len(events) == 4


def test_a_clerks_feed_has_the_meeting_at_seven_in_the_evening_london_time(client, register, clerk):
    meeting = register["meeting"]
    response = client.get(feed_url(calendar_feed.calendar_feed_for(clerk)))

    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}
    vevent = events[f"meeting-{meeting.pk}@commissioning"]
    assert str(vevent["SUMMARY"]) == "Meeting: Executive"
    assert vevent["DTSTART"].params["TZID"] == "Europe/London"
    assert vevent.decoded("DTSTART") == london(2027, 1, 6, 19)
    agenda = events[f"agenda-deadline-{meeting.pk}@commissioning"]
    assert agenda.decoded("DTSTART") == date(2026, 12, 24)
    assert str(agenda["SUMMARY"]) == "Agenda publication deadline: Executive, 6 Jan 2027"


def test_the_uids_are_the_same_each_time(client, register, manager):
    url = feed_url(calendar_feed.calendar_feed_for(manager))
    first, second = (
        [str(e["UID"]) for e in icalendar.Calendar.from_ical(client.get(url).content).walk("VEVENT")] for _ in range(2)
    )
    assert first == second
    assert len(set(first)) == 7


def test_an_unknown_token_is_not_found(client, officer):
    calendar_feed.calendar_feed_for(officer)
    response = client.get(reverse("commissioning:calendar_feed", args=["not-a-real-token"]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_revoked_token_is_not_found_and_the_new_one_works(client, officer):
    old = calendar_feed.calendar_feed_for(officer)
    new = calendar_feed.calendar_feed_renew(officer)

    old.refresh_from_db()
    assert old.revoked_at is not None
    assert new.token != old.token and len(new.token) >= 43
    assert client.get(feed_url(old)).status_code == HTTPStatus.NOT_FOUND
    assert client.get(feed_url(new)).status_code == HTTPStatus.OK


def test_the_feed_of_a_deactivated_user_is_not_found(client, officer):
    feed = calendar_feed.calendar_feed_for(officer)
    officer.is_active = False
    officer.save()
    assert client.get(feed_url(feed)).status_code == HTTPStatus.NOT_FOUND


def test_calendar_feed_for_keeps_the_live_feed(officer):
    first = calendar_feed.calendar_feed_for(officer)
    assert calendar_feed.calendar_feed_for(officer) == first
    assert CalendarFeed.objects.filter(user=officer).count() == 1


def test_the_page_requires_login(client):
    response = client.get(reverse("commissioning:calendar"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_the_page_offers_to_make_a_link(client_for, officer):
    response = client_for(officer).get(reverse("commissioning:calendar"))
    assert response.status_code == HTTPStatus.OK
    assert b"Make my calendar link" in response.content
    assert not CalendarFeed.objects.exists()  # looking does not make one


def test_it_makes_a_link_and_shows_it(client_for, register, officer):
    client = client_for(officer)
    response = client.post(reverse("commissioning:calendar"), {"action": "create"}, follow=True)

    feed = CalendarFeed.objects.get(user=officer, revoked_at__isnull=True)
    url = f"http://testserver/calendar/{feed.token}.ics"
    assert f'value="{url}"'.encode() in response.content
    assert f'href="webcal://testserver/calendar/{feed.token}.ics"'.encode() in response.content
    assert b"Option decision due: LBB-SAH-2024 option 1" not in response.content  # 30 Mar 2027: after 60 days
    assert b"Action due: Report progress on support@home to Members" in response.content
    assert b"Option decision deadlines" in response.content
    assert b"The same dates come by email to officer@example.org, up to 14 days before" in response.content


def test_it_revokes_and_makes_a_new_link(client_for, officer):
    old = calendar_feed.calendar_feed_for(officer)
    client = client_for(officer)
    response = client.post(reverse("commissioning:calendar"), {"action": "renew"})

    assert response.status_code == HTTPStatus.FOUND
    old.refresh_from_db()
    new = CalendarFeed.objects.get(user=officer, revoked_at__isnull=True)
    assert old.revoked_at is not None and new.token != old.token
    page = client.get(reverse("commissioning:calendar")).content
    assert new.token.encode() in page and old.token.encode() not in page


def test_it_turns_the_feed_off(client_for, officer):
    feed = calendar_feed.calendar_feed_for(officer)
    client_for(officer).post(reverse("commissioning:calendar"), {"action": "revoke"})
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()


def test_it_rejects_an_unknown_action(client_for, officer):
    response = client_for(officer).post(reverse("commissioning:calendar"), {"action": "delete-everything"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not CalendarFeed.objects.exists()


def test_a_user_without_a_role_is_told_the_feed_is_empty(client_for, nobody):
    response = client_for(nobody).get(reverse("commissioning:calendar"))
    assert b"Your account has no role yet" in response.content


def test_the_feed_rejects_post(client, officer):
    feed = calendar_feed.calendar_feed_for(officer)
    assert client.post(feed_url(feed)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_procurement_act_notices_not_yet_published_are_in_an_officers_and_a_managers_calendar(officer, manager, clerk):
    # Started 1 Jun 2025 under the Act, open tender: its contract details notice was due 1 Jul 2025 (outside
    # the window); it ends 31 May 2027, so its termination notice is due 30 Jun 2027. The council's
    # notice for the half-year to 30 Sep 2026 is due 30 Oct 2026, within the month behind.
    contract = ContractFactory(reference="ACT-1", start_date=date(2025, 6, 1), term="2", route="open_tender")
    expected = {
        f"notice-due-termination-{contract.pk}@commissioning": date(2027, 6, 30),
        "notice-due-payments_compliance-2026-09-30@commissioning": date(2026, 10, 30),
    }
    for user in (officer, manager):
        events = {e.uid: e.day for e in events_for(user, start=window()[0], end=window()[1], today=TODAY)}
        assert {uid: day for uid, day in events.items() if uid.startswith("notice-due")} == expected
    assert not [e for e in events_for(clerk, start=window()[0], end=window()[1], today=TODAY) if e.kind == "notice_due"]
    publish_payments_notice(date(2026, 9, 30))
    events = {e.uid for e in events_for(officer, start=window()[0], end=window()[1], today=TODAY)}
    assert "notice-due-payments_compliance-2026-09-30@commissioning" not in events
