"""The search page: one box over report references and titles, minutes and resolutions."""

from django.shortcuts import render

from commissioning.core.permissions import require
from committees.models import Report
from committees.search import MAX_QUERY_LENGTH, search


def search_page(request):
    # Signing in is enforced for every page by LoginRequiredMiddleware.
    require(request.user, Report)
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    return render(
        request,
        "committees/search.html",
        {"query": query, "results": search(query=query) if query else None},
    )
