"""Demo attendance and a declaration of interest for the Adult Care and Health PDS
Committee of 15 November 2022 (seeds 000 and 002).

The officers are those the seed minutes name, by their roles (seed 002: the
Integrated Strategic Commissioning Officer, the Head of Service for Community
Living Commissioning, the Director of Public Health and the Director of Adult
Social Care; seed 000: the Project Manager – Mental Health, South East London
ICB). Demo note: the seed minutes name no councillors, so the members here are
made up and called "Demo Councillor A" and so on, that no real councillor is
recorded as present, absent or declaring an interest; the apology, the
substitute and the declaration (on item 9, the Hestia monitoring report) are
assumptions too, as are the memberships' start (the day after the May 2022
elections' count).

Written through committees.services and idempotent: a council's member, a
membership or a declaration already there is left as it is, and a meeting whose
attendance is recorded is not recorded again.
"""

from datetime import date

from committees import services
from committees.models import AgendaItem, Attendance, Committee, CommitteeMembership, Declaration, Meeting, Member
from contracts.demo import BROMLEY
from contracts.models import Organisation, Provider

COUNCIL = BROMLEY
COMMITTEE = "Adult Care and Health Policy Development and Scrutiny Committee"
MEETING_DAY = date(2022, 11, 15)
MEMBERSHIPS_FROM = date(2022, 5, 6)

Role = CommitteeMembership.Role
# Name, party, role on the committee (None: not on it; a substitute).
MEMBERS = (
    ("Demo Councillor A", "Demo Party 1", Role.CHAIR),
    ("Demo Councillor B", "Demo Party 1", Role.VICE_CHAIR),
    ("Demo Councillor C", "Demo Party 2", Role.MEMBER),
    ("Demo Councillor D", "Demo Party 1", Role.MEMBER),
    ("Demo Councillor E", "Demo Party 2", Role.MEMBER),
    ("Demo Councillor F", "Demo Party 2", None),
)
OFFICERS = (
    "Integrated Strategic Commissioning Officer",
    "Head of Service for Community Living Commissioning",
    "Director of Public Health",
    "Director of Adult Social Care",
    "Project Manager – Mental Health, South East London ICB",
)
DECLARATION_ITEM = "9"
DECLARATION_PROVIDER = "Hestia Housing and Support"
DECLARATION_TEXT = (
    "A family member receives support from the provider under another contract. "
    "Demo note: an assumed declaration; the seed minutes record none."
)


def load_attendance_demo(*, today: date) -> None:
    council = Organisation.objects.filter(name=COUNCIL).first()
    committee = Committee.objects.filter(council=council, name=COMMITTEE).first() if council else None
    meeting = (
        Meeting.objects.select_related("committee").filter(committee=committee, starts_at__date=MEETING_DAY).first()
        if committee
        else None
    )
    if meeting is None or MEETING_DAY > today:
        return
    members = {}
    for name, party, role in MEMBERS:
        member = Member.objects.filter(council=council, name=name).first() or services.member_create(
            council=council, name=name, party=party
        )
        members[name] = member
        if role is not None and not CommitteeMembership.objects.filter(member=member, committee=committee).exists():
            services.membership_add(member=member, committee=committee, role=role, from_date=MEMBERSHIPS_FROM)

    if not Attendance.objects.filter(meeting=meeting).exists():
        a, b, c, d, e, f = (members[name] for name, _, _ in MEMBERS)
        services.attendance_record(
            meeting=meeting,
            read_as=None,
            present=[a, b, c, d],
            apologies=[e],
            substitutes=[services.SubstituteInput(member=f, substitute_for=e)],
            officers=[services.OfficerInput(name="", role=role) for role in OFFICERS],
        )

    item = AgendaItem.objects.filter(meeting=meeting, number=DECLARATION_ITEM).first()
    declarant = members["Demo Councillor C"]
    if item is not None and not Declaration.objects.filter(item=item, member=declarant).exists():
        services.declaration_add(
            item=item,
            member=declarant,
            kind=Declaration.Kind.NON_REGISTRABLE,
            description=DECLARATION_TEXT,
            provider=Provider.objects.filter(name=DECLARATION_PROVIDER).first(),
            left_room=False,
        )
