from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contracts import services
from contracts.models import Contract, ContractOption, FundingShare
from tests.conftest import TODAY, ContractFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_it_stores_dates_and_values_of_support_at_home():
    contract = ContractFactory(start_date=date(2024, 10, 1), term="5+2+2", annual_value=Decimal("2660000"))
    assert contract.initial_end_date == date(2029, 9, 30)
    assert contract.current_end_date == date(2029, 9, 30)
    assert contract.final_end_date == date(2033, 9, 30)
    assert contract.next_decision_deadline == date(2029, 3, 30)
    assert contract.committed_value == Decimal("13300000.00")
    assert contract.whole_life_value == Decimal("23940000.00")
    assert list(contract.options.values_list("order", "months", "status")) == [
        (1, 24, "available"),
        (2, 24, "available"),
    ]
    assert list(contract.funding_shares.values_list("organisation__name", "percent")) == [
        (contract.lead_commissioner.name, Decimal("100.00"))
    ]


def test_lowering_options_exercised_reopens_an_option_without_its_old_decision():
    contract = ContractFactory(start_date=date(2024, 10, 1), term="5+2+2", options_exercised=1)
    option = contract.options.get(order=1)
    assert option.decision_note == "Recorded as exercised when the contract was registered."
    contract = services.contract_update(
        contract=contract,
        **_facts(contract),
        options_exercised=0,
        today=TODAY,
    )
    option.refresh_from_db()
    assert (option.status, option.decided_by, option.decided_on, option.decision_note) == ("available", "", None, "")
    assert contract.current_end_date == date(2029, 9, 30)


def _facts(contract):
    return {
        "title": contract.title,
        "service_area": contract.service_area,
        "lead_commissioner": contract.lead_commissioner,
        "providers": list(contract.providers.all()),
        "start_date": contract.start_date,
        "term": contract.term,
        "annual_value": contract.annual_value,
        "contract_type": contract.contract_type,
        "procurement_regime": contract.procurement_regime,
        "annual_uplift_percent": contract.annual_uplift_percent,
        "approved_value": contract.approved_value,
        "description": contract.description,
        "notes": contract.notes,
    }


def test_an_unchanged_update_writes_no_history():
    contract = ContractFactory()
    history = contract.history.count()
    option_history = ContractOption.history.count()
    services.contract_update(contract=contract, **_facts(contract), today=TODAY)
    assert contract.history.count() == history
    assert ContractOption.history.count() == option_history


def test_the_daily_refresh_writes_history_only_when_something_lapses():
    contract = ContractFactory(start_date=date(2019, 10, 1), term="3+2", today=date(2022, 1, 1))
    history = contract.history.count()
    services.contract_refresh(contract=contract, today=date(2022, 9, 30))
    assert contract.history.count() == history
    services.contract_refresh(contract=contract, today=date(2022, 10, 1))
    assert contract.history.count() == history + 1
    assert contract.options.get().status == "lapsed"


def test_funding_shares_with_more_than_two_decimals_are_refused():
    a, b, c = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    with pytest.raises(ValidationError) as error:
        ContractFactory(
            funding=[
                services.Share(a, Decimal("33.333")),
                services.Share(b, Decimal("33.333")),
                services.Share(c, Decimal("33.334")),
            ]
        )
    assert "at most two decimal places" in str(error.value)
    assert not Contract.objects.exists()
    assert not FundingShare.objects.exists()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("London Borough of Bromley", "council"),
        ("Nottingham City Council", "council"),
        ("South East London ICB", "icb"),
        ("NHS South East London Integrated Care Board", "icb"),
        ("Oxleas NHS Foundation Trust", "nhs_trust"),
        ("Hestia Housing and Support", "other"),
    ],
)
def test_new_organisations_get_a_kind_from_their_name(name, kind):
    assert services.organisation_get_or_create(name=name).kind == kind


def _year_values(contract):
    return dict(contract.year_values.values_list("financial_year", "amount"))


def test_year_values_are_stored_and_follow_the_options():
    contract = ContractFactory(start_date=date(2024, 10, 1), term="5+2+2", annual_value=Decimal("2660000"))
    years = _year_values(contract)
    assert years[2024] == Decimal("1330000.00")
    assert years[2025] == Decimal("2660000.00")
    assert years[2033] == Decimal("1330000.00")
    assert sum(years.values()) == contract.whole_life_value == Decimal("23940000.00")

    services.option_decline(
        option=contract.options.get(order=1), decided_by="Chief Officer", decided_on=TODAY, today=TODAY
    )
    years = _year_values(contract)
    assert max(years) == 2029
    assert years[2029] == Decimal("1330000.00")
    assert sum(years.values()) == Decimal("13300000.00")


def test_the_spend_total_follows_the_records():
    contract = ContractFactory()
    services.spend_record(contract=contract, financial_year=2024, amount=Decimal("100.50"))
    record = services.spend_record(contract=contract, financial_year=2025, amount=Decimal("200"))
    contract.refresh_from_db()
    assert contract.spend_total == Decimal("300.50")
    services.spend_delete(record=record)
    contract.refresh_from_db()
    assert contract.spend_total == Decimal("100.50")
