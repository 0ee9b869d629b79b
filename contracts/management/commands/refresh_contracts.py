"""`manage.py refresh_contracts [--today YYYY-MM-DD]`: the daily job.

Lapses the options whose period ended without a decision and recomputes every
contract's stored dates and values, so lists that filter on them stay right.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandParser

from commissioning.core.dates import real_today
from commissioning.core.management import iso_date
from contracts.services import contracts_refresh


class Command(BaseCommand):
    help = "Apply lapsed options and recompute the stored dates and values of every contract."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=iso_date,
            default=None,
            metavar="YYYY-MM-DD",
            help="The day to refresh the contracts for. Default: today.",
        )

    def handle(self, *args, today: date | None, **options) -> None:
        count = contracts_refresh(today=today or real_today())
        noun = "contract" if count == 1 else "contracts"
        self.stdout.write(f"Refreshed {count} {noun}.")
