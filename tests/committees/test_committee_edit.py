"""Editing a committee: its name, kind and quorum, by clerks; its council stays.
A change of kind that would change whether decisions already recorded at its
meetings are subject to call-in is refused."""

import re
from datetime import date
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from commissioning.core.models import SearchEntry
from committees import search_index, services
from committees.models import Committee
from tests.committees.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory, ResolutionPartFactory, at
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _url(committee: Committee) -> str:
    return reverse("committees:committee_update", args=[committee.pk])


def _form(client, committee: Committee) -> dict:
    """The edit form as the page gives it: the hidden version and values read included."""
    form = client.get(_url(committee)).context["form"]
    return {
        **{name: form[name].value() for name in ("name", "kind", "quorum")},
        "version": form["version"].value(),
        "read_values": form["read_values"].value(),
    }


@pytest.fixture
def executive():
    return CommitteeFactory(name="Executive", kind=Committee.Kind.EXECUTIVE, quorum=3)


def test_a_clerk_edits_a_committee_and_its_history_shows_it(client_for, clerk, executive):
    client = client_for(clerk)
    data = {**_form(client, executive), "name": "  Executive   Committee ", "quorum": "5"}

    response = client.post(_url(executive), data)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == executive.get_absolute_url()
    saved = Committee.objects.get(pk=executive.pk)
    assert (saved.name, saved.kind, saved.quorum, saved.version) == ("Executive Committee", "executive", 5, 2)
    assert saved.council_id == executive.council_id
    page = _text(client.get(executive.get_absolute_url()))
    assert "Executive Committee saved." in page
    assert "Name : Executive → Executive Committee" in page
    assert "Quorum : 3 → 5" in page
    assert "Version" not in page


def test_a_blank_quorum_is_three(client_for, clerk):
    committee = CommitteeFactory(name="Adult Care and Health PDS Committee", quorum=6)
    client = client_for(clerk)
    assert client.post(_url(committee), {**_form(client, committee), "quorum": ""}).status_code == HTTPStatus.FOUND
    assert Committee.objects.get(pk=committee.pk).quorum == 3


@pytest.mark.parametrize("quorum", ["0", "101", "three"])
def test_a_quorum_outside_1_to_100_is_refused_with_a_message(client_for, clerk, executive, quorum):
    client = client_for(clerk)
    response = client.post(_url(executive), {**_form(client, executive), "quorum": quorum, "name": "Renamed"})
    assert response.status_code == HTTPStatus.OK
    assert "The committee was not saved." in _text(response)
    assert response.context["form"].errors.keys() == {"quorum"}
    saved = Committee.objects.get(pk=executive.pk)
    assert (saved.name, saved.quorum, saved.version) == ("Executive", 3, 1)


def test_a_name_the_council_already_uses_is_refused(client_for, clerk, executive):
    CommitteeFactory(council=executive.council, name="Adult Care and Health PDS Committee")
    client = client_for(clerk)
    response = client.post(_url(executive), {**_form(client, executive), "name": "Adult Care and Health PDS Committee"})
    assert response.status_code == HTTPStatus.OK
    assert "This council already has a committee with this name." in _text(response)
    assert Committee.objects.get(pk=executive.pk).name == "Executive"


def test_a_stale_form_is_refused_and_the_other_save_kept(client_for, clerk, executive):
    client = client_for(clerk)
    first = _form(client, executive)
    second = _form(client, executive)
    assert client.post(_url(executive), {**first, "name": "The Executive"}).status_code == HTTPStatus.FOUND

    response = client.post(_url(executive), {**second, "quorum": "7"})

    assert response.status_code == HTTPStatus.OK
    assert "Someone else saved this committee while you were editing it: Name changed." in _text(response)
    saved = Committee.objects.get(pk=executive.pk)
    assert (saved.name, saved.quorum, saved.version) == ("The Executive", 3, 2)
    # The form comes back with the other save's name and what this one typed.
    again = response.context["form"]
    assert (again["name"].value(), again["quorum"].value(), again["version"].value()) == ("The Executive", "7", 2)


def test_a_kind_that_would_change_call_in_is_refused(client_for, clerk, executive):
    ResolutionPartFactory(
        item=AgendaItemFactory(meeting=MeetingFactory(committee=executive, starts_at=at(date(2026, 10, 1)))),
        kind="approve",
        text="Approved the tender.",
    )
    client = client_for(clerk)

    response = client.post(_url(executive), {**_form(client, executive), "kind": Committee.Kind.PDS})

    assert response.status_code == HTTPStatus.OK
    assert (
        "The kind cannot change from “Executive” to “Policy development and scrutiny”: decisions recorded at its "
        "meetings are subject to call-in, and would not be. Add a new committee for the new kind."
    ) in _text(response)
    saved = Committee.objects.get(pk=executive.pk)
    assert (saved.kind, saved.version) == ("executive", 1)
    # A portfolio holder's decisions are subject to call-in too: that change is allowed.
    response = client.post(_url(executive), {**_form(client, executive), "kind": Committee.Kind.PORTFOLIO_HOLDER})
    assert response.status_code == HTTPStatus.FOUND
    assert Committee.objects.get(pk=executive.pk).kind == "portfolio_holder"


def test_a_kind_that_would_make_recorded_decisions_subject_to_call_in_is_refused():
    pds = CommitteeFactory(name="Adult Care and Health PDS Committee", kind=Committee.Kind.PDS)
    ResolutionPartFactory(item__meeting__committee=pds, kind="reject", text="Rejected the proposal.")
    with pytest.raises(ValidationError, match="are not subject to call-in, and would be"):
        services.committee_update(committee=pds, name=pds.name, kind=Committee.Kind.EXECUTIVE, quorum=3, version=1)
    assert Committee.objects.get(pk=pds.pk).kind == "pds"


def test_a_kind_is_free_to_change_while_no_recorded_decision_depends_on_it(executive):
    # Noting a report is never subject to call-in, whoever notes it.
    ResolutionPartFactory(item__meeting__committee=executive, kind="note")
    services.committee_update(committee=executive, name="Executive", kind=Committee.Kind.PDS, quorum=3, version=1)
    assert Committee.objects.get(pk=executive.pk).kind == "pds"


def test_a_scrutiny_committee_that_considered_a_call_in_stays_one(executive):
    meeting = MeetingFactory(
        committee=executive, starts_at=at(date(2026, 10, 1)), decisions_published_on=date(2026, 10, 2)
    )
    part = ResolutionPartFactory(item__meeting=meeting, kind="approve", text="Approved the tender.")
    pds = CommitteeFactory(council=executive.council, name="Adult Care and Health PDS Committee")
    scrutiny = MeetingFactory(committee=pds, starts_at=at(date(2026, 10, 12)))
    call_in = services.call_in_request(
        part=part, requested_by="Cllr A Smith", requested_on=date(2026, 10, 5), reasons="No options.", today=TODAY
    )
    services.call_in_resolve(
        call_in=call_in,
        scrutiny_meeting=scrutiny,
        outcome="no_further_action",
        outcome_on=date(2026, 10, 12),
        today=TODAY,
    )
    with pytest.raises(ValidationError, match="call-ins are considered at its meetings"):
        services.committee_update(committee=pds, name=pds.name, kind=Committee.Kind.EXECUTIVE, quorum=3, version=1)
    services.committee_update(committee=pds, name=pds.name, kind=Committee.Kind.OVERVIEW_SCRUTINY, quorum=3, version=1)
    assert Committee.objects.get(pk=pds.pk).kind == "overview_scrutiny"


def test_a_renamed_committee_is_found_by_its_new_name(executive):
    item = AgendaItemFactory(meeting=MeetingFactory(committee=executive), title="Support at home")
    search_index.meeting_refresh(item.meeting)
    services.committee_update(committee=executive, name="Cabinet", kind=executive.kind, quorum=3, version=1)
    entry = SearchEntry.objects.get(kind=search_index.MINUTES, object_id=item.pk)
    assert entry.detail.startswith("Cabinet, ")


def test_only_those_who_may_change_committees_see_the_link_or_open_the_page(client_for, clerk, officer, executive):
    link = f'href="{_url(executive)}"'
    assert link in client_for(clerk).get(executive.get_absolute_url()).content.decode()
    client = client_for(officer)
    assert link not in client.get(executive.get_absolute_url()).content.decode()
    assert client.get(_url(executive)).status_code == HTTPStatus.FORBIDDEN
    response = client.post(_url(executive), {"name": "Cabinet", "kind": "executive", "quorum": "3", "version": "1"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Committee.objects.get(pk=executive.pk).name == "Executive"


def test_the_council_cannot_be_changed(client_for, clerk, executive):
    other = CommitteeFactory(council__name="London Borough of Lewisham").council
    client = client_for(clerk)
    response = client.post(_url(executive), {**_form(client, executive), "council": other.pk})
    assert response.status_code == HTTPStatus.FOUND
    assert Committee.objects.get(pk=executive.pk).council_id == executive.council_id
