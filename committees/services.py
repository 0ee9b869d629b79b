"""Writes to the committee record.

Keyword-only, atomic and validated before saving: a `ValidationError` (keyed
by field where there is one) leaves the database as it was.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from commissioning.core import uploads, versioning
from commissioning.core.formatting import format_day
from commissioning.core.search import index_refresh
from committees import attendance, decisions, search_index
from committees import call_in as call_in_rules
from committees.decisions import Power
from committees.models import (
    Action,
    AgendaItem,
    Attendance,
    CallIn,
    Committee,
    CommitteeMembership,
    ContractLink,
    Declaration,
    Delegation,
    ForwardPlanEntry,
    Meeting,
    Member,
    OfficerDecision,
    OfficerPresent,
    Report,
    ReportFile,
    ResolutionPart,
    meetings_after,
)
from contracts import services as contract_services
from contracts.models import Contract, ContractOption, MonitoringRecord, Organisation, Provider
from contracts.terms import OptionStatus


def _saved(instance, *, refusal: ValidationError | None = None):
    """Validate and save. `refusal` is the error for a uniqueness rule that
    full_clean checked but a concurrent save broke before this one."""
    instance.full_clean()
    if refusal is None:
        instance.save()
        return instance
    return versioning.save_or_refuse(instance, refusal=refusal)


# --- committees and meetings ---------------------------------------------------


@transaction.atomic
def committee_create(*, council: Organisation, name: str, kind: str, quorum: int = 3) -> Committee:
    return _saved(
        Committee(council=council, name=" ".join(name.split()), kind=kind, quorum=quorum),
        refusal=ValidationError({"name": "This council already has a committee with this name."}),
    )


@transaction.atomic(durable=True)
def committee_update(
    *, committee: Committee, name: str, kind: str, quorum: int, version: int | None = None
) -> Committee:
    """Correct a committee's name, kind and quorum; its council stays. `version` is the
    version the edit form was read at: an older one raises `versioning.StaleEdit`. A
    change of kind that would change whether decisions already recorded at its
    meetings are subject to call-in is refused."""
    committee = versioning.lock_for_update(Committee, pk=committee.pk, version=version)
    _check_kind_change(committee, kind)
    name = " ".join(name.split())
    renamed = name != committee.name
    committee.version += 1
    committee.name = name
    committee.kind = kind
    committee.quorum = quorum
    _saved(committee, refusal=ValidationError({"name": "This council already has a committee with this name."}))
    if renamed:
        search_index.committee_refresh(committee)
    return committee


def _check_kind_change(committee: Committee, kind: str) -> None:
    """Whether a decision can be called in follows from the kind of committee that
    took it (`committees.decisions`): a new kind may not rewrite that for decisions
    already recorded, nor leave call-ins considered by a committee that cannot consider them."""
    if kind == committee.kind:
        return
    labels = dict(Committee.Kind.choices)
    change = f"The kind cannot change from “{labels[committee.kind]}” to “{labels.get(kind, kind)}”"
    recorded = (
        ResolutionPart.objects.filter(item__meeting__committee=committee).order_by().values_list("kind", flat=True)
    )
    for part_kind in recorded.distinct():
        was = decisions.is_subject_to_call_in(committee_kind=committee.kind, part_kind=part_kind)
        if was != decisions.is_subject_to_call_in(committee_kind=kind, part_kind=part_kind):
            now = "are subject to call-in, and would not be" if was else "are not subject to call-in, and would be"
            raise ValidationError(
                {"kind": f"{change}: decisions recorded at its meetings {now}. Add a new committee for the new kind."}
            )
    if (
        kind not in call_in_rules.SCRUTINY_COMMITTEES
        and CallIn.objects.filter(scrutiny_meeting__committee=committee).exists()
    ):
        raise ValidationError(
            {"kind": f"{change}: call-ins are considered at its meetings, which only a scrutiny committee does."}
        )


@transaction.atomic
def meeting_create(
    *,
    committee: Committee,
    starts_at: datetime,
    venue: str = "",
    status: str = Meeting.Status.SCHEDULED,
    agenda_published_on: date | None = None,
    decisions_published_on: date | None = None,
) -> Meeting:
    meeting = Meeting(committee=committee)
    return _meeting_save(
        meeting,
        starts_at=starts_at,
        venue=venue,
        status=status,
        agenda_published_on=agenda_published_on,
        decisions_published_on=decisions_published_on,
    )


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    starts_at: datetime,
    venue: str,
    status: str,
    agenda_published_on: date | None,
    decisions_published_on: date | None,
    version: int | None = None,
) -> Meeting:
    """`version` is the version the edit form was read at: an older one raises `versioning.StaleEdit`."""
    meeting = versioning.lock_for_update(Meeting, pk=meeting.pk, version=version)
    meeting.version += 1
    meeting = _meeting_save(
        meeting,
        starts_at=starts_at,
        venue=venue,
        status=status,
        agenda_published_on=agenda_published_on,
        decisions_published_on=decisions_published_on,
    )
    search_index.meeting_refresh(meeting)
    return meeting


def _meeting_save(meeting: Meeting, **values) -> Meeting:
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting_day = timezone.localtime(meeting.starts_at).date()
    if meeting.agenda_published_on and meeting.agenda_published_on > meeting_day:
        raise ValidationError({"agenda_published_on": "The agenda cannot be published after the meeting."})
    if meeting.decisions_published_on and meeting.decisions_published_on < meeting_day:
        raise ValidationError({"decisions_published_on": "Decisions cannot be published before the meeting."})
    return _saved(meeting)


@transaction.atomic
def minutes_approve(*, meeting: Meeting, at_meeting: Meeting) -> Meeting:
    """Record that `at_meeting` approved the minutes of `meeting`: it must be the
    next meeting of the same committee."""
    if at_meeting.committee_id != meeting.committee_id:
        raise ValidationError("Minutes are approved at a meeting of the same committee.")
    following = meetings_after(meeting.committee, meeting.starts_at).first()
    if following is None or following.pk != at_meeting.pk:
        raise ValidationError("Minutes are approved at the next meeting of the same committee.")
    meeting.minutes_approved_at = at_meeting
    meeting.save(update_fields=["minutes_approved_at"])
    return meeting


# --- reports ------------------------------------------------------------------

DUPLICATE_REPORT = "This council already has a report with this reference."


@transaction.atomic
def report_create(
    *,
    council: Organisation,
    reference: str,
    title: str,
    kind: str = Report.Kind.OTHER,
    gateway_number: int | None = None,
    author: str = "",
    author_role: str = "",
    report_date: date | None = None,
    is_exempt: bool = False,
    exempt_paragraph: str = "",
    exempt_reason: str = "",
    contracts: Sequence[Contract] = (),
    monitoring_records: Sequence[MonitoringRecord] | None = None,
) -> Report:
    report = Report(council=council)
    return _report_save(
        report,
        reference=reference.strip(),
        title=title.strip(),
        kind=kind,
        gateway_number=gateway_number,
        author=author,
        author_role=author_role,
        report_date=report_date,
        is_exempt=is_exempt,
        exempt_paragraph=exempt_paragraph,
        exempt_reason=exempt_reason,
        contracts=contracts,
        monitoring_records=monitoring_records,
    )


@transaction.atomic
def report_update(*, report: Report, version: int | None = None, **values) -> Report:
    """`version` is the version the edit form was read at: an older one raises `versioning.StaleEdit`."""
    report = versioning.lock_for_update(Report, pk=report.pk, version=version)
    report.version += 1
    return _report_save(report, **values)


def _report_save(
    report: Report,
    *,
    contracts: Sequence[Contract],
    monitoring_records: Sequence[MonitoringRecord] | None = None,
    **values,
) -> Report:
    """`monitoring_records` None keeps those the report considered (none for a new one)."""
    if monitoring_records is None:
        monitoring_records = list(report.monitoring_records.select_related("contract")) if report.pk else []
    for name, value in values.items():
        setattr(report, name, value)
    if report.kind != Report.Kind.GATEWAY:
        report.gateway_number = None
    elif report.gateway_number is None:
        raise ValidationError({"gateway_number": "A gateway report needs its gateway number."})
    _clear_exemption(report)
    if Report.objects.filter(council=report.council, reference=report.reference).exclude(pk=report.pk).exists():
        # Said next to the field; the database's unique constraint is the backstop.
        raise ValidationError({"reference": DUPLICATE_REPORT})
    chosen = {contract.pk for contract in contracts}
    if strays := sorted(
        {record.contract.reference for record in monitoring_records if record.contract_id not in chosen}
    ):
        raise ValidationError(
            {
                "monitoring_records": "A report considers the monitoring of its own contracts: add "
                + ", ".join(strays)
                + " to its contracts, or leave that monitoring out."
            }
        )
    _saved(report, refusal=ValidationError({"reference": DUPLICATE_REPORT}))
    report.contracts.set(contracts)
    report.monitoring_records.set(monitoring_records)
    index_refresh(search_index.REPORT, [report.pk])
    return report


def _clear_exemption(record: Report | ReportFile | AgendaItem) -> None:
    """Nothing exempt: no paragraph, no public interest test."""
    record.exempt_reason = record.exempt_reason.strip()
    if not record.is_exempt:
        record.exempt_paragraph = record.exempt_reason = ""


def report_file_add(
    *, report: Report, title: str, file, is_exempt: bool = False, exempt_paragraph: str = "", exempt_reason: str = ""
) -> ReportFile:
    """Store `file` with the report, marked exempt or not. The stored file is
    deleted again if this save, or the transaction it runs in, rolls back."""
    with uploads.atomic_with_files():
        report_file = ReportFile(
            report=report,
            title=title.strip() or PurePath(file.name).name,
            file=file,
            is_exempt=is_exempt,
            exempt_paragraph=exempt_paragraph,
            exempt_reason=exempt_reason,
        )
        _clear_exemption(report_file)
        report_file.full_clean()
        uploads.store(report_file.file)
        report_file.save()
        return report_file


# --- agenda items and what was resolved -------------------------------------------


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    number: str,
    title: str,
    report: Report | None = None,
    minutes: str = "",
    is_exempt: bool = False,
    exempt_paragraph: str = "",
    exempt_reason: str = "",
) -> AgendaItem:
    _check_report_council(meeting, report)
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(
        meeting=meeting,
        number=number.strip(),
        title=title.strip(),
        report=report,
        minutes=minutes,
        is_exempt=is_exempt,
        exempt_paragraph=exempt_paragraph,
        exempt_reason=exempt_reason,
        position=last + 1,
    )
    _clear_exemption(item)
    _saved(item, refusal=ValidationError({"number": DUPLICATE_ITEM}))
    index_refresh(search_index.MINUTES, [item.pk])
    # A report is ranked by the last meeting that considered it.
    index_refresh(search_index.REPORT, [report.pk] if report else [])
    return item


@transaction.atomic
def agenda_item_update(
    *,
    item: AgendaItem,
    number: str,
    title: str,
    report: Report | None,
    minutes: str,
    is_exempt: bool = False,
    exempt_paragraph: str = "",
    exempt_reason: str = "",
    version: int | None = None,
) -> AgendaItem:
    """`version` is the version the edit form was read at: an older one raises `versioning.StaleEdit`."""
    item = versioning.lock_for_update(AgendaItem, pk=item.pk, version=version)
    _check_report_council(item.meeting, report)
    reports = {item.report_id, report.pk if report else None} - {None}
    item.number, item.title, item.report, item.minutes = number.strip(), title.strip(), report, minutes
    item.is_exempt, item.exempt_paragraph, item.exempt_reason = is_exempt, exempt_paragraph, exempt_reason
    _clear_exemption(item)
    item.version += 1
    _saved(item, refusal=ValidationError({"number": DUPLICATE_ITEM}))
    index_refresh(search_index.MINUTES, [item.pk])
    # Its parts show its number and title; its reports, old and new, the meetings that considered them.
    index_refresh(search_index.RESOLUTION, item.parts.values_list("pk", flat=True))
    index_refresh(search_index.REPORT, reports)
    return item


DUPLICATE_ITEM = "This meeting already has an item with this number."


def _check_report_council(meeting: Meeting, report: Report | None) -> None:
    if report is not None and report.council_id != meeting.committee.council_id:
        raise ValidationError({"report": "That report belongs to another council."})


@dataclass(frozen=True)
class DelegationInput:
    to_whom: str
    scope: str
    in_consultation_with: str = ""
    condition: str = ""
    expires_on: date | None = None


@dataclass(frozen=True)
class ActionInput:
    text: str
    owner: str
    due_on: date


@dataclass(frozen=True)
class LinkInput:
    contract: Contract
    effect: str
    option: ContractOption | None = None


@transaction.atomic
def resolution_part_add(
    *,
    meeting: Meeting,
    item: AgendaItem,
    number: str,
    kind: str,
    text: str,
    recommended_to: Committee | None = None,
    takes_up: ResolutionPart | None = None,
    is_key_decision: bool = False,
    is_urgent: bool = False,
    delegation: DelegationInput | None = None,
    actions: Sequence[ActionInput] = (),
    links: Sequence[LinkInput] = (),
    replace_authority: bool = False,
) -> ResolutionPart:
    """Add a numbered part to what was RESOLVED on `item`, with the delegation,
    actions and contract links that go with it, all or nothing. A link that
    exercises or declines an option already decided is refused unless
    `replace_authority` confirms it (see `_link_add`)."""
    if item.meeting_id != meeting.pk:
        raise ValidationError({"item": f"Item {item.number} belongs to another meeting, not this one."})
    if kind == ResolutionPart.Kind.RECOMMEND and recommended_to is None:
        raise ValidationError({"recommended_to": "Say which decision maker the recommendation goes to."})
    if kind != ResolutionPart.Kind.RECOMMEND:
        recommended_to = None
    if kind == ResolutionPart.Kind.DELEGATE and delegation is None:
        raise ValidationError({"delegation": "Say to whom authority is delegated and what for."})
    if delegation is not None and kind != ResolutionPart.Kind.DELEGATE:
        raise ValidationError({"kind": "Only a part that delegates can carry a delegation."})
    if takes_up is not None:
        _check_takes_up(meeting, takes_up)
    last = item.parts.aggregate(last=Max("position"))["last"] or 0
    part = _saved(
        ResolutionPart(
            item=item,
            number=number.strip(),
            position=last + 1,
            kind=kind,
            text=text.strip(),
            recommended_to=recommended_to,
            takes_up=takes_up,
            is_key_decision=is_key_decision,
            is_urgent=is_urgent,
        ),
        refusal=ValidationError({"number": f"Item {item.number} already has a part {number.strip()}."}),
    )
    if delegation is not None:
        if delegation.expires_on and delegation.expires_on < meeting.date:
            raise ValidationError({"expires_on": "A delegation cannot expire before the meeting that makes it."})
        _saved(
            Delegation(
                resolution_part=part,
                to_whom=delegation.to_whom.strip(),
                in_consultation_with=delegation.in_consultation_with.strip(),
                scope=delegation.scope.strip(),
                condition=delegation.condition.strip(),
                expires_on=delegation.expires_on,
            )
        )
    for action in actions:
        action_add(part=part, text=action.text, owner=action.owner, due_on=action.due_on)
    for link in links:
        _link_add(
            decision=part,
            contract=link.contract,
            effect=link.effect,
            option=link.option,
            replace_authority=replace_authority,
        )
    index_refresh(search_index.RESOLUTION, [part.pk])
    return part


def _check_takes_up(meeting: Meeting, recommendation: ResolutionPart) -> None:
    if recommendation.kind != ResolutionPart.Kind.RECOMMEND:
        raise ValidationError({"takes_up": "Only a recommendation can be taken up."})
    if recommendation.recommended_to_id != meeting.committee_id:
        raise ValidationError(
            {"takes_up": f"That recommendation went to {recommendation.recommended_to}, not {meeting.committee}."}
        )
    if recommendation.item.meeting.starts_at > meeting.starts_at:
        raise ValidationError({"takes_up": "A recommendation cannot be taken up before it is made."})


@transaction.atomic
def action_add(*, part: ResolutionPart, text: str, owner: str, due_on: date) -> Action:
    meeting_day = part.item.meeting.date
    if due_on < meeting_day:
        raise ValidationError({"due_on": f"An action cannot be due before its meeting ({format_day(meeting_day)})."})
    return _saved(Action(resolution_part=part, text=text.strip(), owner=owner.strip(), due_on=due_on))


@transaction.atomic
def action_set_status(*, action: Action, status: str, today: date) -> Action:
    action.status = status
    action.completed_on = today if status == Action.Status.DONE else None
    return _saved(action)


# --- officer decisions and links to contracts ---------------------------------------


def decision_date(decision: ResolutionPart | OfficerDecision) -> date:
    if isinstance(decision, OfficerDecision):
        return decision.decided_on
    return decision.item.meeting.date


# Decisions recorded in the register; a lapse is not a decision but a consequence of the date.
_DECIDED = frozenset({OptionStatus.EXERCISED, OptionStatus.DECLINED})


def _describe(decision: ResolutionPart | OfficerDecision) -> str:
    if isinstance(decision, OfficerDecision):
        return f"the officer decision of {format_day(decision.decided_on)} by {decision.decision_maker}"
    meeting = decision.item.meeting
    return f"{meeting.committee}, {format_day(meeting.date)}, item {decision.item.number} ({decision.number})"


def _is_same_decision(link: ContractLink, decision: ResolutionPart | OfficerDecision) -> bool:
    if isinstance(decision, OfficerDecision):
        return link.officer_decision_id == decision.pk
    return link.resolution_part_id == decision.pk


def _carries_out(decision: ResolutionPart | OfficerDecision, link: ContractLink) -> bool:
    """Whether `decision` is the officer decision taken under the delegation made by
    the part behind `link`: the next step of the same chain, not a replacement."""
    return (
        isinstance(decision, OfficerDecision)
        and decision.delegation_id is not None
        and link.resolution_part_id is not None
        and decision.delegation.resolution_part_id == link.resolution_part_id
    )


def _link_add(
    *,
    decision: ResolutionPart | OfficerDecision,
    contract: Contract,
    effect: str,
    option: ContractOption | None,
    replace_authority: bool,
    decided_here: bool = False,
) -> ContractLink:
    if option is not None and option.contract_id != contract.pk:
        raise ValidationError({"option": f"That option belongs to another contract, not {contract.reference}."})
    option_effects = {ContractLink.Effect.EXERCISE_OPTION, ContractLink.Effect.DECLINE_OPTION}
    superseded: list[ContractLink] = []
    if option is not None and effect in option_effects:
        if isinstance(decision, ResolutionPart) and not decisions.can_authorise(decision.kind, Power.DECIDE_OPTION):
            raise ValidationError({"kind": decisions.cannot_authorise_message(decision.kind, Power.DECIDE_OPTION)})
        current = list(
            ContractLink.objects.filter(option=option, effect__in=option_effects, superseded_by__isnull=True)
            .select_related("resolution_part__item__meeting__committee", "officer_decision")
            .order_by("pk")
        )
        same = next((link for link in current if _is_same_decision(link, decision) and link.effect == effect), None)
        if same is not None:
            return same  # already recorded: recording it again changes nothing
        superseded = [link for link in current if not _carries_out(decision, link)]
        option.refresh_from_db(fields=["status", "decided_on"])
        # `decided_here`: the register decision was made by the same call (option_decide).
        already_decided = not decided_here and option.status in _DECIDED
        if (superseded or already_decided) and not replace_authority:
            raise ValidationError(
                {"replace_authority": _already_recorded(option, superseded, decided_here=decided_here)}
            )
    link = ContractLink(contract=contract, effect=effect, option=option)
    if isinstance(decision, OfficerDecision):
        link.officer_decision = decision
    else:
        link.resolution_part = decision
    _saved(link)
    for old in superseded:
        # Kept, with what replaced it, so the history of the option's authority stays on the record.
        old.superseded_by = link
        old.save(update_fields=["superseded_by"])
    return link


def _already_recorded(option: ContractOption, current: list[ContractLink], *, decided_here: bool) -> str:
    name = f"Option {option.order} of {option.contract.reference}"
    if option.status in _DECIDED and not decided_here:
        when = f" on {format_day(option.decided_on)}" if option.decided_on else ""
        what = f"{name} was already {option.status}{when}"
    else:
        what = f"{name} already has a decision recorded"
    if current:
        what += ", authorised by " + "; ".join(_describe(link.decision) for link in current)
    elif option.status in _DECIDED and not decided_here:
        what += ", with no authorising decision recorded"
    return (
        f"{what}. Tick “Replace the recorded authority” to record this decision as its authority; "
        "the earlier record is kept in its history."
    )


@transaction.atomic
def officer_decision_record(
    *,
    decision_maker: str,
    decided_on: date,
    text: str,
    today: date,
    delegation: Delegation | None = None,
    published_on: date | None = None,
    reasons: str = "",
    alternatives_rejected: str = "",
    conflicts_of_interest: str = "",
    dispensations: str = "",
    is_key_decision: bool = False,
    links: Sequence[LinkInput] = (),
    replace_authority: bool = False,
) -> OfficerDecision:
    """Record an officer decision; under a delegation, this is what marks the
    delegation used. The record the Openness of Local Government Bodies
    Regulations 2014 (reg 7) ask for needs its reasons and the alternatives
    rejected; conflicts of interest and dispensations are blank when none. A key
    decision is checked against the forward plan (`selectors.key_decisions_without_notice`)."""
    if decided_on > today:
        raise ValidationError({"decided_on": "A decision cannot be dated in the future."})
    missing = {}
    if not reasons.strip():
        missing["reasons"] = "Give the reasons for the decision."
    if not alternatives_rejected.strip():
        missing["alternatives_rejected"] = (
            "Say which alternatives were considered and rejected, and why (or “None considered”)."
        )
    if missing:
        raise ValidationError(missing)
    if published_on is not None and published_on < decided_on:
        raise ValidationError({"published_on": "A decision cannot be published before it is taken."})
    if delegation is not None and (
        refusal := call_in_rules.implementation_refusal(delegation.resolution_part, today=today)
    ):
        raise ValidationError({"delegation": refusal})
    decision = _officer_decision_save(
        decision_maker=decision_maker,
        decided_on=decided_on,
        text=text,
        delegation=delegation,
        published_on=published_on,
        reasons=reasons.strip(),
        alternatives_rejected=alternatives_rejected.strip(),
        conflicts_of_interest=conflicts_of_interest.strip(),
        dispensations=dispensations.strip(),
        is_key_decision=is_key_decision,
    )
    for link in links:
        _link_add(
            decision=decision,
            contract=link.contract,
            effect=link.effect,
            option=link.option,
            replace_authority=replace_authority,
        )
    index_refresh(search_index.OFFICER_DECISION, [decision.pk])
    return decision


def _officer_decision_save(
    *,
    decision_maker: str,
    decided_on: date,
    text: str,
    delegation: Delegation | None,
    published_on: date | None,
    is_key_decision: bool = False,
    **record: str,
) -> OfficerDecision:
    if delegation is not None:
        delegated_on = delegation.resolution_part.item.meeting.date
        if decided_on < delegated_on:
            raise ValidationError(
                {"decided_on": f"The delegation was only made on {format_day(delegated_on)}, after this decision."}
            )
        if delegation.expires_on and decided_on > delegation.expires_on:
            raise ValidationError({"decided_on": f"The delegation expired on {format_day(delegation.expires_on)}."})
    return _saved(
        OfficerDecision(
            decision_maker=decision_maker.strip(),
            decided_on=decided_on,
            text=text.strip(),
            delegation=delegation,
            published_on=published_on,
            is_key_decision=is_key_decision,
            **record,
        )
    )


@transaction.atomic
def option_decide(
    *,
    option: ContractOption,
    exercise: bool,
    decided_by: str,
    decided_on: date,
    note: str = "",
    authority: ResolutionPart | OfficerDecision | None = None,
    replace_authority: bool = False,
    today: date,
) -> ContractOption:
    """Exercise or decline an option in the register and link the decision that
    authorised it, together. Citing a part that delegated records the officer
    decision taken under that delegation (so the delegation is used) and links
    it; citing an officer decision links that one. Without an authority the
    option is recorded but flagged on the contract as unauthorised."""
    if isinstance(authority, ResolutionPart) and not decisions.can_authorise(authority.kind, Power.DECIDE_OPTION):
        raise ValidationError({"authority": decisions.cannot_authorise_message(authority.kind, Power.DECIDE_OPTION)})
    if authority is not None and decision_date(authority) > decided_on:
        raise ValidationError(
            {
                "authority": f"That decision was taken on {format_day(decision_date(authority))}, after {format_day(decided_on)}."
            }
        )
    # A decision called in, or still in its call-in period, cannot be implemented yet.
    if refusal := call_in_rules.implementation_refusal(authority, today=today):
        raise ValidationError({"authority": refusal})
    effect = ContractLink.Effect.EXERCISE_OPTION if exercise else ContractLink.Effect.DECLINE_OPTION
    delegation = (
        Delegation.objects.filter(resolution_part=authority).first() if isinstance(authority, ResolutionPart) else None
    )
    if delegation is not None:
        verb = "Exercised" if exercise else "Declined"
        authority = _officer_decision_save(
            decision_maker=decided_by,
            decided_on=decided_on,
            text=note.strip()
            or f"{verb} option {option.order} of {option.contract.reference} under the delegation to {delegation.to_whom}.",
            delegation=delegation,
            published_on=None,
        )
    decide = contract_services.option_exercise if exercise else contract_services.option_decline
    option = decide(option=option, decided_by=decided_by, decided_on=decided_on, note=note, today=today)
    if authority is not None:
        _link_add(
            decision=authority,
            contract=option.contract,
            effect=effect,
            option=option,
            replace_authority=replace_authority,
            decided_here=True,
        )
    return option


# --- Changes to contracts and fee uplifts, with the decisions that authorised them -------------


def _check_change_authority(decision: ResolutionPart | OfficerDecision | None, *, today: date) -> None:
    if decision is None:
        raise ValidationError({"authority": "Choose the decision that authorised the change."})
    if isinstance(decision, ResolutionPart) and not decisions.can_authorise(decision.kind, Power.CHANGE_CONTRACT):
        raise ValidationError({"authority": decisions.cannot_authorise_message(decision.kind, Power.CHANGE_CONTRACT)})
    if decision_date(decision) > today:
        raise ValidationError({"authority": "That decision is dated after today."})
    if refusal := call_in_rules.implementation_refusal(decision, today=today):
        raise ValidationError({"authority": refusal})


def _change_link(decision: ResolutionPart | OfficerDecision, change) -> ContractLink:
    link = ContractLink(contract=change.contract, effect=ContractLink.Effect.CHANGE_CONTRACT, change=change)
    if isinstance(decision, OfficerDecision):
        link.officer_decision = decision
    else:
        link.resolution_part = decision
    return _saved(link)


@transaction.atomic
def contract_change_authorise(
    *,
    contract: Contract,
    authority: ResolutionPart | OfficerDecision | None,
    today: date,
    **change,
):
    """Record a change to a contract (`contracts.services.contract_change_record`,
    whose refusals stand) with the decision that authorised it, together."""
    _check_change_authority(authority, today=today)
    recorded = contract_services.contract_change_record(contract=contract, **change)
    _change_link(authority, recorded)
    return recorded


@transaction.atomic
def fee_uplift_decide(
    *,
    authority: ResolutionPart | OfficerDecision | None,
    today: date,
    **uplift,
):
    """Apply a fee uplift (`contracts.services.fee_uplift_apply`) with the decision
    that authorised it linked to each contract's change, all together. Returns the
    uplift and the plan it applied."""
    _check_change_authority(authority, today=today)
    saved, plan = contract_services.fee_uplift_apply(**uplift)
    for change in saved.changes.select_related("contract"):
        _change_link(authority, change)
    return saved, plan


@transaction.atomic
def fee_uplift_reverse(*, uplift, today: date, reason: str):
    """Reverse a fee uplift before it takes effect (`contracts.services.fee_uplift_reverse`):
    its links to the authorising decision go with its changes; history keeps both."""
    ContractLink.objects.filter(change__uplift=uplift).delete()
    return contract_services.fee_uplift_reverse(uplift=uplift, today=today, reason=reason)


@transaction.atomic
def contract_change_withdraw(*, change, today: date) -> None:
    """Withdraw a change before it takes effect, with its link to its decision."""
    if change.effective_on > today and change.uplift_id is None:
        ContractLink.objects.filter(change=change).delete()
    contract_services.contract_change_withdraw(change=change, today=today)


# --- Call-in (issue 13, slice "callin") ----------------------------------------------------------


def _check_scrutiny_meeting(call_in: CallIn, meeting: Meeting | None) -> None:
    if meeting is None:
        return
    part_meeting = call_in.resolution_part.item.meeting
    if meeting.committee.kind not in call_in_rules.SCRUTINY_COMMITTEES:
        raise ValidationError({"scrutiny_meeting": f"{meeting.committee} is not an overview and scrutiny committee."})
    if meeting.committee.council_id != part_meeting.committee.council_id:
        raise ValidationError({"scrutiny_meeting": "That meeting belongs to another council."})
    if meeting.date < call_in.requested_on:
        raise ValidationError(
            {
                "scrutiny_meeting": f"That meeting was on {format_day(meeting.date)}, before the call-in "
                f"of {format_day(call_in.requested_on)}."
            }
        )


def _check_signers(part: ResolutionPart, members: Sequence[Member]) -> None:
    council = part.item.meeting.committee.council
    strangers = [member.name for member in members if member.council_id != council.pk]
    if strangers:
        verb = "is a member" if len(strangers) == 1 else "are members"
        raise ValidationError(
            {
                "members": f"{call_in_rules.signers_text(strangers)} {verb} of another council: only "
                f"councillors of {council} can call in its decisions."
            }
        )


def _requested_by_text(requested_by: str, members: Sequence[Member]) -> str:
    """The text printed: as typed, or, left blank, the names of the members chosen."""
    text = " ".join(requested_by.split()) or call_in_rules.signers_text([member.name for member in members])
    if not text:
        raise ValidationError(
            {"requested_by": "Say which councillors called it in: type their names or choose them from the list."}
        )
    return text


@transaction.atomic
def call_in_request(
    *,
    part: ResolutionPart,
    requested_by: str,
    requested_on: date,
    reasons: str,
    today: date,
    scrutiny_meeting: Meeting | None = None,
    members: Sequence[Member] = (),
) -> CallIn:
    """Record councillors' call-in of `part`: refused outside its call-in period.
    `members` are the council's members who signed; `requested_by` left blank is
    filled with their names."""
    if requested_on > today:
        raise ValidationError({"requested_on": "A call-in cannot be dated in the future."})
    call_in_rules.check_call_in_window(part, requested_on=requested_on)
    if CallIn.objects.filter(resolution_part=part).exists():
        raise ValidationError(DUPLICATE_CALL_IN)
    members = list(members)
    _check_signers(part, members)
    call_in = CallIn(
        resolution_part=part,
        requested_by=_requested_by_text(requested_by, members),
        requested_on=requested_on,
        reasons=reasons.strip(),
        scrutiny_meeting=scrutiny_meeting,
    )
    _check_scrutiny_meeting(call_in, scrutiny_meeting)
    call_in = _saved(call_in, refusal=ValidationError(DUPLICATE_CALL_IN))
    call_in.members.set(members)
    return call_in


DUPLICATE_CALL_IN = "This decision has already been called in."


@transaction.atomic
def call_in_resolve(
    *,
    call_in: CallIn,
    scrutiny_meeting: Meeting | None,
    outcome: str,
    outcome_on: date | None,
    today: date,
    requested_by: str | None = None,
    reasons: str | None = None,
    members: Sequence[Member] | None = None,
    version: int | None = None,
) -> CallIn:
    """Record the scrutiny meeting that considers the call-in and, once it has, the
    outcome with its date; `requested_by`, `reasons` and the `members` who signed
    (None keeps them) correct the request. `version` is the version the form was read at."""
    call_in = versioning.lock_for_update(CallIn, pk=call_in.pk, version=version)
    if members is not None:
        members = list(members)
        _check_signers(call_in.resolution_part, members)
    if requested_by is not None:
        signers = members if members is not None else list(call_in.members.all())
        call_in.requested_by = _requested_by_text(requested_by, signers)
    if reasons is not None:
        call_in.reasons = reasons.strip()
    _check_scrutiny_meeting(call_in, scrutiny_meeting)
    if bool(outcome) != (outcome_on is not None):
        key = "outcome_on" if outcome else "outcome"
        raise ValidationError({key: "Give the outcome together with the day it was decided."})
    if outcome:
        if scrutiny_meeting is None:
            raise ValidationError({"scrutiny_meeting": "Say which scrutiny meeting considered the call-in."})
        if outcome_on > today:
            raise ValidationError({"outcome_on": "An outcome cannot be dated in the future."})
        if outcome_on < scrutiny_meeting.date:
            raise ValidationError(
                {"outcome_on": f"The scrutiny meeting was on {format_day(scrutiny_meeting.date)}, after this day."}
            )
    call_in.scrutiny_meeting, call_in.outcome, call_in.outcome_on = scrutiny_meeting, outcome, outcome_on
    call_in.version += 1
    call_in = _saved(call_in)
    if members is not None:
        call_in.members.set(members)
    return call_in


# --- attendance and declarations of interest (issue 13, slice "attend") -------------------------


@dataclass(frozen=True)
class SubstituteInput:
    member: Member
    substitute_for: Member


@dataclass(frozen=True)
class OfficerInput:
    name: str
    role: str


@transaction.atomic
def member_create(*, council: Organisation, name: str, party: str = "") -> Member:
    return _saved(
        Member(council=council, name=" ".join(name.split()), party=" ".join(party.split())),
        refusal=ValidationError({"name": "This council already has a member with this name."}),
    )


@transaction.atomic
def membership_add(
    *, member: Member, committee: Committee, role: str, from_date: date, to_date: date | None = None
) -> CommitteeMembership:
    overlapping = CommitteeMembership.objects.filter(member=member, committee=committee).filter(
        Q(to_date__isnull=True) | Q(to_date__gte=from_date)
    )
    if to_date is not None:
        overlapping = overlapping.filter(from_date__lte=to_date)
    if overlapping.exists():
        raise ValidationError({"from_date": f"{member.name} already sits on {committee.name} in these dates."})
    return _saved(
        CommitteeMembership(member=member, committee=committee, role=role, from_date=from_date, to_date=to_date)
    )


@transaction.atomic(durable=True)
def membership_end(*, membership: CommitteeMembership, to_date: date) -> CommitteeMembership:
    """End a membership that still runs, on `to_date` (its last day on the
    committee). Not before it began, and not before a meeting of the committee
    at which the member is recorded in their own seat: that attendance would
    no longer belong to a member."""
    membership = (
        CommitteeMembership.objects.select_for_update().select_related("member", "committee").get(pk=membership.pk)
    )
    if membership.to_date == to_date:
        # Sent twice (a double click): the first ended it.
        return membership
    if membership.to_date is not None:
        raise ValidationError(
            {"to_date": f"This membership already ended on {format_day(membership.to_date)}."}, code="ended"
        )
    if to_date < membership.from_date:
        raise ValidationError(
            {"to_date": f"A membership cannot end before it began, on {format_day(membership.from_date)}."}
        )
    later = (
        Attendance.objects.filter(
            member_id=membership.member_id,
            substitute_for__isnull=True,
            meeting__committee_id=membership.committee_id,
            meeting__starts_at__date__gt=to_date,
        )
        .select_related("meeting")
        .order_by("-meeting__starts_at")
        .first()
    )
    if later is not None:
        raise ValidationError(
            {
                "to_date": f"{membership.member.name} is recorded at the meeting of "
                f"{format_day(later.meeting.date)}, after this day. End the membership on or after "
                "that day, or correct that meeting's attendance first."
            }
        )
    membership.to_date = to_date
    return _saved(membership)


def attendance_rows(meeting: Meeting) -> list[tuple]:
    """The meeting's attendance as plain values, for `attendance.fingerprint`."""
    members = Attendance.objects.filter(meeting=meeting).values_list("member_id", "status", "substitute_for_id")
    officers = OfficerPresent.objects.filter(meeting=meeting).values_list("name", "role")
    return [("member", *row) for row in members] + [("officer", *row) for row in officers]


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    read_as: str | None,
    present: Sequence[Member],
    apologies: Sequence[Member],
    substitutes: Sequence[SubstituteInput] = (),
    officers: Sequence[OfficerInput] = (),
) -> None:
    """Replace the meeting's attendance: members present in their own seats, members who
    sent apologies, substitutes present in place of a member who sent apologies, and
    the officers present. `read_as` is the fingerprint the form was read at (None skips
    the check); a form read before another save is refused."""
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    if read_as is not None and read_as != attendance.fingerprint(attendance_rows(meeting)):
        raise ValidationError(
            "Someone else saved the attendance while you were editing it. Your changes are below; "
            "check them and save again.",
            code="stale",
        )
    council_id = meeting.committee.council_id
    seen: dict[int, str] = {}
    errors = []
    for member in [*present, *apologies, *(sub.member for sub in substitutes)]:
        if member.council_id != council_id:
            errors.append(f"{member.name} is not a member of {meeting.committee.council}.")
        elif member.pk in seen:
            errors.append(f"{member.name} is recorded twice.")
        seen[member.pk] = member.name
    apologised = {member.pk for member in apologies}
    replaced = set()
    for sub in substitutes:
        if sub.substitute_for.pk not in apologised:
            errors.append(
                f"{sub.member.name} can substitute only for a member who sent apologies; "
                f"record apologies from {sub.substitute_for.name} first."
            )
        elif sub.substitute_for.pk in replaced:
            errors.append(f"{sub.substitute_for.name} has two substitutes.")
        replaced.add(sub.substitute_for.pk)
    if errors:
        raise ValidationError(errors)

    Attendance.objects.filter(meeting=meeting).delete()
    OfficerPresent.objects.filter(meeting=meeting).delete()
    rows = [Attendance(meeting=meeting, member=member, status=Attendance.Status.PRESENT) for member in present]
    rows += [Attendance(meeting=meeting, member=member, status=Attendance.Status.APOLOGIES) for member in apologies]
    rows += [
        Attendance(
            meeting=meeting, member=sub.member, status=Attendance.Status.PRESENT, substitute_for=sub.substitute_for
        )
        for sub in substitutes
    ]
    for row in rows:
        row.full_clean(exclude=["meeting", "member", "substitute_for"])
        row.save()
    for position, officer in enumerate(officers):
        _saved(
            OfficerPresent(
                meeting=meeting,
                name=" ".join(officer.name.split()),
                role=" ".join(officer.role.split()),
                position=position,
            )
        )


@transaction.atomic
def declaration_add(
    *,
    item: AgendaItem,
    member: Member,
    kind: str,
    description: str,
    provider: Provider | None = None,
    left_room: bool = False,
) -> Declaration:
    if member.council_id != item.meeting.committee.council_id:
        raise ValidationError({"member": f"{member.name} is not a member of {item.meeting.committee.council}."})
    return _saved(
        Declaration(
            item=item,
            member=member,
            kind=kind,
            description=description.strip(),
            provider=provider,
            left_room=left_room,
        )
    )


@transaction.atomic
def declaration_remove(*, declaration: Declaration) -> None:
    declaration.delete()


# --- forward plan of key decisions (issue 13, item 1) ------------------------------------------------


@transaction.atomic
def forward_plan_entry_create(
    *, council: Organisation, contracts: Sequence[Contract] = (), **values
) -> ForwardPlanEntry:
    """`values` are the entry's fields (see `ForwardPlanEntry`); `decision` a
    resolution part or an officer decision taken on it, or None."""
    return _forward_plan_save(ForwardPlanEntry(council=council), contracts=contracts, **values)


@transaction.atomic
def forward_plan_entry_update(
    *, entry: ForwardPlanEntry, version: int | None = None, contracts: Sequence[Contract], **values
) -> ForwardPlanEntry:
    """`version` is the version the edit form was read at: an older one raises `versioning.StaleEdit`."""
    entry = versioning.lock_for_update(ForwardPlanEntry, pk=entry.pk, version=version)
    entry.version += 1
    return _forward_plan_save(entry, contracts=contracts, **values)


def _forward_plan_save(
    entry: ForwardPlanEntry,
    *,
    contracts: Sequence[Contract],
    decision: ResolutionPart | OfficerDecision | None = None,
    **values,
) -> ForwardPlanEntry:
    for name, value in values.items():
        setattr(entry, name, value.strip() if isinstance(value, str) else value)
    entry.resolution_part = decision if isinstance(decision, ResolutionPart) else None
    entry.officer_decision = decision if isinstance(decision, OfficerDecision) else None
    if not entry.is_exempt:
        entry.exempt_paragraph = ""
    if entry.resolution_part and entry.resolution_part.item.meeting.committee.council_id != entry.council_id:
        raise ValidationError({"decision": "The decision must be one of the council's own."})
    _saved(entry)
    entry.contracts.set(contracts)
    return entry


# --- publishing an officer decision record --------------------------------------------------------


@transaction.atomic
def officer_decision_publish(*, decision: OfficerDecision, published_on: date, today: date) -> OfficerDecision:
    """Record the day an officer decision record was published (the Openness of Local
    Government Bodies Regulations 2014, reg 7). Refused, with the reason, for a day
    after today or before the decision, or a record already published."""
    decision = OfficerDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.published_on is not None:
        raise ValidationError(f"This record was published on {format_day(decision.published_on)}.")
    if published_on > today:
        raise ValidationError({"published_on": "A record cannot be published after today."})
    if published_on < decision.decided_on:
        raise ValidationError(
            {"published_on": f"A record is published once the decision is taken, on {format_day(decision.decided_on)}."}
        )
    decision.published_on = published_on
    decision.save(update_fields=["published_on"])
    return decision
