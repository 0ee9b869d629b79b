"""Who changed what and when on a record, in words.

django-simple-history keeps a historical row for every save and delete of the
register's records. This module reads those rows for a record and the rows
that belong to it (a contract's options, funding and spend; a meeting's items,
resolution parts, delegations and actions), newest first, and says each change
as people read it: field names as the forms name them, choices by their label,
days as "30 Sep 2029", money as "£2,660,000.00", a linked record by its name.

It lives in contracts, the bottom domain layer, rather than core because it
writes money with `contracts.money`; the layers above use it for their pages.

The number of queries does not grow with the number of changes: one per
source, a page of rows (with who made them and the records their labels name);
one per kind of row among the changes shown, the versions before them; and one
per kind of record a changed link names.
"""

import string
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from commissioning.core.formatting import format_day
from contracts.money import format_money

# Changes shown before "Show the full history".
HISTORY_PAGE = 20

CREATED, CHANGED, REMOVED = "created", "changed", "removed"
_ACTIONS = {"+": CREATED, "~": CHANGED, "-": REMOVED}
BLANK = "blank"


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Change:
    when: datetime
    who: str
    # What changed: "" for the record the page is about, else the row, such as "Option 2".
    record: str
    action: str
    fields: tuple[FieldChange, ...] = ()
    # Why, when the change said: "Imported from a register file".
    reason: str = ""


@dataclass(frozen=True)
class History:
    changes: list[Change]
    # True when older changes were left off this page.
    has_more: bool
    shows_all: bool


@dataclass(frozen=True)
class Source:
    """Historical rows to show: `rows` is a queryset of a model's `history`,
    already filtered to the record or its rows. `label` names a row in words,
    with `{field}` placeholders filled in as the change values are ("Option
    {order}"); empty for the record the page is about."""

    rows: models.QuerySet
    label: str = ""
    # Fields whose values are not shown, only that they changed (exempt information, say).
    withheld: tuple[str, ...] = ()
    withheld_as: str = "not shown"


def record_history(*, sources: list[Source], show_all: bool = False, page_size: int = HISTORY_PAGE) -> History:
    """The changes to `sources`, newest first: `page_size` of them, or all with `show_all`."""
    limit = None if show_all else page_size
    entries = []  # (historical row, its source)
    for source in sources:
        historical = source.rows.model
        newest = source.rows.order_by("-history_date", "-history_id")
        if limit is not None:
            newest = newest[: limit + 1]
        # Who made each change, and the records the row's label names ("Funding share of
        # {organisation}"); any other linked record is loaded below, only if a change names it.
        named = _linked_paths(historical.instance_type, only=_label_fields(source.label))
        entries.extend((row, source) for row in newest.select_related("history_user", *named))
    entries.sort(key=lambda entry: (entry[0].history_date, entry[0].history_id), reverse=True)
    has_more = limit is not None and len(entries) > limit
    if limit is not None:
        entries = entries[:limit]

    # The version before each change shown: one query for each kind of row changed,
    # whatever the number of changes, so a page's queries stay the same; none for
    # rows only created or removed.
    wanted = defaultdict(list)  # historical model -> the changes shown
    for row, _source in entries:
        if row.history_type == "~":
            wanted[type(row)].append(row)
    previous = {}  # (historical model, history_id of a change) -> the version before it
    for historical, changes in wanted.items():
        previous.update(_versions_before(historical, changes))

    shown = []  # (row, source, its field changes as stored)
    for row, source in entries:
        old = previous.get((type(row), row.history_id))
        deltas = []
        if row.history_type == "~" and old is not None:
            deltas = _stored_changes(row, old)
            if not deltas:
                continue  # saved with nothing shown changed, such as a version raised
        shown.append((row, source, deltas))
    linked = _linked_records(shown)

    changes = []
    for row, source, deltas in shown:
        original = row.instance_type
        changes.append(
            Change(
                when=row.history_date,
                who=_who(row.history_user),
                record=_label(source.label, row, original),
                action=_ACTIONS[row.history_type],
                fields=_field_changes(
                    original, deltas, linked, withheld=source.withheld, withheld_as=source.withheld_as
                ),
                reason=row.history_change_reason or "",
            )
        )
    return History(changes=changes, has_more=has_more, shows_all=show_all)


def _versions_before(historical: type[models.Model], changes: list) -> dict:
    """The version before each of the historical rows `changes` (all of the model
    `historical`), by (model, history_id of the change): one query, however many."""
    ids = [change.history_id for change in changes]
    before = historical.objects.filter(
        history_id__in=_with_previous(historical.objects.filter(history_id__in=ids)).values("_previous_id")
    )
    key = historical.instance_type._meta.pk.attname
    versions = defaultdict(list)  # the record's id -> the versions fetched, each before some change
    for version in before:
        versions[getattr(version, key)].append(version)
    found = {}
    for change in changes:
        # Of the versions fetched, the latest before the change is the one right before it.
        earlier = [
            version
            for version in versions[getattr(change, key)]
            if (version.history_date, version.history_id) < (change.history_date, change.history_id)
        ]
        if earlier:
            found[(historical, change.history_id)] = max(earlier, key=lambda v: (v.history_date, v.history_id))
    return found


def _with_previous(rows: models.QuerySet) -> models.QuerySet:
    """Each historical row with the history_id of the version before it."""
    historical = rows.model
    key = historical.instance_type._meta.pk.attname
    before = historical.objects.filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")),
        **{key: OuterRef(key)},
    ).order_by("-history_date", "-history_id")
    return rows.annotate(_previous_id=Subquery(before.values("history_id")[:1]))


def _linked_paths(model: type[models.Model], *, only: list[str] | None = None) -> list[str]:
    """The records a row links to (of the fields `only`, if given), and the ones
    their names are made from (an item's meeting, an option's contract), to load
    with the row: linked records are named without a query each."""
    paths = []
    for field in model._meta.concrete_fields:
        if (field.many_to_one or field.one_to_one) and (only is None or field.name in only):
            paths.append(field.name)
            paths += _naming_paths(field.related_model, prefix=f"{field.name}__")
    return paths


def _naming_paths(model: type[models.Model], *, prefix: str = "") -> list[str]:
    """The records a `model`'s name may be made from: those it must link to."""
    return [
        f"{prefix}{inner.name}"
        for inner in model._meta.concrete_fields
        if (inner.many_to_one or inner.one_to_one) and not inner.null
    ]


def _stored_changes(row, old) -> list:
    """The fields `row` changed from `old`, as stored (a linked record by its id)."""
    m2m = [field.name for field in row._history_m2m_fields]
    return [
        change
        for change in row.diff_against(old, excluded_fields=m2m).changes
        # A blank written as NULL or back: nothing one can see.
        if not (change.old in (None, "") and change.new in (None, ""))
    ]


def _linked_records(shown: list) -> dict:
    """The records the changes in `shown` link to, by model and id: one query per
    kind of record named, whatever the number of changes."""
    wanted: dict[type[models.Model], set] = {}
    for row, _source, deltas in shown:
        for change in deltas:
            field = row.instance_type._meta.get_field(change.field)
            if field.many_to_one or field.one_to_one:
                ids = wanted.setdefault(field.related_model, set())
                ids.update(value for value in (change.old, change.new) if value not in (None, ""))
    return {
        model: model._base_manager.select_related(*_naming_paths(model)).in_bulk(sorted(ids))
        for model, ids in wanted.items()
    }


def _field_changes(
    original: type[models.Model],
    deltas: list,
    linked: dict,
    *,
    withheld: tuple[str, ...] = (),
    withheld_as: str = "",
) -> tuple[FieldChange, ...]:
    changes = []
    for change in deltas:
        field = original._meta.get_field(change.field)
        if change.field in withheld:
            old = new = withheld_as
        else:
            old = _worded(field, change.old, record=_record(field, change.old, linked))
            new = _worded(field, change.new, record=_record(field, change.new, linked))
        changes.append(
            (_field_position(original, change.field), FieldChange(_field_name(original, change.field), old, new))
        )
    return tuple(change for _position, change in sorted(changes, key=lambda pair: pair[0]))


def _record(field: models.Field, value, linked: dict):
    """The record a link's stored `value` names, from `_linked_records`; None for any other field."""
    if not (field.many_to_one or field.one_to_one):
        return None
    return linked.get(field.related_model, {}).get(value)


def _label_fields(label: str) -> list[str]:
    return [name for _text, name, _spec, _conversion in string.Formatter().parse(label) if name]


def _label(label: str, row, original) -> str:
    if not label:
        return ""
    values = {}
    for name in _label_fields(label):
        field = original._meta.get_field(name)
        record = getattr(row, field.name) if field.many_to_one or field.one_to_one else None
        values[name] = _worded(field, getattr(row, field.attname), record=record)
    return label.format(**values)


def _field_name(model, name: str) -> str:
    verbose = str(model._meta.get_field(name).verbose_name)
    return verbose[:1].upper() + verbose[1:]


def _field_position(model, name: str) -> int:
    return [field.name for field in model._meta.fields].index(name)


def _who(user) -> str:
    if user is None:
        return "The system"
    return user.get_full_name() or user.get_username()


def _worded(field: models.Field, value, *, record=None) -> str:
    """A stored value as the pages write it; for a link, `record` is the record it
    names, loaded already (None when it has since been deleted)."""
    if value is None or value == "":
        return BLANK
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.many_to_one or field.one_to_one:
        return str(record) if record is not None else f"a record since deleted (number {value})"
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, models.DateTimeField):
        moment = timezone.localtime(value)
        return f"{format_day(moment.date())} {moment:%H:%M}"
    if isinstance(field, models.DateField) and isinstance(value, date):
        return format_day(value)
    if isinstance(field, models.DecimalField):
        # The register's money columns are the wide ones with pennies; shares and uplifts are narrow.
        if field.decimal_places == 2 and field.max_digits >= 12:
            return format_money(value)
        return f"{value}%" if "percent" in field.name or "%" in str(field.verbose_name) else str(value)
    return str(value)


def full_history_requested(request) -> bool:
    """Whether the page was asked for every change (`?history=all`, the "Show the full history" link)."""
    return request.GET.get("history") == "all"
