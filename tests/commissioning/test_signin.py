"""Signing in: the throttle on failed attempts, changing a password, resetting one by email."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import call_command
from django.db.models import F
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase"
NEW_PASSWORD = "another-long-passphrase"


@pytest.fixture
def alex(django_user_model):
    return django_user_model.objects.create_user(
        username="alex", password=PASSWORD, email="alex@council.example", first_name="Alex", last_name="Khan"
    )


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def ten_minutes_pass():
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=10))


def signed_in_as(client):
    return client.session.get("_auth_user_id")


class TestThrottle:
    def test_sixty_wrong_passwords_then_the_right_one_does_not_sign_in(self, client, alex):
        for _ in range(60):
            sign_in(client, "alex", "not-the-password")

        response = sign_in(client, "alex", PASSWORD)

        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert signed_in_as(client) is None
        page = response.content.decode()
        assert "Too many failed sign-ins" in page
        assert "After 5 failed attempts in a row" in page
        assert "paused for 15 minutes" in page
        assert AccessAttempt.objects.get(username="alex").failures_since_start >= 5

    def test_it_locks_at_the_limit_not_before(self, client, alex):
        for _ in range(4):
            assert sign_in(client, "alex", "not-the-password").status_code == HTTPStatus.OK

        response = sign_in(client, "alex", "not-the-password")

        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert sign_in(client, "alex", PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert signed_in_as(client) is None

    def test_a_success_below_the_limit_starts_the_count_again(self, client, alex):
        for _ in range(4):
            sign_in(client, "alex", "not-the-password")
        sign_in(client, "alex", PASSWORD)
        assert signed_in_as(client) == str(alex.pk)
        client.post(reverse("logout"))

        for _ in range(4):
            sign_in(client, "alex", "not-the-password")
        sign_in(client, "alex", PASSWORD)

        assert signed_in_as(client) == str(alex.pk)

    def test_the_lockout_is_for_that_username_only(self, client, alex, django_user_model):
        sam = django_user_model.objects.create_user(username="sam", password=PASSWORD)
        for _ in range(5):
            sign_in(client, "alex", "not-the-password")

        sign_in(client, "sam", PASSWORD)

        assert signed_in_as(client) == str(sam.pk)

    def test_the_lockout_is_for_that_address_only(self, client, alex):
        for _ in range(5):
            sign_in(client, "alex", "not-the-password")

        client.post(reverse("login"), {"username": "alex", "password": PASSWORD}, REMOTE_ADDR="192.0.2.7")

        assert signed_in_as(client) == str(alex.pk)

    def test_the_right_password_signs_in_once_the_cool_off_has_passed(self, client, alex):
        for _ in range(5):
            sign_in(client, "alex", "not-the-password")
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

        sign_in(client, "alex", PASSWORD)

        assert signed_in_as(client) == str(alex.pk)

    def test_a_try_during_the_pause_starts_it_again(self, client, alex):
        for _ in range(5):
            sign_in(client, "alex", "not-the-password")
        ten_minutes_pass()
        assert sign_in(client, "alex", PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS

        # 20 minutes after the lockout, but only 10 after the last try.
        ten_minutes_pass()
        response = sign_in(client, "alex", PASSWORD)

        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert "each try before then starts the pause again" in response.content.decode()
        assert signed_in_as(client) is None

    def test_axes_reset_lifts_a_lockout(self, client, alex):
        for _ in range(5):
            sign_in(client, "alex", "not-the-password")

        call_command("axes_reset", verbosity=0)
        sign_in(client, "alex", PASSWORD)

        assert signed_in_as(client) == str(alex.pk)
        assert not AccessAttempt.objects.exists()

    @override_settings(AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=timedelta(minutes=45))
    def test_the_limit_and_the_pause_are_settings(self, client, alex):
        sign_in(client, "alex", "not-the-password")
        response = sign_in(client, "alex", "not-the-password")

        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert "After 2 failed attempts in a row" in response.content.decode()
        assert "paused for 45 minutes" in response.content.decode()

    def test_an_administrator_sees_the_attempts_in_the_admin(self, client, alex, admin_user):
        sign_in(client, "alex", "not-the-password")
        client.force_login(admin_user)

        response = client.get(reverse("admin:axes_accessattempt_changelist"))

        assert response.status_code == HTTPStatus.OK
        assert "alex" in response.content.decode()


class TestPasswordChange:
    def test_it_changes_the_password(self, client, alex):
        client.force_login(alex)

        response = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == reverse("password_change_done")
        alex.refresh_from_db()
        assert alex.check_password(NEW_PASSWORD)
        assert not alex.check_password(PASSWORD)
        # Still signed in on this computer.
        assert client.get(reverse("password_change_done")).status_code == HTTPStatus.OK
        assert signed_in_as(client) == str(alex.pk)

    def test_it_refuses_a_wrong_current_password(self, client, alex):
        client.force_login(alex)

        response = client.post(
            reverse("password_change"),
            {"old_password": "not-the-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

        assert response.status_code == HTTPStatus.OK
        assert "Your old password was entered incorrectly" in response.content.decode()
        alex.refresh_from_db()
        assert alex.check_password(PASSWORD)

    def test_it_refuses_a_weak_new_password(self, client, alex):
        client.force_login(alex)

        response = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
        )

        assert response.status_code == HTTPStatus.OK
        assert "This password is too common" in response.content.decode()
        alex.refresh_from_db()
        assert alex.check_password(PASSWORD)

    def test_it_requires_sign_in(self, client):
        response = client.get(reverse("password_change"))

        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("login"))

    def test_the_user_menu_links_to_it(self, client, officer):
        client.force_login(officer)

        response = client.get(reverse("home"))

        assert f'href="{reverse("password_change")}"' in response.content.decode()


class TestPasswordReset:
    def test_the_sign_in_page_links_to_it(self, client):
        response = client.get(reverse("login"))

        assert f'href="{reverse("password_reset")}"' in response.content.decode()

    def test_the_emailed_link_sets_a_new_password_once(self, client, alex):
        response = client.post(reverse("password_reset"), {"email": "alex@council.example"})

        assert response["Location"] == reverse("password_reset_done")
        assert len(mail.outbox) == 1
        email = mail.outbox[0]
        assert email.to == ["alex@council.example"]
        assert email.subject == "Reset your password for the contract register"
        assert email.body.startswith("Hello Alex Khan,")
        assert "Your username is alex." in email.body
        assert not email.alternatives  # plain text only
        link = re.search(r"http://testserver(/accounts/reset/\S+/)", email.body).group(1)

        # Django swaps the token in the address for one kept in the session.
        form_url = client.get(link)["Location"]
        response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

        assert response["Location"] == reverse("password_reset_complete")
        alex.refresh_from_db()
        assert alex.check_password(NEW_PASSWORD)
        again = client.get(link)
        assert again.status_code == HTTPStatus.OK
        assert "This link no longer works" in again.content.decode()
        sign_in(client, "alex", NEW_PASSWORD)
        assert signed_in_as(client) == str(alex.pk)

    def test_it_sends_nothing_to_an_unknown_address_and_says_the_same(self, client, alex):
        response = client.post(reverse("password_reset"), {"email": "someone@elsewhere.example"}, follow=True)

        assert mail.outbox == []
        assert "If an account has that email address" in response.content.decode()

    def test_a_made_up_link_does_not_work(self, client, alex):
        response = client.get(reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "made-up-token"}))

        assert response.status_code == HTTPStatus.OK
        assert "This link no longer works" in response.content.decode()
        alex.refresh_from_db()
        assert alex.check_password(PASSWORD)
