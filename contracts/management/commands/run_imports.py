"""`manage.py run_imports`: read uploads and run confirmed imports still waiting.

A large upload is read, and a confirmed import of one is run, by a background
job (`contracts/tasks.py`). One whose job could not be queued (the broker was
down) or was lost is still waiting; this reads or runs it, as the scheduler's
`run_waiting_imports` job does every 15 minutes. An import that was running
when its process stopped saved nothing (its rows are saved in one
transaction); still marked running six hours after it was confirmed, it is
marked failed, so the officer can upload it again.
"""

from django.core.management.base import BaseCommand

from contracts.register_imports import imports_waiting_run


class Command(BaseCommand):
    help = "Read uploads and run confirmed register imports that are still waiting."

    def handle(self, *args, **options) -> None:
        finished = imports_waiting_run()
        noun = "import" if len(finished) == 1 else "imports"
        self.stdout.write(f"Finished {len(finished)} {noun} left waiting or stopped.")
        for record in finished:
            self.stdout.write(f"  {record.file_name}: {record.get_status_display()}")
