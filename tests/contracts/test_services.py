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
