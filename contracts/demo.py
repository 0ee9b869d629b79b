"""Demo data for the register: the six seed cases of docs/domain.md.

The facts come from the public council minutes of the seed cases (docs/domain.md). Where the minutes
are silent (a start date, a provider's name, when an option was decided) the
figure here is a labelled assumption, and the contract's notes say so.

Everything is written through `contracts.services`, so the stored dates and
values are worked out exactly as they are for contracts entered by hand.
Loading is idempotent: a contract whose reference is already in the register
is left as it is, so running the loader again adds and changes nothing. The
KPIs of the two Bromley mental health contracts (the Hestia monitoring report
ACH22-044, seed 002; support@home's "contract performance indicators", seed 000)
are looked up by contract and name, and their assessments by period, so a
register loaded before they were added gains them and nothing is added twice.
An assessment made after `today` is not recorded.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from contracts import services
from contracts.models import Contract, Kpi, KpiAssessment, MonitoringRecord, Organisation
from contracts.performance import APPROACHING, GOOD, OTHER, REQUIRES_IMPROVEMENT, PlannedAssessment, PlannedKpi
from contracts.terms import next_start, period_end

BROMLEY = "London Borough of Bromley"
SEL_ICB = "South East London Integrated Care Board"
NOTTINGHAM = "Nottingham City Council"
BRADFORD = "City of Bradford Metropolitan District Council"

MENTAL_HEALTH = "Mental health"
INDEPENDENT_LIVING = "Independent living support"
HOME_SUPPORT = "Home support"

ORGANISATION_KINDS = {
    BROMLEY: Organisation.Kind.COUNCIL,
    SEL_ICB: Organisation.Kind.ICB,
    NOTTINGHAM: Organisation.Kind.COUNCIL,
    BRADFORD: Organisation.Kind.COUNCIL,
}


@dataclass(frozen=True)
class _Decision:
    """An option exercised, in order. Dates the minutes do not give are assumed."""

    decided_by: str
    decided_on: date
    note: str


@dataclass(frozen=True)
class _DemoContract:
    reference: str
    title: str
    description: str
    service_area: str
    lead: str
    provider: str
    start_date: date
    term: str
    annual_value: Decimal
    contract_type: str
    legislation: str
    route: str
    notes: str
    approved_value: Decimal | None = None
    # Percent by organisation name; empty means the lead pays it all.
    funding: dict[str, Decimal] = field(default_factory=dict)
    decisions: tuple[_Decision, ...] = ()
    # Actual spend by financial year (its start year: 2019 for 2019/20).
    spend: dict[int, Decimal] = field(default_factory=dict)
    spend_note: str = ""


MHFSS = _DemoContract(
    reference="LBB-MHFSS-2019",
    title="Mental Health Flexible Support Service",
    description=(
        "A specialist service for adults with mental ill health, offering support towards "
        "independent living and resettlement in the community following hospital discharge "
        "or a diagnosis of mental ill health."
    ),
    service_area=MENTAL_HEALTH,
    lead=BROMLEY,
    provider="Hestia Housing and Support",
    start_date=date(2019, 10, 1),
    term="3+2",
    annual_value=Decimal("319000.00"),
    contract_type=Contract.ContractType.BLOCK,
    # Procured before 24 Feb 2025, so under PCR 2015 until it ends.
    legislation=Contract.Legislation.PCR_2015,
    route=Contract.Route.LIGHT_TOUCH,
    notes=(
        "Awarded to Hestia Housing and Support after a competitive tender; replaced the "
        "Heritage Care service (waiver LBB-MHFS-WAIVER-2017).\n"
        "Contract monitoring report ACH22-044 (annual performance) noted by the Adult Care "
        "and Health PDS Committee: the service had performed well over the life of the contract.\n"
        "Report ACH22-035: no further options; cumulative value about £1,890k over the 5-year "
        "term. To be replaced by support@home (LBB-SAH-2024) from 1 October 2024."
    ),
    decisions=(
        _Decision(
            decided_by="Chief Officer, Adult Social Care",
            decided_on=date(2022, 3, 15),
            note=(
                "Recorded from the minutes: report ACH22-044 says the option to extend had been "
                "exercised. The decision date is assumed; the minutes do not give it."
            ),
        ),
    ),
    # Spread by year is a demo assumption; the total is the £1,890k of report ACH22-035.
    spend={
        2019: Decimal("172500.00"),
        2020: Decimal("361000.00"),
        2021: Decimal("372400.00"),
        2022: Decimal("381200.00"),
        2023: Decimal("398600.00"),
        2024: Decimal("204300.00"),
    },
    spend_note="Demo figure: the minutes give only the cumulative value, about £1,890k (ACH22-035).",
)

SEL_ICB_ACCOMMODATION = _DemoContract(
    reference="SELICB-AMH-RSA-2019",
    title="Adult Mental Health Residential and Supported Accommodation Services",
    description=(
        "Residential and supported accommodation for adults with mental ill health, "
        "commissioned by the South East London Integrated Care Board."
    ),
    service_area=MENTAL_HEALTH,
    lead=SEL_ICB,
    provider="Various registered providers (SEL ICB)",
    start_date=date(2019, 4, 1),
    # 1 April 2019 to 30 September 2024 with no options left: one period of 66 months.
    term="66m",
    annual_value=Decimal("1432000.00"),
    contract_type=Contract.ContractType.BLOCK,
    # Procured before 24 Feb 2025, so under PCR 2015 until it ends.
    legislation=Contract.Legislation.PCR_2015,
    route=Contract.Route.LIGHT_TOUCH,
    notes=(
        "Placeholder provider: report ACH22-035 does not name the providers.\n"
        "Report ACH22-035: in place since 1 April 2019, expires 30 September 2024 with no "
        "extension options remaining; cumulative value about £6,963k. The term is recorded as "
        "one period of 66 months so that it ends on 30 September 2024.\n"
        "ICBs replaced clinical commissioning groups on 1 July 2022, so a predecessor CCG let "
        "this contract.\n"
        "The London Borough of Bromley also holds individual placement contracts for clients "
        "placed into this provision: about £1.12m a year in 2021/22 (not part of this contract).\n"
        "To be replaced by support@home (LBB-SAH-2024) from 1 October 2024."
    ),
    # Spread by year is a demo assumption; the total is the £6,963k of report ACH22-035.
    spend={
        2019: Decimal("1198000.00"),
        2020: Decimal("1236000.00"),
        2021: Decimal("1262000.00"),
        2022: Decimal("1297000.00"),
        2023: Decimal("1318000.00"),
        2024: Decimal("652000.00"),
    },
    spend_note="Demo figure: the minutes give only the cumulative value, about £6,963k (ACH22-035).",
)

SUPPORT_AT_HOME = _DemoContract(
    reference="LBB-SAH-2024",
    title="Adult Mental Health Recovery and Rehabilitation support@home Service",
    description=(
        "A joint housing support service for adults with mental health needs, moving people "
        "away from reliance on hospital and residential provision towards supported "
        "accommodation, support in the community and independent living. Replaces the LBB "
        "Mental Health Flexible Support Service and the SEL ICB Adult Mental Health "
        "Residential and Supported Accommodation Services."
    ),
    service_area=MENTAL_HEALTH,
    lead=BROMLEY,
    provider="Awarded provider (support@home)",
    start_date=date(2024, 10, 1),
    term="5+2+2",
    annual_value=Decimal("2660000.00"),
    contract_type=Contract.ContractType.BLOCK,
    # Procured before 24 Feb 2025, so under PCR 2015 until it ends.
    legislation=Contract.Legislation.PCR_2015,
    route=Contract.Route.LIGHT_TOUCH,
    approved_value=Decimal("23400000.00"),
    funding={BROMLEY: Decimal("50"), SEL_ICB: Decimal("50")},
    notes=(
        "Placeholder provider: the minutes predate the award and do not name the provider.\n"
        "Gateway 0: report ACH22-018, Executive 29 June 2022, approved a joint service "
        "underpinned by the section 75 agreement between the Council and SEL ICB, about "
        "£2.66m a year split 50:50.\n"
        "Gateway 1: report ACH22-035 recommended the Executive approve a tender for 5 years "
        "from 1 October 2024 with two 2-year options, estimated total value £23.4m.\n"
        "Options: delegated to the Chief Officer in consultation with the Portfolio Holder, on "
        "satisfactory achievement of the contract performance indicators."
    ),
)

HERITAGE_CARE_WAIVER = _DemoContract(
    reference="LBB-MHFS-WAIVER-2017",
    title="Mental Health Flexible Support Service (waiver)",
    description=(
        "The Mental Health Flexible Support service, exempted from tender for 18 months while "
        "the service was redesigned with Bromley CCG and Oxleas NHS Trust."
    ),
    service_area=MENTAL_HEALTH,
    lead=BROMLEY,
    provider="Heritage Care",
    start_date=date(2017, 10, 1),
    term="18m+6m",
    annual_value=Decimal("319000.00"),
    contract_type=Contract.ContractType.BLOCK,
    # An exemption from tender under standing orders: no procurement law applied.
    legislation=Contract.Legislation.NONE,
    route=Contract.Route.WAIVER,
    notes=(
        "Waiver: report CS17121, Adult Care and Health PDS Committee 21 March 2017, item 79, "
        "recommended the Portfolio Holder agree a waiver exempting the service from tender "
        "(Option 2) for 18 months, with an option to extend for a further six months by "
        "delegated authority to the responsible Chief Officer in consultation with the "
        "Portfolio Holder for Care Services.\n"
        "Heritage Care was previously known as Community Options.\n"
        "Start date assumed: the minutes do not give it. 1 October 2017 makes the waiver and "
        "its option end on 30 September 2019, the day before the Hestia contract "
        "(LBB-MHFSS-2019) began.\n"
        "Annual value assumed from the successor contract (£319k a year); the minutes do not give it."
    ),
    decisions=(
        _Decision(
            decided_by="Chief Officer, in consultation with the Portfolio Holder for Care Services",
            decided_on=date(2018, 9, 20),
            note=(
                "Assumed for the demo: the minutes record only the delegation; the six-month "
                "option is taken so the service runs until the Hestia contract starts."
            ),
        ),
    ),
)

NOTTINGHAM_ILSS = _DemoContract(
    reference="NCC-ILSS-2019",
    title="Adult Social Care Independent Living Support Services",
    description=(
        "Support for citizens to live independently: to maintain accommodation, avoid "
        "eviction and homelessness, maximise income, manage health and access services. "
        "A single referral point with a triage function refers citizens to the right support."
    ),
    service_area=INDEPENDENT_LIVING,
    lead=NOTTINGHAM,
    provider="ILSS providers (Nottingham)",
    start_date=date(2019, 7, 1),
    term="3+2+2",
    annual_value=Decimal("855439.00"),
    contract_type=Contract.ContractType.BLOCK,
    # Procured before 24 Feb 2025, so under PCR 2015 until it ends.
    legislation=Contract.Legislation.PCR_2015,
    route=Contract.Route.LIGHT_TOUCH,
    approved_value=Decimal("5988073.00"),
    notes=(
        "Placeholder provider: the minutes do not name the providers awarded the contract(s).\n"
        "Approved expenditure £5,988,073 over the whole term: 3+2+2, a maximum of 7 years. "
        "Extensions delegated to the Provider Performance and Development Manager on the "
        "basis of performance and budget availability.\n"
        "Savings of £95,049 a year against the 2018/19 contract values (baseline £950,488).\n"
        "New model: a single referral point with a triage function, linked to voluntary and "
        "community services and Ask LIoN."
    ),
    decisions=(
        _Decision(
            decided_by="Provider Performance and Development Manager",
            decided_on=date(2021, 11, 30),
            note="Assumed for the demo: the minutes record only the delegation.",
        ),
        _Decision(
            decided_by="Provider Performance and Development Manager",
            decided_on=date(2023, 11, 28),
            note="Assumed for the demo: the minutes record only the delegation.",
        ),
    ),
)

BRADFORD_HOME_SUPPORT = _DemoContract(
    reference="CBMDC-HS-2016",
    title="Home Support Services framework",
    description="Home support (home care) for adults across the Bradford district, under a framework agreement.",
    service_area=HOME_SUPPORT,
    lead=BRADFORD,
    provider="Bradford home support framework providers (99 CQC-registered)",
    start_date=date(2016, 10, 1),
    term="2+1",
    annual_value=Decimal("43000000.00"),
    contract_type=Contract.ContractType.FRAMEWORK,
    # Procured before 24 Feb 2025, so under PCR 2015 until it ends.
    legislation=Contract.Legislation.PCR_2015,
    route=Contract.Route.LIGHT_TOUCH,
    notes=(
        "Placeholder provider: stands for the 99 CQC-registered providers in Bradford.\n"
        "Retendered as a framework in 2016; due to expire in September 2018 with an option to "
        "extend for a further 12 months. Start date assumed: 1 October 2016.\n"
        "3,701 people receive 35,000 hours of home support a week; 50 new packages are "
        "brokered every week.\n"
        "Standing Order 4.7.1: contracts over £2m are reported to the relevant Overview and "
        'Scrutiny Committee before inviting tenders; Document "D" set out the intention to '
        "re-commission.\n"
        "ACTION (Strategic Director, Health and Wellbeing): progress report on Home Support "
        "Services to Members in December 2019."
    ),
    decisions=(
        _Decision(
            decided_by="Strategic Director, Health and Wellbeing",
            decided_on=date(2018, 3, 20),
            note=("Assumed for the demo: the minutes give the option to extend to September 2019, not the decision."),
        ),
    ),
)

REGISTER_DEMO = (
    MHFSS,
    SEL_ICB_ACCOMMODATION,
    SUPPORT_AT_HOME,
    HERITAGE_CARE_WAIVER,
    NOTTINGHAM_ILSS,
    BRADFORD_HOME_SUPPORT,
)
REGISTER_REFERENCES = tuple(case.reference for case in REGISTER_DEMO)


# --- KPIs and their assessments ------------------------------------------------------------------


# The Hestia contract's years, 1 Oct to 30 Sep, each rated a month after it ended.
# ACH22-044 went to the PDS Committee on 15 Nov 2022, in the first year of the extension:
# it reported the first three years. The minutes give no figures: every figure is a demo
# assumption, rated as the minutes describe the service ("performed well over the life
# of the contract"; fewer unsuitable referrals once a resource panel reviewed them; no
# feedback gathered from service users). The last two years follow the same report.
MHFSS_EVIDENCE = (
    "Contract monitoring report ACH22-044 (annual performance), noted by the Adult Care and Health "
    "PDS Committee; the provider's monitoring returns"
)
_MHFSS_YEARS = tuple((date(year, 10, 1), date(year + 1, 9, 30), date(year + 1, 10, 30)) for year in range(2019, 2024))
_IN_REPORT = "Reported in ACH22-044. Demo figure: the minutes give no figures."
_AFTER_REPORT = "After ACH22-044. Demo figure: the minutes cover the first three years only."
_NO_FEEDBACK = (
    "Not assessed against the target: no feedback was gathered; service users were not always willing "
    "to engage and Healthwatch Bromley had not been able to meet them (ACH22-044)."
)


def _yearly(*rated: tuple[str, str, str]) -> tuple[PlannedAssessment, ...]:
    return tuple(
        PlannedAssessment(start, end, assessed_on, rating, figures, note)
        for (start, end, assessed_on), (rating, figures, note) in zip(_MHFSS_YEARS, rated, strict=True)
    )


MHFSS_KPIS = (
    PlannedKpi(
        reference=MHFSS.reference,
        name="Referrals accepted as suitable",
        measure=(
            "Referrals made into the service that are accepted, as a share of all referrals; the others are "
            "assessed as not suitable and signposted back to the referrer."
        ),
        target="85% of referrals accepted",
        frequency=Kpi.Frequency.YEARLY,
        evidence_source=MHFSS_EVIDENCE,
        assessments=_yearly(
            (APPROACHING, "78% accepted (46 of 59)", f"Before the resource panel reviewed referrals. {_IN_REPORT}"),
            (APPROACHING, "83% accepted (44 of 53)", f"The resource panel began to review referrals. {_IN_REPORT}"),
            (GOOD, "90% accepted (47 of 52)", f"Fewer signposted back since the resource panel. {_IN_REPORT}"),
            (GOOD, "91% accepted (49 of 54)", _AFTER_REPORT),
            (GOOD, "89% accepted (42 of 47)", _AFTER_REPORT),
        ),
    ),
    PlannedKpi(
        reference=MHFSS.reference,
        name="Planned moves towards independent living",
        measure=(
            "People leaving the service who move on in a planned way to more independent accommodation or "
            "lower-level support, as a share of all who leave; ending the service through non-engagement or "
            "refusal counts as unplanned."
        ),
        target="60% of those leaving move on as planned",
        frequency=Kpi.Frequency.YEARLY,
        evidence_source=MHFSS_EVIDENCE,
        assessments=_yearly(
            (
                APPROACHING,
                "55% (11 of 20)",
                f"The first reviews of all clients moved several to different services. {_IN_REPORT}",
            ),
            (GOOD, "63% (12 of 19)", _IN_REPORT),
            (GOOD, "62% (13 of 21)", f"Four people ceased the service through non-engagement or refusal. {_IN_REPORT}"),
            (GOOD, "65% (13 of 20)", _AFTER_REPORT),
            (GOOD, "64% (14 of 22)", _AFTER_REPORT),
        ),
    ),
    PlannedKpi(
        reference=MHFSS.reference,
        name="Service users satisfied with their support",
        measure="Service users asked who say they are satisfied with their support, from the provider's survey.",
        target="80% satisfied",
        frequency=Kpi.Frequency.YEARLY,
        evidence_source=MHFSS_EVIDENCE,
        assessments=_yearly(
            (OTHER, "", _NO_FEEDBACK),
            (OTHER, "", _NO_FEEDBACK),
            (OTHER, "", _NO_FEEDBACK),
            (
                APPROACHING,
                "74% satisfied (20 of 27 asked)",
                f"The provider was asked to submit feedback. {_AFTER_REPORT}",
            ),
            (GOOD, "82% satisfied (23 of 28 asked)", _AFTER_REPORT),
        ),
    ),
)

# support@home's quarters from its start on 1 Oct 2024, each rated at the monitoring
# meeting four weeks after it ended. Every figure is a demo assumption (the minutes predate
# the award); the measures follow what the PDS Committee asked about in ACH22-035: moving
# people on to more independent settings, time spent delivering support rather than
# travelling, and up-to-date reassessments.
SUPPORT_AT_HOME_EVIDENCE = "The provider's quarterly contract monitoring return (demo assumption)"
_QUARTER_MONTHS = 3
_RATED_AFTER = timedelta(weeks=4)


def _quarters(start: date, today: date) -> list[tuple[date, date, date]]:
    """(first day, last day, day assessed) of each quarter from `start` assessed by `today`."""
    quarters = []
    while True:
        first = next_start(start, _QUARTER_MONTHS * len(quarters))
        last = period_end(first, _QUARTER_MONTHS)
        if last + _RATED_AFTER > today:
            return quarters
        quarters.append((first, last, last + _RATED_AFTER))


# Figures for each rating, by KPI.
_SAH_FIGURES = {
    "moves": {
        GOOD: "81% of those found ready moved on (17 of 21)",
        APPROACHING: "68% of those found ready moved on (15 of 22)",
        REQUIRES_IMPROVEMENT: "48% of those found ready moved on (11 of 23)",
    },
    "hours": {GOOD: "96% of planned hours delivered", APPROACHING: "92% of planned hours delivered"},
    "reviews": {GOOD: "100% reassessed within 12 months", APPROACHING: "91% reassessed within 12 months"},
}
_MOVES_NOTE = (
    "Few supported living vacancies this quarter: people ready to move on are waiting. The move-on plan "
    "is to be discussed with the provider before the first option is decided."
)


def _sah_rating(kpi: str, index: int, count: int) -> str:
    """The demo's story: a mobilisation quarter approaching target, then mostly Good; the
    reassessments take two quarters to catch up; moves on slip in the last two quarters."""
    from_end = count - index
    if kpi == "moves" and from_end == 1:
        return REQUIRES_IMPROVEMENT
    if kpi == "moves" and from_end == 2:
        return APPROACHING
    if index == 0 or (kpi == "reviews" and index == 1):
        return APPROACHING
    return GOOD


def support_at_home_kpis(today: date) -> tuple[PlannedKpi, ...]:
    quarters = _quarters(SUPPORT_AT_HOME.start_date, today)

    def rated(kpi: str) -> tuple[PlannedAssessment, ...]:
        assessments = []
        for index, (first, last, assessed_on) in enumerate(quarters):
            rating = _sah_rating(kpi, index, len(quarters))
            note = _MOVES_NOTE if rating == REQUIRES_IMPROVEMENT else ""
            assessments.append(PlannedAssessment(first, last, assessed_on, rating, _SAH_FIGURES[kpi][rating], note))
        return tuple(assessments)

    common = {
        "reference": SUPPORT_AT_HOME.reference,
        "frequency": Kpi.Frequency.QUARTERLY,
        "evidence_source": SUPPORT_AT_HOME_EVIDENCE,
    }
    return (
        PlannedKpi(
            name="Planned moves to a more independent setting",
            measure=(
                "People who moved on in a planned way (their own tenancy, supported living or support in the "
                "community) in the quarter, as a share of those whose reassessment found them ready to move on."
            ),
            target="75% of those found ready move on within the quarter",
            assessments=rated("moves"),
            **common,
        ),
        PlannedKpi(
            name="Support delivered as assessed",
            measure=(
                "Hours of support delivered to service users as a share of the hours in their support plans; "
                "staff travelling time is not counted."
            ),
            target="95% of planned hours delivered",
            assessments=rated("hours"),
            **common,
        ),
        PlannedKpi(
            name="Reassessments up to date",
            measure=(
                "Service users whose needs were reassessed, with the social care team at Oxleas NHS Foundation "
                "Trust, in the last 12 months, as a share of all supported."
            ),
            target="All service users reassessed within 12 months",
            assessments=rated("reviews"),
            **common,
        ),
    )


def seed_kpis(today: date) -> tuple[PlannedKpi, ...]:
    """The seed contracts' KPIs, each with the assessments made by `today`."""
    kpis = (*MHFSS_KPIS, *support_at_home_kpis(today))
    return tuple(replace(kpi, assessments=tuple(a for a in kpi.assessments if a.assessed_on <= today)) for kpi in kpis)


def _load_kpis(today: date) -> None:
    contracts = {c.reference: c for c in Contract.objects.filter(reference__in=REGISTER_REFERENCES)}
    kpis_record(seed_kpis(today), contracts=contracts, today=today)


def kpis_record(kpis: Sequence[PlannedKpi], *, contracts: dict[str, Contract], today: date) -> None:
    """Set each planned KPI on its contract (one missing from `contracts` is left
    out) and record its assessments, through the services. A KPI already set (by
    name) and a period already rated are left as they are, so loading twice adds nothing."""
    for planned in kpis:
        contract = contracts.get(planned.reference)
        if contract is None:
            continue
        kpi = Kpi.objects.filter(contract=contract, name__iexact=planned.name).first() or services.kpi_create(
            contract=contract,
            name=planned.name,
            measure=planned.measure,
            target=planned.target,
            frequency=planned.frequency,
            evidence_source=planned.evidence_source,
        )
        recorded = set(KpiAssessment.objects.filter(kpi=kpi).values_list("period_start", "period_end"))
        for assessment in planned.assessments:
            if (assessment.period_start, assessment.period_end) in recorded:
                continue
            services.kpi_assessment_record(
                kpi=kpi,
                period_start=assessment.period_start,
                period_end=assessment.period_end,
                rating=assessment.rating,
                assessed_on=assessment.assessed_on,
                today=today,
                figures=assessment.figures,
                note=assessment.note,
            )


# --- monitoring ----------------------------------------------------------------------------------

# The Hestia contract's annual contract monitoring report ACH22-044 (seed 002), as the
# minutes of the Adult Care and Health PDS Committee of 15 Nov 2022 describe it. The
# minutes give the meeting's day, not the report's: the record is dated the day it was
# considered. The committees demo links the committee report to it.
MHFSS_MONITORING_TITLE = "Contract Monitoring Report: Mental Health Flexible Support Service (ACH22-044)"
MHFSS_MONITORING = {
    "kind": MonitoringRecord.Kind.REPORT,
    "held_on": date(2022, 11, 15),
    "title": MHFSS_MONITORING_TITLE,
    "carried_out_by": "Integrated Strategic Commissioning Officer",
    "summary": (
        "The annual performance of the service against the specification, in the first year of the "
        "2-year extension, and how community-based support meets the Council's statutory duties by "
        "preventing the need for more expensive accommodation or health-based provision."
    ),
    "findings": (
        "The service had performed well over the life of the contract. The provider had reviewed every "
        "client on taking on the contract, worked well with the Local Authority and Oxleas NHS Foundation "
        "Trust on safeguarding, and made efficiencies without reducing the quality of support and care. "
        "Referrals assessed as unsuitable were signposted back to the referrer. No feedback had been "
        "gathered from service users: they were not always willing to engage, and Healthwatch Bromley "
        "had not been able to meet them."
    ),
}


def _load_monitoring(today: date) -> None:
    contract = Contract.objects.filter(reference=MHFSS.reference).first()
    if contract is None or MHFSS_MONITORING["held_on"] > today:
        return
    if not contract.monitoring_records.filter(title=MHFSS_MONITORING_TITLE).exists():
        services.monitoring_record_create(contract=contract, today=today, **MHFSS_MONITORING)


def _financial_year_ended(start_year: int, today: date) -> bool:
    return date(start_year + 1, 3, 31) < today


def _load(case: _DemoContract, *, today: date) -> Contract:
    organisations = {
        name: services.organisation_get_or_create(name=name, kind=ORGANISATION_KINDS[name])
        for name in dict.fromkeys([case.lead, *case.funding])
    }
    funding = [
        services.Share(organisation=organisations[name], percent=percent) for name, percent in case.funding.items()
    ]
    # Only what had happened by `today`: a decision dated later is not recorded.
    decisions = [decision for decision in case.decisions if decision.decided_on <= today]
    contract = services.contract_create(
        reference=case.reference,
        title=case.title,
        description=case.description,
        service_area=services.service_area_get_or_create(name=case.service_area),
        lead_commissioner=organisations[case.lead],
        providers=[services.provider_get_or_create(name=case.provider)],
        start_date=case.start_date,
        term=case.term,
        annual_value=case.annual_value,
        contract_type=case.contract_type,
        legislation=case.legislation,
        route=case.route,
        approved_value=case.approved_value,
        notes=case.notes,
        funding=funding or None,
    )
    options = list(contract.options.order_by("order"))
    for option, decision in zip(options, decisions):
        services.option_exercise(
            option=option,
            decided_by=decision.decided_by,
            decided_on=decision.decided_on,
            note=decision.note,
            today=today,
        )
    for financial_year, amount in case.spend.items():
        if _financial_year_ended(financial_year, today):
            services.spend_record(contract=contract, financial_year=financial_year, amount=amount, note=case.spend_note)
    return contract


@transaction.atomic
def load_register_demo(*, today: date) -> None:
    """Add the six seed contracts as they stood on `today`, skipping any already there,
    the KPIs and assessments of two of them that are missing, and the Hestia
    contract's monitoring report."""
    existing = set(Contract.objects.filter(reference__in=REGISTER_REFERENCES).values_list("reference", flat=True))
    for case in REGISTER_DEMO:
        if case.reference not in existing:
            _load(case, today=today)
    _load_kpis(today)
    _load_monitoring(today)
