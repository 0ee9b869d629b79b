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

from django.conf import settings
from django.db.models import Model, Q

from commissioning.core.formatting import format_day
from commissioning.core.pickers import PAGE, PickerField, casefolded
from committees import decisions
from committees.decisions import Power
from committees.models import OfficerDecision, ResolutionPart

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
