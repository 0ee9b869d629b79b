"""A council-sized data set for the benchmark.

`generate` fills an empty database with a register the size of a large
council's: contracts with their options, funding, spend and values by year;
committees, meetings, agenda items, resolution parts, delegations, officer
decisions, actions and links to contracts; commissioning projects with the
gateway decisions they have passed. It writes with `bulk_create`, so no
history rows are made, but every stored date and value comes from the same
rules the services use (`contracts.services.contract_schedule`,
`contracts.money`), so the pages see a consistent register.
"""

import random
import time
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from commissioning.core import search
from commissioning.projects.gateways import due_date, required_start
from commissioning.projects.models import CommissioningProject, Gateway, GatewayDecision
from committees import decisions
from committees.decisions import Power
from committees.models import (
    Action,
    AgendaItem,
    Committee,
    ContractLink,
    Delegation,
    Meeting,
    OfficerDecision,
    Report,
    ResolutionPart,
)
from contracts.models import (
    Contract,
    ContractOption,
    ContractYearValue,
    FundingShare,
    Organisation,
    Provider,
    ServiceArea,
    SpendRecord,
)
from contracts.money import financial_year_of, to_money
from contracts.regime import OLD_REGIMES, split_regime
from contracts.services import contract_schedule, figures_of, figures_store_many, initial_end_of
from contracts.terms import OptionStatus, format_term, months_before, periods

BATCH = 2000


class BenchmarkError(Exception):
    """The benchmark cannot run here, or a page did not answer as it should."""


# --- sizes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    """What to generate. The four figures the issue names are given; the rest
    follow from them in the proportions of a large council."""

    contracts: int = 20_000
    meetings: int = 3_000
    parts: int = 40_000
    actions: int = 20_000

    def __post_init__(self):
        if self.contracts < 1 or self.meetings < 1:
            raise BenchmarkError("The benchmark needs at least one contract and one meeting.")
        if self.parts < 0 or self.actions < 0:
            raise BenchmarkError("The numbers of resolution parts and actions cannot be negative.")
        if self.actions and not self.parts:
            raise BenchmarkError("Actions hang on resolution parts: ask for some parts too.")

    @property
    def providers(self) -> int:
        return max(10, self.contracts // 40)

    @property
    def items(self) -> int:
        # About 3.3 resolution parts to an item, and at least one item a meeting.
        return max(self.meetings, self.parts * 3 // 10)

    @property
    def delegations(self) -> int:
        return max(1, self.parts // 40) if self.parts else 0

    @property
    def contract_links(self) -> int:
        return self.contracts // 2

    @property
    def projects(self) -> int:
        return max(3, self.contracts * 15 // 1000)


# --- reference data -------------------------------------------------------------------------

SERVICE_AREAS = (
    "Home care",
    "Supported living",
    "Residential care",
    "Nursing care",
    "Extra care housing",
    "Day opportunities",
    "Carers' support",
    "Mental health",
    "Learning disabilities",
    "Reablement",
    "Advocacy",
    "Equipment and adaptations",
)
PLACES = (
    "Ashford",
    "Bramley",
    "Castleton",
    "Dunmore",
    "Eastbridge",
    "Fenwick",
    "Greyhaven",
    "Hollowell",
    "Ironbridge",
    "Kingsmere",
)
REGIONS = ("North", "South", "East", "West", "Central", "Coastal", "Valleys", "Midshire")
PROVIDER_WORDS = (
    (
        "Bright",
        "Caring",
        "Evergreen",
        "Harbour",
        "Heritage",
        "Kindred",
        "Meadow",
        "Oak",
        "Riverside",
        "Summit",
        "Willow",
        "Unity",
    ),
    ("Hands", "Homes", "Futures", "Lives", "Steps", "Horizons", "Pathways", "Circle", "Community", "Living"),
    ("Care Ltd", "Support Ltd", "Trust", "CIC", "Group Ltd"),
)
# (months of the initial term and of each option, weight)
TERMS = (
    ((60, 24, 24), 5),
    ((36, 24), 5),
    ((36, 12, 12), 4),
    ((24, 12), 3),
    ((18, 6), 2),
    ((12, 12, 12), 2),
    ((36,), 2),
    ((48, 24, 24, 12), 1),
    ((60,), 1),
    ((120,), 1),
)
ANNUAL_VALUES = tuple(
    Decimal(v)
    for v in (
        25_000,
        40_000,
        60_000,
        85_000,
        120_000,
        180_000,
        250_000,
        400_000,
        650_000,
        1_000_000,
        1_800_000,
        3_200_000,
    )
)
UPLIFTS = (Decimal("0"), Decimal("0"), Decimal("2"), Decimal("2.5"), Decimal("3"))
DECISION_MAKER = "Director of Adult Social Care"
SUBJECTS = (
    "home care framework",
    "supported living service",
    "extra care housing contract",
    "carers' support service",
    "day opportunities contract",
    "reablement service",
    "advocacy service",
    "nursing care block beds",
)
ITEM_TITLES = (
    "Extension of the {}",
    "Award of the {}",
    "Gateway report: re-commissioning of the {}",
    "Contract monitoring report: {}",
    "Waiver of standing orders for the {}",
    "Budget monitoring and the {}",
)
PART_TEXTS = {
    ResolutionPart.Kind.APPROVE: "That the extension of the {} for two years be approved, at an annual value within the budget.",
    ResolutionPart.Kind.NOTE: "That the contract monitoring report on the {} and the performance against the KPIs be noted.",
    ResolutionPart.Kind.RECOMMEND: "That the Executive be recommended to approve the procurement strategy for the {}.",
    ResolutionPart.Kind.DELEGATE: "That authority be delegated to the Director to award the {} following the tender.",
    ResolutionPart.Kind.DEFER: "That a decision on the {} be deferred to the next meeting for further information.",
    ResolutionPart.Kind.REJECT: "That the proposed variation of the {} be rejected.",
}
ACTION_TEXTS = (
    "Report back to the committee on progress.",
    "Publish the decision notice.",
    "Write to the provider with the decision.",
    "Update the contract register and the forward plan.",
)
# Kinds of the parts that are neither delegations nor recommendations, with weights.
ORDINARY_KINDS = (
    (ResolutionPart.Kind.APPROVE, 45),
    (ResolutionPart.Kind.NOTE, 40),
    (ResolutionPart.Kind.DEFER, 8),
    (ResolutionPart.Kind.REJECT, 7),
)
SECOND_COMMITTEES = (
    ("Adult Care and Health Policy Development and Scrutiny Committee", Committee.Kind.PDS),
    ("Health and Wellbeing Overview and Scrutiny Committee", Committee.Kind.OVERVIEW_SCRUTINY),
    ("Portfolio Holder for Adult Social Care", Committee.Kind.PORTFOLIO_HOLDER),
)
LINK_EFFECTS = (
    (ContractLink.Effect.AWARD, 3),
    (ContractLink.Effect.NOTE_MONITORING, 4),
    (ContractLink.Effect.APPROVE_TENDER, 2),
    (ContractLink.Effect.CHANGE_VALUE, 1),
    (ContractLink.Effect.OTHER, 1),
    (ContractLink.Effect.EXERCISE_OPTION, 3),
)


def _weighted(rng: random.Random, choices: Sequence[tuple[object, int]]):
    return rng.choices([value for value, _ in choices], weights=[weight for _, weight in choices])[0]


def _bulk(model, rows: Iterable) -> list:
    """Insert in batches; the rows come back with their primary keys."""
    created = []
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            created += model.objects.bulk_create(batch)
            batch = []
    if batch:
        created += model.objects.bulk_create(batch)
    return created


def _spread_over(rng: random.Random, total: int, buckets: int) -> list[int]:
    """`total` things shared among `buckets`, unevenly (some meetings are long)."""
    if buckets == 0:
        return []
    weights = [rng.uniform(0.3, 3.0) for _ in range(buckets)]
    counts = [0] * buckets
    for bucket in rng.choices(range(buckets), weights=weights, k=total):
        counts[bucket] += 1
    return counts


# --- what generation keeps in memory for the later tables ----------------------------------


@dataclass
class _Register:
    today: date
    rng: random.Random
    service_areas: list[ServiceArea] = field(default_factory=list)
    councils: list[Organisation] = field(default_factory=list)
    partners: list[Organisation] = field(default_factory=list)  # ICBs and NHS trusts
    providers: list[Provider] = field(default_factory=list)
    contracts: list["_ContractFacts"] = field(default_factory=list)
    exercised_options: list[tuple[int, int]] = field(default_factory=list)  # (contract pk, option pk)
    committees: list[Committee] = field(default_factory=list)
    executive_of: dict[int, Committee] = field(default_factory=dict)  # council pk -> its Executive
    meetings: list[Meeting] = field(default_factory=list)
    parts: list[tuple[ResolutionPart, Meeting]] = field(default_factory=list)


@dataclass(frozen=True)
class _ContractFacts:
    pk: int
    service_area_id: int
    final_end: date
    annual_value: Decimal


# --- the contract register ------------------------------------------------------------------


def _reference_data(register: _Register, sizes: Sizes) -> None:
    register.service_areas = _bulk(ServiceArea, (ServiceArea(name=name) for name in SERVICE_AREAS))
    register.councils = _bulk(
        Organisation,
        (Organisation(name=f"{place} Borough Council", kind=Organisation.Kind.COUNCIL) for place in PLACES),
    )
    register.partners = _bulk(
        Organisation,
        [Organisation(name=f"{region} Integrated Care Board", kind=Organisation.Kind.ICB) for region in REGIONS]
        + [
            Organisation(name=f"{place} NHS Foundation Trust", kind=Organisation.Kind.NHS_TRUST) for place in PLACES[:8]
        ],
    )
    _bulk(
        Organisation,
        (Organisation(name=f"{place} Housing Association", kind=Organisation.Kind.OTHER) for place in PLACES[:4]),
    )
    first, second, third = PROVIDER_WORDS
    names = []
    for n in range(sizes.providers):
        name = f"{first[n % len(first)]} {second[n // len(first) % len(second)]} {third[n // (len(first) * len(second)) % len(third)]}"
        names.append(name if n < len(first) * len(second) * len(third) else f"{name} {n}")
    register.providers = _bulk(
        Provider, (Provider(name=name, is_sme=n % 3 != 0, is_vcse=n % 7 == 0) for n, name in enumerate(names))
    )


def _option_statuses(rng: random.Random, start: date, parts: Sequence[int], today: date) -> list[OptionStatus]:
    """What officers recorded: options whose period has begun were mostly decided,
    options due for a decision sometimes are, later ones are open. Taken in order."""
    notice = settings.OPTION_NOTICE_MONTHS
    all_periods = periods(start, parts)
    statuses: list[OptionStatus] = []
    closed = still_open = False
    for order in range(1, len(parts)):
        before = all_periods[order - 1]
        if closed:
            statuses.append(OptionStatus.DECLINED)
            continue
        if still_open:
            statuses.append(OptionStatus.AVAILABLE)
            continue
        roll = rng.random()
        if today > before.end:  # its period has begun
            exercised, declined = 0.85, 0.95  # the rest were never decided, and lapse
        elif today > months_before(before.end, notice):  # the decision is due
            exercised, declined = 0.55, 0.65  # the rest are late
        else:
            exercised = declined = 0.0
        if roll < exercised:
            statuses.append(OptionStatus.EXERCISED)
        elif roll < declined:
            statuses.append(OptionStatus.DECLINED)
            closed = True
        else:
            statuses.append(OptionStatus.AVAILABLE)
            still_open = True
    return statuses


def _contract_batch(register: _Register, first_number: int, count: int) -> None:
    """`count` contracts with their options, providers, funding, spend and values by year."""
    rng, today = register.rng, register.today
    built = []  # (contract, options, provider pks, included months)
    for number in range(first_number, first_number + count):
        parts = _weighted(rng, TERMS)
        # Mostly the 1st of a month, from ten years ago to half a year ahead.
        month = rng.randrange(-120, 7)
        year, month_index = divmod(today.year * 12 + today.month - 1 + month, 12)
        day = 1 if rng.random() < 0.8 else rng.randint(2, 28)
        start = date(year, month_index + 1, day)
        area = rng.choice(register.service_areas)
        lead = rng.choice(register.councils) if rng.random() < 0.9 else rng.choice(register.partners)
        contract = Contract(
            reference=f"BEN-{number:05d}",
            title=f"{area.name} {rng.choice(('service', 'framework', 'block contract', 'lot'))} {number}",
            service_area=area,
            contract_type=rng.choice(Contract.ContractType.values),
            # One draw from the six old regimes, split by the start date as the migration did.
            **dict(zip(("legislation", "route"), split_regime(rng.choice(OLD_REGIMES), start_date=start))),
            lead_commissioner=lead,
            start_date=start,
            term=format_term(parts),
            annual_value=rng.choice(ANNUAL_VALUES),
            annual_uplift_percent=rng.choice(UPLIFTS),
        )
        options = [
            ContractOption(order=order, months=months, status=status)
            for order, (months, status) in enumerate(
                zip(parts[1:], _option_statuses(rng, start, parts, today)), start=1
            )
        ]
        # Only facts are set here; every figure comes from contracts.figures,
        # through the services' own functions, as for a contract saved on a page.
        result = contract_schedule(contract, options, today=today)
        for option in options:
            if option.status in (OptionStatus.EXERCISED, OptionStatus.DECLINED):
                deadline = result.option_deadline(option.order)
                option.decided_by = DECISION_MAKER
                option.decided_on = min(today, max(start, deadline - timedelta(days=rng.randint(0, 90))))
        contract.initial_end_date = initial_end_of(contract, options)
        figures = figures_of(contract, options, today=today)
        if rng.random() < 0.7:
            contract.approved_value = to_money(figures.whole_life_value * Decimal(rng.randint(90, 115)) / 100)
        providers = {rng.choice(register.providers).pk for _ in range(rng.choice((1, 1, 1, 2, 3)))}
        built.append((contract, options, providers, figures))

    Contract.objects.bulk_create([contract for contract, *_ in built])
    options, through, shares, spend = [], [], [], []
    last_full_year = financial_year_of(today) - 1
    for contract, contract_options, providers, figures in built:
        for option in contract_options:
            option.contract = contract
            options.append(option)
        through += [Contract.providers.through(contract_id=contract.pk, provider_id=pk) for pk in providers]
        lead_share = rng.choice((100, 100, 100, 90, 80, 75, 70, 60))
        shares.append(
            FundingShare(contract=contract, organisation=contract.lead_commissioner, percent=Decimal(lead_share))
        )
        if lead_share < 100:
            partner = rng.choice([p for p in register.partners if p.pk != contract.lead_commissioner_id])
            shares.append(FundingShare(contract=contract, organisation=partner, percent=Decimal(100 - lead_share)))
        # Spend for the last few complete years: mostly near the projection, some above it.
        for year, amount in figures.year_values.items():
            if last_full_year - 3 <= year <= last_full_year:
                factor = Decimal(rng.randint(85, 112)) / 100
                spend.append(SpendRecord(contract=contract, financial_year=year, amount=to_money(amount * factor)))
        register.contracts.append(
            _ContractFacts(
                pk=contract.pk,
                service_area_id=contract.service_area_id,
                final_end=figures.schedule.final_end,
                annual_value=contract.annual_value,
            )
        )
    ContractOption.objects.bulk_create(options)
    register.exercised_options += [(o.contract_id, o.pk) for o in options if o.status == OptionStatus.EXERCISED]
    Contract.providers.through.objects.bulk_create(through)
    FundingShare.objects.bulk_create(shares)
    _bulk(SpendRecord, spend)
    figures_store_many([(contract, contract_options) for contract, contract_options, *_ in built])


def _contracts(register: _Register, sizes: Sizes) -> None:
    for first in range(1, sizes.contracts + 1, BATCH):
        _contract_batch(register, first, min(BATCH, sizes.contracts - first + 1))


# --- committees and decisions ---------------------------------------------------------------


def _committees(register: _Register) -> None:
    rows = []
    for n, council in enumerate(register.councils):
        name, kind = SECOND_COMMITTEES[n % len(SECOND_COMMITTEES)]
        rows += [
            Committee(council=council, name="Executive", kind=Committee.Kind.EXECUTIVE),
            Committee(council=council, name=name, kind=kind),
        ]
    register.committees = _bulk(Committee, rows)
    register.executive_of = {c.council_id: c for c in register.committees if c.kind == Committee.Kind.EXECUTIVE}


def _meeting_day(meeting: Meeting) -> date:
    return timezone.localtime(meeting.starts_at).date()


def _meetings(register: _Register, sizes: Sizes) -> None:
    """Eight years of meetings and half a year of scheduled ones; the minutes of
    a held meeting are approved at the next one of its committee."""
    rng, today = register.rng, register.today
    first_day = today - timedelta(days=8 * 365)
    span = (today + timedelta(days=183) - first_day).days
    rows = []
    for _ in range(sizes.meetings):
        day = first_day + timedelta(days=rng.randrange(span))
        day -= timedelta(days=max(day.weekday() - 4, 0))  # a weekday
        starts_at = timezone.make_aware(datetime.combine(day, clock_time(rng.choice((10, 14, 18)), 30)))
        if day > today:
            status = Meeting.Status.SCHEDULED
        else:
            status = Meeting.Status.CANCELLED if rng.random() < 0.04 else Meeting.Status.HELD
        rows.append(
            Meeting(
                committee=rng.choice(register.committees),
                starts_at=starts_at,
                venue="Council Chamber, Town Hall",
                status=status,
                agenda_published_on=day - timedelta(days=8) if day - timedelta(days=8) <= today else None,
                decisions_published_on=day + timedelta(days=2) if status == Meeting.Status.HELD else None,
            )
        )
    rows.sort(key=lambda m: m.starts_at)
    register.meetings = _bulk(Meeting, rows)

    by_committee = defaultdict(list)
    for meeting in register.meetings:
        if meeting.status != Meeting.Status.CANCELLED:
            by_committee[meeting.committee_id].append(meeting)
    approved = []
    for meetings in by_committee.values():
        for meeting, following in zip(meetings, meetings[1:]):
            if following.status == Meeting.Status.HELD and meeting.status == Meeting.Status.HELD:
                meeting.minutes_approved_at = following
                approved.append(meeting)
    Meeting.objects.bulk_update(approved, ["minutes_approved_at"], batch_size=BATCH)


def _items_and_reports(register: _Register, sizes: Sizes) -> list[tuple[AgendaItem, Meeting, str]]:
    """Agenda items on every meeting but the cancelled ones; four in ten with a report."""
    rng = register.rng
    meetings = [m for m in register.meetings if m.status != Meeting.Status.CANCELLED]
    counts = _spread_over(rng, max(sizes.items - len(meetings), 0), len(meetings))
    items, reports, report_contracts = [], [], []
    numbers = defaultdict(int)
    for meeting, extra in zip(meetings, counts):
        council_id = meeting.committee.council_id
        for position in range(1, extra + 2):
            subject = rng.choice(SUBJECTS)
            title = rng.choice(ITEM_TITLES).format(subject)
            report = None
            if rng.random() < 0.4:
                numbers[council_id] += 1
                day = _meeting_day(meeting)
                kind = rng.choice(Report.Kind.values)
                report = Report(
                    council_id=council_id,
                    reference=f"ACH{day:%y}-{numbers[council_id]:04d}",
                    title=title,
                    kind=kind,
                    gateway_number=rng.randint(0, 2) if kind == Report.Kind.GATEWAY else None,
                    author=DECISION_MAKER,
                    report_date=day - timedelta(days=10),
                )
                reports.append(report)
            items.append(
                (
                    AgendaItem(
                        meeting=meeting,
                        number=str(position),
                        title=title,
                        report=report,
                        minutes=f"Members considered the report on the {subject}. "
                        "They asked about the extension, the KPIs and the budget.",
                        position=position,
                    ),
                    meeting,
                    subject,
                )
            )
    _bulk(Report, reports)
    for report in reports:
        for _ in range(rng.choice((0, 1, 1, 2))):
            report_contracts.append(
                Report.contracts.through(report_id=report.pk, contract_id=rng.choice(register.contracts).pk)
            )
    _bulk(Report.contracts.through, {(r.report_id, r.contract_id): r for r in report_contracts}.values())
    _bulk(AgendaItem, (item for item, *_ in items))
    return items


def _parts(register: _Register, sizes: Sizes, items: list[tuple[AgendaItem, Meeting, str]]) -> None:
    """Resolution parts on the items of held meetings: a few delegations and
    recommendations to the Executive, half of them taken up at a later meeting."""
    rng = register.rng
    held = [row for row in items if row[1].status == Meeting.Status.HELD]
    if not held or not sizes.parts:
        return
    counts = _spread_over(rng, sizes.parts, len(held))
    kinds = [ResolutionPart.Kind.DELEGATE] * sizes.delegations
    kinds += [ResolutionPart.Kind.RECOMMEND] * (sizes.parts // 12)
    kinds += [_weighted(rng, ORDINARY_KINDS) for _ in range(sizes.parts - len(kinds))]
    rng.shuffle(kinds)
    kinds = iter(kinds)
    rows = []
    for (item, meeting, subject), count in zip(held, counts):
        for position in range(1, count + 1):
            kind = next(kinds)
            recommended_to = None
            if kind == ResolutionPart.Kind.RECOMMEND:
                recommended_to = register.executive_of[meeting.committee.council_id]
            rows.append(
                (
                    ResolutionPart(
                        item=item,
                        number=str(position),
                        position=position,
                        kind=kind,
                        text=PART_TEXTS[kind].format(subject),
                        recommended_to=recommended_to,
                        is_key_decision=kind == ResolutionPart.Kind.APPROVE and rng.random() < 0.3,
                    ),
                    meeting,
                )
            )
    _bulk(ResolutionPart, (part for part, _ in rows))
    register.parts = rows

    # Half the recommendations are taken up by an approval at a later meeting
    # of the committee they went to.
    approvals = defaultdict(list)  # committee pk -> its approvals, in meeting order
    for part, meeting in rows:
        if part.kind == ResolutionPart.Kind.APPROVE:
            approvals[meeting.committee_id].append(part)
    starts = {
        committee_id: [part.item.meeting.starts_at for part in parts] for committee_id, parts in approvals.items()
    }
    taken_up = []
    used = set()
    for part, meeting in rows:
        if part.kind != ResolutionPart.Kind.RECOMMEND or rng.random() < 0.5:
            continue
        later = approvals[part.recommended_to_id]
        index = bisect_right(starts.get(part.recommended_to_id, []), meeting.starts_at)
        for approval in later[index : index + 5]:
            if approval.pk not in used:
                approval.takes_up = part
                used.add(approval.pk)
                taken_up.append(approval)
                break
    ResolutionPart.objects.bulk_update(taken_up, ["takes_up"], batch_size=BATCH)


def _delegations_and_officer_decisions(register: _Register) -> list[OfficerDecision]:
    """A delegation on every part that delegates; six in ten of them used since."""
    rng, today = register.rng, register.today
    delegations = []
    for part, meeting in register.parts:
        if part.kind == ResolutionPart.Kind.DELEGATE:
            day = _meeting_day(meeting)
            delegations.append(
                (
                    Delegation(
                        resolution_part=part,
                        to_whom=DECISION_MAKER,
                        in_consultation_with="Portfolio Holder for Adult Social Care",
                        scope=part.text,
                        expires_on=day + timedelta(days=730) if rng.random() < 0.5 else None,
                    ),
                    day,
                )
            )
    _bulk(Delegation, (delegation for delegation, _ in delegations))
    decisions = []
    for delegation, day in delegations:
        if rng.random() < 0.6:
            last = min(today, delegation.expires_on or today)
            decided_on = day + timedelta(days=rng.randint(0, max((last - day).days, 0)))
            decisions.append(
                OfficerDecision(
                    decision_maker=DECISION_MAKER,
                    decided_on=decided_on,
                    text=f"Decision under delegation: {delegation.scope}",
                    delegation=delegation,
                    published_on=decided_on + timedelta(days=3),
                )
            )
    return _bulk(OfficerDecision, decisions)


def _actions(register: _Register, sizes: Sizes) -> None:
    """Actions on the parts that decide something; some open past their due date."""
    rng, today = register.rng, register.today
    deciding = [
        (part, meeting)
        for part, meeting in register.parts
        if part.kind in (ResolutionPart.Kind.APPROVE, ResolutionPart.Kind.DELEGATE, ResolutionPart.Kind.RECOMMEND)
    ] or register.parts
    rows = []
    for _ in range(sizes.actions):
        part, meeting = rng.choice(deciding)
        day = _meeting_day(meeting)
        due_on = day + timedelta(days=rng.randint(14, 180))
        if due_on < today:
            status = _weighted(rng, ((Action.Status.DONE, 80), (Action.Status.OPEN, 15), (Action.Status.CANCELLED, 5)))
        else:
            status = _weighted(rng, ((Action.Status.OPEN, 9), (Action.Status.DONE, 1)))
        completed_on = None
        if status == Action.Status.DONE:
            completed_on = min(today, day + timedelta(days=rng.randint(7, (due_on - day).days + 30)))
        rows.append(
            Action(
                resolution_part=part,
                text=rng.choice(ACTION_TEXTS),
                owner=rng.choice((DECISION_MAKER, "Head of Commissioning", "Head of Finance")),
                due_on=due_on,
                status=status,
                completed_on=completed_on,
            )
        )
    _bulk(Action, rows)


def _contract_links(register: _Register, sizes: Sizes, officer_decisions: list[OfficerDecision]) -> None:
    """Decisions acting on contracts: most from approvals and delegations, some from officer decisions."""
    rng = register.rng
    parts = [
        part
        for part, _ in register.parts
        if part.kind in (ResolutionPart.Kind.APPROVE, ResolutionPart.Kind.DELEGATE, ResolutionPart.Kind.NOTE)
    ]
    # Only what the one rule lets authorise an option is its authority (committees.decisions).
    authorising = [part for part in parts if decisions.can_authorise(part.kind, Power.DECIDE_OPTION)]
    if not parts:
        return
    rows = []
    # Each exercised option has at most one authority recorded.
    unauthorised = list(register.exercised_options)
    rng.shuffle(unauthorised)
    for n in range(sizes.contract_links):
        effect = _weighted(rng, LINK_EFFECTS)
        option_id = None
        if effect == ContractLink.Effect.EXERCISE_OPTION and unauthorised and authorising:
            contract_id, option_id = unauthorised.pop()
        else:
            effect = ContractLink.Effect.NOTE_MONITORING if effect == ContractLink.Effect.EXERCISE_OPTION else effect
            contract_id = rng.choice(register.contracts).pk
        link = ContractLink(contract_id=contract_id, effect=effect, option_id=option_id)
        if officer_decisions and n % 5 == 0:
            link.officer_decision = rng.choice(officer_decisions)
        else:
            link.resolution_part = rng.choice(authorising if option_id else parts)
        rows.append(link)
    _bulk(ContractLink, rows)


# --- commissioning projects --------------------------------------------------------------------


def _projects(register: _Register, sizes: Sizes) -> None:
    """Projects replacing contracts that end within three years, with the
    gateways they have passed, each by an approval at a meeting near its due date."""
    rng, today = register.rng, register.today
    ending = [
        c for c in register.contracts if today - timedelta(days=90) <= c.final_end <= today + timedelta(days=3 * 365)
    ]
    ending = ending or register.contracts
    by_area = defaultdict(list)
    for contract in ending:
        by_area[contract.service_area_id].append(contract)
    approvals = sorted(
        ((_meeting_day(meeting), part) for part, meeting in register.parts if part.kind == ResolutionPart.Kind.APPROVE),
        key=lambda pair: pair[0],
    )
    area_names = {area.pk: area.name for area in register.service_areas}
    approval_days = [day for day, _ in approvals]
    gateways = [g for g in Gateway.objects.order_by("number") if g.lead_months is not None]

    projects, incumbents, passed = [], [], []
    for n in range(sizes.projects):
        first = rng.choice(ending)
        group = [first] + rng.sample(
            by_area[first.service_area_id], k=min(rng.choice((0, 0, 1, 2)), len(by_area[first.service_area_id]))
        )
        group = list({c.pk: c for c in group}.values())
        required = required_start([c.final_end for c in group])
        annual = sum((c.annual_value for c in group), Decimal(0))
        project = CommissioningProject(
            title=f"Re-commissioning {n + 1}: {area_names[first.service_area_id].lower()}",
            service_area_id=first.service_area_id,
            status=_weighted(
                rng,
                (
                    (CommissioningProject.Status.ACTIVE, 85),
                    (CommissioningProject.Status.COMPLETED, 10),
                    (CommissioningProject.Status.CANCELLED, 5),
                ),
            ),
            estimated_annual_value=to_money(annual * Decimal("1.05")),
            estimated_term="5+2+2",
            baseline_annual_cost=annual,
            baseline_year=financial_year_of(today),
        )
        projects.append(project)
        incumbents.append(group)
        for gateway in gateways:
            due = due_date(required, gateway.lead_months)
            if due > today + timedelta(days=60) or rng.random() < 0.25:
                break
            index = bisect_right(approval_days, min(due, today)) - 1
            if index < 0:
                break
            passed.append((project, gateway, approvals[index]))
    _bulk(CommissioningProject, projects)
    through = CommissioningProject.incumbent_contracts.through
    _bulk(
        through,
        (
            through(commissioningproject_id=p.pk, contract_id=c.pk)
            for p, group in zip(projects, incumbents)
            for c in group
        ),
    )
    _bulk(
        GatewayDecision,
        (
            GatewayDecision(project=project, gateway=gateway, resolution_part=part)
            for project, gateway, (day, part) in passed
        ),
    )


# --- generation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    seconds: float
    counts: dict[str, int]
    # Found in a kept database rather than generated by this run.
    reused: bool = False


COUNTED = (
    Contract,
    ContractOption,
    FundingShare,
    SpendRecord,
    ContractYearValue,
    Provider,
    Organisation,
    ServiceArea,
    Committee,
    Meeting,
    Report,
    AgendaItem,
    ResolutionPart,
    Delegation,
    OfficerDecision,
    Action,
    ContractLink,
    CommissioningProject,
    GatewayDecision,
)


def counted() -> dict[str, int]:
    return {str(model._meta.verbose_name_plural): model.objects.count() for model in COUNTED}


def holds_data() -> bool:
    """Whether the database already holds anything the benchmark would mix with."""
    return any(model.objects.exists() for model in (Contract, Organisation, Provider, Meeting, CommissioningProject))


def generate(
    *, sizes: Sizes, today: date, seed: int = 1, progress: Callable[[str], None] = lambda _: None
) -> Generated:
    """Fill an empty database with a register of `sizes`, as it stands on `today`."""
    if holds_data():
        raise BenchmarkError("The database already holds contracts or committee records: generate into an empty one.")
    started = time.perf_counter()
    register = _Register(today=today, rng=random.Random(seed))
    progress("reference data")
    _reference_data(register, sizes)
    progress("contracts")
    _contracts(register, sizes)
    progress("committees and meetings")
    _committees(register)
    _meetings(register, sizes)
    progress("agenda items and reports")
    items = _items_and_reports(register, sizes)
    progress("resolution parts")
    _parts(register, sizes, items)
    progress("delegations and officer decisions")
    officer_decisions = _delegations_and_officer_decisions(register)
    progress("actions")
    _actions(register, sizes)
    progress("contract links")
    _contract_links(register, sizes, officer_decisions)
    progress("commissioning projects")
    _projects(register, sizes)
    progress("search index")
    # The index as the services would have kept it, written in bulk by its one writer.
    search.index_rebuild()
    return Generated(seconds=time.perf_counter() - started, counts=counted())
