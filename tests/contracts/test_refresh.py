"""`manage.py refresh_contracts`: the daily check of the figures kept for SQL.

A lapse is a consequence of the day, not a fact written by the job: the stored
spans already hold the figures of every day, so the job only repairs spans
that differ from the facts.
"""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contracts.models import ContractFigures, ContractOption
from tests.conftest import ContractFactory, on

pytestmark = pytest.mark.django_db


def refresh(*args: str) -> str:
    out = StringIO()
    call_command("refresh_contracts", *args, stdout=out)
    return out.getvalue()


def mhfss():
    # 3+2 from 1 Oct 2019: the initial term ends 30 Sep 2022 (docs/domain.md, Bromley MHFSS).
    return ContractFactory(start_date=date(2019, 10, 1), term="3+2", annual_value=Decimal("319000"))


def test_an_option_lapses_on_the_day_after_the_current_end_without_any_job_running():
    contract = mhfss()

    last_day = on(contract, date(2022, 9, 30))
    day_after = on(contract, date(2022, 10, 1))

    assert (last_day.status, last_day.final_end_date, last_day.next_decision_deadline) == (
        "live",
        date(2024, 9, 30),
        date(2022, 3, 30),
    )
    assert last_day.option_late is True
    assert last_day.whole_life_value == Decimal("1595000.00")
    assert (day_after.status, day_after.current_end_date, day_after.final_end_date) == (
        "expired",
        date(2022, 9, 30),
        date(2022, 9, 30),
    )
    assert day_after.next_decision_deadline is None
    assert day_after.option_late is False
    assert day_after.whole_life_value == day_after.committed_value == Decimal("957000.00")
    # Nothing was written: the lapse is not a recorded fact.
    assert list(ContractOption.objects.values_list("status", "decided_on", "decision_note")) == [
        ("available", None, "")
    ]


def test_the_job_changes_nothing_when_the_figures_are_current():
    for _ in range(3):
        ContractFactory()
    rows = list(ContractFigures.objects.values_list("pk", "valid_from", "valid_to"))

    # (A second line names any kind of search entry it had to fill: the factories make providers directly.)
    assert refresh().startswith("Checked the figures of every contract; rewrote those of 0 contracts.\n")

    assert list(ContractFigures.objects.values_list("pk", "valid_from", "valid_to")) == rows


def test_the_job_rewrites_figures_that_differ_from_the_facts():
    contract = mhfss()
    ContractFactory()
    ContractFigures.objects.filter(contract=contract).delete()

    assert refresh().startswith("Checked the figures of every contract; rewrote those of 1 contract.\n")

    assert on(contract, date(2022, 9, 30)).final_end_date == date(2024, 9, 30)
    assert on(contract, date(2022, 10, 1)).final_end_date == date(2022, 9, 30)


def test_the_job_no_longer_takes_a_day():
    with pytest.raises(CommandError, match="--today"):
        refresh("--today", "2022-10-01")
