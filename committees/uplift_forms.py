"""The fee uplift forms: which contracts, by how much, from when, under which
decision; and reversing one before it takes effect."""

import hashlib
from datetime import date
from decimal import Decimal

from django import forms

from commissioning.core import dates
from commissioning.core.formatting import format_day
from committees.decisions import Power
from committees.pickers import DecisionPickerField
from contracts.forms import DATE_WIDGET
from contracts.models import Contract, FeeUplift, ServiceArea
from contracts.pickers import ContractPickerField, ProviderPickerField
from contracts.terms import months_before

# Contracts changed within this many months before an uplift are left out unless the form says otherwise.
RECENT_MONTHS = 12


class FeeUpliftForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="For example: Care fee uplift 2027/28.")
    basis = forms.ChoiceField(choices=FeeUplift.Basis.choices)
    percent = forms.DecimalField(
        label="Uplift (%)",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        help_text="Applied to each contract's annual value on the day it takes effect, such as 6.7.",
    )
    effective_on = dates.DateField(label="Takes effect on", widget=DATE_WIDGET)
    authority = DecisionPickerField(
        power=Power.CHANGE_CONTRACT,
        label="Authorising decision",
        required=False,
        help_text="Needed to confirm, not to preview. Type a resolution as “30 Sep 2029, item 79 (ii)” or "
        "“report reference (ii)”, or an officer decision's reference such as OD-12; or search.",
    )
    # Which contracts.
    service_areas = forms.ModelMultipleChoiceField(
        queryset=ServiceArea.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Service areas",
    )
    contract_types = forms.MultipleChoiceField(
        choices=Contract.ContractType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Contract types",
    )
    provider = ProviderPickerField(required=False, help_text="Type the provider's name, or search.")
    contracts = ContractPickerField(
        multiple=True,
        required=False,
        label="These contracts as well",
        help_text="References, separated by commas: added to those the areas, types and provider choose.",
    )
    # Which to leave out.
    exclude_indexed = forms.BooleanField(
        label="Leave out contracts with their own indexation",
        required=False,
        initial=True,
        help_text="Those whose annual uplift is set on the contract.",
    )
    changed_since = dates.DateField(
        label="Leave out contracts changed on or after",
        required=False,
        widget=DATE_WIDGET,
        help_text=f"Blank for {RECENT_MONTHS} months before the uplift takes effect.",
    )
    excluded = ContractPickerField(
        multiple=True,
        required=False,
        label="Leave out these contracts",
        help_text="References, separated by commas.",
    )

    def clean(self):
        data = super().clean()
        chosen = (
            data.get("service_areas") or data.get("contract_types") or data.get("provider") or data.get("contracts")
        )
        named = all(name not in self.errors for name in ("service_areas", "contract_types", "provider", "contracts"))
        if named and not chosen:
            raise forms.ValidationError(
                "Choose the contracts: by service area, contract type or provider, or list them by reference."
            )
        return data

    def changed_since_day(self) -> date:
        data = self.cleaned_data
        return data["changed_since"] or months_before(data["effective_on"], RECENT_MONTHS)

    def plan_arguments(self) -> dict:
        """What `contracts.services.uplift_plan` takes from the form, besides the contracts."""
        data = self.cleaned_data
        return {
            "percent": data["percent"],
            "effective_on": data["effective_on"],
            "exclude_indexed": data["exclude_indexed"],
            "changed_since": self.changed_since_day(),
            "excluded_ids": [contract.pk for contract in data["excluded"]],
        }

    def selection_text(self) -> str:
        """Which contracts were chosen and which left out, in words, kept with the uplift."""
        data = self.cleaned_data
        chosen = []
        if data["service_areas"]:
            chosen.append("service areas: " + ", ".join(area.name for area in data["service_areas"]))
        if data["contract_types"]:
            labels = dict(Contract.ContractType.choices)
            chosen.append("types: " + ", ".join(labels[kind] for kind in data["contract_types"]))
        if data["provider"]:
            chosen.append(f"provider: {data['provider'].name}")
        if data["contracts"]:
            chosen.append("listed: " + ", ".join(contract.reference for contract in data["contracts"]))
        left_out = [f"changed on or after {format_day(self.changed_since_day())}"]
        if data["exclude_indexed"]:
            left_out.insert(0, "with their own indexation")
        if data["excluded"]:
            left_out.append("listed: " + ", ".join(contract.reference for contract in data["excluded"]))
        text = "; ".join(chosen)
        return f"Chosen by {text}. Left out: {'; '.join(left_out)}."

    def fingerprint(self, contract_ids: list[int]) -> str:
        """What the preview showed the money for: the confirm button saves only when the
        form still says the same (the contracts chosen, the percentage, the day and the exclusions)."""
        arguments = self.plan_arguments()
        text = repr(
            (
                sorted(contract_ids),
                str(arguments["percent"].normalize()),
                arguments["effective_on"].isoformat(),
                arguments["exclude_indexed"],
                arguments["changed_since"].isoformat(),
                sorted(arguments["excluded_ids"]),
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()[:32]


class FeeUpliftReverseForm(forms.Form):
    reason = forms.CharField(
        label="Why it is reversed",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Kept with the uplift.",
    )
