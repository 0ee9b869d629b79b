"""The clerks' confidential print of a meeting's exempt items ("Part 2"): the
exempt minutes and what was RESOLVED on them, each item marked with its
paragraph of Schedule 12A, for those who may read exempt text only; the public
minutes print keeps them out and says the item was considered in private."""

from datetime import date
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import ResolutionPart
from tests.committees.factories import AgendaItemFactory, MeetingFactory, ResolutionPartFactory, at

pytestmark = pytest.mark.django_db

SECRET = "Quoted hourly rate forty-two pounds zanzibar"
OTHER_SECRET = "Safeguarding concerns about Mr Q raised by his care manager"
RESOLVED_SECRET = "The tender from Caring Hands Ltd at the quoted rate be accepted."
REASON = "Disclosure would prejudice the council's negotiations with the provider."
NOT_FOR_PUBLICATION = "Not for publication by virtue of paragraph"


@pytest.fixture
def meeting():
    return MeetingFactory(starts_at=at(date(2022, 11, 30)))


@pytest.fixture
def exempt_items(meeting):
    AgendaItemFactory(meeting=meeting, number="7", title="Day opportunities", minutes="Public minutes of item 7.")
    prices = AgendaItemFactory(
        meeting=meeting,
        number="9",
        title="Support at home: the tender prices",
        minutes=SECRET,
        is_exempt=True,
        exempt_paragraph="3",
        exempt_reason=REASON,
    )
    ResolutionPartFactory(item=prices, number="i", kind=ResolutionPart.Kind.NOTE, text=RESOLVED_SECRET)
    person = AgendaItemFactory(
        meeting=meeting,
        number="10",
        title="A placement",
        minutes=OTHER_SECRET,
        is_exempt=True,
        exempt_paragraph="1",
        exempt_reason="It concerns a named person who uses the service.",
    )
    return prices, person


def _url(meeting) -> str:
    return reverse("committees:meeting_minutes_confidential", args=[meeting.pk])


def _html(response) -> str:
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_it_prints_the_exempt_minutes_for_a_clerk(client_for, clerk, meeting, exempt_items):
    page = _html(client_for(clerk).get(_url(meeting)))
    assert SECRET in page and OTHER_SECRET in page
    assert RESOLVED_SECRET in page and "<strong>RESOLVED</strong> that:" in page
    assert "data-confidential>CONFIDENTIAL<" in page
    assert "css/minutes-confidential.css" in page
    # Only the exempt items: the public item is in the public print.
    assert "DAY OPPORTUNITIES" not in page and "Public minutes of item 7." not in page
    assert 'id="attendance"' in page and 'id="signature"' in page
    assert page.index("SUPPORT AT HOME: THE TENDER PRICES") < page.index("A PLACEMENT")
    # Not kept by a browser's or a proxy's cache.
    assert "no-store" in client_for(clerk).get(_url(meeting))["Cache-Control"]


def test_it_marks_every_item_with_its_paragraph_and_reason(client_for, clerk, meeting, exempt_items):
    page = _html(client_for(clerk).get(_url(meeting)))
    marks = [
        f"{NOT_FOR_PUBLICATION} 3 of Part 1 of Schedule 12A to the Local Government Act 1972",
        f"{NOT_FOR_PUBLICATION} 1 of Part 1 of Schedule 12A to the Local Government Act 1972",
    ]
    assert page.count(NOT_FOR_PUBLICATION) == 2
    assert all(mark in page for mark in marks)
    assert page.index(marks[0]) < page.index(SECRET) < page.index(marks[1]) < page.index(OTHER_SECRET)
    assert REASON.replace("'", "&#x27;") in page
    assert "It concerns a named person who uses the service." in page
    assert "Information relating to the financial or business affairs of any particular person" in page


@pytest.mark.parametrize(
    ("user", "expected"),
    [("manager", HTTPStatus.FORBIDDEN), ("officer", HTTPStatus.FORBIDDEN), ("nobody", HTTPStatus.NOT_FOUND)],
)
def test_it_refuses_those_who_may_not_read_exempt_text(request, client_for, meeting, exempt_items, user, expected):
    response = client_for(request.getfixturevalue(user)).get(_url(meeting))
    assert response.status_code == expected
    body = response.content.decode()
    assert SECRET not in body and OTHER_SECRET not in body and RESOLVED_SECRET not in body


def test_a_meeting_that_is_not_there_is_not_found_for_a_clerk(client_for, clerk):
    assert client_for(clerk).get(reverse("committees:meeting_minutes_confidential", args=[999999])).status_code == (
        HTTPStatus.NOT_FOUND
    )


def test_a_meeting_with_no_exempt_item_says_so(client_for, clerk, meeting):
    AgendaItemFactory(meeting=meeting, number="7", title="Day opportunities", minutes="Public minutes of item 7.")
    page = _html(client_for(clerk).get(_url(meeting)))
    assert 'id="no-exempt-items"' in page and "No item of this meeting is marked exempt" in page
    assert NOT_FOR_PUBLICATION not in page and "Public minutes of item 7." not in page
    assert 'id="signature"' not in page


def test_a_meeting_not_yet_held_prints_the_exempt_items_of_its_agenda(client_for, clerk):
    meeting = MeetingFactory(starts_at=at(date(2022, 12, 14)), status="scheduled")
    AgendaItemFactory(meeting=meeting, number="4", title="Prices", minutes=SECRET, is_exempt=True,
                      exempt_paragraph="3", exempt_reason=REASON)  # fmt: skip
    page = _html(client_for(clerk).get(_url(meeting), {"as_of": "2022-12-01"}))
    assert "Part 2 of the agenda: exempt items" in page
    assert f"{NOT_FOR_PUBLICATION} 3 of Part 1" in page
    # As the public agenda print: no minutes before the meeting, no signature.
    assert SECRET not in page and 'id="signature"' not in page


def test_it_reads_in_the_same_queries_however_many_items(client_for, clerk, meeting, exempt_items):
    client = client_for(clerk)
    client.get(_url(meeting))  # warm the session and the bank holidays

    with CaptureQueriesContext(connection) as few:
        _html(client.get(_url(meeting)))
    for n in range(4):
        item = AgendaItemFactory(meeting=meeting, number=f"2{n}", title=f"Exempt {n}", minutes="Secret.",
                                 is_exempt=True, exempt_paragraph="2", exempt_reason=REASON)  # fmt: skip
        ResolutionPartFactory(item=item, number="i", text="Noted.")
    with CaptureQueriesContext(connection) as many:
        page = _html(client.get(_url(meeting)))
    assert page.count(NOT_FOR_PUBLICATION) == 6
    assert len(many) == len(few)


# --- the public print and the meeting page -------------------------------------------------------


def test_the_public_minutes_still_leave_it_out_and_say_it_was_considered_in_private(
    client_for, clerk, manager, meeting, exempt_items
):
    url = reverse("committees:meeting_minutes", args=[meeting.pk])
    for user in (clerk, manager):
        page = _html(client_for(user).get(url))
        assert SECRET not in page and OTHER_SECRET not in page
        assert NOT_FOR_PUBLICATION not in page and "data-confidential" not in page
        assert page.count("data-considered-in-private") == 2
        assert (
            "Considered in private: the press and public were excluded for this item, as it involved the likely "
            "disclosure of exempt information as defined in paragraph 3 of Part 1 of Schedule 12A" in page
        )
        assert "as defined in paragraph 1 of Part 1 of Schedule 12A" in page
        assert "Exempt information: paragraph 3 of Schedule 12A" in page
        # What was RESOLVED is published even when the reasons are not (docs/domain.md).
        assert RESOLVED_SECRET in page
        assert "Public minutes of item 7." in page


def test_the_public_agenda_print_says_the_public_are_likely_to_be_excluded(client_for, manager):
    meeting = MeetingFactory(starts_at=at(date(2022, 12, 14)), status="scheduled")
    AgendaItemFactory(meeting=meeting, number="4", title="Prices", minutes=SECRET, is_exempt=True,
                      exempt_paragraph="5", exempt_reason=REASON)  # fmt: skip
    page = _html(client_for(manager).get(reverse("committees:meeting_minutes", args=[meeting.pk])))
    assert "The press and public are likely to be excluded for this item" in page
    assert "paragraph 5 of Part 1 of Schedule 12A" in page and SECRET not in page


def test_the_meeting_page_links_to_it_for_a_clerk_when_there_are_exempt_items(
    client_for, clerk, manager, officer, meeting, exempt_items
):
    link = f'href="{_url(meeting)}"'
    assert link in _html(client_for(clerk).get(meeting.get_absolute_url()))
    for user in (manager, officer):
        assert link not in _html(client_for(user).get(meeting.get_absolute_url()))


def test_the_meeting_page_has_no_link_without_exempt_items(client_for, clerk, meeting):
    AgendaItemFactory(meeting=meeting, number="7", title="Day opportunities")
    page = _html(client_for(clerk).get(meeting.get_absolute_url()))
    assert _url(meeting) not in page and 'id="confidential-print"' not in page
