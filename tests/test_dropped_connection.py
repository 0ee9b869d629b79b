"""A database connection kept between requests that the database or the network
dropped is replaced at the next request, not shown as a 500 (CONN_HEALTH_CHECKS)."""

from http import HTTPStatus

import pytest
from django.core.signals import request_started
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def like_a_server():
    """Django's test client unhooks the start-of-request connection check that a
    real server runs; hook it back in, under another receiver, for these tests."""

    def check_connections(**kwargs):
        close_old_connections()

    request_started.connect(check_connections)
    yield
    request_started.disconnect(check_connections)


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite opens its file anew and has no network connection to drop; run with DATABASE_URL=postgres://…"
        )


def test_health_checks_are_on_with_connections_kept():
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert connection.settings_dict["CONN_MAX_AGE"] > 0


def test_a_dropped_connection_is_replaced(postgresql, like_a_server, client_for, officer):
    client = client_for(officer)
    assert client.get(reverse("contracts:contract_list")).status_code == HTTPStatus.OK
    dropped = connection.connection
    dropped.close()  # as when the database restarts or a firewall cuts an idle connection

    response = client.get(reverse("contracts:contract_list"))

    assert response.status_code == HTTPStatus.OK
    assert connection.connection is not dropped and not connection.connection.closed


def test_without_health_checks_the_same_drop_fails(postgresql, like_a_server, client_for, officer):
    # The test above can fail: with the check off, the next request uses the dead connection.
    client = client_for(officer)
    assert client.get(reverse("contracts:contract_list")).status_code == HTTPStatus.OK
    connection.health_check_enabled = False
    connection.connection.close()

    with pytest.raises((InterfaceError, OperationalError)):
        client.get(reverse("contracts:contract_list"))
    connection.close()
