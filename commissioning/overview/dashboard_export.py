"""The downloads of the dashboard: each holds the rows behind the number that
links to its list, with the figures that put each row there.

The rows come from the same selectors as the dashboard's numbers and the
pages they link to (`commissioning.overview.dashboard`), so a download, its
number and its page cannot disagree. `commissioning.core.spreadsheets` writes
them, with headers in words, money and dates typed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

from commissioning.core.spreadsheets import Cell, Column, Kind
from commissioning.overview import dashboard as board
from commissioning.projects.selectors import gateway_summaries
from committees.call_in import call_in_rows
from contracts.models import Contract, Provider
from contracts.money import financial_year_label, variance
from contracts.selectors import contracts_to_complete, to_complete_rows
from contracts.services import figures_of
from contracts.terms import period_end

Row = list[Cell]

# Who and what each contract row is, before the figures that put it on the list.
CONTRACT = [
    Column("Reference"),
    Column("Title"),
    Column("Providers"),
    Column("Lead commissioner"),
    Column("Status"),
]
_STATUS = dict(Contract.Status.choices)


def _with_providers(queryset: QuerySet[Contract]) -> QuerySet[Contract]:
    return queryset.prefetch_related(Prefetch("providers", queryset=Provider.objects.order_by("name")))


def _contract(contract: Contract) -> Row:
    return [
        contract.reference,
        contract.title,
        "; ".join(provider.name for provider in contract.providers.all()),
        contract.lead_commissioner.name,
        _STATUS.get(contract.status, ""),
    ]


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


EXPIRY_COLUMNS = CONTRACT + [
    Column("Current end", Kind.DATE),
    Column("Ends within (months)", Kind.NUMBER),
    Column("Option left open", Kind.TEXT),
    Column("Final end", Kind.DATE),
    Column("Annual value", Kind.MONEY),
    Column("Remaining value to current end", Kind.MONEY),
]


def _expiry_rows(*, today: date) -> list[Row]:
    """The contracts the 24-month band counts; the band each first falls in, and
    whether an option is left open (no: counted by final end too)."""
    limits = [(months, period_end(today, months)) for months in board.BANDS]
    rows = []
    for contract in _with_providers(board.contracts_ending(today=today)):
        end = contract.current_end_date
        annual = contract.current_annual_value
        rows.append(
            _contract(contract)
            + [
                end,
                next(months for months, limit in limits if end <= limit),
                _yes_no(contract.next_option is not None),
                contract.final_end_date,
                annual,
                board.remaining_value(annual, today=today, end=end) if annual is not None else None,
            ]
        )
    return rows


DECISION_COLUMNS = CONTRACT + [
    Column("Next option", Kind.NUMBER),
    Column("Decision deadline", Kind.DATE),
    Column("Days to deadline", Kind.NUMBER),
    Column("Current end", Kind.DATE),
    Column("Final end", Kind.DATE),
    Column("Annual value", Kind.MONEY),
    Column("Whole-life value", Kind.MONEY),
]


def _decision_rows(key: str) -> Callable[..., list[Row]]:
    def rows(*, today: date) -> list[Row]:
        return [
            _contract(contract)
            + [
                contract.next_option,
                contract.next_decision_deadline,
                (contract.next_decision_deadline - today).days,
                contract.current_end_date,
                contract.final_end_date,
                contract.current_annual_value,
                contract.whole_life_value,
            ]
            for contract in _with_providers(board.contracts_for(key, today=today))
        ]

    return rows


OVER_APPROVED_COLUMNS = CONTRACT + [
    Column("Whole-life value", Kind.MONEY),
    Column("Approved value", Kind.MONEY),
    Column("Above approved", Kind.MONEY),
    Column("Above approved (%)", Kind.PERCENT),
    Column("Annual value", Kind.MONEY),
]


def _over_approved_rows(*, today: date) -> list[Row]:
    rows = []
    for contract in _with_providers(board.over_approved(today=today)):
        above = variance(contract.whole_life_value, contract.approved_value)
        rows.append(
            _contract(contract)
            + [
                contract.whole_life_value,
                contract.approved_value,
                above.amount,
                above.percent,
                contract.current_annual_value,
            ]
        )
    return rows


SPEND_COLUMNS = CONTRACT + [
    Column("Years compared"),
    Column("Spent", Kind.MONEY),
    Column("Projected", Kind.MONEY),
    Column("Spent above projected", Kind.MONEY),
    Column("Years over"),
    Column("Spent above projection in the years over", Kind.MONEY),
    Column("Whole-life value", Kind.MONEY),
]


def _years(years) -> str:
    return ", ".join(financial_year_label(year) for year in years)


def _spend_rows(*, today: date) -> list[Row]:
    """Spend set against the projection for the same years, as the contract page does."""
    rows = []
    for contract in _with_providers(board.spend_over(today=today)):
        figures = figures_of(
            contract, list(contract.options.all()), today=today, spend=list(contract.spend_records.all())
        )
        spend = figures.spend
        rows.append(
            _contract(contract)
            + [
                _years(spend.years),
                spend.spent,
                spend.projected,
                spend.variance.amount,
                _years(spend.years_over),
                spend.excess,
                figures.whole_life_value,
            ]
        )
    return rows


INCOMPLETE_COLUMNS = [Column("Reference"), Column("Title"), Column("Service area"), Column("Missing")]


def _incomplete_rows(*, today: date) -> list[Row]:
    return [
        [row.contract.reference, row.contract.title, row.contract.service_area.name, ", ".join(row.missing)]
        for row in to_complete_rows(contracts_to_complete())
    ]


GATEWAY_COLUMNS = [
    Column("Project"),
    Column("Gateway"),
    Column("Due", Kind.DATE),
    Column("Days to due date", Kind.NUMBER),
    Column("Status"),
]
_GATEWAY_STATUS = {"overdue": "Overdue", "due_soon": "Due soon"}


def _gateway_rows(*, today: date) -> list[Row]:
    return [
        [summary.project.title, plan.rule.name, plan.due, (plan.due - today).days, _GATEWAY_STATUS[plan.status]]
        for summary, plan in board.gateways_needing_attention(gateway_summaries(today=today))
    ]


ACTION_COLUMNS = [
    Column("Action"),
    Column("Owner"),
    Column("Due", Kind.DATE),
    Column("Days overdue", Kind.NUMBER),
    Column("Committee"),
    Column("Meeting", Kind.DATE),
    Column("Agenda item"),
]


def _action_rows(*, today: date) -> list[Row]:
    rows = []
    for action in board.overdue_actions(today=today):
        item = action.resolution_part.item
        rows.append(
            [
                action.text,
                action.owner,
                action.due_on,
                (today - action.due_on).days,
                item.meeting.committee.name,
                item.meeting.date,
                f"Item {item.number} ({action.resolution_part.number}): {item.title}",
            ]
        )
    return rows


DELEGATION_COLUMNS = [
    Column("Delegated to"),
    Column("In consultation with"),
    Column("Scope"),
    Column("Condition"),
    Column("Committee"),
    Column("Meeting", Kind.DATE),
    Column("Expires", Kind.DATE),
    Column("Expired"),
]


def _delegation_rows(*, today: date) -> list[Row]:
    return [
        [
            delegation.to_whom,
            delegation.in_consultation_with,
            delegation.scope,
            delegation.condition,
            delegation.resolution_part.item.meeting.committee.name,
            delegation.resolution_part.item.meeting.date,
            delegation.expires_on,
            _yes_no(delegation.is_expired),
        ]
        for delegation in board.unused_delegations(today=today)
    ]


NOTICE_COLUMNS = [
    Column("Notice"),
    Column("Contract"),
    Column("Title"),
    Column("Half-year to", Kind.DATE),
    Column("Due", Kind.DATE),
    Column("Days overdue", Kind.NUMBER),
]


def _notice_rows(*, today: date) -> list[Row]:
    return [
        [row.label, row.reference, row.title, row.period_end, row.due, (today - row.due).days]
        for row in board.overdue_notices(today=today)
    ]


KEY_NOTICE_COLUMNS = [
    Column("Decision maker"),
    Column("Decided on", Kind.DATE),
    Column("Decision"),
    Column("Text"),
    Column("Why the notice is not valid"),
]


def _key_notice_rows(*, today: date) -> list[Row]:
    return [
        [row.decision_maker, row.decided_on, row.label, row.text, row.check.reason]
        for row in board.key_notices_missing(today=today)
    ]


CALL_IN_COLUMNS = [
    Column("Decision"),
    Column("Called in on", Kind.DATE),
    Column("Called in by"),
    Column("Reasons"),
    Column("Considered at"),
    Column("Considered on", Kind.DATE),
]


def _call_in_rows(*, today: date) -> list[Row]:
    rows = []
    for row in call_in_rows(board.pending_call_ins(today=today)):
        call_in, meeting = row.call_in, row.call_in.scrutiny_meeting
        considered = (meeting.committee.name, meeting.date) if meeting is not None else ("Not yet set", None)
        rows.append([row.label, call_in.requested_on, call_in.requested_by, call_in.reasons, *considered])
    return rows


@dataclass(frozen=True)
class Export:
    title: str
    columns: list[Column]
    rows: Callable[..., list[Row]]


EXPORTS = {
    "incomplete": Export("Incomplete contracts", INCOMPLETE_COLUMNS, _incomplete_rows),
    "expiries": Export("Contracts ending", EXPIRY_COLUMNS, _expiry_rows),
    "decisions_due": Export("Option decisions due", DECISION_COLUMNS, _decision_rows("decisions_due")),
    "decisions_late": Export("Option decisions late", DECISION_COLUMNS, _decision_rows("decisions_late")),
    "over_approved": Export("Above the approved value", OVER_APPROVED_COLUMNS, _over_approved_rows),
    "spend_over": Export("Spend above projection", SPEND_COLUMNS, _spend_rows),
    "gateways": Export("Gateways needing attention", GATEWAY_COLUMNS, _gateway_rows),
    "actions": Export("Overdue actions", ACTION_COLUMNS, _action_rows),
    "delegations": Export("Delegations not yet used", DELEGATION_COLUMNS, _delegation_rows),
    "notices": Export("Procurement Act notices overdue", NOTICE_COLUMNS, _notice_rows),
    "key_notices": Export("Key decisions without a valid notice", KEY_NOTICE_COLUMNS, _key_notice_rows),
    "call_ins": Export("Decisions held by a call-in", CALL_IN_COLUMNS, _call_in_rows),
}
