"""Forms for the clerk pages. They parse and check what a person typed; the
rules of the record are in committees.services, whose errors come back onto
these forms through `add_errors`."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from commissioning.core import dates, uploads
from commissioning.core.formatting import format_bytes, format_day
from commissioning.core.versioning import VersionedFormMixin
from committees import numbering, services
from committees.exempt_forms import EXEMPT_FIELDS, ExemptFields
from committees.models import (
    AgendaItem,
    Committee,
    ContractLink,
    Meeting,
    Report,
    ResolutionPart,
)
from committees.pickers import DELEGATION_HELP, DelegationPickerField, RecommendationPickerField, ReportPickerField
from contracts.forms import DATE_WIDGET, add_service_errors
from contracts.models import ContractOption, MonitoringRecord, Organisation
from contracts.pickers import ContractPickerField

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
BLANK = ("", "---------")


def add_errors(form: forms.BaseForm, error: ValidationError, *, renames: dict[str, str] | None = None) -> None:
    """A service's ValidationError onto `form`, with the service's field names
    translated to the form's (`due_on` is `action_due_on` on the part form)."""
    if renames and hasattr(error, "error_dict"):
        error = ValidationError({renames.get(field, field): errors for field, errors in error.error_dict.items()})
    add_service_errors(form, error)


def _offer(field: forms.ModelChoiceField, choices: list[tuple[int, str]], *, blank: str = "---------") -> None:
    """Show `choices` (read once by a selector for every form on the page) instead
    of querying the field's queryset each time the field renders; the queryset
    still checks what comes back."""
    field.choices = [("", blank), *choices]


class ContractLinkFields(forms.Form):
    """The optional link from a decision to the contract it acts on: what it does
    to it and, for an option, which one. A form using it declares its own
    `contract` field (each offers the contracts its own way) and calls
    `check_contract_link` from its `clean`."""

    effect = forms.ChoiceField(choices=[BLANK, *ContractLink.Effect.choices], required=False)
    option_order = forms.IntegerField(
        label="Option", min_value=1, required=False, help_text="For exercising or declining: the option's number."
    )
    replace_authority = forms.BooleanField(
        label="Replace the recorded authority",
        required=False,
        help_text="For an option already decided or already authorised by another decision: record this decision "
        "as its authority instead. The earlier one stays in the history.",
    )

    def check_contract_link(self, cleaned: dict) -> None:
        """The contract, the effect and the option checked together; the option
        found is `cleaned["option"]`."""
        contract, effect, order = cleaned.get("contract"), cleaned.get("effect"), cleaned.get("option_order")
        if contract and not effect:
            self.add_error("effect", "Say what the decision does to the contract.")
        if (effect or order) and not contract and "contract" not in self.errors:
            self.add_error("contract", "Choose the contract the decision acts on.")
        cleaned["option"] = None
        if contract is not None and order is not None:
            cleaned["option"] = ContractOption.objects.filter(contract=contract, order=order).first()
            if cleaned["option"] is None:
                self.add_error("option_order", f"{contract.reference} has no option {order}.")

    def check_contract_links(self, cleaned: dict) -> None:
        """As `check_contract_link`, for a `contract` field that takes several:
        one effect for them all and, for an option, the option of that number of
        each; the options found are `cleaned["options"]`, by contract id."""
        contracts = list(cleaned.get("contract") or [])
        effect, order = cleaned.get("effect"), cleaned.get("option_order")
        if contracts and not effect:
            self.add_error("effect", "Say what the decision does to the contract.")
        if (effect or order) and not contracts and "contract" not in self.errors:
            self.add_error("contract", "Choose the contract the decision acts on.")
        cleaned["options"] = {}
        if contracts and order is not None:
            options = ContractOption.objects.filter(contract__in=contracts, order=order)
            cleaned["options"] = {option.contract_id: option for option in options}
            if missing := [contract.reference for contract in contracts if contract.pk not in cleaned["options"]]:
                self.add_error(
                    "option_order", f"{', '.join(missing)} {'has' if len(missing) == 1 else 'have'} no option {order}."
                )


# What clerks write ("79", "5a", "(ii)", "7.1"), in plain ASCII: "²" or "٣" pass
# str.isdigit() but not int(), and no minutes number an item that way.
plain_number = RegexValidator(
    r"\A[A-Za-z0-9()\[\]. -]+\Z",
    'Use plain letters, digits and brackets, such as "7", "7a" or "(ii)".',
)


def _part_number(value: str) -> str:
    # Minutes print "i.)" and "(1)": keep only what is inside.
    return value.strip().strip(".()").strip()


# --- committees and meetings ----------------------------------------------------------------


class CommitteeForm(VersionedFormMixin, forms.Form):
    """Add a committee, or edit one (`for_committee`): its council is kept once it is added."""

    council = forms.ModelChoiceField(queryset=Organisation.objects.filter(kind=Organisation.Kind.COUNCIL))
    name = forms.CharField(
        max_length=200, help_text="As the council names it, such as Adult Care and Health PDS Committee."
    )
    kind = forms.ChoiceField(choices=Committee.Kind.choices)
    quorum = forms.IntegerField(
        min_value=1,
        max_value=100,
        required=False,
        help_text="Voting members who must be present for it to do business; blank for 3.",
    )

    @classmethod
    def for_committee(cls, committee: Committee, data=None, **kwargs) -> "CommitteeForm":
        initial = {
            "council": committee.council_id,
            "name": committee.name,
            "kind": committee.kind,
            "quorum": committee.quorum,
        }
        form = cls(data, initial=initial, version=committee.version, **kwargs)
        # A committee stays the council's that set it up: its meetings and decisions are that council's.
        form.fields["council"].disabled = True
        form.fields["council"].help_text = "A committee stays with the council that set it up."
        return form

    def clean_quorum(self):
        return self.cleaned_data["quorum"] or Committee._meta.get_field("quorum").default


class MeetingForm(VersionedFormMixin, forms.Form):
    starts_at = dates.DateTimeField(label="Date and time", widget=DATETIME_WIDGET)
    venue = forms.CharField(max_length=200, required=False)
    status = forms.ChoiceField(choices=Meeting.Status.choices, initial=Meeting.Status.SCHEDULED)
    agenda_published_on = dates.DateField(
        label="Agenda published on",
        required=False,
        widget=DATE_WIDGET,
        help_text="The day the agenda and reports were published.",
    )
    decisions_published_on = dates.DateField(
        label="Decisions published on",
        required=False,
        widget=DATE_WIDGET,
        help_text="Call-in runs from this day.",
    )

    @classmethod
    def for_meeting(cls, meeting: Meeting, data=None, **kwargs) -> "MeetingForm":
        initial = {
            name: getattr(meeting, name)
            for name in ("starts_at", "venue", "status", "agenda_published_on", "decisions_published_on")
        }
        return cls(data, initial=initial, version=meeting.version, **kwargs)


class MinutesApprovalForm(forms.Form):
    at_meeting = forms.ModelChoiceField(queryset=Meeting.objects.select_related("committee"), widget=forms.HiddenInput)


# --- reports -----------------------------------------------------------------------------------


class ReportForm(VersionedFormMixin, ExemptFields):
    council = forms.ModelChoiceField(queryset=Organisation.objects.filter(kind=Organisation.Kind.COUNCIL))
    reference = forms.CharField(max_length=60, help_text='Such as ACH22-035, CS17121 or Document "D".')
    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=Report.Kind.choices, initial=Report.Kind.OTHER)
    gateway_number = forms.IntegerField(
        label="Gateway", min_value=0, max_value=20, required=False, help_text="For a gateway report: 0, 1, 2 or 3."
    )
    author = forms.CharField(max_length=200, required=False)
    author_role = forms.CharField(label="Author's role", max_length=200, required=False)
    report_date = dates.DateField(label="Date of the report", required=False, widget=DATE_WIDGET)
    contracts = ContractPickerField(
        multiple=True,
        required=False,
        help_text="The contracts the report is about: type their references, separated by commas, or search by title.",
    )

    monitoring_records = forms.ModelMultipleChoiceField(
        label="Monitoring considered",
        queryset=MonitoringRecord.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The monitoring visits and contract monitoring reports of the report's contracts that it put "
        "before the committee. Those of a contract just added can be chosen once the report is saved.",
    )

    # The exempt fields (declared first, by ExemptFields) after the report's own.
    field_order = ["council", "reference", "title", "kind", "gateway_number", "author", "author_role", "report_date"]
    FIELDS = (
        "reference",
        "title",
        "kind",
        "gateway_number",
        "author",
        "author_role",
        "report_date",
        *EXEMPT_FIELDS,
    )

    def __init__(self, *args, report: Report | None = None, **kwargs):
        if report is not None:
            initial = {name: getattr(report, name) for name in self.FIELDS}
            initial["council"] = report.council_id
            initial["contracts"] = [contract.pk for contract in report.contracts.all()]
            initial["monitoring_records"] = [record.pk for record in report.monitoring_records.all()]
            kwargs.setdefault("initial", initial)
            kwargs.setdefault("version", report.version)
        super().__init__(*args, **kwargs)
        if report is not None:
            # A report stays with the council that published it.
            self.fields["council"].disabled = True
            # Offered: the monitoring of the report's contracts, few however long the register.
            self.fields["monitoring_records"].queryset = (
                MonitoringRecord.objects.filter(contract__reports=report)
                .select_related("contract")
                .order_by("contract__reference", "-held_on", "-pk")
            )
        self.fields["monitoring_records"].label_from_instance = _monitoring_label

    def service_arguments(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.FIELDS}
        data["contracts"] = list(self.cleaned_data["contracts"])
        data["monitoring_records"] = list(self.cleaned_data["monitoring_records"])
        return data


def _monitoring_label(record: MonitoringRecord) -> str:
    return f"{record.contract.reference}: {record.get_kind_display()} of {format_day(record.held_on)}, {record.title}"


class ReportFileForm(ExemptFields):
    title = forms.CharField(max_length=200, required=False, help_text="Leave empty to use the file's name.")
    file = forms.FileField(
        validators=[uploads.validate_document],
        widget=forms.FileInput(attrs={"accept": ",".join(uploads.FORMATS)}),
        help_text=f"{uploads.ACCEPTED}, up to {format_bytes(settings.UPLOAD_MAX_BYTES)}.",
    )

    field_order = ["title", "file"]


# --- the meeting page: items, parts, actions -------------------------------------------------------


class AgendaItemForm(VersionedFormMixin, ExemptFields):
    number = forms.CharField(
        max_length=12, validators=[plain_number], help_text='As the agenda numbers it, such as "79" or "5a".'
    )
    title = forms.CharField(max_length=300)
    # Replaced in __init__ by a picker over the council's reports.
    report = forms.CharField(required=False)
    minutes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))

    field_order = ["number", "title", "report", "minutes"]

    def __init__(self, *args, meeting: Meeting, item: AgendaItem | None = None, **kwargs):
        if item is not None:
            kwargs.setdefault(
                "initial",
                {name: getattr(item, name) for name in ("number", "title", "report", "minutes", *EXEMPT_FIELDS)},
            )
            kwargs.setdefault("version", item.version)
        super().__init__(*args, **kwargs)
        self.fields["report"] = ReportPickerField(
            council_id=meeting.committee.council_id, committee_id=meeting.committee_id, required=False
        )


class ActionForm(forms.Form):
    text = forms.CharField(label="Action", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(max_length=200, help_text="Such as Strategic Director, Health and Wellbeing.")
    due_on = dates.DateField(label="Due", widget=DATE_WIDGET)


class ResolutionPartForm(ContractLinkFields):
    number = forms.CharField(
        max_length=12, validators=[plain_number], help_text="As the minutes number it: i, ii or 1, 2."
    )
    kind = forms.ChoiceField(choices=ResolutionPart.Kind.choices)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    recommended_to = forms.ModelChoiceField(
        queryset=Committee.objects.all(), required=False, help_text="For a recommendation: who it goes to."
    )
    # Replaced in __init__ by a picker over the recommendations made to the meeting's committee.
    takes_up = forms.CharField(required=False, label="Takes up the recommendation")
    is_key_decision = forms.BooleanField(label="Key decision", required=False)
    is_urgent = forms.BooleanField(label="Urgent (exempt from call-in)", required=False)
    # The delegation, for a part that delegates.
    to_whom = forms.CharField(
        label="Delegated to", max_length=200, required=False, help_text="Such as the Chief Officer."
    )
    in_consultation_with = forms.CharField(max_length=200, required=False, help_text="Such as the Portfolio Holder.")
    scope = forms.CharField(
        label="To decide",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the delegate may decide.",
    )
    condition = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Such as: on satisfactory achievement of the contract performance indicators.",
    )
    expires_on = dates.DateField(label="Delegation expires on", required=False, widget=DATE_WIDGET)
    # One action, optional.
    action_text = forms.CharField(label="Action", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    action_owner = forms.CharField(label="Action owner", max_length=200, required=False)
    action_due_on = dates.DateField(label="Action due", required=False, widget=DATE_WIDGET)
    # Links to contracts, optional: one for each contract, each with the same effect.
    contract = ContractPickerField(
        multiple=True,
        required=False,
        label="Acts on contracts",
        help_text="Type their references, separated by commas, or search by title: one link is recorded for each.",
    )

    DELEGATION_FIELDS = ("to_whom", "in_consultation_with", "scope", "condition", "expires_on")
    ACTION_FIELDS = ("action_text", "action_owner", "action_due_on")
    # Service field names that have another name here.
    RENAMES = {"due_on": "action_due_on", "owner": "action_owner", "option": "option_order", "delegation": "to_whom"}

    def __init__(self, *args, choices, item: AgendaItem | None = None, **kwargs):
        if item is not None:
            # The number after the item's last part: "iii" after "ii" (committees.numbering).
            kwargs.setdefault("initial", {"number": numbering.next_number([part.number for part in item.parts.all()])})
        super().__init__(*args, **kwargs)
        _offer(self.fields["recommended_to"], choices.committees)
        self.fields["takes_up"] = RecommendationPickerField(
            meeting=choices.meeting, required=False, label="Takes up the recommendation"
        )

    def clean_number(self) -> str:
        number = _part_number(self.cleaned_data["number"])
        if not number:
            raise ValidationError("Give the part's number, such as i or 1.")
        return number

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == ResolutionPart.Kind.DELEGATE:
            if not cleaned.get("to_whom"):
                self.add_error("to_whom", "Say to whom authority is delegated.")
            if not cleaned.get("scope"):
                self.add_error("scope", "Say what the delegate may decide.")
        given = [name for name in self.ACTION_FIELDS if cleaned.get(name)]
        if given:
            for name in self.ACTION_FIELDS:
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, "An action needs its text, its owner and a due date.")
        self.check_contract_links(cleaned)
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        delegation = None
        if any(data.get(name) for name in self.DELEGATION_FIELDS):
            delegation = services.DelegationInput(
                to_whom=data["to_whom"],
                scope=data["scope"],
                in_consultation_with=data["in_consultation_with"],
                condition=data["condition"],
                expires_on=data["expires_on"],
            )
        actions = []
        if data.get("action_text"):
            actions.append(
                services.ActionInput(text=data["action_text"], owner=data["action_owner"], due_on=data["action_due_on"])
            )
        links = [
            services.LinkInput(contract=contract, effect=data["effect"], option=data["options"].get(contract.pk))
            for contract in data.get("contract") or []
        ]
        return {
            "number": data["number"],
            "kind": data["kind"],
            "text": data["text"],
            "recommended_to": data["recommended_to"],
            "takes_up": data["takes_up"],
            "is_key_decision": data["is_key_decision"],
            "is_urgent": data["is_urgent"],
            "delegation": delegation,
            "actions": actions,
            "links": links,
            "replace_authority": data["replace_authority"],
        }


# --- officer decisions ----------------------------------------------------------------------------


class OfficerDecisionForm(ContractLinkFields):
    delegation = DelegationPickerField(
        required=False,
        label="Under the delegation",
        help_text=DELEGATION_HELP + " Leave it blank when the decision was not taken under one.",
    )
    decision_maker = forms.CharField(max_length=200, help_text="Such as Chief Officer, Adult Social Care.")
    decided_on = dates.DateField(label="Decision date", widget=DATE_WIDGET)
    published_on = dates.DateField(label="Published on", required=False, widget=DATE_WIDGET)
    text = forms.CharField(label="Decision", widget=forms.Textarea(attrs={"rows": 4}))
    # The record the Openness of Local Government Bodies Regulations 2014 (reg 7) ask for.
    reasons = forms.CharField(
        label="Reasons for the decision",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reasons for the decision."},
    )
    alternatives_rejected = forms.CharField(
        label="Alternatives considered and rejected",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Each option considered and why it was rejected; write “None considered” if there were none.",
        error_messages={
            "required": "Say which alternatives were considered and rejected, and why (or “None considered”)."
        },
    )
    conflicts_of_interest = forms.CharField(
        label="Conflicts of interest declared",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="By any member consulted on the decision. Leave blank when none was declared.",
    )
    dispensations = forms.CharField(
        label="Dispensations granted",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Any dispensation granted for a declared conflict. Leave blank when none.",
    )
    is_key_decision = forms.BooleanField(
        label="Key decision",
        required=False,
        help_text="A key decision needs 28 clear days' notice on the forward plan, unless taken under "
        "general exception or special urgency.",
    )
    contract = ContractPickerField(required=False, label="Acts on contract")

    RENAMES = {"option": "option_order"}

    def __init__(self, *args, under_delegation_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if under_delegation_only:
            # Officers record the decisions they take under a delegation; clerks record any.
            field = self.fields["delegation"]
            field.required = True
            field.help_text = DELEGATION_HELP
            field.error_messages["required"] = "Choose the delegation the decision was taken under."

    def clean(self):
        cleaned = super().clean()
        self.check_contract_link(cleaned)
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        links = []
        if data.get("contract"):
            links.append(services.LinkInput(contract=data["contract"], effect=data["effect"], option=data["option"]))
        return {
            "decision_maker": data["decision_maker"],
            "decided_on": data["decided_on"],
            "text": data["text"],
            "delegation": data["delegation"],
            "published_on": data["published_on"],
            "reasons": data["reasons"],
            "alternatives_rejected": data["alternatives_rejected"],
            "conflicts_of_interest": data["conflicts_of_interest"],
            "dispensations": data["dispensations"],
            "is_key_decision": data["is_key_decision"],
            "links": links,
            "replace_authority": data["replace_authority"],
        }


class OfficerDecisionPublishForm(forms.Form):
    """The day an officer decision record was published."""

    published_on = dates.DateField(label="Published on", widget=forms.DateInput(attrs={"type": "date"}))
