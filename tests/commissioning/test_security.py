"""Production security: the deploy check, HTTPS, the Content-Security-Policy and caching."""

import os
import re
import secrets
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import ContractFactory

ROOT = Path(settings.BASE_DIR)


def production_env(tmp_path, **overrides):
    """The environment of a production web process: DEBUG off, a long random key, real host names."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "SECURE_", "SESSION_"))}
    env.pop("DEBUG", None)
    env.update(
        DJANGO_SETTINGS_MODULE="commissioning.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="contracts.council.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    env.update(overrides)
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def settings_of(env, *names):
    """The repr of each setting in `names`, as a process started with `env` reads them."""
    code = "from django.conf import settings; " + "; ".join(f"print(repr(settings.{name}))" for name in names)
    result = manage(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    return dict(zip(names, result.stdout.strip().splitlines()[-len(names) :]))


class TestDeployCheck:
    def test_it_is_clean_with_the_production_settings(self, tmp_path):
        result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

        assert result.returncode == 0, result.stderr
        assert "System check identified no issues" in result.stdout

    def test_it_fails_without_the_ssl_redirect(self, tmp_path):
        # The test above can fail: turning one protection off is reported.
        result = manage(
            production_env(tmp_path, SECURE_SSL_REDIRECT="false"), "check", "--deploy", "--fail-level", "WARNING"
        )

        assert result.returncode != 0
        assert "security.W008" in result.stderr


class TestSettingsFromTheEnvironment:
    def test_the_defaults(self, tmp_path):
        read = settings_of(
            production_env(tmp_path),
            "SESSION_COOKIE_AGE",
            "AXES_FAILURE_LIMIT",
            "AXES_COOLOFF_TIME",
            "SECURE_HSTS_SECONDS",
            "SECURE_SSL_REDIRECT",
            "SESSION_COOKIE_SECURE",
        )

        assert read == {
            "SESSION_COOKIE_AGE": str(8 * 60 * 60),
            "AXES_FAILURE_LIMIT": "5",
            "AXES_COOLOFF_TIME": "datetime.timedelta(seconds=900)",
            "SECURE_HSTS_SECONDS": str(365 * 24 * 60 * 60),
            "SECURE_SSL_REDIRECT": "True",
            "SESSION_COOKIE_SECURE": "True",
        }

    def test_they_can_be_changed(self, tmp_path):
        env = production_env(
            tmp_path, SESSION_COOKIE_AGE="3600", SIGN_IN_FAILURE_LIMIT="10", SIGN_IN_LOCKOUT_MINUTES="60"
        )

        read = settings_of(env, "SESSION_COOKIE_AGE", "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME")

        assert read == {
            "SESSION_COOKIE_AGE": "3600",
            "AXES_FAILURE_LIMIT": "10",
            "AXES_COOLOFF_TIME": "datetime.timedelta(seconds=3600)",
        }

    def test_a_value_it_cannot_read_stops_the_site_with_its_name(self, tmp_path):
        result = manage(production_env(tmp_path, SIGN_IN_FAILURE_LIMIT="five"), "check")

        assert result.returncode != 0
        assert "SIGN_IN_FAILURE_LIMIT must be a whole number, not 'five'." in result.stderr


@pytest.mark.django_db
class TestHeaders:
    def test_a_page_says_where_it_may_load_from(self, client):
        response = client.get(reverse("login"), secure=True)

        policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_plain_http_is_sent_to_https(self, client):
        response = client.get(reverse("login"))

        assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
        assert response["Location"] == "https://testserver" + reverse("login")

    def test_a_register_page_is_not_kept_by_browsers_or_proxies(self, client, officer):
        ContractFactory(title="Home care in the north")
        client.force_login(officer)

        response = client.get(reverse("contracts:contract_list"))

        assert "Home care in the north" in response.content.decode()
        assert cache_control(response) >= {"private", "no-store"}

    def test_a_download_is_not_kept_by_browsers_or_proxies(self, client, officer):
        ContractFactory(title="Home care in the north")
        client.force_login(officer)

        response = client.get(reverse("contracts:contract_export"))

        assert response["Content-Type"].startswith("text/csv")
        assert "Home care in the north" in response.content.decode("utf-8-sig")
        assert cache_control(response) >= {"private", "no-store"}


def cache_control(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


# What the Content-Security-Policy refuses to run: inline scripts, event-handler
# attributes, javascript: links and <style> elements. Style attributes are allowed.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:|<style[\s>]", re.IGNORECASE)


# The 500 page keeps its styles inline, since static files may be what failed:
# its view widens the policy for its styles alone (tested below).
ALLOWED_INLINE = {("errors/500.html", "<style>")}


def test_no_template_holds_what_the_policy_blocks():
    templates = ROOT / "templates"
    found = [
        f"{path.relative_to(templates)}: {match.group(0)!r}"
        for path in sorted(templates.rglob("*.html"))
        if "email" not in path.parts  # emails are read in a mail client, not under the site's policy
        for match in INLINE.finditer(path.read_text())
        if (path.relative_to(templates).as_posix(), match.group(0)) not in ALLOWED_INLINE
    ]

    assert found == []


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_the_500_page_may_use_its_inline_styles_and_still_no_script(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)

    response = client.get("/broken/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["script-src"] == "'self'"
    assert cache_control(response) >= {"private", "no-store"}
