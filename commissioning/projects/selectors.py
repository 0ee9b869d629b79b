"""Reads for projects, the pipeline and the waivers register.

Gateway plans are computed in Python from rows loaded up front, so the
pipeline's query count does not grow with projects or contracts.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from commissioning.projects.gateways import (
    GatewayPlan,
    GatewayRule,
    current_gateway,
    next_gateway,
    plan,
    required_start,
)
from commissioning.projects.models import (
    AppraisedOption,
    ApprovalRoute,
    CommissioningProject,
    Gateway,
    GatewayDecision,
    ProcurementThreshold,
    ProjectFundingShare,
    ProjectStep,
    RequiredStep,
    Waiver,
)
from committees.clock import key_decision_notice_deadline
from contracts.history import History, Source, record_history
from contracts.models import Contract, Provider
from contracts.money import saving, split_by_shares, whole_value
from contracts.procurement import Threshold, above_threshold, kpi_duty_applies, legislation_for, threshold_on
from contracts.querysets import with_figures, with_kept_figures
from contracts.regime import LEGISLATION_LABELS
from contracts.terms import TermError, parse_term, period_end


def gateway_rules() -> list[GatewayRule]:
    return rules_of(Gateway.objects.order_by("number"))


def rules_of(gateways) -> list[GatewayRule]:
    """The rules of `gateways` (Gateway rows, in order), for a page that shows the rows too."""
    return [GatewayRule(g.number, g.name, g.lead_months) for g in gateways]


def _contracts_on(today: date) -> QuerySet[Contract]:
    return with_figures(Contract.objects.order_by("reference"), today=today)


def _gateway_decisions() -> Prefetch:
    """A project's gateway decisions, with the decision that passed each, as its pages name them."""
    return Prefetch(
        "gateway_decisions",
        queryset=GatewayDecision.objects.select_related(
            "gateway", "resolution_part__item__meeting__committee", "officer_decision"
        ),
    )


def _projects(*, today: date) -> QuerySet[CommissioningProject]:
    return CommissioningProject.objects.select_related("service_area", "lead_officer").prefetch_related(
        Prefetch("incumbent_contracts", queryset=_contracts_on(today)),
        Prefetch("successor_contracts", queryset=_contracts_on(today)),
        _gateway_decisions(),
    )


@dataclass(frozen=True)
class ProjectSummary:
    project: CommissioningProject
    plans: list[GatewayPlan]
    current: GatewayPlan | None
    next: GatewayPlan | None

    @property
    def rag(self) -> str:
        """The worst status of the gateways still to pass."""
        open_plans = [p for p in self.plans if p.passed_on is None and p.due is not None]
        for colour in ("red", "amber"):
            if any(p.rag == colour for p in open_plans):
                return colour
        return "green"


def required_start_of(project: CommissioningProject) -> date | None:
    """The day the new service must start: set by hand, or the day after the
    incumbents' latest final end as their figures stand on the day they were
    loaded for (`incumbent_contracts` prefetched through `with_figures`).

    Also set on the project as `required_start` and `required_start_by_hand`
    for its pages."""
    if project.required_start_date is not None:
        start = project.required_start_date
    else:
        # An incumbent whose dates are not known (incomplete) sets no date.
        ends = [c.final_end_date for c in project.incumbent_contracts.all() if c.final_end_date is not None]
        start = required_start(ends) if ends else None
    project.required_start = start
    project.required_start_by_hand = project.required_start_date is not None
    return start


def project_summary(project: CommissioningProject, rules: list[GatewayRule], *, today: date) -> ProjectSummary:
    # A gateway counts as passed from the day of its decision, not before.
    passed = {
        decision.gateway.number: decision.passed_on
        for decision in project.gateway_decisions.all()
        if decision.passed_on <= today
    }
    plans = plan(rules, passed, required=required_start_of(project), today=today)
    return ProjectSummary(project=project, plans=plans, current=current_gateway(plans), next=next_gateway(plans))


def pipeline(*, today: date) -> list[ProjectSummary]:
    """Every active project with its gateway plan, soonest next due date first."""
    rules = gateway_rules()
    summaries = [
        project_summary(project, rules, today=today)
        for project in _projects(today=today).filter(status=CommissioningProject.Status.ACTIVE)
    ]
    far_future = date.max
    return sorted(summaries, key=lambda s: (s.next.due if s.next else far_future, s.project.title))


def gateway_summaries(*, today: date) -> list[ProjectSummary]:
    """Active projects with their gateway plans only (no contracts loaded): for the dashboard."""
    rules = gateway_rules()
    projects = CommissioningProject.objects.filter(status=CommissioningProject.Status.ACTIVE).prefetch_related(
        Prefetch(
            "gateway_decisions",
            queryset=GatewayDecision.objects.select_related(
                "gateway", "resolution_part__item__meeting", "officer_decision"
            ),
        ),
        Prefetch("incumbent_contracts", queryset=_contracts_on(today).only("pk", "start_date")),
    )
    return [project_summary(project, rules, today=today) for project in projects]


def contracts_needing_project(*, today: date) -> QuerySet[Contract]:
    """Contracts that will end within the re-procurement lead time (the longest
    gateway lead) with no option left open, or with an option past its decision
    deadline that will lapse, and no active project replacing them."""
    lead = max((rule.lead_months for rule in gateway_rules() if rule.lead_months is not None), default=24)
    replaced = CommissioningProject.objects.filter(
        status=CommissioningProject.Status.ACTIVE, incumbent_contracts=OuterRef("pk")
    )
    return (
        with_figures(
            Contract.objects.select_related("service_area", "lead_commissioner").prefetch_related(
                Prefetch("providers", queryset=Provider.objects.order_by("name"))
            ),
            today=today,
        )
        .filter(current_end_date__gte=today, current_end_date__lte=period_end(today, lead))
        .filter(Q(next_option__isnull=True) | Q(option_late=True))
        .exclude(Exists(replaced))
        .order_by("current_end_date", "reference")
    )


@dataclass(frozen=True)
class StepStatus:
    rule: RequiredStep
    step: ProjectStep | None
    due_by: date | None

    @property
    def met(self) -> bool:
        return self.step is not None

    @property
    def in_time(self) -> bool | None:
        if self.step is None or self.due_by is None:
            return None
        return self.step.done_on <= self.due_by


@dataclass(frozen=True)
class ProcurementFacts:
    procurement_start: date | None
    procurement_start_basis: str
    whole_life_estimate: Decimal | None
    threshold: Threshold | None
    above_light_touch_threshold: bool | None
    legislation: str | None  # recorded on the project, or by the day the procurement starts
    legislation_label: str
    kpi_duty: bool | None


@dataclass(frozen=True)
class ProjectDetail:
    summary: ProjectSummary
    steps: list[StepStatus]
    routes: dict[int, ApprovalRoute]  # gateway number -> route for the project's value
    procurement: ProcurementFacts
    annual_saving: Decimal | None
    funding: list[tuple]  # (share, annual part)
    gateways: list[Gateway]  # every gateway, in order, the rules of the plans

    @property
    def project(self) -> CommissioningProject:
        return self.summary.project


def project_queryset(*, today: date) -> QuerySet[CommissioningProject]:
    """Projects with what their pages show, the contracts' figures as on `today`:
    their ends, which set the required start; not their status, which the
    project's pages do not show."""
    contracts = with_kept_figures(Contract.objects.order_by("reference"), today=today)
    return CommissioningProject.objects.select_related("service_area", "lead_officer").prefetch_related(
        Prefetch("incumbent_contracts", queryset=contracts),
        Prefetch("successor_contracts", queryset=contracts),
        _gateway_decisions(),
        "appraised_options",
        Prefetch("funding_shares", queryset=ProjectFundingShare.objects.select_related("organisation")),
        Prefetch(
            "steps", queryset=ProjectStep.objects.select_related("rule", "resolution_part__item__meeting__committee")
        ),
    )


def _whole_life_estimate(project: CommissioningProject) -> Decimal | None:
    if project.estimated_annual_value is None or not project.estimated_term:
        return None
    try:
        parts = parse_term(project.estimated_term)
    except TermError:
        return None
    return whole_value(project.estimated_annual_value, parts)


def project_detail(*, project: CommissioningProject, today: date) -> ProjectDetail:
    """`project` must come from `project_queryset(today=today)`."""
    gateways = list(Gateway.objects.order_by("number"))
    summary = project_summary(project, rules_of(gateways), today=today)
    estimate = _whole_life_estimate(project)
    councils = {contract.lead_commissioner_id for contract in project.incumbent_contracts.all()}
    plans = {p.rule.number: p for p in summary.plans}
    done = {step.rule_id: step for step in project.steps.all() if step.done_on <= today}
    steps = []
    for rule in RequiredStep.objects.select_related("before_gateway", "council"):
        if estimate is None or estimate <= rule.above_value:
            continue
        if rule.council_id is not None and rule.council_id not in councils:
            continue
        gateway_plan = plans.get(rule.before_gateway.number)
        decision_day = (gateway_plan.passed_on or gateway_plan.due) if gateway_plan else None
        due_by = None
        if decision_day is not None:
            if rule.kind == RequiredStep.Kind.FORWARD_PLAN_NOTICE:
                due_by = key_decision_notice_deadline(decision_day, clear_days=rule.days_before)
            else:
                due_by = decision_day - timedelta(days=rule.days_before)
        steps.append(StepStatus(rule=rule, step=done.get(rule.pk), due_by=due_by))

    routes = {}
    if estimate is not None:
        for route in ApprovalRoute.objects.select_related("gateway"):
            if route.min_value <= estimate and (route.max_value is None or estimate < route.max_value):
                key = route.gateway.number if route.gateway else -1
                routes.setdefault(key, route)

    thresholds = ProcurementThreshold.as_rules()
    procurement_start, basis = _procurement_start(plans.get(1), project)
    legislation = project.legislation or (legislation_for(procurement_start) if procurement_start else None)
    procurement = ProcurementFacts(
        procurement_start=procurement_start,
        procurement_start_basis=basis,
        whole_life_estimate=estimate,
        threshold=threshold_on(thresholds, procurement_start) if procurement_start else None,
        above_light_touch_threshold=(
            above_threshold(estimate, thresholds, procurement_start) if estimate is not None else None
        ),
        legislation=legislation,
        legislation_label=LEGISLATION_LABELS.get(legislation, ""),
        kpi_duty=(
            kpi_duty_applies(
                value=estimate,
                light_touch=project.route == Contract.Route.LIGHT_TOUCH,
                framework=project.contract_type == Contract.ContractType.FRAMEWORK,
                legislation=legislation,
            )
            if estimate is not None
            else None
        ),
    )
    shares = list(project.funding_shares.all())
    funding = []
    if shares and project.estimated_annual_value is not None:
        parts = split_by_shares(project.estimated_annual_value, [share.percent for share in shares])
        funding = list(zip(shares, parts, strict=True))
    return ProjectDetail(
        summary=summary,
        steps=steps,
        routes=routes,
        procurement=procurement,
        annual_saving=(
            saving(project.baseline_annual_cost, project.estimated_annual_value)
            if project.baseline_annual_cost is not None and project.estimated_annual_value is not None
            else None
        ),
        funding=funding,
        gateways=gateways,
    )


def _procurement_start(gateway_1: GatewayPlan | None, project: CommissioningProject) -> tuple[date | None, str]:
    """The day the procurement starts, for the threshold and the legislation:
    Gateway 1's decision, or its due date."""
    if gateway_1 is None:
        return required_start_of(project), "the required start"
    if gateway_1.passed_on:
        return gateway_1.passed_on, f"{gateway_1.rule.name} passed"
    if gateway_1.due:
        return gateway_1.due, f"{gateway_1.rule.name} due"
    return None, f"{gateway_1.rule.name} is not back-planned"


def waiver_list() -> QuerySet[Waiver]:
    """Waivers, newest first, each with how many waivers its service has had."""
    same_service = (
        Waiver.objects.annotate(service_key=Lower("service"))
        .filter(service_key=Lower(OuterRef("service")))
        .values("service_key")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Waiver.objects.select_related(
        "service_area", "contract", "resolution_part__item__meeting__committee", "officer_decision"
    ).annotate(waivers_for_service=same_service)


def project_history(*, project: CommissioningProject, show_all: bool = False) -> History:
    """Changes to the project, its gateway decisions, steps, appraised options and funding."""
    return record_history(
        sources=[
            Source(CommissioningProject.history.filter(id=project.pk)),
            Source(GatewayDecision.history.filter(project_id=project.pk), label="Gateway decision: {gateway}"),
            Source(ProjectStep.history.filter(project_id=project.pk), label="Step: {rule}"),
            Source(AppraisedOption.history.filter(project_id=project.pk), label="Appraised option: {description}"),
            Source(ProjectFundingShare.history.filter(project_id=project.pk), label="Funding share of {organisation}"),
        ],
        show_all=show_all,
    )


def waiver_history(*, waiver: Waiver, show_all: bool = False) -> History:
    return record_history(sources=[Source(Waiver.history.filter(id=waiver.pk))], show_all=show_all)
