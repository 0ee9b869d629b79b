from datetime import date, timedelta

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q

from contracts.models import Contract, Organisation, Provider, ServiceArea
from contracts.pickers import ProviderPickerField
from contracts.querysets import with_figures
from contracts.terms import period_end


class ProviderFilter(django_filters.Filter):
    """A provider by its name, Companies House number or charity number."""

    field_class = ProviderPickerField


class ContractFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": "Reference, title or provider", "type": "search"}),
    )
    service_area = django_filters.ModelChoiceFilter(
        label="Service area", queryset=ServiceArea.objects.all(), empty_label="Any service area"
    )
    # Typed, not chosen from a list: the form stays the same size however many providers there are.
    provider = ProviderFilter(label="Provider", method="filter_provider", help_text="")
    commissioner = django_filters.ModelChoiceFilter(
        label="Commissioner",
        field_name="lead_commissioner",
        queryset=Organisation.objects.all(),
        empty_label="Any commissioner",
    )
    legislation = django_filters.ChoiceFilter(
        label="Legislation", choices=Contract.Legislation.choices, empty_label="Any legislation"
    )
    route = django_filters.ChoiceFilter(label="Route", choices=Contract.Route.choices, empty_label="Any route")
    contract_type = django_filters.ChoiceFilter(
        label="Type", choices=Contract.ContractType.choices, empty_label="Any type"
    )
    status = django_filters.ChoiceFilter(label="Status", choices=Contract.Status.choices, empty_label="Any status")
    ends_within = django_filters.NumberFilter(
        label="Ends within (months)",
        min_value=1,
        max_value=600,
        method="filter_ends_within",
        widget=forms.NumberInput(attrs={"min": 1, "max": 240, "placeholder": "e.g. 12"}),
    )
    final_within = django_filters.NumberFilter(
        label="Ends for good within (months)",
        min_value=1,
        max_value=600,
        method="filter_final_within",
        widget=forms.NumberInput(attrs={"min": 1, "max": 240}),
    )
    deadline_within = django_filters.NumberFilter(
        label="Option decision due within (days)",
        min_value=0,
        max_value=3650,
        method="filter_deadline_within",
        widget=forms.NumberInput(attrs={"min": 0}),
    )
    flag = django_filters.ChoiceFilter(
        label="Needs attention",
        empty_label="Anything",
        choices=[
            ("deadline_late", "Option decision late"),
            ("over_approved", "Over the approved value"),
            ("spend_over", "Spend above projection"),
        ],
        method="filter_flag",
    )
    value_min = django_filters.NumberFilter(
        field_name="whole_life_value", lookup_expr="gte", label="Whole-life value from (£)", min_value=0
    )
    value_max = django_filters.NumberFilter(
        field_name="whole_life_value", lookup_expr="lte", label="Whole-life value to (£)", min_value=0
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("reference", "reference"),
            ("title", "title"),
            ("lead_commissioner__name", "commissioner"),
            ("start_date", "start"),
            ("current_end_date", "current_end"),
            ("final_end_date", "final_end"),
            ("next_decision_deadline", "deadline"),
            ("current_annual_value", "annual_value"),
            ("whole_life_value", "whole_life_value"),
            ("status", "status"),
        ),
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Contract
        fields: list[str] = []

    def __init__(self, *args, today: date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        provider_match = Provider.objects.filter(contracts=OuterRef("pk"), name__icontains=value)
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value) | Exists(provider_match))

    def filter_provider(self, queryset, name, value):
        # Exists rather than a join, so a contract with two providers is listed once.
        return queryset.filter(
            Exists(Provider.contracts.through.objects.filter(contract=OuterRef("pk"), provider=value))
        )

    def filter_ends_within(self, queryset, name, value):
        months = int(value)
        return queryset.filter(current_end_date__gte=self.today, current_end_date__lte=period_end(self.today, months))

    def filter_final_within(self, queryset, name, value):
        # With no option left open, the current end is the final end.
        return self.filter_ends_within(queryset, name, value).filter(next_option__isnull=True)

    def filter_deadline_within(self, queryset, name, value):
        return queryset.filter(
            next_decision_deadline__gte=self.today,
            next_decision_deadline__lte=self.today + timedelta(days=int(value)),
        )

    def filter_flag(self, queryset, name, value):
        if value == "deadline_late":
            return queryset.filter(option_late=True)
        if value == "over_approved":
            return queryset.filter(approved_value__isnull=False, whole_life_value__gt=F("approved_value"))
        if value == "spend_over":
            return queryset.filter(spend_over=True)
        return queryset

    def filter_queryset(self, queryset):
        # The figures are those of the day asked for, so the queryset carries them first.
        return super().filter_queryset(with_figures(queryset, today=self.today))
