"""Pages for commissioning projects, the pipeline and the waivers register.

Reads come from `commissioning.projects.selectors`, writes go through
`commissioning.projects.services`; a service's `ValidationError` goes back on the form
that caused it and nothing is saved.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from commissioning.core import dates, query, register_cache
from commissioning.core.formatting import format_day
from commissioning.core.once import saves_once
from commissioning.core.permissions import can, get_for_user, require
from commissioning.core.versioning import StaleEdit
from commissioning.core.web import is_filtered, page_of, query_without
from commissioning.projects import selectors, services
from commissioning.projects.contract_facts import kpi_duty_reason
from commissioning.projects.filters import ProjectFilter, WaiverFilter, with_waiver_number
from commissioning.projects.forms import (
    AppraisedOptionForm,
    DecisionCandidates,
    GatewayPassForm,
    ProjectStepForm,
    WaiverForm,
    project_form,
    project_funding_formset,
    project_funding_initial,
    project_initial_from_contract,
)
from commissioning.projects.gateways import GatewayPlan
from commissioning.projects.models import (
    AppraisedOption,
    ApprovalRoute,
    CommissioningProject,
    Gateway,
    GatewayDecision,
    ProjectStep,
    Waiver,
)
from contracts.forms import add_service_errors
from contracts.history import full_history_requested
from contracts.models import Contract
from contracts.money import financial_year_label
from contracts.procurement import act_notices
from contracts.querysets import with_figures
from contracts.terms import TermError, parse_term, periods

# --- the pipeline --------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """Projects whose current gateway is `gateway` (None: no gateway passed yet):
    how many, and those drawn (the STAGE_SHOWN due soonest, or all when asked)."""

    gateway: Gateway | None
    shown: list
    count: int

    @property
    def anchor(self) -> str:
        return stage_anchor(self.gateway)

    @property
    def cut(self) -> bool:
        return len(self.shown) < self.count


def stage_anchor(gateway: Gateway | None) -> str:
    return f"stage-{gateway.number}" if gateway else "stage-none"


# Projects drawn at each stage unless ?stage= asks for all of one: the page
# stays the same size however many projects a council runs.
STAGE_SHOWN = 12


@dataclass(frozen=True)
class PipelineBoard:
    stages: list[Stage]
    count: int
    rag_counts: dict[str, int]


def pipeline_board(*, today, show_stage: str) -> PipelineBoard:
    summaries = selectors.pipeline(today=today)
    stages = []
    for gateway in [None, *Gateway.objects.order_by("number")]:
        number = gateway.number if gateway else None
        at_stage = [s for s in summaries if (s.current.rule.number if s.current else None) == number]
        show_all = show_stage == stage_anchor(gateway)
        stages.append(Stage(gateway, at_stage if show_all else at_stage[:STAGE_SHOWN], len(at_stage)))
    rag_counts = {colour: sum(1 for s in summaries if s.rag == colour) for colour in ("red", "amber", "green")}
    return PipelineBoard(stages=stages, count=len(summaries), rag_counts=rag_counts)


NEEDING_SHOWN = 25


def _needing(request, today) -> dict:
    """The contracts needing a project: the first NEEDING_SHOWN unless ?needing=all."""
    show_all = request.GET.get("needing") == "all"

    def needing() -> tuple[list, int]:
        queryset = selectors.contracts_needing_project(today=today)
        rows = list(queryset if show_all else queryset[:NEEDING_SHOWN])
        return rows, len(rows) if show_all or len(rows) < NEEDING_SHOWN else queryset.count()

    rows, count = register_cache.remember("needing_project", needing, today=today, question=[show_all])
    return {"needing": rows, "needing_count": count, "needing_cut": count > len(rows)}


def pipeline_page(request):
    require(request.user, CommissioningProject)
    today = dates.as_of(request)
    show_stage = request.GET.get("stage", "")
    board = register_cache.remember(
        "pipeline", lambda: pipeline_board(today=today, show_stage=show_stage), today=today, question=[show_stage]
    )
    return render(
        request,
        "commissioning/pipeline.html",
        {
            "stages": board.stages,
            "project_count": board.count,
            "rag_counts": board.rag_counts,
            **_needing(request, today),
            "today": today,
            "is_real_today": today == dates.real_today(),
            "can_add": can(request.user, CommissioningProject, "add"),
        },
    )


# --- the projects list ---------------------------------------------------------------------


def project_list(request):
    require(request.user, CommissioningProject)
    today = dates.as_of(request)
    filterset = ProjectFilter(request.GET, queryset=selectors.project_queryset(today=today))
    page = page_of(request, filterset.qs)
    rules = selectors.gateway_rules()
    # Plans for the rows on this page only.
    page.object_list = [selectors.project_summary(project, rules, today=today) for project in page.object_list]
    return render(
        request,
        "commissioning/project_list.html",
        {
            "page": page,
            "filterset": filterset,
            "today": today,
            "query_without_page": query_without(request, "page"),
            "filtered": is_filtered(request),
            "can_add": can(request.user, CommissioningProject, "add"),
        },
    )


# --- creating and editing a project -------------------------------------------------------


def _project_form_page(request, *, project: CommissioningProject | None):
    initial: dict = {}
    funding_initial: list[dict] = []
    from_contract = None
    if project is None:
        initial["lead_officer"] = request.user.pk
        contract_pk = query.plain_id(request.GET.get("contract"))
        if contract_pk is not None:
            from_contract = get_for_user(
                request.user,
                with_figures(Contract.objects.prefetch_related("funding_shares"), today=dates.real_today()),
                pk=contract_pk,
            )
            contract_initial, funding_initial = project_initial_from_contract(from_contract)
            initial.update(contract_initial)
    else:
        funding_initial = project_funding_initial(project)

    data = request.POST if request.method == "POST" else None
    form = project_form(data, project=project, initial=initial)
    # Rows posted back are read as they are: compared with an initial value, an
    # unchanged pre-filled row would count as empty.
    funding = project_funding_formset(data=data, initial=funding_initial if data is None else None)
    if data is not None and form.is_valid() & funding.is_valid():
        arguments = form.service_arguments()
        try:
            if project is None:
                project = services.project_create(funding=funding.project_shares(), **arguments)
                messages.success(request, f"Project “{project.title}” started.")
            else:
                services.project_update(project=project, funding=funding.project_shares(), **arguments)
                messages.success(request, f"Project “{project.title}” saved.")
        except StaleEdit:
            current = CommissioningProject.objects.get(pk=project.pk)
            form.refuse_as_stale(project_form(project=current), noun="project")
        except ValidationError as error:
            add_service_errors(form, error, formsets={"funding": funding})
        else:
            return redirect(project)
    return render(
        request,
        "commissioning/project_form.html",
        {
            "form": form,
            "funding": funding,
            "project": project if project is not None and project.pk else None,
            "from_contract": from_contract,
        },
    )


@saves_once
def project_create(request):
    require(request.user, CommissioningProject, "add")
    return _project_form_page(request, project=None)


def project_update(request, pk: int):
    project = get_for_user(request.user, CommissioningProject.objects.all(), action="change", pk=pk)
    return _project_form_page(request, project=project)


# --- the project page ----------------------------------------------------------------------


@dataclass(frozen=True)
class GatewayRow:
    plan: GatewayPlan
    gateway: Gateway
    record: GatewayDecision | None
    route: ApprovalRoute | None
    is_current: bool


@dataclass(frozen=True)
class Marker:
    x: int
    day: date

    @property
    def anchor(self) -> str:
        """Where a label centred on the marker would run off the picture, align it to the marker instead."""
        if self.x < PLOT_LEFT + 90:
            return "start"
        if self.x > PLOT_RIGHT - 90:
            return "end"
        return "middle"


@dataclass(frozen=True)
class Lane:
    y: int
    row: GatewayRow
    due: Marker | None
    passed: Marker | None


@dataclass(frozen=True)
class Tick:
    x: int
    label: str


@dataclass(frozen=True)
class GatewayTimeline:
    """Geometry of the gateway picture, in the SVG's units (1000 wide)."""

    lanes: list[Lane]
    ticks: list[Tick]
    start: Marker
    today: Marker
    top: int
    bottom: int
    height: int


LANE_HEIGHT = 50  # a lane: the due date's label above its line, the decision's below
LANE_TOP = 62  # room above the lanes for the start and today labels
PLOT_LEFT, PLOT_RIGHT = 110, 975  # the lane names sit left of the plot


def _gateway_timeline(rows: list[GatewayRow], *, required: date | None, today: date) -> GatewayTimeline | None:
    """Where each gateway's due date and decision fall, from 1 January of the
    first year shown to 1 January after the last, for a server-drawn SVG."""
    shown = [row for row in rows if row.plan.due or row.plan.passed_on]
    if not shown:
        return None
    # Today is always on the picture, so how late or how close things are can be seen.
    days = [d for row in shown for d in (row.plan.due, row.plan.passed_on, required) if d is not None] + [today]
    if not all(dates.in_range(day) for day in days):
        return None  # a record dated far outside the range, from before the range was enforced
    first = date(min(days).year, 1, 1)
    last = date(max(days).year + 1, 1, 1)
    span = (last - first).days

    def x(day: date) -> int:
        return round(PLOT_LEFT + (day - first).days / span * (PLOT_RIGHT - PLOT_LEFT))

    lanes = [
        Lane(
            y=LANE_TOP + i * LANE_HEIGHT,
            row=row,
            due=Marker(x(row.plan.due), row.plan.due) if row.plan.due else None,
            passed=Marker(x(row.plan.passed_on), row.plan.passed_on) if row.plan.passed_on else None,
        )
        for i, row in enumerate(shown)
    ]
    bottom = LANE_TOP + (len(lanes) - 1) * LANE_HEIGHT + 26
    return GatewayTimeline(
        lanes=lanes,
        ticks=[Tick(x(date(year, 1, 1)), str(year)) for year in range(first.year, last.year + 1)],
        start=Marker(x(required), required) if required else None,
        today=Marker(x(today), today),
        top=LANE_TOP - 24,
        bottom=bottom,
        height=bottom + 18,
    )


@dataclass(frozen=True)
class Notice:
    what: str
    due: date
    basis: str


def _project_notices(project: CommissioningProject, *, legislation: str | None) -> list[Notice]:
    """The Procurement Act 2023 notices: for the new contract only if it falls under the Act,
    and for each contract it replaces only if that one was procured under the Act."""
    notices = []
    start = project.required_start
    new = act_notices(legislation=legislation, route=project.route, signed=start, ended=start) if start else None
    if new is not None:
        light_touch = project.route == Contract.Route.LIGHT_TOUCH
        notices.append(
            Notice(
                what="Contract details notice for the new contract",
                due=new.details_due,
                basis=(
                    f"{new.details_days} days after signing{' (light touch)' if light_touch else ''}; "
                    f"shown for a contract signed on the required start, {format_day(start)}"
                ),
            )
        )
    for contract in project.incumbent_contracts.all():
        if contract.start_date is None or contract.current_end_date is None:
            continue  # an incomplete contract: no dates to count its notices from
        old = act_notices(
            legislation=contract.legislation,
            route=contract.route,
            signed=contract.start_date,
            ended=contract.current_end_date,
        )
        if old is not None and old.termination_due is not None:
            notices.append(
                Notice(
                    what=f"Contract termination notice for {contract.reference}",
                    due=old.termination_due,
                    basis=f"30 days after it ends on {format_day(contract.current_end_date)} (its current end)",
                )
            )
    return notices


def _project_page(
    request,
    project: CommissioningProject,
    *,
    gateway_form: GatewayPassForm | None = None,
    step_form: ProjectStepForm | None = None,
    option_form: AppraisedOptionForm | None = None,
    failure: str = "",
    failure_anchor: str = "",
):
    today = dates.as_of(request)
    show_all = full_history_requested(request)
    detail = selectors.project_detail(project=project, today=today)
    summary = detail.summary
    # Only the decisions taken by the day shown: a later one is not yet a fact on it.
    records = {record.gateway.number: record for record in project.gateway_decisions.all() if record.passed_on <= today}
    gateways = {gateway.number: gateway for gateway in detail.gateways}
    any_gateway = detail.routes.get(-1)
    rows = [
        GatewayRow(
            plan=plan,
            gateway=gateways[plan.rule.number],
            record=records.get(plan.rule.number),
            route=detail.routes.get(plan.rule.number, any_gateway),
            is_current=summary.current is not None and summary.current.rule.number == plan.rule.number,
        )
        for plan in summary.plans
    ]
    can_change = can(request.user, CommissioningProject, "change")
    context = {
        "project": project,
        "detail": detail,
        "summary": summary,
        "rows": rows,
        "timeline": _gateway_timeline(rows, required=project.required_start, today=today),
        "today": today,
        "is_real_today": today == dates.real_today(),
        "can_change": can_change,
        "failure": failure,
        "failure_anchor": failure_anchor,
        "options": list(project.appraised_options.all()),
        "baseline_year_label": financial_year_label(project.baseline_year) if project.baseline_year else "",
        # Who changed what, read over several kinds of record: kept until the register changes.
        "history": register_cache.remember(
            "project-history",
            lambda: selectors.project_history(project=project, show_all=show_all),
            today=today,
            question=[project.pk, show_all],
        ),
    }
    procurement = detail.procurement
    if procurement.whole_life_estimate is not None:
        light_touch = project.route == Contract.Route.LIGHT_TOUCH
        context["kpi_reason"] = kpi_duty_reason(
            value=procurement.whole_life_estimate,
            light_touch=light_touch,
            framework=project.contract_type == Contract.ContractType.FRAMEWORK,
            legislation=procurement.legislation,
        )
    context["procurement_start"] = detail.procurement.procurement_start
    context["procurement_start_basis"] = detail.procurement.procurement_start_basis
    context["notices"] = _project_notices(project, legislation=procurement.legislation)
    if can_change:
        candidates = DecisionCandidates(project)
        open_gateways = [gateways[n] for n in gateways if n not in records]
        context["gateway_form"] = gateway_form or (
            GatewayPassForm(gateways=open_gateways, candidates=candidates) if open_gateways else None
        )
        rules = [s.rule for s in detail.steps if not s.met]
        context["step_form"] = step_form or (
            ProjectStepForm(rules=rules, candidates=candidates, today=dates.real_today()) if rules else None
        )
        context["option_form"] = option_form or AppraisedOptionForm()
    return render(request, "commissioning/project_detail.html", context)


def project_detail(request, pk: int):
    today = dates.as_of(request)
    get_for_user(request.user, CommissioningProject.objects.only("pk"), pk=pk)
    # The project read with everything its page shows (its contracts with their
    # figures on the day, gateways, steps, options, funding): kept until the
    # register changes.
    project = register_cache.remember(
        "project", lambda: selectors.project_queryset(today=today).get(pk=pk), today=today, question=[pk]
    )
    return _project_page(request, project)


def _project_to_change(request, pk: int, model) -> CommissioningProject:
    project = get_for_user(request.user, selectors.project_queryset(today=dates.as_of(request)), action="change", pk=pk)
    require(request.user, model, "add")
    return project


@require_POST
@saves_once
def gateway_pass(request, pk: int):
    project = _project_to_change(request, pk, GatewayDecision)
    passed = {record.gateway_id for record in project.gateway_decisions.all()}
    form = GatewayPassForm(
        request.POST,
        gateways=[g for g in Gateway.objects.order_by("number") if g.pk not in passed],
        candidates=DecisionCandidates(project),
    )
    if form.is_valid():
        try:
            record = services.gateway_pass(
                project=project,
                gateway=form.cleaned_data["gateway"],
                decision=form.cleaned_data["decision"],
                today=dates.real_today(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{record.gateway.name} recorded as passed on {format_day(record.passed_on)}.")
            return redirect(f"{project.get_absolute_url()}#gateways")
    return _project_page(
        request,
        project,
        gateway_form=form,
        failure="The gateway decision was not recorded.",
        failure_anchor="gateway-form",
    )


@require_POST
@saves_once
def project_step_add(request, pk: int):
    project = _project_to_change(request, pk, ProjectStep)
    today = dates.real_today()
    detail = selectors.project_detail(project=project, today=today)
    form = ProjectStepForm(
        request.POST,
        rules=[s.rule for s in detail.steps if not s.met],
        candidates=DecisionCandidates(project),
        today=today,
    )
    if form.is_valid():
        try:
            step = services.project_step_record(project=project, today=today, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{step.rule.name}” recorded as done on {format_day(step.done_on)}.")
            return redirect(f"{project.get_absolute_url()}#steps")
    return _project_page(
        request, project, step_form=form, failure="The step was not recorded.", failure_anchor="step-form"
    )


@require_POST
@saves_once
def appraised_option_add(request, pk: int):
    project = _project_to_change(request, pk, AppraisedOption)
    form = AppraisedOptionForm(request.POST)
    if form.is_valid():
        try:
            option = services.appraised_option_add(project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Option “{option.description}” added.")
            return redirect(f"{project.get_absolute_url()}#options")
    return _project_page(
        request, project, option_form=form, failure="The option was not added.", failure_anchor="option-form"
    )


# --- waivers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaiverRow:
    waiver: Waiver
    initial_end: date | None
    extension_end: date | None

    @property
    def repeated(self) -> bool:
        return self.waiver.waivers_for_service > 1


def _waiver_row(waiver: Waiver) -> WaiverRow:
    try:
        parts = periods(waiver.start_date, parse_term(waiver.term))
    except TermError:
        return WaiverRow(waiver=waiver, initial_end=None, extension_end=None)
    return WaiverRow(waiver=waiver, initial_end=parts[0].end, extension_end=parts[-1].end if len(parts) > 1 else None)


def waiver_list(request):
    require(request.user, Waiver)
    filterset = WaiverFilter(request.GET, queryset=with_waiver_number(selectors.waiver_list()))
    page = page_of(request, filterset.qs)
    page.object_list = [_waiver_row(waiver) for waiver in page.object_list]
    return render(
        request,
        "commissioning/waiver_list.html",
        {
            "page": page,
            "filterset": filterset,
            "query_without_page": query_without(request, "page"),
            "filtered": is_filtered(request),
            "can_add": can(request.user, Waiver, "add"),
        },
    )


def waiver_detail(request, pk: int):
    waiver = get_for_user(request.user, selectors.waiver_list(), pk=pk)
    return render(
        request,
        "commissioning/waiver_detail.html",
        {
            "row": _waiver_row(waiver),
            "waiver": waiver,
            "history": selectors.waiver_history(waiver=waiver, show_all=full_history_requested(request)),
        },
    )


@saves_once
def waiver_create(request):
    require(request.user, Waiver, "add")
    initial: dict = {}
    contract_pk = query.plain_id(request.GET.get("contract"))
    if contract_pk is not None:
        contract = get_for_user(request.user, Contract.objects.all(), pk=contract_pk)
        initial.update(service=contract.title, service_area=contract.service_area_id, contract=contract.pk)
    form = WaiverForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            waiver = services.waiver_create(today=dates.real_today(), **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Waiver for “{waiver.service}” recorded.")
            return redirect(waiver)
    return render(request, "commissioning/waiver_form.html", {"form": form})
