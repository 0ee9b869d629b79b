"""The reminder emails as a background job (Celery; see commissioning/celery.py)."""

from celery import shared_task
from django.conf import settings

from commissioning.core import dates
from commissioning.core.jobs import retried
from commissioning.overview import reminders


class RemindersNotSent(Exception):
    """Some users' emails could not be sent; what they were not sent goes on the next try."""


@shared_task(**retried(RemindersNotSent))
def send_reminders() -> int:
    """Email each user what falls due in the next REMINDER_DAYS_AHEAD days
    (`manage.py send_reminders`). Each item is sent once, so a retry or a second
    run sends only what was not sent."""
    result = reminders.send_reminders(
        today=dates.real_today(), days_ahead=settings.REMINDER_DAYS_AHEAD, site_url=reminders.default_site_url()
    )
    if result.failed:
        raise RemindersNotSent(f"Could not send to {', '.join(result.failed)}.")
    return result.items_sent
