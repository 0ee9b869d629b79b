"""Choosing a decision by typing (see commissioning.core.pickers): a resolution
part or an officer decision, from all the committee record holds.

A part is written as its meeting's day, item and number, "30 Sep 2029, item 79
(ii)"; the report's reference may stand for the day and item, "ACH22-035 (ii)".
An officer decision is written as its reference, "OD-12".
"""

import re
from datetime import date, datetime
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from commissioning.core.formatting import format_day
from commissioning.core.pickers import PAGE, PickerField, casefolded
from committees import decisions
from committees.decisions import Power
from committees.models import AgendaItem, Delegation, Meeting, OfficerDecision, Report, ResolutionPart

_PART = re.compile(r"\A(?P<head>.+?)\s*\(\s*(?P<number>[^()]+?)\s*\)\Z")
_ITEM = re.compile(r"\A(?P<day>.+?),?\s+item\s+(?P<item>\S+)\Z", re.IGNORECASE)
_OFFICER = re.compile(r"\AOD-?\s*(?P<pk>\d{1,9})\Z", re.IGNORECASE)
_PART_RELATED = ("item__meeting__committee", "item__report")

Decision = ResolutionPart | OfficerDecision


def _day(text: str) -> date | None:
    for pattern in settings.DATE_INPUT_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _part_condition(text: str) -> Q | None:
    """The parts `text` names, or None when it names no part."""
    match = _PART.match(text)
    if match is None:
        return None
    head, number = match["head"], match["number"]
    item = _ITEM.match(head)
    day = _day(item["day"]) if item else None
    if day is not None:
        return Q(item__meeting__starts_at__date=day, item__number__iexact=item["item"], number__iexact=number)
    return Q(item__report__reference__iexact=head, number__iexact=number)


def part_text(part: ResolutionPart) -> str:
    return f"{format_day(part.item.meeting.date)}, item {part.item.number} ({part.number})"


def _part_texts(part: ResolutionPart) -> list[str]:
    texts = [part_text(part)]
    if part.item.report_id:
        texts.append(f"{part.item.report.reference} ({part.number})")
    return texts


def part_label(part: ResolutionPart) -> str:
    meeting = part.item.meeting
    report = f", report {part.item.report.reference}" if part.item.report_id else ""
    return f"{meeting.committee.name}, {part_text(part)}{report}: {part.get_kind_display()}"


def officer_label(decision: OfficerDecision) -> str:
    return f"{decision.reference}: officer decision, {decision.decision_maker}, {format_day(decision.decided_on)}"


class DecisionPickerField(PickerField):
    """One decision; `power`, when given, keeps to the parts that can authorise it
    (officer decisions are all offered: what one may authorise is in its text)."""

    model = OfficerDecision
    source = "committees:decision_choices"
    noun = "decision"

    def __init__(self, *, power: Power | None = None, **kwargs):
        self.power = power
        kwargs.setdefault(
            "help_text",
            "Type a resolution as “30 Sep 2029, item 79 (ii)” or “report reference (ii)”, or an officer "
            "decision's reference such as OD-12; or search.",
        )
        super().__init__(**kwargs)
        self.widget.source_query = f"power={power}" if power else ""
        if power:
            self.noun = "decision that can authorise this"

    def text_of(self, record: Model) -> str:
        return record.reference if isinstance(record, OfficerDecision) else part_text(record)

    def find(self, texts: list[str]) -> dict[str, list[Decision]]:
        typed = casefolded(texts)
        found: dict[str, list[Decision]] = {}
        officer_ids = {int(m["pk"]): text for text in texts if (m := _OFFICER.match(text))}
        if officer_ids:
            for decision in OfficerDecision.objects.filter(pk__in=officer_ids):
                found.setdefault(officer_ids[decision.pk], []).append(decision)
        conditions = [condition for text in texts if (condition := _part_condition(text)) is not None]
        if conditions:
            parts = ResolutionPart.objects.filter(reduce(or_, conditions)).select_related(*_PART_RELATED)
            if self.power:
                parts = parts.filter(decisions.authorising_parts(self.power))
            for part in parts:
                for key in _part_texts(part):
                    if key.casefold() in typed:
                        found.setdefault(typed[key.casefold()], []).append(part)
        return found


def decision_matches(query: str, *, power: Power | None = None) -> list[tuple[int, str, str]]:
    """One page of decisions: parts whose report, committee, item or text holds `query`, latest first,
    then officer decisions whose reference, decision maker or text holds it."""
    if not query:
        return []
    parts = (
        ResolutionPart.objects.filter(
            Q(item__report__reference__icontains=query)
            | Q(item__meeting__committee__name__icontains=query)
            | Q(item__title__icontains=query)
            | Q(text__icontains=query)
        )
        .select_related(*_PART_RELATED)
        .order_by("-item__meeting__starts_at", "item__position", "position")
    )
    if power:
        parts = parts.filter(decisions.authorising_parts(power))
    matches = [(part.pk, part_text(part), part_label(part)) for part in parts[:PAGE]]
    if len(matches) < PAGE:
        officer = Q(decision_maker__icontains=query) | Q(text__icontains=query)
        if m := _OFFICER.match(query):
            officer |= Q(pk=int(m["pk"]))
        decisions_found = OfficerDecision.objects.filter(officer).order_by("-decided_on", "-pk")[: PAGE - len(matches)]
        matches += [(d.pk, d.reference, officer_label(d)) for d in decisions_found]
    return matches


# --- reports, recommendations and delegations, for the meeting page and the officer decision form ------


def _report_text(report: Report) -> str:
    return report.reference


class ReportPickerField(PickerField):
    """One report of `council`, written as its reference (unique within a council)."""

    model = Report
    source = "committees:report_choices"
    noun = "report"

    def __init__(self, *, council_id: int, committee_id: int | None = None, **kwargs):
        self.council_id = council_id
        kwargs.setdefault("help_text", "Type the report's reference, such as ACH22-035, or search by its title.")
        super().__init__(**kwargs)
        # The committee's own reports are suggested first.
        self.widget.source_query = f"council={council_id}" + (f"&committee={committee_id}" if committee_id else "")

    def text_of(self, record: Model) -> str:
        return _report_text(record)

    def find(self, texts: list[str]) -> dict[str, list[Report]]:
        typed = casefolded(texts)
        found: dict[str, list[Report]] = {}
        condition = reduce(or_, (Q(reference__iexact=text) for text in texts))
        for report in Report.objects.filter(condition, council_id=self.council_id):
            found.setdefault(typed[report.reference.casefold()], []).append(report)
        return found


def report_matches(
    query: str, *, council_id: int | None = None, committee_id: int | None = None
) -> list[tuple[int, str, str]]:
    """One page of the reports (of `council_id` when given) whose reference or title holds
    `query`: those taken at `committee_id`'s meetings first, then the rest, each newest first."""
    if not query:
        return []
    reports = Report.objects.filter(Q(reference__icontains=query) | Q(title__icontains=query)).order_by(
        "-report_date", "reference"
    )
    if council_id is not None:
        reports = reports.filter(council_id=council_id)
    if committee_id is not None:
        reports = reports.annotate(
            here=Exists(AgendaItem.objects.filter(report=OuterRef("pk"), meeting__committee_id=committee_id))
        ).order_by("-here", "-report_date", "reference")
    return [(report.pk, report.reference, f"{report.reference}: {report.title}") for report in reports[:PAGE]]


def _recommendations(committee_id: int) -> QuerySet[ResolutionPart]:
    return ResolutionPart.objects.filter(kind=ResolutionPart.Kind.RECOMMEND, recommended_to_id=committee_id)


class RecommendationPickerField(PickerField):
    """One recommendation made to the committee of `meeting`, written as a resolution part
    is ("30 Sep 2029, item 79 (ii)" or "report reference (ii)"); the service checks that it
    was made before the meeting."""

    model = ResolutionPart
    source = "committees:recommendation_choices"
    noun = "recommendation to this committee"

    def __init__(self, *, meeting: Meeting, **kwargs):
        self.meeting = meeting
        kwargs.setdefault("help_text", "Type it as “30 Sep 2029, item 79 (ii)” or “report reference (ii)”, or search.")
        super().__init__(**kwargs)
        self.widget.source_query = f"meeting={meeting.pk}"

    def text_of(self, record: Model) -> str:
        return part_text(record)

    def find(self, texts: list[str]) -> dict[str, list[ResolutionPart]]:
        return _find_parts(texts, _recommendations(self.meeting.committee_id))


def _find_parts(texts: list[str], parts: QuerySet[ResolutionPart]) -> dict[str, list[ResolutionPart]]:
    typed = casefolded(texts)
    found: dict[str, list[ResolutionPart]] = {}
    conditions = [condition for text in texts if (condition := _part_condition(text)) is not None]
    if conditions:
        for part in parts.filter(reduce(or_, conditions)).select_related(*_PART_RELATED):
            for key in _part_texts(part):
                if key.casefold() in typed:
                    found.setdefault(typed[key.casefold()], []).append(part)
    return found


def recommendation_matches(query: str, *, meeting: Meeting | None = None) -> list[tuple[int, str, str]]:
    """One page of recommendations (to the meeting's committee before it, when given), latest
    first, whose report reference, item, number or text holds `query`."""
    if not query:
        return []
    parts = ResolutionPart.objects.filter(kind=ResolutionPart.Kind.RECOMMEND)
    if meeting is not None:
        parts = _recommendations(meeting.committee_id).filter(item__meeting__starts_at__lte=meeting.starts_at)
    parts = (
        parts.filter(
            Q(item__report__reference__icontains=query)
            | Q(item__title__icontains=query)
            | Q(number__iexact=query)
            | Q(text__icontains=query)
        )
        .select_related(*_PART_RELATED)
        .order_by("-item__meeting__starts_at", "item__position", "position")
    )
    return [(part.pk, part_text(part), f"{part_label(part)}: {_clip(part.text)}") for part in parts[:PAGE]]


def _clip(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


_DELEGATION_RELATED = tuple(f"resolution_part__{name}" for name in _PART_RELATED)


def delegation_text(delegation: Delegation) -> str:
    return part_text(delegation.resolution_part)


def delegation_label(delegation: Delegation) -> str:
    part = delegation.resolution_part
    return f"To {delegation.to_whom}: {part.item.meeting.committee.name}, {part_text(part)}"


DELEGATION_HELP = (
    "Type the resolution that delegated as “30 Sep 2029, item 79 (ii)” or “report reference (ii)”, "
    "or search by to whom or what it delegates."
)


class DelegationPickerField(PickerField):
    """One delegation, written as the resolution part that made it ("30 Sep 2029, item 79
    (ii)" or "report reference (ii)")."""

    model = Delegation
    source = "committees:delegation_choices"
    noun = "delegation"

    def text_of(self, record: Model) -> str:
        return delegation_text(record)

    def prepare_value(self, value: Any) -> str:
        if value is not None and not isinstance(value, str | Model):
            value = Delegation.objects.select_related(*_DELEGATION_RELATED).filter(pk=value).first()
        return super().prepare_value(value)

    def find(self, texts: list[str]) -> dict[str, list[Delegation]]:
        parts = _find_parts(texts, ResolutionPart.objects.filter(delegation__isnull=False))
        by_part = {part.pk: part for found in parts.values() for part in found}
        delegations = {
            delegation.resolution_part_id: delegation
            for delegation in Delegation.objects.filter(resolution_part__in=by_part).select_related(
                *_DELEGATION_RELATED
            )
        }
        return {
            text: [delegations[part.pk] for part in found if part.pk in delegations] for text, found in parts.items()
        }


def delegation_matches(query: str) -> list[tuple[int, str, str]]:
    """One page of delegations, newest first, whose holder, scope, report or committee holds `query`."""
    if not query:
        return []
    delegations = (
        Delegation.objects.filter(
            Q(to_whom__icontains=query)
            | Q(scope__icontains=query)
            | Q(resolution_part__item__report__reference__icontains=query)
            | Q(resolution_part__item__meeting__committee__name__icontains=query)
        )
        .select_related(*_DELEGATION_RELATED)
        .order_by("-resolution_part__item__meeting__starts_at", "pk")
    )
    return [(d.pk, delegation_text(d), delegation_label(d)) for d in delegations[:PAGE]]
