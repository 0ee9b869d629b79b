"""Reads that answer "which decision authorised this?" for a contract.

The contract page shows every decision linked to the contract with the chain
around it: the recommendation a decision took up, the delegation an officer
decision used and the resolution that made it. Query counts are fixed.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from commissioning import query
from committees.models import ContractLink, Delegation, OfficerDecision, ResolutionPart
from contracts.models import Contract

_PART_PATH = "resolution_part__item__meeting__committee"
_DELEGATING_PART_PATH = "officer_decision__delegation__resolution_part__item__meeting__committee"


def contract_decision_links(*, contract: Contract) -> QuerySet[ContractLink]:
    """The decisions acting on `contract`, oldest first, each with its chain loaded."""
    return (
        ContractLink.objects.filter(contract=contract)
        .select_related(
            "option",
            _PART_PATH,
            "resolution_part__item__report",
            "resolution_part__recommended_to",
            "resolution_part__takes_up__item__meeting__committee",
            "resolution_part__delegation",
            _DELEGATING_PART_PATH,
            "officer_decision__delegation__resolution_part__takes_up__item__meeting__committee",
        )
        .prefetch_related(
            Prefetch(
                "resolution_part__taken_up_by",
                queryset=ResolutionPart.objects.select_related("item__meeting__committee"),
            ),
            Prefetch(
                "resolution_part__delegation__officer_decisions",
                queryset=OfficerDecision.objects.order_by("decided_on"),
            ),
        )
        .order_by("pk")
    )


@dataclass(frozen=True)
class DecisionsOnContract:
    links: list[ContractLink]
    authority_of_option: dict[int, ContractLink]  # option pk -> the link that exercised or declined it

    def for_option(self, option_pk: int) -> ContractLink | None:
        return self.authority_of_option.get(option_pk)


def contract_decisions(*, contract: Contract) -> DecisionsOnContract:
    links = sorted(contract_decision_links(contract=contract), key=_link_date)
    option_effects = {ContractLink.Effect.EXERCISE_OPTION, ContractLink.Effect.DECLINE_OPTION}
    authority = {link.option_id: link for link in links if link.effect in option_effects and link.option_id}
    return DecisionsOnContract(links=links, authority_of_option=authority)


def _link_date(link: ContractLink):
    if link.officer_decision_id:
        return (link.officer_decision.decided_on, link.pk)
    return (link.resolution_part.item.meeting.date, link.pk)


def authority_candidates(*, contract: Contract) -> tuple[list[ResolutionPart], list[OfficerDecision]]:
    """Decisions that could authorise a decision on one of `contract`'s options:
    resolution parts and officer decisions already linked to it, and officer
    decisions taken under a delegation made by a part linked to it."""
    parts = list(
        ResolutionPart.objects.filter(contract_links__contract=contract)
        .exclude(kind__in=[ResolutionPart.Kind.NOTE, ResolutionPart.Kind.RECOMMEND, ResolutionPart.Kind.REJECT])
        .select_related("item__meeting__committee")
        .distinct()
        .order_by("item__meeting__starts_at", "position")
    )
    delegations = Delegation.objects.filter(resolution_part__contract_links__contract=contract)
    officer_decisions = list(
        OfficerDecision.objects.filter(Q(contract_links__contract=contract) | Q(delegation__in=delegations))
        .select_related("delegation")
        .distinct()
        .order_by("decided_on", "pk")
    )
    return parts, officer_decisions


def authority_choices(*, contract: Contract) -> list[tuple[str, str]]:
    parts, officer_decisions = authority_candidates(contract=contract)
    choices = [("", "No decision recorded (the option will be flagged)")]
    choices += [
        (
            f"part:{part.pk}",
            f"{part.item.meeting.committee}, {part.item.meeting.date:%d %b %Y}, item {part.item.number} ({part.number})",
        )
        for part in parts
    ]
    choices += [
        (f"officer:{decision.pk}", f"Officer decision, {decision.decision_maker}, {decision.decided_on:%d %b %Y}")
        for decision in officer_decisions
    ]
    return choices


def authority_from_choice(value: str) -> ResolutionPart | OfficerDecision | None:
    """The decision a choice from `authority_choices` names (None for no decision)."""
    kind, _, text = (value or "").partition(":")
    pk = query.plain_id(text)
    model = {"part": ResolutionPart, "officer": OfficerDecision}.get(kind)
    if model is None or pk is None:
        return None
    return model.objects.select_related().filter(pk=pk).first()
