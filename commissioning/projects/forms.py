"""Forms for projects, gateway decisions, required steps and waivers.

Forms only parse input; the rules live in `commissioning.projects.services`, whose
`ValidationError`s the views put back on these forms.
"""

from datetime import date
from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

from commissioning.core import dates
from commissioning.core.formatting import format_day
from commissioning.core.versioning import VersionedFormMixin
from commissioning.projects.models import (
    AppraisedOption,
    CommissioningProject,
    Gateway,
    ProjectFundingShare,
    RequiredStep,
)
from commissioning.projects.services import ProjectShare
from committees import decisions
from committees.decisions import Power
from committees.models import ContractLink, OfficerDecision, ResolutionPart
from committees.pickers import DecisionPickerField
from contracts.forms import DATE_WIDGET, BaseFundingFormSet, FundingShareForm, checked_term
from contracts.models import Contract, ServiceArea
from contracts.pickers import ContractPickerField


def part_label(part: ResolutionPart) -> str:
    meeting = part.item.meeting
    report = f", report {part.item.report.reference}" if part.item.report_id else ""
    return f"{meeting.committee}, {format_day(meeting.date)}, item {part.item.number} ({part.number}){report}: {part.get_kind_display()}"


def officer_label(decision: OfficerDecision) -> str:
    return f"Officer decision, {decision.decision_maker}, {format_day(decision.decided_on)}"


def _money_widget(field: forms.Field) -> None:
    field.widget.attrs.update({"step": "0.01", "min": "0"})


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class ProjectForm(VersionedFormMixin, forms.ModelForm):
    """A project's own fields. Successor contracts and the status are chosen only
    once a project exists: a new project replaces contracts, it has none of its own yet."""

    incumbent_contracts = ContractPickerField(
        multiple=True,
        required=False,
        label="Contracts it replaces",
        help_text="The incumbent contracts: type their references, separated by commas, or search by title.",
    )
    successor_contracts = ContractPickerField(
        multiple=True,
        required=False,
        label="Contracts it led to",
        help_text="The new contracts, once they are registered: references separated by commas.",
    )
    lead_officer = UserChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username"),
        required=False,
    )

    class Meta:
        model = CommissioningProject
        fields = [
            "title",
            "service_area",
            "lead_officer",
            "status",
            "incumbent_contracts",
            "successor_contracts",
            "required_start_date",
            "estimated_annual_value",
            "estimated_term",
            "legislation",
            "route",
            "contract_type",
            "baseline_annual_cost",
            "baseline_year",
            "notes",
        ]
        field_classes = {"required_start_date": dates.DateField}
        widgets = {
            "required_start_date": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "required_start_date": "Required start",
            "estimated_annual_value": "Estimated annual value (£)",
            "baseline_annual_cost": "Baseline annual cost (£)",
        }
        help_texts = {
            "estimated_term": "Years, or months with m: 5+2+2 is five years with two options of two years.",
            "baseline_annual_cost": "What the service costs a year now, to measure the saving against.",
        }

    def __init__(self, *args, **kwargs):
        # A blank required start is stored blank: it follows the incumbents.
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        start = self.fields["required_start_date"]
        start.required = False
        start.help_text = (
            "The day the new service must start. Leave it blank to use the day after the latest "
            "final end of the contracts it replaces; gateway due dates count back from it."
        )
        project = self.instance
        if project.pk:
            if getattr(project, "required_start", None) and not project.required_start_by_hand:
                start.help_text += f" Now {format_day(project.required_start)}, worked out from the incumbents."
        else:
            del self.fields["status"]
            del self.fields["successor_contracts"]
        legislation = self.fields["legislation"]
        legislation.choices = [("", "By the day the procurement starts"), *Contract.Legislation.choices]
        legislation.help_text = (
            "Procurements started on or after 24 Feb 2025 fall under the Procurement Act 2023, "
            "earlier ones under PCR 2015. Choose a law only to override that (e.g. the Provider Selection Regime)."
        )
        for name in ("estimated_annual_value", "baseline_annual_cost"):
            _money_widget(self.fields[name])
        first, last = dates.EARLIEST_DATE.year, dates.LATEST_DATE.year
        baseline_year = self.fields["baseline_year"]
        baseline_year.validators += [MinValueValidator(first), MaxValueValidator(last)]
        baseline_year.widget.attrs.update({"min": first, "max": last})

    def clean_estimated_term(self) -> str:
        term = self.cleaned_data["estimated_term"].strip()
        return checked_term(term) if term else term

    def service_arguments(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        if self.is_edit:
            data["version"] = self.read_version
        data["incumbent_contracts"] = list(data["incumbent_contracts"])
        if "successor_contracts" in data:
            data["successor_contracts"] = list(data["successor_contracts"])
        return data


class ProjectFundingFormSet(BaseFundingFormSet):
    """The register's funding rows and checks, giving the project service its shares."""

    def project_shares(self) -> list[ProjectShare]:
        return [ProjectShare(organisation=share.organisation, percent=share.percent) for share in self.shares()]


def project_funding_formset(*, data=None, initial: list[dict] | None = None) -> ProjectFundingFormSet:
    initial = initial or []
    formset_class = forms.formset_factory(
        FundingShareForm, formset=ProjectFundingFormSet, extra=max(3 - len(initial), 1), max_num=10
    )
    return formset_class(data=data, initial=initial, prefix="funding")


def project_form(data=None, *, project: CommissioningProject | None = None, initial: dict | None = None) -> ProjectForm:
    """The start or edit form; editing, it remembers the version and the values it showed."""
    if project is None:
        return ProjectForm(data, initial=initial or {})
    funding = [f"{row['organisation']}: {row['percent']}" for row in project_funding_initial(project)]
    return ProjectForm(data, instance=project, initial=initial or {}, shown_elsewhere={"Funding": funding})


def project_funding_initial(project: CommissioningProject) -> list[dict]:
    return [
        {"organisation": share.organisation_id, "percent": share.percent}
        for share in ProjectFundingShare.objects.filter(project=project)
    ]


def project_initial_from_contract(contract: Contract) -> tuple[dict, list[dict]]:
    """What a project that replaces `contract` starts with, and its funding rows."""
    initial = {
        "title": f"Re-commissioning: {contract.title}",
        "service_area": contract.service_area_id,
        "incumbent_contracts": [contract.pk],
        "estimated_annual_value": contract.annual_value,
        "estimated_term": contract.term,
        "route": contract.route,
        "contract_type": contract.contract_type,
    }
    if contract.legislation == Contract.Legislation.PSR:
        # Health care bought under the Provider Selection Regime stays under it; otherwise
        # the new procurement's law follows the day it starts, not the incumbent's.
        initial["legislation"] = contract.legislation
    funding = [
        {"organisation": share.organisation_id, "percent": share.percent} for share in contract.funding_shares.all()
    ]
    return initial, funding


# --- decisions a project can point to ----------------------------------------------------


class DecisionCandidates:
    """Decisions that may have passed a project's gateway or taken one of its steps:
    resolution parts linked to its incumbent or successor contracts, or taken on an
    agenda item whose report is about them, and officer decisions linked to them.
    Loaded in two queries, whatever the number of contracts."""

    def __init__(self, project: CommissioningProject):
        contracts = [c.pk for c in project.incumbent_contracts.all()] + [
            c.pk for c in project.successor_contracts.all()
        ]
        # The union of two lookups, each through its own index: an OR across the two
        # joins (or across two subqueries) reads every resolution part there is.
        linked = ContractLink.objects.filter(contract__in=contracts, resolution_part__isnull=False)
        reported = ResolutionPart.objects.filter(item__report__contracts__in=contracts)
        part_ids = linked.order_by().values("resolution_part_id").union(reported.order_by().values("pk"))
        self.parts = (
            list(
                ResolutionPart.objects.filter(pk__in=part_ids)
                .select_related("item__meeting__committee", "item__report")
                .order_by("item__meeting__starts_at", "item__position", "position", "pk")
            )
            if contracts
            else []
        )
        self.officer_decisions = (
            list(
                OfficerDecision.objects.filter(contract_links__contract__in=contracts)
                .distinct()
                .order_by("decided_on", "pk")
            )
            if contracts
            else []
        )

    def approving_choices(self) -> list:
        parts = [
            (f"part:{p.pk}", part_label(p)) for p in self.parts if decisions.can_authorise(p.kind, Power.PASS_GATEWAY)
        ]
        officers = [(f"officer:{d.pk}", officer_label(d)) for d in self.officer_decisions]
        return _grouped(parts, officers)

    def decision(self, value: str) -> ResolutionPart | OfficerDecision | None:
        kind, _, pk = value.partition(":")
        pool = {"part": self.parts, "officer": self.officer_decisions}.get(kind, [])
        return next((d for d in pool if str(d.pk) == pk), None)


def _grouped(parts: list, officers: list) -> list:
    choices: list = [("", "Choose the decision")]
    if parts:
        choices.append(("Resolutions", parts))
    if officers:
        choices.append(("Officer decisions", officers))
    return choices


class GatewayPassForm(forms.Form):
    gateway = forms.ChoiceField()
    decision = forms.ChoiceField(
        label="The decision that passed it",
        help_text="Decisions linked to the project's contracts or to reports about them. The date passed is the decision's date.",
    )

    def __init__(self, *args, gateways: list[Gateway], candidates: DecisionCandidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.gateways = {str(g.pk): g for g in gateways}
        self.candidates = candidates
        self.fields["gateway"].choices = [("", "Choose the gateway")] + [
            (pk, f"{g.name}: {g.decision}") for pk, g in self.gateways.items()
        ]
        self.fields["decision"].choices = candidates.approving_choices()

    @property
    def has_decisions(self) -> bool:
        return len(self.fields["decision"].choices) > 1

    def clean_gateway(self) -> Gateway:
        return self.gateways[self.cleaned_data["gateway"]]

    def clean_decision(self):
        decision = self.candidates.decision(self.cleaned_data["decision"])
        if decision is None:
            raise ValidationError("Choose one of the decisions listed.")
        return decision


class AppraisedOptionForm(forms.ModelForm):
    class Meta:
        model = AppraisedOption
        fields = ["description", "outcome", "pros", "cons", "reason"]
        labels = {"description": "Option", "pros": "For", "cons": "Against", "reason": "Why recommended or rejected"}
        widgets = {
            "pros": forms.Textarea(attrs={"rows": 2}),
            "cons": forms.Textarea(attrs={"rows": 2}),
            "reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"reason": "Needed when the option is rejected."}


class ProjectStepForm(forms.Form):
    rule = forms.ChoiceField(label="Required step")
    done_on = dates.DateField(label="Done on", widget=DATE_WIDGET)
    resolution_part = forms.ChoiceField(label="Resolution that took it", required=False)
    note = forms.CharField(required=False, max_length=250)

    def __init__(self, *args, rules: list[RequiredStep], candidates: DecisionCandidates, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = {str(rule.pk): rule for rule in rules}
        self.candidates = candidates
        self.fields["rule"].choices = [("", "Choose the step")] + [(str(r.pk), r.name) for r in rules]
        self.fields["resolution_part"].choices = [("", "None recorded")] + [
            (f"part:{p.pk}", part_label(p)) for p in candidates.parts
        ]
        self.fields["done_on"].initial = today

    def clean_rule(self) -> RequiredStep:
        return self.rules[self.cleaned_data["rule"]]

    def clean_resolution_part(self) -> ResolutionPart | None:
        value = self.cleaned_data["resolution_part"]
        return self.candidates.decision(value) if value else None


# --- waivers -----------------------------------------------------------------------------


class WaiverForm(forms.Form):
    service = forms.CharField(
        max_length=250, help_text="The service exempted from tender, named the same way each time."
    )
    service_area = forms.ModelChoiceField(queryset=ServiceArea.objects.all())
    contract = ContractPickerField(
        required=False, help_text="The contract the waiver covers, if registered: its reference, or search by title."
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="Why the service is exempt from tender."
    )
    start_date = dates.DateField(label="Start", widget=DATE_WIDGET)
    term = forms.CharField(
        max_length=60,
        help_text="The initial period and any extension: 18m+6m is 18 months with an option of six more.",
    )
    value = forms.DecimalField(label="Value (£)", max_digits=14, decimal_places=2, min_value=Decimal("0"))
    approver = forms.CharField(
        max_length=200, help_text="Who approved it, such as the Portfolio Holder for Care Services."
    )
    approved_on = dates.DateField(label="Approved on", widget=DATE_WIDGET)
    authority = DecisionPickerField(
        power=Power.APPROVE_WAIVER,
        label="Authorising decision",
        required=False,
        help_text="The resolution or officer decision that approved the waiver, if recorded: type it as "
        "“30 Sep 2029, item 79 (ii)”, “report reference (ii)” or an officer decision's reference such as OD-12, "
        "or search.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _money_widget(self.fields["value"])

    def clean_term(self) -> str:
        return checked_term(self.cleaned_data["term"].strip())

    def service_arguments(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if name != "authority"}
        authority = self.cleaned_data["authority"]
        data["resolution_part"] = authority if isinstance(authority, ResolutionPart) else None
        data["officer_decision"] = authority if isinstance(authority, OfficerDecision) else None
        return data
