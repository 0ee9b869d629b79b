from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from committees import services
from committees.authority import authority_choices, authority_from_choice, contract_decisions
from committees.models import Action, AgendaItem, Committee, ContractLink, Delegation, Report, ResolutionPart
from tests.committees.factories import OD_RECORD
from tests.conftest import TODAY, ContractFactory, OrganisationFactory, on

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 19) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


@pytest.fixture
def bromley():
    return OrganisationFactory(name="London Borough of Bromley")


@pytest.fixture
def pds(bromley):
    return services.committee_create(
        council=bromley, name="Adult Care and Health PDS Committee", kind=Committee.Kind.PDS
    )


@pytest.fixture
def executive(bromley):
    return services.committee_create(council=bromley, name="Executive", kind=Committee.Kind.EXECUTIVE)


@pytest.fixture
def support_at_home(bromley):
    return ContractFactory(reference="LBB-SAH-2024", lead_commissioner=bromley, start_date=date(2024, 10, 1))


def _gateway_1_chain(pds, executive, contract):
    """The support@home chain: PDS recommends, the Executive decides and delegates."""
    report = services.report_create(
        council=pds.council,
        reference="ACH22-035",
        title="Gateway 1",
        kind=Report.Kind.GATEWAY,
        gateway_number=1,
        contracts=[contract],
    )
    pds_meeting = services.meeting_create(committee=pds, starts_at=at(date(2022, 11, 15)))
    pds_item = services.agenda_item_add(meeting=pds_meeting, number="5", title="support@home", report=report)
    recommend_tender = services.resolution_part_add(
        meeting=pds_meeting,
        item=pds_item,
        number="i",
        kind=ResolutionPart.Kind.RECOMMEND,
        recommended_to=executive,
        text="Approve the commencement of a tender process.",
        links=[services.LinkInput(contract=contract, effect=ContractLink.Effect.APPROVE_TENDER)],
    )
    recommend_delegation = services.resolution_part_add(
        meeting=pds_meeting,
        item=pds_item,
        number="ii",
        kind=ResolutionPart.Kind.RECOMMEND,
        recommended_to=executive,
        text="Delegate authority to the Chief Officer to approve the contract extension period(s).",
    )
    exec_meeting = services.meeting_create(committee=executive, starts_at=at(date(2022, 11, 30)))
    exec_item = services.agenda_item_add(meeting=exec_meeting, number="7", title="support@home", report=report)
    approve = services.resolution_part_add(
        meeting=exec_meeting,
        item=exec_item,
        number="i",
        kind=ResolutionPart.Kind.APPROVE,
        takes_up=recommend_tender,
        text="Approved the commencement of a tender process.",
        is_key_decision=True,
        links=[services.LinkInput(contract=contract, effect=ContractLink.Effect.APPROVE_TENDER)],
    )
    delegate = services.resolution_part_add(
        meeting=exec_meeting,
        item=exec_item,
        number="ii",
        kind=ResolutionPart.Kind.DELEGATE,
        takes_up=recommend_delegation,
        text="Delegated authority to approve the extension period(s).",
        delegation=services.DelegationInput(
            to_whom="Chief Officer",
            in_consultation_with="Portfolio Holder",
            scope="Approve the contract extension period(s)",
            condition="on satisfactory achievement of the contract performance indicators",
        ),
        links=[services.LinkInput(contract=contract, effect=ContractLink.Effect.OTHER)],
    )
    return recommend_tender, approve, delegate


def test_the_support_at_home_chain_can_be_followed_from_either_end(pds, executive, support_at_home):
    recommend_tender, approve, delegate = _gateway_1_chain(pds, executive, support_at_home)
    assert list(recommend_tender.taken_up_by.all()) == [approve]
    assert approve.takes_up == recommend_tender
    assert delegate.delegation.to_whom == "Chief Officer"

    decisions = contract_decisions(contract=support_at_home)
    assert [(link.resolution_part.item.meeting.committee.name, link.effect) for link in decisions.links] == [
        ("Adult Care and Health PDS Committee", "approve_tender"),
        ("Executive", "approve_tender"),
        ("Executive", "other"),
    ]


def test_an_officer_decision_under_the_delegation_authorises_an_option(pds, executive, support_at_home):
    *_, delegate = _gateway_1_chain(pds, executive, support_at_home)
    decision = services.officer_decision_record(
        **OD_RECORD,
        decision_maker="Chief Officer, Adult Social Care",
        decided_on=date(2026, 11, 2),
        text="Extension approved: KPIs achieved.",
        delegation=delegate.delegation,
        today=TODAY,
    )
    assert f"officer:{decision.pk}" in dict(authority_choices(contract=support_at_home))
    option = support_at_home.options.get(order=1)
    services.option_decide(
        option=option,
        exercise=True,
        decided_by="Chief Officer",
        decided_on=date(2026, 11, 2),
        authority=authority_from_choice(f"officer:{decision.pk}"),
        today=TODAY,
    )
    assert on(support_at_home).current_end_date == date(2031, 9, 30)
    link = contract_decisions(contract=support_at_home).authority_of_option.get(option.pk)
    assert link.officer_decision == decision
    assert link.officer_decision.delegation.resolution_part == delegate
    assert list(delegate.delegation.officer_decisions.all()) == [decision]


def test_an_option_exercised_without_authority_has_no_link(support_at_home):
    option = support_at_home.options.get(order=1)
    services.option_decide(
        option=option, exercise=True, decided_by="Someone", decided_on=date(2026, 11, 2), today=TODAY
    )
    assert contract_decisions(contract=support_at_home).authority_of_option.get(option.pk) is None
    assert option.decision_links.count() == 0


def test_an_authority_dated_after_the_decision_is_refused_and_nothing_changes(pds, executive, support_at_home):
    *_, delegate = _gateway_1_chain(pds, executive, support_at_home)
    decision = services.officer_decision_record(
        **OD_RECORD,
        decision_maker="Chief Officer",
        decided_on=date(2026, 11, 20),
        text="Approve",
        delegation=delegate.delegation,
        today=TODAY,
    )
    option = support_at_home.options.get(order=1)
    with pytest.raises(ValidationError, match="after 2 Nov 2026"):
        services.option_decide(
            option=option,
            exercise=True,
            decided_by="Chief Officer",
            decided_on=date(2026, 11, 2),
            authority=decision,
            today=TODAY,
        )
    option.refresh_from_db()
    assert option.status == "available"
    assert not ContractLink.objects.filter(option=option).exists()


def test_a_part_on_an_item_of_another_meeting_is_refused(pds):
    first = services.meeting_create(committee=pds, starts_at=at(date(2022, 11, 15)))
    second = services.meeting_create(committee=pds, starts_at=at(date(2023, 1, 10)))
    item = services.agenda_item_add(meeting=first, number="5", title="An item")
    with pytest.raises(ValidationError) as error:
        services.resolution_part_add(meeting=second, item=item, number="1", kind="note", text="Noted.")
    assert error.value.message_dict["item"] == ["Item 5 belongs to another meeting, not this one."]
    assert not ResolutionPart.objects.exists()


def test_an_action_due_before_its_meeting_is_refused_with_its_part(pds):
    meeting = services.meeting_create(committee=pds, starts_at=at(date(2022, 11, 15)))
    item = services.agenda_item_add(meeting=meeting, number="5", title="An item")
    with pytest.raises(ValidationError) as error:
        services.resolution_part_add(
            meeting=meeting,
            item=item,
            number="2",
            kind="approve",
            text="A progress report be submitted.",
            actions=[
                services.ActionInput(text="Progress report", owner="Strategic Director", due_on=date(2022, 11, 1))
            ],
        )
    assert error.value.message_dict["due_on"] == ["An action cannot be due before its meeting (15 Nov 2022)."]
    assert not ResolutionPart.objects.exists()
    assert not Action.objects.exists()


def test_a_duplicate_report_reference_within_a_council_is_refused(bromley):
    services.report_create(council=bromley, reference="ACH22-035", title="Gateway 1")
    with pytest.raises(ValidationError, match="This council already has a report with this reference."):
        services.report_create(council=bromley, reference="ACH22-035", title="Again")
    other = OrganisationFactory(name="Nottingham City Council")
    services.report_create(council=other, reference="ACH22-035", title="Another council's report")
    assert Report.objects.count() == 2


def test_a_recommendation_is_taken_up_only_by_its_decision_maker(pds, executive, bromley):
    meeting = services.meeting_create(committee=pds, starts_at=at(date(2022, 11, 15)))
    item = services.agenda_item_add(meeting=meeting, number="5", title="An item")
    recommendation = services.resolution_part_add(
        meeting=meeting, item=item, number="i", kind="recommend", recommended_to=executive, text="Recommend."
    )
    portfolio = services.committee_create(council=bromley, name="Portfolio Holder", kind="portfolio_holder")
    other_meeting = services.meeting_create(committee=portfolio, starts_at=at(date(2022, 12, 1)))
    other_item = services.agenda_item_add(meeting=other_meeting, number="1", title="An item")
    with pytest.raises(ValidationError, match="went to Executive, not Portfolio Holder"):
        services.resolution_part_add(
            meeting=other_meeting, item=other_item, number="1", kind="approve", takes_up=recommendation, text="Agreed."
        )


def test_a_delegation_needs_its_details_and_a_recommendation_its_decision_maker(pds):
    meeting = services.meeting_create(committee=pds, starts_at=at(date(2022, 11, 15)))
    item = services.agenda_item_add(meeting=meeting, number="5", title="An item")
    with pytest.raises(ValidationError, match="Say to whom authority is delegated"):
        services.resolution_part_add(meeting=meeting, item=item, number="i", kind="delegate", text="Delegate.")
    with pytest.raises(ValidationError, match="Say which decision maker"):
        services.resolution_part_add(meeting=meeting, item=item, number="i", kind="recommend", text="Recommend.")
    assert not Delegation.objects.exists()


def test_an_officer_decision_must_fall_within_its_delegation(pds, executive, support_at_home):
    *_, delegate = _gateway_1_chain(pds, executive, support_at_home)
    with pytest.raises(ValidationError, match="The delegation was only made on 30 Nov 2022"):
        services.officer_decision_record(
            **OD_RECORD,
            decision_maker="Chief Officer",
            decided_on=date(2022, 11, 1),
            text="Too early",
            delegation=delegate.delegation,
            today=TODAY,
        )
    with pytest.raises(ValidationError, match="cannot be dated in the future"):
        services.officer_decision_record(
            **OD_RECORD,
            decision_maker="Chief Officer",
            decided_on=date(2026, 11, 23),
            text="Too late",
            today=TODAY,
        )


def test_minutes_are_approved_at_the_next_meeting_of_the_same_committee(pds, executive):
    first = services.meeting_create(committee=pds, starts_at=at(date(2022, 11, 15)))
    second = services.meeting_create(committee=pds, starts_at=at(date(2023, 1, 10)))
    third = services.meeting_create(committee=pds, starts_at=at(date(2023, 3, 7)))
    elsewhere = services.meeting_create(committee=executive, starts_at=at(date(2022, 11, 30)))
    with pytest.raises(ValidationError, match="same committee"):
        services.minutes_approve(meeting=first, at_meeting=elsewhere)
    with pytest.raises(ValidationError, match="next meeting"):
        services.minutes_approve(meeting=first, at_meeting=third)
    services.minutes_approve(meeting=first, at_meeting=second)
    first.refresh_from_db()
    assert first.minutes_approved_at == second


def test_an_option_link_must_belong_to_the_contract(pds, support_at_home):
    other = ContractFactory(reference="OTHER")
    meeting = services.meeting_create(committee=pds, starts_at=at(date(2022, 11, 15)))
    item = services.agenda_item_add(meeting=meeting, number="5", title="An item")
    with pytest.raises(ValidationError, match="belongs to another contract, not LBB-SAH-2024"):
        services.resolution_part_add(
            meeting=meeting,
            item=item,
            number="i",
            kind="approve",
            text="Extend.",
            links=[
                services.LinkInput(contract=support_at_home, effect="exercise_option", option=other.options.first())
            ],
        )
    assert not ResolutionPart.objects.exists()
    assert AgendaItem.objects.count() == 1
