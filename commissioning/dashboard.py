"""The managers' dashboard: what expires, what is due, what is at stake.

Every figure is computed for a given `today` with a fixed number of queries,
whatever the size of the register, and comes with the query string of the
list behind it, so each number links to exactly the rows it counts.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import F, QuerySet, Sum
from django.urls import reverse

from commissioning.selectors import ProjectSummary, gateway_summaries
from committees import decisions
from committees.models import Action, Delegation
from contracts.filters import with_status
from contracts.models import Contract, ContractYearValue
from contracts.money import financial_year_label, financial_year_of, to_money
from contracts.terms import period_end

BANDS = (6, 12, 18, 24)
DECISIONS_WITHIN_DAYS = 90
YEARS_AHEAD = 5


def remaining_value(annual: Decimal, *, today: date, end: date) -> Decimal:
    """What is still to be paid from `today` to `end` (inclusive), pro rata by
    day at the annual value before any uplift: the money at stake."""
    days = max((end - today).days + 1, 0)
    return to_money(annual * days / 365)


def _url(name: str, *, today: date, **params) -> str:
    """A list's URL for the same day as the dashboard, so its rows are the ones counted."""
    return reverse(name) + "?" + urlencode({**params, "as_of": today.isoformat()})


def _contracts_url(*, today: date, **params) -> str:
    return _url("contracts:contract_list", today=today, **params)


@dataclass
class Band:
    months: int
    count: int = 0
    annual: Decimal = Decimal("0.00")
    remaining: Decimal = Decimal("0.00")
    url: str = ""


@dataclass
class ExpiryBands:
    by_current_end: list[Band]
    by_final_end: list[Band]  # contracts with no option left open


@dataclass
class Listing:
    """A dashboard list: how many, the first few rows, and the full list's URL."""

    title: str
    count: int
    rows: list
    url: str
    key: str
    total: Decimal | None = None


@dataclass
class Dashboard:
    today: date
    expiries: ExpiryBands
    lists: dict[str, Listing] = field(default_factory=dict)
    years: list[tuple[str, Decimal]] = field(default_factory=list)
    by_service_area: list[tuple[str, Decimal]] = field(default_factory=list)


def expiry_bands(*, today: date) -> ExpiryBands:
    """Contracts ending within 6, 12, 18 and 24 months, cumulative, with their
    annual and remaining value: one query."""
    horizon = period_end(today, BANDS[-1])
    rows = Contract.objects.filter(current_end_date__gte=today, current_end_date__lte=horizon).values_list(
        "annual_value", "current_end_date", "next_decision_deadline"
    )
    by_current = [
        Band(months, url=_contracts_url(today=today, ends_within=months, sort="current_end")) for months in BANDS
    ]
    by_final = [
        Band(months, url=_contracts_url(today=today, final_within=months, sort="current_end")) for months in BANDS
    ]
    limits = [period_end(today, months) for months in BANDS]
    for annual, end, deadline in rows:
        remaining = remaining_value(annual, today=today, end=end)
        for band, final_band, limit in zip(by_current, by_final, limits, strict=True):
            if end <= limit:
                for target in (band, final_band) if deadline is None else (band,):
                    target.count += 1
                    target.annual += annual
                    target.remaining += remaining
    return ExpiryBands(by_current_end=by_current, by_final_end=by_final)


def _contract_rows() -> QuerySet[Contract]:
    # The dashboard shows reference and title only; the downloads add the providers.
    return Contract.objects.select_related("lead_commissioner", "service_area")


def _listing(
    title: str, key: str, queryset: QuerySet, url: str, *, limit: int, total_field: str | None = None
) -> Listing:
    rows = list(queryset[:limit])
    count = queryset.count()
    total = None
    if total_field:
        total = queryset.order_by().aggregate(total=Sum(total_field))["total"] or Decimal("0.00")
    return Listing(title=title, count=count, rows=rows, url=url, key=key, total=total)


def decisions_due(*, today: date) -> QuerySet[Contract]:
    return (
        with_status(_contract_rows(), today=today)
        .filter(
            next_decision_deadline__gte=today,
            next_decision_deadline__lte=today + timedelta(days=DECISIONS_WITHIN_DAYS),
        )
        .order_by("next_decision_deadline", "reference")
    )


def decisions_late(*, today: date) -> QuerySet[Contract]:
    return (
        with_status(_contract_rows(), today=today)
        .filter(next_decision_deadline__lt=today, current_end_date__gte=today)
        .order_by("next_decision_deadline", "reference")
    )


def over_approved(*, today: date) -> QuerySet[Contract]:
    return (
        with_status(_contract_rows(), today=today)
        .filter(approved_value__isnull=False, whole_life_value__gt=F("approved_value"))
        .annotate(overrun=F("whole_life_value") - F("approved_value"))
        .order_by("-overrun", "reference")
    )


def spend_over(*, today: date) -> QuerySet[Contract]:
    return (
        with_status(_contract_rows(), today=today)
        .filter(spend_total__gt=F("committed_value"))
        .annotate(overspend=F("spend_total") - F("committed_value"))
        .order_by("-overspend", "reference")
    )


def overdue_actions(*, today: date) -> QuerySet[Action]:
    return (
        Action.objects.filter(status=Action.Status.OPEN, due_on__lt=today)
        .select_related("resolution_part__item__meeting__committee")
        .order_by("due_on", "pk")
    )


def unused_delegations(*, today: date) -> QuerySet[Delegation]:
    return (
        Delegation.objects.filter(~decisions.delegation_is_used())
        .select_related("resolution_part__item__meeting__committee")
        .order_by("resolution_part__item__meeting__starts_at", "pk")
    )


def gateways_needing_attention(summaries: list[ProjectSummary]) -> list[tuple[ProjectSummary, object]]:
    """(project, gateway plan) pairs that are overdue or due within 60 days."""
    found = []
    for summary in summaries:
        for gateway_plan in summary.plans:
            if gateway_plan.passed_on is None and gateway_plan.status in ("overdue", "due_soon"):
                found.append((summary, gateway_plan))
    return sorted(found, key=lambda pair: (pair[1].due, pair[0].project.title))


def value_by_year(*, today: date) -> list[tuple[str, Decimal]]:
    """Projected value of the register in this and the next four financial years."""
    first = financial_year_of(today)
    totals = dict(
        ContractYearValue.objects.filter(financial_year__gte=first, financial_year__lt=first + YEARS_AHEAD)
        .order_by()
        .values_list("financial_year")
        .annotate(total=Sum("amount"))
        .values_list("financial_year", "total")
    )
    return [
        (financial_year_label(year), totals.get(year, Decimal("0.00"))) for year in range(first, first + YEARS_AHEAD)
    ]


def value_by_service_area(*, today: date) -> list[tuple[str, Decimal]]:
    """Projected value of the current financial year by service area."""
    year = financial_year_of(today)
    rows = (
        ContractYearValue.objects.filter(financial_year=year)
        .values_list("contract__service_area__name")
        .annotate(total=Sum("amount"))
        .order_by("-total", "contract__service_area__name")
        .values_list("contract__service_area__name", "total")
    )
    return list(rows)


def dashboard(*, today: date, limit: int = 8) -> Dashboard:
    board = Dashboard(today=today, expiries=expiry_bands(today=today))
    lists = board.lists
    lists["decisions_due"] = _listing(
        f"Option decisions due in the next {DECISIONS_WITHIN_DAYS} days",
        "decisions_due",
        decisions_due(today=today),
        _contracts_url(today=today, deadline_within=DECISIONS_WITHIN_DAYS, sort="deadline"),
        limit=limit,
        total_field="annual_value",
    )
    lists["decisions_late"] = _listing(
        "Option decisions late",
        "decisions_late",
        decisions_late(today=today),
        _contracts_url(today=today, flag="deadline_late", sort="deadline"),
        limit=limit,
        total_field="annual_value",
    )
    summaries = gateway_summaries(today=today)
    attention = gateways_needing_attention(summaries)
    lists["gateways"] = Listing(
        title="Gateways overdue or due within 60 days",
        key="gateways",
        count=len(attention),
        rows=attention[:limit],
        url=_url("commissioning:pipeline", today=today),
    )
    lists["actions"] = _listing(
        "Overdue actions",
        "actions",
        overdue_actions(today=today),
        _url("committees:action_list", today=today, status="overdue"),
        limit=limit,
    )
    lists["delegations"] = _listing(
        "Delegations not yet used",
        "delegations",
        unused_delegations(today=today),
        _url("committees:delegation_list", today=today),
        limit=limit,
    )
    lists["over_approved"] = _listing(
        "Projected above the approved value",
        "over_approved",
        over_approved(today=today),
        _contracts_url(today=today, flag="over_approved"),
        limit=limit,
    )
    lists["spend_over"] = _listing(
        "Spend above projection",
        "spend_over",
        spend_over(today=today),
        _contracts_url(today=today, flag="spend_over"),
        limit=limit,
    )
    board.years = value_by_year(today=today)
    board.by_service_area = value_by_service_area(today=today)
    return board
