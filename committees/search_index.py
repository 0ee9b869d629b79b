"""How reports, minutes, resolution parts and officer decisions are found by the
site's search (`commissioning.core.search`): registered in CommitteesConfig.ready,
and kept current by `committees.services` through `index_refresh`."""

from collections.abc import Iterator, Sequence

from django.db.models import Prefetch

from commissioning.core.formatting import format_day
from commissioning.core.search import Entry, Kind, chunked, index_refresh, register
from committees import exempt
from committees.models import AgendaItem, Committee, Meeting, OfficerDecision, Report, ResolutionPart

REPORT = "report"
MINUTES = "minutes"
RESOLUTION = "resolution"
OFFICER_DECISION = "officer_decision"


def _meeting(meeting: Meeting) -> str:
    return f"{meeting.committee.name}, {format_day(meeting.date)}"


def report_entries(ids: Sequence[int] | None) -> Iterator[Entry]:
    reports = Report.objects.prefetch_related(
        Prefetch(
            "items",
            queryset=AgendaItem.objects.select_related("meeting__committee").order_by("meeting__starts_at", "pk"),
        )
    )
    for report in chunked(reports, ids):
        meetings = [item.meeting for item in report.items.all()]
        kind = report.get_kind_display()
        if report.gateway_number is not None:
            kind = f"{kind} {report.gateway_number}"
        considered = "; ".join(_meeting(meeting) for meeting in meetings)
        yield Entry(
            object_id=report.pk,
            url=report.get_absolute_url(),
            title=f"{report.reference} · {report.title}",
            detail=f"{kind} · considered by {considered}" if considered else kind,
            # Newest meeting first, then the reports no meeting has heard yet.
            date=meetings[-1].date if meetings else None,
            order=report.reference,
        )


def minutes_entries(ids: Sequence[int] | None) -> Iterator[Entry]:
    items = AgendaItem.objects.select_related("meeting__committee", "report")
    for item in chunked(items, ids):
        detail = _meeting(item.meeting)
        if item.report is not None:
            detail += f" · report {item.report.reference}"
        yield Entry(
            object_id=item.pk,
            url=item.get_absolute_url(),
            label=f"Item {item.number}",
            title=item.title,
            # Exempt minutes are never indexed: the search page is the same for everyone
            # who may see the kind (it is kept), and exempt text is the clerks' alone.
            text=exempt.notice(item.exempt_paragraph) if item.is_exempt else item.minutes,
            detail=detail,
            date=item.meeting.date,
            order=f"{item.position:05d}",
        )


def resolution_entries(ids: Sequence[int] | None) -> Iterator[Entry]:
    parts = ResolutionPart.objects.select_related("item__meeting__committee", "recommended_to")
    for part in chunked(parts, ids):
        item = part.item
        what = f"Recommendation to {part.recommended_to}" if part.recommended_to else part.get_kind_display()
        if part.is_key_decision:
            what += " · key decision"
        yield Entry(
            object_id=part.pk,
            url=part.get_absolute_url(),
            label=f"Item {item.number} ({part.number}): {item.title}",
            # Found by what was resolved only, as the minutes' item is found by its own title.
            title="",
            text=part.text,
            detail=f"{_meeting(item.meeting)} · {what}",
            date=item.meeting.date,
            order=f"{item.position:05d} {part.position:05d}",
        )


def officer_decision_entries(ids: Sequence[int] | None) -> Iterator[Entry]:
    decisions = OfficerDecision.objects.select_related("delegation")
    for decision in chunked(decisions, ids):
        detail = f"Officer decision of {format_day(decision.decided_on)}"
        if decision.delegation is not None:
            detail += f" under the delegation to {decision.delegation.to_whom}"
        if decision.is_key_decision:
            detail += " · key decision"
        yield Entry(
            object_id=decision.pk,
            url=decision.get_absolute_url(),
            title=decision.decision_maker,
            text=decision.text,
            detail=detail,
            date=decision.decided_on,
        )


def register_kinds() -> None:
    register(Kind(name=REPORT, label="Reports", model=Report, entries=report_entries, position=30))
    register(
        Kind(name=MINUTES, label="Agenda items and minutes", model=AgendaItem, entries=minutes_entries, position=40)
    )
    register(Kind(name=RESOLUTION, label="Resolutions", model=ResolutionPart, entries=resolution_entries, position=50))
    register(
        Kind(
            name=OFFICER_DECISION,
            label="Officer decisions",
            model=OfficerDecision,
            entries=officer_decision_entries,
            position=60,
        )
    )


def meeting_refresh(meeting: Meeting) -> None:
    """A meeting's date and committee show on its items, their parts and their reports."""
    _items_refresh(AgendaItem.objects.filter(meeting=meeting))


def committee_refresh(committee: Committee) -> None:
    """A committee's name shows on its meetings' items, their parts and their reports."""
    _items_refresh(AgendaItem.objects.filter(meeting__committee=committee))


def _items_refresh(items) -> None:
    rows = list(items.values_list("pk", "report_id"))
    ids = [pk for pk, _ in rows]
    index_refresh(MINUTES, ids)
    index_refresh(RESOLUTION, ResolutionPart.objects.filter(item_id__in=ids).values_list("pk", flat=True))
    index_refresh(REPORT, [report for _, report in rows if report is not None])
