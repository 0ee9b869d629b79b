"""Reads for the register's pages and exports.

Each selector returns what a page needs with its related rows already loaded,
so a page's query count does not grow with its rows.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from commissioning.core.formatting import format_day
from contracts import performance, procurement
from contracts.changes import percent_of, provided_for_ground
from contracts.figures import Figures, as_entered_into, change_measures, contract_figures
from contracts.filters import ContractFilter
from contracts.history import History, Source, record_history
from contracts.models import (
    Contract,
    ContractChange,
    ContractOption,
    FundingShare,
    Kpi,
    KpiAssessment,
    MonitoringRecord,
    NoticePublication,
    Organisation,
    Provider,
    SpendRecord,
)
from contracts.money import financial_year_label
from contracts.procurement import act_notices, payments_compliance_periods
from contracts.publishing import TRANSPARENCY_THRESHOLD
from contracts.querysets import INCOMPLETE, with_figures
from contracts.services import ChangeNotice, change_notices_of, contract_facts, figures_of, missing_of
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


def contract_export_rows(*, filters, today: date, kpis: bool = False) -> QuerySet[Contract]:
    """The filtered list with what the downloads read; with `kpis`, also each contract's
    KPIs and their assessments (what its performance notices publish, for "ocds_notices")."""
    queryset, _ = contract_list(filters=filters, today=today)
    if kpis:
        queryset = queryset.prefetch_related(
            Prefetch("kpis", queryset=Kpi.objects.order_by("name", "pk")),
            Prefetch("kpis__assessments", queryset=KpiAssessment.objects.order_by("period_end", "pk")),
        )
    return queryset.prefetch_related(
        Prefetch("funding_shares", queryset=FundingShare.objects.select_related("organisation")),
        Prefetch("options", queryset=ContractOption.objects.order_by("order")),
        Prefetch("changes", queryset=ContractChange.objects.select_related("new_supplier")),
        Prefetch(
            "notice_publications",
            queryset=NoticePublication.objects.select_related("change").order_by("published_on", "pk"),
        ),
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
    """One option on the contract page. Period, deadline and value are None when
    the contract's dates (or, for the value, its value) are not known."""

    option: ContractOption
    period: Period | None
    effective_status: OptionStatus
    decision_counts: bool  # the recorded decision is dated on or before the day
    deadline: date | None
    value: Decimal | None
    is_next: bool
    is_late: bool
    # Lapsed with nothing recorded, right after the options taken: a decision
    # taken before the lapse can still be recorded late.
    lapsed_undecided: bool


@dataclass(frozen=True)
class FundingRow:
    share: FundingShare
    annual: Decimal | None  # None when the contract's value is not known
    whole_life: Decimal | None


@dataclass(frozen=True)
class YearRow:
    year: int
    label: str
    projected: Decimal | None  # None when the contract's value is not known
    spent: Decimal | None
    is_over: bool


@dataclass(frozen=True)
class ContractDetail:
    """Everything the contract page shows, every figure for one day. `figures`
    is None when the contract's dates are not known; `missing` says what the
    register does not know ("start date", "end date", "value")."""

    contract: Contract
    figures: Figures | None
    missing: tuple[str, ...]
    today: date
    options: list[OptionRow]
    funding: list[FundingRow]
    years: list[YearRow]
    spend_records: list[SpendRecord]

    @property
    def schedule(self) -> Schedule | None:
        return self.figures.schedule if self.figures is not None else None

    @property
    def status(self) -> str:
        return str(self.figures.schedule.status) if self.figures is not None else ""

    @property
    def is_complete(self) -> bool:
        return not self.missing


def contract_queryset_for_detail() -> QuerySet[Contract]:
    return Contract.objects.select_related("service_area", "lead_commissioner").prefetch_related(
        Prefetch("providers", queryset=Provider.objects.order_by("name")),
        Prefetch("options", queryset=ContractOption.objects.order_by("order")),
        "changes",
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
    if figures is None:
        option_rows = [
            OptionRow(
                option=option,
                period=None,
                effective_status=OptionStatus(option.status),
                decision_counts=option.decided_on is None or option.decided_on <= today,
                deadline=None,
                value=None,
                is_next=False,
                is_late=False,
                lapsed_undecided=False,
            )
            for option in options
        ]
    else:
        option_rows = _option_rows(options, figures, today=today)
    funding = [
        FundingRow(share=share, annual=annual, whole_life=whole_life)
        for share, annual, whole_life in zip(shares, *_funding_split(figures, len(shares)), strict=True)
    ]
    spent_by_year = {
        record.financial_year: record.amount for record in spend_records if date(record.financial_year, 4, 1) <= today
    }
    year_values = {}
    over = set()
    if figures is not None:
        spent_by_year = figures.spend_by_year
        year_values = figures.year_values
        over = set(figures.spend.years_over) if figures.spend else set()
    years = [
        YearRow(
            year=year,
            label=financial_year_label(year),
            projected=year_values.get(year, Decimal("0.00")) if year_values else None,
            spent=spent_by_year.get(year),
            is_over=year in over,
        )
        for year in sorted(set(year_values) | set(spent_by_year))
    ]
    return ContractDetail(
        contract=contract,
        figures=figures,
        missing=missing_of(contract, options),
        today=today,
        options=option_rows,
        funding=funding,
        years=years,
        spend_records=spend_records,
    )


def _option_rows(options: list[ContractOption], figures: Figures, *, today: date) -> list[OptionRow]:
    result = figures.schedule
    return [
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


def _funding_split(figures: Figures | None, count: int) -> tuple[tuple, tuple]:
    """Each share's part of the annual and whole-life values; None for each when the value is not known."""
    if figures is None or not figures.value_known:
        return (None,) * count, (None,) * count
    return figures.funding_annual, figures.funding_whole_life


def contracts_to_complete() -> QuerySet[Contract]:
    """Contracts the register does not know enough about (a start date, an end
    date or a value), by reference: they are left out of the figures that need
    what they lack. The same rows on any day, since facts are not dated."""
    return Contract.objects.filter(INCOMPLETE).select_related("service_area", "lead_commissioner").order_by("reference")


@dataclass(frozen=True)
class ToComplete:
    contract: Contract
    missing: tuple[str, ...]


def to_complete_rows(contracts) -> list[ToComplete]:
    """What each contract (rows of `contracts_to_complete`) is missing; no query."""
    return [ToComplete(contract=contract, missing=missing_of(contract)) for contract in contracts]


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
    return queryset.aggregate(annual=Sum("current_annual_value"), whole_life=Sum("whole_life_value"), count=Count("pk"))


def contract_history(*, contract: Contract, show_all: bool = False) -> History:
    """Changes to the contract, its options, funding, spend, KPIs and their assessments, newest first."""
    return record_history(
        sources=[
            Source(Contract.history.filter(id=contract.pk)),
            Source(ContractOption.history.filter(contract_id=contract.pk), label="Option {order}"),
            Source(FundingShare.history.filter(contract_id=contract.pk), label="Funding share of {organisation}"),
            Source(SpendRecord.history.filter(contract_id=contract.pk), label="Spend in {financial_year}"),
            Source(Kpi.history.filter(contract_id=contract.pk), label="KPI {name}"),
            Source(
                KpiAssessment.history.filter(kpi__contract_id=contract.pk),
                label="KPI assessment for {period_start} to {period_end}",
            ),
            Source(MonitoringRecord.history.filter(contract_id=contract.pk), label="Monitoring: {title}"),
        ],
        show_all=show_all,
    )


def provider_history(*, provider: Provider, show_all: bool = False) -> History:
    return record_history(sources=[Source(Provider.history.filter(id=provider.pk))], show_all=show_all)


def organisation_history(*, organisation: Organisation, show_all: bool = False) -> History:
    return record_history(sources=[Source(Organisation.history.filter(id=organisation.pk))], show_all=show_all)


# --- Procurement Act notices: what falls due, and what is recorded as published ----------------


@dataclass(frozen=True)
class NoticeRow:
    """A notice owed: a contract's (`contract_id`), or the council's for a half-year.
    `status` as on the day: "published" once recorded, otherwise "overdue" once its
    day has passed and "due" before. `basis` says what the day counts from, for a
    notice a contract owes more than once (a performance notice)."""

    kind: str
    label: str
    due: date
    status: str
    contract_id: int | None
    reference: str
    title: str
    period_first_day: date | None
    period_end: date | None
    publication: NoticePublication | None
    basis: str = ""
    change_id: int | None = None  # a change notice's change
    # A performance notice's: the KPI assessments it publishes (`performance.notice_for`),
    # where the page asked for them.
    contents: performance.NoticeContents | None = None

    @property
    def unassessed(self) -> tuple[str, ...]:
        """The KPIs with no assessment for a notice still to publish: those the page warns of."""
        return self.contents.unassessed if self.contents is not None and self.publication is None else ()


def _notice(kind: str, due: date, today: date, publication, **where) -> NoticeRow:
    return NoticeRow(
        kind=kind,
        label=NoticePublication.Kind(kind).label,
        due=due,
        status="published" if publication else "overdue" if due < today else "due",
        publication=publication,
        contract_id=where.get("contract_id"),
        reference=where.get("reference", ""),
        title=where.get("title", ""),
        period_first_day=where.get("period_first_day"),
        period_end=where.get("period_end"),
        basis=where.get("basis", ""),
        change_id=where.get("change_id"),
    )


def _performance_basis(due: date, *, start: date, end: date, last: NoticePublication | None) -> str:
    """What a performance notice's day counts from, in words."""
    if due == end:
        return f"at the end, {format_day(end)}"
    if last is None:
        return f"12 months after the start, {format_day(start)}"
    return f"12 months after the last, published {format_day(last.published_on)}"


def _performance_notices(
    today: date, *, start: date, end: date, kpi_duty: bool, recorded: list[NoticePublication], **which
) -> list[NoticeRow]:
    """A contract's performance notices: each recorded by `today`, and the next one due."""
    Kind = NoticePublication.Kind
    rows = []
    last = None
    for notice in recorded:  # in the order published
        basis = _performance_basis(notice.period_end, start=start, end=end, last=last)
        rows.append(_notice(Kind.PERFORMANCE, notice.period_end, today, notice, basis=basis, **which))
        last = notice
    due = procurement.next_performance_notice(
        kpi_duty=kpi_duty, start=start, end=end, published=[(n.published_on, n.period_end) for n in recorded]
    )
    if due is not None:
        basis = _performance_basis(due, start=start, end=end, last=last)
        rows.append(_notice(Kind.PERFORMANCE, due, today, None, basis=basis, **which))
    return rows


def _change_basis(notice: ChangeNotice) -> str:
    return f"before the change takes effect on {format_day(notice.change.effective_on)}: {notice.reason}"


def change_notice_rows(
    today: date,
    *,
    contract: Contract,
    options,
    changes,
    recorded: dict[int, NoticePublication],
    reference: str = "",
    title: str = "",
) -> list[NoticeRow]:
    """A contract's change notices: one for each change that owes one, or whose notice
    is recorded (by `today`), in the order the changes take effect. No query: the
    rows given are the contract's options, changes and change notices by change."""
    rows = []
    for notice in change_notices_of(contract, options, changes):
        publication = recorded.get(notice.change.pk)
        if not notice.owed and publication is None:
            continue
        rows.append(
            _notice(
                NoticePublication.Kind.CHANGE,
                notice.due,
                today,
                publication,
                contract_id=contract.pk,
                reference=reference or contract.reference,
                title=title or contract.title,
                basis=_change_basis(notice),
                change_id=notice.change.pk,
            )
        )
    return rows


def _changed_contracts() -> QuerySet[Contract]:
    """The contracts under the Act whose changes can owe a change notice (neither light
    touch nor below the threshold), with their options and changes."""
    return (
        Contract.objects.filter(legislation=Contract.Legislation.PA_2023, changes__isnull=False)
        .exclude(route__in=[Contract.Route.LIGHT_TOUCH, Contract.Route.BELOW_THRESHOLD])
        .distinct()
        .prefetch_related(Prefetch("options", queryset=ContractOption.objects.order_by("order")), "changes")
    )


def _with_contents(rows: list[NoticeRow], assessments: list[performance.KpiRating], kpis: list[str]) -> list[NoticeRow]:
    """A contract's performance notices, each with what it publishes. No query."""
    contents = performance.notice_contents([row.due for row in rows], assessments, kpis)
    return [replace(row, contents=contents[row.due]) for row in rows]


def _kpi_ratings(*, today: date) -> tuple[dict[int, list[performance.KpiRating]], dict[int, list[str]]]:
    """The KPIs of the contracts under the Act, by contract, and their assessments made
    by `today`. One query."""
    ratings: dict[int, list[performance.KpiRating]] = {}
    names: dict[int, list[str]] = {}
    rows = (
        Kpi.objects.filter(contract__legislation=Contract.Legislation.PA_2023)
        .order_by("contract", "name", "pk")
        .values_list(
            "contract_id", "name", "assessments__period_end", "assessments__rating", "assessments__assessed_on"
        )
    )
    for contract_id, name, period_end, rating, assessed_on in rows:
        if name not in names.setdefault(contract_id, []):
            names[contract_id].append(name)
        if period_end is not None and assessed_on <= today:
            ratings.setdefault(contract_id, []).append(performance.KpiRating(name, period_end, rating))
    return ratings, names


def notices_due(*, today: date, publishes: bool = False) -> list[NoticeRow]:
    """Every Procurement Act notice owed as on `today`: each contract under the Act
    its contract details notice (counted from its start date, standing in for
    the day of signing), with the KPI duty its performance notices (each recorded
    and the next due: 12 months after the last, or at its current end), and,
    unless below threshold, its termination notice (30 days after its current end
    on the day), and a change notice for each change that owes one (the day
    before it takes effect, `services.change_notices_of`); and the council its
    payments compliance notice for each half-year ended. Overdue first, then those
    due, soonest first, then those published, latest first. Five queries; with
    `publishes`, each performance notice with the KPI assessments it publishes
    (`performance.notice_for`), in one more where a contract owes any."""
    Kind = NoticePublication.Kind
    published = {}
    performance: dict[int, list[NoticePublication]] = {}
    by_change: dict[int, NoticePublication] = {}
    for notice in NoticePublication.objects.filter(published_on__lte=today).order_by("published_on", "pk"):
        if notice.kind == Kind.PERFORMANCE:
            performance.setdefault(notice.contract_id, []).append(notice)
        elif notice.kind == Kind.CHANGE:
            by_change[notice.change_id] = notice
        else:
            published[(notice.contract_id, notice.kind, notice.period_end)] = notice
    rows = []
    contracts = (
        with_figures(Contract.objects.filter(legislation=Contract.Legislation.PA_2023), today=today)
        .filter(start_date__isnull=False, current_end_date__isnull=False)
        .values_list(
            "pk", "reference", "title", "route", "contract_type", "start_date", "current_end_date", "whole_life_value"
        )
    )
    changed = {contract.pk: contract for contract in _changed_contracts()}
    owed: dict[int, list[NoticeRow]] = {}  # performance notices, by contract
    for pk, reference, title, route, contract_type, start, end, value in contracts:
        if pk in changed:
            contract = changed[pk]
            rows += change_notice_rows(
                today,
                contract=contract,
                options=list(contract.options.all()),
                changes=list(contract.changes.all()),
                recorded=by_change,
            )
        notices = act_notices(legislation=Contract.Legislation.PA_2023, route=route, signed=start, ended=end)
        which = {"contract_id": pk, "reference": reference, "title": title}
        rows.append(
            _notice(
                Kind.CONTRACT_DETAILS,
                notices.details_due,
                today,
                published.get((pk, Kind.CONTRACT_DETAILS, None)),
                **which,
            )
        )
        kpi_duty = procurement.contract_kpi_duty(
            value=value, route=route, contract_type=contract_type, legislation=Contract.Legislation.PA_2023
        )
        owed[pk] = _performance_notices(
            today, start=start, end=end, kpi_duty=kpi_duty, recorded=performance.get(pk, []), **which
        )
        if notices.termination_due is not None:
            rows.append(
                _notice(
                    Kind.TERMINATION,
                    notices.termination_due,
                    today,
                    published.get((pk, Kind.TERMINATION, None)),
                    **which,
                )
            )
    if publishes and any(owed.values()):
        ratings, names = _kpi_ratings(today=today)
        for pk, performance_rows in owed.items():
            owed[pk] = _with_contents(performance_rows, ratings.get(pk, []), names.get(pk, []))
    for performance_rows in owed.values():
        rows += performance_rows
    for period in payments_compliance_periods(until=today):
        rows.append(
            _notice(
                Kind.PAYMENTS_COMPLIANCE,
                period.notice_due,
                today,
                published.get((None, Kind.PAYMENTS_COMPLIANCE, period.last_day)),
                period_first_day=period.first_day,
                period_end=period.last_day,
            )
        )
    order = {"overdue": 0, "due": 1, "published": 2}
    return sorted(
        rows,
        key=lambda row: (
            order[row.status],
            -row.due.toordinal() if row.status == "published" else row.due.toordinal(),
            row.reference,
        ),
    )


@dataclass(frozen=True)
class ContractNotices:
    """A contract's notices recorded as published by a day: those it owes once, by
    kind, and its performance notices in the order published."""

    once: dict[str, NoticePublication]
    performance: list[NoticePublication]
    by_change: dict[int, NoticePublication] = field(default_factory=dict)  # change notices, by change

    def performance_rows(self, *, today: date, start: date, end: date, kpi_duty: bool) -> list[NoticeRow]:
        """Each performance notice recorded, then the next one due (if any); no query."""
        return _performance_notices(today, start=start, end=end, kpi_duty=kpi_duty, recorded=self.performance)


def contract_notice_publications(*, contract: Contract, today: date) -> ContractNotices:
    """The contract's notices recorded as published by `today`. One query."""
    once, performance, by_change = {}, [], {}
    for notice in NoticePublication.objects.filter(contract=contract, published_on__lte=today).order_by(
        "published_on", "pk"
    ):
        if notice.kind == NoticePublication.Kind.PERFORMANCE:
            performance.append(notice)
        elif notice.kind == NoticePublication.Kind.CHANGE:
            by_change[notice.change_id] = notice
        else:
            once[notice.kind] = notice
    return ContractNotices(once=once, performance=performance, by_change=by_change)


# --- KPIs and performance ----------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedIn:
    """An assessment and the performance notice that publishes it (`performance.notice_for`)."""

    assessment: KpiAssessment
    notice: NoticeRow | None  # None: its period ends after the last notice known
    after: NoticeRow | None  # then, that last notice


@dataclass(frozen=True)
class KpiRow:
    kpi: Kpi
    # Known on the day: made on or before it, oldest period first.
    assessments: tuple[KpiAssessment, ...]
    latest: KpiAssessment | None
    # Made after the day: not yet facts on it.
    later: int
    chart: performance.Chart | None
    # Each assessment with its performance notice, for a contract that owes them (`performance_links`).
    published_in: tuple[PublishedIn, ...] = ()

    @property
    def satisfactory(self) -> bool | None:
        """Whether the latest rating is Good or Approaching target; None before the first."""
        return None if self.latest is None else self.latest.rating in performance.SATISFACTORY


def _describe(assessment: KpiAssessment) -> str:
    return (
        f"{format_day(assessment.period_start)} to {format_day(assessment.period_end)}: "
        f"{assessment.get_rating_display()}"
    )


def contract_kpis(*, contract: Contract, today: date) -> list[KpiRow]:
    """The contract's KPIs, each with its assessments known on `today` and the
    latest of them. Two queries, however many KPIs and assessments."""
    kpis = Kpi.objects.filter(contract=contract).prefetch_related(
        Prefetch("assessments", queryset=KpiAssessment.objects.order_by("period_end", "period_start", "assessed_on"))
    )
    rows = []
    for kpi in kpis:
        every = list(kpi.assessments.all())
        known = performance.known_on(every, today)
        rows.append(
            KpiRow(
                kpi=kpi,
                assessments=tuple(known),
                latest=known[-1] if known else None,
                later=len(every) - len(known),
                chart=performance.rating_chart(known, describe=_describe) if known else None,
            )
        )
    return rows


def performance_links(*, kpis: list[KpiRow], notices: list[NoticeRow]) -> tuple[list[KpiRow], list[NoticeRow]]:
    """The contract page's KPIs with each assessment's performance notice, and its
    performance notices with what each publishes, by the one rule
    (`performance.notice_for`). No query: `kpis` from `contract_kpis`, `notices`
    the contract's performance notices on the same day (`ContractNotices.performance_rows`).
    A contract that owes none comes back as it was."""
    if not notices:
        return kpis, notices
    ratings = [
        performance.KpiRating(row.kpi.name, assessment.period_end, assessment.rating)
        for row in kpis
        for assessment in row.assessments
    ]
    notices = _with_contents(notices, ratings, [row.kpi.name for row in kpis])
    by_due = {row.due: row for row in notices}
    due_days = list(by_due)
    last = by_due[max(due_days)]
    linked = []
    for row in kpis:
        lines = []
        for assessment in row.assessments:
            day = performance.notice_for(assessment.period_end, due_days)
            notice = by_due[day] if day is not None else None
            lines.append(PublishedIn(assessment, notice, None if notice else last))
        linked.append(replace(row, published_in=tuple(lines)))
    return linked, notices


# --- monitoring visits and contract monitoring reports ------------------------------------------


def contract_monitoring(*, contract: Contract, today: date) -> list[MonitoringRecord]:
    """The contract's monitoring visits and reports made on or before `today`, latest first. One query."""
    return list(MonitoringRecord.objects.filter(contract=contract, held_on__lte=today).order_by("-held_on", "-pk"))


# --- changes to a contract ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    """A change to the contract, recorded (`change`) or an option exercised (`option`),
    which is a change provided for in the contract read from the option's decision."""

    effective_on: date
    ground_label: str
    in_effect: bool  # counted in the figures on the page's day
    change: ContractChange | None = None
    option: ContractOption | None = None
    period: Period | None = None  # an option's period
    annual_value_change: Decimal = Decimal("0.00")
    term_change_months: int = 0
    # What the change does to the whole-life value (an option: its period's value); None when not known.
    value_effect: Decimal | None = None

    @property
    def is_option(self) -> bool:
        return self.option is not None


@dataclass(frozen=True)
class ChangeSummary:
    """The changes in effect on the day against the contract as it was entered into.
    Options exercised are not among them: the original maximum value and term take
    every option in already."""

    original_value: Decimal | None  # the maximum value as entered into, every option taken
    original_term_months: int  # the maximum term as entered into, whole months
    value_change: Decimal
    term_change_months: int
    counted: int  # recorded changes in effect on the day
    pending: int  # recorded changes that take effect after the day

    @property
    def value_with_changes(self) -> Decimal | None:
        return None if self.original_value is None else self.original_value + self.value_change

    @property
    def value_change_percent(self) -> Decimal | None:
        return None if self.original_value is None else percent_of(self.value_change, self.original_value)

    @property
    def term_with_changes(self) -> int:
        return self.original_term_months + self.term_change_months

    @property
    def term_change_percent(self) -> Decimal | None:
        return percent_of(Decimal(self.term_change_months), Decimal(self.original_term_months))


@dataclass(frozen=True)
class ContractChanges:
    rows: list[ChangeRow]
    summary: ChangeSummary | None  # None when the contract's dates are not known


def contract_changes(*, contract: Contract, today: date) -> ContractChanges:
    """The contract's changes in the order they take effect, each with what it does to
    the whole-life value (measured on its day against the contract as entered into,
    `figures.change_measures`), and the options exercised by `today` as changes
    provided for in the contract; with the cumulative change of the ones in effect
    on `today`. Two queries at most, however many changes (one when the options are
    prefetched)."""
    options = sorted(contract.options.all(), key=lambda option: option.order)
    recorded = list(
        ContractChange.objects.filter(contract=contract)
        .select_related("new_supplier", "uplift")
        .order_by("effective_on", "pk")
    )
    notice_months = settings.OPTION_NOTICE_MONTHS
    facts = contract_facts(contract, options, changes=recorded)
    figures = contract_figures(facts, today=today, notice_months=notice_months)
    measures = change_measures(facts, notice_months=notice_months) or ()
    # `facts.changes` keep the order of `recorded`, those with figures only; the measures follow them.
    with_figures_rows = [change for change in recorded if change.has_figures]
    effect = {change.pk: measure.value_change for change, measure in zip(with_figures_rows, measures, strict=False)}
    rows = [
        ChangeRow(
            effective_on=change.effective_on,
            ground_label=change.ground_label,
            in_effect=change.effective_on <= today,
            change=change,
            annual_value_change=change.annual_value_change,
            term_change_months=change.term_change_months,
            value_effect=effect.get(change.pk),  # None for a change of scope or supplier only
        )
        for change in recorded
    ]
    if figures is not None:
        provided_for = provided_for_ground(contract.legislation).label
        for option, period, status, value in zip(
            options,
            figures.schedule.periods[1:],
            figures.schedule.option_statuses,
            figures.period_values[1:],
            strict=True,
        ):
            if status != OptionStatus.EXERCISED:
                continue
            rows.append(
                ChangeRow(
                    effective_on=period.start,
                    ground_label=provided_for,
                    in_effect=True,
                    option=option,
                    period=period,
                    term_change_months=option.months or period.whole_months,
                    value_effect=value,
                )
            )
    rows.sort(key=lambda row: (row.effective_on, row.change is not None, row.change.pk if row.change else 0))
    original = as_entered_into(facts, notice_months=notice_months)
    if original is None:
        return ContractChanges(rows=rows, summary=None)
    counted_rows = [row for row in rows if row.change is not None and row.in_effect]
    summary = ChangeSummary(
        original_value=original.whole_life_value,
        original_term_months=int(original.schedule.included_months),
        value_change=sum((effect.get(row.change.pk, Decimal("0.00")) for row in counted_rows), Decimal("0.00")),
        term_change_months=sum(row.term_change_months for row in counted_rows),
        counted=len(counted_rows),
        pending=sum(1 for row in rows if row.change is not None and not row.in_effect),
    )
    return ContractChanges(rows=rows, summary=summary)
