"""The dashboard (the home page) and the downloads of its lists."""

import csv
from io import BytesIO

from django.http import Http404, HttpResponse
from django.shortcuts import render
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from commissioning.core import dates
from commissioning.core.permissions import require
from commissioning.core.roles import CLERKS, OFFICERS, role_names
from commissioning.overview.charts import bars
from commissioning.overview.dashboard import dashboard
from commissioning.overview.dashboard_export import EXPORTS
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
    board = dashboard(today=today)
    roles = role_names(request.user)
    order = next((SECTION_ORDER[role] for role in roles if role in SECTION_ORDER), DEFAULT_ORDER)
    return render(
        request,
        "commissioning/dashboard.html",
        {
            "board": board,
            "today": today,
            "is_real_today": today == dates.real_today(),
            "sections": order,
            "year_bars": bars(board.years),
            "area_bars": bars(board.by_service_area),
        },
    )


def dashboard_export(request, key: str, fmt: str):
    require(request.user, Contract)
    if key not in EXPORTS or fmt not in {"csv", "xlsx"}:
        raise Http404("No such download.")
    today = dates.as_of(request, warn=False)
    export = EXPORTS[key]
    header, rows = export.columns, export.rows(today=today)
    filename = f"{key.replace('_', '-')}-{today:%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow(header)
        writer.writerows(rows)
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = export.title[:31]
        sheet.append(header)
        for row in rows:
            # Control characters (a pasted line break, say) cannot be stored in a worksheet.
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell for cell in row])
        buffer = BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
