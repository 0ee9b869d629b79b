"""The register's CSV columns, shared by the export command and the list's download."""

from datetime import date

from contracts.models import Contract
from contracts.services import figures_of

IMPORT_COLUMNS = [
    "reference",
    "title",
    "provider",
    "service_area",
    "contract_type",
    "legislation",
    "route",
    "lead_commissioner",
    "funding",
    "start_date",
    "term",
    "options_exercised",
    "annual_value",
    "approved_value",
]
EXPORT_COLUMNS = IMPORT_COLUMNS + [
    "initial_end_date",
    "current_end_date",
    "final_end_date",
    "next_decision_deadline",
    "status",
    "initial_term_value",
    "committed_value",
    "whole_life_value",
    "approved_variance",
]


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def export_row(contract: Contract, *, today: date) -> list[str]:
    """One contract as the export's columns, computed for `today`.

    Expects providers, funding shares (with organisations) and options prefetched.
    """
    figures = figures_of(contract, list(contract.options.all()), today=today)
    result = figures.schedule
    return [
        contract.reference,
        contract.title,
        "; ".join(provider.name for provider in contract.providers.all()),
        contract.service_area.name,
        contract.contract_type,
        contract.legislation,
        contract.route,
        contract.lead_commissioner.name,
        "; ".join(
            f"{share.organisation.name}:{share.percent.normalize():f}" for share in contract.funding_shares.all()
        ),
        contract.start_date.isoformat(),
        contract.term,
        str(result.options_exercised),
        f"{contract.annual_value:.2f}",
        f"{contract.approved_value:.2f}" if contract.approved_value is not None else "",
        _iso(result.initial_end),
        _iso(result.current_end),
        _iso(result.final_end),
        _iso(result.next_decision_deadline),
        str(result.status),
        f"{figures.initial_value:.2f}",
        f"{figures.committed_value:.2f}",
        f"{figures.whole_life_value:.2f}",
        f"{figures.approved_variance.amount:.2f}" if figures.approved_variance else "",
    ]
