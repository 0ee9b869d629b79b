"""The form recording a change to a contract with the decision that authorised
it: it parses what a person typed; the rules (the ground's law, the limits, the
term cut short) are `contracts.services.contract_change_record`'s."""

from decimal import Decimal

from django import forms

from commissioning.core import dates
from committees.decisions import Power
from committees.pickers import DecisionPickerField
from contracts.changes import grounds_for
from contracts.forms import DATE_WIDGET
from contracts.models import Contract
from contracts.pickers import ProviderPickerField

MONEY_LIMIT = Decimal("999999999999.99")


class ContractChangeForm(forms.Form):
    effective_on = dates.DateField(
        label="Takes effect on", widget=DATE_WIDGET, help_text="The change counts in the figures from this day."
    )
    annual_value_change = forms.DecimalField(
        label="Change to the annual value (£ a year)",
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=-MONEY_LIMIT,
        max_value=MONEY_LIMIT,
        help_text="Added to the annual value from the day it takes effect; negative to reduce it.",
    )
    one_off_value_change = forms.DecimalField(
        label="One-off amount (£)",
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=-MONEY_LIMIT,
        max_value=MONEY_LIMIT,
        help_text="Paid once, in full, on the day it takes effect (extra hours in a winter pressure, say); "
        "negative for a credit. Not added to the annual value.",
    )
    term_change_months = forms.IntegerField(
        label="Change to the term (months)",
        required=False,
        min_value=-1200,
        max_value=1200,
        help_text="Months added to the period the contract is in on that day; negative to shorten it.",
    )
    scope_change = forms.CharField(
        label="Change to the scope", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    new_supplier = ProviderPickerField(
        label="New supplier",
        required=False,
        help_text="For a change of supplier: type the provider's name or Companies House number, or search.",
    )
    ground = forms.ChoiceField(label="Legal ground")
    description = forms.CharField(
        label="What changed and why", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    authority = DecisionPickerField(power=Power.CHANGE_CONTRACT, label="Authorising decision")
    override_reason = forms.CharField(
        label="Why the change stands beyond its ground's limits",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with the change: legal advice, say, or the exemption relied on.",
    )

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [("", "---------")] + [
            (ground.code, ground.label) for ground in grounds_for(contract.legislation)
        ]
        self.fields["annual_value_change"].widget.attrs["step"] = "0.01"
        self.fields["one_off_value_change"].widget.attrs["step"] = "0.01"

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "effective_on": data["effective_on"],
            "annual_value_change": data["annual_value_change"] or Decimal("0.00"),
            "one_off_value_change": data["one_off_value_change"] or Decimal("0.00"),
            "term_change_months": data["term_change_months"] or 0,
            "scope_change": data["scope_change"],
            "new_supplier": data["new_supplier"],
            "ground": data["ground"],
            "description": data["description"],
            "override_reason": data["override_reason"],
        }

    @property
    def beyond_limits(self) -> bool:
        """Whether the service refused the change as beyond its ground's limits, or a reason was given."""
        return bool(self.errors.get("override_reason")) or bool(self.data.get(self.add_prefix("override_reason")))
