"""The 403, 404, 405 and 500 pages: their status, their heading, the site's
navigation and a way on, with DEBUG off as in production."""

import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from commissioning.core.errors import server_error

NAV = 'class="navbar navbar-expand-lg'


def heading(response) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode()).group(1)


def test_debug_is_off():
    # The error pages below are the ones production shows only with DEBUG off.
    assert settings.DEBUG is False


@pytest.mark.django_db
def test_a_missing_page_is_a_branded_404(client_for, officer):
    response = client_for(officer).get("/contracts/999999/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert heading(response) == "Page not found"
    html = response.content.decode()
    assert NAV in html and "Sign out" in html
    assert f'href="{reverse("home")}"' in html and "Go to the dashboard" in html


@pytest.mark.django_db
def test_an_unknown_address_is_a_404_without_the_menu_when_signed_out(client):
    response = client.get("/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert heading(response) == "Page not found"
    html = response.content.decode()
    assert NAV in html and "Sign out" not in html
    assert f'href="{reverse("login")}"' in html


@pytest.mark.django_db
def test_a_page_the_role_may_not_use_is_a_branded_403(client_for, manager):
    response = client_for(manager).get(reverse("committees:committee_create"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert heading(response) == "You cannot change this"
    html = response.content.decode()
    assert NAV in html and "Sign out" in html
    assert "You are signed in as manager (Managers)" in html
    assert f'href="{reverse("contracts:contract_list")}"' in html


@pytest.mark.django_db
def test_a_get_of_a_form_address_is_a_branded_405_with_its_allow_header(client_for, clerk):
    meeting_items = reverse("committees:item_create", args=[1])
    response = client_for(clerk).get(meeting_items)
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "POST"
    assert heading(response) == "This address only saves forms"
    html = response.content.decode()
    assert NAV in html and "Sign out" in html
    assert "Go back to the page the form is on" in html


@pytest.mark.django_db
def test_a_get_of_sign_out_is_the_405_page_too(client_for, officer):
    # A class-based view's own 405 (LogoutView takes only POST) becomes the page as well.
    response = client_for(officer).get(reverse("logout"))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "POST, OPTIONS"
    assert heading(response) == "This address only saves forms"


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_a_failing_page_is_a_branded_500(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    response = client.get("/broken/")
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert heading(response) == "Something went wrong"
    html = response.content.decode()
    assert "Go to the dashboard" in html and f'href="{reverse("home")}"' in html
    # Rendered without the request: no user menu that needs the session or the database.
    assert "Sign out" not in html


def test_the_500_page_renders_without_the_database():
    # No django_db mark: any query would fail the test.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert heading(response) == "Something went wrong"
    assert "{%" not in response.content.decode()
