"""The decision chain as people meet it: the option decision page, the contract
page, the meeting page's part form and the officer decision form."""

import html
import re
from datetime import date
from http import HTTPStatus

import pytest
from django.urls import reverse

from committees import services
from committees.models import Committee, ContractLink, OfficerDecision, ResolutionPart
from committees.pickers import delegation_text
from contracts import services as contract_services
from tests.committees.factories import (
    OD_RECORD,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    ResolutionPartFactory,
    at,
)
from tests.conftest import TODAY, ContractFactory

pytestmark = pytest.mark.django_db
Kind = ResolutionPart.Kind
Effect = ContractLink.Effect


def _text(response) -> str:
    assert response.status_code == HTTPStatus.OK, response.status_code
    text = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))
    return re.sub(r" ([,.:;)])", r"\1", text)


@pytest.fixture
def contract():
    # 5+2+2 from 1 Oct 2024: option 1 is open on TODAY (22 Nov 2026).
    return ContractFactory(reference="LBB-SAH-2024", title="Support at home", start_date=date(2024, 10, 1))


@pytest.fixture
def exec_item():
    # Published Fri 20 Nov 2026: call-in ends Fri 27 Nov 2026, after TODAY.
    executive = CommitteeFactory(name="Executive", kind=Committee.Kind.EXECUTIVE)
    meeting = MeetingFactory(
        committee=executive, starts_at=at(date(2026, 11, 18)), decisions_published_on=date(2026, 11, 20)
    )
    return AgendaItemFactory(meeting=meeting, number="7")


@pytest.fixture
def delegate(exec_item, contract):
    return ResolutionPartFactory(
        item=exec_item,
        number="ii",
        kind=Kind.DELEGATE,
        text="Delegated authority to approve the extension periods.",
        delegation=services.DelegationInput(to_whom="Chief Officer", scope="Approve the extension periods"),
        links=[services.LinkInput(contract=contract, effect=Effect.OTHER)],
    )


@pytest.fixture
def deferral(exec_item, contract):
    return ResolutionPartFactory(
        item=exec_item,
        number="iii",
        kind=Kind.DEFER,
        text="Deferred a decision on the extension.",
        links=[services.LinkInput(contract=contract, effect=Effect.OTHER)],
    )


def _exercise_url(contract):
    return reverse("committees:option_exercise", args=[contract.pk, 1])


def test_the_option_form_offers_the_delegation_not_the_deferral_and_warns_of_open_call_in(
    client_for, officer, contract, delegate, deferral
):
    page = client_for(officer).get(_exercise_url(contract))
    source = page.content.decode()
    assert f'value="part:{delegate.pk}"' in source
    assert f'value="part:{deferral.pk}"' not in source
    assert (
        "The call-in period of Executive, 18 Nov 2026, item 7 (ii) ends on 27 Nov 2026: "
        "an option cannot be decided under it before then unless it is urgent."
    ) in _text(page)


def test_an_officer_cannot_exercise_an_option_while_the_delegation_s_call_in_period_runs(
    client_for, officer, contract, delegate
):
    client = client_for(officer)
    response = client.post(
        _exercise_url(contract),
        {"authority": f"part:{delegate.pk}", "decided_by": "Chief Officer", "decided_on": "2026-11-21"},
    )
    assert (
        "The call-in period of Executive, 18 Nov 2026, item 7 (ii) runs until 27 Nov 2026: "
        "it cannot be implemented until 30 Nov 2026 unless it is urgent."
    ) in _text(response)
    assert not OfficerDecision.objects.exists()
    assert contract.options.get(order=1).status == "available"
    assert not ContractLink.objects.filter(option__isnull=False).exists()


@pytest.mark.parametrize("value", ["deferral", "part:abc", "officer:99999", "part:", "nonsense"])
def test_an_authority_that_cannot_authorise_is_a_form_error(client_for, officer, contract, deferral, value):
    value = f"part:{deferral.pk}" if value == "deferral" else value
    response = client_for(officer).post(
        _exercise_url(contract), {"authority": value, "decided_by": "Chief Officer", "decided_on": "2026-11-21"}
    )
    assert "Select a valid choice." in _text(response)
    assert contract.options.get(order=1).status == "available"
    assert not ContractLink.objects.filter(option__isnull=False).exists()


def test_replacing_an_option_s_recorded_authority_needs_the_tick(client_for, officer, contract, exec_item):
    option = contract.options.get(order=1)
    recorded = ResolutionPartFactory(
        item=exec_item,
        number="i",
        kind=Kind.APPROVE,
        text="Approved option 1.",
        links=[services.LinkInput(contract=contract, effect=Effect.EXERCISE_OPTION, option=option)],
    )
    other = ResolutionPartFactory(
        item=exec_item,
        number="iv",
        kind=Kind.APPROVE,
        text="Approved the extension again.",
        is_urgent=True,  # exempt from call-in, so it can be acted on within the period
        links=[services.LinkInput(contract=contract, effect=Effect.OTHER)],
    )
    client = client_for(officer)
    data = {"authority": f"part:{other.pk}", "decided_by": "Chief Officer", "decided_on": "2026-11-21"}
    page = _text(client.post(_exercise_url(contract), data))
    assert (
        "Option 1 of LBB-SAH-2024 already has a decision recorded, authorised by Executive, 18 Nov 2026, item 7 (i)."
        in page
    )
    assert "Replace the recorded authority" in page
    option.refresh_from_db()
    assert option.status == "available"
    assert ContractLink.objects.get(resolution_part=recorded).superseded_by is None

    assert client.post(_exercise_url(contract), {**data, "replace_authority": "on"}).status_code == HTTPStatus.FOUND
    new = ContractLink.objects.get(resolution_part=other, option=option)
    assert ContractLink.objects.get(resolution_part=recorded).superseded_by == new
    page = _text(client.get(contract.get_absolute_url()))
    assert "Replaced as the authority by Executive, 18 Nov 2026" in page


def test_the_clerk_must_confirm_a_resolution_on_a_decided_option(client_for, clerk, officer, contract, delegate):
    # Urgent, so exempt from call-in: the officer can act on it within the period.
    ResolutionPart.objects.filter(pk=delegate.pk).update(is_urgent=True)
    client_for(officer).post(
        _exercise_url(contract),
        {"authority": f"part:{delegate.pk}", "decided_by": "Chief Officer", "decided_on": "2026-11-21"},
    )
    pds = CommitteeFactory(name="Adult Care and Health PDS Committee", kind=Committee.Kind.PDS)
    item = AgendaItemFactory(meeting=MeetingFactory(committee=pds, starts_at=at(date(2026, 11, 21))), number="5")
    client = client_for(clerk)
    url = reverse("committees:part_create", args=[item.meeting.pk, item.pk])
    prefix = f"part-{item.pk}"
    data = {
        f"{prefix}-number": "1",
        f"{prefix}-kind": "approve",
        f"{prefix}-text": "Approved the extension.",
        f"{prefix}-contract": contract.reference,
        f"{prefix}-effect": "exercise_option",
        f"{prefix}-option_order": "1",
    }
    page = _text(client.post(url, data))
    assert (
        "Option 1 of LBB-SAH-2024 was already exercised on 21 Nov 2026, authorised by the officer decision of "
        "21 Nov 2026 by Chief Officer." in page
    )
    assert not item.parts.exists()

    response = client.post(url, {**data, f"{prefix}-replace_authority": "on"})
    assert response.status_code == HTTPStatus.FOUND
    part = item.parts.get()
    officer_link = ContractLink.objects.get(officer_decision__isnull=False)
    assert officer_link.superseded_by == ContractLink.objects.get(resolution_part=part)
    page = _text(client.get(contract.get_absolute_url()))
    assert "Authorised by Adult Care and Health PDS Committee, 21 Nov 2026" in page
    assert "Replaced as the authority by Adult Care and Health PDS Committee, 21 Nov 2026" in page


def test_an_officer_records_a_decision_only_under_a_delegation(client_for, officer, contract, delegate):
    client = client_for(officer)
    url = reverse("committees:officer_decision_create")
    assert "Leave it blank when the decision was not taken under one." not in client.get(url).content.decode()
    data = {
        "decision_maker": "Chief Officer",
        "decided_on": "2026-11-21",
        "text": "Approved the first extension.",
        **OD_RECORD,
    }
    assert "Choose the delegation the decision was taken under." in _text(client.post(url, data))
    assert not OfficerDecision.objects.exists()

    # The delegation's call-in period runs until 27 Nov 2026: it cannot be used yet.
    refused = _text(client.post(url, {**data, "delegation": delegation_text(delegate.delegation)}))
    assert (
        "The call-in period of Executive, 18 Nov 2026, item 7 (ii) runs until 27 Nov 2026: "
        "it cannot be implemented until 30 Nov 2026 unless it is urgent." in refused
    )
    assert not OfficerDecision.objects.exists()

    # Taken as urgent, it is exempt from call-in and can be used at once.
    ResolutionPart.objects.filter(pk=delegate.pk).update(is_urgent=True)
    response = client.post(url, {**data, "delegation": delegation_text(delegate.delegation)})
    decision = OfficerDecision.objects.get()
    assert response.url == decision.get_absolute_url()
    assert decision.delegation == delegate.delegation


def test_a_clerk_may_still_record_one_without_a_delegation(client_for, clerk):
    client = client_for(clerk)
    url = reverse("committees:officer_decision_create")
    assert "Leave it blank when the decision was not taken under one." in client.get(url).content.decode()
    data = {"decision_maker": "Director", "decided_on": "2026-11-21", "text": "Approved a variation.", **OD_RECORD}
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    assert OfficerDecision.objects.get().delegation is None


def test_a_manager_still_cannot_record_an_officer_decision(client_for, manager):
    response = client_for(manager).get(reverse("committees:officer_decision_create"))
    assert response.status_code == HTTPStatus.FORBIDDEN


# --- a delegation "on satisfactory achievement of the contract performance indicators" (seed 000) ------


@pytest.fixture
def kpi_delegate(exec_item, contract):
    return ResolutionPartFactory(
        item=exec_item,
        number="iv",
        kind=Kind.DELEGATE,
        text="Delegated authority to approve the extension periods on satisfactory achievement of the KPIs.",
        delegation=services.DelegationInput(
            to_whom="Chief Officer",
            scope="Approve the extension periods",
            condition="on satisfactory achievement of the contract performance indicators",
        ),
        links=[services.LinkInput(contract=contract, effect=Effect.OTHER)],
    )


def _kpi(contract, name: str, *ratings: tuple[date, str]):
    kpi = contract_services.kpi_create(
        contract=contract,
        name=name,
        measure="Measured monthly.",
        target="95%",
        frequency="quarterly",
        evidence_source="Provider returns",
    )
    for end, rating in ratings:
        contract_services.kpi_assessment_record(
            kpi=kpi,
            period_start=date(end.year, end.month, 1),
            period_end=end,
            rating=rating,
            assessed_on=end,
            today=TODAY,
        )
    return kpi


def test_a_kpi_condition_with_a_rating_short_of_it_is_warned_of_beside_the_latest_ratings(
    client_for, officer, contract, kpi_delegate
):
    _kpi(contract, "Visits on time", (date(2026, 6, 30), "good"), (date(2026, 9, 30), "requires_improvement"))
    _kpi(contract, "Satisfaction", (date(2026, 9, 30), "good"))
    _kpi(contract, "Care plans reviewed")
    page = client_for(officer).get(_exercise_url(contract))
    text = _text(page)
    ratings = [(row.kpi.name, row.latest.rating if row.latest else None) for row in page.context["kpis"]]
    assert sorted(ratings) == [
        ("Care plans reviewed", None),
        ("Satisfaction", "good"),
        ("Visits on time", "requires_improvement"),
    ]
    assert "Visits on time: Requires improvement for 1 Sep 2026 to 30 Sep 2026" in text
    assert (
        "The delegation to Chief Officer is given “on satisfactory achievement of the contract performance indicators”."
    ) in text
    assert "Not satisfactory on the latest ratings: " in text
    assert "Visits on time (requires improvement)" in text and "Care plans reviewed (not yet assessed)" in text
    assert "Satisfaction (" not in text


def test_no_warning_when_the_ratings_meet_the_condition_or_no_delegation_turns_on_them(
    client_for, officer, contract, kpi_delegate, delegate
):
    _kpi(contract, "Visits on time", (date(2026, 9, 30), "approaching"))
    client = client_for(officer)
    assert 'id="kpi-condition-warning"' not in client.get(_exercise_url(contract)).content.decode()
    other = ContractFactory(reference="NO-KPI-CONDITION", start_date=date(2024, 10, 1))
    page = client.get(reverse("committees:option_exercise", args=[other.pk, 1])).content.decode()
    assert 'id="kpi-condition-warning"' not in page
    assert "No KPIs are set for this contract." in page


def test_with_no_kpis_set_a_kpi_condition_is_warned_of(client_for, officer, contract, kpi_delegate):
    text = _text(client_for(officer).get(_exercise_url(contract)))
    assert "No KPIs are set for this contract, so nothing shows that condition is met." in text
