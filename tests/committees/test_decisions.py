"""committees/decisions.py: which kinds of resolution part can authorise what,
when a delegation counts as used, and acting before call-in ended."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from commissioning.overview import dashboard
from commissioning.projects import services as project_services
from commissioning.projects.forms import WaiverForm
from commissioning.projects.models import Gateway
from committees import clock, decisions, selectors, services
from committees.authority import authority_candidates, authority_choices
from committees.decisions import Power
from committees.models import Committee, ContractLink, ResolutionPart
from committees.pickers import decision_matches
from tests.committees.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    OfficerDecisionFactory,
    ResolutionPartFactory,
    at,
)
from tests.conftest import TODAY, ContractFactory, ServiceAreaFactory

Kind = ResolutionPart.Kind
DAYS = clock.WorkingDays()


# --- the table --------------------------------------------------------------------------------


@pytest.mark.parametrize("power", list(Power))
def test_only_approving_and_delegating_authorise_anything(power):
    assert decisions.authorising_kinds(power) == {Kind.APPROVE, Kind.DELEGATE}
    for kind in (Kind.NOTE, Kind.RECOMMEND, Kind.DEFER, Kind.REJECT):
        assert not decisions.can_authorise(kind, power)


def test_every_kind_of_part_has_a_row():
    assert set(decisions.POWERS) == set(Kind.values)


def test_the_refusal_says_what_the_part_does():
    assert decisions.cannot_authorise_message(Kind.DEFER, Power.DECIDE_OPTION) == (
        "A part that defers cannot authorise exercising or declining an option: choose the decision that approved it."
    )


@pytest.mark.parametrize(
    ("committee_kind", "part_kind", "subject"),
    [
        (Committee.Kind.EXECUTIVE, Kind.APPROVE, True),
        (Committee.Kind.EXECUTIVE, Kind.REJECT, True),
        (Committee.Kind.PORTFOLIO_HOLDER, Kind.DELEGATE, True),
        (Committee.Kind.EXECUTIVE, Kind.DEFER, False),
        (Committee.Kind.EXECUTIVE, Kind.RECOMMEND, False),
        (Committee.Kind.PDS, Kind.APPROVE, False),
    ],
)
def test_call_in_applies_to_executive_decisions_that_take_effect(committee_kind, part_kind, subject):
    assert decisions.is_subject_to_call_in(committee_kind=committee_kind, part_kind=part_kind) is subject


# --- acting before call-in ended (docs/domain.md: published Fri 2 Dec 2022 -> ends Fri 9 Dec 2022) -----


def _call_in(published: date, *, urgent: bool = False) -> clock.CallIn:
    return clock.call_in(published, urgent=urgent, working_days=DAYS)


@pytest.mark.parametrize(
    ("published", "acted_on", "ends"),
    [
        (date(2022, 12, 2), date(2022, 12, 2), date(2022, 12, 9)),
        (date(2022, 12, 2), date(2022, 12, 9), date(2022, 12, 9)),  # the last day of call-in is still inside it
        (date(2022, 12, 21), date(2022, 12, 29), date(2022, 12, 30)),  # over the Christmas bank holidays
    ],
)
def test_acting_on_or_before_the_last_day_of_call_in_is_flagged(published, acted_on, ends):
    found = decisions.acted_before_call_in_ended(
        acted_on=acted_on, call_in=_call_in(published), decision_maker="Executive"
    )
    assert found == decisions.EarlyAction(acted_on=acted_on, call_in_ends=ends, decision_maker="Executive")


def test_the_flag_reads_as_the_contract_page_prints_it():
    found = decisions.acted_before_call_in_ended(
        acted_on=date(2022, 12, 2), call_in=_call_in(date(2022, 12, 2)), decision_maker="Executive"
    )
    assert found.message() == (
        "Exercised on 2 Dec 2022, before the call-in period of the Executive's decision ended on 9 Dec 2022."
    )
    assert found.message("Declined").startswith("Declined on 2 Dec 2022")
    named = decisions.EarlyAction(date(2022, 12, 2), date(2022, 12, 9), "The Portfolio Holder")
    assert "of The Portfolio Holder's decision" in named.message()


@pytest.mark.parametrize(
    ("published", "acted_on", "urgent"),
    [
        (date(2022, 12, 2), date(2022, 12, 12), False),  # the first working day after call-in
        (date(2022, 12, 21), date(2023, 1, 3), False),
        (date(2022, 12, 2), date(2022, 12, 2), True),  # urgent: exempt from call-in
    ],
)
def test_acting_after_call_in_or_under_an_urgent_decision_is_not_flagged(published, acted_on, urgent):
    found = decisions.acted_before_call_in_ended(
        acted_on=acted_on, call_in=_call_in(published, urgent=urgent), decision_maker="Executive"
    )
    assert found is None


def test_no_call_in_no_flag():
    assert decisions.acted_before_call_in_ended(acted_on=date(2022, 12, 2), call_in=None, decision_maker="PDS") is None


# --- every place that filters authorising parts asks the table ------------------------------------


@pytest.fixture
def parts_of_every_kind(db):
    contract = ContractFactory(reference="LBB-SAH-2024")
    executive = CommitteeFactory(name="Executive", kind=Committee.Kind.EXECUTIVE)
    item = AgendaItemFactory(meeting=MeetingFactory(committee=executive, starts_at=at(date(2022, 11, 30))))
    parts = {}
    for number, kind in enumerate(Kind.values, start=1):
        extra = {}
        if kind == Kind.RECOMMEND:
            extra["recommended_to"] = CommitteeFactory(name="Council", kind=Committee.Kind.EXECUTIVE)
        if kind == Kind.DELEGATE:
            extra["delegation"] = services.DelegationInput(to_whom="Chief Officer", scope="Extensions")
        parts[kind] = ResolutionPartFactory(
            item=item,
            number=str(number),
            kind=kind,
            text=f"That the {kind}.",
            links=[services.LinkInput(contract=contract, effect=ContractLink.Effect.OTHER)],
            **extra,
        )
    return contract, parts


def test_a_deferral_is_never_offered_as_the_authority_for_an_option(parts_of_every_kind):
    contract, parts = parts_of_every_kind
    offered_parts, _ = authority_candidates(contract=contract)
    assert {part.kind for part in offered_parts} == {Kind.APPROVE, Kind.DELEGATE}
    values = dict(authority_choices(contract=contract))
    assert f"part:{parts[Kind.DEFER].pk}" not in values
    assert f"part:{parts[Kind.APPROVE].pk}" in values
    assert (
        "the delegation to Chief Officer (records the officer decision under it)"
        in values[f"part:{parts[Kind.DELEGATE].pk}"]
    )


@pytest.mark.parametrize("kind", [Kind.DEFER, Kind.NOTE, Kind.RECOMMEND, Kind.REJECT])
def test_the_option_service_refuses_a_part_that_cannot_authorise(parts_of_every_kind, kind):
    contract, parts = parts_of_every_kind
    option = contract.options.get(order=1)
    with pytest.raises(ValidationError) as error:
        services.option_decide(
            option=option,
            exercise=True,
            decided_by="Chief Officer",
            decided_on=date(2026, 11, 2),
            authority=parts[kind],
            today=TODAY,
        )
    assert "cannot authorise exercising or declining an option" in error.value.message_dict["authority"][0]
    option.refresh_from_db()
    assert option.status == "available"
    assert not ContractLink.objects.filter(option=option).exists()


def test_a_deferral_cannot_pass_a_gateway_or_approve_a_waiver(parts_of_every_kind):
    contract, parts = parts_of_every_kind
    project = project_services.project_create(
        title="Support at home recommissioning",
        service_area=ServiceAreaFactory(),
        required_start_date=date(2029, 10, 1),
    )
    gateway = Gateway.objects.order_by("number").first()
    with pytest.raises(ValidationError, match="A part that defers cannot pass a gateway"):
        project_services.gateway_pass(project=project, gateway=gateway, decision=parts[Kind.DEFER], today=TODAY)
    with pytest.raises(ValidationError, match="A part that defers cannot approve a waiver"):
        project_services.waiver_create(
            service="Home care",
            service_area=ServiceAreaFactory(),
            reason="Continuity of care",
            start_date=date(2023, 1, 1),
            term="18m+6m",
            value=100,
            approver="Portfolio Holder",
            approved_on=date(2022, 12, 1),
            today=TODAY,
            resolution_part=parts[Kind.DEFER],
        )
    # The waiver's authority picker offers only the parts that can approve a waiver.
    authority = WaiverForm().fields["authority"]
    assert authority.power == Power.APPROVE_WAIVER
    committee = parts[Kind.APPROVE].item.meeting.committee.name
    offered = {pk for pk, text, _ in decision_matches(committee, power=authority.power) if not text.startswith("OD-")}
    assert offered == {parts[Kind.APPROVE].pk, parts[Kind.DELEGATE].pk}


def test_the_dashboard_and_the_delegation_list_agree_on_unused_delegations(parts_of_every_kind):
    _, parts = parts_of_every_kind
    delegation = parts[Kind.DELEGATE].delegation
    assert list(dashboard.unused_delegations(today=TODAY)) == [delegation]
    assert list(selectors.delegation_list(used=False, today=TODAY)) == [delegation]
    OfficerDecisionFactory(delegation=delegation)
    assert list(dashboard.unused_delegations(today=TODAY)) == []
    assert list(selectors.delegation_list(used=False, today=TODAY)) == []
    assert list(selectors.delegation_list(used=True, today=TODAY)) == [delegation]
    assert selectors.delegation_counts(today=TODAY) == {"unused": 0, "used": 1}
