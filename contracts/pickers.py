"""Choosing contracts and providers by typing (see commissioning.core.pickers):
the fields forms declare, and the matches their endpoints answer."""

from functools import reduce
from operator import or_

from django.db.models import Case, Q, Value, When

from commissioning.core.pickers import PAGE, PickerField, casefolded
from contracts.models import Contract, Provider


class ContractPickerField(PickerField):
    """Contracts by reference; several separated by commas."""

    model = Contract
    source = "contracts:contract_choices"
    noun = "contract"

    def __init__(self, **kwargs):
        multiple = kwargs.get("multiple", False)
        kwargs.setdefault(
            "help_text",
            "Type references, separated by commas, or search by title."
            if multiple
            else "Type its reference, or search by title.",
        )
        super().__init__(**kwargs)

    def text_of(self, contract: Contract) -> str:
        return contract.reference

    def find(self, texts: list[str]) -> dict[str, list[Contract]]:
        typed = casefolded(texts)
        found: dict[str, list[Contract]] = {}
        condition = reduce(or_, (Q(reference__iexact=text) for text in texts))
        for contract in Contract.objects.filter(condition).order_by("reference"):
            found.setdefault(typed[contract.reference.casefold()], []).append(contract)
        return found


class ProviderPickerField(PickerField):
    """Providers by name, Companies House number or charity number; several separated by semicolons,
    as a provider's name may hold a comma."""

    model = Provider
    source = "contracts:provider_choices"
    noun = "provider"
    separator = ";"

    def text_of(self, provider: Provider) -> str:
        return provider.name

    def find(self, texts: list[str]) -> dict[str, list[Provider]]:
        typed = casefolded(texts)
        condition = reduce(
            or_,
            (Q(name__iexact=text) | Q(companies_house_number__iexact=text) | Q(charity_number=text) for text in texts),
        )
        found: dict[str, list[Provider]] = {}
        for provider in Provider.objects.filter(condition).order_by("name"):
            for key in {provider.name, provider.companies_house_number, provider.charity_number}:
                if key and key.casefold() in typed:
                    found.setdefault(typed[key.casefold()], []).append(provider)
        return found


def contract_matches(query: str) -> list[tuple[int, str, str]]:
    """One page of contracts whose reference or title holds `query`: those whose reference starts with it
    first, then those whose reference holds it, then by title."""
    if not query:
        return []
    contracts = (
        Contract.objects.filter(Q(reference__icontains=query) | Q(title__icontains=query))
        .annotate(
            rank=Case(
                When(reference__istartswith=query, then=Value(0)),
                When(reference__icontains=query, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("rank", "reference")
        .only("pk", "reference", "title")[:PAGE]
    )
    return [(c.pk, c.reference, f"{c.reference} {c.title}") for c in contracts]


def provider_matches(query: str) -> list[tuple[int, str, str]]:
    """One page of providers whose name holds `query`, or whose Companies House or charity number is it."""
    if not query:
        return []
    providers = Provider.objects.filter(
        Q(name__icontains=query) | Q(companies_house_number__iexact=query) | Q(charity_number=query)
    ).order_by("name")[:PAGE]
    return [(p.pk, p.name, _provider_label(p)) for p in providers]


def _provider_label(provider: Provider) -> str:
    numbers = [number for number in (provider.companies_house_number, provider.charity_number) if number]
    return f"{provider.name} ({', '.join(numbers)})" if numbers else provider.name
