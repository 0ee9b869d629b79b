"""Sections that higher layers add to a lower layer's page.

The contract page belongs to contracts, the bottom domain layer, which imports
nothing above it; yet it shows the committee decisions on the contract and its
procurement facts. Those layers register a provider for their section in their
AppConfig.ready, and the contract page asks this registry for them.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

# Name in the page's template context -> provider(contract=..., figures=..., today=...).
_contract_sections: dict[str, Callable[..., Any]] = {}


def register_contract_section(name: str, provider: Callable[..., Any]) -> None:
    """Show `provider(contract=..., figures=..., today=...)` on the contract page as `name`;
    `figures` are the contract's on `today` (contracts.figures.Figures)."""
    _contract_sections[name] = provider


def contract_sections(*, contract, figures, today: date) -> dict[str, Any]:
    """Every registered section for `contract` on `today`, by name."""
    return {
        name: provider(contract=contract, figures=figures, today=today) for name, provider in _contract_sections.items()
    }


# The provider page, likewise: name -> provider(provider=..., today=...).
_provider_sections: dict[str, Callable[..., Any]] = {}


def register_provider_section(name: str, provider: Callable[..., Any]) -> None:
    """Show `provider(provider=..., today=...)` on the provider page as `name`."""
    _provider_sections[name] = provider


def provider_sections(*, provider, today: date) -> dict[str, Any]:
    """Every registered section for the provider page on `today`, by name."""
    return {name: section(provider=provider, today=today) for name, section in _provider_sections.items()}
