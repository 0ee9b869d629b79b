"""The data migration that split the old single regime, run on rows written before it."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("contracts", "0003_contract_spend_total"), ("commissioning", "0003_calendar_feeds_and_reminders")]
AFTER = [("contracts", "0004_legislation_and_route"), ("commissioning", "0004_legislation_and_route")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_splits_every_contract_and_project_and_their_history():
    old = _migrate(BEFORE)
    try:
        Contract = old.get_model("contracts", "Contract")
        HistoricalContract = old.get_model("contracts", "HistoricalContract")
        Project = old.get_model("commissioning", "CommissioningProject")
        area = old.get_model("contracts", "ServiceArea").objects.create(name="Home support")
        council = old.get_model("contracts", "Organisation").objects.create(name="London Borough of Bromley")
        cases = {
            "SAH": ("light_touch", date(2024, 10, 1)),
            "NEW-LT": ("light_touch", date(2025, 3, 1)),
            "PCR": ("pcr_2015", date(2019, 7, 1)),
            "PA": ("pa_2023", date(2025, 6, 1)),
            "PSR": ("psr", date(2024, 4, 1)),
            "BT": ("below_threshold", date(2025, 4, 1)),
            "WAIVER": ("waiver", date(2017, 10, 1)),
        }
        stored = {}
        for reference, (regime, start) in cases.items():
            contract = Contract.objects.create(
                reference=reference,
                title=reference,
                service_area=area,
                lead_commissioner=council,
                procurement_regime=regime,
                start_date=start,
                term="3",
                annual_value=Decimal("100000"),
                initial_end_date=start,
                current_end_date=start,
                final_end_date=start,
                committed_value=Decimal("0"),
                whole_life_value=Decimal("0"),
            )
            stored[reference] = contract.pk
        HistoricalContract.objects.create(
            id=stored["SAH"],
            reference="SAH",
            title="SAH",
            procurement_regime="light_touch",
            start_date=date(2024, 10, 1),
            term="3",
            annual_value=Decimal("100000"),
            initial_end_date=date(2024, 10, 1),
            current_end_date=date(2024, 10, 1),
            final_end_date=date(2024, 10, 1),
            committed_value=Decimal("0"),
            whole_life_value=Decimal("0"),
            history_date="2024-10-01T12:00:00Z",
            history_type="+",
        )
        Project.objects.create(
            title="support@home",
            service_area=area,
            required_start_date=date(2024, 10, 1),
            procurement_regime="light_touch",
        )
        Project.objects.create(
            title="Health", service_area=area, required_start_date=date(2026, 4, 1), procurement_regime="psr"
        )

        new = _migrate(AFTER)

        Contract = new.get_model("contracts", "Contract")
        assert dict(Contract.objects.values_list("reference", "legislation")) == {
            "SAH": "pcr_2015",
            "NEW-LT": "pa_2023",
            "PCR": "pcr_2015",
            "PA": "pa_2023",
            "PSR": "psr",
            "BT": "pa_2023",
            "WAIVER": "none",
        }
        assert dict(Contract.objects.values_list("reference", "route")) == {
            "SAH": "light_touch",
            "NEW-LT": "light_touch",
            "PCR": "open_tender",
            "PA": "open_tender",
            "PSR": "direct_award",
            "BT": "below_threshold",
            "WAIVER": "waiver",
        }
        history = new.get_model("contracts", "HistoricalContract").objects.values_list("legislation", "route")
        assert list(history) == [("pcr_2015", "light_touch")]
        projects = new.get_model("commissioning", "CommissioningProject").objects.order_by("title")
        assert list(projects.values_list("title", "legislation", "route")) == [
            ("Health", "psr", "direct_award"),
            ("support@home", "", "light_touch"),
        ]
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
