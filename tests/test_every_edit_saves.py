"""Every save is saved: for every edit form of the app, each field a person can
change is changed alone, the rest posted as the page gave them, and the
database afterwards holds the new value and nothing else changed.

The fields come from the form classes, and the forms from every form that
remembers the version it was read at, so a new field or a new edit form
cannot escape these tests."""

from http import HTTPStatus

import pytest
from django.urls import URLResolver, get_resolver

from commissioning.core.versioning import READ_VALUES_FIELD, VERSION_FIELD, VersionedFormMixin
from tests.edit_forms import EDIT_FORMS, browser_form, cleaned, other_value, stored

pytestmark = pytest.mark.django_db

# Fields on the form class that are not editable once the record exists.
NOT_EDITABLE_ONCE_SAVED = {
    ("contract", "reference"),
    ("contract", "options_exercised"),
    ("report", "council"),
    ("forward plan", "council"),
    ("committee", "council"),
}
# What a service clears because of the field changed (a report that is no
# longer a gateway report has no gateway number...).
CONSEQUENCES = {
    ("report", "kind"): {"gateway_number"},
    ("report", "is_exempt"): {"exempt_paragraph", "exempt_reason"},
    ("agenda item", "is_exempt"): {"exempt_paragraph", "exempt_reason"},
    ("forward plan", "is_exempt"): {"exempt_paragraph"},
}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_edit_form_is_listed():
    assert {form.form_class for form in EDIT_FORMS} == set(_subclasses(VersionedFormMixin))


def _url_names(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_names(pattern.url_patterns)
        elif pattern.name:
            yield pattern.name


def test_every_edit_page_is_listed():
    edit_pages = {name for name in _url_names(get_resolver().url_patterns) if name.endswith("_update")}
    assert edit_pages == {
        "contract_update",
        "report_update",
        "meeting_update",
        "item_update",
        "project_update",
        "provider_update",
        "organisation_update",
        "kpi_update",
        "forward_plan_update",
        "committee_update",
        "monitoring_update",
    }


CASES = [
    pytest.param(edit, name, id=f"{edit.name}-{name}") for edit in EDIT_FORMS for name in edit.form_class.base_fields
]


def _open(client, edit, record):
    response = client.get(edit.page(record))
    assert response.status_code == HTTPStatus.OK
    form = edit.form_on(response.context, record)
    return form, browser_form(response.content.decode(), action=edit.action(record))


@pytest.mark.parametrize(("edit", "name"), CASES)
def test_changing_one_field_alone_saves_it(request, client_for, edit, name):
    record = edit.make()
    client = client_for(request.getfixturevalue(edit.role))
    form, data = _open(client, edit, record)
    assert form.add_prefix(VERSION_FIELD) in data and form.add_prefix(READ_VALUES_FIELD) in data
    if (edit.name, name) in NOT_EDITABLE_ONCE_SAVED:
        assert name not in form.editable_fields()
        return
    assert name in form.editable_fields()
    field = form.fields[name]
    html_name = form.add_prefix(name)
    posted = other_value(name, field, data.get(html_name, []))
    data[html_name] = posted
    response = client.post(edit.post_url(record), data)
    assert response.status_code == HTTPStatus.FOUND, response.context and edit.form_on(response.context, record).errors

    after = edit.model.objects.get(pk=record.pk)
    assert stored(field, after, name) == cleaned(field, posted)
    assert after.version == record.version + 1
    # Nothing else moved: the form shows every other field as it was.
    _, again = _open(client, edit, after)
    allowed = {name} | CONSEQUENCES.get((edit.name, name), set())
    for other in form.editable_fields():
        if other not in allowed:
            key = form.add_prefix(other)
            assert again.get(key, []) == data.get(key, []), other


@pytest.mark.parametrize("edit", EDIT_FORMS, ids=lambda edit: edit.name)
def test_every_editable_field_is_on_the_page(request, client_for, edit):
    """A field the form takes but the page leaves out could never be typed in."""
    record = edit.make()
    client = client_for(request.getfixturevalue(edit.role))
    response = client.get(edit.page(record))
    form = edit.form_on(response.context, record)
    html = response.content.decode()
    missing = [name for name in form.editable_fields() if f'name="{form.add_prefix(name)}"' not in html]
    assert missing == []
