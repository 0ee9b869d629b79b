"""The demo's attendance, apology, substitute and declaration (committees/demo_attendance.py)."""

from io import StringIO

import pytest
from django.core.management import call_command

from committees.attendance_selectors import meeting_attendance
from committees.demo_attendance import load_attendance_demo
from committees.models import Attendance, Declaration, Meeting, Member
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _load():
    call_command("load_demo_data", "--today", TODAY.isoformat(), "--seed-only", stdout=StringIO())


def test_the_pds_meeting_of_15_november_2022_has_its_attendance_and_a_declaration():
    _load()
    meeting = Meeting.objects.get(
        committee__name__startswith="Adult Care and Health Policy", starts_at__date="2022-11-15"
    )
    record = meeting_attendance(meeting)
    assert [row.member.name for row in record.present] == [f"Demo Councillor {letter}" for letter in "ABCD"]
    assert [(row.member.name, row.substitute_name) for row in record.apologies] == [
        ("Demo Councillor E", "Demo Councillor F")
    ]
    assert record.quorum.present == 5 and record.quorum.is_met
    assert "Director of Adult Social Care" in [officer.role for officer in record.officers]
    declaration = Declaration.objects.get(item__meeting=meeting)
    assert (declaration.item.number, declaration.member.name, declaration.provider.name) == (
        "9",
        "Demo Councillor C",
        "Hestia Housing and Support",
    )


def test_loading_again_adds_nothing():
    _load()
    counts = (Member.objects.count(), Attendance.objects.count(), Declaration.objects.count())
    load_attendance_demo(today=TODAY)
    assert (Member.objects.count(), Attendance.objects.count(), Declaration.objects.count()) == counts
