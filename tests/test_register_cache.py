"""Figures over the register are kept until the register changes, and never longer.

Every test here commits its writes (`transaction=True`), as the site does, so
the conftest's `register_cache` fixture keeps figures as in production.
"""

import re
from datetime import date
from decimal import Decimal
from http import HTTPStatus
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissioning.core import register_cache
from contracts.models import Contract, Provider
from tests.conftest import TODAY, ContractFactory

pytestmark = pytest.mark.django_db(transaction=True)


class Counter:
    """A computation that says how often it ran."""

    def __init__(self):
        self.runs = 0

    def __call__(self):
        self.runs += 1
        return self.runs


def kept(counter: Counter, question=()) -> int:
    return register_cache.remember("test", counter, today=TODAY, question=question)


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('INSERT INTO "contracts_contract" ("reference") VALUES (%s)', True),
        ('  UPDATE "committees_action" SET "status" = %s', True),
        ('DELETE FROM "commissioning_commissioningproject" WHERE id = 1', True),
        ('INSERT INTO "contracts_contract_providers" ("contract_id", "provider_id") VALUES (1, 2)', True),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('SELECT * FROM "contracts_contract"', False),
        ("UPDATE contracts_spendrecord SET amount = 1", True),
    ],
)
def test_only_writes_to_the_registers_tables_count(sql, writes):
    assert register_cache.writes_register(sql) is writes


def test_figures_are_worked_out_once_for_each_state_of_the_register():
    counter = Counter()
    assert kept(counter) == 1
    assert kept(counter) == 1
    assert kept(counter, question=[("status", ("live",))]) == 2  # another question, worked out for itself
    assert register_cache.remember("test", counter, today=date(2026, 11, 23)) == 3  # another day too
    ContractFactory()
    assert kept(counter) == 4
    assert kept(counter) == 4


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda contract: contract.providers.add(Provider.objects.create(name="Another")), id="m2m"),
        pytest.param(lambda contract: Contract.objects.filter(pk=contract.pk).update(title="Renamed"), id="update"),
        pytest.param(
            lambda contract: Provider.objects.bulk_create([Provider(name="Bulk one"), Provider(name="Bulk two")]),
            id="bulk_create",
        ),
        pytest.param(lambda contract: Contract.objects.filter(pk=contract.pk).delete(), id="delete"),
        pytest.param(
            lambda contract: connection.cursor().execute(
                "UPDATE contracts_contract SET title = %s WHERE id = %s", ["Raw", contract.pk]
            ),
            id="raw SQL",
        ),
    ],
)
def test_any_committed_write_however_made_renews_the_figures(write):
    contract = ContractFactory()
    counter = Counter()
    kept(counter)
    write(contract)
    assert kept(counter) == 2


def test_a_write_counts_when_its_transaction_commits_and_not_before():
    counter = Counter()
    kept(counter)
    with transaction.atomic():
        Provider.objects.create(name="Inside")
        with transaction.atomic():
            Provider.objects.create(name="Nested")
        assert kept(counter) == 1  # not committed yet: other readers still see the old register
    assert kept(counter) == 2


def test_a_write_rolled_back_changes_nothing():
    counter = Counter()
    kept(counter)
    with transaction.atomic():
        Provider.objects.create(name="Never saved")
        transaction.set_rollback(True)
    assert kept(counter) == 1


def test_writes_outside_the_register_keep_the_figures(django_user_model):
    counter = Counter()
    kept(counter)
    django_user_model.objects.create_user("someone")
    assert kept(counter) == 1


def test_with_the_token_out_of_reach_figures_are_worked_out_every_time():
    counter = Counter()
    with mock.patch.object(caches["register"], "get", side_effect=ConnectionError("down")):
        assert kept(counter) == 1
        assert kept(counter) == 2


def test_a_token_that_could_not_be_renewed_stops_kept_figures_being_read():
    counter = Counter()
    kept(counter)
    with mock.patch.object(caches["register"], "set", side_effect=ConnectionError("down")):
        Provider.objects.create(name="Saved while the cache was down")  # the save itself stands
    assert Provider.objects.filter(name="Saved while the cache was down").exists()
    assert kept(counter) == 2
    assert kept(counter) == 3  # still worked out afresh ...
    Provider.objects.create(name="Saved once it is back")
    assert kept(counter) == 4
    assert kept(counter) == 4  # ... until a write renews the token


def _band_count(client, months: int) -> int:
    """The number the dashboard shows for contracts ending within `months`, read off the page."""
    response = client.get(reverse("home"))
    assert response.status_code == HTTPStatus.OK
    row = re.search(rf'<tr data-band="{months}">.*?data-count="[^"]*">(\d+)<', response.content.decode(), re.S)
    return int(row.group(1))


def test_the_dashboard_shows_a_saved_contract_at_once(client_for, manager, officer):
    client = client_for(manager)
    before = _band_count(client, 6)
    with CaptureQueriesContext(connection) as captured:
        assert _band_count(client, 6) == before
    assert not any("contracts_contractfigures" in query["sql"] for query in captured)  # kept, not added up again
    # Through the site, as an officer: a contract ending within six months.
    ContractFactory(start_date=date(2024, 4, 1), term="3", annual_value=Decimal("50000.00"))
    assert _band_count(client, 6) == before + 1


def test_the_contract_lists_count_and_rows_follow_a_save(client_for, manager):
    first = ContractFactory(start_date=date(2025, 4, 1), term="3")
    client = client_for(manager)
    url = reverse("contracts:contract_list") + "?status=final_term"
    assert client.get(url).context["totals"]["count"] == 1
    second = ContractFactory(start_date=date(2025, 4, 1), term="3", annual_value=Decimal("25000.00"))
    response = client.get(url)
    assert response.context["totals"]["count"] == 2
    assert response.context["totals"]["annual"] == Decimal("125000.00")
    assert [contract.pk for contract in response.context["page"]] == [first.pk, second.pk]
    assert second.reference in response.content.decode()


def test_a_kept_part_of_a_page_is_written_again_after_a_write_and_for_other_values():
    template = Template('{% load kept %}{% kept "sample" kind %}{{ kind }}: {{ shown }}{% endkept %}')

    def written(kind: str, shown: str) -> str:
        return template.render(Context({"today": TODAY, "kind": kind, "shown": shown}))

    assert written("a", "first") == "a: first"
    assert written("a", "second") == "a: first"  # kept: what it shows follows from the register and `kind` only
    assert written("b", "second") == "b: second"
    Provider.objects.create(name="A write")
    assert written("a", "third") == "a: third"


def test_a_kept_part_is_written_every_time_with_keeping_off(settings):
    settings.REGISTER_CACHE_SECONDS = 0
    template = Template('{% load kept %}{% kept "sample" %}{{ shown }}{% endkept %}')
    assert template.render(Context({"today": TODAY, "shown": "first"})) == "first"
    assert template.render(Context({"today": TODAY, "shown": "second"})) == "second"
