"""Background jobs through the real queue: Redis as the broker, a Celery worker,
and what the job did read back from the database.

Elsewhere the tests run every job at once, in the test's own process
(CELERY_TASK_ALWAYS_EAGER in tests/settings.py). Here the jobs are put on Redis
at 127.0.0.1:6379 (started with `redis-server` if it is not running) and taken
off by a worker running in a thread of this process, so it uses the test
database; the tests are transactional so the worker sees what they saved. Each
test has a queue of its own name, so concurrent runs never take each other's
jobs. With CI=true a Redis that cannot be started fails the tests; otherwise
they are skipped.
"""

import os
import shutil
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from kombu import pools

from commissioning.celery import app
from contracts import register_imports, tasks
from contracts.models import Contract, ContractFigures, RegisterImport
from tests.conftest import ContractFactory, on

REDIS_PORT = 6379
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
JOB_TIMEOUT = 60  # seconds

pytestmark = pytest.mark.django_db(transaction=True)

TC_FILE = (
    "Contract Reference number / ID,Title of the Agreement,Supplier name,Contract start date,End date,"
    "Contract value,Effective Date\r\n"
    'ASC-001,Home care,Caring Hands Ltd,01/04/2023,31/03/2026,"£1,200,000.00",31/12/2025\r\n'
    'ASC-002,Day opportunities,Friends of the Day Centre,01/04/2024,15/08/2027,"250,000",31/12/2025\r\n'
).encode()


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.exceptions.ConnectionError:
        return False


@pytest.fixture(scope="module")
def redis_server():
    client = redis.Redis(host="127.0.0.1", port=REDIS_PORT, socket_connect_timeout=1)
    if not _answers(client) and (server := shutil.which("redis-server")):
        subprocess.run([server, "--port", str(REDIS_PORT), "--daemonize", "yes"], capture_output=True, check=False)
        for _ in range(50):
            if _answers(client):
                break
            time.sleep(0.1)
    if not _answers(client):
        message = (
            f"Redis is not running at 127.0.0.1:{REDIS_PORT} and redis-server could not start it "
            "(on Debian or Ubuntu: apt-get install -y redis-server)."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    yield client
    client.close()


def _forget_connections() -> None:
    """Drop what the app made from the broker settings, so it reads them again."""
    pools.reset()
    app._pool = None
    app.__dict__.pop("amqp", None)


@pytest.fixture
def worker(redis_server):
    """A worker on a queue of this test's own, with the jobs going to it by Redis."""
    queue = f"test-jobs-{uuid.uuid4().hex}"
    changes = {
        "broker_url": REDIS_URL,
        "task_always_eager": False,
        "task_default_queue": queue,
        "broker_connection_retry_on_startup": False,
    }
    saved = {key: app.conf[key] for key in changes}
    app.conf.update(changes)
    _forget_connections()
    try:
        with start_worker(app, perform_ping_check=False, queues=[queue], shutdown_timeout=JOB_TIMEOUT):
            yield queue
    finally:
        app.conf.update(saved)
        _forget_connections()
        # The queue and the bindings kombu made for it (its exchange has the queue's name).
        redis_server.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


@contextmanager
def finished(task):
    """Wait, at the end of the block, for the worker to finish `task` (by its own
    signal, so the test does not read the database while the worker writes)."""
    ended = threading.Event()
    states = []

    def record(sender=None, state=None, **kwargs):
        if sender is not None and sender.name == task.name:
            states.append(state)
            ended.set()

    task_postrun.connect(record, weak=False)
    try:
        yield states
        assert ended.wait(JOB_TIMEOUT), f"the worker did not finish {task.name} in {JOB_TIMEOUT} s"
    finally:
        task_postrun.disconnect(record)


def test_a_large_import_is_read_and_saved_by_the_worker(worker, django_user_model, settings):
    settings.IMPORT_BACKGROUND_ROWS = 1
    officer = django_user_model.objects.create_user(username="officer")

    with finished(tasks.read_import) as states:
        record = register_imports.import_upload(
            user=officer,
            file_name="register.csv",
            data=TC_FILE,
            as_at=None,
            value_basis="whole",
            lead_commissioner="London Borough of Bromley",
        )
        assert record.status == RegisterImport.Status.READING
    assert states == ["SUCCESS"]
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.PREVIEW
    assert (record.counts["rows"], record.counts["accepted"] + record.counts["warnings"], record.counts["create"]) == (
        2,
        2,
        2,
    )
    assert [row["reference"] for row in record.report] == ["ASC-001", "ASC-002"]
    assert not Contract.objects.exists()

    with finished(tasks.run_import) as states:
        record = register_imports.import_confirm(record=record, user=officer, version=record.version)
        assert record.status == RegisterImport.Status.QUEUED
    assert states == ["SUCCESS"]
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.DONE
    assert record.counts["created"] == 2
    contracts = Contract.objects.order_by("reference")
    assert [(contract.reference, [p.name for p in contract.providers.all()]) for contract in contracts] == [
        ("ASC-001", ["Caring Hands Ltd"]),
        ("ASC-002", ["Friends of the Day Centre"]),
    ]
    assert contracts[0].start_date == date(2023, 4, 1)


def test_the_daily_refresh_rewrites_figures_through_the_queue(worker):
    contract = ContractFactory(start_date=date(2019, 10, 1), term="3+2", annual_value=Decimal("319000"))
    ContractFigures.objects.filter(contract=contract).delete()

    with finished(tasks.refresh_contracts) as states:
        tasks.refresh_contracts.delay()
    assert states == ["SUCCESS"]
    assert ContractFigures.objects.filter(contract=contract).exists()
    assert on(contract, date(2022, 9, 30)).final_end_date == date(2024, 9, 30)
