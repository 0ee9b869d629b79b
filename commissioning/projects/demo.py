"""Demo data for commissioning projects, local rules and waivers (the seed cases).

Runs after the register and committee loaders: projects point at the
register's contracts and their gateways are passed by the committee demo's
decisions. Idempotent (projects are looked up by title, rules by name, waivers
by service and start); a decision dated after `today` is not recorded.
"""

from datetime import date
from decimal import Decimal

from commissioning.projects import services
from commissioning.projects.models import (
    AppraisedOption,
    CommissioningProject,
    Gateway,
    GatewayDecision,
    ProjectStep,
    RequiredStep,
    Waiver,
)
from committees.models import ResolutionPart
from contracts.demo import BRADFORD, BROMLEY, NOTTINGHAM
from contracts.models import Contract, Organisation

SUPPORT_AT_HOME = "Adult mental health recovery and rehabilitation support@home"
NOTTINGHAM_ILSS = "Independent Living Support Services re-commissioning"
BRADFORD_HOME_SUPPORT = "Re-commissioning of home support"

NOTTINGHAM_OPTIONS = [
    (
        "New service model: fewer, specialist services with a single referral point and triage",
        AppraisedOption.Outcome.RECOMMENDED,
        "Simplifies access for citizens and professionals; keeps specialisms; saves £95,049 a year against "
        "2018/19 contract values.",
        "",
        "Recommended: it closes gaps in eligibility and removes duplicated management costs.",
    ),
    (
        "Make no changes to the services: re-commission them at 2018/19 costs",
        AppraisedOption.Outcome.REJECTED,
        "The current services are highly regarded.",
        "Gaps in eligibility (for example vulnerable citizens in their 50s) and duplicated management costs remain.",
        "The gaps in service eligibility would continue and the saving would not be realised.",
    ),
    (
        "Commission a single Adult Social Care ILSS",
        AppraisedOption.Outcome.REJECTED,
        "One service to manage.",
        "Removes specialised support, for example for adults with learning disabilities and behaviour that challenges.",
        "Citizens with learning disabilities and behaviour that challenges would likely be excluded and develop "
        "more intensive needs.",
    ),
    (
        "Do nothing: allow the contracts to end and do not re-commission",
        AppraisedOption.Outcome.REJECTED,
        "No contract cost.",
        "Loses the preventative function keeping citizens away from more intensive support.",
        "More citizens would need support from Adult Social Care or Housing Aid, with poorer outcomes and "
        "higher costs.",
    ),
]


def _contract(reference: str) -> Contract | None:
    return Contract.objects.filter(reference=reference).first()


def _part(council: str, committee: str, day: date, report_reference: str, number: str) -> ResolutionPart | None:
    return (
        ResolutionPart.objects.filter(
            item__meeting__committee__council__name=council,
            item__meeting__committee__name=committee,
            item__meeting__starts_at__date=day,
            item__report__reference=report_reference,
            number=number,
        )
        .select_related("item__meeting")
        .first()
    )


def _pass(project: CommissioningProject, gateway_number: int, part: ResolutionPart | None, *, today: date) -> None:
    if part is None or GatewayDecision.objects.filter(project=project, gateway__number=gateway_number).exists():
        return
    if part.item.meeting.date > today:
        return
    services.gateway_pass(
        project=project, gateway=Gateway.objects.get(number=gateway_number), decision=part, today=today
    )


def _rules() -> None:
    gateway_1 = Gateway.objects.get(number=1)
    bradford = Organisation.objects.filter(name=BRADFORD).first()
    RequiredStep.objects.get_or_create(
        name="Report to the relevant Overview and Scrutiny Committee before inviting tenders",
        defaults={
            "source": "Bradford Council Standing Order 4.7.1",
            "kind": RequiredStep.Kind.SCRUTINY_REPORT,
            "above_value": Decimal("2000000.00"),
            "before_gateway": gateway_1,
            "council": bradford,
        },
    )
    RequiredStep.objects.get_or_create(
        name="Key decision: forward-plan notice 28 clear days before the decision",
        defaults={
            "source": "Local Authorities (Executive Arrangements) (Meetings and Access to Information) "
            "(England) Regulations 2012, regulation 9; local key decision threshold £500,000",
            "kind": RequiredStep.Kind.FORWARD_PLAN_NOTICE,
            "above_value": Decimal("500000.00"),
            "before_gateway": gateway_1,
            "days_before": 28,
        },
    )


def _project(title: str, **values) -> CommissioningProject | None:
    existing = CommissioningProject.objects.filter(title=title).first()
    if existing is not None:
        return None
    return services.project_create(title=title, **values)


def _support_at_home(*, today: date) -> None:
    incumbents = [c for c in (_contract("LBB-MHFSS-2019"), _contract("SELICB-AMH-RSA-2019")) if c]
    bromley = Organisation.objects.filter(name=BROMLEY).first()
    icb = Organisation.objects.filter(kind=Organisation.Kind.ICB).order_by("name").first()
    if len(incumbents) < 2 or bromley is None or icb is None:
        return
    project = _project(
        SUPPORT_AT_HOME,
        service_area=incumbents[0].service_area,
        incumbent_contracts=incumbents,
        estimated_annual_value=Decimal("2660000.00"),
        estimated_term="5+2+2",
        notes=(
            "Replaces the Mental Health Flexible Support Service and the SEL ICB residential and supported "
            "accommodation contract, both ending 30 September 2024 with no options left. Section 75 "
            "agreement, funded 50:50 by the Council and the ICB."
        ),
        funding=[services.ProjectShare(bromley, Decimal("50")), services.ProjectShare(icb, Decimal("50"))],
    )
    if project is None:
        return
    _pass(project, 0, _part(BROMLEY, "Executive", date(2022, 6, 29), "ACH22-018", "1"), today=today)
    _pass(project, 1, _part(BROMLEY, "Executive", date(2022, 11, 30), "ACH22-035", "i"), today=today)


def _nottingham(*, today: date) -> None:
    successor = _contract("NCC-ILSS-2019")
    if successor is None:
        return
    project = _project(
        NOTTINGHAM_ILSS,
        service_area=successor.service_area,
        required_start_date=date(2019, 7, 1),
        estimated_annual_value=Decimal("855439.00"),
        estimated_term="3+2+2",
        baseline_annual_cost=Decimal("950488.00"),
        baseline_year=2018,
        notes=(
            "The contracts for three of the existing ILSS ended on 30 June 2019 (not in this register); the new "
            "model starts 1 July 2019 with a single referral point and triage."
        ),
    )
    if project is None:
        return
    project.successor_contracts.set([successor])
    for description, outcome, pros, cons, reason in NOTTINGHAM_OPTIONS:
        services.appraised_option_add(
            project=project, description=description, outcome=outcome, pros=pros, cons=cons, reason=reason
        )
    council, board, report = NOTTINGHAM, "Executive Board", "NCC-EB-2019-ILSS"
    _pass(project, 0, _part(council, board, date(2019, 2, 19), report, "2"), today=today)
    _pass(project, 1, _part(council, board, date(2019, 2, 19), report, "2"), today=today)
    _pass(project, 2, _part(council, board, date(2019, 2, 19), report, "3"), today=today)
    project.status = CommissioningProject.Status.COMPLETED
    project.save(update_fields=["status"])


def _bradford(*, today: date) -> None:
    incumbent = _contract("CBMDC-HS-2016")
    if incumbent is None:
        return
    project = _project(
        BRADFORD_HOME_SUPPORT,
        service_area=incumbent.service_area,
        incumbent_contracts=[incumbent],
        estimated_annual_value=Decimal("43000000.00"),
        estimated_term="3+2",
        contract_type=Contract.ContractType.FRAMEWORK,
        notes=(
            "Small locality contracts; Ethical Care Charter; out-of-hours support; no 15-minute visits. "
            "Estimated term assumed for the demo."
        ),
    )
    if project is None:
        return
    rule = RequiredStep.objects.filter(source__startswith="Bradford").first()
    part = (
        ResolutionPart.objects.filter(item__report__reference='Document "D"', number="1")
        .select_related("item__meeting")
        .first()
    )
    if rule and part and part.item.meeting.date <= today:
        if not ProjectStep.objects.filter(project=project, rule=rule).exists():
            services.project_step_record(
                project=project,
                rule=rule,
                done_on=part.item.meeting.date,
                resolution_part=part,
                today=today,
                note='Document "D" considered by the Health and Social Care Overview and Scrutiny Committee.',
            )
    project.status = CommissioningProject.Status.COMPLETED
    project.save(update_fields=["status"])


def _waiver(*, today: date) -> None:
    contract = _contract("LBB-MHFS-WAIVER-2017")
    part = _part(BROMLEY, "Care Services Portfolio Holder", date(2017, 3, 28), "CS17121", "1")
    if contract is None or Waiver.objects.filter(service__iexact="Mental Health Flexible Support Service").exists():
        return
    if date(2017, 3, 28) > today:
        return
    services.waiver_create(
        service="Mental Health Flexible Support Service",
        service_area=contract.service_area,
        contract=contract,
        reason=(
            "Exempt the current service (Heritage Care) from tender (Option 2) while the service is redesigned "
            "with Bromley CCG and Oxleas NHS Trust, to retender it with a larger portfolio of services."
        ),
        start_date=contract.start_date,
        term="18m+6m",
        value=Decimal("638000.00"),
        approver="Care Services Portfolio Holder",
        approved_on=date(2017, 3, 28),
        resolution_part=part,
        today=today,
    )


def load_commissioning_demo(*, today: date) -> None:
    _rules()
    _support_at_home(today=today)
    _nottingham(today=today)
    _bradford(today=today)
    _waiver(today=today)
