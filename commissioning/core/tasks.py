"""Jobs of the site's own: the search index written again."""

from celery import shared_task

from commissioning.core import search
from commissioning.core.jobs import retried


@shared_task(**retried())
def rebuild_search_index() -> int:
    """Every entry of every kind written again (`manage.py rebuild_search_index`):
    after a change made in the admin, which the services did not see."""
    return search.index_rebuild()
