"""Factories and role fixtures shared by the whole suite."""

import contextlib
import io
from datetime import date
from decimal import Decimal

import factory
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import models, transaction

from commissioning.core.roles import CLERKS, MANAGERS, OFFICERS
from contracts import services
from contracts.models import Contract, Organisation, Provider, ServiceArea
from contracts.querysets import with_figures
from contracts.regime import legislation_by_date

# A fixed "today" for tests that are not about a particular day.
TODAY = date(2026, 11, 22)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"London Borough {n}")
    kind = Organisation.Kind.COUNCIL


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Care Provider {n} Ltd")


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ["name"]

    name = "Mental health"


class ContractFactory(factory.Factory):
    """Builds contracts through `services.contract_create`, so stored dates are right."""

    class Meta:
        model = Contract

    reference = factory.Sequence(lambda n: f"C{n:04d}")
    title = factory.LazyAttribute(lambda o: f"Support service {o.reference}")
    service_area = factory.SubFactory(ServiceAreaFactory)
    lead_commissioner = factory.SubFactory(OrganisationFactory)
    providers = factory.LazyFunction(lambda: [ProviderFactory()])
    start_date = date(2024, 10, 1)
    # The law by the start date, standing in for the day the procurement started; light touch.
    legislation = factory.LazyAttribute(lambda o: legislation_by_date(o.start_date))
    route = Contract.Route.LIGHT_TOUCH
    term = "5+2+2"
    annual_value = Decimal("100000.00")
    options_exercised = 0

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.contract_create(**kwargs)

    @classmethod
    def _build(cls, model_class, **kwargs):
        raise NotImplementedError("Contracts are only made through services.contract_create.")


def on(contract: Contract, day: date = TODAY) -> Contract:
    """The contract with its figures on `day` (current_end_date, status …), as lists read them."""
    return with_figures(Contract.objects.filter(pk=contract.pk), today=day).get()


def required_start(project, day: date = TODAY) -> date | None:
    """A project's required start as its pages show it on `day`."""
    from commissioning.projects.selectors import project_queryset, required_start_of

    return required_start_of(project_queryset(today=day).get(pk=project.pk))


def _user(django_user_model, username: str, group: str | None):
    user = django_user_model.objects.create_user(username=username, password="pw", email=f"{username}@example.org")
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def officer(django_user_model):
    return _user(django_user_model, "officer", OFFICERS)


@pytest.fixture
def clerk(django_user_model):
    return _user(django_user_model, "clerk", CLERKS)


@pytest.fixture
def manager(django_user_model):
    return _user(django_user_model, "manager", MANAGERS)


@pytest.fixture
def nobody(django_user_model):
    """Signed in, but in no role."""
    return _user(django_user_model, "nobody", None)


def _flush_by_delete_on_postgresql() -> None:
    """After each transactional test (the browser tests, the threaded ones) the
    database is emptied by `flush`, which on PostgreSQL is one TRUNCATE of every
    table: some 2.5 seconds a test, for the new files it makes for each table and
    index. Tables this small empty at once with DELETE. The foreign keys Django
    makes are deferred to the commit, so the order does not matter, and TRUNCATE
    without RESTART IDENTITY kept the sequences as DELETE does; a test that asks
    for its sequences reset still gets TRUNCATE."""
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # no psycopg: the suite runs on SQLite only
        return
    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [
            f"{style.SQL_KEYWORD('DELETE')} {style.SQL_KEYWORD('FROM')} {style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
        ]

    DatabaseOperations.sql_flush = sql_flush


_flush_by_delete_on_postgresql()


@contextlib.contextmanager
def module_transaction(django_db_blocker):
    """A transaction of a module's own, rolled back after its last test, for data
    built once and read by every test of the module (`demo_data`, `built_once`).
    Each test's `db` transaction is a savepoint inside it, so what a test writes
    is undone after that test as usual. Inside it, as in a test, "today" is TODAY
    and the migrations' gateways are there (a transactional test run earlier on
    this worker may have flushed them). A transactional test (`transaction=True`,
    the browser tests) cannot use it."""
    from commissioning.projects.defaults import create_defaults
    from commissioning.projects.models import Gateway, ProcurementThreshold

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr("commissioning.core.dates.real_today", lambda: TODAY)
        atomic = transaction.atomic()
        # As a test's own transaction is: the services' durable transactions run inside it.
        atomic._from_testcase = True
        atomic.__enter__()
        try:
            if not Gateway.objects.exists():
                create_defaults(Gateway, ProcurementThreshold)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """`load_demo_data --today TODAY --seed-only` (the seed cases), once for every test of a module that reads it.

    A module uses it for all its tests, with `pytest.mark.usefixtures("demo_data")`
    in its `pytestmark`, so no test there can see a database with or without the
    demo depending on which test ran first. The data is loaded in the module's own
    transaction (`module_transaction`), rolled back after its last test.
    """
    with module_transaction(django_db_blocker):
        call_command("load_demo_data", "--today", TODAY.isoformat(), "--seed-only", stdout=io.StringIO())
        yield


def built_once(build):
    """A module-scoped fixture that runs `build()` once, in the module's own
    transaction (`module_transaction`), for records that take a while to make and
    that every test of the module starts from. `build` returns a dict of model
    instances (and other values); each test gets its own copies of the instances,
    read afresh from the database, so a test that changes one in memory changes
    nothing for the next. What a test writes is rolled back after it as usual."""

    @pytest.fixture(scope="module")
    def fixture(django_db_setup, django_db_blocker):
        with module_transaction(django_db_blocker):
            yield build()

    return fixture


def fresh(built: dict) -> dict:
    """`built`'s model instances read again from the database, the rest as they are."""
    return {
        key: type(value)._default_manager.get(pk=value.pk) if isinstance(value, models.Model) else value
        for key, value in built.items()
    }


@pytest.fixture(autouse=True)
def reference_data(request):
    """The gateways and thresholds the migrations create, put back when a
    transactional test run earlier on this worker flushed them. Run serially,
    pytest-django keeps transactional tests last; run in parallel, a worker may
    take one before others, and every test after it would see no gateways."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if marker and marker.kwargs.get("transaction") else "db")
    from commissioning.projects.defaults import create_defaults
    from commissioning.projects.models import Gateway, ProcurementThreshold

    if not Gateway.objects.exists():
        create_defaults(Gateway, ProcurementThreshold)


def _commits(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(request.fixturenames) or (marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def register_cache(request):
    """Figures over the register are kept (commissioning/core/register_cache.py)
    in tests whose writes commit, the browser journeys among them, as in
    production. A test in a transaction that is rolled back never commits, so
    the register's token would never change: there they are worked out afresh
    (tests/settings.py). Either way, nothing kept outlives the test."""
    from django.core.cache import caches
    from django.test.utils import override_settings

    caches["figures"].clear()
    if not _commits(request):
        yield False
        return
    with override_settings(REGISTER_CACHE_SECONDS=900):
        yield True
    caches["figures"].clear()


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Pages and services see TODAY as today, so no test depends on the real date."""
    monkeypatch.setattr("commissioning.core.dates.real_today", lambda: TODAY)
    return TODAY


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login
