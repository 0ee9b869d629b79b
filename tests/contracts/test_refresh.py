from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contracts.models import Contract
from tests.conftest import ContractFactory

pytestmark = pytest.mark.django_db


def refresh(*args: str) -> str:
    out = StringIO()
    call_command("refresh_contracts", *args, stdout=out)
    return out.getvalue()


def mhfss_before_its_first_end():
    # 3+2 from 1 Oct 2019: the initial term ends 30 Sep 2022 (docs/domain.md, Bromley MHFSS).
    return ContractFactory(start_date=date(2019, 10, 1), term="3+2", annual_value=319000, today=date(2022, 6, 1))


def test_it_lapses_an_option_once_the_current_end_has_passed():
    contract = mhfss_before_its_first_end()
    assert contract.final_end_date == date(2024, 9, 30)
    assert contract.next_decision_deadline == date(2022, 3, 30)

    assert refresh("--today", "2022-10-01") == "Refreshed 1 contract.\n"

    contract = Contract.objects.get(pk=contract.pk)
    option = contract.options.get()
    assert option.status == "lapsed"
    assert option.decision_note == "Lapsed: not decided by the end of the period before it (30 Sep 2022)."
    assert contract.current_end_date == date(2022, 9, 30)
    assert contract.final_end_date == contract.current_end_date
    assert contract.next_decision_deadline is None
    assert contract.whole_life_value == contract.committed_value == 957000


def test_it_leaves_the_option_open_on_the_last_day_of_the_period():
    contract = mhfss_before_its_first_end()

    refresh("--today", "2022-09-30")

    contract = Contract.objects.get(pk=contract.pk)
    assert contract.options.get().status == "available"
    assert contract.final_end_date == date(2024, 9, 30)
    assert contract.next_decision_deadline == date(2022, 3, 30)
    assert contract.whole_life_value == 1595000


def test_it_counts_every_contract():
    for _ in range(3):
        ContractFactory()

    assert refresh("--today", "2026-11-22") == "Refreshed 3 contracts.\n"


def test_it_rejects_a_date_it_cannot_read():
    with pytest.raises(CommandError, match="'2022-13-01' is not a date: write it as YYYY-MM-DD"):
        refresh("--today", "2022-13-01")
