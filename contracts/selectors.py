"""Reads for the register's pages and exports.

Each selector returns what a page needs with its related rows already loaded,
so a page's query count does not grow with its rows.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from contracts.figures import Figures
from contracts.filters import ContractFilter
from contracts.models import Contract, ContractOption, FundingShare, Organisation, Provider, SpendRecord
from contracts.money import financial_year_label
from contracts.publishing import TRANSPARENCY_THRESHOLD
from contracts.querysets import with_figures
from contracts.services import figures_of
from contracts.terms import OptionStatus, Period, Schedule


def _list_queryset() -> QuerySet[Contract]:
    return Contract.objects.select_related("service_area", "lead_commissioner").prefetch_related(
        Prefetch("providers", queryset=Provider.objects.order_by("name"))
    )


def contract_list(*, filters, today: date) -> tuple[QuerySet[Contract], ContractFilter]:
    """The register filtered as the user asked; the FilterSet comes back for its form."""
    filterset = ContractFilter(filters, queryset=_list_queryset(), today=today)
    queryset = filterset.qs
    if not filterset.form.cleaned_data.get("sort"):
        queryset = queryset.order_by("reference")
    return queryset, filterset


def contract_export_rows(*, filters, today: date) -> QuerySet[Contract]:
    queryset, _ = contract_list(filters=filters, today=today)
    return queryset.prefetch_related(
        Prefetch("funding_shares", queryset=FundingShare.objects.select_related("organisation")),
        Prefetch("options", queryset=ContractOption.objects.order_by("order")),
    )


def transparency_rows(*, filters, first_day: date, last_day: date, today: date) -> QuerySet[Contract]:
    """The contracts a Transparency Code register lists for the days `first_day`
    to `last_day`: live on any of them, worth more than £5,000 over their life,
    with their figures on `today`. One whose start, end or value the register
    does not know is listed: nothing shows it falls outside."""
    return contract_export_rows(filters=filters, today=today).filter(
        Q(start_date__isnull=True) | Q(start_date__lte=last_day),
        Q(current_end_date__isnull=True) | Q(current_end_date__gte=first_day),
        Q(whole_life_value__isnull=True) | Q(whole_life_value__gt=TRANSPARENCY_THRESHOLD),
    )


@dataclass(frozen=True)
class OptionRow:
    option: ContractOption
    period: Period
    effective_status: OptionStatus
    decision_counts: bool  # the recorded decision is dated on or before the day
    deadline: date
    value: Decimal
    is_next: bool
    is_late: bool
    # Lapsed with nothing recorded, right after the options taken: a decision
    # taken before the lapse can still be recorded late.
    lapsed_undecided: bool


@dataclass(frozen=True)
class FundingRow:
    share: FundingShare
    annual: Decimal
    whole_life: Decimal


@dataclass(frozen=True)
class YearRow:
    year: int
    label: str
    projected: Decimal
    spent: Decimal | None
    is_over: bool


@dataclass(frozen=True)
class ContractDetail:
    """Everything the contract page shows, every figure for one day."""

    contract: Contract
    figures: Figures
    today: date
    options: list[OptionRow]
    funding: list[FundingRow]
    years: list[YearRow]
    spend_records: list[SpendRecord]

    @property
    def schedule(self) -> Schedule:
        return self.figures.schedule

    @property
    def status(self) -> str:
        return str(self.figures.schedule.status)


def contract_queryset_for_detail() -> QuerySet[Contract]:
    return Contract.objects.select_related("service_area", "lead_commissioner").prefetch_related(
        Prefetch("providers", queryset=Provider.objects.order_by("name")),
        Prefetch("options", queryset=ContractOption.objects.order_by("order")),
        Prefetch("funding_shares", queryset=FundingShare.objects.select_related("organisation")),
        Prefetch("spend_records", queryset=SpendRecord.objects.order_by("financial_year")),
    )


def contract_detail(*, contract: Contract, today: date) -> ContractDetail:
    """Everything the contract page shows, computed for `today` from the facts.

    `contract` must come from `contract_queryset_for_detail()`.
    """
    options = list(contract.options.all())
    shares = list(contract.funding_shares.all())
    spend_records = list(contract.spend_records.all())
    figures = figures_of(contract, options, today=today, spend=spend_records, shares=shares)
    result = figures.schedule

    option_rows = [
        OptionRow(
            option=option,
            period=period,
            effective_status=effective,
            decision_counts=option.decided_on is None or option.decided_on <= today,
            deadline=result.option_deadline(option.order),
            value=value,
            is_next=result.next_option == option.order,
            is_late=result.next_option == option.order and result.next_option_late,
            lapsed_undecided=effective == OptionStatus.LAPSED
            and option.status == OptionStatus.AVAILABLE
            and option.order == result.options_exercised + 1,
        )
        for option, period, effective, value in zip(
            options, result.periods[1:], result.option_statuses, figures.period_values[1:], strict=True
        )
    ]
    funding = [
        FundingRow(share=share, annual=annual, whole_life=whole_life)
        for share, annual, whole_life in zip(shares, figures.funding_annual, figures.funding_whole_life, strict=True)
    ]
    spent_by_year = figures.spend_by_year
    over = set(figures.spend.years_over) if figures.spend else set()
    years = [
        YearRow(
            year=year,
            label=financial_year_label(year),
            projected=figures.year_values.get(year, Decimal("0.00")),
            spent=spent_by_year.get(year),
            is_over=year in over,
        )
        for year in sorted(set(figures.year_values) | set(spent_by_year))
    ]
    return ContractDetail(
        contract=contract,
        figures=figures,
        today=today,
        options=option_rows,
        funding=funding,
        years=years,
        spend_records=spend_records,
    )


def provider_list() -> QuerySet[Provider]:
    return Provider.objects.annotate(contract_count=Count("contracts")).order_by("name")


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.annotate(
        led_count=Count("led_contracts", distinct=True), funded_count=Count("funding_shares", distinct=True)
    ).order_by("name")


def contracts_of_provider(*, provider: Provider, today: date) -> QuerySet[Contract]:
    return with_figures(_list_queryset().filter(providers=provider), today=today).order_by("current_end_date")


def contracts_of_organisation(*, organisation: Organisation, today: date) -> QuerySet[Contract]:
    """Contracts the organisation leads or helps fund."""
    funds = FundingShare.objects.filter(contract=OuterRef("pk"), organisation=organisation)
    queryset = _list_queryset().filter(Q(lead_commissioner=organisation) | Exists(funds))
    return with_figures(queryset, today=today).order_by("current_end_date")


def register_totals(queryset: QuerySet[Contract]) -> dict:
    return queryset.aggregate(annual=Sum("annual_value"), whole_life=Sum("whole_life_value"), count=Count("pk"))
