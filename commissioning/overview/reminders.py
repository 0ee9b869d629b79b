"""Reminder emails: what falls due for each user in the coming days.

The items are the user's calendar events (`commissioning.overview.calendar_feed`) from
today to `days_ahead` days ahead. Each item is sent once: what was sent is
recorded in `ReminderSent` under the event's UID and day, so running the job
again sends nothing twice, while a date that moves is reminded again.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from commissioning.core.roles import CLERKS, MANAGERS, OFFICERS
from commissioning.overview.calendar_feed import ALL_KINDS, Event, absolute_url, events_between, kinds_for
from commissioning.projects.models import ReminderSent

log = logging.getLogger(__name__)

ROLES = (OFFICERS, CLERKS, MANAGERS)


@dataclass(frozen=True)
class SendResult:
    emails_sent: int
    items_sent: int
    failed: tuple[str, ...] = ()  # usernames whose email could not be sent


def default_site_url() -> str:
    """The site's address for the links in the emails: in production
    CSRF_TRUSTED_ORIGINS holds the site's own https origin. Blank: no links."""
    return next(iter(settings.CSRF_TRUSTED_ORIGINS), "")


def reminder_key(event: Event) -> str:
    return f"{event.uid}:{event.on.isoformat()}"


def _window(today: date, days_ahead: int) -> tuple[date, date]:
    if days_ahead < 1:
        raise ValueError(f"Reminders look at least one day ahead, not {days_ahead}.")
    return today, today + timedelta(days=days_ahead)


def reminder_recipients():
    """Active users with an email address and a role."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=ROLES)
        .exclude(email="")
        .distinct()
        .prefetch_related("groups")
        .order_by("pk")
    )


def reminder_subject(count: int, days_ahead: int) -> str:
    things = "1 thing falls" if count == 1 else f"{count} things fall"
    days = "day" if days_ahead == 1 else f"{days_ahead} days"
    return f"{things} due in the next {days}"


def reminder_email(user, items: list[Event], *, days_ahead: int, site_url: str = "") -> EmailMultiAlternatives:
    rows = [{"event": item, "url": absolute_url(item.url, site_url) if site_url else ""} for item in items]
    context = {"user": user, "rows": rows, "days_ahead": days_ahead}
    message = EmailMultiAlternatives(
        subject=reminder_subject(len(items), days_ahead),
        body=render_to_string("commissioning/email/reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(render_to_string("commissioning/email/reminder.html", context), "text/html")
    return message


def send_reminders(*, today: date, days_ahead: int, connection=None, site_url: str = "") -> SendResult:
    """Email each user what falls due for them and has not been sent before:
    one email per user, nothing for a user with nothing new.

    The record of what was sent is written in the same transaction as the
    email goes out, before it does: if sending fails the record is rolled
    back and the next run tries again; if another run is sending the same
    items at the same moment, the unique key stops the second one.
    """
    start, end = _window(today, days_ahead)
    users = list(reminder_recipients())
    if not users:
        return SendResult(0, 0)
    # Every kind once for everyone, then each user's share: the queries do not grow with the users.
    events = events_between(ALL_KINDS, start=start, end=end, today=today)
    already_sent = set(
        ReminderSent.objects.filter(user__in=users, due_on__gte=start, due_on__lte=end).values_list("user_id", "key")
    )
    emails = items = 0
    failed = []
    # The backend opens and closes its connection for each email it is given.
    connection = connection or get_connection()
    for user in users:
        kinds = kinds_for(user)
        new = [e for e in events if e.kind in kinds and (user.pk, reminder_key(e)) not in already_sent]
        if not new:
            continue
        message = reminder_email(user, new, days_ahead=days_ahead, site_url=site_url)
        message.connection = connection
        try:
            with transaction.atomic():
                ReminderSent.objects.bulk_create(
                    [ReminderSent(user=user, key=reminder_key(e), due_on=e.on) for e in new]
                )
                message.send()
        except IntegrityError:
            log.info("Reminders for %s are being sent by another run; skipped.", user.username)
            continue
        except (SMTPException, OSError):
            log.exception("The reminder email to %s could not be sent; the next run tries again.", user.username)
            failed.append(user.username)
            continue
        emails += 1
        items += len(new)
    return SendResult(emails_sent=emails, items_sent=items, failed=tuple(failed))
