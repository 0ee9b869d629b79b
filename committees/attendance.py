"""Attendance rules, without Django: who counts towards a quorum, and a member's
record over a period. The selectors read the rows; these functions count them."""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Quorum:
    """Voting members present against the number the committee needs. Members and
    their substitutes vote; officers do not, and are not counted."""

    present: int
    needed: int

    @property
    def is_met(self) -> bool:
        return self.present >= self.needed


@dataclass(frozen=True)
class AttendanceRecord:
    """A member's record over a period: of the meetings they were expected at (held
    meetings of a committee they sat on that day), how many they attended, sent
    apologies for, or missed without apologies. Meetings attended as a substitute
    are counted apart: they were not expected there."""

    expected: int
    attended: int
    apologies: int
    as_substitute: int

    @property
    def absent(self) -> int:
        return self.expected - self.attended - self.apologies

    @property
    def percentage(self) -> Decimal | None:
        """Attended as a share of expected, to one decimal place; None when none was expected."""
        if not self.expected:
            return None
        share = Decimal(self.attended) * 100 / Decimal(self.expected)
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def attendance_record(*, expected: set[int], present: set[int], apologies: set[int], substituting: set[int]):
    """Counts from meeting ids: those the member was expected at, was present at (in
    their own seat), sent apologies for, and sat at as a substitute."""
    return AttendanceRecord(
        expected=len(expected),
        attended=len(present & expected),
        apologies=len(apologies & expected),
        as_substitute=len(substituting),
    )


def fingerprint(rows) -> str:
    """What an attendance form was read at: a short digest of the meeting's attendance
    rows (tuples of plain values). A form read before another save no longer matches."""
    text = repr(sorted(tuple(str(value) for value in row) for row in rows))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def has_taken_place(*, status: str, day: date, today: date) -> bool:
    """A meeting recorded as held and dated on or before `today`: one still
    scheduled or cancelled, or dated after `today`, has no attendance to show."""
    return status == "held" and day <= today


def prints_as_minutes(*, status: str, day: date, today: date) -> bool:
    """Only a meeting that has taken place has minutes: any other prints as its
    agenda instead (no resolutions, no signature)."""
    return has_taken_place(status=status, day=day, today=today)
