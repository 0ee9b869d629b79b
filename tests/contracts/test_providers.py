"""Providers and organisations added and edited in the app: their pages, their
services, and a provider added from the contract form without leaving it."""

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts import services
from contracts.models import Contract, Organisation, Provider
from tests.conftest import ContractFactory, OrganisationFactory, ProviderFactory, ServiceAreaFactory
from tests.edit_forms import browser_form

pytestmark = pytest.mark.django_db

ADD_PROVIDER = reverse("contracts:provider_create")
ADD_ORGANISATION = reverse("contracts:organisation_create")


def _provider_data(**overrides):
    data = {"name": "Caring Hands Ltd", "companies_house_number": "", "charity_number": ""}
    data.update(overrides)
    return data


# --- the numbers, read as a register file's are -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("1234567", "01234567"),
        ("01234567", "01234567"),
        ("gb/1234567", "01234567"),
        ("GB 01234567", "01234567"),
        ("sc 123456", "SC123456"),
        ("SC12345", "SC012345"),
        ("NI012345", "NI012345"),
        ("oc300001", "OC300001"),
        ("", ""),
        ("n/a", ""),
    ],
)
def test_a_companies_house_number_is_kept_in_its_8_characters(typed, kept):
    provider = services.provider_create(name="Caring Hands Ltd", companies_house_number=typed)
    assert Provider.objects.get(pk=provider.pk).companies_house_number == kept


@pytest.mark.parametrize("typed", ["ABC", "123456789", "XX123456", "IP12345R", "RS007777"])
def test_what_is_not_a_companies_house_number_is_refused(typed):
    with pytest.raises(ValidationError) as refused:
        services.provider_create(name="Caring Hands Ltd", companies_house_number=typed)
    assert "not a Companies House number" in refused.value.message_dict["companies_house_number"][0]
    assert not Provider.objects.exists()


@pytest.mark.parametrize(("typed", "kept"), [("1064342", "1064342"), (" 1064342-1 ", "1064342-1"), ("", "")])
def test_a_charity_number_is_kept(typed, kept):
    provider = services.provider_create(name="Friends of the Day Centre", charity_number=typed)
    assert Provider.objects.get(pk=provider.pk).charity_number == kept


@pytest.mark.parametrize("typed", ["12345", "106434A", "123456789"])
def test_what_is_not_a_charity_number_is_refused(typed):
    with pytest.raises(ValidationError) as refused:
        services.provider_create(name="Friends of the Day Centre", charity_number=typed)
    assert "not a charity number" in refused.value.message_dict["charity_number"][0]
    assert not Provider.objects.exists()


def test_a_provider_is_refused_under_a_name_already_taken_whatever_its_case_and_spacing():
    ProviderFactory(name="Caring Hands Ltd")
    with pytest.raises(ValidationError) as refused:
        services.provider_create(name="  caring   HANDS ltd ")
    assert refused.value.message_dict["name"] == [
        "There is already a provider named “Caring Hands Ltd”: open it from the list instead."
    ]
    assert Provider.objects.count() == 1


# --- the provider pages ---------------------------------------------------------------------------


def test_an_officer_adds_a_provider(client_for, officer):
    response = client_for(officer).post(
        ADD_PROVIDER,
        _provider_data(name=" Caring  Hands Ltd ", companies_house_number="gb/1234567", is_sme="on"),
    )
    provider = Provider.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == provider.get_absolute_url()
    assert (provider.name, provider.companies_house_number, provider.charity_number) == (
        "Caring Hands Ltd",
        "01234567",
        "",
    )
    assert (provider.is_sme, provider.is_vcse) == (True, False)
    assert provider.version == 1
    history = list(provider.history.all())
    assert [(record.history_type, record.history_user) for record in history] == [("+", officer)]


def test_a_bad_number_is_shown_next_to_its_field_and_nothing_is_saved(client_for, officer):
    response = client_for(officer).post(
        ADD_PROVIDER, _provider_data(companies_house_number="12-34-ABC", charity_number="12")
    )
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert "not a Companies House number" in form.errors["companies_house_number"][0]
    assert "not a charity number" in form.errors["charity_number"][0]
    assert "The provider was not saved." in response.content.decode()
    assert 'value="12-34-ABC"' in response.content.decode()  # what was typed stays
    assert not Provider.objects.exists()


def test_a_duplicate_name_is_refused_on_the_page(client_for, officer):
    ProviderFactory(name="Caring Hands Ltd")
    response = client_for(officer).post(ADD_PROVIDER, _provider_data(name="caring hands LTD"))
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["name"] == [
        "There is already a provider named “Caring Hands Ltd”: open it from the list instead."
    ]
    assert Provider.objects.count() == 1


def test_an_officer_edits_a_provider_and_the_history_keeps_both(client_for, officer):
    provider = services.provider_create(name="Caring Hands", companies_house_number="1234567")
    client = client_for(officer)
    url = reverse("contracts:provider_update", args=[provider.pk])
    data = browser_form(client.get(url).content.decode(), action="")
    data.update(name=["Caring Hands Ltd"], charity_number=["1064342"], is_vcse=["on"])
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    after = Provider.objects.get(pk=provider.pk)
    assert (after.name, after.companies_house_number, after.charity_number, after.is_vcse) == (
        "Caring Hands Ltd",
        "01234567",
        "1064342",
        True,
    )
    assert after.version == 2
    assert [record.name for record in after.history.order_by("history_date")] == ["Caring Hands", "Caring Hands Ltd"]
    assert after.history.latest().history_user == officer


def test_a_provider_cannot_take_another_ones_name(client_for, officer):
    ProviderFactory(name="Certitude")
    provider = ProviderFactory(name="Caring Hands Ltd")
    client = client_for(officer)
    url = reverse("contracts:provider_update", args=[provider.pk])
    data = browser_form(client.get(url).content.decode(), action="")
    data["name"] = ["CERTITUDE"]
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["name"] == [
        "There is already a provider named “Certitude”: open it from the list instead."
    ]
    assert Provider.objects.get(pk=provider.pk).name == "Caring Hands Ltd"


def test_keeping_its_own_name_in_another_case_is_not_a_duplicate():
    provider = ProviderFactory(name="Caring Hands Ltd")
    services.provider_update(
        provider=provider,
        version=provider.version,
        name="Caring Hands LTD",
        companies_house_number="",
        charity_number="",
        is_sme=False,
        is_vcse=False,
    )
    assert Provider.objects.get(pk=provider.pk).name == "Caring Hands LTD"


def test_the_buttons_are_shown_to_officers_only(client_for, officer, clerk):
    provider = ProviderFactory(name="Caring Hands Ltd")
    organisation = OrganisationFactory(name="London Borough of Bromley")
    pages = {
        reverse("contracts:provider_list"): "Add a provider",
        provider.get_absolute_url(): "Edit provider",
        reverse("contracts:organisation_list"): "Add an organisation",
        organisation.get_absolute_url(): "Edit organisation",
    }
    for url, button in pages.items():
        assert button in client_for(officer).get(url).content.decode(), url
        assert button not in client_for(clerk).get(url).content.decode(), url


@pytest.mark.parametrize(
    ("target", "goes_to_next"),
    [("/contracts/new/", True), ("https://elsewhere.example/", False), ("//elsewhere.example/", False)],
)
def test_after_adding_it_goes_back_only_to_a_page_of_this_site(client_for, officer, target, goes_to_next):
    response = client_for(officer).post(f"{ADD_PROVIDER}?next={target}", _provider_data())
    provider = Provider.objects.get()
    assert response.url == (target if goes_to_next else provider.get_absolute_url())


# --- organisations ----------------------------------------------------------------------------------


def test_an_officer_adds_and_edits_an_organisation(client_for, officer):
    client = client_for(officer)
    response = client.post(ADD_ORGANISATION, {"name": "South East London  ICB", "kind": "icb"})
    organisation = Organisation.objects.get()
    assert response.url == organisation.get_absolute_url()
    assert (organisation.name, organisation.kind, organisation.version) == ("South East London ICB", "icb", 1)

    url = reverse("contracts:organisation_update", args=[organisation.pk])
    data = browser_form(client.get(url).content.decode(), action="")
    data.update(name=["NHS South East London ICB"])
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    after = Organisation.objects.get(pk=organisation.pk)
    assert (after.name, after.kind, after.version) == ("NHS South East London ICB", "icb", 2)
    assert after.history.count() == 2
    assert after.history.latest().history_user == officer


def test_an_organisation_is_refused_under_a_name_already_taken(client_for, officer):
    OrganisationFactory(name="London Borough of Bromley")
    response = client_for(officer).post(ADD_ORGANISATION, {"name": "london borough of bromley", "kind": "council"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["name"] == [
        "There is already an organisation named “London Borough of Bromley”: open it from the list instead."
    ]
    assert Organisation.objects.count() == 1


# --- a provider added from the contract form --------------------------------------------------------


def _contract_data(**overrides):
    data = {
        "reference": "NEW-1",
        "title": "New service",
        "service_area": ServiceAreaFactory(name="Mental health").pk,
        "contract_type": "block",
        "legislation": "pa_2023",
        "route": "light_touch",
        "lead_commissioner": OrganisationFactory(name="London Borough of Bromley").pk,
        "providers": "",
        "start_date": "2024-10-01",
        "term": "5+2+2",
        "options_exercised": "0",
        "annual_value": "2660000",
        "annual_uplift_percent": "0",
        "funding-TOTAL_FORMS": "0",
        "funding-INITIAL_FORMS": "0",
        "funding-MIN_NUM_FORMS": "0",
        "funding-MAX_NUM_FORMS": "10",
        "new_provider-name": "",
        "new_provider-companies_house_number": "",
        "new_provider-charity_number": "",
    }
    data.update(overrides)
    return data


def test_the_contract_form_offers_to_add_a_provider_to_officers(client_for, officer):
    page = client_for(officer).get(reverse("contracts:contract_create")).content.decode()
    assert "Provider not listed? Add it here" in page
    assert 'name="new_provider-name"' in page
    assert 'name="new_provider-companies_house_number"' in page


def test_a_provider_typed_in_the_contract_form_is_added_with_the_contract(client_for, officer):
    existing = ProviderFactory(name="Certitude")
    data = _contract_data(
        providers=existing.name,
        **{"new_provider-name": "Caring Hands Ltd", "new_provider-companies_house_number": "sc12345"},
    )
    response = client_for(officer).post(reverse("contracts:contract_create"), data)
    contract = Contract.objects.get(reference="NEW-1")
    assert response.url == contract.get_absolute_url()
    added = Provider.objects.get(name="Caring Hands Ltd")
    assert added.companies_house_number == "SC012345"
    assert sorted(contract.providers.values_list("name", flat=True)) == ["Caring Hands Ltd", "Certitude"]


def test_a_provider_typed_in_is_enough_without_one_from_the_list(client_for, officer):
    response = client_for(officer).post(
        reverse("contracts:contract_create"), _contract_data(**{"new_provider-name": "Caring Hands Ltd"})
    )
    assert response.status_code == HTTPStatus.FOUND
    assert list(Contract.objects.get(reference="NEW-1").providers.values_list("name", flat=True)) == [
        "Caring Hands Ltd"
    ]


def test_with_no_provider_chosen_or_typed_the_contract_is_refused(client_for, officer):
    response = client_for(officer).post(reverse("contracts:contract_create"), _contract_data())
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["providers"]
    assert not Contract.objects.exists()


def test_a_duplicate_provider_typed_in_keeps_everything_typed_and_saves_nothing(client_for, officer):
    ProviderFactory(name="Caring Hands Ltd")
    data = _contract_data(title="Home care in the north", **{"new_provider-name": "caring hands ltd"})
    response = client_for(officer).post(reverse("contracts:contract_create"), data)
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert response.context["new_provider"].errors["name"] == [
        "There is already a provider named “Caring Hands Ltd”: open it from the list instead."
    ]
    assert 'value="Home care in the north"' in page and 'value="caring hands ltd"' in page
    assert '<details class="mt-3 new-provider" open>' in page
    assert not Contract.objects.exists()
    assert Provider.objects.count() == 1


def test_a_bad_number_typed_in_saves_neither_the_provider_nor_the_contract(client_for, officer):
    data = _contract_data(**{"new_provider-name": "Caring Hands Ltd", "new_provider-companies_house_number": "X"})
    response = client_for(officer).post(reverse("contracts:contract_create"), data)
    assert "not a Companies House number" in response.context["new_provider"].errors["companies_house_number"][0]
    assert not Contract.objects.exists()
    assert not Provider.objects.exists()


def test_when_the_contract_is_refused_the_provider_typed_in_is_not_kept(client_for, officer):
    """The edit was read before someone else saved the contract: the provider goes with the refused save."""
    contract = ContractFactory(reference="LBB-1")
    client = client_for(officer)
    url = reverse("contracts:contract_update", args=[contract.pk])
    data = browser_form(client.get(url).content.decode(), action="")
    services.contract_update(contract=contract, version=contract.version, **_current(contract, title="Saved meanwhile"))
    data["new_provider-name"] = ["Caring Hands Ltd"]
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "Someone else saved this contract" in response.content.decode()
    assert not Provider.objects.filter(name="Caring Hands Ltd").exists()
    assert Contract.objects.get(pk=contract.pk).providers.count() == 1


def _current(contract: Contract, **changes) -> dict:
    values = {
        "title": contract.title,
        "service_area": contract.service_area,
        "lead_commissioner": contract.lead_commissioner,
        "providers": list(contract.providers.all()),
        "start_date": contract.start_date,
        "term": contract.term,
        "annual_value": contract.annual_value,
        "contract_type": contract.contract_type,
        "legislation": contract.legislation,
        "route": contract.route,
        "annual_uplift_percent": contract.annual_uplift_percent,
        "approved_value": contract.approved_value,
        "description": contract.description,
        "notes": contract.notes,
    }
    values.update(changes)
    return values


@pytest.mark.parametrize("model", [Provider, Organisation])
def test_a_correction_in_the_admin_makes_an_edit_form_read_before_it_stale(rf, django_user_model, model):
    from django.contrib import admin

    record = model.objects.create(name="Caring Hands Ltd")
    record.name = "Caring Hands Limited"
    request = rf.post("/")
    request.user = django_user_model.objects.create_superuser(username="admin", password="pw")
    admin.site._registry[model].save_model(request, record, None, change=True)
    assert model.objects.get(pk=record.pk).version == 2
