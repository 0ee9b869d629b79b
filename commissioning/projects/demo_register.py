"""A fictional council's register around a given day, planned in plain Python.

`plan_register(today)` says what the demo council holds on `today`: a few
hundred contracts across the service areas, the options exercised on them and
when, the commissioning projects that replace the contracts ending soon, and
the meetings of its committees, past and coming. Nothing here touches the
database: `commissioning.projects.demo_register_load` writes the plan through
the services, which work out every figure. Among the contracts procured under
the Procurement Act 2023 (those starting from 24 Feb 2025), a few of the largest
have KPIs rated quarter by quarter, and most of the notices the Act asks for are
recorded as published, some late, some not at all, so that the notices list has
rows published, due and overdue.

The plan is the same for the same day (the random numbers are seeded by the
day; the KPIs and notices draw on a generator of their own, so adding them left
the rest of the plan as it was) and everything in it is made up: references start with `DEMO-`, the
council is Demoshire, and every description says it is fictional.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from contracts import procurement, regime
from contracts.money import whole_value
from contracts.performance import (
    APPROACHING,
    GOOD,
    INADEQUATE,
    OTHER,
    REQUIRES_IMPROVEMENT,
    PlannedAssessment,
    PlannedKpi,
)
from contracts.terms import months_before, next_start, period_end, periods

PREFIX = "DEMO-"
FICTIONAL = "Fictional demo data: no real council, provider or contract."
COUNCIL = "Demoshire County Council"
ICB = "Demoshire and Vale Integrated Care Board"
DECISION_MAKER = "Director of Adult Social Care (Demoshire)"
# Every contract of the register took the light touch route (adult social care).
ROUTE = regime.LIGHT_TOUCH

# name, reference code, annual value range (pounds), usual contract type
SERVICE_AREAS = (
    ("Home care", "HC", (400_000, 6_000_000), "framework"),
    ("Residential and nursing care", "RN", (300_000, 4_000_000), "block"),
    ("Supported living", "SL", (250_000, 2_500_000), "block"),
    ("Day opportunities", "DO", (80_000, 900_000), "block"),
    ("Carers' support", "CS", (60_000, 600_000), "grant"),
    ("Mental health", "MH", (150_000, 2_000_000), "block"),
    ("Learning disability", "LD", (150_000, 2_200_000), "block"),
    ("Advocacy", "AD", (50_000, 400_000), "block"),
    ("Reablement", "RB", (300_000, 2_500_000), "block"),
    ("Extra care housing", "EC", (200_000, 1_500_000), "block"),
)
LOCALITIES = ("North", "South", "East", "West", "Central", "Coastal", "Rural", "Countywide")
SERVICES = {
    "HC": ("Home care", "Night-time home care", "Rapid response home care", "Home care for people with dementia"),
    "RN": ("Nursing care block beds", "Residential dementia care", "Short-break residential care"),
    "SL": ("Supported living", "Supported living for autistic adults", "Step-down supported living"),
    "DO": ("Day opportunities", "Community day opportunities", "Employment support"),
    "CS": ("Carers' support service", "Carers' breaks", "Young adult carers' support"),
    "MH": ("Mental health floating support", "Mental health recovery housing", "Crisis house"),
    "LD": ("Learning disability respite", "Learning disability day support", "Shared lives"),
    "AD": ("Independent advocacy", "Care Act advocacy", "Independent mental health advocacy"),
    "RB": ("Reablement", "Home from hospital", "Discharge to assess"),
    "EC": ("Extra care housing support", "Extra care night cover"),
}
# Clearly made-up place and provider words.
PROVIDER_FIRST = (
    "Ambleworth",
    "Brackenmoor",
    "Calderwick",
    "Dunsford Vale",
    "Elmhurst Green",
    "Fernlow",
    "Glenbury",
    "Harrowdene",
    "Ivydale",
    "Kestrel Fold",
    "Larkspur",
    "Millbrook Hollow",
    "Nettlecombe",
    "Oakenfield",
    "Pebblewick",
    "Quillington",
    "Rowanbeck",
    "Sallowmere",
    "Thistlewood",
    "Wyndham Cross",
)
PROVIDER_LAST = ("Care Ltd", "Support CIC", "Living Trust", "Homecare Ltd", "Community Interest Company", "Partnership")
# months of the initial term and of each option
TERMS_WITH_OPTIONS = ((36, 12, 12), (36, 24), (60, 24, 24), (24, 12, 12), (36, 12), (48, 24), (24, 12))
TERMS_WITHOUT_OPTIONS = ((36,), (24,), (60,), (12,))
FUNDING_SPLITS = ((70, 30), (50, 50), (60, 40), (80, 20))


@dataclass(frozen=True)
class PlannedContract:
    reference: str
    title: str
    service_area: str
    provider: str
    lead: str
    funding: tuple[tuple[str, Decimal], ...]
    start: date | None
    parts: tuple[int, ...] | None
    annual: Decimal | None
    approved: Decimal | None
    contract_type: str
    # The day each option was exercised, in order (the first ones only).
    exercised: tuple[date, ...] = ()
    # Whether the council's cabinet approved the extensions itself (large contracts)
    # rather than the director under the yearly delegation.
    by_cabinet: bool = False
    # Spend recorded for each ended financial year, as a share of its projection.
    spend_factor: Decimal = Decimal("0.97")
    overspent_year_back: int | None = None  # which ended year (1: the last) went over
    description: str = ""

    @property
    def current_end(self) -> date | None:
        if self.start is None or self.parts is None:
            return None
        return periods(self.start, self.parts[: 1 + len(self.exercised)])[-1].end

    @property
    def has_open_option(self) -> bool:
        return self.parts is not None and len(self.exercised) < len(self.parts) - 1


@dataclass(frozen=True)
class PlannedGateway:
    number: int
    passed_on: date  # the day of the cabinet meeting that passed it


@dataclass(frozen=True)
class PlannedProject:
    title: str
    service: str  # what the contract provides, as its title says: "Home care: North"
    service_area: str
    incumbents: tuple[str, ...]  # references
    estimated_annual_value: Decimal
    estimated_term: str
    funding: tuple[tuple[str, Decimal], ...]
    passed: tuple[PlannedGateway, ...]
    notes: str


# The kinds of notice, as `contracts.models.NoticePublication.Kind` stores them.
CONTRACT_DETAILS = "contract_details"
TERMINATION = "termination"
PAYMENTS_COMPLIANCE = "payments_compliance"


@dataclass(frozen=True)
class PlannedNotice:
    kind: str
    published_on: date
    identifier: str
    reference: str = ""  # the contract's; "" for the council's payments compliance notice
    period_end: date | None = None  # the payments compliance notice's half-year


@dataclass(frozen=True)
class RegisterPlan:
    today: date
    contracts: tuple[PlannedContract, ...]
    projects: tuple[PlannedProject, ...]
    kpis: tuple[PlannedKpi, ...]
    notices: tuple[PlannedNotice, ...]
    cabinet_days: tuple[date, ...]  # every cabinet meeting, past and coming
    scrutiny_days: tuple[date, ...]
    delegation_days: tuple[date, ...]  # the cabinet meetings that delegated each year's extensions


def _month_end(today: date, offset: int) -> date:
    """The last day of the month `offset` months from today's."""
    first = date(today.year, today.month, 1)
    start = next_start(first, offset) if offset >= 0 else months_before(first, -offset)
    return period_end(start, 1)


def _start_for_end(end: date, months: int) -> date:
    """The first day of a run of `months` months that ends on the month end `end`."""
    return months_before(end + timedelta(days=1), months)


def _money(rng: random.Random, low: int, high: int, step: int = 500) -> Decimal:
    return Decimal(rng.randrange(low // step, high // step + 1) * step)


def _round(value: Decimal, step: int, rounding: str) -> Decimal:
    return (value / step).quantize(Decimal("1"), rounding=rounding) * step


def _decisions(
    start: date, parts: tuple[int, ...], count: int, rng: random.Random, notice_months: int
) -> tuple[date, ...]:
    """Exercise the first `count` options, each a few weeks before its notice deadline."""
    ends = [period.end for period in periods(start, parts)]
    days = []
    for order in range(1, count + 1):
        deadline = months_before(ends[order - 1], notice_months)
        decided = deadline - timedelta(days=rng.randint(14, 70))
        earliest = days[-1] + timedelta(days=1) if days else start
        days.append(max(decided, earliest))
    return tuple(days)


# scenario: (how many, offsets of the current end in months from today's month, options exercised)
# "all" exercises every option; a term without options has none to exercise.
SCENARIOS = (
    ("late", 9, (1, 4), 0),  # deadline passed, option undecided
    ("due", 12, (7, 8), 0),  # deadline within 90 days
    ("due_second", 4, (7, 8), 1),
    ("exercised", 28, (9, 48), "some"),
    ("final_soon", 34, (0, 12), "all"),  # no option left, ends within a year
    ("final_later", 16, (13, 34), "all"),
    ("running", 140, (9, 60), 0),
    ("ended", 18, (-14, -1), "all"),
)
INCOMPLETE = 6


def _provider(rng: random.Random) -> str:
    return f"{rng.choice(PROVIDER_FIRST)} {rng.choice(PROVIDER_LAST)}"


def _contracts(today: date, rng: random.Random, notice_months: int) -> list[PlannedContract]:
    planned = []
    number = 0
    for scenario, count, (low, high), exercised in SCENARIOS:
        for _ in range(count):
            number += 1
            name, code, (low_value, high_value), contract_type = rng.choice(SERVICE_AREAS)
            with_options = scenario not in ("final_soon", "final_later", "ended") or rng.random() < 0.2
            parts = rng.choice(TERMS_WITH_OPTIONS if with_options else TERMS_WITHOUT_OPTIONS)
            options = len(parts) - 1
            if exercised == "all":
                taken = options
            elif exercised == "some":
                taken = rng.randint(1, options) if options else 0
                if not options:
                    parts, options, taken = (36, 12, 12), 2, rng.randint(1, 2)
            else:
                taken = exercised
                if options < taken + 1:
                    parts, options = (36, 12, 12), 2
            latest = high
            if taken:
                # The last option taken was decided before today: its period ends
                # less than its length plus the notice period from now.
                latest = min(high, parts[taken] + notice_months - 1)
            end = _month_end(today, rng.randint(min(low, latest), latest))
            start = _start_for_end(end, sum(parts[: taken + 1]))
            decisions = _decisions(start, parts, taken, rng, notice_months)
            annual = _money(rng, low_value, high_value)
            whole = whole_value(annual, parts)
            approved = _round(whole, 10_000, ROUND_UP)
            if number % 23 == 5:  # a few projected above what was approved
                approved = _round(whole * Decimal("0.94"), 10_000, ROUND_DOWN)
            lead, funding = COUNCIL, ((COUNCIL, Decimal(100)),)
            if code in ("MH", "LD", "RB") and rng.random() < 0.5:
                share = rng.choice(FUNDING_SPLITS)
                funding = ((COUNCIL, Decimal(share[0])), (ICB, Decimal(share[1])))
            elif code == "MH" and rng.random() < 0.3:
                lead, funding = ICB, ((ICB, Decimal(60)), (COUNCIL, Decimal(40)))
            service = rng.choice(SERVICES[code])
            locality = rng.choice(LOCALITIES)
            planned.append(
                PlannedContract(
                    reference=f"{PREFIX}{code}-{number:04d}",
                    title=f"{service}: {locality} (demo)",
                    service_area=name,
                    provider=_provider(rng),
                    lead=lead,
                    funding=funding,
                    start=start,
                    parts=parts,
                    annual=annual,
                    approved=approved,
                    contract_type=contract_type,
                    exercised=decisions,
                    by_cabinet=annual >= 1_500_000,
                    spend_factor=Decimal(rng.randint(90, 99)) / 100,
                    overspent_year_back=1 if number % 17 == 3 else None,
                    description=f"{service} for adults in the {locality.lower()} of Demoshire. {FICTIONAL}",
                )
            )
    # A few rows as a register often holds them: a fact or two not yet recorded.
    for index in range(INCOMPLETE):
        number += 1
        name, code, (low_value, high_value), contract_type = SERVICE_AREAS[index % len(SERVICE_AREAS)]
        end = _month_end(today, 14 + index)
        parts = (36, 12)
        missing = ("value", "start", "term")[index % 3]
        planned.append(
            PlannedContract(
                reference=f"{PREFIX}{code}-{number:04d}",
                title=f"{SERVICES[code][0]}: spot arrangements (demo, to complete)",
                service_area=name,
                provider=_provider(rng),
                lead=COUNCIL,
                funding=((COUNCIL, Decimal(100)),),
                start=None if missing == "start" else _start_for_end(end, 36),
                parts=None if missing == "term" else parts,
                annual=None if missing == "value" else _money(rng, low_value, high_value),
                approved=None,
                contract_type="spot",
                description=f"Recorded from a spreadsheet; its {missing} is still to be entered. {FICTIONAL}",
            )
        )
    return planned


def _weekly(first: date, last: date, every_weeks: int, weekday: int) -> list[date]:
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    days = []
    while day <= last:
        days.append(day)
        day += timedelta(weeks=every_weeks)
    return days


def meeting_on_or_before(days: tuple[date, ...] | list[date], day: date) -> date:
    earlier = [d for d in days if d <= day]
    return earlier[-1] if earlier else days[0]


def _projects(today: date, contracts: list[PlannedContract], cabinet: list[date], rng: random.Random):
    """Projects to replace contracts with no option left, ending from 2 to 30 months
    ahead: the nearer the end, the further through the gateways."""
    from_gateway_lead = {0: 24, 1: 18, 2: 6}
    candidates = [
        c
        for c in contracts
        if c.current_end is not None
        and not c.has_open_option
        and today + timedelta(days=60) <= c.current_end <= today + timedelta(days=1050)
    ]
    rng.shuffle(candidates)

    def gateway_due_soon(contract: PlannedContract) -> bool:
        required = contract.current_end + timedelta(days=1)
        return any(today < months_before(required, lead) <= today + timedelta(days=50) for lead in (24, 18, 6))

    def stage(contract: PlannedContract) -> int:
        """How far through the gateways a project for it would be, by the months to its end:
        within 4, Gateway 2 (due 6 months before) is well past and passed."""
        months_ahead = (contract.current_end - today).days / 30.4
        return sum(months_ahead > months for months in (4, 18, 24))

    # A few with a gateway coming up in the next weeks (amber), then in turn from
    # each stage, so that the pipeline has projects at every gateway.
    chosen = [contract for contract in candidates if gateway_due_soon(contract)][:4]
    by_stage = [[c for c in candidates if stage(c) == number and c not in chosen] for number in range(4)]
    while len(chosen) < 12 and any(by_stage):
        for bucket in by_stage:
            if bucket and len(chosen) < 12:
                chosen.append(bucket.pop(0))
    projects = []
    for contract in chosen:
        required = contract.current_end + timedelta(days=1)
        passed = []
        for number, lead in from_gateway_lead.items():
            due = months_before(required, lead)
            # Passed when due a while ago; some a little late, some not yet.
            if due <= today - timedelta(days=45) or (due <= today and rng.random() < 0.5):
                decided = min(due + timedelta(days=rng.randint(-40, 25)), today - timedelta(days=3))
                passed_on = meeting_on_or_before(cabinet, decided)
                if passed and passed_on < passed[-1].passed_on:
                    passed_on = passed[-1].passed_on
                passed.append(PlannedGateway(number, passed_on))
            else:
                break
        service = contract.title.removesuffix(" (demo)")
        projects.append(
            PlannedProject(
                title=f"Re-commissioning: {service} (demo)",
                service=service,
                service_area=contract.service_area,
                incumbents=(contract.reference,),
                estimated_annual_value=_round(contract.annual * Decimal("1.05"), 1000, ROUND_UP),
                estimated_term=rng.choice(("3+1+1", "5+2+2", "4+2")),
                funding=contract.funding,
                passed=tuple(passed),
                notes=f"Replaces {contract.reference}, which ends with no option left. {FICTIONAL}",
            )
        )
    return projects


def under_the_act(contract: PlannedContract) -> bool:
    """Procured under the Procurement Act 2023, by the rule the register applies to a
    contract whose law it is not told: a start from 24 Feb 2025."""
    return (
        contract.start is not None
        and contract.parts is not None
        and procurement.under_procurement_act(procurement.legislation_for(contract.start))
    )


# KPIs set on the largest contracts under the Act: name, what is measured, target (%), the figure's words.
KPI_CONTRACTS = 8
KPI_TEMPLATES = (
    (
        "Support delivered as planned",
        "Hours of support delivered as a share of the hours planned in people's support plans.",
        95,
        "of planned hours delivered",
    ),
    (
        "Safeguarding concerns raised within a working day",
        "Safeguarding concerns the provider raised with the council within one working day of becoming "
        "aware of them, as a share of all the concerns it raised.",
        98,
        "raised within a working day",
    ),
    (
        "People satisfied with their support",
        "People supported who say they are satisfied with their support, from the provider's quarterly survey.",
        85,
        "satisfied",
    ),
)
KPI_EVIDENCE = "The provider's quarterly contract monitoring return (demo)"
# The statutory scale from best to worst, and how far below the target each rating's figure is.
_SCALE = (GOOD, APPROACHING, REQUIRES_IMPROVEMENT, INADEQUATE)
_BELOW_TARGET = {GOOD: (-4, 0), APPROACHING: (1, 5), REQUIRES_IMPROVEMENT: (6, 12), INADEQUATE: (13, 25)}


def _ratings(rng: random.Random, count: int) -> list[str]:
    """A KPI's ratings quarter by quarter: mostly steady, now and then a step better or
    worse on the scale, and now and then no return to rate ("Other")."""
    level = rng.choice((0, 0, 1))
    ratings = []
    for _ in range(count):
        draw = rng.random()
        if draw < 0.05:
            ratings.append(OTHER)
            continue
        if draw < 0.22:
            level = max(level - 1, 0)
        elif draw < 0.40:
            level = min(level + 1, len(_SCALE) - 1)
        ratings.append(_SCALE[level])
    return ratings


def _kpis(today: date, contracts: list[PlannedContract], rng: random.Random) -> list[PlannedKpi]:
    """Quarterly KPIs on the largest running contracts under the Act, those with an
    option still to decide first; each quarter rated three to five weeks after it ended."""
    rated_since = months_before(today, 5)  # a quarter has ended and been rated
    running = [
        c
        for c in contracts
        if under_the_act(c) and c.annual is not None and c.start <= rated_since and today < c.current_end
    ]
    running.sort(key=lambda c: (not c.has_open_option, -c.annual, c.reference))
    planned = []
    for contract in running[:KPI_CONTRACTS]:
        quarters = []
        while True:
            first = next_start(contract.start, 3 * len(quarters))
            last = period_end(first, 3)
            assessed_on = last + timedelta(days=rng.randint(21, 35))
            if assessed_on > today:
                break
            quarters.append((first, last, assessed_on))
        for name, measure, target, words in KPI_TEMPLATES:
            assessments = []
            for (first, last, assessed_on), rating in zip(quarters, _ratings(rng, len(quarters)), strict=True):
                if rating == OTHER:
                    figures, note = (
                        "",
                        f"Not rated: the provider's return for the quarter was not received. {FICTIONAL}",
                    )
                else:
                    low, high = _BELOW_TARGET[rating]
                    figures, note = f"{min(100, target - rng.randint(low, high))}% {words}", FICTIONAL
                assessments.append(PlannedAssessment(first, last, assessed_on, rating, figures, note))
            planned.append(
                PlannedKpi(
                    reference=contract.reference,
                    name=name,
                    measure=measure,
                    target=f"{target}% {words}",
                    frequency="quarterly",
                    evidence_source=KPI_EVIDENCE,
                    assessments=tuple(assessments),
                )
            )
    return planned


def _identifier(day: date, rng: random.Random) -> str:
    """A made-up notice identifier in the central digital platform's form."""
    return f"{day.year}/S 000-{rng.randint(1, 99999):06d}"


def _notices(today: date, contracts: list[PlannedContract], rng: random.Random) -> list[PlannedNotice]:
    """The notices recorded as published by `today`: most contract details notices on
    time, one in seven late, one in four not (yet) published; most termination notices
    of contracts that have ended; and the council's payments compliance notice for each
    half-year but the last."""
    notices = []
    under_act = sorted((c for c in contracts if under_the_act(c) and c.start <= today), key=lambda c: c.reference)
    for index, contract in enumerate(under_act):
        owed = procurement.act_notices(
            legislation=regime.PA_2023, route=ROUTE, signed=contract.start, ended=contract.current_end
        )
        if index % 4 != 3:
            published = contract.start + timedelta(days=rng.randint(10, owed.details_days))
            if index % 7 == 5:
                published = owed.details_due + timedelta(days=rng.randint(3, 40))
            if published <= today:
                notices.append(
                    PlannedNotice(CONTRACT_DETAILS, published, _identifier(published, rng), contract.reference)
                )
        if owed.termination_due is not None and contract.current_end < today and index % 3 != 2:
            published = contract.current_end + timedelta(days=rng.randint(3, 30))
            if published <= today:
                notices.append(PlannedNotice(TERMINATION, published, _identifier(published, rng), contract.reference))
    for period in procurement.payments_compliance_periods(until=today)[:-1]:
        published = period.notice_due - timedelta(days=rng.randint(1, 20))
        notices.append(
            PlannedNotice(PAYMENTS_COMPLIANCE, published, _identifier(published, rng), period_end=period.last_day)
        )
    return notices


def plan_register(today: date, *, notice_months: int = 6) -> RegisterPlan:
    rng = random.Random(f"demoshire-{today.isoformat()}")
    contracts = _contracts(today, rng, notice_months)
    earliest = min(day for c in contracts for day in (c.exercised or ())) if contracts else today
    horizon = today + timedelta(weeks=12)
    # The cabinet meets every four weeks on a Tuesday; it delegates the year's
    # extensions to the director at its first meeting of each financial year.
    first_year = earliest.year - (1 if earliest.month < 5 else 0) - 1
    cabinet = _weekly(date(first_year, 4, 1), horizon, 4, 1)
    delegation_days = []
    for year in range(first_year, today.year + 1):
        day = next((d for d in cabinet if d >= date(year, 4, 1)), None)
        if day is not None and day <= today:
            delegation_days.append(day)
    scrutiny = _weekly(today - timedelta(days=400), horizon, 8, 3)
    projects = _projects(today, contracts, [d for d in cabinet if d <= today], rng)
    performance_rng = random.Random(f"demoshire-performance-{today.isoformat()}")
    return RegisterPlan(
        today=today,
        contracts=tuple(contracts),
        projects=tuple(projects),
        kpis=tuple(_kpis(today, contracts, performance_rng)),
        notices=tuple(_notices(today, contracts, performance_rng)),
        cabinet_days=tuple(cabinet),
        scrutiny_days=tuple(scrutiny),
        delegation_days=tuple(delegation_days),
    )
