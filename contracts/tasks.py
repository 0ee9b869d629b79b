"""The register's background jobs (Celery; see commissioning/celery.py).

Each job calls a service or the function its command calls, and is safe to run
twice: a register import is read or run only while its record says it is still
waiting for that, and the check of the stored figures rewrites only those that
differ from the facts.
"""

from celery import shared_task

from commissioning.core.jobs import retried
from contracts import register_imports
from contracts.services import contracts_figures_refresh


@shared_task(**retried())
def refresh_contracts() -> int:
    """The daily check of every contract's stored figures (`manage.py refresh_contracts`)."""
    return contracts_figures_refresh()


@shared_task(**retried())
def run_waiting_imports() -> int:
    """Uploads still being read and confirmed imports still waiting (`manage.py run_imports`)."""
    return len(register_imports.imports_waiting_run())


@shared_task(**retried())
def read_import(record_id: int) -> str:
    """The preview of a large upload."""
    return register_imports.import_read(record_id=record_id).status


@shared_task(**retried())
def run_import(record_id: int) -> str:
    """A confirmed import of a large file: all its rows saved together, or none."""
    return register_imports.import_run(record_id=record_id).status
