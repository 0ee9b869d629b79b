"""Stale edits refused, nothing lost.

Two people open the same edit form; A saves first. B's form, read before A's
save, is refused: nothing of it is saved, the message names what A changed,
and the form comes back with what B typed (and A's new values in the fields B
left alone), so saving it again loses neither."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils.html import escape

from commissioning.core.roles import CLERKS, OFFICERS
from tests.edit_forms import EDIT_FORMS, browser_form, other_value

pytestmark = pytest.mark.django_db

# For each form: the field A changes, and the field B changes.
FIELDS = {
    "contract": ("title", "notes"),
    "report": ("title", "author"),
    "meeting": ("venue", "status"),
    "call-in": ("requested_by", "reasons"),
    "agenda item": ("title", "minutes"),
    "project": ("title", "notes"),
    "provider": ("name", "charity_number"),
    "organisation": ("name", "kind"),
    "kpi": ("target", "measure"),
    "forward plan": ("title", "decision_maker_officer"),
    "committee": ("name", "quorum"),
    "monitoring": ("title", "findings"),
}
GROUPS = {"officer": OFFICERS, "clerk": CLERKS}


@pytest.fixture
def people(django_user_model):
    def two(role: str) -> tuple[Client, Client]:
        clients = []
        for name in ("a", "b"):
            user = django_user_model.objects.create_user(username=f"{role}-{name}", password="pw")
            user.groups.add(Group.objects.get(name=GROUPS[role]))
            client = Client()
            client.force_login(user)
            clients.append(client)
        return clients[0], clients[1]

    return two


def _open(client, edit, record):
    response = client.get(edit.page(record))
    assert response.status_code == HTTPStatus.OK
    return edit.form_on(response.context, record), browser_form(response.content.decode(), action=edit.action(record))


def _value(edit, record, name):
    return getattr(edit.model.objects.get(pk=record.pk), name)


def test_every_edit_form_is_tried():
    assert set(FIELDS) == {edit.name for edit in EDIT_FORMS}


@pytest.mark.parametrize("edit", EDIT_FORMS, ids=lambda edit: edit.name)
def test_a_stale_form_is_refused_and_keeps_what_was_typed(people, edit):
    record = edit.make()
    a, b = people(edit.role)
    a_field, b_field = FIELDS[edit.name]
    form, data_a = _open(a, edit, record)
    _, data_b = _open(b, edit, record)
    a_key, b_key = form.add_prefix(a_field), form.add_prefix(b_field)
    b_original = _value(edit, record, b_field)

    data_a[a_key] = other_value(a_field, form.fields[a_field], data_a[a_key])
    assert a.post(edit.post_url(record), data_a).status_code == HTTPStatus.FOUND

    data_b[b_key] = other_value(b_field, form.fields[b_field], data_b[b_key])
    response = b.post(edit.post_url(record), data_b)

    assert response.status_code == HTTPStatus.OK
    label = form[a_field].label
    message = f"Someone else saved this {edit.noun} while you were editing it: {label} changed."
    assert escape(message) in response.content.decode()
    shown = browser_form(response.content.decode(), action=edit.action(record))
    assert shown[b_key] == data_b[b_key]  # what B typed
    assert shown[a_key] == data_a[a_key]  # A's new value, in a field B left alone
    # Nothing of B's form was saved; A's save stands.
    after = edit.model.objects.get(pk=record.pk)
    assert str(getattr(after, a_field)) == data_a[a_key][0].replace("\r\n", "\n")
    assert getattr(after, b_field) == b_original
    assert after.version == record.version + 1

    # Saved again as shown, B's change is stored and A's is kept.
    assert b.post(edit.post_url(record), shown).status_code == HTTPStatus.FOUND
    after = edit.model.objects.get(pk=record.pk)
    assert str(getattr(after, a_field)) == data_a[a_key][0]
    assert str(getattr(after, b_field)) == data_b[b_key][0].replace("\r\n", "\n")


@pytest.mark.parametrize("edit", EDIT_FORMS, ids=lambda edit: edit.name)
def test_when_both_change_the_same_field_the_second_keeps_what_they_typed(people, edit):
    record = edit.make()
    a, b = people(edit.role)
    field = FIELDS[edit.name][0]
    form, data_a = _open(a, edit, record)
    _, data_b = _open(b, edit, record)
    key = form.add_prefix(field)
    data_a[key] = ["Typed by A"]
    assert a.post(edit.post_url(record), data_a).status_code == HTTPStatus.FOUND
    data_b[key] = ["Typed by B"]

    response = b.post(edit.post_url(record), data_b)

    assert response.status_code == HTTPStatus.OK
    assert f"while you were editing it: {form[field].label} changed." in response.content.decode()
    assert browser_form(response.content.decode(), action=edit.action(record))[key] == ["Typed by B"]
    assert _value(edit, record, field) == "Typed by A"


def test_a_changed_funding_split_is_named(people):
    edit = next(edit for edit in EDIT_FORMS if edit.name == "contract")
    contract = edit.make()
    a, b = people("officer")
    _, data_a = _open(a, edit, contract)
    _, data_b = _open(b, edit, contract)
    data_a["funding-0-percent"], data_a["funding-1-percent"] = ["60"], ["40"]
    assert a.post(edit.post_url(contract), data_a).status_code == HTTPStatus.FOUND
    data_b["description"] = ["Home care and reablement."]

    response = b.post(edit.post_url(contract), data_b)

    assert response.status_code == HTTPStatus.OK
    assert "while you were editing it: Funding changed." in response.content.decode()
    assert sorted(contract.funding_shares.values_list("percent", flat=True)) == [40, 60]
    assert edit.model.objects.get(pk=contract.pk).description == "Home care in the borough."


def test_a_form_read_after_the_last_save_is_not_stale(people):
    edit = next(edit for edit in EDIT_FORMS if edit.name == "report")
    report = edit.make()
    a, _ = people("clerk")
    for title in ("First title", "Second title"):
        form, data = _open(a, edit, report)
        data["title"] = [title]
        assert a.post(edit.post_url(report), data).status_code == HTTPStatus.FOUND
    assert _value(edit, report, "title") == "Second title"
    assert _value(edit, report, "version") == report.version + 2


def test_a_correction_in_the_admin_makes_a_form_read_before_it_stale(rf, django_user_model):
    from django.contrib import admin

    from committees.models import Meeting

    edit = next(edit for edit in EDIT_FORMS if edit.name == "meeting")
    meeting = edit.make()
    meeting.venue = "Council Chamber"
    request = rf.post("/")
    request.user = django_user_model.objects.create_superuser(username="admin", password="pw")
    admin.site._registry[Meeting].save_model(request, meeting, None, change=True)
    assert Meeting.objects.get(pk=meeting.pk).version == 2


def test_a_meeting_moved_meanwhile_shows_its_new_time_in_summer_time(people):
    from datetime import date

    from tests.committees.factories import MeetingFactory, at

    edit = next(edit for edit in EDIT_FORMS if edit.name == "meeting")
    meeting = MeetingFactory(starts_at=at(date(2023, 7, 12)), venue="Bromley Civic Centre")
    a, b = people("clerk")
    _, data_a = _open(a, edit, meeting)
    _, data_b = _open(b, edit, meeting)
    assert data_a["starts_at"] == ["2023-07-12T19:00"]
    data_a["starts_at"] = ["2023-07-12T18:30"]
    assert a.post(edit.post_url(meeting), data_a).status_code == HTTPStatus.FOUND
    data_b["venue"] = ["Council Chamber"]

    response = b.post(edit.post_url(meeting), data_b)

    assert "while you were editing it: Date and time changed." in response.content.decode()
    shown = browser_form(response.content.decode(), action=edit.action(meeting))
    assert (shown["starts_at"], shown["venue"]) == (["2023-07-12T18:30"], ["Council Chamber"])
    assert b.post(edit.post_url(meeting), shown).status_code == HTTPStatus.FOUND
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.venue) == (at(date(2023, 7, 12), 18, 30), "Council Chamber")
