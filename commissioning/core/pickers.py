"""Choosing one or a few records from a table too large to list on a page.

A form that offers every contract as an <option> grows with the register: at
twenty thousand contracts one meeting page would weigh megabytes. A picker
field is a plain text input instead. Without JavaScript a person types the
record's reference (several, separated, where the field takes more than one),
and the field finds them, naming what it could not find or found more than
once. With JavaScript, static/js/picker.js turns the input into a
type-to-search box over a JSON endpoint (`choices_response`) that answers one
page of matches; what it submits is the same text.

The page shows only the records already chosen, so its size and its queries do
not grow with the table. This module knows no domain app: each app declares its
fields (how a record is written and found) and its endpoints.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import JsonResponse
from django.urls import reverse

# Matches an endpoint answers at most: enough to find one by typing a little more.
PAGE = 20
# A longer query is not a reference anyone types; it is cut, not searched.
QUERY_LENGTH = 100


class PickerInput(forms.TextInput):
    """The text input, carrying where picker.js finds matches and how several are separated."""

    def __init__(self, *, source: str, separator: str | None, attrs=None):
        super().__init__(attrs)
        self.source = source
        self.separator = separator
        # Narrows the endpoint's matches for this field, such as "power=approve_waiver".
        self.source_query = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-picker"] = reverse(self.source) + (f"?{self.source_query}" if self.source_query else "")
        if self.separator:
            widget_attrs["data-picker-separator"] = f"{self.separator} "
        widget_attrs.setdefault("autocomplete", "off")
        widget_attrs.setdefault("spellcheck", "false")
        return context


class PickerField(forms.CharField):
    """Records named by what a person typed: one record (or None), or a list when `multiple`.

    Subclasses set `model`, `source` (the endpoint's URL name), `noun` and
    `separator`, and say how a record is written (`text_of`) and found (`find`)."""

    model: type[Model]
    source: str
    noun: str
    separator = ","

    def __init__(self, *, multiple: bool = False, **kwargs):
        self.multiple = multiple
        kwargs.setdefault("widget", PickerInput(source=self.source, separator=self.separator if multiple else None))
        super().__init__(**kwargs)

    # --- what the subclass says ------------------------------------------------------

    def text_of(self, record: Model) -> str:
        raise NotImplementedError

    def find(self, texts: list[str]) -> dict[str, list[Model]]:
        """For each text, the records it names (compared case-insensitively), in one query."""
        raise NotImplementedError

    # --- showing -------------------------------------------------------------------------

    def prepare_value(self, value: Any) -> str:
        """What the input shows: the text as typed, or the chosen records' texts."""
        if value is None or isinstance(value, str):
            return value or ""
        values = list(value) if isinstance(value, list | tuple | set | QuerySet) else [value]
        records = [item for item in values if isinstance(item, Model)]
        ids = [item for item in values if not isinstance(item, Model)]
        if ids:
            records += list(self.model._default_manager.filter(pk__in=ids))
        texts = sorted(self.text_of(record) for record in records)
        return f"{self.separator} ".join(texts)

    def has_changed(self, initial, data) -> bool:
        return self.prepare_value(initial) != self.prepare_value(data)

    # --- reading -------------------------------------------------------------------------

    def split(self, text: str) -> list[str]:
        parts = text.split(self.separator) if self.multiple else [text]
        texts = []
        for part in (" ".join(part.split()) for part in parts):
            if part and part.casefold() not in {seen.casefold() for seen in texts}:
                texts.append(part)
        return texts

    def to_python(self, value):
        texts = self.split(super().to_python(value))
        if not texts:
            return [] if self.multiple else None
        found = self.find(texts)
        missing = [text for text in texts if not found.get(text)]
        ambiguous = [text for text in texts if len(found.get(text, [])) > 1]
        errors = []
        if missing:
            errors.append(ValidationError(f"No {self.noun} found for {_quoted(missing)}.", code="not_found"))
        if ambiguous:
            errors.append(
                ValidationError(
                    f"More than one {self.noun} matches {_quoted(ambiguous)}: type it in full.", code="ambiguous"
                )
            )
        if errors:
            raise ValidationError(errors)
        records = list({found[text][0].pk: found[text][0] for text in texts}.values())
        return records if self.multiple else records[0]


def _quoted(texts: list[str]) -> str:
    return ", ".join(f"“{text}”" for text in texts)


def casefolded(texts: Iterable[str]) -> dict[str, str]:
    """Each text by its case-folded form, to match what a query found back to what was typed."""
    return {text.casefold(): text for text in texts}


def query_of(request) -> str:
    return " ".join(request.GET.get("q", "").split())[:QUERY_LENGTH]


def choices_response(matches: Iterable[tuple[int, str, str]]) -> JsonResponse:
    """One page of matches as the picker reads them: id, the text the field takes, and a label."""
    return JsonResponse(
        {"results": [{"id": pk, "value": value, "label": label} for pk, value, label in matches]},
        headers={"Cache-Control": "private, no-store"},
    )
