"""Saves that cannot undo each other.

Two people who open the same record and save it one after the other must not
silently put back what the first one changed. A record edited through a form
has a `version`, which its update service raises on every save. The edit form
carries, in hidden fields, the version it was read at and the values it showed
then (signed, so they come back as they were sent). The service locks the row
and refuses a form read at an older version (`StaleEdit`); the view then names
the fields whose values changed meanwhile and shows the form again with what
the user typed.

Two creates that break a uniqueness rule at the same moment both pass the
service's checks; the database refuses the second, and `save_or_refuse` turns
that refusal into the form error the checks would have given.

This module knows no domain app: services and forms of every app use it.
"""

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.forms.utils import pretty_name

VERSION_FIELD = "version"
READ_VALUES_FIELD = "read_values"
_SALT = "commissioning.core.versioning"


class StaleEdit(ValidationError):
    """The form was read at an older version than the database now holds."""

    def __init__(self, *, read: int, current: int):
        super().__init__(
            "Someone else saved this while you were editing it. Your changes are below; check them and save again.",
            code="stale",
        )
        self.read = read
        self.current = current


def lock_for_update(model: type[models.Model], *, pk: Any, version: int | None) -> models.Model:
    """The row as the database holds it now, locked until the transaction ends.

    Services compare with and write to this copy, never the object they were
    given: a bound ModelForm has already copied the posted values onto its
    instance. `version` is the version the edit form was read at; None (a
    caller that did not read a form, such as an import) skips the check."""
    current = model._default_manager.select_for_update().get(pk=pk)
    if version is not None and current.version != version:
        raise StaleEdit(read=version, current=current.version)
    return current


def bump_version(model: type[models.Model], instance: models.Model) -> None:
    """Count a save that changed only related rows (links, shares) as a new version,
    without writing the row itself, which would add an empty audit record."""
    model._default_manager.filter(pk=instance.pk).update(version=models.F("version") + 1)
    instance.version += 1


def save_or_refuse(instance: models.Model, *, refusal: ValidationError) -> models.Model:
    """Save `instance`, raising `refusal` when the database refuses it.

    Call after full_clean: a uniqueness rule it checked can still be broken by
    a create committed between the check and this save. The savepoint keeps
    the caller's transaction usable after the refusal."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise refusal from error
    return instance


class VersionedAdminMixin:
    """A correction made in the admin is a save too: a form read before it is stale."""

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


# --- forms -------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A field's prepared value as JSON: strings, or a sorted list of strings."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | models.QuerySet):
        return sorted(str(_plain(item)) for item in value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()  # the same moment, however it was read
    return str(value)


class VersionedFormMixin:
    """An edit form that remembers the version and the values it was read with.

    Put before the form class: `class ContractForm(VersionedFormMixin, forms.ModelForm)`.
    Give `version=` when editing (a ModelForm reads its instance's); a form
    without a version is a create form and gets no hidden fields."""

    def __init__(self, *args, version: int | None = None, shown_elsewhere: dict[str, Any] | None = None, **kwargs):
        # Values the page shows beside this form (such as funding rows), by label.
        self.shown_elsewhere = {label: _plain(value) for label, value in (shown_elsewhere or {}).items()}
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if version is None and instance is not None and instance.pk is not None:
            version = instance.version
        self.is_edit = version is not None
        if not self.is_edit:
            return
        shown = self.read_snapshot()
        # Required: an edit posted without the version it was read at (a page
        # opened before an upgrade, say) cannot be checked, so it is refused too.
        self.fields[VERSION_FIELD] = forms.IntegerField(
            widget=forms.HiddenInput,
            initial=version,
            error_messages={
                "required": "This page was opened before it could say which version it shows. Reload it and "
                "make your changes again."
            },
        )
        self.fields[READ_VALUES_FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=signing.dumps(shown, salt=_SALT)
        )

    def full_clean(self):
        super().full_clean()
        # The version is a hidden field: an error on it is the form's, shown at the top.
        if self.is_edit and self._errors and VERSION_FIELD in self._errors:
            errors = self._errors.pop(VERSION_FIELD)
            self._errors.setdefault(NON_FIELD_ERRORS, self.error_class(error_class="nonfield")).extend(errors)

    def editable_fields(self) -> list[str]:
        """The fields a person can change on this form."""
        return [
            name
            for name, field in self.fields.items()
            if name not in {VERSION_FIELD, READ_VALUES_FIELD} and not field.disabled
        ]

    def read_snapshot(self) -> dict[str, Any]:
        """The values this form shows before anything is typed: field by field, then
        what is shown beside it, by label."""
        shown = {
            name: _plain(self.fields[name].prepare_value(self.get_initial_for_field(self.fields[name], name)))
            for name in self.editable_fields()
        }
        shown.update({f"+{label}": value for label, value in self.shown_elsewhere.items()})
        return shown

    def fields_data(self) -> dict[str, Any]:
        """cleaned_data without the hidden fields this mixin adds."""
        return {
            name: value for name, value in self.cleaned_data.items() if name not in {VERSION_FIELD, READ_VALUES_FIELD}
        }

    @property
    def read_version(self) -> int | None:
        """The version the submitted form was read at (after is_valid)."""
        if not self.is_edit:
            return None
        return self.cleaned_data.get(VERSION_FIELD)

    def refuse_as_stale(self, current: "VersionedFormMixin", *, noun: str) -> list[str]:
        """Refuse the submitted form: say which fields someone else changed since it
        was read, then make it carry `current`'s version and values, so the user
        can check what they typed and save again. `current` is an unbound form
        built from the record as the database holds it now. Returns the labels named."""
        try:
            read = signing.loads(self.data.get(self.add_prefix(READ_VALUES_FIELD), ""), salt=_SALT)
        except signing.BadSignature:
            read = None
        now = current.read_snapshot()
        changed = []
        if read is not None:
            changed = [
                str(self.fields[name].label or pretty_name(name))
                for name in self.editable_fields()
                if read.get(name) != now.get(name)
            ]
            changed += [key[1:] for key in now if key.startswith("+") and read.get(key) != now[key]]
        if changed:
            what = f": {', '.join(changed)} changed"
        elif read is None:
            what = ""
        else:
            what = ", without changing what this form shows"
        self.add_error(
            None,
            ValidationError(
                f"Someone else saved this {noun} while you were editing it{what}. "
                "Your changes are below, with their new values in the fields you had not changed; "
                "check them and save again.",
                code="stale",
            ),
        )
        data = self.data.copy()
        if read is not None:
            # A field the user left as it was shows its new value, so saving
            # again cannot put back what the other person changed.
            for name in self._untouched(read):
                if read.get(name) != now.get(name):
                    value = current[name].value()  # as the form would show it
                    if isinstance(value, list | tuple):
                        data.setlist(self.add_prefix(name), list(value))
                    else:
                        data[self.add_prefix(name)] = value
        data[self.add_prefix(VERSION_FIELD)] = current.initial_version
        data[self.add_prefix(READ_VALUES_FIELD)] = signing.dumps(now, salt=_SALT)
        self.data = data
        return changed

    def _untouched(self, read: dict[str, Any]) -> list[str]:
        """The fields whose submitted value is the one the form was read with."""
        cleaned = getattr(self, "cleaned_data", {})
        return [
            name
            for name in self.editable_fields()
            if name in cleaned and _plain(self.fields[name].prepare_value(cleaned[name])) == read.get(name)
        ]

    @property
    def initial_version(self) -> int | None:
        field = self.fields.get(VERSION_FIELD)
        return None if field is None else field.initial
