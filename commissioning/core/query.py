"""Reading values typed into a query string (or a hidden choice), where anyone can
type anything: a NUL byte, "²" (a digit to `str.isdigit`, not to `int`), thirty
nines. Readers here never raise; what cannot be meant is dropped.

Forms and django-filter fields check their own values; these are for the few
views that read a parameter by hand.
"""

import re

_PLAIN_ID = re.compile(r"[0-9]{1,18}")  # 18 digits always fit a 64-bit key


def plain_id(text: str | None) -> int | None:
    """A record's id written in plain ASCII digits, or None."""
    text = (text or "").strip()
    return int(text) if _PLAIN_ID.fullmatch(text) else None


def plain_text(text: str | None, *, max_length: int) -> str:
    """Words typed into a box: control characters (NUL among them) dropped, spaces
    collapsed, cut to `max_length`."""
    printable = "".join(character for character in text or "" if character.isprintable() or character.isspace())
    return " ".join(printable.split())[:max_length]
