"""Writes for commissioning projects, gateways and waivers.

Keyword-only, atomic, validated before saving: a `ValidationError` leaves the
database as it was.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from commissioning.core import versioning
from commissioning.core.formatting import format_day
from commissioning.core.search import index_refresh
from commissioning.projects.models import (
    AppraisedOption,
    CommissioningProject,
    Gateway,
    GatewayDecision,
    ProjectFundingShare,
    ProjectStep,
    RequiredStep,
    Waiver,
)
from commissioning.projects.search_index import PROJECT
from committees import decisions
from committees.decisions import Power
from committees.models import OfficerDecision, ResolutionPart
from committees.services import decision_date
from contracts.models import Contract, Organisation, ServiceArea
from contracts.services import parse_term_or_error, validate_funding


@dataclass(frozen=True)
class ProjectShare:
    organisation: Organisation
    percent: Decimal


def _check_incumbents(project: CommissioningProject | None, incumbents: Sequence[Contract]) -> None:
    """A contract is replaced by one active project at a time.

    The incumbents stay locked until the caller's transaction ends, so two
    projects saved at the same moment for the same contract take turns: the
    second one waits, then sees the first and is refused. (A database
    constraint cannot reach across the many-to-many table to the status.)"""
    list(Contract.objects.select_for_update().filter(pk__in=[c.pk for c in incumbents]).order_by("pk"))
    taken = (
        CommissioningProject.objects.filter(
            status=CommissioningProject.Status.ACTIVE, incumbent_contracts__in=incumbents
        )
        .exclude(pk=project.pk if project else None)
        .prefetch_related("incumbent_contracts")
        .distinct()
    )
    for other in taken:
        references = sorted(c.reference for c in other.incumbent_contracts.all() if c in incumbents)
        raise ValidationError(
            {
                "incumbent_contracts": f"{', '.join(references)} is already being replaced by the project “{other.title}”."
            }
        )


def _check_term(term: str) -> None:
    if term:
        parse_term_or_error(term, field="estimated_term")


def _set_funding(project: CommissioningProject, funding: Sequence[ProjectShare]) -> None:
    if funding:
        validate_funding(funding)
    project.funding_shares.all().delete()
    for share in funding:
        ProjectFundingShare.objects.create(project=project, organisation=share.organisation, percent=share.percent)


def _check_required_start(incumbents: Sequence[Contract], given: date | None) -> None:
    if given is None and not incumbents:
        raise ValidationError(
            {"required_start_date": "Give the date the new service must start, or choose the contracts it replaces."}
        )


@transaction.atomic
def project_create(
    *,
    title: str,
    service_area: ServiceArea,
    incumbent_contracts: Sequence[Contract] = (),
    required_start_date: date | None = None,
    lead_officer=None,
    estimated_annual_value: Decimal | None = None,
    estimated_term: str = "",
    legislation: str = "",
    route: str = Contract.Route.LIGHT_TOUCH,
    contract_type: str = Contract.ContractType.BLOCK,
    baseline_annual_cost: Decimal | None = None,
    baseline_year: int | None = None,
    notes: str = "",
    funding: Sequence[ProjectShare] = (),
) -> CommissioningProject:
    _check_incumbents(None, incumbent_contracts)
    _check_term(estimated_term)
    _check_required_start(incumbent_contracts, required_start_date)
    project = CommissioningProject(
        title=title.strip(),
        service_area=service_area,
        lead_officer=lead_officer,
        required_start_date=required_start_date,
        estimated_annual_value=estimated_annual_value,
        estimated_term=estimated_term.strip(),
        legislation=legislation,
        route=route,
        contract_type=contract_type,
        baseline_annual_cost=baseline_annual_cost,
        baseline_year=baseline_year,
        notes=notes,
    )
    project.full_clean()
    project.save()
    project.incumbent_contracts.set(incumbent_contracts)
    _set_funding(project, funding)
    index_refresh(PROJECT, [project.pk])
    return project


@transaction.atomic
def project_update(
    *,
    project: CommissioningProject,
    title: str,
    service_area: ServiceArea,
    status: str,
    incumbent_contracts: Sequence[Contract],
    successor_contracts: Sequence[Contract],
    required_start_date: date | None,
    lead_officer,
    estimated_annual_value: Decimal | None,
    estimated_term: str,
    legislation: str,
    route: str,
    contract_type: str,
    baseline_annual_cost: Decimal | None,
    baseline_year: int | None,
    notes: str,
    funding: Sequence[ProjectShare] | None = None,
    version: int | None = None,
) -> CommissioningProject:
    """`required_start_date` None means: the day after the incumbents' latest final end.
    `version` is the version the edit form was read at: an older one raises `versioning.StaleEdit`."""
    # The row as the database holds it, not the form's instance, which already has the posted values.
    project = versioning.lock_for_update(CommissioningProject, pk=project.pk, version=version)
    project.version += 1
    if status == CommissioningProject.Status.ACTIVE:
        _check_incumbents(project, incumbent_contracts)
    _check_term(estimated_term)
    _check_required_start(incumbent_contracts, required_start_date)
    project.title = title.strip()
    project.service_area = service_area
    project.status = status
    project.lead_officer = lead_officer
    project.required_start_date = required_start_date
    project.estimated_annual_value = estimated_annual_value
    project.estimated_term = estimated_term.strip()
    project.legislation = legislation
    project.route = route
    project.contract_type = contract_type
    project.baseline_annual_cost = baseline_annual_cost
    project.baseline_year = baseline_year
    project.notes = notes
    project.full_clean()
    project.save()
    project.incumbent_contracts.set(incumbent_contracts)
    project.successor_contracts.set(successor_contracts)
    if funding is not None:
        _set_funding(project, funding)
    index_refresh(PROJECT, [project.pk])
    return project


@transaction.atomic
def appraised_option_add(
    *, project: CommissioningProject, description: str, outcome: str, pros: str = "", cons: str = "", reason: str = ""
) -> AppraisedOption:
    if outcome == AppraisedOption.Outcome.REJECTED and not reason.strip():
        raise ValidationError({"reason": "Say why the option was rejected."})
    option = AppraisedOption(
        project=project,
        position=project.appraised_options.count() + 1,
        description=description.strip(),
        pros=pros,
        cons=cons,
        outcome=outcome,
        reason=reason,
    )
    option.full_clean()
    option.save()
    return option


@transaction.atomic
def gateway_pass(
    *,
    project: CommissioningProject,
    gateway: Gateway,
    decision: ResolutionPart | OfficerDecision,
    today: date,
) -> GatewayDecision:
    """Record the decision that passed `gateway`; the date passed is the decision's."""
    passed_on = decision_date(decision)
    if passed_on > today:
        raise ValidationError({"decision": f"That decision is dated {format_day(passed_on)}, in the future."})
    if isinstance(decision, ResolutionPart) and not decisions.can_authorise(decision.kind, Power.PASS_GATEWAY):
        raise ValidationError({"decision": decisions.cannot_authorise_message(decision.kind, Power.PASS_GATEWAY)})
    record = GatewayDecision(project=project, gateway=gateway)
    if isinstance(decision, OfficerDecision):
        record.officer_decision = decision
    else:
        record.resolution_part = decision
    record.full_clean()
    return versioning.save_or_refuse(
        record, refusal=ValidationError({"gateway": "This project has already passed this gateway."})
    )


@transaction.atomic
def project_step_record(
    *,
    project: CommissioningProject,
    rule: RequiredStep,
    done_on: date,
    today: date,
    resolution_part: ResolutionPart | None = None,
    note: str = "",
) -> ProjectStep:
    if done_on > today:
        raise ValidationError({"done_on": "A step cannot be recorded as done in the future."})
    step = ProjectStep(project=project, rule=rule, resolution_part=resolution_part, done_on=done_on, note=note)
    step.full_clean()
    return versioning.save_or_refuse(
        step, refusal=ValidationError({"rule": "This step has already been recorded on this project."})
    )


@transaction.atomic
def waiver_create(
    *,
    service: str,
    service_area: ServiceArea,
    reason: str,
    start_date: date,
    term: str,
    value: Decimal,
    approver: str,
    approved_on: date,
    today: date,
    contract: Contract | None = None,
    resolution_part: ResolutionPart | None = None,
    officer_decision: OfficerDecision | None = None,
) -> Waiver:
    parse_term_or_error(term)
    if approved_on > today:
        raise ValidationError({"approved_on": "A waiver cannot be approved in the future."})
    if resolution_part is not None and officer_decision is not None:
        raise ValidationError("A waiver is authorised by a resolution part or an officer decision, not both.")
    if resolution_part is not None and not decisions.can_authorise(resolution_part.kind, Power.APPROVE_WAIVER):
        raise ValidationError(
            {"authority": decisions.cannot_authorise_message(resolution_part.kind, Power.APPROVE_WAIVER)}
        )
    waiver = Waiver(
        service=service.strip(),
        service_area=service_area,
        contract=contract,
        reason=reason.strip(),
        start_date=start_date,
        term=term,
        value=value,
        approver=approver.strip(),
        approved_on=approved_on,
        resolution_part=resolution_part,
        officer_decision=officer_decision,
    )
    waiver.full_clean()
    waiver.save()
    return waiver
