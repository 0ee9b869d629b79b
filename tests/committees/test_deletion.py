"""A register record that decisions or other records stand on cannot be deleted:
not in the admin, not through the ORM."""

from http import HTTPStatus

import pytest
from django.contrib.admin import site
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.test import RequestFactory
from django.urls import reverse

from committees import services
from committees.models import ContractLink, Meeting, ResolutionPart
from contracts import services as contract_services
from contracts.models import Contract, ContractOption, Provider
from tests.committees.factories import AgendaItemFactory, MeetingFactory, OfficerDecisionFactory
from tests.conftest import ContractFactory, ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(username="admin", password="pw", email="admin@example.org")


def _linked_by_resolution(contract: Contract) -> ResolutionPart:
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, number="5", title="Supported living")
    return services.resolution_part_add(
        meeting=meeting,
        item=item,
        number="i",
        kind=ResolutionPart.Kind.APPROVE,
        text="Approved the award.",
        links=[services.LinkInput(contract=contract, effect=ContractLink.Effect.AWARD)],
    )


def test_the_admin_refuses_to_delete_a_contract_with_a_linked_decision(client_for, superuser):
    contract = ContractFactory(reference="LBB-KEEP")
    part = _linked_by_resolution(contract)
    client = client_for(superuser)
    url = reverse("admin:contracts_contract_delete", args=[contract.pk])

    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert client.post(url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    changelist = client.post(
        reverse("admin:contracts_contract_changelist"),
        {"action": "delete_selected", "_selected_action": [contract.pk], "post": "yes"},
    )
    # The delete action lists what it may not delete and deletes nothing.
    assert changelist.status_code == HTTPStatus.OK
    assert "Cannot delete contract" in changelist.content.decode()
    assert Contract.objects.filter(pk=contract.pk).exists()
    assert ContractLink.objects.filter(contract=contract, resolution_part=part).exists()


def test_the_admin_delete_action_refuses_a_batch_holding_a_linked_contract(client_for, superuser):
    linked = ContractFactory(reference="LBB-LINKED")
    free = ContractFactory(reference="LBB-FREE")
    _linked_by_resolution(linked)
    request = RequestFactory().post("/")
    request.user = superuser
    request.session = {}
    request._messages = FallbackStorage(request)
    with pytest.raises(PermissionDenied, match="LBB-LINKED"):
        site._registry[Contract].delete_queryset(request, Contract.objects.all())
    assert set(Contract.objects.values_list("reference", flat=True)) == {"LBB-LINKED", "LBB-FREE"}
    assert "Nothing was deleted" in str(list(request._messages)[0])
    assert free.pk in Contract.objects.values_list("pk", flat=True)


def test_a_superuser_may_delete_a_contract_nothing_stands_on(client_for, superuser):
    contract = ContractFactory(reference="LBB-GO")
    client = client_for(superuser)
    url = reverse("admin:contracts_contract_delete", args=[contract.pk])
    assert client.get(url).status_code == HTTPStatus.OK
    assert client.post(url, {"post": "yes"}).status_code == HTTPStatus.FOUND
    assert not Contract.objects.filter(pk=contract.pk).exists()
    # Its history stays, ending with its removal.
    assert Contract.history.filter(id=contract.pk).latest().history_type == "-"


@pytest.mark.parametrize("side", ["contract", "meeting", "part", "officer_decision", "option"])
def test_the_database_refuses_to_delete_what_a_link_stands_on(side):
    contract = ContractFactory(reference="LBB-DB")
    if side == "officer_decision":
        decision = OfficerDecisionFactory(
            links=[
                services.LinkInput(
                    contract=contract,
                    effect=ContractLink.Effect.EXERCISE_OPTION,
                    option=contract.options.get(order=1),
                )
            ]
        )
        target = decision
    else:
        part = _linked_by_resolution(contract)
        target = {
            "contract": contract,
            "meeting": Meeting.objects.get(items__parts=part),
            "part": part,
            "option": contract.options.get(order=1),
        }[side]
        if side == "option":
            ContractLink.objects.filter(resolution_part=part).update(
                effect=ContractLink.Effect.EXERCISE_OPTION, option=target
            )
    with pytest.raises(ProtectedError):
        target.delete()
    assert ContractLink.objects.filter(contract=contract).count() == 1
    assert type(target).objects.filter(pk=target.pk).exists()


def test_the_admin_refuses_to_delete_a_provider_with_contracts(client_for, superuser):
    provider = ProviderFactory(name="Hestia")
    ContractFactory(reference="LBB-P", providers=[provider])
    client = client_for(superuser)
    assert (
        client.post(reverse("admin:contracts_provider_delete", args=[provider.pk]), {"post": "yes"}).status_code
        == HTTPStatus.FORBIDDEN
    )
    assert Provider.objects.filter(pk=provider.pk, contracts__reference="LBB-P").exists()
    lonely = ProviderFactory(name="Nobody's provider")
    client.post(reverse("admin:contracts_provider_delete", args=[lonely.pk]), {"post": "yes"})
    assert not Provider.objects.filter(pk=lonely.pk).exists()


def test_a_term_that_drops_an_option_a_decision_stands_on_is_refused():
    contract = ContractFactory(reference="LBB-TERM", term="5+2+2")
    part = _linked_by_resolution(contract)
    option = contract.options.get(order=2)
    ContractLink.objects.filter(resolution_part=part).update(effect=ContractLink.Effect.OTHER, option=option)
    facts = {
        field: getattr(contract, field)
        for field in [
            "title",
            "description",
            "service_area",
            "lead_commissioner",
            "start_date",
            "annual_value",
            "contract_type",
            "legislation",
            "route",
            "annual_uplift_percent",
            "approved_value",
            "notes",
        ]
    }
    with pytest.raises(ValidationError, match="drops option 2"):
        contract_services.contract_update(
            contract=contract,
            version=contract.version,
            term="5+2",
            providers=list(contract.providers.all()),
            **facts,
        )
    assert list(ContractOption.objects.filter(contract=contract).values_list("order", flat=True)) == [1, 2]
