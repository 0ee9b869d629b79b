"""Forms for members, committee memberships, a meeting's attendance and declarations
of interest (issue 13, slice "attend"). They parse what the clerk typed; the rules
are in committees.services."""

from django import forms
from django.core.exceptions import ValidationError

from commissioning.core import dates
from committees import services
from committees.attendance_selectors import MeetingAttendance
from committees.models import AgendaItem, Attendance, Committee, CommitteeMembership, Declaration, Member
from contracts.forms import DATE_WIDGET
from contracts.models import Organisation
from contracts.pickers import ProviderPickerField

ABSENT = ""
STATUS_CHOICES = [
    (Attendance.Status.PRESENT, "Present"),
    (Attendance.Status.APOLOGIES, "Apologies"),
    (ABSENT, "Absent"),
]
# Substitutes the form offers at once; a clerk with more saves and adds again.
SUBSTITUTE_ROWS = 3


class MemberForm(forms.Form):
    council = forms.ModelChoiceField(queryset=Organisation.objects.filter(kind=Organisation.Kind.COUNCIL))
    name = forms.CharField(max_length=200, help_text='As the minutes name them, such as "Councillor Jane Smith".')
    party = forms.CharField(max_length=100, required=False)


class MembershipForm(forms.Form):
    committee = forms.ModelChoiceField(queryset=Committee.objects.none())
    role = forms.ChoiceField(choices=CommitteeMembership.Role.choices, initial=CommitteeMembership.Role.MEMBER)
    from_date = dates.DateField(label="From", widget=DATE_WIDGET)
    to_date = dates.DateField(label="To", widget=DATE_WIDGET, required=False, help_text="Blank while they sit on it.")

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(council_id=member.council_id)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from_date"), cleaned.get("to_date")
        if start and end and end < start:
            self.add_error("to_date", "A membership cannot end before it starts.")
        return cleaned


class MembershipEndForm(forms.Form):
    to_date = dates.DateField(
        label="Last day on the committee",
        widget=DATE_WIDGET,
        help_text="Not before the membership began.",
        error_messages={"required": "Give the last day the member sat on the committee."},
    )


def _member_choices(members) -> list[tuple[str, str]]:
    return [("", "---------"), *((str(member.pk), member.name) for member in members)]


class AttendanceForm(forms.Form):
    """One choice for each member of the committee on the day (present, apologies or
    absent), a few substitute rows (who, in place of whom) and the officers present, one
    a line. Choices are built from lists the page read once, so the form's queries do
    not grow with the members."""

    # What the form was read at (attendance_selectors.meeting_attendance's fingerprint).
    read_as = forms.CharField(
        widget=forms.HiddenInput, error_messages={"required": "Open the attendance page again and record it there."}
    )
    officers = forms.CharField(
        label="Officers present",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text='One a line: name, then a comma and their role, such as "Jo Bloggs, Head of Commissioning". '
        "A role alone is enough.",
    )

    def __init__(self, *args, record: MeetingAttendance, council_members: list[Member], **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        self.members_by_pk = {member.pk: member for member in council_members}
        for membership in record.memberships:
            member = membership.member
            self.members_by_pk.setdefault(member.pk, member)
            self.fields[f"status_{member.pk}"] = forms.ChoiceField(
                label=str(member),
                choices=STATUS_CHOICES,
                required=False,
                initial=record.status_of.get(member.pk, ABSENT),
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
        seats = _member_choices(membership.member for membership in record.memberships)
        everyone = _member_choices(council_members)
        for number in range(1, SUBSTITUTE_ROWS + 1):
            self.fields[f"substitute_{number}"] = forms.ChoiceField(
                label="Substitute", choices=everyone, required=False
            )
            self.fields[f"substitute_{number}_for"] = forms.ChoiceField(
                label="In place of", choices=seats, required=False
            )
        for number, row in enumerate(record.substitutes, start=1):
            if number > SUBSTITUTE_ROWS:
                break
            self.initial[f"substitute_{number}"] = str(row.member_id)
            self.initial[f"substitute_{number}_for"] = str(row.substitute_for_id)
        self.initial["officers"] = "\n".join(
            f"{officer.name}, {officer.role}" if officer.name else officer.role for officer in record.officers
        )
        self.initial["read_as"] = record.fingerprint

    def status_fields(self):
        return [(membership, self[f"status_{membership.member_id}"]) for membership in self.record.memberships]

    def substitute_rows(self):
        return [
            (self[f"substitute_{number}"], self[f"substitute_{number}_for"]) for number in range(1, SUBSTITUTE_ROWS + 1)
        ]

    def clean(self):
        cleaned = super().clean()
        substitutes = []
        for number in range(1, SUBSTITUTE_ROWS + 1):
            who, for_whom = cleaned.get(f"substitute_{number}"), cleaned.get(f"substitute_{number}_for")
            if bool(who) != bool(for_whom):
                self.add_error(f"substitute_{number}", "Give both the substitute and the member they sat in place of.")
            elif who:
                substitutes.append(
                    services.SubstituteInput(
                        member=self.members_by_pk[int(who)], substitute_for=self.members_by_pk[int(for_whom)]
                    )
                )
        cleaned["substitutes"] = substitutes
        officers = []
        for line in cleaned.get("officers", "").splitlines():
            if not line.strip():
                continue
            name, comma, role = line.partition(",")
            if not comma:
                name, role = "", name
            if len(name.strip()) > 200 or len(role.strip()) > 200:
                raise ValidationError({"officers": "A name or a role is at most 200 characters."})
            officers.append(services.OfficerInput(name=name.strip(), role=role.strip()))
        cleaned["officer_inputs"] = officers
        return cleaned

    def service_values(self) -> dict:
        statuses = {
            membership.member: self.cleaned_data.get(f"status_{membership.member_id}")
            for membership in self.record.memberships
        }
        return {
            "read_as": self.cleaned_data["read_as"],
            "present": [member for member, status in statuses.items() if status == Attendance.Status.PRESENT],
            "apologies": [member for member, status in statuses.items() if status == Attendance.Status.APOLOGIES],
            "substitutes": self.cleaned_data["substitutes"],
            "officers": self.cleaned_data["officer_inputs"],
        }


class DeclarationForm(forms.Form):
    item = forms.ModelChoiceField(label="Agenda item", queryset=AgendaItem.objects.none())
    member = forms.ModelChoiceField(queryset=Member.objects.none())
    kind = forms.ChoiceField(label="Kind of interest", choices=Declaration.Kind.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="The interest, as declared.")
    provider = ProviderPickerField(
        required=False, help_text="The provider the interest concerns, if any: it shows on the provider's page."
    )
    left_room = forms.BooleanField(label="Left the room for the item", required=False)

    def __init__(self, *args, meeting, items: list[AgendaItem], council_members: list[Member], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = AgendaItem.objects.filter(meeting=meeting)
        self.fields["item"].choices = [
            ("", "---------"),
            *((item.pk, f"{item.number}. {item.title}") for item in items),
        ]
        self.fields["member"].queryset = Member.objects.filter(council_id=meeting.committee.council_id)
        self.fields["member"].choices = _member_choices(council_members)
