"""Forms for call-in: the councillors' request, and the scrutiny meeting with its outcome."""

from django import forms

from commissioning.core import dates
from commissioning.core.versioning import VersionedFormMixin
from committees.attendance_selectors import council_members
from committees.call_in import SCRUTINY_COMMITTEES
from committees.models import CallIn, Meeting, Member
from contracts.forms import DATE_WIDGET


def scrutiny_meetings(council_id: int):
    """The meetings of the council's scrutiny committees: few, so a plain choice."""
    return (
        Meeting.objects.filter(committee__council_id=council_id, committee__kind__in=sorted(SCRUTINY_COMMITTEES))
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("committee")
        .order_by("-starts_at")
    )


class ScrutinyMeetingField(forms.ModelChoiceField):
    def label_from_instance(self, meeting: Meeting) -> str:
        return f"{meeting.committee.name}, {meeting.date:%-d %b %Y}"


def signers_field(**kwargs) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Member.objects.none(),
        required=False,
        label="Councillors who signed",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose from the councillors of the council that took the decision: one chosen "
            "is of another council or no longer on the record."
        },
        **kwargs,
    )


class CallInForm(forms.Form):
    members = signers_field(help_text="Optional: the council's members who signed the request.")
    requested_by = forms.CharField(
        label="Called in by",
        max_length=300,
        required=False,
        help_text="As the request is printed, such as Cllr A Smith and Cllr B Jones. Left blank, "
        "the names of the councillors chosen above are used.",
    )
    requested_on = dates.DateField(label="Called in on", widget=DATE_WIDGET)
    reasons = forms.CharField(label="Reasons given", widget=forms.Textarea(attrs={"rows": 4}))
    scrutiny_meeting = ScrutinyMeetingField(
        queryset=Meeting.objects.none(),
        required=False,
        label="Considered at",
        help_text="The scrutiny committee's meeting that considers it; it can be added later.",
    )

    def __init__(self, *args, council_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scrutiny_meeting"].queryset = scrutiny_meetings(council_id)
        self.fields["members"].queryset = council_members(council_id=council_id)


class CallInOutcomeForm(VersionedFormMixin, forms.Form):
    requested_by = forms.CharField(
        label="Called in by",
        max_length=300,
        required=False,
        help_text="Left blank, the names of the councillors chosen below are used.",
    )
    members = signers_field()
    reasons = forms.CharField(label="Reasons given", widget=forms.Textarea(attrs={"rows": 3}))
    scrutiny_meeting = ScrutinyMeetingField(queryset=Meeting.objects.none(), required=False, label="Considered at")
    outcome = forms.ChoiceField(
        choices=[("", "Not yet decided"), *CallIn.Outcome.choices], required=False, label="Outcome"
    )
    outcome_on = dates.DateField(label="Outcome decided on", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, council_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scrutiny_meeting"].queryset = scrutiny_meetings(council_id)
        self.fields["members"].queryset = council_members(council_id=council_id)

    @classmethod
    def for_call_in(cls, call_in: CallIn, data=None) -> "CallInOutcomeForm":
        initial = {
            "requested_by": call_in.requested_by,
            "members": [member.pk for member in call_in.members.all()],
            "reasons": call_in.reasons,
            "scrutiny_meeting": call_in.scrutiny_meeting_id,
            "outcome": call_in.outcome,
            "outcome_on": call_in.outcome_on,
        }
        council_id = call_in.resolution_part.item.meeting.committee.council_id
        return cls(data, initial=initial, version=call_in.version, council_id=council_id)
