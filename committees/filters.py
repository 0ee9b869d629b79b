"""FilterSets for the committee lists; used by committees.selectors, not by views."""

import django_filters
from django import forms
from django.db.models import Q

from committees.models import Action, CallIn, Committee, ForwardPlanEntry, Report
from contracts.models import Organisation


class ReportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": "Reference or title", "type": "search"}),
    )
    kind = django_filters.ChoiceFilter(label="Kind", choices=Report.Kind.choices, empty_label="Any kind")
    council = django_filters.ModelChoiceFilter(
        label="Council",
        queryset=Organisation.objects.filter(reports__isnull=False).distinct(),
        empty_label="Any council",
    )

    class Meta:
        model = Report
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))


class ActionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[("overdue", "Overdue"), *Action.Status.choices],
        empty_label="Any status",
        method="filter_status",
    )
    owner = django_filters.CharFilter(
        label="Owner",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"placeholder": "e.g. Strategic Director", "type": "search"}),
    )
    committee = django_filters.ModelChoiceFilter(
        label="Committee",
        field_name="resolution_part__item__meeting__committee",
        queryset=Committee.objects.select_related("council"),
        empty_label="Any committee",
    )

    class Meta:
        model = Action
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        # "Overdue" is open and past its due date: the selector annotates is_overdue for the day.
        if value == "overdue":
            return queryset.filter(is_overdue=True)
        return queryset.filter(status=value)


# --- forward plan of key decisions (issue 13, item 1) ------------------------------------------------


class ForwardPlanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": "Decision or decision maker", "type": "search"}),
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=ForwardPlanEntry.Status.choices, empty_label="Any status"
    )
    expected_from = django_filters.DateFilter(
        label="Expected from",
        field_name="expected_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    expected_to = django_filters.DateFilter(
        label="Expected to", field_name="expected_on", lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = ForwardPlanEntry
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(decision_maker__name__icontains=value)
            | Q(decision_maker_officer__icontains=value)
        )


# --- call-ins (issue 13, item 5) ------------------------------------------------------------------


class CallInFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": "Councillors, reasons or committee", "type": "search"}),
    )
    state = django_filters.ChoiceFilter(
        label="Status",
        choices=[("pending", "Pending"), ("resolved", "Resolved")],
        empty_label="Any status",
        method="filter_state",
    )
    outcome = django_filters.ChoiceFilter(
        label="Outcome", choices=CallIn.Outcome.choices, empty_label="Any outcome", method="filter_outcome"
    )
    committee = django_filters.ModelChoiceFilter(
        label="Decision maker",
        field_name="resolution_part__item__meeting__committee",
        queryset=Committee.objects.select_related("council"),
        empty_label="Any committee",
    )

    class Meta:
        model = CallIn
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(requested_by__icontains=value)
            | Q(reasons__icontains=value)
            | Q(resolution_part__item__meeting__committee__name__icontains=value)
        )

    def filter_state(self, queryset, name, value):
        # Pending on the day asked: the selector annotates is_pending_then for it.
        return queryset.filter(is_pending_then=(value == "pending"))

    def filter_outcome(self, queryset, name, value):
        # An outcome decided after the day asked was not yet known on it.
        return queryset.filter(outcome=value, is_pending_then=False)
