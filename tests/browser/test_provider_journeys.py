"""An officer adds a provider from the contract form, in a browser with JavaScript switched off."""

from django.contrib.auth.models import Group

from commissioning.core.roles import OFFICERS
from contracts.models import Contract, Provider
from tests.conftest import OrganisationFactory, ProviderFactory, ServiceAreaFactory

PASSWORD = "a-long-test-password"


def test_a_provider_is_added_from_the_contract_form_without_javascript(
    browser, live_server, transactional_db, django_user_model, screenshot
):
    user = django_user_model.objects.create_user("priya", password=PASSWORD, first_name="Priya", last_name="Shah")
    user.groups.add(Group.objects.get(name=OFFICERS))
    ServiceAreaFactory(name="Mental health")
    OrganisationFactory(name="London Borough of Bromley")
    ProviderFactory(name="Hestia Housing and Support")

    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="en-GB", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.locator("input[name=username]").fill("priya")
        page.locator("input[name=password]").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()

        page.goto("/contracts/new/")
        page.get_by_label("Reference").fill("LBB-CARERS-2027")
        page.get_by_label("Title").fill("Carers support service")
        page.get_by_label("Service area").select_option(label="Mental health")
        page.get_by_label("Lead commissioner").select_option(label="London Borough of Bromley")
        page.get_by_text("Provider not listed? Add it here").click()
        page.get_by_label("Name of the new provider").fill("Carers Trust Bromley")
        page.locator("#id_new_provider-companies_house_number").fill("XYZ")
        page.locator("#id_new_provider-charity_number").fill("1064342")
        page.get_by_label("Start date").fill("2027-04-01")
        page.locator("#id_term").fill("3+2")
        page.get_by_label("Annual value (£)").fill("250000")
        page.get_by_role("button", name="Register contract").click()

        # Refused: what was typed is all still there, the new provider's fields open.
        assert "The contract was not saved." in page.locator("#form-errors").inner_text()
        assert page.get_by_label("Title").input_value() == "Carers support service"
        assert page.get_by_label("Name of the new provider").input_value() == "Carers Trust Bromley"
        assert page.locator("#id_new_provider-companies_house_number").input_value() == "XYZ"
        screenshot(page, "contract-form-new-provider-refused-390")
        assert not Provider.objects.filter(name="Carers Trust Bromley").exists()

        page.locator("#id_new_provider-companies_house_number").fill("1234567")
        page.get_by_role("button", name="Register contract").click()

        assert "Contract LBB-CARERS-2027 registered." in page.locator(".alert-success").inner_text()
        contract = Contract.objects.get(reference="LBB-CARERS-2027")
        provider = Provider.objects.get(name="Carers Trust Bromley")
        assert list(contract.providers.all()) == [provider]
        assert (provider.companies_house_number, provider.charity_number) == ("01234567", "1064342")
    finally:
        context.close()
