# The job runner's app is made when Django starts, so that a job asked for by a
# page (`task.delay()`) goes to the configured broker, or runs at once without one.
from commissioning.celery import app as celery_app

__all__ = ("celery_app",)
