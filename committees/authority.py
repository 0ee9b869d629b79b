"""Reads that answer "which decision authorised this?" for a contract.

The contract page shows every decision linked to the contract with the chain
around it: the recommendation a decision took up, the delegation an officer
decision used and the resolution that made it. Query counts are fixed.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from commissioning.core import query
from commissioning.core.formatting import format_day
from committees import call_in as call_in_rules
from committees import clock, decisions
from committees.decisions import Power
from committees.models import CallIn, ContractLink, Delegation, OfficerDecision, ResolutionPart
from committees.selectors import part_call_in, working_days
from contracts.models import Contract, ContractOption
from contracts.terms import OptionStatus

_PART_PATH = "resolution_part__item__meeting__committee"
_DELEGATING_PART_PATH = "officer_decision__delegation__resolution_part__item__meeting__committee"


def contract_decision_links(*, contract: Contract, today: date | None = None) -> QuerySet[ContractLink]:
    """The decisions acting on `contract`, oldest first, each with its chain loaded
    (with `today`, a delegation's uses only up to that day).

    The link and its own decision come in one query; each step along the chain
    (the recommendation taken up, the delegation used, the decision that
    replaced it) in one more, none when no link takes it. One query joining
    every step costs PostgreSQL more to plan than the lot to run."""
    used_by = OfficerDecision.objects.order_by("decided_on")
    if today is not None:
        used_by = used_by.filter(decided_on__lte=today)
    part_of_meeting = ResolutionPart.objects.select_related("item__meeting__committee")
    return (
        ContractLink.objects.filter(contract=contract)
        .select_related(
            "option",
            "change",
            _PART_PATH,
            "resolution_part__item__report",
            "resolution_part__recommended_to",
            "resolution_part__delegation",
            "officer_decision",
        )
        .prefetch_related(
            Prefetch("resolution_part__takes_up", queryset=part_of_meeting),
            Prefetch("resolution_part__taken_up_by", queryset=part_of_meeting),
            Prefetch("resolution_part__delegation__officer_decisions", queryset=used_by),
            Prefetch(
                "officer_decision__delegation",
                queryset=Delegation.objects.select_related(
                    "resolution_part__item__meeting__committee",
                    "resolution_part__takes_up__item__meeting__committee",
                ),
            ),
            Prefetch(
                "superseded_by",
                queryset=ContractLink.objects.select_related(_PART_PATH, "officer_decision"),
            ),
        )
        .order_by("pk")
    )


@dataclass(frozen=True)
class DecisionsOnContract:
    links: list[ContractLink]
    authority_of_option: dict[int, ContractLink]  # option pk -> the link that exercised or declined it
    # option pk -> "Exercised on 2 Dec 2022, before the call-in period of the Executive's decision ended on 9 Dec 2022."
    early_action_of_option: dict[int, str]


OPTION_EFFECTS = frozenset({ContractLink.Effect.EXERCISE_OPTION, ContractLink.Effect.DECLINE_OPTION})
# Only a link that did what the register records is the option's authority.
_EFFECT_OF_STATUS = {
    OptionStatus.EXERCISED: ContractLink.Effect.EXERCISE_OPTION,
    OptionStatus.DECLINED: ContractLink.Effect.DECLINE_OPTION,
}


def contract_decisions(*, contract: Contract, today: date | None = None) -> DecisionsOnContract:
    """The decisions acting on `contract`; with `today`, only those taken by that day."""
    links = sorted(contract_decision_links(contract=contract, today=today), key=_link_date)
    if today is not None:
        links = [link for link in links if _link_date(link)[0] <= today]
    # Oldest first, so the latest decision still in force is the authority; one
    # replaced on confirmation stays in `links` with its `superseded_by`.
    authority = {
        link.option_id: link
        for link in links
        if link.effect in OPTION_EFFECTS
        and link.option_id
        and link.superseded_by_id is None
        and _EFFECT_OF_STATUS.get(link.option.status) == link.effect
        and (today is None or link.option.decided_on is None or link.option.decided_on <= today)
    }
    days = working_days()
    early = {}
    for option_pk, link in authority.items():
        found = early_action(link, days=days)
        if found is not None:
            early[option_pk] = found.message(_verb(link.effect))
    return DecisionsOnContract(links=links, authority_of_option=authority, early_action_of_option=early)


def _verb(effect: str) -> str:
    return "Exercised" if effect == ContractLink.Effect.EXERCISE_OPTION else "Declined"


def authorising_part(decision: ResolutionPart | OfficerDecision) -> ResolutionPart | None:
    """The resolution part whose call-in matters for acting on `decision`: the part
    itself, or the part that made the delegation an officer decision was taken under."""
    if isinstance(decision, ResolutionPart):
        return decision
    if decision.delegation_id is not None:
        return decision.delegation.resolution_part
    return None


def early_action_for(
    decision: ResolutionPart | OfficerDecision | None, *, acted_on: date | None, days: clock.WorkingDays
) -> decisions.EarlyAction | None:
    """Whether acting on `acted_on` under `decision` came before its call-in ended."""
    part = authorising_part(decision) if decision is not None else None
    if part is None or acted_on is None:
        return None
    return decisions.acted_before_call_in_ended(
        acted_on=acted_on, call_in=part_call_in(part, days=days), decision_maker=part.item.meeting.committee.name
    )


def early_action(link: ContractLink, *, days: clock.WorkingDays) -> decisions.EarlyAction | None:
    option = link.option
    return early_action_for(link.decision, acted_on=option.decided_on if option else None, days=days)


def option_early_action(*, option: ContractOption) -> str:
    """The warning for an option decided before its authority's call-in ended, or ""."""
    link = (
        ContractLink.objects.filter(option=option, effect__in=OPTION_EFFECTS, superseded_by__isnull=True)
        .select_related("option", _PART_PATH, _DELEGATING_PART_PATH)
        .order_by("-pk")
        .first()
    )
    found = early_action(link, days=working_days()) if link else None
    return found.message(_verb(link.effect)) if found else ""


def open_call_ins(*, contract: Contract, today: date) -> list[str]:
    """For the option decision form: the decisions that could authorise it that are
    called in (pending or referred), or whose call-in period has not yet ended on `today`."""
    parts, officer_decisions = authority_candidates(contract=contract)
    days = working_days()
    candidates = [part for part in [*parts, *(authorising_part(d) for d in officer_decisions)] if part is not None]
    # The call-ins of every candidate in one query, however many decisions act on the contract.
    call_ins = {
        call_in.resolution_part_id: call_in
        for call_in in CallIn.objects.filter(resolution_part__in=candidates).select_related("scrutiny_meeting")
    }
    seen, warnings = set(), []
    for part in candidates:
        if part.pk in seen:
            continue
        seen.add(part.pk)
        call_in = call_ins.get(part.pk)
        if call_in is not None:
            call_in.resolution_part = part  # already loaded, with its item and meeting
        if called_in := call_in_rules.refusal_of(call_in):
            warnings.append(called_in)
            continue
        found = decisions.acted_before_call_in_ended(
            acted_on=today, call_in=part_call_in(part, days=days), decision_maker=part.item.meeting.committee.name
        )
        if found is not None:
            warnings.append(
                f"The call-in period of {_part_label(part)} ends on {format_day(found.call_in_ends)}: "
                "an option cannot be decided under it before then unless it is urgent."
            )
    return warnings


def _link_date(link: ContractLink):
    if link.officer_decision_id:
        return (link.officer_decision.decided_on, link.pk)
    return (link.resolution_part.item.meeting.date, link.pk)


def authority_candidates(*, contract: Contract) -> tuple[list[ResolutionPart], list[OfficerDecision]]:
    """Decisions that could authorise a decision on one of `contract`'s options:
    resolution parts and officer decisions already linked to it, and officer
    decisions taken under a delegation made by a part linked to it."""
    parts = list(
        ResolutionPart.objects.filter(
            decisions.authorising_parts(Power.DECIDE_OPTION), contract_links__contract=contract
        )
        .select_related("item__meeting__committee", "delegation")
        .distinct()
        .order_by("item__meeting__starts_at", "position")
    )
    delegations = Delegation.objects.filter(resolution_part__contract_links__contract=contract)
    officer_decisions = list(
        OfficerDecision.objects.filter(Q(contract_links__contract=contract) | Q(delegation__in=delegations))
        .select_related("delegation__resolution_part__item__meeting__committee")
        .distinct()
        .order_by("decided_on", "pk")
    )
    return parts, officer_decisions


def authority_choices(*, contract: Contract) -> list[tuple[str, str]]:
    return choices_of(*authority_candidates(contract=contract))


# A delegation made "on satisfactory achievement of the contract performance
# indicators" (seed 000) names the KPIs: the officer using it must see the ratings.
_KPI_WORDS = ("performance indicator", "kpi")


def names_kpis(condition: str) -> bool:
    """Whether a delegation's condition turns on the contract's KPIs."""
    text = condition.casefold()
    return any(word in text for word in _KPI_WORDS)


def kpi_conditions(parts: list[ResolutionPart], officer_decisions: list[OfficerDecision]) -> list[Delegation]:
    """The delegations among the candidates (`authority_candidates`) whose condition names the KPIs."""
    delegations = [getattr(part, "delegation", None) for part in parts]
    delegations += [decision.delegation for decision in officer_decisions]
    found = {delegation.pk: delegation for delegation in delegations if delegation and names_kpis(delegation.condition)}
    return list(found.values())


def choices_of(parts: list[ResolutionPart], officer_decisions: list[OfficerDecision]) -> list[tuple[str, str]]:
    """`authority_choices` for candidates already read."""
    choices = [("", "No decision recorded (the option will be flagged)")]
    choices += [(f"part:{part.pk}", _part_choice(part)) for part in parts]
    choices += [
        (f"officer:{decision.pk}", f"Officer decision, {decision.decision_maker}, {format_day(decision.decided_on)}")
        for decision in officer_decisions
    ]
    return choices


def _part_label(part: ResolutionPart) -> str:
    meeting = part.item.meeting
    return f"{meeting.committee}, {format_day(meeting.date)}, item {part.item.number} ({part.number})"


def _part_choice(part: ResolutionPart) -> str:
    delegation = getattr(part, "delegation", None)
    if delegation is None:
        return _part_label(part)
    return f"{_part_label(part)}: the delegation to {delegation.to_whom} (records the officer decision under it)"


def authority_from_choice(value: str) -> ResolutionPart | OfficerDecision | None:
    """The decision a choice from `authority_choices` names (None for no decision)."""
    kind, _, text = (value or "").partition(":")
    pk = query.plain_id(text)
    model = {"part": ResolutionPart, "officer": OfficerDecision}.get(kind)
    if model is None or pk is None:
        return None
    related = {
        "part": ("item__meeting__committee",),
        "officer": ("delegation__resolution_part__item__meeting__committee",),
    }[kind]
    return model.objects.select_related(*related).filter(pk=pk).first()
