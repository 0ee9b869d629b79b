"""The forward plan of key decisions: entries recorded, the notice checked, the
flags where a key decision was taken without a valid notice, and the pages."""

import csv
import io
from datetime import date
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees import services
from committees.models import ContractLink, ForwardPlanEntry, ResolutionPart
from committees.selectors import contract_key_decisions_without_notice, key_decisions_without_notice
from tests.committees.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    OfficerDecisionFactory,
    ResolutionPartFactory,
    at,
)
from tests.conftest import ContractFactory

pytestmark = pytest.mark.django_db

# The Executive on Wed 30 Nov 2022: notice by Tue 1 Nov 2022.
DECISION_DAY = date(2022, 11, 30)
AFTER = date(2023, 1, 10)


@pytest.fixture
def key_part():
    executive = CommitteeFactory(name="Executive", kind="executive")
    contract = ContractFactory(reference="LBB-SAH-2024", title="Support at home")
    meeting = MeetingFactory(committee=executive, starts_at=at(DECISION_DAY))
    item = AgendaItemFactory(meeting=meeting, number="7", title="Support at home: Gateway 1")
    return ResolutionPartFactory(
        item=item,
        number="i",
        kind=ResolutionPart.Kind.APPROVE,
        text="Approval to tender support at home.",
        is_key_decision=True,
        links=[services.LinkInput(contract=contract, effect=ContractLink.Effect.APPROVE_TENDER)],
    )


def _entry(part, **values):
    defaults = dict(
        council=part.item.meeting.committee.council,
        title="Support at home: approval to tender",
        decision_maker=part.item.meeting.committee,
        expected_on=DECISION_DAY,
        contracts=[part.contract_links.get().contract],
        decision=part,
    )
    return services.forward_plan_entry_create(**{**defaults, **values})


# --- recording an entry ----------------------------------------------------------------------


def test_an_entry_is_saved_with_its_decision_and_contracts(key_part):
    entry = _entry(key_part, published_on=date(2022, 10, 14), is_exempt=True, exempt_paragraph="3")
    entry.refresh_from_db()
    assert entry.resolution_part == key_part and entry.officer_decision is None
    assert [c.reference for c in entry.contracts.all()] == ["LBB-SAH-2024"]
    assert entry.exempt_paragraph == "3" and entry.version == 1


def test_an_entry_needs_a_decision_maker_and_its_exempt_paragraph(key_part):
    with pytest.raises(ValidationError) as error:
        _entry(key_part, decision_maker=None, decision_maker_officer=" ", is_exempt=True)
    assert set(error.value.message_dict) == {"decision_maker", "exempt_paragraph"}
    assert not ForwardPlanEntry.objects.exists()


def test_special_urgency_needs_who_agreed_and_when(key_part):
    with pytest.raises(ValidationError) as error:
        _entry(key_part, special_urgency_agreed_by="Chair of the PDS Committee")
    assert "special_urgency_agreed_on" in error.value.message_dict
    assert not ForwardPlanEntry.objects.exists()


def test_an_officer_decision_can_be_the_decision_taken(key_part):
    decision = OfficerDecisionFactory(decided_on=date(2023, 1, 10))
    entry = _entry(key_part, decision=decision, expected_on=date(2023, 1, 10), published_on=date(2022, 12, 1))
    entry.refresh_from_db()
    assert entry.officer_decision == decision and entry.resolution_part is None


# --- the notice checked: 28 clear days, general exception, special urgency --------------------


def _missing(today=AFTER):
    return [row.decision for row in key_decisions_without_notice(today=today)]


def test_a_key_decision_with_no_entry_is_flagged(key_part):
    assert _missing() == [key_part]
    (row,) = key_decisions_without_notice(today=AFTER)
    assert row.check.reason == "No forward plan entry for this key decision."
    # Not yet taken on the day before the meeting: nothing to flag.
    assert _missing(today=date(2022, 11, 29)) == []


def test_published_28_clear_days_before_is_valid_and_a_day_later_is_not(key_part):
    entry = _entry(key_part, published_on=date(2022, 11, 1))
    assert _missing() == []
    services.forward_plan_entry_update(
        entry=entry, version=entry.version, contracts=[], published_on=date(2022, 11, 2), decision=key_part
    )
    assert _missing() == [key_part]


def test_general_exception_with_five_clear_days_is_valid(key_part):
    _entry(key_part, published_on=date(2022, 11, 10), general_exception_notice_on=date(2022, 11, 24))
    assert _missing() == []


def test_general_exception_with_fewer_than_five_clear_days_is_not(key_part):
    _entry(key_part, published_on=date(2022, 11, 10), general_exception_notice_on=date(2022, 11, 25))
    (row,) = key_decisions_without_notice(today=AFTER)
    assert "Published on Thu 10 Nov 2022, after Tue 1 Nov 2022" in row.check.reason


def test_special_urgency_with_the_chairs_agreement_is_valid(key_part):
    _entry(
        key_part,
        special_urgency_agreed_by="Chair of the Adult Care and Health PDS Committee",
        special_urgency_agreed_on=date(2022, 11, 29),
        special_urgency_notice_on=date(2022, 11, 29),
    )
    assert _missing() == []


def test_special_urgency_agreed_after_the_decision_is_not(key_part):
    _entry(key_part, special_urgency_agreed_by="Chair", special_urgency_agreed_on=date(2022, 12, 1))
    assert _missing() == [key_part]


def test_the_contract_lists_its_key_decisions_without_notice(key_part):
    contract = key_part.contract_links.get().contract
    assert [row.decision for row in contract_key_decisions_without_notice(contract=contract, today=AFTER)] == [key_part]
    _entry(key_part, published_on=date(2022, 10, 3))
    assert contract_key_decisions_without_notice(contract=contract, today=AFTER) == []


# --- the flags on the pages ---------------------------------------------------------------------


def test_the_meeting_page_flags_the_part_without_notice(client_for, manager, key_part):
    url = reverse("committees:meeting_detail", args=[key_part.item.meeting_id]) + "?as_of=2023-01-10"
    html = client_for(manager).get(url).content.decode()
    assert "data-key-notice-missing" in html and 'data-notice="missing"' in html
    assert "No forward plan entry for this key decision." in html


def test_the_meeting_page_shows_a_valid_notice_without_the_flag(client_for, manager, key_part):
    _entry(key_part, published_on=date(2022, 10, 14))
    url = reverse("committees:meeting_detail", args=[key_part.item.meeting_id]) + "?as_of=2023-01-10"
    html = client_for(manager).get(url).content.decode()
    assert "data-key-notice-missing" not in html and 'data-notice="valid"' in html


def test_the_contract_page_flags_it(client_for, manager, key_part):
    contract = key_part.contract_links.get().contract
    url = reverse("contracts:contract_detail", args=[contract.pk]) + "?as_of=2023-01-10"
    html = client_for(manager).get(url).content.decode()
    assert 'id="key-decisions-without-notice"' in html
    _entry(key_part, published_on=date(2022, 10, 14))
    html = client_for(manager).get(url).content.decode()
    assert 'id="key-decisions-without-notice"' not in html


def test_the_dashboard_counts_them(client_for, clerk, key_part):
    url = reverse("home") + "?as_of=2023-01-10"
    html = client_for(clerk).get(url).content.decode()
    assert "Key decisions without a valid notice" in html
    assert 'data-count="key_notices">1<' in html
    _entry(key_part, published_on=date(2022, 10, 14))
    html = client_for(clerk).get(url).content.decode()
    assert 'data-count="key_notices">0<' in html


def test_the_dashboard_listing_reads_in_the_same_queries_however_many(key_part):
    def count():
        with CaptureQueriesContext(connection) as queries:
            rows = key_decisions_without_notice(today=AFTER)
        return len(queries), len(rows)

    # One officer decision on the plan, taken without notice, before counting.
    _entry(key_part, decision=OfficerDecisionFactory(decided_on=date(2022, 12, 2)), expected_on=date(2022, 12, 2))
    few = count()
    for n in range(5):
        ResolutionPartFactory(
            item=key_part.item, number=f"x{n}", kind="approve", text="Approved.", is_key_decision=True
        )
        _entry(key_part, decision=OfficerDecisionFactory(decided_on=date(2022, 12, 1)), expected_on=date(2022, 12, 1))
    many = count()
    assert few[1] == 2 and many == (few[0], 12)


# --- the pages ----------------------------------------------------------------------------------


def _form(**values):
    data = {
        "council": "",
        "title": "Support at home: approval to tender",
        "description": "",
        "decision_maker": "",
        "decision_maker_officer": "",
        "expected_on": "2022-11-30",
        "status": "planned",
        "published_on": "2022-10-14",
        "contracts": "LBB-SAH-2024",
        "exempt_paragraph": "",
        "general_exception_notice_on": "",
        "special_urgency_agreed_by": "",
        "special_urgency_agreed_on": "",
        "special_urgency_notice_on": "",
        "decision": "",
    }
    data.update(values)
    return data


def test_a_clerk_adds_an_entry_linked_to_the_decision(client_for, clerk, key_part):
    executive = key_part.item.meeting.committee
    response = client_for(clerk).post(
        reverse("committees:forward_plan_create"),
        _form(council=executive.council_id, decision_maker=executive.pk, decision="30 Nov 2022, item 7 (i)"),
    )
    assert response.status_code == HTTPStatus.FOUND
    entry = ForwardPlanEntry.objects.get()
    assert response["Location"] == entry.get_absolute_url()
    assert entry.resolution_part == key_part and entry.published_on == date(2022, 10, 14)
    assert [c.reference for c in entry.contracts.all()] == ["LBB-SAH-2024"]
    page = client_for(clerk).get(entry.get_absolute_url()).content.decode()
    assert "On the forward plan from Fri 14 Oct 2022." in page
    assert "by Tue 1 Nov 2022" in page


def test_a_form_with_no_decision_maker_is_refused(client_for, clerk, key_part):
    executive = key_part.item.meeting.committee
    response = client_for(clerk).post(reverse("committees:forward_plan_create"), _form(council=executive.council_id))
    assert response.status_code == HTTPStatus.OK
    assert "Say who takes the decision" in response.content.decode()
    assert not ForwardPlanEntry.objects.exists()


def test_the_list_shows_upcoming_entries_first_and_filters(client_for, manager, key_part):
    past = _entry(key_part, title="Past decision", expected_on=date(2022, 11, 30), published_on=date(2022, 10, 1))
    soon = _entry(key_part, title="Soon", expected_on=date(2023, 2, 1), decision=None, status="planned")
    later = _entry(key_part, title="Later", expected_on=date(2023, 6, 1), decision=None, status="deferred")
    client = client_for(manager)
    response = client.get(reverse("committees:forward_plan"), {"as_of": "2023-01-10"})
    assert [row.entry for row in response.context["rows"]] == [soon, later, past]
    response = client.get(reverse("committees:forward_plan"), {"as_of": "2023-01-10", "status": "deferred"})
    assert [row.entry for row in response.context["rows"]] == [later]
    response = client.get(reverse("committees:forward_plan"), {"as_of": "2023-01-10", "expected_to": "2023-03-01"})
    assert [row.entry for row in response.context["rows"]] == [soon, past]


def test_the_list_is_paginated_and_reads_in_the_same_queries(client_for, manager, key_part, settings):
    settings.PAGE_SIZE = 5
    client = client_for(manager)

    def read():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("committees:forward_plan"))
        assert response.status_code == HTTPStatus.OK
        return len(queries), response

    for n in range(2):
        _entry(key_part, title=f"Entry {n}", decision=None)
    few, _ = read()
    for n in range(10):
        _entry(key_part, title=f"More {n}", decision=None)
    many, response = read()
    assert many == few
    assert len(response.context["rows"]) == 5 and response.context["page"].paginator.count == 12


def test_the_print_view_has_every_entry_and_the_print_css(client_for, manager, key_part):
    _entry(key_part, published_on=date(2022, 10, 14), is_exempt=True, exempt_paragraph="3")
    html = client_for(manager).get(reverse("committees:forward_plan_print")).content.decode()
    assert "forward_plan.css" in html and "Forward plan of key decisions" in html
    assert "Support at home: approval to tender" in html
    assert "paragraph 3 of Schedule 12A" in html


def test_an_entry_covers_every_key_part_of_its_item(client_for, manager, key_part):
    delegation = ResolutionPartFactory(
        item=key_part.item, number="ii", kind="approve", text="Extensions delegated.", is_key_decision=True
    )
    assert set(_missing()) == {key_part, delegation}
    _entry(key_part, published_on=date(2022, 10, 14))
    assert _missing() == []
    url = reverse("committees:meeting_detail", args=[key_part.item.meeting_id]) + "?as_of=2023-01-10"
    html = client_for(manager).get(url).content.decode()
    assert html.count('data-notice="valid"') == 2 and "data-key-notice-missing" not in html


def test_the_export_holds_each_entry_with_its_notice(client_for, manager, key_part):
    _entry(key_part, published_on=date(2022, 10, 14))
    _entry(key_part, title="Late", decision=None, published_on=date(2022, 11, 20))
    response = client_for(manager).get(reverse("committees:forward_plan_export", args=["csv"]), {"as_of": "2022-11-01"})
    assert response["Content-Disposition"] == 'attachment; filename="forward-plan-2022-11-01.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_title = {row["Decision"]: row for row in rows}
    on_time = by_title["Support at home: approval to tender"]
    assert on_time["Publish by"] == "2022-11-01" and on_time["Valid notice"] == "Yes"
    assert on_time["Route"] == "forward plan (28 clear days)" and on_time["Contracts"] == "LBB-SAH-2024"
    assert by_title["Late"]["Valid notice"] == "No"
