"""Helpers the views of every app share: query strings, pagination, and downloads."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import HttpResponse

from commissioning.core import register_cache
from commissioning.core.spreadsheets import CONTENT_TYPES


def query_without(request, *names: str) -> str:
    """The request's query string without the parameters `names`, such as "page"."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def page_of(request, queryset, *, count: int | None = None):
    """The page of `queryset` that `?page=` asks for, PAGE_SIZE rows to a page.
    `count`, when the page has counted the rows already, spares counting them again."""
    paginator = Paginator(queryset, settings.PAGE_SIZE)
    if count is not None:
        paginator.count = count  # a cached property: set, it is not worked out
    return paginator.get_page(request.GET.get("page"))


def kept_page(request, queryset, *, name: str, today, count: int | None = None) -> Page:
    """`page_of` for a list over the whole register: which rows the page holds
    (and, unless given, how many rows match) is kept for the register's state
    (`register_cache`), since finding them sorts every matching row. The rows
    themselves are read afresh by their ids, in the list's order."""
    question = register_cache.question_of(request.GET)
    if count is None:
        count = register_cache.remember(f"{name}-count", queryset.count, today=today, question=question)
    paginator = Paginator(queryset, settings.PAGE_SIZE)
    paginator.count = count  # a cached property: set, it is not worked out
    try:
        number = paginator.validate_number(request.GET.get("page"))
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages
    first = (number - 1) * paginator.per_page
    ids = register_cache.remember(
        f"{name}-page",
        lambda: list(queryset.values_list("pk", flat=True)[first : first + paginator.per_page]),
        today=today,
        question=(*question, ("page", (str(number),))),
    )
    return Page(_RowsById(queryset, ids), number, paginator)


class _RowsById(Sequence):
    """The rows with `ids`, in that order, read only when first looked at: a
    page whose table is kept as written (`{% kept %}`) reads none."""

    def __init__(self, queryset, ids: list):
        self._queryset, self._ids, self._rows = queryset, ids, None

    def _load(self) -> list:
        if self._rows is None:
            found = {row.pk: row for row in self._queryset.filter(pk__in=self._ids)}
            self._rows = [found[pk] for pk in self._ids if pk in found]
        return self._rows

    def __getitem__(self, index):
        return self._load()[index]

    def __len__(self) -> int:
        return len(self._load())


# What a list page's query string may hold besides its filters.
NOT_FILTERS = frozenset({"page", "sort", "as_of"})


def is_filtered(request) -> bool:
    """Whether a list page is asked for with any filter (for its "Clear" link and
    its "nothing matches" message): any parameter with a value other than the
    page, the sort order and the day."""
    return any(value for name, value in request.GET.items() if name not in NOT_FILTERS)


# --- Downloads -------------------------------------------------------------------

_CONTENT_TYPES = {**CONTENT_TYPES, "json": "application/json"}


@dataclass(frozen=True)
class Attachment:
    """A file a download view hands back; `download` makes it the response."""

    content: str | bytes
    filename: str  # its extension says its type: .csv, .xlsx or .json


def download(view):
    """Marks a view as one that gives out files: it returns an `Attachment` (or
    any response, such as a redirect with a message). The only way a view sends a
    file, so the tests find every download from the URL resolver (`is_download`)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        result = view(request, *args, **kwargs)
        if not isinstance(result, Attachment):
            return result
        extension = result.filename.rpartition(".")[2]
        response = HttpResponse(result.content, content_type=_CONTENT_TYPES[extension])
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        return response

    wrapped.is_download = True
    return wrapped
