"""What each kind of resolution part can do: the one place that says which
decisions can authorise what, and which are subject to call-in.

Every page, form, service and SQL filter that asks "can this part authorise an
option decision?" (or pass a gateway, or approve a waiver) asks here, so a
deferral can never be offered as the authority to exercise an option in one
place while being refused in another. The kinds themselves are the one choice
field `ResolutionPart.kind`.

The call-in check at the end is pure date arithmetic over `committees.clock`.
"""

import enum
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q

from commissioning.core.formatting import format_day
from committees import clock
from committees.models import Committee, OfficerDecision, ResolutionPart

Kind = ResolutionPart.Kind


class Power(enum.StrEnum):
    """What a decision can be the authority for."""

    DECIDE_OPTION = "decide_option"  # exercise or decline an option of a contract
    PASS_GATEWAY = "pass_gateway"
    APPROVE_WAIVER = "approve_waiver"
    CHANGE_CONTRACT = "change_contract"  # a change to a contract, or a fee uplift over many


_EVERY_POWER = frozenset(Power)

# Approving decides; delegating decides that an officer will. Noting, recommending
# (to another decision maker), deferring and rejecting authorise nothing.
POWERS: dict[str, frozenset[Power]] = {
    Kind.APPROVE: _EVERY_POWER,
    Kind.DELEGATE: _EVERY_POWER,
    Kind.NOTE: frozenset(),
    Kind.RECOMMEND: frozenset(),
    Kind.DEFER: frozenset(),
    Kind.REJECT: frozenset(),
}

# Parts that decide something to implement (a rejection too), so call-in applies
# when the decision maker's decisions can be called in.
TAKES_EFFECT: frozenset[str] = frozenset({Kind.APPROVE, Kind.DELEGATE, Kind.REJECT})
CALL_IN_COMMITTEES: frozenset[str] = frozenset({Committee.Kind.EXECUTIVE, Committee.Kind.PORTFOLIO_HOLDER})

_POWER_NOUNS = {
    Power.DECIDE_OPTION: "authorise exercising or declining an option",
    Power.PASS_GATEWAY: "pass a gateway",
    Power.APPROVE_WAIVER: "approve a waiver",
}
_KIND_ADJECTIVES = {
    Kind.NOTE: "notes",
    Kind.RECOMMEND: "recommends",
    Kind.DEFER: "defers",
    Kind.REJECT: "rejects",
}


def can_authorise(kind: str, power: Power) -> bool:
    return power in POWERS.get(kind, frozenset())


def authorising_kinds(power: Power) -> frozenset[str]:
    return frozenset(kind for kind, powers in POWERS.items() if power in powers)


def authorising_parts(power: Power, *, prefix: str = "") -> Q:
    """A filter for resolution parts that can authorise `power`; `prefix` reaches
    the part from another model, such as "resolution_part__"."""
    return Q(**{f"{prefix}kind__in": sorted(authorising_kinds(power))})


def cannot_authorise_message(kind: str, power: Power) -> str:
    verb = _KIND_ADJECTIVES.get(kind, kind)
    return f"A part that {verb} cannot {_POWER_NOUNS[power]}: choose the decision that approved it."


def is_subject_to_call_in(*, committee_kind: str, part_kind: str) -> bool:
    return committee_kind in CALL_IN_COMMITTEES and part_kind in TAKES_EFFECT


# --- delegations ---------------------------------------------------------------------------


def delegation_is_used(today: date | None = None) -> Exists:
    """A delegation is used once an officer decision has been recorded under it
    (`committees.services` records one whenever an option is decided under it);
    with `today`, by a decision taken on or before that day."""
    used_by = OfficerDecision.objects.filter(delegation=OuterRef("pk"))
    if today is not None:
        used_by = used_by.filter(decided_on__lte=today)
    return Exists(used_by)


# --- acting before call-in ended -----------------------------------------------------------


@dataclass(frozen=True)
class EarlyAction:
    """An action taken on `acted_on`, before the call-in of the decision that
    authorised it ended on `call_in_ends`."""

    acted_on: date
    call_in_ends: date
    decision_maker: str

    def message(self, verb: str = "Exercised") -> str:
        maker = self.decision_maker
        article = "" if maker.lower().startswith("the ") else "the "
        return (
            f"{verb} on {format_day(self.acted_on)}, before the call-in period of {article}"
            f"{maker}'s decision ended on {format_day(self.call_in_ends)}."
        )


def acted_before_call_in_ended(
    *, acted_on: date, call_in: clock.CallIn | None, decision_maker: str
) -> EarlyAction | None:
    """Whether acting on `acted_on` came before the authorising decision could be
    implemented. `call_in` is None when the decision is not subject to call-in;
    an urgent decision is exempt. A decision whose publication is not yet
    recorded has no known end, so nothing is flagged for it."""
    if call_in is None or call_in.urgent or acted_on > call_in.ends:
        return None
    return EarlyAction(acted_on=acted_on, call_in_ends=call_in.ends, decision_maker=decision_maker)
