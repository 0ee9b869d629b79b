"""Filters for the projects list and the waivers register."""

import django_filters
from django import forms
from django.db.models import Count, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from commissioning.projects.models import CommissioningProject, Waiver
from contracts.models import ServiceArea


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        widget=forms.TextInput(attrs={"placeholder": "Title or contract reference", "type": "search"}),
    )
    status = django_filters.ChoiceFilter(choices=CommissioningProject.Status.choices, empty_label="Any status")
    service_area = django_filters.ModelChoiceFilter(queryset=ServiceArea.objects.all(), empty_label="Any service area")

    class Meta:
        model = CommissioningProject
        fields = ["q", "status", "service_area"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value.strip():
            return queryset
        matches = CommissioningProject.objects.filter(
            Q(title__icontains=value)
            | Q(incumbent_contracts__reference__icontains=value)
            | Q(successor_contracts__reference__icontains=value)
        )
        return queryset.filter(pk__in=matches.values("pk"))


def with_waiver_number(queryset: QuerySet[Waiver]) -> QuerySet[Waiver]:
    """Annotate `waiver_number`: 1 for a service's first waiver, 3 for its third,
    counting by start date (names compared without regard to case)."""
    earlier = (
        Waiver.objects.annotate(service_key=Lower("service"))
        .filter(service_key=Lower(OuterRef("service")))
        .filter(Q(start_date__lt=OuterRef("start_date")) | Q(start_date=OuterRef("start_date"), pk__lte=OuterRef("pk")))
        .values("service_key")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(waiver_number=earlier)


class WaiverFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        widget=forms.TextInput(attrs={"placeholder": "Service, approver or reason", "type": "search"}),
    )
    service_area = django_filters.ModelChoiceFilter(queryset=ServiceArea.objects.all(), empty_label="Any service area")
    repeated = django_filters.BooleanFilter(
        label="Only repeated waivers",
        method="only_repeated",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Waiver
        fields = ["q", "service_area", "repeated"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value.strip():
            return queryset
        return queryset.filter(Q(service__icontains=value) | Q(approver__icontains=value) | Q(reason__icontains=value))

    def only_repeated(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        # `waivers_for_service` is annotated by selectors.waiver_list.
        return queryset.filter(waivers_for_service__gt=1) if value else queryset
