"""The decision chain in committees.services and committees.authority: deciding
an option under a delegation uses it, a later decision never silently replaces
an option's authority, and acting before call-in ended is flagged."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from committees import selectors, services
from committees.authority import contract_decisions, option_early_action
from committees.models import Committee, ContractLink, OfficerDecision, ResolutionPart
from tests.committees.factories import (
    OD_RECORD,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    ResolutionPartFactory,
    at,
)
from tests.conftest import ContractFactory

pytestmark = pytest.mark.django_db
# The day these records are entered: option 1 of the contract below is still open.
THEN = date(2023, 3, 1)
Kind = ResolutionPart.Kind
Effect = ContractLink.Effect


@pytest.fixture
def contract():
    # 3+2 from 1 Apr 2020: option 1 (1 Apr 2023 - 31 Mar 2025) is open until 31 Mar 2023.
    return ContractFactory(reference="LBB-HS-2020", start_date=date(2020, 4, 1), term="3+2")


@pytest.fixture
def executive():
    return CommitteeFactory(name="Executive", kind=Committee.Kind.EXECUTIVE)


@pytest.fixture
def exec_item(executive):
    meeting = MeetingFactory(
        committee=executive, starts_at=at(date(2022, 11, 30)), decisions_published_on=date(2022, 12, 2)
    )
    return AgendaItemFactory(meeting=meeting, number="7")


@pytest.fixture
def delegate(exec_item, contract):
    return ResolutionPartFactory(
        item=exec_item,
        number="ii",
        kind=Kind.DELEGATE,
        text="Delegated authority to approve the extension.",
        delegation=services.DelegationInput(to_whom="Chief Officer", scope="Approve the extension"),
        links=[services.LinkInput(contract=contract, effect=Effect.OTHER)],
    )


@pytest.fixture
def approve(exec_item, contract):
    return ResolutionPartFactory(
        item=exec_item,
        number="i",
        kind=Kind.APPROVE,
        text="Approved the extension.",
        links=[services.LinkInput(contract=contract, effect=Effect.OTHER)],
    )


def _exercise(option, *, authority, decided_on=date(2022, 12, 20), **extra):
    return services.option_decide(
        option=option,
        exercise=True,
        decided_by="Chief Officer, Adult Social Care",
        decided_on=decided_on,
        authority=authority,
        today=THEN,
        **extra,
    )


# --- deciding an option under a delegation ------------------------------------------------------


def test_citing_the_delegating_part_records_the_officer_decision_and_uses_the_delegation(contract, delegate):
    option = contract.options.get(order=1)
    assert list(selectors.delegation_list(used=False, today=THEN)) == [delegate.delegation]

    _exercise(option, authority=delegate, note="KPIs achieved.")

    decision = OfficerDecision.objects.get()
    assert (decision.delegation, decision.decision_maker, decision.decided_on, decision.text) == (
        delegate.delegation,
        "Chief Officer, Adult Social Care",
        date(2022, 12, 20),
        "KPIs achieved.",
    )
    link = ContractLink.objects.get(option=option)
    assert (link.officer_decision, link.resolution_part, link.effect) == (decision, None, Effect.EXERCISE_OPTION)
    option.refresh_from_db()
    assert (option.status, option.decided_on) == ("exercised", date(2022, 12, 20))
    assert list(selectors.delegation_list(used=True, today=THEN)) == [delegate.delegation]
    assert list(selectors.delegation_list(used=False, today=THEN)) == []
    assert contract_decisions(contract=contract).authority_of_option.get(option.pk) == link


def test_without_a_note_the_officer_decision_says_what_it_did(contract, delegate):
    option = contract.options.get(order=1)
    services.option_decide(
        option=option,
        exercise=False,
        decided_by="Chief Officer",
        decided_on=date(2022, 12, 20),
        authority=delegate,
        today=THEN,
    )
    decision = OfficerDecision.objects.get()
    assert decision.text == "Declined option 1 of LBB-HS-2020 under the delegation to Chief Officer."
    assert decision.contract_links.get().effect == Effect.DECLINE_OPTION


def test_citing_an_existing_officer_decision_links_it_and_records_no_other(contract, delegate):
    decision = services.officer_decision_record(
        **OD_RECORD,
        decision_maker="Chief Officer",
        decided_on=date(2022, 12, 15),
        text="Extension approved.",
        delegation=delegate.delegation,
        today=THEN,
    )
    option = contract.options.get(order=1)
    _exercise(option, authority=decision)
    assert list(OfficerDecision.objects.all()) == [decision]
    assert ContractLink.objects.get(option=option).officer_decision == decision


@pytest.mark.parametrize(
    ("decided_on", "message"),
    [
        (date(2022, 11, 1), "That decision was taken on 30 Nov 2022, after 1 Nov 2022."),
        (date(2023, 2, 1), "The delegation expired on 31 Jan 2023."),
    ],
)
def test_a_decision_outside_the_delegation_changes_nothing(contract, exec_item, decided_on, message):
    delegate = ResolutionPartFactory(
        item=exec_item,
        number="iii",
        kind=Kind.DELEGATE,
        text="Delegated until the end of January.",
        delegation=services.DelegationInput(to_whom="Chief Officer", scope="Extensions", expires_on=date(2023, 1, 31)),
    )
    option = contract.options.get(order=1)
    with pytest.raises(ValidationError) as error:
        _exercise(option, authority=delegate, decided_on=decided_on)
    assert message in str(error.value)
    option.refresh_from_db()
    assert option.status == "available"
    assert not OfficerDecision.objects.exists()
    assert not ContractLink.objects.filter(option=option).exists()


def test_a_refusal_by_the_register_leaves_no_officer_decision(contract, delegate):
    option = contract.options.get(order=1)
    with pytest.raises(ValidationError, match="future"):
        _exercise(option, authority=delegate, decided_on=date(2023, 3, 2))  # the day after THEN
    assert not OfficerDecision.objects.exists()
    assert not ContractLink.objects.filter(option__contract=contract).exclude(effect=Effect.OTHER).exists()


def test_the_officer_decision_under_a_linked_delegation_carries_it_out_rather_than_replacing_it(contract, exec_item):
    option = contract.options.get(order=1)
    delegate = ResolutionPartFactory(
        item=exec_item,
        number="iv",
        kind=Kind.DELEGATE,
        text="Delegated the decision on option 1.",
        delegation=services.DelegationInput(to_whom="Chief Officer", scope="Option 1"),
        links=[services.LinkInput(contract=contract, effect=Effect.EXERCISE_OPTION, option=option)],
    )
    _exercise(option, authority=delegate)
    part_link, officer_link = ContractLink.objects.filter(option=option).order_by("pk")
    assert part_link.resolution_part == delegate and part_link.superseded_by is None
    assert officer_link.officer_decision.delegation == delegate.delegation
    assert contract_decisions(contract=contract).authority_of_option.get(option.pk) == officer_link


def test_citing_the_part_already_recorded_as_the_authority_links_it_once(contract, exec_item):
    option = contract.options.get(order=1)
    approve = ResolutionPartFactory(
        item=exec_item,
        number="v",
        kind=Kind.APPROVE,
        text="Approved option 1.",
        links=[services.LinkInput(contract=contract, effect=Effect.EXERCISE_OPTION, option=option)],
    )
    _exercise(option, authority=approve)
    assert ContractLink.objects.filter(option=option).count() == 1


# --- a later decision never silently replaces the recorded authority --------------------------------


@pytest.fixture
def later_item():
    pds = CommitteeFactory(name="Executive (reconvened)", kind=Committee.Kind.EXECUTIVE)
    return AgendaItemFactory(meeting=MeetingFactory(committee=pds, starts_at=at(date(2023, 1, 10))), number="3")


def _later_part(item, option, **extra):
    return services.resolution_part_add(
        meeting=item.meeting,
        item=item,
        number="1",
        kind=Kind.APPROVE,
        text="Approved the extension.",
        links=[services.LinkInput(contract=option.contract, effect=Effect.EXERCISE_OPTION, option=option)],
        **extra,
    )


def test_a_later_resolution_on_a_decided_option_needs_confirmation(contract, delegate, later_item):
    option = contract.options.get(order=1)
    _exercise(option, authority=delegate)
    first = ContractLink.objects.get(option=option)
    with pytest.raises(ValidationError) as error:
        _later_part(later_item, option)
    assert error.value.message_dict["replace_authority"] == [
        "Option 1 of LBB-HS-2020 was already exercised on 20 Dec 2022, authorised by the officer decision of "
        "20 Dec 2022 by Chief Officer, Adult Social Care. Tick “Replace the recorded authority” to record this "
        "decision as its authority; the earlier record is kept in its history."
    ]
    assert not later_item.parts.exists()
    assert list(ContractLink.objects.filter(option=option)) == [first]

    part = _later_part(later_item, option, replace_authority=True)
    first.refresh_from_db()
    new = ContractLink.objects.get(resolution_part=part)
    assert first.superseded_by == new  # kept, with what replaced it
    assert contract_decisions(contract=contract).authority_of_option.get(option.pk) == new
    assert first in contract_decisions(contract=contract).links


def test_an_option_decided_with_no_authority_also_asks_before_a_resolution_is_linked(contract, later_item):
    option = contract.options.get(order=1)
    _exercise(option, authority=None)
    with pytest.raises(ValidationError, match="with no authorising decision recorded"):
        _later_part(later_item, option)
    _later_part(later_item, option, replace_authority=True)
    assert contract_decisions(contract=contract).authority_of_option.get(option.pk).resolution_part.item == later_item


def test_an_officer_decision_on_an_authorised_option_needs_confirmation_too(contract, approve, delegate):
    option = contract.options.get(order=1)
    _exercise(option, authority=approve)
    arguments = {
        "decision_maker": "Chief Officer",
        "decided_on": date(2023, 1, 5),
        "text": "Exercised option 1.",
        "delegation": delegate.delegation,
        "today": THEN,
        "links": [services.LinkInput(contract=contract, effect=Effect.EXERCISE_OPTION, option=option)],
        **OD_RECORD,
    }
    with pytest.raises(ValidationError, match="authorised by Executive, 30 Nov 2022, item 7 \\(i\\)"):
        services.officer_decision_record(**arguments)
    assert not OfficerDecision.objects.exists()
    services.officer_decision_record(**arguments, replace_authority=True)
    assert ContractLink.objects.get(resolution_part=approve, option=option).superseded_by is not None


def test_citing_another_decision_when_one_is_recorded_needs_confirmation(contract, exec_item, approve):
    option = contract.options.get(order=1)
    recorded = ResolutionPartFactory(
        item=exec_item,
        number="vi",
        kind=Kind.APPROVE,
        text="Approved option 1.",
        links=[services.LinkInput(contract=contract, effect=Effect.EXERCISE_OPTION, option=option)],
    )
    with pytest.raises(ValidationError, match="already has a decision recorded, authorised by Executive"):
        _exercise(option, authority=approve)
    option.refresh_from_db()
    assert option.status == "available"
    _exercise(option, authority=approve, replace_authority=True)
    assert ContractLink.objects.get(resolution_part=recorded, option=option).superseded_by.resolution_part == approve


def test_a_deferral_cannot_be_linked_as_exercising_an_option(contract, exec_item):
    option = contract.options.get(order=1)
    with pytest.raises(ValidationError) as error:
        ResolutionPartFactory(
            item=exec_item,
            number="vii",
            kind=Kind.DEFER,
            text="Deferred.",
            links=[services.LinkInput(contract=contract, effect=Effect.EXERCISE_OPTION, option=option)],
        )
    assert "A part that defers cannot" in error.value.message_dict["kind"][0]
    assert not ResolutionPart.objects.filter(number="vii").exists()


# --- acting before the authorising decision's call-in ended ------------------------------------------


def test_an_option_exercised_before_call_in_ended_is_flagged(contract, approve):
    option = contract.options.get(order=1)
    _exercise(option, authority=approve, decided_on=date(2022, 12, 2))
    expected = "Exercised on 2 Dec 2022, before the call-in period of the Executive's decision ended on 9 Dec 2022."
    assert contract_decisions(contract=contract).early_action_of_option == {option.pk: expected}
    assert option_early_action(option=option) == expected


def test_an_officer_decision_is_judged_by_the_call_in_of_the_delegation(contract, delegate):
    option = contract.options.get(order=1)
    _exercise(option, authority=delegate, decided_on=date(2022, 12, 9))
    assert option_early_action(option=option) == (
        "Exercised on 9 Dec 2022, before the call-in period of the Executive's decision ended on 9 Dec 2022."
    )


@pytest.mark.parametrize("decided_on", [date(2022, 12, 12), date(2023, 1, 3)])
def test_an_option_exercised_after_call_in_is_not_flagged(contract, approve, decided_on):
    option = contract.options.get(order=1)
    _exercise(option, authority=approve, decided_on=decided_on)
    assert contract_decisions(contract=contract).early_action_of_option == {}
    assert option_early_action(option=option) == ""


def test_an_urgent_decision_or_one_not_yet_published_is_not_flagged(contract, exec_item):
    urgent = ResolutionPartFactory(item=exec_item, number="u", kind=Kind.APPROVE, text="Urgent.", is_urgent=True)
    option = contract.options.get(order=1)
    _exercise(option, authority=urgent, decided_on=date(2022, 12, 2))
    assert option_early_action(option=option) == ""
