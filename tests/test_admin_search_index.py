"""A change made in the admin reaches the search: the admin saves without the
services that keep the index current, so a job writes it again once the change
is committed."""

import pytest
from django.urls import reverse

from commissioning.core import search
from contracts.models import Contract, Provider
from tests.conftest import ContractFactory, ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", "admin@example.org", "pw"))
    return client


def _found(query: str, kind: str) -> list[str]:
    """The pages the search links to for `query`, among the results of one kind."""
    kinds = [k for k in search.kinds() if k.name == kind]
    return [hit.url for group in search.search(query=query, kinds=kinds, limit=5).groups for hit in group.hits]


def test_a_provider_renamed_in_the_admin_is_found_by_its_new_name_with_its_contracts(
    admin_user, django_capture_on_commit_callbacks
):
    provider = ProviderFactory(name="Hestia Housing")
    contract = ContractFactory(providers=[provider], title="Supported living")
    data = {"name": "Riverside Support Trust", "companies_house_number": "", "charity_number": "", "version": 0}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_user.post(reverse("admin:contracts_provider_change", args=[provider.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Provider.objects.get(pk=provider.pk).name == "Riverside Support Trust"
    assert _found("riverside", "provider") == [provider.get_absolute_url()]
    assert _found("riverside", "contract") == [contract.get_absolute_url()]
    assert _found("hestia", "contract") == []


def test_a_contract_deleted_in_the_admin_leaves_the_search(admin_user, django_capture_on_commit_callbacks):
    contract = ContractFactory(title="Day opportunities")
    assert _found("opportunities", "contract") == [contract.get_absolute_url()]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_user.post(reverse("admin:contracts_contract_delete", args=[contract.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Contract.objects.filter(pk=contract.pk).exists()
    assert _found("opportunities", "contract") == []
