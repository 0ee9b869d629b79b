"""`manage.py send_reminders [--today YYYY-MM-DD] [--days N]`: email what falls due.

Each user gets one email listing what falls due for them in the next N days
(`REMINDER_DAYS_AHEAD`, 14 by default) that they have not been sent before,
so running it twice in a day sends nothing the second time.
"""

import argparse
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from commissioning.core import dates
from commissioning.core.management import iso_date
from commissioning.overview.reminders import default_site_url, send_reminders

# A year: enough for any reminder, and far from overflowing the date arithmetic.
MOST_DAYS_AHEAD = 366


def whole_days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days.") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"Look at least one day ahead, not {value}.")
    if value > MOST_DAYS_AHEAD:
        raise argparse.ArgumentTypeError(f"Look at most {MOST_DAYS_AHEAD} days ahead, not {value}.")
    return value


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = "Email each user what falls due for them in the coming days. Nothing is sent twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=iso_date, default=None, metavar="YYYY-MM-DD", help="The day to count from. Default: today."
        )
        parser.add_argument(
            "--days",
            type=whole_days,
            default=None,
            metavar="N",
            help=f"How many days ahead to look. Default: REMINDER_DAYS_AHEAD ({settings.REMINDER_DAYS_AHEAD}).",
        )
        parser.add_argument(
            "--site-url",
            default="",
            metavar="URL",
            help="The site's address for the links in the emails, such as https://contracts.council.example. "
            "Default: the first of CSRF_TRUSTED_ORIGINS; without either the emails carry no links.",
        )

    def handle(self, *args, today: date | None, days: int | None, site_url: str, **options) -> None:
        site_url = site_url or default_site_url()
        result = send_reminders(
            today=today or dates.real_today(),
            days_ahead=days or settings.REMINDER_DAYS_AHEAD,
            site_url=site_url,
        )
        self.stdout.write(f"Sent {_plural(result.emails_sent, 'email')} about {_plural(result.items_sent, 'item')}.")
        if result.failed:
            raise CommandError(
                f"Could not send to {', '.join(result.failed)}; their reminders are sent on the next run."
            )
