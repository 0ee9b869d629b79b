"""How the site writes values for people, one function for each kind of value."""

from datetime import date


def format_day(value: date) -> str:
    """A day as every page writes it: "30 Sep 2029" (the templates' `date:"j M Y"`).

    Plain Python rather than Django's `date_format`, so it also works while the
    apps load (the date range's message is built at import) and gives the same
    English month names whatever language is active."""
    return f"{value.day} {value:%b %Y}"


def format_bytes(size: int) -> str:
    """A file's size as people read it: "820 KB", "20 MB", "25.3 MB" (1 MB is 1,048,576 bytes)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f} MB" if megabytes == int(megabytes) else f"{megabytes:.1f} MB"
