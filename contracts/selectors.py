"""Reads for the register's pages and exports.

Each selector returns what a page needs with its related rows already loaded,
so a page's query count does not grow with its rows.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from contracts.filters import ContractFilter, with_status
from contracts.models import Contract, ContractOption, FundingShare, Organisation, Provider, SpendRecord
from contracts.money import (
    Variance,
    financial_year_label,
    financial_year_spread,
    period_value,
    split_by_shares,
    variance,
    whole_value,
)
from contracts.services import contract_schedule
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


@dataclass(frozen=True)
class OptionRow:
    option: ContractOption
    period: Period
    effective_status: OptionStatus
    deadline: date
    value: Decimal
    is_next: bool
    is_late: bool


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


@dataclass(frozen=True)
class ContractDetail:
    contract: Contract
    schedule: Schedule
    today: date
    initial_period: Period
    initial_value: Decimal
    options: list[OptionRow]
    funding: list[FundingRow]
    years: list[YearRow]
    spend_records: list[SpendRecord]
    spend_total: Decimal
    approved_variance: Variance | None
    spend_projection: Decimal
    spend_variance: Variance | None

    @property
    def status(self) -> str:
        return str(self.schedule.status)

    @property
    def status_label(self) -> str:
        return Contract.Status(self.schedule.status).label


def contract_queryset_for_detail() -> QuerySet[Contract]:
    return Contract.objects.select_related("service_area", "lead_commissioner").prefetch_related(
        Prefetch("providers", queryset=Provider.objects.order_by("name")),
        Prefetch("options", queryset=ContractOption.objects.order_by("order")),
        Prefetch("funding_shares", queryset=FundingShare.objects.select_related("organisation")),
        Prefetch("spend_records", queryset=SpendRecord.objects.order_by("financial_year")),
    )


def contract_detail(*, contract: Contract, today: date) -> ContractDetail:
    """Everything the contract page shows, computed for `today`.

    `contract` must come from `contract_queryset_for_detail()`.
    """
    options = list(contract.options.all())
    result = contract_schedule(contract, options, today=today)
    uplift = contract.annual_uplift_percent
    annual = contract.annual_value

    option_rows = []
    month_index = result.periods[0].months
    for option, period, effective in zip(options, result.periods[1:], result.option_statuses, strict=True):
        deadline = result.option_deadline(option.order)
        is_next = result.next_option == option.order
        option_rows.append(
            OptionRow(
                option=option,
                period=period,
                effective_status=effective,
                deadline=deadline,
                value=period_value(annual, period.months, uplift_percent=uplift, first_month_index=month_index),
                is_next=is_next,
                is_late=is_next and result.next_option_late,
            )
        )
        month_index += period.months

    shares = list(contract.funding_shares.all())
    percents = [share.percent for share in shares]
    funding = []
    if shares:
        annual_parts = split_by_shares(annual, percents)
        whole_parts = split_by_shares(contract.whole_life_value, percents)
        funding = [
            FundingRow(share=share, annual=a, whole_life=w)
            for share, a, w in zip(shares, annual_parts, whole_parts, strict=True)
        ]

    spend_records = list(contract.spend_records.all())
    spent_by_year = {record.financial_year: record.amount for record in spend_records}
    spread = financial_year_spread(contract.start_date, annual, result.included_months, uplift_percent=uplift)
    years = [
        YearRow(year=year, label=financial_year_label(year), projected=value, spent=spent_by_year.get(year))
        for year, value in spread.items()
    ]
    for year in sorted(set(spent_by_year) - set(spread)):
        years.append(
            YearRow(year=year, label=financial_year_label(year), projected=Decimal("0.00"), spent=spent_by_year[year])
        )
    years.sort(key=lambda row: row.year)

    spend_total = sum((record.amount for record in spend_records), Decimal("0.00"))
    # Spend is compared with the value of the periods committed so far.
    spend_projection = whole_value(annual, result.committed_months, uplift_percent=uplift)

    return ContractDetail(
        contract=contract,
        schedule=result,
        today=today,
        initial_period=result.periods[0],
        initial_value=period_value(annual, result.periods[0].months, uplift_percent=uplift),
        options=option_rows,
        funding=funding,
        years=years,
        spend_records=spend_records,
        spend_total=spend_total,
        approved_variance=(
            variance(contract.whole_life_value, contract.approved_value)
            if contract.approved_value is not None
            else None
        ),
        spend_projection=spend_projection,
        spend_variance=variance(spend_total, spend_projection) if spend_records else None,
    )


def provider_list() -> QuerySet[Provider]:
    return Provider.objects.annotate(contract_count=Count("contracts")).order_by("name")


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.annotate(
        led_count=Count("led_contracts", distinct=True), funded_count=Count("funding_shares", distinct=True)
    ).order_by("name")


def contracts_of_provider(*, provider: Provider, today: date) -> QuerySet[Contract]:
    return with_status(_list_queryset().filter(providers=provider), today=today).order_by("current_end_date")


def contracts_of_organisation(*, organisation: Organisation, today: date) -> QuerySet[Contract]:
    """Contracts the organisation leads or helps fund."""
    funds = FundingShare.objects.filter(contract=OuterRef("pk"), organisation=organisation)
    queryset = _list_queryset().filter(Q(lead_commissioner=organisation) | Exists(funds))
    return with_status(queryset, today=today).order_by("current_end_date")


def register_totals(queryset: QuerySet[Contract]) -> dict:
    return queryset.aggregate(annual=Sum("annual_value"), whole_life=Sum("whole_life_value"), count=Count("pk"))
