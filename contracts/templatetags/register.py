"""Formatting for the register's templates: money, statuses. Formatting only."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

from contracts.money import financial_year_label, format_money, format_money_short

register = template.Library()

_STATUS_CLASSES = {
    "not_started": ("secondary", "Not started"),
    "live": ("success", "Live"),
    "final_term": ("warning", "In final term"),
    "expired": ("dark", "Expired"),
    "available": ("primary", "Available"),
    "exercised": ("success", "Exercised"),
    "declined": ("secondary", "Declined"),
    "lapsed": ("danger", "Lapsed"),
}


@register.filter
def money(value) -> str:
    """£2,660,000.00. Refuses anything but Decimal (and int), so a float shows up at once."""
    if value is None or value == "":
        return "—"
    return format_money(value)


@register.filter
def money_short(value) -> str:
    """£2.66m, £319k."""
    if value is None or value == "":
        return "—"
    return format_money_short(value)


@register.filter
def magnitude(value):
    """The size of a variance without its sign, for sentences that say "over" or "under"."""
    return abs(value) if value is not None else None


@register.filter
def percent(value) -> str:
    if value is None:
        return "—"
    value = Decimal(value).normalize()
    return f"{value:f}%"


@register.simple_tag
def status_badge(status) -> str:
    if status is None or status == "":
        # No status without dates: a contract the register does not know enough about.
        return format_html(
            '<span class="badge text-bg-light border" data-status="{}">{}</span>', "incomplete", "Incomplete"
        )
    css, label = _STATUS_CLASSES.get(str(status), ("secondary", str(status)))
    text_class = " text-dark" if css == "warning" else ""
    return format_html('<span class="badge text-bg-{}{}" data-status="{}">{}</span>', css, text_class, status, label)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def join_words(words, conjunction: str = "and") -> str:
    """ "end date and value"; "start date, end date and value"; with "or":
    "end date or value"."""
    words = [str(word) for word in words]
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {conjunction} " + words[-1]


@register.filter
def join_years(years) -> str:
    """2022/23, 2023/24 and 2024/25."""
    return join_words(financial_year_label(year) for year in years)
