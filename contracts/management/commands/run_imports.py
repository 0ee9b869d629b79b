"""`manage.py run_imports`: run confirmed imports still waiting.

A confirmed import runs at once, in the web process (in a background thread when
the file is large). One whose process stopped before it began is still
waiting; this runs it. An import that was running when its process stopped
saved nothing (its rows are saved in one transaction); still marked running
six hours after it was confirmed, it is marked failed, so the officer can
upload it again.
"""

from django.core.management.base import BaseCommand

from contracts.register_imports import imports_waiting_run


class Command(BaseCommand):
    help = "Run confirmed register imports that are still waiting."

    def handle(self, *args, **options) -> None:
        finished = imports_waiting_run()
        noun = "import" if len(finished) == 1 else "imports"
        self.stdout.write(f"Finished {len(finished)} {noun} left waiting or stopped.")
        for record in finished:
            self.stdout.write(f"  {record.file_name}: {record.get_status_display()}")
