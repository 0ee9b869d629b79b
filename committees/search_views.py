"""The search page: one box over report references and titles, minutes and resolutions."""

from django.shortcuts import render

from commissioning.core.permissions import require
from commissioning.core.query import plain_text
from committees.models import Report
from committees.search import MAX_QUERY_LENGTH, search


def search_page(request):
    # Signing in is enforced for every page by LoginRequiredMiddleware.
    require(request.user, Report)
    query = plain_text(request.GET.get("q"), max_length=MAX_QUERY_LENGTH)
    return render(
        request,
        "committees/search.html",
        {"query": query, "results": search(query=query) if query else None},
    )
