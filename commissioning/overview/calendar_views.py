"""The private calendar feed and the page that manages its link.

The feed is fetched by calendar apps, which cannot sign in: its secret token
is the only credential, so an unknown or revoked token is simply not found.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from commissioning.core import dates
from commissioning.overview.calendar_feed import (
    KIND_LABELS,
    build_ics,
    calendar_feed_by_token,
    calendar_feed_for,
    calendar_feed_live,
    calendar_feed_renew,
    calendar_feed_revoke,
    events_between,
    events_for,
    feed_window,
    kinds_for,
)

PREVIEW_DAYS = 60
PREVIEW_LIMIT = 10


def _feed_name(user) -> str:
    return f"Commissioning: {user.get_full_name() or user.username}"


@login_not_required
@require_safe
def calendar_feed(request, token: str):
    feed = calendar_feed_by_token(token)
    if feed is None:
        raise Http404("No such calendar.")
    today = dates.real_today()
    start, end = feed_window(today)
    events = events_for(feed.user, start=start, end=end, today=today)
    body = build_ics(events, name=_feed_name(feed.user), base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="commissioning.ics"'
    # The body is one person's: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


FEED_ACTIONS = {
    "create": (calendar_feed_for, "Your calendar link is ready: add it to your calendar app."),
    "renew": (
        calendar_feed_renew,
        "The old link no longer works. Add the new one to your calendar app in its place.",
    ),
    "revoke": (calendar_feed_revoke, "Your calendar link no longer works. Make a new one at any time."),
}


@never_cache
@require_http_methods(["GET", "POST"])
def calendar_page(request):
    user = request.user
    if request.method == "POST":
        action = FEED_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            return HttpResponseBadRequest("Unknown action.")
        service, message = action
        service(user)
        messages.success(request, message)
        return redirect("commissioning:calendar")

    feed = calendar_feed_live(user)
    feed_url = webcal_url = None
    if feed is not None:
        feed_url = request.build_absolute_uri(reverse("commissioning:calendar_feed", args=[feed.token]))
        webcal_url = "webcal://" + feed_url.split("://", 1)[1]
    kinds = kinds_for(user)
    today = dates.real_today()
    upcoming = events_between(kinds, start=today, end=today + timedelta(days=PREVIEW_DAYS), today=today)[:PREVIEW_LIMIT]
    window_start, window_end = feed_window(today)
    return render(
        request,
        "commissioning/calendar_feed.html",
        {
            "feed": feed,
            "feed_url": feed_url,
            "webcal_url": webcal_url,
            "kinds": [label for kind, label in KIND_LABELS.items() if kind in kinds],
            "upcoming": upcoming,
            "preview_days": PREVIEW_DAYS,
            "window_start": window_start,
            "window_end": window_end,
            "reminder_days": settings.REMINDER_DAYS_AHEAD,
        },
    )
