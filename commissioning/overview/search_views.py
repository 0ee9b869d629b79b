"""The search page: one box, in every page's header, over every kind of record
registered with `commissioning.core.search`."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from commissioning.core import dates, search
from commissioning.core.query import plain_text
from commissioning.core.web import page_of, query_without

# Results of each kind shown on the page of every kind; "Show all" pages through one.
FIRST = 5


def search_page(request):
    # Signing in is enforced for every page by LoginRequiredMiddleware.
    kinds = search.kinds_for(request.user)
    if not kinds:
        raise PermissionDenied
    typed = " ".join(plain_text(request.GET.get("q"), max_length=10_000).split())
    query = typed[: search.MAX_QUERY_LENGTH].strip()
    words = search.query_words(query)
    kind = next((kind for kind in kinds if kind.name == request.GET.get("kind")), None)
    context = {
        "query": query,
        "words": words,
        "kinds": kinds,
        "kind": kind,
        # Words beyond the length or the number searched are left out, and the page says so.
        "cut": len(typed) > search.MAX_QUERY_LENGTH or len(search.words_of(query)) > search.MAX_WORDS,
        "results": None,
        "page": None,
    }
    if query and kind is not None:
        page = page_of(request, search.search_kind(query=query, kind=kind))
        page.hits = [search.hit(entry, words) for entry in page]
        context.update(page=page, query_without_page=query_without(request, "page"))
    elif query:
        # Searched only if the results are not kept as written already ({% kept %}).
        context["results"] = SimpleLazyObject(lambda: search.search(query=query, kinds=kinds, limit=FIRST))
        context["kind_names"] = [kind.name for kind in kinds]
        context["today"] = dates.real_today()
    return render(request, "overview/search.html", context)
