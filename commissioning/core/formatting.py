"""How the site writes values for people, one function for each kind of value."""

from datetime import date


def format_day(value: date) -> str:
    """A day as every page writes it: "30 Sep 2029" (the templates' `date:"j M Y"`).

    Plain Python rather than Django's `date_format`, so it also works while the
    apps load (the date range's message is built at import) and gives the same
    English month names whatever language is active."""
    return f"{value.day} {value:%b %Y}"
