"""Whether a key decision had a valid notice: the forward plan and its two
urgency routes (SI 2012/2089 regs 9, 10 and 11).

Pure arithmetic over ``date``; no Django here. Clear days are calendar days
(weekends and bank holidays count), as in ``clock.key_decision_notice_deadline``;
neither the day of the notice nor the day of the decision is one of them. A
notice is published on a working day, so when the last day that would leave
enough clear days is a weekend or a bank holiday, the notice must be out by the
working day before it: see ``key_decision_publication_deadline``. As with the
agenda (``clock.agenda_was_late``), a notice dated on a weekend or bank holiday
counts as published on the next working day, so it is late when that is.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from committees.clock import WorkingDays, key_decision_notice_deadline

_ONE_DAY = timedelta(days=1)


def key_decision_publication_deadline(decision: date, *, clear_days: int = 28, working_days: WorkingDays) -> date:
    """The last working day on which a notice leaves ``clear_days`` clear days
    before ``decision``. Decision Wed 30 Nov 2022 -> Tue 1 Nov 2022 (a working
    day already). Decision Tue 2 Jun 2026: the 28th clear day back is Mon 4 May,
    the early May bank holiday, so the notice must be out by Fri 1 May 2026.
    Decision Wed 26 Jan 2022: 28 clear days back is Mon 27 Dec 2021, a bank
    holiday after a weekend, so Fri 24 Dec 2021."""
    last = key_decision_notice_deadline(decision, clear_days=clear_days)
    # The last working day on or before `last`: the one day back from the day after it.
    return working_days.subtract(last + _ONE_DAY, 1)


class Route(enum.StrEnum):
    """How a key decision was notified; members compare equal to their strings."""

    FORWARD_PLAN = "forward_plan"
    GENERAL_EXCEPTION = "general_exception"
    SPECIAL_URGENCY = "special_urgency"


ROUTE_LABELS = {
    Route.FORWARD_PLAN: "forward plan (28 clear days)",
    Route.GENERAL_EXCEPTION: "general exception (reg 10)",
    Route.SPECIAL_URGENCY: "special urgency (reg 11)",
}


@dataclass(frozen=True)
class Notice:
    """What one forward plan entry records about its notices."""

    published_on: date | None = None  # first published on the forward plan
    general_exception_notice_on: date | None = None  # notice to the scrutiny chair, published
    special_urgency_agreed_by: str = ""  # the scrutiny chair, or the chair or vice-chair of the council
    special_urgency_agreed_on: date | None = None


@dataclass(frozen=True)
class NoticeCheck:
    valid: bool
    route: Route | None
    reason: str  # in words, for the page: why it is valid, or why not


def _day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def check_key_decision_notice(
    decision: date,
    notices: Iterable[Notice],
    *,
    clear_days: int = 28,
    exception_clear_days: int = 5,
    working_days: WorkingDays,
) -> NoticeCheck:
    """Whether a key decision taken on ``decision`` had a valid notice among
    ``notices`` (those of the forward plan entries linked to it). Valid by the
    first of: a forward plan publication by ``key_decision_publication_deadline``;
    a general exception notice by the same deadline with ``exception_clear_days``
    (reg 10); special urgency agreed by the chair on or before the day of the
    decision (reg 11: its notice follows as soon as reasonably practicable, so
    its date is recorded but does not decide validity)."""
    notices = list(notices)
    plan_by = key_decision_publication_deadline(decision, clear_days=clear_days, working_days=working_days)
    exception_by = key_decision_publication_deadline(
        decision, clear_days=exception_clear_days, working_days=working_days
    )
    for notice in notices:
        if notice.published_on and notice.published_on <= plan_by:
            return NoticeCheck(True, Route.FORWARD_PLAN, f"On the forward plan from {_day(notice.published_on)}.")
    for notice in notices:
        if notice.general_exception_notice_on and notice.general_exception_notice_on <= exception_by:
            return NoticeCheck(
                True,
                Route.GENERAL_EXCEPTION,
                f"General exception notice of {_day(notice.general_exception_notice_on)}.",
            )
    for notice in notices:
        agreed_on = notice.special_urgency_agreed_on
        if notice.special_urgency_agreed_by.strip() and agreed_on and agreed_on <= decision:
            return NoticeCheck(
                True,
                Route.SPECIAL_URGENCY,
                f"Special urgency agreed by {notice.special_urgency_agreed_by.strip()} on {_day(agreed_on)}.",
            )
    if not notices:
        return NoticeCheck(False, None, "No forward plan entry for this key decision.")
    published = [n.published_on for n in notices if n.published_on]
    if published:
        return NoticeCheck(
            False,
            None,
            f"Published on {_day(min(published))}, after {_day(plan_by)}, "
            f"the last day for {clear_days} clear days' notice, with no urgency route recorded.",
        )
    return NoticeCheck(False, None, "Its forward plan entry was not published, and no urgency route is recorded.")
