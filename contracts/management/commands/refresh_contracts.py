"""`manage.py refresh_contracts`: the daily check of the figures kept for SQL,
and of the search index.

The stored figures cover every day already (a lapse is worked out from the
date, never recorded), so nothing needs doing as days pass. This checks each
contract's stored spans against its facts and rewrites any that differ, such as
after a change of the OPTION_NOTICE_MONTHS setting. It also fills the search
index where it does not hold one entry for each record (the first run after an
upgrade, or records written around the services).
"""

from django.core.management.base import BaseCommand

from commissioning.core.search import index_check
from contracts.services import contracts_figures_refresh


class Command(BaseCommand):
    help = "Check every contract's stored figures against its facts and rewrite any that differ."

    def handle(self, *args, **options) -> None:
        repaired = contracts_figures_refresh()
        noun = "contract" if repaired == 1 else "contracts"
        self.stdout.write(f"Checked the figures of every contract; rewrote those of {repaired} {noun}.")
        rebuilt = index_check()
        if rebuilt:
            self.stdout.write(f"Rebuilt the search index of: {', '.join(rebuilt)}.")
