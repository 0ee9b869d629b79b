"""Reminder emails: each user is told once what falls due for them."""

import io
from datetime import date, timedelta
from smtplib import SMTPException

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command

from commissioning.core.roles import OFFICERS
from commissioning.overview import reminders
from commissioning.overview.reminders import reminder_subject, send_reminders
from commissioning.projects.models import ReminderSent
from committees import services as committee_services
from tests.commissioning.test_calendar import action_due, london, meeting_on
from tests.conftest import TODAY, ContractFactory

pytestmark = pytest.mark.django_db

DAYS = 14  # 22 Nov to 6 Dec 2026


@pytest.fixture
def due_soon():
    """Dates within 14 days of Sun 22 Nov 2026, for officers and for clerks."""
    # 3+2 from 1 Jun 2024: the term ends 31 May 2027, so option 1 is decided by 30 Nov 2026.
    option = ContractFactory(
        reference="NCC-ILSS-2024", title="Independent living", start_date=date(2024, 6, 1), term="3+2"
    )
    # 3 years from 5 Dec 2023, no option: ends Fri 4 Dec 2026.
    ending = ContractFactory(
        reference="SEL-AMH-2023", title="Supported accommodation", start_date=date(2023, 12, 5), term="3"
    )
    meeting = meeting_on(london(2026, 12, 3))  # Thu 3 Dec 2026 19:00; agenda by Wed 25 Nov
    action = action_due(date(2026, 12, 1))
    return {"option": option, "ending": ending, "meeting": meeting, "action": action}


def run(**kwargs):
    values = {"today": TODAY, "days_ahead": DAYS}
    values.update(kwargs)
    return send_reminders(**values)


def email_to(address):
    [message] = [m for m in mail.outbox if m.to == [address]]
    return message


def test_the_first_run_sends_each_user_their_own_items(due_soon, officer, clerk):
    result = run()

    assert (result.emails_sent, result.items_sent) == (2, 6)
    assert sorted(m.to[0] for m in mail.outbox) == ["clerk@example.org", "officer@example.org"]

    to_officer = email_to("officer@example.org")
    assert to_officer.subject == "3 things fall due in the next 14 days"
    lines = to_officer.body.splitlines()
    assert lines[:3] == ["Hello officer,", "", "These fall due in the next 14 days:"]
    assert [line for line in lines if line.startswith("- ")] == [
        "- Mon 30 Nov 2026 – Option decision due: NCC-ILSS-2024 option 1",
        "- Tue 1 Dec 2026 – Action due: Report progress on support@home to Members",
        "- Fri 4 Dec 2026 – Contract ends: SEL-AMH-2023 Supported accommodation",
    ]
    html, mimetype = to_officer.alternatives[0]
    assert mimetype == "text/html" and "Option decision due: NCC-ILSS-2024 option 1" in html

    to_clerk = email_to("clerk@example.org")
    assert to_clerk.subject == "3 things fall due in the next 14 days"
    assert [line for line in to_clerk.body.splitlines() if line.startswith("- ")] == [
        "- Wed 25 Nov 2026 – Agenda publication deadline: Executive, 3 Dec 2026",
        "- Tue 1 Dec 2026 – Action due: Report progress on support@home to Members",
        "- Thu 3 Dec 2026, 19:00 – Meeting: Executive",
    ]
    assert set(ReminderSent.objects.values_list("user__username", "key", "due_on")) == {
        ("officer", f"option-deadline-{due_soon['option'].pk}-1@commissioning:2026-11-30", date(2026, 11, 30)),
        ("officer", f"action-{due_soon['action'].pk}@commissioning:2026-12-01", date(2026, 12, 1)),
        ("officer", f"contract-end-{due_soon['ending'].pk}@commissioning:2026-12-04", date(2026, 12, 4)),
        ("clerk", f"agenda-deadline-{due_soon['meeting'].pk}@commissioning:2026-11-25", date(2026, 11, 25)),
        ("clerk", f"action-{due_soon['action'].pk}@commissioning:2026-12-01", date(2026, 12, 1)),
        ("clerk", f"meeting-{due_soon['meeting'].pk}@commissioning:2026-12-03", date(2026, 12, 3)),
    }


def test_a_second_run_sends_nothing(due_soon, officer, clerk, manager):
    first = run()
    outbox, recorded = len(mail.outbox), ReminderSent.objects.count()

    second = run()
    next_day = run(today=TODAY + timedelta(days=1))

    assert (first.emails_sent, first.items_sent) == (3, 11)  # the manager gets all 5
    assert (second.emails_sent, second.items_sent) == (0, 0)
    assert (next_day.emails_sent, next_day.items_sent) == (0, 0)
    assert len(mail.outbox) == outbox == 3
    assert ReminderSent.objects.count() == recorded == 11


def test_an_item_that_falls_due_later_is_sent_alone(due_soon, officer):
    run()
    mail.outbox.clear()
    later = action_due(date(2026, 12, 6), text="Bring the KPI report to the next meeting", held=london(2026, 11, 18))

    result = run()

    assert (result.emails_sent, result.items_sent) == (1, 1)
    [message] = mail.outbox
    assert message.subject == "1 thing falls due in the next 14 days"
    assert "This falls due in the next 14 days:" in message.body
    assert [line for line in message.body.splitlines() if line.startswith("- ")] == [
        "- Sun 6 Dec 2026 – Action due: Bring the KPI report to the next meeting"
    ]
    assert ReminderSent.objects.filter(key=f"action-{later.pk}@commissioning:2026-12-06").exists()


def test_a_date_that_moves_is_sent_again(due_soon, clerk):
    run()
    mail.outbox.clear()
    meeting = due_soon["meeting"]
    committee_services.meeting_update(
        meeting=meeting,
        starts_at=london(2026, 12, 2, 18),
        venue=meeting.venue,
        status=meeting.status,
        agenda_published_on=None,
        decisions_published_on=None,
    )

    run()

    [message] = mail.outbox
    assert [line for line in message.body.splitlines() if line.startswith("- ")] == [
        "- Tue 24 Nov 2026 – Agenda publication deadline: Executive, 2 Dec 2026",
        "- Wed 2 Dec 2026, 18:00 – Meeting: Executive",
    ]


def test_users_without_an_email_a_role_or_an_account_get_nothing(due_soon, officer, nobody, django_user_model):
    officer.email = ""
    officer.save()
    gone = django_user_model.objects.create_user(username="gone", email="gone@example.org", is_active=False)
    gone.groups.add(Group.objects.get(name=OFFICERS))

    result = run()

    assert (result.emails_sent, result.items_sent) == (0, 0)
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_only_the_days_ahead_are_counted(due_soon, officer):
    result = run(days_ahead=8)  # to 30 Nov, both included

    assert (result.emails_sent, result.items_sent) == (1, 1)
    assert mail.outbox[0].subject == "1 thing falls due in the next 8 days"
    # The rest are sent when they come within reach.
    assert run(days_ahead=DAYS).items_sent == 2


def test_nothing_in_the_past_is_sent(due_soon, officer):
    assert run(today=date(2026, 12, 5)).items_sent == 0


def test_a_failed_email_is_not_recorded_and_is_sent_next_time(due_soon, officer, clerk, monkeypatch):
    def refuse(self, fail_silently=False):
        if self.to == ["officer@example.org"]:
            raise SMTPException("Connection refused")
        return original(self, fail_silently)

    original = reminders.EmailMultiAlternatives.send
    monkeypatch.setattr(reminders.EmailMultiAlternatives, "send", refuse)
    result = run()
    assert (result.emails_sent, result.failed) == (1, ("officer",))
    assert not ReminderSent.objects.filter(user=officer).exists()

    monkeypatch.setattr(reminders.EmailMultiAlternatives, "send", original)
    retry = run()
    assert (retry.emails_sent, retry.items_sent) == (1, 3)
    assert mail.outbox[-1].to == ["officer@example.org"]


def test_reminder_subject():
    assert reminder_subject(3, 14) == "3 things fall due in the next 14 days"
    assert reminder_subject(1, 14) == "1 thing falls due in the next 14 days"
    assert reminder_subject(2, 1) == "2 things fall due in the next day"


def test_days_ahead_must_be_at_least_one(officer):
    with pytest.raises(ValueError):
        run(days_ahead=0)


# --- the command -----------------------------------------------------------------------


def call(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_the_command_sends_once(due_soon, officer, clerk):
    assert call("--today", "2026-11-22") == "Sent 2 emails about 6 items.\n"
    assert call("--today", "2026-11-22") == "Sent 0 emails about 0 items.\n"
    assert len(mail.outbox) == 2


def test_the_command_defaults_to_today_and_the_setting(due_soon, officer, settings):
    settings.REMINDER_DAYS_AHEAD = 8
    assert call() == "Sent 1 email about 1 item.\n"
    assert call("--days", "14") == "Sent 1 email about 2 items.\n"


def test_the_command_links_to_the_site(due_soon, officer, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://contracts.council.example"]
    call("--today", "2026-11-22")
    body = mail.outbox[0].body
    assert f"  https://contracts.council.example/contracts/{due_soon['option'].pk}/" in body.splitlines()


def test_the_command_rejects_bad_arguments():
    with pytest.raises(CommandError, match="not a date"):
        call("--today", "22/11/2026")
    with pytest.raises(CommandError, match="at least one day"):
        call("--days", "0")


def test_the_command_fails_when_an_email_cannot_be_sent(due_soon, officer, monkeypatch):
    def refuse(self, fail_silently=False):
        raise SMTPException("Connection refused")

    monkeypatch.setattr(reminders.EmailMultiAlternatives, "send", refuse)
    with pytest.raises(CommandError, match="Could not send to officer"):
        call("--today", "2026-11-22")


# --- the job the scheduler runs (commissioning/overview/tasks.py; eager in the tests) ---


def test_the_job_sends_once(due_soon, officer, clerk, settings):
    from commissioning.overview import tasks

    settings.CSRF_TRUSTED_ORIGINS = ["https://contracts.council.example"]
    assert tasks.send_reminders.delay().get() == 6
    assert tasks.send_reminders.delay().get() == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["clerk@example.org", "officer@example.org"]
    assert ReminderSent.objects.filter(user=officer).count() == 3
    assert "https://contracts.council.example/" in email_to("officer@example.org").body


def test_the_job_asks_to_be_tried_again_when_an_email_cannot_be_sent(due_soon, officer, monkeypatch):
    from celery.exceptions import Retry

    from commissioning.overview import tasks

    def refuse(self, fail_silently=False):
        raise SMTPException("Connection refused")

    monkeypatch.setattr(reminders.EmailMultiAlternatives, "send", refuse)
    # On a worker the retry runs a minute or so later; run at once, it is raised.
    with pytest.raises(Retry, match="Could not send to officer"):
        tasks.send_reminders.delay()
    assert not ReminderSent.objects.exists()
