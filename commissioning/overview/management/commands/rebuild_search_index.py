"""`manage.py rebuild_search_index`: write every entry of the site's search again."""

from django.core.management.base import BaseCommand

from commissioning.core.search import index_rebuild


class Command(BaseCommand):
    help = "Write the search index again from every contract, provider, report, minute, decision and project."

    def handle(self, *args, **options) -> None:
        written = index_rebuild()
        self.stdout.write(f"Wrote {written} search entries.")
