"""Members, attendance, quorum, declarations of interest and the printed minutes
(committees/attendance.py, attendance_selectors.py, attend_views.py and the
services under "attendance" in committees/services.py)."""

import re
from datetime import date
from decimal import Decimal
from html import unescape
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees import services
from committees.attendance import AttendanceRecord, Quorum, attendance_record, has_taken_place, prints_as_minutes
from committees.attendance_selectors import meeting_attendance, member_attendance
from committees.models import Attendance, Committee, CommitteeMembership, Declaration, Meeting, Member, OfficerPresent
from tests.committees.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory, ResolutionPartFactory, at
from tests.conftest import TODAY, OrganisationFactory, ProviderFactory

pytestmark = pytest.mark.django_db

Role = CommitteeMembership.Role


# --- the pure rules -----------------------------------------------------------------------------


def test_quorum_is_met_at_the_number_needed():
    assert Quorum(present=3, needed=3).is_met
    assert not Quorum(present=2, needed=3).is_met


def test_attendance_record_counts_only_meetings_expected():
    record = attendance_record(expected={1, 2, 3, 4}, present={1, 2, 9}, apologies={3}, substituting={9})
    assert record == AttendanceRecord(expected=4, attended=2, apologies=1, as_substitute=1)
    assert record.absent == 1
    assert record.percentage == Decimal("50.0")


def test_a_record_with_nothing_expected_has_no_percentage():
    assert attendance_record(expected=set(), present=set(), apologies=set(), substituting=set()).percentage is None


def test_two_of_three_is_66_7_percent():
    assert AttendanceRecord(expected=3, attended=2, apologies=0, as_substitute=0).percentage == Decimal("66.7")


@pytest.mark.parametrize(
    ("status", "day", "expected"),
    [
        ("held", date(2026, 11, 22), True),
        ("held", date(2026, 11, 23), False),  # recorded as held, but dated after today
        ("scheduled", date(2026, 11, 1), False),
        ("cancelled", date(2026, 11, 1), False),  # it did not take place
    ],
)
def test_only_a_meeting_that_took_place_prints_as_minutes(status, day, expected):
    assert prints_as_minutes(status=status, day=day, today=TODAY) is expected
    assert has_taken_place(status=status, day=day, today=TODAY) is expected


# --- the world ----------------------------------------------------------------------------------


@pytest.fixture
def world():
    committee = CommitteeFactory(name="Adult Care and Health PDS Committee")
    council = committee.council
    members = {
        name: services.member_create(council=council, name=name, party=party)
        for name, party in [
            ("Councillor Ann Chair", "Conservative"),
            ("Councillor Ben Vice", "Labour"),
            ("Councillor Cai Member", ""),
            ("Councillor Dee Member", "Liberal Democrat"),
            ("Councillor Eve Substitute", "Labour"),
        ]
    }
    roles = [Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER, Role.MEMBER]
    for member, role in zip(list(members.values())[:4], roles, strict=False):
        services.membership_add(member=member, committee=committee, role=role, from_date=date(2022, 5, 1))
    meeting = MeetingFactory(committee=committee, starts_at=at(date(2022, 11, 15)))
    item = AgendaItemFactory(meeting=meeting, number="9", title="Contract Monitoring Report: MHFSS")
    ResolutionPartFactory(item=item, number="1", kind="note", text="The report be noted.")
    return {"committee": committee, "members": members, "meeting": meeting, "item": item}


def _m(world, short: str) -> Member:
    return next(member for name, member in world["members"].items() if short in name)


def _record(world, *, read_as=None, **values):
    services.attendance_record(meeting=world["meeting"], read_as=read_as, **values)


# --- services -----------------------------------------------------------------------------------


def test_member_create_saves_the_member(world):
    council = world["committee"].council
    member = services.member_create(council=council, name="  Councillor  Fay   New ", party="Green")
    stored = Member.objects.get(pk=member.pk)
    assert (stored.name, stored.party, stored.council) == ("Councillor Fay New", "Green", council)


def test_member_names_are_unique_per_council(world):
    with pytest.raises(ValidationError):
        services.member_create(council=world["committee"].council, name="Councillor Ann Chair")
    assert Member.objects.filter(name="Councillor Ann Chair").count() == 1


def test_membership_add_refuses_an_overlap_and_another_councils_committee(world):
    ann = _m(world, "Ann")
    with pytest.raises(ValidationError):
        services.membership_add(member=ann, committee=world["committee"], role=Role.MEMBER, from_date=date(2023, 1, 1))
    other = CommitteeFactory(council=OrganisationFactory(name="Nottingham City Council"))
    with pytest.raises(ValidationError):
        services.membership_add(member=ann, committee=other, role=Role.MEMBER, from_date=date(2023, 1, 1))
    assert CommitteeMembership.objects.filter(member=ann).count() == 1


def test_attendance_record_replaces_the_meetings_attendance(world):
    ann, ben, cai, dee, eve = (_m(world, name) for name in ("Ann", "Ben", "Cai", "Dee", "Eve"))
    _record(
        world,
        present=[ann, ben],
        apologies=[cai, dee],
        substitutes=[services.SubstituteInput(member=eve, substitute_for=cai)],
        officers=[services.OfficerInput(name="", role="Director of Adult Social Care")],
    )
    rows = {row.member.name: (row.status, row.substitute_for_id) for row in Attendance.objects.all()}
    assert rows == {
        ann.name: ("present", None),
        ben.name: ("present", None),
        cai.name: ("apologies", None),
        dee.name: ("apologies", None),
        eve.name: ("present", cai.pk),
    }
    assert list(OfficerPresent.objects.values_list("name", "role")) == [("", "Director of Adult Social Care")]

    _record(world, present=[ann], apologies=[])
    assert list(Attendance.objects.values_list("member__name", "status")) == [(ann.name, "present")]
    assert not OfficerPresent.objects.exists()


def test_a_substitute_sits_only_for_a_member_who_sent_apologies(world):
    ann, eve = _m(world, "Ann"), _m(world, "Eve")
    with pytest.raises(ValidationError, match="only for a member who sent apologies"):
        _record(
            world, present=[ann], apologies=[], substitutes=[services.SubstituteInput(member=eve, substitute_for=ann)]
        )
    assert not Attendance.objects.exists()


def test_a_member_recorded_twice_is_refused(world):
    ann = _m(world, "Ann")
    with pytest.raises(ValidationError, match="recorded twice"):
        _record(world, present=[ann], apologies=[ann])
    assert not Attendance.objects.exists()


def test_a_form_read_before_another_save_is_refused(world):
    ann, ben = _m(world, "Ann"), _m(world, "Ben")
    read_as = meeting_attendance(world["meeting"]).fingerprint
    _record(world, read_as=read_as, present=[ann], apologies=[])
    with pytest.raises(ValidationError, match="Someone else saved the attendance"):
        _record(world, read_as=read_as, present=[ben], apologies=[])
    assert list(Attendance.objects.values_list("member__name", flat=True)) == [ann.name]


def test_declaration_add_saves_the_declaration(world):
    provider = ProviderFactory(name="Hestia Housing and Support")
    declaration = services.declaration_add(
        item=world["item"],
        member=_m(world, "Dee"),
        kind=Declaration.Kind.OTHER_REGISTRABLE,
        description="Trustee of a charity that refers clients to Hestia.",
        provider=provider,
        left_room=True,
    )
    stored = Declaration.objects.get(pk=declaration.pk)
    assert (stored.member.name, stored.kind, stored.provider, stored.left_room) == (
        "Councillor Dee Member",
        "other_registrable",
        provider,
        True,
    )


def test_a_declaration_by_another_councils_member_is_refused(world):
    stranger = services.member_create(council=OrganisationFactory(name="Bradford Council"), name="Councillor X")
    with pytest.raises(ValidationError):
        services.declaration_add(item=world["item"], member=stranger, kind="dpi", description="Shares.")
    assert not Declaration.objects.exists()


# --- quorum and the member's record -------------------------------------------------------------


def test_quorum_counts_members_and_substitutes_present(world):
    ann, cai, eve = _m(world, "Ann"), _m(world, "Cai"), _m(world, "Eve")
    _record(
        world, present=[ann], apologies=[cai], substitutes=[services.SubstituteInput(member=eve, substitute_for=cai)]
    )
    record = meeting_attendance(world["meeting"])
    assert record.quorum == Quorum(present=2, needed=3)
    assert not record.quorum.is_met
    assert [membership.member.name for membership in record.absent] == ["Councillor Ben Vice", "Councillor Dee Member"]


def test_member_attendance_over_a_period(world):
    committee, ann, ben, eve = world["committee"], _m(world, "Ann"), _m(world, "Ben"), _m(world, "Eve")
    second = MeetingFactory(committee=committee, starts_at=at(date(2023, 1, 17)))
    third = MeetingFactory(committee=committee, starts_at=at(date(2023, 3, 21)))
    # A scheduled meeting is not counted, nor one before the period.
    MeetingFactory(committee=committee, starts_at=at(date(2023, 6, 20)), status=Meeting.Status.SCHEDULED)
    MeetingFactory(committee=committee, starts_at=at(date(2021, 6, 20)))
    _record(
        world, present=[ann], apologies=[ben], substitutes=[services.SubstituteInput(member=eve, substitute_for=ben)]
    )
    services.attendance_record(meeting=second, read_as=None, present=[ben], apologies=[ann])
    services.attendance_record(meeting=third, read_as=None, present=[], apologies=[])

    summary = member_attendance(member=ann, start=date(2022, 1, 1), end=date(2023, 12, 31), today=TODAY)
    assert summary.record == AttendanceRecord(expected=3, attended=1, apologies=1, as_substitute=0)
    assert summary.record.percentage == Decimal("33.3")
    assert [row.outcome for row in summary.meetings] == ["absent", "apologies", "present"]

    substitute = member_attendance(member=eve, start=date(2022, 1, 1), end=date(2023, 12, 31), today=TODAY)
    assert substitute.record == AttendanceRecord(expected=0, attended=0, apologies=0, as_substitute=1)
    assert substitute.meetings[0].substitute_for == "Councillor Ben Vice"


def test_the_member_page_shows_the_record(client_for, clerk, world):
    ann, ben = _m(world, "Ann"), _m(world, "Ben")
    _record(world, present=[ann], apologies=[ben])
    response = client_for(clerk).get(reverse("committees:member_detail", args=[ben.pk]), {"from": "2022-01-01"})
    page = response.content.decode()
    assert "attended <strong>0</strong> of 1 meeting expected" in page
    assert "<strong>0.0%</strong>" in page
    assert "Vice-chair" in page


# --- the pages ----------------------------------------------------------------------------------


def test_the_clerk_records_attendance_on_the_page(client_for, clerk, world):
    ann, ben, cai, eve = _m(world, "Ann"), _m(world, "Ben"), _m(world, "Cai"), _m(world, "Eve")
    client = client_for(clerk)
    url = reverse("committees:meeting_attendance", args=[world["meeting"].pk])
    form = client.get(url).context["form"]
    response = client.post(
        url,
        {
            "read_as": form.initial["read_as"],
            f"status_{ann.pk}": "present",
            f"status_{ben.pk}": "present",
            f"status_{cai.pk}": "apologies",
            "substitute_1": eve.pk,
            "substitute_1_for": cai.pk,
            "officers": "Jo Bloggs, Head of Commissioning\nDirector of Public Health",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert set(Attendance.objects.values_list("member__name", "status")) == {
        (ann.name, "present"),
        (ben.name, "present"),
        (cai.name, "apologies"),
        (eve.name, "present"),
    }
    assert list(OfficerPresent.objects.values_list("name", "role")) == [
        ("Jo Bloggs", "Head of Commissioning"),
        ("", "Director of Public Health"),
    ]
    page = client.get(url).content.decode()
    assert "Quorate" in page
    assert "<strong>3</strong> voting members present" in page
    assert "Councillor Eve Substitute (Labour) (for Councillor Cai Member)" in page


def test_a_stale_attendance_form_is_refused_and_keeps_what_was_typed(client_for, clerk, world):
    ann, ben = _m(world, "Ann"), _m(world, "Ben")
    client = client_for(clerk)
    url = reverse("committees:meeting_attendance", args=[world["meeting"].pk])
    read_as = client.get(url).context["form"].initial["read_as"]
    client.post(url, {"read_as": read_as, f"status_{ann.pk}": "present"})
    response = client.post(url, {"read_as": read_as, f"status_{ben.pk}": "present"})
    assert response.status_code == HTTPStatus.OK
    assert "Someone else saved the attendance" in response.content.decode()
    assert response.context["form"][f"status_{ben.pk}"].value() == "present"
    assert list(Attendance.objects.values_list("member__name", flat=True)) == [ann.name]


def test_the_clerk_adds_and_removes_a_declaration(client_for, clerk, world):
    provider = ProviderFactory(name="Hestia Housing and Support")
    client = client_for(clerk)
    dee = _m(world, "Dee")
    response = client.post(
        reverse("committees:declaration_add", args=[world["meeting"].pk]),
        {
            "item": world["item"].pk,
            "member": dee.pk,
            "kind": "non_registrable",
            "description": "A relative works for the provider.",
            "provider": "Hestia Housing and Support",
            "left_room": "on",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    declaration = Declaration.objects.get()
    assert (declaration.member, declaration.provider, declaration.left_room) == (dee, provider, True)
    client.post(reverse("committees:declaration_remove", args=[declaration.pk]))
    assert not Declaration.objects.exists()


def test_a_declaration_against_a_provider_shows_on_its_page(client_for, officer, world):
    provider = ProviderFactory(name="Hestia Housing and Support")
    services.declaration_add(
        item=world["item"],
        member=_m(world, "Dee"),
        kind="dpi",
        description="Holds shares in the provider.",
        provider=provider,
    )
    page = client_for(officer).get(reverse("contracts:provider_detail", args=[provider.pk])).content.decode()
    assert "Interests declared" in page
    assert "Councillor Dee Member" in page
    assert "Disclosable pecuniary interest: Holds shares in the provider." in page
    other = ProviderFactory(name="Another Provider Ltd")
    page = client_for(officer).get(reverse("contracts:provider_detail", args=[other.pk])).content.decode()
    assert "Interests declared" not in page


def test_the_minutes_print_attendance_declarations_and_the_signature(client_for, manager, world):
    ann, ben, cai, eve = _m(world, "Ann"), _m(world, "Ben"), _m(world, "Cai"), _m(world, "Eve")
    _record(
        world,
        present=[ann, ben],
        apologies=[cai],
        substitutes=[services.SubstituteInput(member=eve, substitute_for=cai)],
        officers=[services.OfficerInput(name="Jo Bloggs", role="Head of Commissioning")],
    )
    services.declaration_add(
        item=world["item"], member=ben, kind="non_registrable", description="Knows a client.", left_room=True
    )
    response = client_for(manager).get(reverse("committees:meeting_minutes", args=[world["meeting"].pk]))
    page = " ".join(response.content.decode().split())
    assert "Minutes of the meeting held on Tuesday 15 November 2022" in page
    assert "<dt>Present</dt> <dd>Councillor Ann Chair (Conservative), Councillor Ben Vice (Labour)</dd>" in page
    assert "Councillor Eve Substitute (Labour) (for Councillor Cai Member)" in page
    assert "<dt>Officers present</dt> <dd>Jo Bloggs, Head of Commissioning</dd>" in page
    assert "<dt>Apologies</dt> <dd>Councillor Cai Member (Councillor Eve Substitute substituting)</dd>" in page
    assert (
        "Item 9: Councillor Ben Vice declared a non-registrable interest: Knows a client. "
        "They left the room for the item." in page
    )
    assert "RESOLVED" in page
    assert "Signed" in page and "Chair" in page and "Date" in page


def test_a_meeting_not_yet_held_prints_as_its_agenda(client_for, manager, world):
    upcoming = MeetingFactory(
        committee=world["committee"], starts_at=at(date(2026, 12, 9)), status=Meeting.Status.SCHEDULED
    )
    item = AgendaItemFactory(meeting=upcoming, number="4", title="Support at home", minutes="Draft minutes text")
    ResolutionPartFactory(item=item, number="1", kind="note", text="Drafted resolution.")
    response = client_for(manager).get(reverse("committees:meeting_minutes", args=[upcoming.pk]))
    page = response.content.decode()
    assert "<title>Agenda:" in page
    assert "For the meeting to be held on Wednesday 9 December 2026" in page
    assert "SUPPORT AT HOME" in page
    for absent in ("Minutes of the meeting", "RESOLVED", "Drafted resolution", "Draft minutes text", "Signed"):
        assert absent not in page


def test_a_held_meeting_dated_after_the_day_asked_prints_as_its_agenda(client_for, manager, world):
    url = reverse("committees:meeting_minutes", args=[world["meeting"].pk])
    page = client_for(manager).get(url, {"as_of": "2022-11-14"}).content.decode()
    assert "Minutes of the meeting" not in page
    assert "Agenda" in page


def test_the_attendance_page_does_not_grow_with_members(client_for, clerk, world, django_assert_max_num_queries):
    client = client_for(clerk)
    url = reverse("committees:meeting_attendance", args=[world["meeting"].pk])

    def queries_for_page() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == HTTPStatus.OK
        return len(captured)

    few = queries_for_page()
    council = world["committee"].council
    for number in range(30):
        member = services.member_create(council=council, name=f"Councillor {number}")
        services.membership_add(
            member=member, committee=world["committee"], role=Role.MEMBER, from_date=date(2022, 1, 1)
        )
        services.declaration_add(item=world["item"], member=member, kind="dpi", description="Shares.")
    services.attendance_record(
        meeting=world["meeting"],
        read_as=None,
        present=list(Member.objects.filter(name__startswith="Councillor 1")),
        apologies=[],
    )
    assert queries_for_page() == few


def test_the_clerk_sets_a_committees_quorum_or_leaves_the_default(client_for, clerk):
    council = OrganisationFactory(name="London Borough of Bromley")
    client = client_for(clerk)
    url = reverse("committees:committee_create")
    client.post(url, {"council": council.pk, "name": "Executive", "kind": "executive", "quorum": "5"})
    client.post(url, {"council": council.pk, "name": "Scrutiny", "kind": "overview_scrutiny", "quorum": ""})
    assert dict(Committee.objects.values_list("name", "quorum")) == {"Executive": 5, "Scrutiny": 3}
    page = client.get(Committee.objects.get(name="Executive").get_absolute_url()).content.decode()
    assert "quorum 5" in page


# --- the meeting page's attendance card ---------------------------------------------------------


def _text(html: str) -> str:
    """The text of some HTML, tags removed and spaces collapsed."""
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r"\( ", "(", re.sub(r" ([,.:;)])", r"\1", text))


def _card(client, meeting) -> str | None:
    """The text of the meeting page's attendance card, or None when the page has none."""
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    match = re.search(r'<section class="card mb-3" id="attendance-card".*?</section>', html, re.S)
    return _text(match.group(0)) if match else None


def test_the_meeting_page_shows_its_attendance(client_for, officer, world):
    ann, ben, cai, dee, eve = (_m(world, name) for name in ("Ann", "Ben", "Cai", "Dee", "Eve"))
    _record(
        world,
        present=[ann, ben],
        apologies=[cai],
        substitutes=[services.SubstituteInput(member=eve, substitute_for=cai)],
        officers=[
            services.OfficerInput(name="Jo Bloggs", role="Head of Commissioning"),
            services.OfficerInput(name="", role="Director of Public Health"),
        ],
    )
    for member in (ben, dee):
        services.declaration_add(item=world["item"], member=member, kind="dpi", description="Shares.")
    card = _card(client_for(officer), world["meeting"])
    assert "Quorate (3 of quorum 3)" in card
    assert "Not quorate" not in card
    assert (
        "Present (3) Councillor Ann Chair, Councillor Ben Vice, "
        "Councillor Eve Substitute (substitute for Councillor Cai Member)" in card
    )
    assert "Apologies (1) Councillor Cai Member (substitute: Councillor Eve Substitute)" in card
    assert "Absent (1) Councillor Dee Member" in card
    assert "Officers present (2) Jo Bloggs, Head of Commissioning; Director of Public Health" in card
    assert "Declarations of interest 2 declarations" in card
    html = client_for(officer).get(world["meeting"].get_absolute_url()).content.decode()
    attendance_url = reverse("committees:meeting_attendance", args=[world["meeting"].pk])
    assert f'<a href="{attendance_url}#declarations">2 declarations</a>' in html
    # An officer may not record attendance: no link to do so.
    assert "Record attendance" not in card


def test_a_meeting_short_of_its_quorum_says_so(client_for, officer, world):
    _record(world, present=[_m(world, "Ann")], apologies=[_m(world, "Ben")])
    card = _card(client_for(officer), world["meeting"])
    assert "Not quorate (1 of quorum 3)" in card
    assert "Absent (2) Councillor Cai Member, Councillor Dee Member" in card
    assert "Officers present (0) None recorded" in card
    assert "Declarations of interest 0 declarations" in card


def test_a_held_meeting_without_attendance_offers_the_clerk_to_record_it(client_for, clerk, officer, world):
    services.declaration_add(item=world["item"], member=_m(world, "Dee"), kind="dpi", description="Shares.")
    card = _card(client_for(clerk), world["meeting"])
    assert card == "Attendance Attendance has not been recorded. Record attendance 1 declaration of interest"
    html = client_for(clerk).get(world["meeting"].get_absolute_url()).content.decode()
    url = reverse("committees:meeting_attendance", args=[world["meeting"].pk])
    assert f'href="{url}#record">Record attendance</a>' in html
    assert _card(client_for(officer), world["meeting"]) == (
        "Attendance Attendance has not been recorded. 1 declaration of interest"
    )


@pytest.mark.parametrize(
    ("status", "day"),
    [
        (Meeting.Status.SCHEDULED, date(2026, 12, 9)),
        (Meeting.Status.CANCELLED, date(2026, 10, 7)),
        (Meeting.Status.HELD, date(2026, 12, 9)),  # recorded as held, but dated after today
    ],
)
def test_a_meeting_that_has_not_taken_place_shows_no_attendance(client_for, clerk, world, status, day):
    meeting = MeetingFactory(committee=world["committee"], starts_at=at(day), status=status)
    assert _card(client_for(clerk), meeting) is None


def test_the_card_follows_the_day_asked_for(client_for, officer, world):
    _record(world, present=[_m(world, "Ann")], apologies=[])
    client = client_for(officer)
    before = client.get(world["meeting"].get_absolute_url(), {"as_of": "2022-11-14"}).content.decode()
    assert 'id="attendance-card"' not in before
    assert "Not quorate (1 of quorum 3)" in _card(client, world["meeting"])


def _meeting_page_queries(client, meeting) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(meeting.get_absolute_url()).status_code == HTTPStatus.OK
    return len(captured)


@pytest.mark.parametrize("role", ["clerk", "officer"])
def test_the_meeting_page_does_not_grow_with_members(request, client_for, role, world):
    client = client_for(request.getfixturevalue(role))
    _record(world, present=[_m(world, "Ann")], apologies=[_m(world, "Ben")])
    few = _meeting_page_queries(client, world["meeting"])
    council = world["committee"].council
    many = []
    for number in range(20):
        member = services.member_create(council=council, name=f"Councillor {number:02}")
        services.membership_add(
            member=member, committee=world["committee"], role=Role.MEMBER, from_date=date(2022, 1, 1)
        )
        services.declaration_add(item=world["item"], member=member, kind="dpi", description="Shares.")
        many.append(member)
    services.attendance_record(
        meeting=world["meeting"],
        read_as=None,
        present=many[:12],
        apologies=many[12:15],
        officers=[services.OfficerInput(name=f"Officer {n}", role="Adviser") for n in range(5)],
    )
    assert _meeting_page_queries(client, world["meeting"]) == few
    assert "Quorate (12 of quorum 3)" in _card(client, world["meeting"])


def test_a_scheduled_meeting_reads_no_attendance(client_for, clerk, world):
    """The card costs four queries only where it shows: none for a meeting still to come."""
    client = client_for(clerk)
    upcoming = MeetingFactory(
        committee=world["committee"], starts_at=at(date(2026, 12, 9)), status=Meeting.Status.SCHEDULED
    )
    with CaptureQueriesContext(connection) as captured:
        client.get(upcoming.get_absolute_url())
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert "committees_attendance" not in tables
    assert "committees_officerpresent" not in tables


@pytest.mark.django_db(transaction=True)
def test_the_kept_card_follows_a_recorded_attendance_and_the_reader(client_for, clerk, officer, world, register_cache):
    """The card is kept with the agenda: a write renews it, and what a clerk sees
    (a link to record attendance) is kept apart from what an officer sees."""
    assert register_cache is True
    meeting = world["meeting"]
    assert "Record attendance" in _card(client_for(clerk), meeting)
    assert "Record attendance" not in _card(client_for(officer), meeting)
    assert "Record attendance" in _card(client_for(clerk), meeting)
    _record(world, present=[_m(world, "Ann"), _m(world, "Ben"), _m(world, "Cai")], apologies=[])
    assert "Quorate (3 of quorum 3)" in _card(client_for(officer), meeting)
    assert "Quorate (3 of quorum 3)" in _card(client_for(clerk), meeting)


# --- the printed minutes state the quorum -------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "sentence"),
    [
        (("Ann", "Ben", "Cai"), "Quorum: 3. The meeting was quorate."),
        (("Ann", "Ben"), "Quorum: 3. The meeting was not quorate."),
    ],
)
def test_the_minutes_state_the_quorum(client_for, manager, world, present, sentence):
    _record(world, present=[_m(world, name) for name in present], apologies=[])
    response = client_for(manager).get(reverse("committees:meeting_minutes", args=[world["meeting"].pk]))
    assert sentence in _text(response.content.decode())


def test_minutes_without_attendance_state_no_quorum(client_for, manager, world):
    response = client_for(manager).get(reverse("committees:meeting_minutes", args=[world["meeting"].pk]))
    page = _text(response.content.decode())
    assert "No attendance has been recorded for this meeting." in page
    assert "Quorum:" not in page


# --- ending a membership ------------------------------------------------------------------------


def _membership(world, short: str) -> CommitteeMembership:
    return CommitteeMembership.objects.get(member=_m(world, short), committee=world["committee"])


def test_membership_end_saves_the_last_day_and_its_history(world):
    membership = _membership(world, "Dee")
    services.membership_end(membership=membership, to_date=date(2023, 5, 17))
    assert CommitteeMembership.objects.get(pk=membership.pk).to_date == date(2023, 5, 17)
    assert [row.to_date for row in membership.history.order_by("history_id")] == [None, date(2023, 5, 17)]
    # No longer a member on a later meeting's day: expected at none after it.
    later = MeetingFactory(committee=world["committee"], starts_at=at(date(2023, 6, 20)))
    assert _m(world, "Dee").pk not in {row.member_id for row in meeting_attendance(later).memberships}


def test_a_membership_cannot_end_before_it_began(world):
    membership = _membership(world, "Dee")
    with pytest.raises(ValidationError) as refused:
        services.membership_end(membership=membership, to_date=date(2022, 4, 30))
    assert refused.value.message_dict == {"to_date": ["A membership cannot end before it began, on 1 May 2022."]}
    assert CommitteeMembership.objects.get(pk=membership.pk).to_date is None
    # Its first day is also its last: allowed.
    services.membership_end(membership=membership, to_date=date(2022, 5, 1))
    assert CommitteeMembership.objects.get(pk=membership.pk).to_date == date(2022, 5, 1)


def test_an_ended_membership_is_not_ended_again(world):
    membership = _membership(world, "Dee")
    services.membership_end(membership=membership, to_date=date(2023, 5, 17))
    # The same end sent twice (a double click) changes nothing.
    services.membership_end(membership=membership, to_date=date(2023, 5, 17))
    with pytest.raises(ValidationError) as refused:
        services.membership_end(membership=membership, to_date=date(2024, 1, 1))
    assert refused.value.message_dict == {"to_date": ["This membership already ended on 17 May 2023."]}
    assert CommitteeMembership.objects.get(pk=membership.pk).to_date == date(2023, 5, 17)
    assert membership.history.count() == 2


def test_a_membership_cannot_end_before_a_meeting_the_member_is_recorded_at(world):
    _record(world, present=[], apologies=[_m(world, "Dee")])
    membership = _membership(world, "Dee")
    with pytest.raises(ValidationError) as refused:
        services.membership_end(membership=membership, to_date=date(2022, 11, 14))
    assert refused.value.message_dict == {
        "to_date": [
            "Councillor Dee Member is recorded at the meeting of 15 Nov 2022, after this day. End the "
            "membership on or after that day, or correct that meeting's attendance first."
        ]
    }
    assert CommitteeMembership.objects.get(pk=membership.pk).to_date is None
    services.membership_end(membership=membership, to_date=date(2022, 11, 15))
    assert CommitteeMembership.objects.get(pk=membership.pk).to_date == date(2022, 11, 15)


def test_attendance_as_a_substitute_does_not_hold_a_membership_open(world):
    committee, eve = world["committee"], _m(world, "Eve")
    services.membership_add(member=eve, committee=committee, role=Role.MEMBER, from_date=date(2022, 1, 1))
    _record(
        world,
        present=[],
        apologies=[_m(world, "Cai")],
        substitutes=[services.SubstituteInput(member=eve, substitute_for=_m(world, "Cai"))],
    )
    membership = CommitteeMembership.objects.get(member=eve)
    services.membership_end(membership=membership, to_date=date(2022, 6, 30))
    assert CommitteeMembership.objects.get(pk=membership.pk).to_date == date(2022, 6, 30)


def _end(client, membership, day: str):
    return client.post(
        reverse("committees:membership_end", args=[membership.pk]), {f"end-{membership.pk}-to_date": day}
    )


def test_the_clerk_ends_a_membership_on_the_member_page(client_for, clerk, world):
    client = client_for(clerk)
    membership = _membership(world, "Dee")
    page_url = reverse("committees:member_detail", args=[membership.member_id])
    html = client.get(page_url).content.decode()
    assert f'action="{reverse("committees:membership_end", args=[membership.pk])}"' in html
    assert f'name="end-{membership.pk}-to_date"' in html
    response = _end(client, membership, "2023-05-17")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == page_url
    assert CommitteeMembership.objects.get(pk=membership.pk).to_date == date(2023, 5, 17)
    assert membership.history.latest("history_id").history_user == clerk
    page = client.get(page_url)
    text = _text(page.content.decode())
    assert "Councillor Dee Member's membership of Adult Care and Health PDS Committee ended on 17 May 2023." in text
    assert "Adult Care and Health PDS Committee Member 1 May 2022 17 May 2023" in text
    # An ended membership offers no form to end it again.
    assert f'name="end-{membership.pk}-to_date"' not in page.content.decode()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2022-04-30", "A membership cannot end before it began, on 1 May 2022."),
        ("", "Give the last day the member sat on the committee."),
        ("2023-02-30", "Enter a valid date."),
        ("1066-10-14", "between"),
    ],
)
def test_an_end_that_cannot_be_saved_is_shown_with_its_reason(client_for, clerk, world, day, message):
    client = client_for(clerk)
    membership = _membership(world, "Dee")
    response = _end(client, membership, day)
    assert response.status_code == HTTPStatus.OK
    text = _text(response.content.decode())
    assert "The end of the membership was not saved." in text
    assert message in text
    assert CommitteeMembership.objects.get(pk=membership.pk).to_date is None
    assert membership.history.count() == 1
    # The form comes back open, with what was typed.
    assert response.context["memberships"][0].end_form is not None
    failed = next(row.end_form for row in response.context["memberships"] if row.membership.pk == membership.pk)
    assert failed.errors


def test_only_a_clerk_ends_a_membership(client_for, officer, clerk, world):
    membership = _membership(world, "Dee")
    url = reverse("committees:membership_end", args=[membership.pk])
    assert client_for(officer).post(url, {f"end-{membership.pk}-to_date": "2023-05-17"}).status_code == (
        HTTPStatus.FORBIDDEN
    )
    page = client_for(officer).get(reverse("committees:member_detail", args=[membership.member_id]))
    assert "End the membership of" not in page.content.decode()
    assert client_for(clerk).get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert CommitteeMembership.objects.get(pk=membership.pk).to_date is None


def test_the_clerk_adds_a_membership_on_the_member_page(client_for, clerk, world):
    client = client_for(clerk)
    eve = _m(world, "Eve")
    response = client.post(
        reverse("committees:membership_add", args=[eve.pk]),
        {"committee": world["committee"].pk, "role": Role.MEMBER, "from_date": "2023-05-18"},
    )
    assert response.status_code == HTTPStatus.FOUND
    added = CommitteeMembership.objects.get(member=eve)
    assert (added.committee, added.role, added.from_date, added.to_date) == (
        world["committee"],
        Role.MEMBER,
        date(2023, 5, 18),
        None,
    )
    assert added.history.get().history_user == clerk
    # Added from before an existing membership of the same committee ends: refused.
    response = client.post(
        reverse("committees:membership_add", args=[eve.pk]),
        {"committee": world["committee"].pk, "role": Role.CHAIR, "from_date": "2024-01-01"},
    )
    assert response.status_code == HTTPStatus.OK
    assert "Councillor Eve Substitute already sits on Adult Care and Health PDS Committee in these dates." in (
        _text(response.content.decode())
    )
    assert CommitteeMembership.objects.filter(member=eve).count() == 1


def test_the_member_page_does_not_grow_with_memberships(client_for, clerk, world):
    client = client_for(clerk)
    ann = _m(world, "Ann")
    url = reverse("committees:member_detail", args=[ann.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == HTTPStatus.OK
        return len(captured)

    few = queries()
    council = world["committee"].council
    for number in range(5):
        committee = CommitteeFactory(council=council, name=f"Committee {number}")
        services.membership_add(member=ann, committee=committee, role=Role.MEMBER, from_date=date(2022, 1, 1))
        if number % 2:
            services.membership_end(membership=ann.memberships.get(committee=committee), to_date=date(2022, 12, 31))
    assert queries() == few
    assert client.get(url).content.decode().count("End the membership of") == 4
