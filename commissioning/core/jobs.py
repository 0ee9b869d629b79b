"""What every background job shares: how it is retried, and how it is queued.

The jobs themselves live in each app's `tasks.py` and call that app's services;
the runner is Celery (`commissioning/celery.py`). A job must be safe to run
twice: the broker hands a job back to another worker when the worker running it
stops before finishing (`acks_late`), and a retry runs it again from the start.
"""

import logging

from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

# A database that is restarting or a connection dropped: worth another try.
TRANSIENT = (OperationalError, InterfaceError)


def retried(*also: type[BaseException]) -> dict:
    """The options of a job retried on a passing failure: after about 1, 2, 4, 8
    and 16 minutes (with jitter), then given up and logged."""
    return {
        "autoretry_for": TRANSIENT + also,
        "retry_backoff": 60,
        "retry_backoff_max": 30 * 60,
        "retry_jitter": True,
        "max_retries": 5,
        "acks_late": True,
    }


def enqueue(task, *args) -> bool:
    """Put a job on the queue (or run it now when there is no broker). A broker
    that cannot be reached is logged, not raised: the record the job works on
    is already saved as waiting, and the job that runs every waiting one
    (`run_waiting_imports`) picks it up."""
    try:
        task.delay(*args)
    except Exception:  # kombu's OperationalError, a refused connection, a timeout...
        if getattr(task.app.conf, "task_always_eager", False):
            raise  # run in-process: the job's own error, which the caller must see
        logger.exception("Could not queue %s%r; it waits for the next run of the waiting jobs", task.name, args)
        return False
    return True
