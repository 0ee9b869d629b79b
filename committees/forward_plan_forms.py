"""The forward plan entry form (issue 13, item 1): parses what the clerk typed;
the rules are in `committees.services` and `ForwardPlanEntry.clean`."""

from django import forms

from commissioning.core import dates
from commissioning.core.versioning import VersionedFormMixin
from committees.exempt import PARAGRAPH_CHOICES
from committees.models import Committee, ForwardPlanEntry
from committees.pickers import DecisionPickerField
from contracts.forms import DATE_WIDGET
from contracts.models import Organisation
from contracts.pickers import ContractPickerField


class ForwardPlanForm(VersionedFormMixin, forms.Form):
    council = forms.ModelChoiceField(queryset=Organisation.objects.filter(kind=Organisation.Kind.COUNCIL))
    title = forms.CharField(label="Decision", max_length=300, help_text="The matter to be decided.")
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="What is proposed, as the notice puts it."
    )
    decision_maker = forms.ModelChoiceField(
        label="Decision maker (committee)",
        queryset=Committee.objects.select_related("council").order_by("council__name", "name"),
        required=False,
        help_text="The committee that takes it; leave blank for an officer.",
    )
    decision_maker_officer = forms.CharField(
        label="Decision maker (officer)",
        max_length=200,
        required=False,
        help_text="Such as Chief Officer, Adult Social Care.",
    )
    expected_on = dates.DateField(label="Expected decision date", widget=DATE_WIDGET)
    status = forms.ChoiceField(choices=ForwardPlanEntry.Status.choices, initial=ForwardPlanEntry.Status.PLANNED)
    published_on = dates.DateField(
        label="First published on", required=False, widget=DATE_WIDGET, help_text="The day the notice was published."
    )
    contracts = ContractPickerField(
        multiple=True,
        required=False,
        help_text="The contracts it concerns: type their references, separated by commas, or search by title.",
    )
    is_exempt = forms.BooleanField(label="Exempt information expected", required=False)
    exempt_paragraph = forms.ChoiceField(
        choices=[("", "—"), *PARAGRAPH_CHOICES],
        required=False,
        help_text="Paragraph of Schedule 12A to the Local Government Act 1972.",
    )
    general_exception_notice_on = dates.DateField(
        label="General exception notice on",
        required=False,
        widget=DATE_WIDGET,
        help_text="Reg 10: the day the notice went to the scrutiny chair and was published (5 clear days before).",
    )
    special_urgency_agreed_by = forms.CharField(
        label="Special urgency agreed by",
        max_length=200,
        required=False,
        help_text="Reg 11: the scrutiny chair, or the chair or vice-chair of the council.",
    )
    special_urgency_agreed_on = dates.DateField(label="Special urgency agreed on", required=False, widget=DATE_WIDGET)
    special_urgency_notice_on = dates.DateField(
        label="Special urgency notice on", required=False, widget=DATE_WIDGET, help_text="Reg 11: the notice published."
    )
    decision = DecisionPickerField(
        required=False,
        label="Decision taken",
        help_text="Once taken: the resolution as “30 Sep 2029, item 79 (ii)” or “report reference (ii)”, or an "
        "officer decision's reference such as OD-12; or search.",
    )

    FIELDS = (
        "title",
        "description",
        "decision_maker",
        "decision_maker_officer",
        "expected_on",
        "status",
        "published_on",
        "is_exempt",
        "exempt_paragraph",
        "general_exception_notice_on",
        "special_urgency_agreed_by",
        "special_urgency_agreed_on",
        "special_urgency_notice_on",
    )

    def __init__(self, *args, entry: ForwardPlanEntry | None = None, **kwargs):
        if entry is not None:
            initial = {name: getattr(entry, name) for name in self.FIELDS}
            initial["decision_maker"] = entry.decision_maker_id
            initial["council"] = entry.council_id
            initial["contracts"] = list(entry.contracts.all())
            initial["decision"] = entry.decision
            kwargs.setdefault("initial", initial)
            kwargs.setdefault("version", entry.version)
        super().__init__(*args, **kwargs)
        self.fields["decision_maker"].label_from_instance = lambda committee: (
            f"{committee.name} ({committee.council.name})"
        )
        if entry is not None:
            # An entry stays on the plan of the council that published it.
            self.fields["council"].disabled = True

    def service_arguments(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.FIELDS}
        data["contracts"] = list(self.cleaned_data["contracts"])
        data["decision"] = self.cleaned_data["decision"]
        return data
