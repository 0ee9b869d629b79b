"""The rows of each dashboard list for CSV and Excel downloads.

Dates are ISO and money is a Decimal (two places): a spreadsheet reads both
as values, not text.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from commissioning.overview import dashboard as board
from commissioning.projects.selectors import gateway_summaries
from contracts.models import Provider

CONTRACT_COLUMNS = [
    "reference",
    "title",
    "providers",
    "lead_commissioner",
    "current_end_date",
    "final_end_date",
    "next_decision_deadline",
    "annual_value",
    "whole_life_value",
    "approved_value",
    "status",
]


def _contract_rows(queryset) -> list[list]:
    queryset = queryset.prefetch_related(Prefetch("providers", queryset=Provider.objects.order_by("name")))
    return [
        [
            contract.reference,
            contract.title,
            "; ".join(provider.name for provider in contract.providers.all()),
            contract.lead_commissioner.name,
            contract.current_end_date,
            contract.final_end_date,
            contract.next_decision_deadline,
            contract.annual_value,
            contract.whole_life_value,
            contract.approved_value,
            contract.status,
        ]
        for contract in queryset
    ]


def _expiry_rows(*, today: date) -> list[list]:
    bands = board.expiry_bands(today=today)
    rows = []
    for measure, band_list in (
        ("current end", bands.by_current_end),
        ("final end, no option open", bands.by_final_end),
    ):
        rows += [[measure, band.months, band.count, band.annual, band.remaining] for band in band_list]
    return rows


def _gateway_rows(*, today: date) -> list[list]:
    return [
        [summary.project.title, plan.rule.name, plan.due, str(plan.status)]
        for summary, plan in board.gateways_needing_attention(gateway_summaries(today=today))
    ]


def _action_rows(*, today: date) -> list[list]:
    return [
        [
            action.text,
            action.owner,
            action.due_on,
            action.resolution_part.item.meeting.committee.name,
            action.resolution_part.item.meeting.date,
        ]
        for action in board.overdue_actions(today=today)
    ]


def _delegation_rows(*, today: date) -> list[list]:
    return [
        [
            delegation.to_whom,
            delegation.in_consultation_with,
            delegation.scope,
            delegation.condition,
            delegation.resolution_part.item.meeting.committee.name,
            delegation.resolution_part.item.meeting.date,
            delegation.expires_on,
        ]
        for delegation in board.unused_delegations(today=today)
    ]


@dataclass(frozen=True)
class Export:
    title: str
    columns: list[str]
    rows: Callable[..., list[list]]


EXPORTS = {
    "expiries": Export(
        "Contracts ending", ["measure", "within_months", "contracts", "annual_value", "remaining_value"], _expiry_rows
    ),
    "decisions_due": Export(
        "Option decisions due", CONTRACT_COLUMNS, lambda *, today: _contract_rows(board.decisions_due(today=today))
    ),
    "decisions_late": Export(
        "Option decisions late", CONTRACT_COLUMNS, lambda *, today: _contract_rows(board.decisions_late(today=today))
    ),
    "over_approved": Export(
        "Over approved value", CONTRACT_COLUMNS, lambda *, today: _contract_rows(board.over_approved(today=today))
    ),
    "spend_over": Export(
        "Spend above projection", CONTRACT_COLUMNS, lambda *, today: _contract_rows(board.spend_over(today=today))
    ),
    "gateways": Export("Gateways needing attention", ["project", "gateway", "due", "status"], _gateway_rows),
    "actions": Export("Overdue actions", ["action", "owner", "due_on", "committee", "meeting_date"], _action_rows),
    "delegations": Export(
        "Delegations not yet used",
        ["delegated_to", "in_consultation_with", "scope", "condition", "committee", "meeting_date", "expires_on"],
        _delegation_rows,
    ),
}
