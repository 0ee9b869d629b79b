"""Which day a page computes its figures for, and which days can be entered at all.

Every figure depends on "today"; a page can be asked for another day with
`?as_of=YYYY-MM-DD` so any figure can be reproduced for a given date.

No council record is dated before 1990 or after 2100, and dates far outside
that range overflow the date arithmetic of every page that plans or counts
(a required start of 0001-01-01 has no gateway two years earlier). So every
date a person or a file can enter, and every "as of" day, must fall between
EARLIEST_DATE and LATEST_DATE: the forms use `DateField` and `DateTimeField`
below, the models that hold entered dates use `DatesInRange` (checked by
`full_clean`, so the services and the admin refuse them too), services that
count from a date first call `require_in_range`, and the importer and the
commands call `in_range`.
"""

from datetime import date, datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from commissioning.core.formatting import format_day

EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 12, 31)


RANGE_TEXT = f"between {format_day(EARLIEST_DATE)} and {format_day(LATEST_DATE)}"
OUT_OF_RANGE_MESSAGE = f"Enter a date {RANGE_TEXT}."


def real_today() -> date:
    return timezone.localdate()


def in_range(value: date | datetime) -> bool:
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST_DATE <= day <= LATEST_DATE


def check_in_range(value: date | datetime | None) -> None:
    """The validator: a date or a date and time outside the range is refused."""
    if value is not None and not in_range(value):
        raise ValidationError(OUT_OF_RANGE_MESSAGE, code="date_out_of_range")


def require_in_range(**values: date | datetime | None) -> None:
    """For services, before any arithmetic on the values: a ValidationError keyed
    by the name of each one outside the range."""
    errors = {name: OUT_OF_RANGE_MESSAGE for name, value in values.items() if value is not None and not in_range(value)}
    if errors:
        raise ValidationError(errors, code="date_out_of_range")


class DateField(forms.DateField):
    """A form's date: a real date, inside the range (which the browser's date
    picker is told too)."""

    default_validators = [check_in_range]

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}


class DateTimeField(forms.DateTimeField):
    """A form's date and time, with its date inside the range."""

    default_validators = [check_in_range]

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "min": f"{EARLIEST_DATE.isoformat()}T00:00",
            "max": f"{LATEST_DATE.isoformat()}T23:59",
        }


class DatesInRange:
    """For models: `full_clean` refuses any editable date or date and time outside
    the range, keyed by its field. A check here rather than a validator on each
    model field, because validators are part of a field's migration state and
    this rule changes no column."""

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if not isinstance(field, models.DateField) or not field.editable:
                continue  # DateTimeField is a DateField; stored figures are not editable
            if (exclude and field.name in exclude) or field.name in errors:
                continue
            try:
                check_in_range(getattr(self, field.attname))
            except ValidationError as error:
                errors.setdefault(field.name, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)


def as_of(request, *, warn: bool = True) -> date:
    """The day asked for with `?as_of=`, or today. A day that is not a date in the
    range gives today, with a warning on the page saying so (`warn=False` for a
    download, which has no page to show it on and names its day in its file name)."""
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return real_today()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or not in_range(day):
        shown = "".join(character for character in raw[:40] if character.isprintable())
        if warn and not getattr(request, "_as_of_warned", False):
            # Once per request, however many parts of the page ask for the day.
            request._as_of_warned = True
            messages.warning(request, f'"{shown}" is not a date {RANGE_TEXT}; showing today.', fail_silently=True)
        return real_today()
    return day
