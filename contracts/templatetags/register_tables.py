"""Sortable column headers for list pages."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def sort_header(label: str, key: str, current: str, query: str, css: str = "") -> str:
    """A column header that sorts by `key`, and by `-key` when already sorted by it."""
    if current == key:
        target, arrow, aria = f"-{key}", " ▲", "ascending"
    elif current == f"-{key}":
        target, arrow, aria = key, " ▼", "descending"
    else:
        target, arrow, aria = key, "", "none"
    separator = "&" if query else ""
    return format_html(
        '<th scope="col" class="{}" aria-sort="{}"><a href="?{}{}sort={}">{}{}</a></th>',
        css,
        aria,
        query,
        separator,
        target,
        label,
        arrow,
    )
