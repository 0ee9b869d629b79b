"""The managers' dashboard: what expires, what is due, what is at stake.

Every figure is computed for a given `today` with a fixed number of queries,
whatever the size of the register. Each list is the list page's own selector
called with the filters of the link under its number, so the number and the
rows behind the link are the same rows by construction.
"""

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, Prefetch, QuerySet, Sum
from django.urls import reverse

from commissioning.projects.gateways import DUE_SOON_DAYS
from commissioning.projects.selectors import ProjectSummary, gateway_summaries
from committees.call_in import call_in_rows
from committees.models import Action, CallIn, Delegation
from committees.selectors import (
    KeyDecisionRow,
    action_list,
    call_in_list,
    delegation_list,
    key_decisions_without_notice,
)
from contracts.models import Contract, ContractOption, ContractYearValue, SpendRecord
from contracts.money import financial_year_label, financial_year_of, to_money
from contracts.querysets import with_figures, year_values_on
from contracts.selectors import NoticeRow, contract_list, contracts_to_complete, notices_due, to_complete_rows
from contracts.terms import period_end

ZERO = Decimal("0.00")
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
    rows = (
        with_figures(Contract.objects.all(), today=today)
        .filter(current_end_date__gte=today, current_end_date__lte=horizon)
        .order_by()
        .values_list("current_annual_value", "current_end_date", "next_option")
    )
    by_current = [Band(months, url=_contracts_url(today=today, **ending_filters(months))) for months in BANDS]
    by_final = [Band(months, url=_contracts_url(today=today, **ending_filters(months, final=True))) for months in BANDS]
    limits = [period_end(today, months) for months in BANDS]
    # Each contract is added to the narrowest band it ends within; each band then
    # takes in the narrower ones, since the bands are cumulative.
    current, final = [Band(months) for months in BANDS], [Band(months) for months in BANDS]
    for annual, end, next_option in rows:
        narrowest = bisect_left(limits, end)
        # A contract whose value is unknown ends all the same: counted, with no money.
        remaining = remaining_value(annual, today=today, end=end) if annual is not None else None
        for target in (current[narrowest], final[narrowest]) if next_option is None else (current[narrowest],):
            target.count += 1
            if annual is not None:
                target.annual += annual
                target.remaining += remaining
    for bands, narrowest_first in ((by_current, current), (by_final, final)):
        count, annual, remaining = 0, Decimal("0.00"), Decimal("0.00")
        for band, own in zip(bands, narrowest_first, strict=True):
            count, annual, remaining = count + own.count, annual + own.annual, remaining + own.remaining
            band.count, band.annual, band.remaining = count, annual, remaining
    return ExpiryBands(by_current_end=by_current, by_final_end=by_final)


def _listing(
    title: str, key: str, queryset: QuerySet, url: str, *, limit: int, total_field: str | None = None
) -> Listing:
    rows = list(queryset[:limit])
    total = None
    if total_field:
        # The number and the total in one pass over the rows.
        found = queryset.order_by().aggregate(count=Count("pk"), total=Sum(total_field))
        count, total = found["count"], found["total"] or Decimal("0.00")
    else:
        count = queryset.count()
    return Listing(title=title, count=count, rows=rows, url=url, key=key, total=total)


# The filters of each contract list on the dashboard: the link under its number
# carries exactly these, and the rows come from the list page's selector.
CONTRACT_LISTS = {
    "decisions_due": {"deadline_within": DECISIONS_WITHIN_DAYS, "sort": "deadline"},
    "decisions_late": {"flag": "deadline_late", "sort": "deadline"},
    "over_approved": {"flag": "over_approved"},
    "spend_over": {"flag": "spend_over"},
}


def ending_filters(months: int, *, final: bool = False) -> dict:
    """The filters of the link under a band's number: ending within `months`, by
    current end, or (`final`) with no option left open."""
    return {"final_within" if final else "ends_within": months, "sort": "current_end"}


def contracts_ending(*, today: date) -> QuerySet[Contract]:
    """The rows behind the widest band (every band's rows are among them): the
    register's list with that link's filters."""
    params = {name: str(value) for name, value in ending_filters(BANDS[-1]).items()}
    return contract_list(filters=params, today=today)[0].prefetch_related(None)


def contracts_for(key: str, *, today: date) -> QuerySet[Contract]:
    """The rows of a dashboard contract list: the register's list with the link's filters."""
    params = {name: str(value) for name, value in CONTRACT_LISTS[key].items()}
    queryset, _ = contract_list(filters=params, today=today)
    # The same rows; the cards show no providers, so they are not loaded.
    return queryset.prefetch_related(None)


def contracts_url(key: str, *, today: date) -> str:
    return _contracts_url(today=today, **CONTRACT_LISTS[key])


def decisions_due(*, today: date) -> QuerySet[Contract]:
    return contracts_for("decisions_due", today=today)


def decisions_late(*, today: date) -> QuerySet[Contract]:
    return contracts_for("decisions_late", today=today)


def over_approved(*, today: date) -> QuerySet[Contract]:
    return contracts_for("over_approved", today=today).annotate(overrun=F("whole_life_value") - F("approved_value"))


def spend_over(*, today: date) -> QuerySet[Contract]:
    return contracts_for("spend_over", today=today).prefetch_related(
        Prefetch("options", queryset=ContractOption.objects.order_by("order")),
        "changes",
        Prefetch("spend_records", queryset=SpendRecord.objects.order_by("financial_year")),
    )


def with_overspend(contracts: list[Contract], *, today: date) -> list[Contract]:
    """Set each row's spend above its projection, added up over the years that
    were over (rows from `spend_over`, listed for any year over): as
    `contracts.figures` sets the spend of a year begun by `today` against the
    year's value on `today`, here read from the day's stored figures, the same
    ones that put the row in the list, rather than worked out again."""
    projected: dict[int, dict[int, Decimal]] = {}
    for span, year, amount in ContractYearValue.objects.filter(
        figures_id__in=[contract.figures_span for contract in contracts]
    ).values_list("figures_id", "financial_year", "amount"):
        projected.setdefault(span, {})[year] = amount
    begun = financial_year_of(today)
    for contract in contracts:
        year_values = projected.get(contract.figures_span, {})
        spent = {r.financial_year: r.amount for r in contract.spend_records.all() if r.financial_year <= begun}
        over = [
            amount - year_values.get(year, ZERO)
            for year, amount in spent.items()
            if amount > year_values.get(year, ZERO)
        ]
        contract.overspend = sum(over, ZERO) if spent else None
    return contracts


def overdue_actions(*, today: date) -> QuerySet[Action]:
    queryset, _ = action_list(filters={"status": "overdue"}, today=today)
    return queryset


def overdue_notices(*, today: date) -> list[NoticeRow]:
    """The Procurement Act notices past their day and not recorded as published: the notices list's overdue ones."""
    return [row for row in notices_due(today=today) if row.status == "overdue"]


def key_notices_missing(*, today: date) -> list[KeyDecisionRow]:
    """Key decisions taken without a valid forward plan notice (committees.forward_plan)."""
    return key_decisions_without_notice(today=today)


def pending_call_ins(*, today: date) -> QuerySet[CallIn]:
    """Call-ins not resolved on `today`: the decisions they called in may not be acted on."""
    queryset, _ = call_in_list(filters={"state": "pending"}, today=today)
    return queryset


def unused_delegations(*, today: date) -> QuerySet[Delegation]:
    return delegation_list(used=False, today=today)


def gateways_needing_attention(summaries: list[ProjectSummary]) -> list[tuple[ProjectSummary, object]]:
    """(project, gateway plan) pairs that are overdue or due soon (gateways.DUE_SOON_DAYS)."""
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
        year_values_on(today)
        .filter(financial_year__gte=first, financial_year__lt=first + YEARS_AHEAD)
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
    area = "figures__contract__service_area__name"
    rows = (
        year_values_on(today)
        .filter(financial_year=year)
        .values_list(area)
        .annotate(total=Sum("amount"))
        .order_by("-total", area)
        .values_list(area, "total")
    )
    return list(rows)


def dashboard(*, today: date, limit: int = 8) -> Dashboard:
    board = Dashboard(today=today, expiries=expiry_bands(today=today))
    lists = board.lists
    lists["decisions_due"] = _listing(
        f"Option decisions due in the next {DECISIONS_WITHIN_DAYS} days",
        "decisions_due",
        decisions_due(today=today),
        contracts_url("decisions_due", today=today),
        limit=limit,
        total_field="current_annual_value",
    )
    lists["decisions_late"] = _listing(
        "Option decisions late",
        "decisions_late",
        decisions_late(today=today),
        contracts_url("decisions_late", today=today),
        limit=limit,
        total_field="current_annual_value",
    )
    summaries = gateway_summaries(today=today)
    attention = gateways_needing_attention(summaries)
    lists["gateways"] = Listing(
        title=f"Gateways overdue or due within {DUE_SOON_DAYS} days",
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
    key_notices = key_notices_missing(today=today)
    lists["key_notices"] = Listing(
        title="Key decisions without a valid notice",
        key="key_notices",
        count=len(key_notices),
        rows=key_notices[:limit],
        url=_url("committees:key_decisions_missing_notice", today=today),
    )
    held = pending_call_ins(today=today)
    lists["call_ins"] = Listing(
        title="Decisions held by a call-in",
        key="call_ins",
        count=held.count(),
        rows=call_in_rows(held[:limit]),
        url=_url("committees:call_in_list", today=today, state="pending"),
    )
    lists["over_approved"] = _listing(
        "Projected above the approved value",
        "over_approved",
        over_approved(today=today),
        contracts_url("over_approved", today=today),
        limit=limit,
    )
    lists["spend_over"] = _listing(
        "Spend above projection",
        "spend_over",
        spend_over(today=today),
        contracts_url("spend_over", today=today),
        limit=limit,
    )
    with_overspend(lists["spend_over"].rows, today=today)
    notices = overdue_notices(today=today)
    lists["notices"] = Listing(
        title="Procurement Act notices overdue",
        key="notices",
        count=len(notices),
        rows=notices[:limit],
        url=_url("contracts:notice_list", today=today, status="overdue"),
    )
    # Not dated: a contract is incomplete on every day until its facts are recorded.
    incomplete = contracts_to_complete()
    lists["incomplete"] = Listing(
        title="Incomplete contracts",
        key="incomplete",
        count=incomplete.count(),
        rows=to_complete_rows(incomplete[:limit]),
        url=_url("contracts:to_complete", today=today),
    )
    board.years = value_by_year(today=today)
    board.by_service_area = value_by_service_area(today=today)
    return board
