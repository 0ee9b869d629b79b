"""Gateway back-planning: pure arithmetic over dates, no Django.

A commissioning project plans its gateway decisions backwards from the day
the new service must start (docs/domain.md: "The commissioning cycle and its gateways").
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from contracts.terms import months_before

DUE_SOON_DAYS = 60


class GatewayStatus(enum.StrEnum):
    DONE = "done"
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    NOT_PLANNED = "not_planned"  # a gateway with no lead time, such as a variation


RAG = {
    GatewayStatus.DONE: "green",
    GatewayStatus.ON_TRACK: "green",
    GatewayStatus.DUE_SOON: "amber",
    GatewayStatus.OVERDUE: "red",
    GatewayStatus.NOT_PLANNED: "grey",
}


@dataclass(frozen=True)
class GatewayRule:
    number: int
    name: str
    lead_months: int | None  # months before the required start; None: not back-planned


@dataclass(frozen=True)
class GatewayPlan:
    rule: GatewayRule
    due: date | None
    passed_on: date | None
    status: GatewayStatus

    @property
    def on_time(self) -> bool | None:
        if self.passed_on is None or self.due is None:
            return None
        return self.passed_on <= self.due

    @property
    def rag(self) -> str:
        return RAG[self.status]


def required_start(final_ends: Sequence[date]) -> date:
    """The day after the latest final end among the incumbent contracts."""
    if not final_ends:
        raise ValueError("A project needs at least one incumbent contract to work out its required start.")
    return max(final_ends) + timedelta(days=1)


def due_date(required: date | None, lead_months: int | None) -> date | None:
    """Counted back on the same day of the month (the last day where it does not exist).
    None when the gateway has no lead time or the project no required start."""
    if lead_months is None or required is None:
        return None
    return months_before(required, lead_months)


def gateway_status(due: date | None, passed_on: date | None, *, today: date) -> GatewayStatus:
    if passed_on is not None:
        return GatewayStatus.DONE
    if due is None:
        return GatewayStatus.NOT_PLANNED
    if today > due:
        return GatewayStatus.OVERDUE
    if (due - today).days <= DUE_SOON_DAYS:
        return GatewayStatus.DUE_SOON
    return GatewayStatus.ON_TRACK


def check_lead_times(rules: Sequence[GatewayRule]) -> None:
    """A later gateway cannot be due before an earlier one: lead times must not
    grow with the gateway number. Raises ValueError naming the pair."""
    planned = sorted((rule for rule in rules if rule.lead_months is not None), key=lambda rule: rule.number)
    for earlier, later in zip(planned, planned[1:]):
        if later.lead_months > earlier.lead_months:
            raise ValueError(
                f"{later.name} ({later.lead_months} months before the start) would fall due before "
                f"{earlier.name} ({earlier.lead_months} months)."
            )


def plan(
    rules: Sequence[GatewayRule], passed: dict[int, date], *, required: date | None, today: date
) -> list[GatewayPlan]:
    """Every gateway's due date and status for a project; `passed` maps gateway
    number to the date of the decision that passed it."""
    return [
        GatewayPlan(
            rule=rule,
            due=(due := due_date(required, rule.lead_months)),
            passed_on=passed.get(rule.number),
            status=gateway_status(due, passed.get(rule.number), today=today),
        )
        for rule in sorted(rules, key=lambda rule: rule.number)
    ]


def current_gateway(plans: Sequence[GatewayPlan]) -> GatewayPlan | None:
    """The latest gateway with an approving decision recorded: derived, never typed in."""
    done = [p for p in plans if p.passed_on is not None]
    return max(done, key=lambda p: p.rule.number) if done else None


def next_gateway(plans: Sequence[GatewayPlan]) -> GatewayPlan | None:
    """The first planned gateway after the current one that has not been passed."""
    current = current_gateway(plans)
    after = current.rule.number if current else -1
    for p in sorted(plans, key=lambda p: p.rule.number):
        if p.rule.number > after and p.passed_on is None and p.due is not None:
            return p
    return None
