"""Call-in: a request made within the call-in period, considered by a scrutiny
meeting, and a decision that cannot be acted on until the call-in is resolved;
and the officer decision record of the Openness Regulations 2014."""

import html
import re
from datetime import date
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from commissioning.core.versioning import StaleEdit
from committees import services
from committees.models import CallIn, Committee, ContractLink, OfficerDecision, ResolutionPart
from tests.committees.factories import (
    OD_RECORD,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    OfficerDecisionFactory,
    ResolutionPartFactory,
    at,
)
from tests.conftest import TODAY, ContractFactory

pytestmark = pytest.mark.django_db
Kind = ResolutionPart.Kind
Effect = ContractLink.Effect
Outcome = CallIn.Outcome


def _text(response) -> str:
    assert response.status_code == HTTPStatus.OK, response.status_code
    text = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))
    return re.sub(r" ([,.:;)])", r"\1", text)


@pytest.fixture
def contract():
    # 5+2+2 from 1 Oct 2024: option 1 is open on TODAY (22 Nov 2026).
    return ContractFactory(reference="LBB-SAH-2024", title="Support at home", start_date=date(2024, 10, 1))


@pytest.fixture
def executive():
    return CommitteeFactory(name="Executive", kind=Committee.Kind.EXECUTIVE)


@pytest.fixture
def scrutiny():
    # Bromley's call-ins go to its PDS committees.
    return CommitteeFactory(name="Adult Care and Health PDS Committee", kind=Committee.Kind.PDS)


@pytest.fixture
def part(executive, contract):
    """Executive, Wed 30 Nov 2022; decisions published Fri 2 Dec 2022: call-in ends Fri 9 Dec 2022."""
    meeting = MeetingFactory(
        committee=executive, starts_at=at(date(2022, 11, 30)), decisions_published_on=date(2022, 12, 2)
    )
    return ResolutionPartFactory(
        item=AgendaItemFactory(meeting=meeting, number="12"),
        number="ii",
        kind=Kind.DELEGATE,
        text="Delegated authority to approve the extension periods.",
        delegation=services.DelegationInput(to_whom="Chief Officer", scope="Approve the extension periods"),
        links=[services.LinkInput(contract=contract, effect=Effect.OTHER)],
    )


@pytest.fixture
def scrutiny_meeting(scrutiny):
    return MeetingFactory(committee=scrutiny, starts_at=at(date(2022, 12, 13)))


def _request(part, **values):
    arguments = {
        "part": part,
        "requested_by": "Cllr A Smith, Cllr B Jones",
        "requested_on": date(2022, 12, 7),
        "reasons": "The options appraisal did not consider an in-house service.",
        "today": TODAY,
        **values,
    }
    return services.call_in_request(**arguments)


def _exercise(contract, authority):
    return services.option_decide(
        option=contract.options.get(order=1),
        exercise=True,
        decided_by="Chief Officer",
        decided_on=TODAY,
        authority=authority,
        today=TODAY,
    )


# --- the call-in window ------------------------------------------------------------------------------


@pytest.mark.parametrize("requested_on", [date(2022, 12, 2), date(2022, 12, 9)])
def test_a_call_in_is_recorded_within_the_period(part, scrutiny_meeting, requested_on):
    call_in = _request(part, requested_on=requested_on, scrutiny_meeting=scrutiny_meeting)
    saved = CallIn.objects.get()
    assert saved == call_in
    assert (saved.resolution_part, saved.requested_on, saved.requested_by) == (
        part,
        requested_on,
        "Cllr A Smith, Cllr B Jones",
    )
    assert (saved.scrutiny_meeting, saved.outcome, saved.outcome_on) == (scrutiny_meeting, "", None)


@pytest.mark.parametrize(
    ("requested_on", "message"),
    [
        (date(2022, 12, 12), "Too late: the call-in period ended on 9 Dec 2022"),
        (date(2022, 12, 1), "Too early: the decision was published on 2 Dec 2022"),
        (date(2026, 11, 23), "cannot be dated in the future"),
    ],
)
def test_a_call_in_outside_the_period_is_refused(part, requested_on, message):
    with pytest.raises(ValidationError) as error:
        _request(part, requested_on=requested_on)
    assert message in error.value.message_dict["requested_on"][0]
    assert not CallIn.objects.exists()


def test_an_urgent_decision_a_recommendation_and_an_unpublished_one_cannot_be_called_in(part, executive, scrutiny):
    urgent = ResolutionPartFactory(item=part.item, number="u", kind=Kind.APPROVE, text="Urgent.", is_urgent=True)
    with pytest.raises(ValidationError, match="exempt from call-in"):
        _request(urgent)
    pds_item = AgendaItemFactory(meeting=MeetingFactory(committee=scrutiny, starts_at=at(date(2022, 11, 15))))
    recommendation = ResolutionPartFactory(
        item=pds_item, number="i", kind=Kind.RECOMMEND, text="Recommend.", recommended_to=executive
    )
    with pytest.raises(ValidationError, match="Only a decision of the executive"):
        _request(recommendation)
    unpublished = ResolutionPartFactory(
        item=AgendaItemFactory(meeting=MeetingFactory(committee=executive, starts_at=at(date(2022, 12, 5)))),
        number="i",
        kind=Kind.APPROVE,
        text="Approved.",
    )
    with pytest.raises(ValidationError, match="not yet published"):
        _request(unpublished)
    assert not CallIn.objects.exists()


def test_a_decision_is_called_in_once(part):
    _request(part)
    with pytest.raises(ValidationError, match="already been called in"):
        _request(part, requested_on=date(2022, 12, 8))
    assert CallIn.objects.count() == 1


def test_the_scrutiny_meeting_must_be_of_a_scrutiny_committee_and_not_before_the_call_in(part, executive, scrutiny):
    not_scrutiny = MeetingFactory(committee=executive, starts_at=at(date(2022, 12, 14)))
    with pytest.raises(ValidationError, match="not an overview and scrutiny committee"):
        _request(part, scrutiny_meeting=not_scrutiny)
    before = MeetingFactory(committee=scrutiny, starts_at=at(date(2022, 12, 6)))
    with pytest.raises(ValidationError, match="before the call-in of 7 Dec 2022"):
        _request(part, scrutiny_meeting=before)
    assert not CallIn.objects.exists()


# --- the outcome ----------------------------------------------------------------------------------------


def test_the_outcome_is_recorded_with_its_date(part, scrutiny_meeting):
    call_in = _request(part)
    services.call_in_resolve(
        call_in=call_in,
        scrutiny_meeting=scrutiny_meeting,
        outcome=Outcome.NO_FURTHER_ACTION,
        outcome_on=date(2022, 12, 13),
        today=TODAY,
        version=call_in.version,
    )
    saved = CallIn.objects.get()
    assert (saved.scrutiny_meeting, saved.outcome, saved.outcome_on, saved.version) == (
        scrutiny_meeting,
        Outcome.NO_FURTHER_ACTION,
        date(2022, 12, 13),
        2,
    )


def test_an_outcome_needs_its_meeting_and_date_and_a_stale_form_is_refused(part, scrutiny_meeting):
    call_in = _request(part)
    with pytest.raises(ValidationError, match="Say which scrutiny meeting"):
        services.call_in_resolve(
            call_in=call_in,
            scrutiny_meeting=None,
            outcome=Outcome.REFERRED_BACK,
            outcome_on=date(2022, 12, 13),
            today=TODAY,
        )
    with pytest.raises(ValidationError, match="together with the day"):
        services.call_in_resolve(
            call_in=call_in,
            scrutiny_meeting=scrutiny_meeting,
            outcome=Outcome.REFERRED_BACK,
            outcome_on=None,
            today=TODAY,
        )
    with pytest.raises(ValidationError, match="The scrutiny meeting was on 13 Dec 2022"):
        services.call_in_resolve(
            call_in=call_in,
            scrutiny_meeting=scrutiny_meeting,
            outcome=Outcome.REFERRED_BACK,
            outcome_on=date(2022, 12, 12),
            today=TODAY,
        )
    with pytest.raises(StaleEdit):
        services.call_in_resolve(
            call_in=call_in, scrutiny_meeting=scrutiny_meeting, outcome="", outcome_on=None, today=TODAY, version=0
        )
    assert CallIn.objects.get().outcome == ""


# --- acting on a called-in decision ---------------------------------------------------------------------


def test_an_option_cannot_be_exercised_while_the_call_in_is_pending_and_can_after_no_further_action(
    part, contract, scrutiny_meeting
):
    call_in = _request(part, scrutiny_meeting=scrutiny_meeting)
    with pytest.raises(ValidationError) as error:
        _exercise(contract, part)
    assert error.value.message_dict["authority"] == [
        "Executive, 30 Nov 2022, item 12 (ii) was called in on 7 Dec 2022 by Cllr A Smith, Cllr B Jones; "
        "the scrutiny committee considers it on 13 Dec 2022. It cannot be acted on until the call-in is resolved."
    ]
    assert contract.options.get(order=1).status == "available"
    assert not OfficerDecision.objects.exists()
    assert not ContractLink.objects.filter(option__isnull=False).exists()

    services.call_in_resolve(
        call_in=call_in,
        scrutiny_meeting=scrutiny_meeting,
        outcome=Outcome.NO_FURTHER_ACTION,
        outcome_on=date(2022, 12, 13),
        today=TODAY,
    )
    _exercise(contract, part)
    option = contract.options.get(order=1)
    assert option.status == "exercised"
    link = ContractLink.objects.get(option=option)
    assert link.officer_decision.delegation == part.delegation


def test_an_officer_decision_under_a_called_in_delegation_is_refused(part, contract):
    _request(part)
    with pytest.raises(ValidationError, match="was called in on 7 Dec 2022"):
        OfficerDecisionFactory(delegation=part.delegation, decided_on=date(2023, 1, 5))
    assert not OfficerDecision.objects.exists()


def test_a_decision_referred_back_cannot_be_acted_on(part, contract, scrutiny_meeting):
    call_in = _request(part)
    services.call_in_resolve(
        call_in=call_in,
        scrutiny_meeting=scrutiny_meeting,
        outcome=Outcome.REFERRED_BACK,
        outcome_on=date(2022, 12, 13),
        today=TODAY,
    )
    with pytest.raises(ValidationError, match="referred back to the decision maker on 13 Dec 2022"):
        _exercise(contract, part)
    assert contract.options.get(order=1).status == "available"


def test_a_change_cannot_be_authorised_by_a_called_in_decision(part, contract):
    _request(part)
    with pytest.raises(ValidationError, match="was called in on 7 Dec 2022"):
        services.contract_change_authorise(
            contract=contract,
            authority=part,
            today=TODAY,
            effective_on=date(2026, 12, 1),
            ground="minor_value",
            description="Price review.",
        )
    assert not ContractLink.objects.filter(change__isnull=False).exists()


def test_within_the_call_in_period_an_option_cannot_be_exercised_unless_urgent(executive, contract):
    # Executive, Wed 18 Nov 2026; published Fri 20 Nov 2026: call-in ends Fri 27 Nov 2026, after TODAY.
    meeting = MeetingFactory(
        committee=executive, starts_at=at(date(2026, 11, 18)), decisions_published_on=date(2026, 11, 20)
    )
    item = AgendaItemFactory(meeting=meeting, number="7")
    approve = ResolutionPartFactory(
        item=item,
        number="i",
        kind=Kind.APPROVE,
        text="Approved the extension.",
        links=[services.LinkInput(contract=contract, effect=Effect.OTHER)],
    )
    with pytest.raises(ValidationError) as error:
        _exercise(contract, approve)
    assert error.value.message_dict["authority"] == [
        "The call-in period of Executive, 18 Nov 2026, item 7 (i) runs until 27 Nov 2026: "
        "it cannot be implemented until 30 Nov 2026 unless it is urgent."
    ]
    assert contract.options.get(order=1).status == "available"
    urgent = ResolutionPartFactory(item=item, number="ii", kind=Kind.APPROVE, text="Urgent.", is_urgent=True)
    _exercise(contract, urgent)
    assert contract.options.get(order=1).status == "exercised"


# --- pages -------------------------------------------------------------------------------------------------


def test_the_clerk_records_a_call_in_and_its_outcome_and_the_pages_show_it(
    client_for, clerk, part, contract, scrutiny_meeting
):
    client = client_for(clerk)
    url = reverse("committees:call_in_create", args=[part.pk])
    data = {
        "requested_by": "Cllr A Smith, Cllr B Jones",
        "requested_on": "2022-12-12",
        "reasons": "No in-house option was appraised.",
        "scrutiny_meeting": scrutiny_meeting.pk,
    }
    page = _text(client.post(url, data))
    assert "Too late: the call-in period ended on 9 Dec 2022, so the decision can no longer be called in." in page
    assert not CallIn.objects.exists()

    response = client.post(url, {**data, "requested_on": "2022-12-07"})
    call_in = CallIn.objects.get()
    assert response.url == call_in.get_absolute_url()
    assert (call_in.requested_on, call_in.scrutiny_meeting) == (date(2022, 12, 7), scrutiny_meeting)

    meeting_page = _text(client.get(part.item.meeting.get_absolute_url()))
    assert (
        "Called in on 7 Dec 2022 by Cllr A Smith, Cllr B Jones; the scrutiny committee considers it on 13 Dec 2022."
        in meeting_page
    )
    contract_page = _text(client.get(contract.get_absolute_url()))
    assert "Called in. Executive, 30 Nov 2022, item 12 (ii) was called in on 7 Dec 2022" in contract_page

    detail = client.get(call_in.get_absolute_url())
    form = detail.context["form"]
    response = client.post(
        reverse("committees:call_in_resolve", args=[call_in.pk]),
        {
            "scrutiny_meeting": scrutiny_meeting.pk,
            "outcome": Outcome.NO_FURTHER_ACTION,
            "outcome_on": "2022-12-13",
            "requested_by": "Cllr A Smith, Cllr B Jones",
            "reasons": "No in-house option was appraised.",
            "version": form["version"].initial,
            "read_values": form["read_values"].initial,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    call_in.refresh_from_db()
    assert (call_in.outcome, call_in.outcome_on) == (Outcome.NO_FURTHER_ACTION, date(2022, 12, 13))
    meeting_page = _text(client.get(part.item.meeting.get_absolute_url()))
    assert "Call-in: No further action: the decision may be implemented" in meeting_page
    contract_page = _text(client.get(contract.get_absolute_url()))
    assert "no further action: the decision may be implemented (13 Dec 2022)" in contract_page


def test_a_stale_outcome_form_is_refused(client_for, clerk, part, scrutiny_meeting):
    call_in = _request(part)
    client = client_for(clerk)
    form = client.get(call_in.get_absolute_url()).context["form"]
    services.call_in_resolve(
        call_in=call_in, scrutiny_meeting=scrutiny_meeting, outcome="", outcome_on=None, today=TODAY
    )
    page = _text(
        client.post(
            reverse("committees:call_in_resolve", args=[call_in.pk]),
            {
                "scrutiny_meeting": scrutiny_meeting.pk,
                "outcome": Outcome.REFERRED_BACK,
                "outcome_on": "2022-12-13",
                "requested_by": "Cllr A Smith, Cllr B Jones",
                "reasons": "No in-house option was appraised.",
                "version": form["version"].initial,
                "read_values": form["read_values"].initial,
            },
        )
    )
    assert "Someone else saved this call-in while you were editing it" in page
    assert CallIn.objects.get().outcome == ""


def test_the_officer_s_exercise_is_refused_on_the_page_with_the_reason(client_for, officer, part, contract):
    _request(part)
    page = _text(
        client_for(officer).post(
            reverse("committees:option_exercise", args=[contract.pk, 1]),
            {"authority": f"part:{part.pk}", "decided_by": "Chief Officer", "decided_on": "2026-11-21"},
        )
    )
    # The error in the summary and at the field, and the warning beside the form.
    assert page.count("was called in on 7 Dec 2022 by Cllr A Smith, Cllr B Jones") == 3
    assert contract.options.get(order=1).status == "available"


# --- the officer decision record (Openness of Local Government Bodies Regulations 2014, reg 7) ------------------


def test_a_new_officer_decision_needs_its_reasons_and_alternatives(client_for, clerk):
    client = client_for(clerk)
    url = reverse("committees:officer_decision_create")
    data = {"decision_maker": "Director", "decided_on": "2026-11-21", "text": "Approved a variation."}
    page = _text(client.post(url, data))
    assert "Give the reasons for the decision." in page
    assert "Say which alternatives were considered and rejected, and why (or “None considered”)." in page
    assert not OfficerDecision.objects.exists()
    full = {
        **data,
        "reasons": "The provider's costs rose with the National Living Wage.",
        "alternatives_rejected": "Re-tendering: rejected as slower and dearer.",
        "conflicts_of_interest": "Cllr C Brown declared a personal interest.",
        "dispensations": "None sought.",
    }
    assert client.post(url, full).status_code == HTTPStatus.FOUND
    saved = OfficerDecision.objects.get()
    assert (saved.reasons, saved.alternatives_rejected, saved.conflicts_of_interest, saved.dispensations) == (
        full["reasons"],
        full["alternatives_rejected"],
        full["conflicts_of_interest"],
        full["dispensations"],
    )


def test_the_officer_decision_prints_with_every_field_and_the_delegation(client_for, manager, part):
    decision = OfficerDecisionFactory(
        delegation=part.delegation,
        decided_on=date(2023, 1, 5),
        published_on=date(2023, 1, 9),
        conflicts_of_interest="None declared by the Portfolio Holder.",
    )
    client = client_for(manager)
    page = _text(client.get(reverse("committees:officer_decision_print", args=[decision.pk])))
    for expected in (
        "RECORD OF AN OFFICER DECISION",
        "Chief Officer, Adult Social Care",
        "5 January 2023",
        "9 January 2023",
        "Approved the first contract extension period.",
        "Delegation to Chief Officer, made by Executive on 30 November 2022, item 12 (ii): Approve the extension periods.",
        OD_RECORD["reasons"],
        OD_RECORD["alternatives_rejected"],
        "None declared by the Portfolio Holder.",
        "Dispensations granted None",
    ):
        assert expected in page
    detail = _text(client.get(decision.get_absolute_url()))
    assert OD_RECORD["reasons"] in detail
    assert "Printable record" in detail


def test_an_old_officer_decision_without_the_record_still_shows(client_for, manager):
    decision = OfficerDecisionFactory()
    OfficerDecision.objects.filter(pk=decision.pk).update(reasons="", alternatives_rejected="")
    page = _text(client_for(manager).get(reverse("committees:officer_decision_print", args=[decision.pk])))
    assert "Reasons for the decision Not recorded" in page


# --- publishing an officer decision record ---------------------------------------------------------


def test_a_clerk_records_the_day_an_officer_decision_record_was_published(client_for, clerk):
    decision = OfficerDecisionFactory(decided_on=date(2026, 11, 2), published_on=None)
    url = reverse("committees:officer_decision_publish", args=[decision.pk])
    client = client_for(clerk)

    page = client.get(decision.get_absolute_url()).content.decode()
    assert 'id="publish-record"' in page
    refused = client.post(url, {"published_on": "2026-11-01"}, follow=True).content.decode()
    assert "A record is published once the decision is taken, on 2 Nov 2026." in refused
    assert OfficerDecision.objects.get(pk=decision.pk).published_on is None
    bad = client.post(url, {"published_on": "not a day"}, follow=True)
    assert bad.status_code == 200 and OfficerDecision.objects.get(pk=decision.pk).published_on is None

    done = client.post(url, {"published_on": "2026-11-04"}, follow=True).content.decode()
    assert "Recorded as published on 4 Nov 2026." in done
    assert OfficerDecision.objects.get(pk=decision.pk).published_on == date(2026, 11, 4)
    assert 'id="publish-record"' not in done
    again = client.post(url, {"published_on": "2026-11-05"}, follow=True).content.decode()
    assert "This record was published on 4 Nov 2026." in again
    assert OfficerDecision.objects.get(pk=decision.pk).published_on == date(2026, 11, 4)


# --- the list of call-ins ----------------------------------------------------------------------------


def _second_call_in(executive, contract, *, requested_on):
    """Another executive decision, on 25 Jan 2023 (published 27 Jan), called in."""
    meeting = MeetingFactory(
        committee=executive, starts_at=at(date(2023, 1, 25)), decisions_published_on=date(2023, 1, 27)
    )
    part = ResolutionPartFactory(
        item=AgendaItemFactory(meeting=meeting, number="7"),
        number="i",
        kind=Kind.APPROVE,
        text="Agreed the fee uplift.",
        links=[services.LinkInput(contract=contract, effect=Effect.OTHER)],
    )
    return _request(part, requested_on=requested_on, requested_by="Cllr C Brown")


def _list(client, **query):
    response = client.get(reverse("committees:call_in_list"), query)
    assert response.status_code == HTTPStatus.OK
    return response


def test_the_list_shows_pending_call_ins_first_as_on_the_day_asked(
    client_for, manager, part, executive, contract, scrutiny
):
    pending = _request(part)  # 7 Dec 2022, never resolved
    resolved = _second_call_in(executive, contract, requested_on=date(2023, 1, 30))
    services.call_in_resolve(
        call_in=resolved,
        scrutiny_meeting=MeetingFactory(committee=scrutiny, starts_at=at(date(2023, 2, 6))),
        outcome=Outcome.NO_FURTHER_ACTION,
        outcome_on=date(2023, 2, 6),
        today=TODAY,
        version=resolved.version,
    )
    client = client_for(manager)

    # The pending one comes first although it was made earlier.
    response = _list(client, as_of="2023-02-10")
    assert [(row.call_in, row.call_in.is_pending_then) for row in response.context["rows"]] == [
        (pending, True),
        (resolved, False),
    ]
    text = _text(response)
    assert "Executive, 25 Jan 2023, item 7 (i)" in text and "Cllr C Brown" in text
    assert "No further action 6 Feb 2023" in text and "LBB-SAH-2024" in text
    assert "Adult Care and Health PDS Committee, 6 Feb 2023" in text and "Not yet set" in text

    # On 1 Feb 2023 both were pending: the latest request first.
    response = _list(client, as_of="2023-02-01")
    assert [(row.call_in, row.call_in.is_pending_then) for row in response.context["rows"]] == [
        (resolved, True),
        (pending, True),
    ]
    # On 10 Dec 2022 only the first had been made.
    assert [row.call_in for row in _list(client, as_of="2022-12-10").context["rows"]] == [pending]
    # Before any call-in: the empty state says so.
    assert "No decision has been called in by 1 Dec 2022." in _text(_list(client, as_of="2022-12-01"))


def test_the_list_filters_by_status_outcome_committee_and_words(
    client_for, clerk, part, executive, contract, scrutiny_meeting
):
    resolved = _request(part)
    services.call_in_resolve(
        call_in=resolved,
        scrutiny_meeting=scrutiny_meeting,
        outcome=Outcome.REFERRED_BACK,
        outcome_on=date(2022, 12, 13),
        today=TODAY,
        version=resolved.version,
    )
    pending = _second_call_in(executive, contract, requested_on=date(2023, 1, 30))
    client = client_for(clerk)

    def shown(**query):
        return [row.call_in for row in _list(client, **query).context["rows"]]

    assert shown(state="pending") == [pending]
    assert shown(state="resolved") == [resolved]
    assert shown(outcome="referred_back") == [resolved]
    assert shown(outcome="no_further_action") == []
    # An outcome decided after the day asked was not known on it.
    assert shown(outcome="referred_back", as_of="2022-12-12") == []
    assert shown(state="pending", as_of="2022-12-12") == [resolved]
    assert shown(q="brown") == [pending]
    assert shown(q="in-house") == [pending, resolved]
    other = CommitteeFactory(name="Health and Wellbeing Board", kind=Committee.Kind.EXECUTIVE)
    assert shown(committee=str(executive.pk)) == [pending, resolved]
    assert shown(committee=str(other.pk)) == []
    assert "No call-ins match these filters." in _text(_list(client, q="nothing like this"))


def test_the_list_is_paginated_and_reads_in_the_same_queries(client_for, manager, executive, contract, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_SIZE = 5
    client = client_for(manager)

    def read():
        with CaptureQueriesContext(connection) as queries:
            response = _list(client)
        return len(queries), response

    def call_ins(count, start):
        for n in range(start, start + count):
            meeting = MeetingFactory(
                committee=executive, starts_at=at(date(2023, 1, 4 + n)), decisions_published_on=date(2023, 1, 4 + n)
            )
            called = ResolutionPartFactory(
                item=AgendaItemFactory(meeting=meeting, number=str(n)),
                number="i",
                kind=Kind.APPROVE,
                links=[services.LinkInput(contract=ContractFactory(), effect=Effect.OTHER)],
            )
            _request(called, requested_on=date(2023, 1, 4 + n))

    call_ins(2, 0)
    few, _ = read()
    call_ins(10, 2)
    many, response = read()
    assert many == few
    assert len(response.context["rows"]) == 5 and response.context["page"].paginator.count == 12
    assert [row.call_in.requested_on for row in response.context["rows"]][0] == date(2023, 1, 15)


def test_the_dashboard_counts_the_decisions_held_by_a_call_in(client_for, manager, part, scrutiny_meeting):
    call_in = _request(part, requested_by="Cllr A Smith")
    url = reverse("home")
    client = client_for(manager)
    response = client.get(url, {"as_of": "2022-12-12"})
    listing = response.context["board"].lists["call_ins"]
    assert listing.count == 1 and [row.call_in for row in listing.rows] == [call_in]
    assert listing.url == reverse("committees:call_in_list") + "?state=pending&as_of=2022-12-12"
    text = _text(response)
    assert "Decisions held by a call-in CSV · Excel 1 Executive, 30 Nov 2022, item 12 (ii)" in text
    assert "Executive, 30 Nov 2022, item 12 (ii)" in text
    assert "Called in 7 Dec 2022 by Cllr A Smith; scrutiny meeting not yet set" in text

    services.call_in_resolve(
        call_in=call_in,
        scrutiny_meeting=scrutiny_meeting,
        outcome=Outcome.NO_FURTHER_ACTION,
        outcome_on=date(2022, 12, 13),
        today=TODAY,
        version=call_in.version,
    )
    # Still held on 12 Dec 2022, as the outcome came the day after; not on 14 Dec.
    assert client.get(url, {"as_of": "2022-12-12"}).context["board"].lists["call_ins"].count == 1
    response = client.get(url, {"as_of": "2022-12-14"})
    assert response.context["board"].lists["call_ins"].count == 0
    assert "No decision is held by a call-in." in _text(response)


# --- the councillors who signed --------------------------------------------------------------------


@pytest.fixture
def councillors(executive):
    return [
        services.member_create(council=executive.council, name=name)
        for name in ("Cllr A Smith", "Cllr B Jones", "Cllr C Brown")
    ]


@pytest.mark.parametrize(
    ("count", "text"),
    [(0, ""), (1, "A"), (2, "A and B"), (3, "A, B and C")],
)
def test_signers_text_joins_the_names_as_printed(count, text):
    from committees.call_in import signers_text

    assert signers_text(["A", "B", "C"][:count]) == text


def test_the_members_who_signed_are_saved_and_fill_a_blank_called_in_by(part, councillors):
    smith, jones, brown = councillors
    call_in = _request(part, requested_by="  ", members=[smith, jones, brown])
    saved = CallIn.objects.get()
    assert saved == call_in
    assert set(saved.members.all()) == {smith, jones, brown}
    assert saved.requested_by == "Cllr A Smith, Cllr B Jones and Cllr C Brown"
    assert list(brown.call_ins_signed.all()) == [saved]


def test_called_in_by_as_typed_is_kept_beside_the_members(part, councillors):
    _request(part, requested_by="Cllr Smith and others", members=councillors[:1])
    saved = CallIn.objects.get()
    assert (saved.requested_by, list(saved.members.all())) == ("Cllr Smith and others", councillors[:1])


def test_a_call_in_names_its_councillors_somehow(part):
    with pytest.raises(ValidationError) as error:
        _request(part, requested_by="", members=[])
    assert "Say which councillors called it in" in error.value.message_dict["requested_by"][0]
    assert not CallIn.objects.exists()


def test_a_member_of_another_council_cannot_sign(part, councillors):
    from tests.conftest import OrganisationFactory

    stranger = services.member_create(council=OrganisationFactory(name="Bradford Council"), name="Cllr X Other")
    with pytest.raises(ValidationError) as error:
        _request(part, members=[councillors[0], stranger])
    assert error.value.message_dict["members"] == [
        "Cllr X Other is a member of another council: only councillors of London Borough of Bromley "
        "can call in its decisions."
    ]
    assert not CallIn.objects.exists()

    call_in = _request(part, members=[councillors[0]])
    with pytest.raises(ValidationError) as error:
        services.call_in_resolve(
            call_in=call_in, scrutiny_meeting=None, outcome="", outcome_on=None, today=TODAY, members=[stranger]
        )
    assert "Cllr X Other is a member of another council" in error.value.message_dict["members"][0]
    assert list(CallIn.objects.get().members.all()) == [councillors[0]]


def test_the_clerk_chooses_the_councillors_who_signed_on_the_page(client_for, clerk, part, councillors):
    from tests.conftest import OrganisationFactory

    smith, jones, _ = councillors
    stranger = services.member_create(council=OrganisationFactory(name="Bradford Council"), name="Cllr X Other")
    client = client_for(clerk)
    url = reverse("committees:call_in_create", args=[part.pk])
    form = client.get(url).context["form"]
    assert [member.name for member in form.fields["members"].queryset] == [
        "Cllr A Smith",
        "Cllr B Jones",
        "Cllr C Brown",
    ]
    data = {"requested_by": "", "requested_on": "2022-12-07", "reasons": "No in-house option was appraised."}

    page = _text(client.post(url, {**data, "members": [smith.pk, stranger.pk]}))
    assert "Choose from the councillors of the council that took the decision" in page
    assert not CallIn.objects.exists()

    response = client.post(url, {**data, "members": [jones.pk, smith.pk]})
    call_in = CallIn.objects.get()
    assert response.url == call_in.get_absolute_url()
    assert set(call_in.members.all()) == {smith, jones}
    # The choices come in the list's order, by name.
    assert call_in.requested_by == "Cllr A Smith and Cllr B Jones"
    detail = _text(client.get(call_in.get_absolute_url()))
    assert "Councillors who signed Cllr A Smith, Cllr B Jones" in detail


def test_correcting_the_request_keeps_or_changes_the_members(client_for, clerk, part, councillors):
    smith, jones, brown = councillors
    call_in = _request(part, requested_by="", members=[smith])
    client = client_for(clerk)
    form = client.get(call_in.get_absolute_url()).context["form"]
    assert form["members"].initial == [smith.pk]
    response = client.post(
        reverse("committees:call_in_resolve", args=[call_in.pk]),
        {
            "scrutiny_meeting": "",
            "outcome": "",
            "outcome_on": "",
            "requested_by": "",
            "members": [jones.pk, brown.pk],
            "reasons": "Corrected reasons.",
            "version": form["version"].initial,
            "read_values": form["read_values"].initial,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    call_in.refresh_from_db()
    assert set(call_in.members.all()) == {jones, brown}
    assert (call_in.requested_by, call_in.reasons, call_in.version) == (
        "Cllr B Jones and Cllr C Brown",
        "Corrected reasons.",
        2,
    )

    # Without `members` the service keeps them, and a blank text is filled from them.
    services.call_in_resolve(
        call_in=call_in, scrutiny_meeting=None, outcome="", outcome_on=None, today=TODAY, requested_by=""
    )
    call_in.refresh_from_db()
    assert set(call_in.members.all()) == {jones, brown}
    assert call_in.requested_by == "Cllr B Jones and Cllr C Brown"


def test_the_member_page_lists_the_call_ins_signed_in_the_same_queries(
    client_for, manager, executive, contract, part, councillors, scrutiny_meeting
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    smith = councillors[0]
    call_in = _request(part, members=[smith])
    services.call_in_resolve(
        call_in=call_in,
        scrutiny_meeting=scrutiny_meeting,
        outcome=Outcome.REFERRED_BACK,
        outcome_on=date(2022, 12, 13),
        today=TODAY,
    )
    client = client_for(manager)
    url = smith.get_absolute_url()

    def read():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return len(queries), response

    one, response = read()
    page = _text(response)
    assert (
        "Call-ins signed Called in on Decision Status 7 Dec 2022 Executive, 30 Nov 2022, item 12 (ii) "
        "Referred back to the decision maker, 13 Dec 2022"
    ) in page
    assert "Has signed no call-in" in _text(client.get(councillors[1].get_absolute_url()))

    for n in range(4):
        meeting = MeetingFactory(
            committee=executive, starts_at=at(date(2023, 1, 4 + n)), decisions_published_on=date(2023, 1, 4 + n)
        )
        called = ResolutionPartFactory(
            item=AgendaItemFactory(meeting=meeting, number=str(n)), number="i", kind=Kind.APPROVE
        )
        _request(called, requested_on=date(2023, 1, 4 + n), members=[smith])
    five, response = read()
    assert five == one
    rows = response.context["call_ins"]
    assert [row.call_in.requested_on for row in rows] == [date(2023, 1, 4 + n) for n in (3, 2, 1, 0)] + [
        date(2022, 12, 7)
    ]
    assert "7 Jan 2023 Executive, 7 Jan 2023, item 3 (i) Pending" in _text(response)
