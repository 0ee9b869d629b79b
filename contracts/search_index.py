"""How contracts and providers are found by the site's search
(`commissioning.core.search`): registered in ContractsConfig.ready, and kept
current by `contracts.services` through `index_refresh`."""

from collections.abc import Iterator, Sequence

from django.db.models import Prefetch

from commissioning.core.search import Entry, Kind, chunked, register
from contracts.models import Contract, Provider

CONTRACT = "contract"
PROVIDER = "provider"


def contract_entries(ids: Sequence[int] | None) -> Iterator[Entry]:
    contracts = Contract.objects.select_related("service_area").prefetch_related(
        Prefetch("providers", queryset=Provider.objects.only("name").order_by("name"))
    )
    for contract in chunked(contracts, ids):
        yield Entry(
            object_id=contract.pk,
            url=contract.get_absolute_url(),
            title=f"{contract.reference} · {contract.title}",
            text="; ".join(provider.name for provider in contract.providers.all()),
            detail=contract.service_area.name,
            date=contract.start_date,
            order=contract.reference,
        )


def provider_entries(ids: Sequence[int] | None) -> Iterator[Entry]:
    for provider in chunked(Provider.objects.all(), ids):
        numbers = []
        if provider.companies_house_number:
            numbers.append(f"Companies House number {provider.companies_house_number}")
        if provider.charity_number:
            numbers.append(f"charity number {provider.charity_number}")
        yield Entry(
            object_id=provider.pk,
            url=provider.get_absolute_url(),
            title=provider.name,
            text="; ".join(numbers),
            detail=" · ".join(label for label, flag in (("SME", provider.is_sme), ("VCSE", provider.is_vcse)) if flag),
            order=provider.name.lower(),
        )


def register_kinds() -> None:
    register(Kind(name=CONTRACT, label="Contracts", model=Contract, entries=contract_entries, position=10))
    register(Kind(name=PROVIDER, label="Providers", model=Provider, entries=provider_entries, position=20))
