"""Contracts with their figures for a day, in SQL.

`with_figures` joins each contract to its stored span of days holding `today`
(`ContractFigures`, written only from `contracts.figures.figure_spans`) and
names the figures as the pages use them. Status, lateness and spend against
projection follow from those figures and the day by the same rules as
`contracts.terms.schedule` and `contracts.figures.contract_figures`; property
tests hold the two equal.

The join is a left join: a contract whose dates the register does not know
has no span, so every figure, `status` included, is NULL on its row, and it
matches no filter on a figure.
"""

from datetime import date
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from contracts.models import Contract, ContractYearValue, SpendRecord
from contracts.money import financial_year_of

# The contracts `contracts.figures.missing_facts` finds something missing in,
# as SQL: no start, no way to end the initial term (no term and no end date),
# or no value. A test holds the two equal on every combination.
INCOMPLETE = Q(start_date__isnull=True) | Q(term="", end_date__isnull=True) | Q(annual_value__isnull=True)

FIGURES = (
    "current_end_date",
    "final_end_date",
    "next_option",
    "next_decision_deadline",
    "options_exercised",
    "committed_value",
    "whole_life_value",
)


def _status(today: date) -> Case:
    Status = Contract.Status
    return Case(
        When(figures_span__isnull=True, then=Value(None)),
        When(start_date__gt=today, then=Value(Status.NOT_STARTED)),
        When(current_end_date__lt=today, then=Value(Status.EXPIRED)),
        When(next_option__isnull=True, then=Value(Status.FINAL_TERM)),
        default=Value(Status.LIVE),
    )


def year_values_on(today: date) -> QuerySet[ContractYearValue]:
    """The value per financial year of every contract, as the figures stand on `today`."""
    return ContractYearValue.objects.filter(figures__valid_from__lte=today, figures__valid_to__gte=today)


def _spend_over_projection(today: date) -> Exists:
    """A year whose recorded spend (for a year begun by `today`) is above its
    projection on `today`. For a queryset carrying `figures_span`, the span of
    the day (`with_figures`), so each spend year is one index lookup."""
    projected = ContractYearValue.objects.filter(
        figures=OuterRef(OuterRef("figures_span")), financial_year=OuterRef("financial_year")
    )
    return Exists(
        SpendRecord.objects.filter(contract=OuterRef("pk"), financial_year__lte=financial_year_of(today))
        .annotate(
            projected=Coalesce(
                Subquery(projected.order_by().values("amount")[:1]),
                Value(Decimal("0")),
                output_field=DecimalField(),
            )
        )
        .filter(amount__gt=F("projected"))
    )


def with_kept_figures(queryset: QuerySet[Contract], *, today: date) -> QuerySet[Contract]:
    """Each contract with the figures kept for `today`, the columns named in
    FIGURES, and nothing worked out from them: for a page that shows a
    contract's ends or values but not its status. A contract with no span (its
    dates unknown) is kept, with NULL figures."""
    day_span = FilteredRelation("figures", condition=Q(figures__valid_from__lte=today, figures__valid_to__gte=today))
    return queryset.annotate(day_span=day_span).annotate(
        figures_span=F("day_span__id"),
        # The annual value with the changes in effect on the day, named apart from the contract's
        # own; a contract whose dates are not known has no span, and no change, so it is its own.
        current_annual_value=Coalesce(F("day_span__annual_value"), F("annual_value")),
        **{name: F(f"day_span__{name}") for name in FIGURES},
    )


def with_figures(queryset: QuerySet[Contract], *, today: date) -> QuerySet[Contract]:
    """Each contract with its figures on `today`: the columns named in FIGURES,
    `status`, `option_late` (the next option's decision deadline has passed)
    and `spend_over` (a year's spend above its projection). A contract with no
    span (its dates unknown) is kept, with NULL figures and status."""
    queryset = with_kept_figures(queryset, today=today)
    return queryset.annotate(
        status=_status(today),
        # IS NOT NULL first, so a contract with no option open is false, never NULL.
        option_late=ExpressionWrapper(
            Q(next_decision_deadline__isnull=False, next_decision_deadline__lt=today), output_field=BooleanField()
        ),
        # With no value known there is no projection to be over.
        spend_over=ExpressionWrapper(
            Q(whole_life_value__isnull=False) & Q(_spend_over_projection(today)), output_field=BooleanField()
        ),
    )
