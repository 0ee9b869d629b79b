"""The History section: who changed what and when, old → new, on the record's page."""

from datetime import date
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from contracts.history import HISTORY_PAGE, Source, record_history
from contracts.models import Contract, Provider
from contracts.selectors import contract_history
from tests.conftest import ContractFactory, OrganisationFactory, ProviderFactory
from tests.edit_forms import browser_form

pytestmark = pytest.mark.django_db


def _history_section(html: str) -> str:
    return html[html.index('id="history"') :]


def _named(user, first="Priya", last="Shah"):
    user.first_name, user.last_name = first, last
    user.save()
    return user


def test_it_shows_who_changed_a_contract_field_from_what_to_what(client_for, officer):
    contract = ContractFactory(reference="LBB-1", annual_value=Decimal("2500000.00"))
    client = client_for(_named(officer))
    url = reverse("contracts:contract_update", args=[contract.pk])
    data = browser_form(client.get(url).content.decode(), action="")
    data.update(annual_value=["2660000"], end_date=["2029-09-30"], route=["call_off"])
    assert client.post(url, data).status_code == HTTPStatus.FOUND

    section = _history_section(client.get(contract.get_absolute_url()).content.decode())
    assert "Priya Shah" in section
    assert 'Annual value</span>: <span class="history-old">£2,500,000.00</span>' in section
    assert '<span class="history-new">£2,660,000.00</span>' in section
    assert 'End date of the initial term</span>: <span class="history-old">blank</span>' in section
    assert "30 Sep 2029" in section
    assert f">{Contract.Route.LIGHT_TOUCH.label}</span>" in section
    assert f">{Contract.Route.CALL_OFF.label}</span>" in section
    # The record's creation is there too, after the change.
    assert section.index("Changed") < section.index("Created")


def test_it_shows_spend_and_options_of_the_contract(client_for, officer):
    contract = ContractFactory(reference="LBB-2")
    client = client_for(officer)
    url = reverse("contracts:spend_create", args=[contract.pk])
    client.post(url, {"financial_year": 2024, "amount": "1200000.50"})
    client.post(url, {"financial_year": 2024, "amount": "1250000"})

    changes = contract_history(contract=contract).changes
    newest = changes[0]
    assert (newest.who, newest.record, newest.action) == ("officer", "Spend in 2024", "changed")
    assert [(f.field, f.old, f.new) for f in newest.fields] == [("Amount", "£1,200,000.50", "£1,250,000.00")]
    assert ("Spend in 2024", "created") in [(c.record, c.action) for c in changes]
    assert {c.record for c in changes if c.action == "created"} >= {"", "Option 1", "Option 2"}


def test_a_removed_funding_share_shows_as_removed(officer):
    contract = ContractFactory(reference="LBB-3")
    council = OrganisationFactory(name="Bromley Council")
    share = contract.funding_shares.create(organisation=council, percent=Decimal("40"))
    share.percent = Decimal("60")
    share.save()
    share.delete()

    changes = contract_history(contract=contract).changes
    assert [(c.record, c.action) for c in changes[:3]] == [
        ("Funding share of Bromley Council", "removed"),
        ("Funding share of Bromley Council", "changed"),
        ("Funding share of Bromley Council", "created"),
    ]
    assert [(f.field, f.old, f.new) for f in changes[1].fields] == [("Percent", "40.00%", "60.00%")]
    assert changes[0].who == "The system"


def test_a_linked_record_is_named_and_a_change_that_shows_nothing_is_left_out():
    provider = ProviderFactory(name="Hestia")
    provider.name = "Hestia Housing and Support"
    provider.save()
    provider.save()  # nothing changed

    changes = record_history(sources=[Source(Provider.history.filter(id=provider.pk))]).changes
    assert [c.action for c in changes] == ["changed", "created"]
    assert [(f.field, f.old, f.new) for f in changes[0].fields] == [("Name", "Hestia", "Hestia Housing and Support")]


def test_the_lead_commissioner_is_named_by_its_name(officer):
    contract = ContractFactory(reference="LBB-4", lead_commissioner=OrganisationFactory(name="Bromley"))
    contract.lead_commissioner = OrganisationFactory(name="Bexley")
    contract.save()
    change = contract_history(contract=contract).changes[0]
    assert [(f.field, f.old, f.new) for f in change.fields] == [("Lead commissioner", "Bromley", "Bexley")]


def test_each_change_is_told_against_the_version_right_before_it(officer):
    first, second = OrganisationFactory(name="Bromley"), OrganisationFactory(name="Bexley")
    contract = ContractFactory(reference="LBB-6", title="Day care", lead_commissioner=first)
    for title, lead in (("Day care 2", second), ("Day care 3", second), ("Day care 4", first)):
        contract.title, contract.lead_commissioner = title, lead
        contract.save()
    option = contract.options.create(order=9, months=12)
    option.months = 24
    option.save()

    changes = contract_history(contract=contract).changes
    told = [(c.record, [(f.field, f.old, f.new) for f in c.fields]) for c in changes if c.action == "changed"]
    assert told == [
        ("Option 9", [("Months", "12", "24")]),
        ("", [("Title", "Day care 3", "Day care 4"), ("Lead commissioner", "Bexley", "Bromley")]),
        ("", [("Title", "Day care 2", "Day care 3")]),
        ("", [("Title", "Day care", "Day care 2"), ("Lead commissioner", "Bromley", "Bexley")]),
    ]


def test_the_page_caps_the_history_and_shows_all_on_request(client_for, officer, django_assert_max_num_queries):
    provider = ProviderFactory(name="Provider 0")
    for n in range(1, HISTORY_PAGE + 5):
        provider.name = f"Provider {n}"
        provider.save()
    client = client_for(officer)

    with django_assert_max_num_queries(20):
        capped = _history_section(client.get(provider.get_absolute_url()).content.decode())
    assert capped.count('class="history-change') == HISTORY_PAGE
    assert "Show the full history" in capped
    with django_assert_max_num_queries(20):
        full = _history_section(client.get(provider.get_absolute_url(), {"history": "all"}).content.decode())
    assert full.count('class="history-change') == HISTORY_PAGE + 5
    assert "Show the full history" not in full


def test_the_contract_page_queries_do_not_grow_with_its_history(client_for, officer):
    contract = ContractFactory(reference="LBB-5")
    client = client_for(officer)

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(contract.get_absolute_url()).status_code == HTTPStatus.OK
        return len(captured)

    def edit(year: int):
        spend = contract.spend_records.create(financial_year=year, amount=Decimal("1000"))
        spend.amount = Decimal("2000")
        spend.save()
        contract.review_date = date(year, 1, 1)
        contract.save()

    edit(2024)
    before = queries()
    for year in range(2025, 2029):
        edit(year)
    assert queries() == before
