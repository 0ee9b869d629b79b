from datetime import date
from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from commissioning.core import dates
from commissioning.core.versioning import VersionedFormMixin
from contracts.models import (
    Contract,
    FundingShare,
    Kpi,
    KpiAssessment,
    MonitoringRecord,
    NoticePublication,
    Organisation,
    Provider,
)
from contracts.money import financial_year_label, financial_year_of
from contracts.pickers import ProviderPickerField
from contracts.services import Share, charity_number_of, companies_house_number_of, validate_funding
from contracts.terms import TermError, parse_term

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, *, formsets: dict[str, forms.BaseFormSet] | None = None
) -> None:
    """Put a service's ValidationError on the form: on the field it names when the
    form has that field, at the top of `formsets[field]` when it names one of those
    (the funding rows, say), otherwise at the top of the form. The formsets must
    have been validated already."""
    formsets = formsets or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        if field in formsets:
            formsets[field]._non_form_errors.extend(errors)
        elif field in form.fields and field != NON_FIELD_ERRORS:
            form.add_error(field, errors)
        else:
            form.add_error(None, errors)


def checked_term(term: str) -> str:
    """For a form's `clean_<term field>`: `term` when `parse_term` reads it, else
    the reason it cannot, as the field's error."""
    try:
        parse_term(term)
    except TermError as error:
        raise ValidationError(str(error)) from None
    return term


_INCOMPLETE = (
    "A contract without a start date, an end or a value is kept as incomplete, out of the figures that need it."
)


class ContractForm(VersionedFormMixin, forms.ModelForm):
    providers = ProviderPickerField(
        multiple=True,
        help_text="Type names (or Companies House or charity numbers), separated by semicolons, or search by name.",
    )
    options_exercised = forms.IntegerField(
        label="Options already exercised",
        min_value=0,
        initial=0,
        help_text="For a contract already running: how many options, in order, have been taken.",
    )

    class Meta:
        model = Contract
        fields = [
            "reference",
            "title",
            "description",
            "service_area",
            "contract_type",
            "legislation",
            "route",
            "lead_commissioner",
            "providers",
            "directorate",
            "procurement_classification",
            "start_date",
            "term",
            "end_date",
            "review_date",
            "annual_value",
            "annual_uplift_percent",
            "approved_value",
            "notes",
        ]
        field_classes = {"start_date": dates.DateField, "end_date": dates.DateField, "review_date": dates.DateField}
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "review_date": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "annual_value": "Annual value (£)",
            "approved_value": "Approved value (£)",
            "lead_commissioner": "Lead commissioner",
        }
        help_texts = {
            "start_date": f"Leave blank if not known: the contract is then kept as incomplete. {_INCOMPLETE}",
            "term": "Years, or months with m: 5+2+2, 3+2, 18m+6m. Leave blank if not known, or if the end date "
            f"below gives the initial term. {_INCOMPLETE}",
            "end_date": "The last day of the initial term when the contract gives it; it wins over the term's "
            "first part. Blank to count it from the term.",
            "annual_value": "The value of one year of the contract, before any uplift. Leave blank if not known. "
            + _INCOMPLETE,
        }

    def __init__(self, *args, adding_provider: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # A provider typed in below the list is a provider too.
        self.fields["providers"].required = not adding_provider
        if self.instance.pk:
            # Options on a registered contract are decided on its page, one by one.
            del self.fields["options_exercised"]
            self.fields["reference"].disabled = True
            self.fields["reference"].help_text = "A reference cannot change once registered."
        self.fields["annual_uplift_percent"].required = False
        for name in ("annual_value", "approved_value"):
            self.fields[name].widget.attrs.update({"step": "0.01", "min": "0"})

    def clean_term(self) -> str:
        term = self.cleaned_data["term"]
        return checked_term(term) if term.strip() else ""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date cannot be before the start date.")
        term = cleaned.get("term")
        exercised = cleaned.get("options_exercised")
        if term and exercised is not None:
            available = len(parse_term(term)) - 1
            if exercised > available:
                noun = "option" if available == 1 else "options"
                self.add_error(
                    "options_exercised",
                    f"{exercised} options exercised, but the term {term} has only {available} {noun}.",
                )
        return cleaned

    def service_arguments(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "reference"}
        data["providers"] = list(data["providers"])
        data["annual_uplift_percent"] = data["annual_uplift_percent"] or Decimal("0")
        if "options_exercised" in self.fields:
            data["options_exercised"] = self.cleaned_data["options_exercised"]
        return data


class FundingShareForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False)
    percent = forms.DecimalField(
        label="Share (%)",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        organisation, percent = cleaned.get("organisation"), cleaned.get("percent")
        if organisation and percent is None and "percent" not in self.errors:
            self.add_error("percent", "Enter this organisation's share.")
        if percent is not None and not organisation:
            self.add_error("organisation", "Choose the organisation this share belongs to.")
        return cleaned


class BaseFundingFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        shares = self.shares()
        if shares:
            try:
                validate_funding(shares)
            except ValidationError as error:
                # The formset's own errors are a list, not keyed by field.
                raise ValidationError(error.message_dict["funding"]) from None

    def shares(self) -> list[Share]:
        return [
            Share(organisation=form.cleaned_data["organisation"], percent=form.cleaned_data["percent"])
            for form in self.forms
            if form.cleaned_data.get("organisation") and form.cleaned_data.get("percent") is not None
        ]


def _funding_rows(contract: Contract | None) -> list[dict]:
    if contract is None or not contract.pk:
        return []
    return [
        {"organisation": share.organisation_id, "percent": share.percent}
        for share in FundingShare.objects.filter(contract=contract)
    ]


def contract_form(data=None, *, contract: Contract | None = None, adding_provider: bool = False) -> ContractForm:
    """The register or edit form; editing, it remembers the version and the values it showed.
    `adding_provider`: a new provider was typed in, so none need be chosen from the list."""
    if contract is None or not contract.pk:
        return ContractForm(data, adding_provider=adding_provider)
    funding = [f"{row['organisation']}: {row['percent']}" for row in _funding_rows(contract)]
    return ContractForm(data, instance=contract, shown_elsewhere={"Funding": funding}, adding_provider=adding_provider)


def funding_formset(*, data=None, contract: Contract | None = None) -> BaseFundingFormSet:
    initial = _funding_rows(contract)
    formset_class = forms.formset_factory(
        FundingShareForm, formset=BaseFundingFormSet, extra=max(3 - len(initial), 1), max_num=10
    )
    return formset_class(data=data, initial=initial, prefix="funding")


class OptionDecisionForm(forms.Form):
    authority = forms.ChoiceField(
        label="Authorising decision",
        required=False,
        help_text="The resolution or officer decision that authorised this. Decisions linked to this contract are listed.",
    )
    decided_by = forms.CharField(
        label="Decided by",
        max_length=200,
        help_text="Who took the decision, e.g. Chief Officer in consultation with the Portfolio Holder.",
    )
    decided_on = dates.DateField(label="Decision date", widget=DATE_WIDGET)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    replace_authority = forms.BooleanField(
        label="Replace the recorded authority",
        required=False,
        help_text="When another decision is already recorded as this option's authority: record this one instead. "
        "The earlier one stays in the history.",
    )

    def __init__(self, *args, today: date, authority_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["decided_on"].initial = today
        self.fields["authority"].choices = authority_choices

    def clean_decided_on(self):
        decided_on = self.cleaned_data["decided_on"]
        if decided_on > self.today:
            raise ValidationError("The decision date cannot be in the future.")
        return decided_on


class SpendForm(forms.Form):
    financial_year = forms.TypedChoiceField(label="Financial year", coerce=int)
    amount = forms.DecimalField(
        label="Actual spend (£)",
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages={"min_value": "Spend cannot be negative."},
    )
    note = forms.CharField(required=False, max_length=250)

    def __init__(self, *args, contract: Contract, final_end: date, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        first = financial_year_of(contract.start_date)
        last = max(financial_year_of(final_end), first)
        self.fields["financial_year"].choices = [(year, financial_year_label(year)) for year in range(first, last + 1)]
        current = financial_year_of(today)
        self.fields["financial_year"].initial = min(max(current, first), last)
        self.fields["amount"].widget.attrs.update({"step": "0.01", "min": "0"})


# --- providers and organisations --------------------------------------------------------------


def _field_error(error: ValidationError, name: str) -> ValidationError:
    """A service's error keyed by `name`, as a field's own error."""
    return ValidationError(error.message_dict[name])


class ProviderForm(VersionedFormMixin, forms.ModelForm):
    """Add or edit a provider. The numbers are read as a register file's are, so
    "GB/1234567" is kept as 01234567 and "sc 123456" as SC123456."""

    # Longer than what is kept: what is typed is read before it is checked.
    companies_house_number = forms.CharField(
        label="Companies House number",
        max_length=20,
        required=False,
        help_text="8 characters, such as 01234567 or SC123456; shorter numbers get their leading zeros.",
    )
    charity_number = forms.CharField(
        label="Charity number",
        max_length=20,
        required=False,
        help_text="The Charity Commission's number, such as 1064342 (or 1064342-1 for a linked charity).",
    )

    class Meta:
        model = Provider
        fields = ["name", "companies_house_number", "charity_number", "is_sme", "is_vcse"]

    def clean_companies_house_number(self) -> str:
        try:
            return companies_house_number_of(self.cleaned_data["companies_house_number"])
        except ValidationError as error:
            raise _field_error(error, "companies_house_number") from None

    def clean_charity_number(self) -> str:
        try:
            return charity_number_of(self.cleaned_data["charity_number"])
        except ValidationError as error:
            raise _field_error(error, "charity_number") from None

    def validate_unique(self):
        """A name already taken is refused by the service, ignoring case, with a message that says what to do."""


class OrganisationForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind"]

    def validate_unique(self):
        """A name already taken is refused by the service, ignoring case, with a message that says what to do."""


class NoticePublicationForm(forms.Form):
    """A Procurement Act notice recorded as published. Which notice (its kind, and
    the contract or the half-year) comes with the link that opens the form."""

    kind = forms.ChoiceField(choices=NoticePublication.Kind.choices, widget=forms.HiddenInput)
    contract = forms.IntegerField(required=False, widget=forms.HiddenInput)
    change = forms.IntegerField(required=False, widget=forms.HiddenInput)  # a change notice's change
    period_end = dates.DateField(required=False, widget=forms.HiddenInput)
    published_on = dates.DateField(label="Published on", widget=DATE_WIDGET)
    identifier = forms.CharField(
        label="Notice identifier",
        max_length=100,
        help_text="As the central digital platform gives it, e.g. 2025/S 000-012345.",
    )
    url = forms.URLField(label="Link to the notice", required=False, assume_scheme="https")


class KpiForm(VersionedFormMixin, forms.ModelForm):
    """Set or edit one KPI of a contract."""

    class Meta:
        model = Kpi
        fields = ["name", "measure", "target", "frequency", "evidence_source"]
        widgets = {"measure": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        # The service checks the record, with the messages the model gives; the form checks each field.
        pass


class KpiAssessmentForm(forms.ModelForm):
    """Record one period's rating of a KPI. The rating is the statutory scale's."""

    class Meta:
        model = KpiAssessment
        fields = ["period_start", "period_end", "rating", "figures", "note", "assessed_on"]
        field_classes = {"period_start": dates.DateField, "period_end": dates.DateField, "assessed_on": dates.DateField}
        widgets = {
            "period_start": DATE_WIDGET,
            "period_end": DATE_WIDGET,
            "assessed_on": DATE_WIDGET,
            "figures": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, kpi: Kpi, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kpi = kpi
        self.fields["rating"].choices = [("", "Choose a rating"), *KpiAssessment.Rating.choices]

    def _post_clean(self):
        # The service checks the record (with the messages the model gives); the form checks each field.
        pass


class MonitoringRecordForm(VersionedFormMixin, forms.ModelForm):
    """Record a monitoring visit or a contract monitoring report, or correct one (`instance=`)."""

    class Meta:
        model = MonitoringRecord
        fields = ["kind", "held_on", "title", "carried_out_by", "summary", "findings"]
        field_classes = {"held_on": dates.DateField}
        widgets = {
            "held_on": DATE_WIDGET,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.contract = contract
        self.fields["kind"].choices = [("", "Choose a kind"), *MonitoringRecord.Kind.choices]

    def _post_clean(self):
        # The service checks the record (with the messages the model gives); the form checks each field.
        pass
