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
