"""The job runner: Celery, with Redis as its broker.

Each domain app keeps its jobs in its own `tasks.py` (`contracts/tasks.py`,
`commissioning/overview/tasks.py`), which the app finds when it starts. The
settings are Django's, those named `CELERY_*` (commissioning/settings.py):
with no broker configured (`CELERY_BROKER_URL`, else `REDIS_URL`), as under
`python3 dev.py start` and in the tests, every job runs at once, in the process
that asks for it.

    celery -A commissioning worker    runs the jobs put on the queue
    celery -A commissioning beat      puts the daily jobs on it (CELERY_BEAT_SCHEDULE)
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commissioning.settings")

app = Celery("commissioning")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
