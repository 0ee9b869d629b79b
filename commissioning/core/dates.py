"""Which day a page computes its figures for.

Every figure depends on "today"; a page can be asked for another day with
`?as_of=YYYY-MM-DD` so any figure can be reproduced for a given date.
"""

from datetime import date

from django.utils import timezone


def real_today() -> date:
    return timezone.localdate()


def as_of(request) -> date:
    raw = request.GET.get("as_of", "").strip()
    if raw:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    return real_today()
