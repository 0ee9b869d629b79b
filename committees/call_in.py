"""Whether a decision can be implemented yet: its call-in period and any call-in.

A decision of the executive (or a portfolio holder) that takes effect cannot be
implemented until its call-in period has ended, unless it is urgent; once
called in, not until the scrutiny committee has resolved the call-in with no
further action. A decision referred back to its maker, or to full council, is
not implemented as it stands: the decision taken on reconsideration is the
authority. An officer decision taken under a delegation is held by the call-in
of the part that made the delegation.

Services ask `implementation_refusal` before acting under a decision; pages ask
`call_in_state` to say where a part stands.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from commissioning.core.formatting import format_day
from committees import clock, decisions
from committees.models import CallIn, Committee, OfficerDecision, ResolutionPart
from committees.selectors import part_call_in, working_days

# The committees that consider a call-in (Bromley's are its PDS committees).
SCRUTINY_COMMITTEES = frozenset({Committee.Kind.OVERVIEW_SCRUTINY, Committee.Kind.PDS})


def part_label(part: ResolutionPart) -> str:
    meeting = part.item.meeting
    return f"{meeting.committee}, {format_day(meeting.date)}, item {part.item.number} ({part.number})"


def signers_text(names: list[str]) -> str:
    """The councillors who signed, as a request prints them: "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(frozen=True)
class CallInRow:
    """A call-in as lists show it: with the decision it called in, named."""

    call_in: CallIn
    label: str


def call_in_rows(call_ins) -> list[CallInRow]:
    """Each call-in (read with `call_in_list`, its part's meeting and committee joined) named."""
    return [CallInRow(call_in=call_in, label=part_label(call_in.resolution_part)) for call_in in call_ins]


def authorising_part(decision: ResolutionPart | OfficerDecision | None) -> ResolutionPart | None:
    """The part whose call-in holds `decision`: itself, or the part that made its delegation."""
    if decision is None:
        return None
    if isinstance(decision, ResolutionPart):
        return decision
    if decision.delegation_id is not None:
        return decision.delegation.resolution_part
    return None


def pending_message(call_in: CallIn) -> str:
    meeting = call_in.scrutiny_meeting
    considers = (
        f"the scrutiny committee considers it on {format_day(meeting.date)}"
        if meeting is not None
        else "the scrutiny meeting that considers it is not yet set"
    )
    return (
        f"{part_label(call_in.resolution_part)} was called in on {format_day(call_in.requested_on)} "
        f"by {call_in.requested_by}; {considers}. It cannot be acted on until the call-in is resolved."
    )


def _referred_message(call_in: CallIn) -> str:
    where = "back to the decision maker" if call_in.outcome == CallIn.Outcome.REFERRED_BACK else "to full council"
    return (
        f"{part_label(call_in.resolution_part)} was called in and referred {where} on "
        f"{format_day(call_in.outcome_on)}: cite the decision taken on reconsideration instead."
    )


def call_in_refusal(decision: ResolutionPart | OfficerDecision | None) -> str | None:
    """Why a call-in stops `decision` being acted on ("" when it was resolved with no
    further action), or None when it was not called in."""
    part = authorising_part(decision)
    if part is None:
        return None
    return refusal_of(CallIn.objects.filter(resolution_part=part).select_related("scrutiny_meeting").first())


def refusal_of(call_in: CallIn | None) -> str | None:
    """`call_in_refusal` for a call-in already read (None: the part was not called in)."""
    if call_in is None:
        return None
    if call_in.is_pending:
        return pending_message(call_in)
    if call_in.outcome != CallIn.Outcome.NO_FURTHER_ACTION:
        return _referred_message(call_in)
    return ""


def implementation_refusal(decision: ResolutionPart | OfficerDecision | None, *, today: date) -> str:
    """Why acting under `decision` on `today` is refused, or "" when it may be acted on."""
    called_in = call_in_refusal(decision)
    if called_in is not None:
        return called_in
    part = authorising_part(decision)
    if part is None:
        return ""
    meeting = part.item.meeting
    if part.is_urgent or not decisions.is_subject_to_call_in(
        committee_kind=meeting.committee.kind, part_kind=part.kind
    ):
        return ""
    days = working_days()
    if meeting.decisions_published_on is None:
        # Call-in cannot end before the period that would run from publication on the day of the meeting.
        earliest_end = clock.call_in_end(
            meeting.date, working_days_count=settings.CALL_IN_WORKING_DAYS, working_days=days
        )
        if today <= earliest_end:
            return (
                f"The decisions of {part_label(part)} are not yet published: it cannot be implemented "
                "until its call-in period has ended."
            )
        return ""
    period = part_call_in(part, days=days)
    if today <= period.ends:
        return (
            f"The call-in period of {part_label(part)} runs until {format_day(period.ends)}: "
            f"it cannot be implemented until {format_day(period.first_implementation_day)} unless it is urgent."
        )
    return ""


def check_call_in_window(part: ResolutionPart, *, requested_on: date) -> None:
    """Raise a ValidationError (keyed by field) when `part` cannot be called in on `requested_on`."""
    from django.core.exceptions import ValidationError

    meeting = part.item.meeting
    if not decisions.is_subject_to_call_in(committee_kind=meeting.committee.kind, part_kind=part.kind):
        raise ValidationError(
            "Only a decision of the executive or a portfolio holder that takes effect can be called in; "
            f"{part_label(part)} is not one."
        )
    if part.is_urgent:
        raise ValidationError(f"{part_label(part)} was taken as urgent, so it is exempt from call-in.")
    if meeting.decisions_published_on is None:
        raise ValidationError(
            f"The decisions of {part_label(part)} are not yet published: the call-in period starts on publication."
        )
    period = part_call_in(part, days=working_days())
    if requested_on < period.published:
        raise ValidationError(
            {
                "requested_on": f"Too early: the decision was published on {format_day(period.published)}, "
                "and the call-in period starts then."
            }
        )
    if requested_on > period.ends:
        raise ValidationError(
            {
                "requested_on": f"Too late: the call-in period ended on {format_day(period.ends)}, "
                "so the decision can no longer be called in."
            }
        )
