"""The dashboard (the home page) and the downloads of its lists."""

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string

from commissioning.core import dates, register_cache, spreadsheets
from commissioning.core.permissions import require
from commissioning.core.roles import CLERKS, OFFICERS, role_names
from commissioning.core.web import Attachment, download
from commissioning.overview.charts import bars
from commissioning.overview.dashboard import dashboard
from commissioning.overview.dashboard_export import EXPORTS
from commissioning.projects.context_processors import gateway_rules
from contracts.models import Contract

# Which sections come first for whom: each role sees everything, in its own order.
SECTION_ORDER = {
    OFFICERS: ["expiries", "decisions", "money", "gateways", "committees", "charts"],
    CLERKS: ["committees", "decisions", "expiries", "gateways", "money", "charts"],
}
DEFAULT_ORDER = ["expiries", "decisions", "gateways", "money", "committees", "charts"]


def dashboard_page(request):
    require(request.user, Contract)
    today = dates.as_of(request)
    roles = role_names(request.user)
    order = next((SECTION_ORDER[role] for role in roles if role in SECTION_ORDER), DEFAULT_ORDER)
    is_real_today = today == dates.real_today()
    # The same for every user with the same order of sections, on a day, until
    # the register changes: the figures and the HTML they are written in.
    body = register_cache.remember(
        "dashboard",
        lambda: dashboard_body(today=today, sections=order, is_real_today=is_real_today),
        today=today,
        question=[order, is_real_today],
    )
    return render(
        request,
        "commissioning/dashboard.html",
        {"body": body, "today": today, "is_real_today": is_real_today, "sections": order},
    )


def dashboard_body(*, today, sections: list[str], is_real_today: bool) -> str:
    board = dashboard(today=today)
    return render_to_string(
        "commissioning/dashboard/_body.html",
        {
            "board": board,
            "today": today,
            "is_real_today": is_real_today,
            "sections": sections,
            "year_bars": bars(board.years),
            "area_bars": bars(board.by_service_area),
            # Written without a request, so without the context processors: what it needs of them.
            **gateway_rules(None),
        },
    )


@download
def dashboard_export(request, key: str, fmt: str):
    """The rows behind one of the dashboard's numbers, as CSV or Excel."""
    require(request.user, Contract)
    if key not in EXPORTS or fmt not in spreadsheets.CONTENT_TYPES:
        raise Http404("No such download.")
    today = dates.as_of(request, warn=False)
    export = EXPORTS[key]
    content = spreadsheets.document(fmt, export.columns, export.rows(today=today), title=export.title)
    return Attachment(content, f"{key.replace('_', '-')}-{today:%Y-%m-%d}.{fmt}")
