"""Helpers the views of every app share: query strings and pagination."""

from django.conf import settings
from django.core.paginator import Paginator


def query_without(request, *names: str) -> str:
    """The request's query string without the parameters `names`, such as "page"."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def page_of(request, queryset):
    """The page of `queryset` that `?page=` asks for, PAGE_SIZE rows to a page."""
    return Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))


# What a list page's query string may hold besides its filters.
NOT_FILTERS = frozenset({"page", "sort", "as_of"})


def is_filtered(request) -> bool:
    """Whether a list page is asked for with any filter (for its "Clear" link and
    its "nothing matches" message): any parameter with a value other than the
    page, the sort order and the day."""
    return any(value for name, value in request.GET.items() if name not in NOT_FILTERS)
