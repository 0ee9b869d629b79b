"""The pickers' endpoints, and their fields read without JavaScript
(commissioning/core/pickers.py, contracts/pickers.py, committees/pickers.py)."""

from datetime import date
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissioning.core.pickers import PAGE
from commissioning.projects.models import Waiver
from committees.models import ContractLink, Delegation, OfficerDecision, Report, ResolutionPart
from committees.services import DelegationInput
from contracts.models import Contract, Provider
from contracts.pickers import ProviderPickerField
from tests.committees.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    OfficerDecisionFactory,
    ReportFactory,
    at,
)
from tests.committees.factories import ResolutionPartFactory as PartFactory
from tests.conftest import ContractFactory, OrganisationFactory, ProviderFactory, ServiceAreaFactory

pytestmark = pytest.mark.django_db


def _results(client, name: str, **query) -> list[dict]:
    response = client.get(reverse(name), query)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


# --- the endpoints -------------------------------------------------------------------------------

ENDPOINTS = [
    "contracts:contract_choices",
    "contracts:provider_choices",
    "committees:decision_choices",
    "committees:report_choices",
    "committees:recommendation_choices",
    "committees:delegation_choices",
]


@pytest.mark.parametrize("name", ENDPOINTS)
def test_it_requires_a_role(client_for, client, nobody, name):
    assert client.get(reverse(name), {"q": "a"}).status_code == HTTPStatus.FOUND  # to the sign-in page
    assert client_for(nobody).get(reverse(name), {"q": "a"}).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("name", ENDPOINTS)
def test_it_rejects_post(client_for, officer, name):
    assert client_for(officer).post(reverse(name), {"q": "a"}).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_it_matches_contracts_by_reference_or_title_references_first(client_for, clerk):
    ContractFactory(reference="LBB-HOME-1", title="Home care north")
    ContractFactory(reference="LBB-DAY-1", title="Day opportunities at home")
    ContractFactory(reference="LBB-MH-1", title="Mental health support")
    results = _results(client_for(clerk), "contracts:contract_choices", q="home")
    assert [r["value"] for r in results] == ["LBB-HOME-1", "LBB-DAY-1"]
    assert results[0]["label"] == "LBB-HOME-1 Home care north"
    assert results[0]["id"] == Contract.objects.get(reference="LBB-HOME-1").pk


def test_an_empty_query_matches_nothing(client_for, clerk):
    ContractFactory()
    assert _results(client_for(clerk), "contracts:contract_choices", q="  ") == []


def test_it_answers_one_page_in_constant_queries(client_for, officer):
    client = client_for(officer)

    def count_queries() -> tuple[int, list[dict]]:
        with CaptureQueriesContext(connection) as queries:
            results = _results(client, "contracts:provider_choices", q="acorn")
        return len(queries), results

    Provider.objects.bulk_create(Provider(name=f"Acorn Care {n:02d} Ltd") for n in range(3))
    few, results = count_queries()
    assert len(results) == 3
    Provider.objects.bulk_create(Provider(name=f"Acorn Care {n:02d} Ltd") for n in range(3, PAGE + 30))
    many, results = count_queries()
    assert many == few
    assert len(results) == PAGE
    assert [r["value"] for r in results[:2]] == ["Acorn Care 00 Ltd", "Acorn Care 01 Ltd"]


def test_it_matches_a_provider_by_companies_house_number(client_for, officer):
    ProviderFactory(name="Caring Hands Ltd", companies_house_number="01234567")
    results = _results(client_for(officer), "contracts:provider_choices", q="01234567")
    assert results == [
        {"id": Provider.objects.get().pk, "value": "Caring Hands Ltd", "label": "Caring Hands Ltd (01234567)"}
    ]


def _decisions():
    report = ReportFactory(reference="ACH22-035")
    item = AgendaItemFactory(meeting=MeetingFactory(starts_at=at(date(2022, 9, 28))), number="79", report=report)
    approve = PartFactory(item=item, number="ii", kind=ResolutionPart.Kind.APPROVE, text="Waiver approved.")
    note = PartFactory(item=item, number="i", kind=ResolutionPart.Kind.NOTE, text="Noted.")
    officer = OfficerDecisionFactory(decision_maker="Director of Adult Services")
    return approve, note, officer


def test_it_matches_decisions_and_keeps_to_a_power(client_for, manager):
    approve, note, officer = _decisions()
    client = client_for(manager)
    values = [r["value"] for r in _results(client, "committees:decision_choices", q="ACH22")]
    assert values == ["28 Sep 2022, item 79 (ii)", "28 Sep 2022, item 79 (i)"]
    waiver = _results(client, "committees:decision_choices", q="ACH22", power="approve_waiver")
    assert [r["value"] for r in waiver] == ["28 Sep 2022, item 79 (ii)"]
    assert [r["value"] for r in _results(client, "committees:decision_choices", q="director")] == [officer.reference]
    assert [r["value"] for r in _results(client, "committees:decision_choices", q=officer.reference)] == [
        officer.reference
    ]


def test_an_unknown_power_is_a_clear_400(client_for, manager):
    response = client_for(manager).get(reverse("committees:decision_choices"), {"q": "a", "power": "rule_all"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "No such power" in response.json()["error"]


# --- without JavaScript: references typed -------------------------------------------------------------


def test_a_report_takes_contracts_typed_by_reference(client_for, clerk):
    first, second = ContractFactory(reference="LBB-A"), ContractFactory(reference="LBB-B")
    council = MeetingFactory().committee.council
    data = {"council": council.pk, "reference": "ACH24-001", "title": "Home care", "kind": "other"}
    response = client_for(clerk).post(reverse("committees:report_create"), {**data, "contracts": "lbb-b, LBB-A ,"})
    assert response.status_code == HTTPStatus.FOUND
    assert set(Report.objects.get(reference="ACH24-001").contracts.all()) == {first, second}


def test_a_reference_not_found_is_named(client_for, clerk):
    ContractFactory(reference="LBB-A")
    council = MeetingFactory().committee.council
    data = {"council": council.pk, "reference": "ACH24-001", "title": "Home care", "kind": "other"}
    response = client_for(clerk).post(reverse("committees:report_create"), {**data, "contracts": "LBB-A, LBB-Z"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["contracts"] == ["No contract found for “LBB-Z”."]
    assert "LBB-A, LBB-Z" in response.content.decode()  # what was typed is kept
    assert not Report.objects.filter(reference="ACH24-001").exists()


def test_a_provider_text_matching_two_is_ambiguous():
    field = ProviderPickerField(multiple=True)
    ProviderFactory(name="Caring Hands Ltd", companies_house_number="01234567")
    ProviderFactory(name="01234567")
    with pytest.raises(ValidationError) as error:
        field.clean("01234567")
    assert "More than one provider matches “01234567”" in str(error.value)
    assert [p.name for p in field.clean("caring hands ltd; ")] == ["Caring Hands Ltd"]


def test_a_resolution_part_links_a_contract_typed_by_reference(client_for, clerk):
    contract = ContractFactory(reference="LBB-A")
    item = AgendaItemFactory()
    response = client_for(clerk).post(
        reverse("committees:part_create", args=[item.meeting.pk, item.pk]),
        {
            f"part-{item.pk}-number": "1",
            f"part-{item.pk}-kind": "approve",
            f"part-{item.pk}-text": "Approved the award.",
            f"part-{item.pk}-contract": "lbb-a",
            f"part-{item.pk}-effect": "award",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert ContractLink.objects.get().contract == contract


def test_a_waiver_takes_its_authority_typed_as_a_report_and_part(client_for, manager):
    approve, note, _ = _decisions()
    data = {
        "service": "Mental Health Flexible Support Service",
        "service_area": ServiceAreaFactory().pk,
        "contract": "",
        "reason": "Exempt from tender.",
        "start_date": "2022-10-01",
        "term": "18m+6m",
        "value": "478500",
        "approver": "Portfolio Holder for Care Services",
        "approved_on": "2022-09-28",
    }
    client = client_for(manager)
    refused = client.post(reverse("commissioning:waiver_create"), {**data, "authority": "ACH22-035 (i)"})
    assert refused.status_code == HTTPStatus.OK
    assert "No decision that can authorise this found for “ACH22-035 (i)”." in refused.content.decode()
    assert not Waiver.objects.exists()
    response = client.post(reverse("commissioning:waiver_create"), {**data, "authority": "ach22-035 (ii)"})
    assert response.status_code == HTTPStatus.FOUND
    assert Waiver.objects.get().resolution_part == approve


def test_a_waiver_takes_an_officer_decision_by_its_reference(client_for, manager):
    _, _, officer = _decisions()
    data = {
        "service": "Day opportunities",
        "service_area": ServiceAreaFactory().pk,
        "reason": "Exempt from tender.",
        "start_date": "2022-10-01",
        "term": "1",
        "value": "1000",
        "approver": "Director",
        "approved_on": "2022-09-28",
        "authority": officer.reference.lower(),
    }
    response = client_for(manager).post(reverse("commissioning:waiver_create"), data)
    assert response.status_code == HTTPStatus.FOUND
    assert Waiver.objects.get().officer_decision == officer


def test_editing_shows_the_chosen_contracts_only(client_for, clerk):
    contracts = ContractFactory.create_batch(4)
    report = ReportFactory(contracts=contracts[:2])
    html = client_for(clerk).get(reverse("committees:report_update", args=[report.pk])).content.decode()
    assert f'value="{contracts[0].reference}, {contracts[1].reference}"' in html
    assert contracts[2].reference not in html and contracts[3].reference not in html


# --- reports, recommendations and delegations on the meeting page and the officer decision form ------


@pytest.fixture
def recommended():
    """A PDS committee's meeting recommends to the Executive; the Executive meets after."""
    pds_meeting = MeetingFactory(starts_at=at(date(2022, 11, 15)))
    council = pds_meeting.committee.council
    executive = CommitteeFactory(council=council, name="Executive")
    report = ReportFactory(council=council, reference="ACH22-035", title="Home care gateway 1")
    item = AgendaItemFactory(meeting=pds_meeting, number="5", report=report)
    to_us = PartFactory(
        item=item, number="i", kind=ResolutionPart.Kind.RECOMMEND, recommended_to=executive, text="Tender"
    )
    PartFactory(
        item=item, number="ii", kind=ResolutionPart.Kind.RECOMMEND, recommended_to=pds_meeting.committee, text="Tender"
    )
    meeting = MeetingFactory(committee=executive, starts_at=at(date(2022, 11, 30)))
    AgendaItemFactory(meeting=meeting, number="7")
    return {"meeting": meeting, "report": report, "to_us": to_us, "pds_meeting": pds_meeting}


def test_it_matches_the_councils_reports_the_committees_own_first(client_for, clerk, recommended):
    meeting, report = recommended["meeting"], recommended["report"]
    council = meeting.committee.council
    at_executive = ReportFactory(council=council, reference="ACH23-001", title="Home care gateway 2")
    AgendaItemFactory(meeting=meeting, number="8", report=at_executive)
    ReportFactory(council=OrganisationFactory(name="Nottingham City Council"), reference="N1", title="Home care")
    query = {"q": "home care", "council": council.pk, "committee": meeting.committee_id}
    results = _results(client_for(clerk), "committees:report_choices", **query)
    assert [r["value"] for r in results] == ["ACH23-001", "ACH22-035"]
    assert results[1] == {"id": report.pk, "value": "ACH22-035", "label": "ACH22-035: Home care gateway 1"}


def test_a_council_that_is_not_a_number_is_a_clear_400(client_for, clerk):
    response = client_for(clerk).get(reverse("committees:report_choices"), {"q": "a", "council": "x"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"error": "Give the council as a number."}


def test_it_matches_recommendations_to_the_meetings_committee(client_for, clerk, recommended):
    results = _results(
        client_for(clerk), "committees:recommendation_choices", q="tender", meeting=recommended["meeting"].pk
    )
    assert [r["id"] for r in results] == [recommended["to_us"].pk]
    assert results[0]["value"] == "15 Nov 2022, item 5 (i)"


def test_an_agenda_item_takes_its_report_typed_by_reference(client_for, clerk, recommended):
    meeting = recommended["meeting"]
    response = client_for(clerk).post(
        reverse("committees:item_create", args=[meeting.pk]),
        {"number": "8", "title": "Home care", "report": "ach22-035", "minutes": ""},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert meeting.items.get(number="8").report == recommended["report"]


def test_a_report_of_another_council_is_not_found(client_for, clerk, recommended):
    meeting = recommended["meeting"]
    ReportFactory(council=OrganisationFactory(name="Nottingham City Council"), reference="N1")
    response = client_for(clerk).post(
        reverse("committees:item_create", args=[meeting.pk]),
        {"number": "8", "title": "Home care", "report": "N1", "minutes": ""},
    )
    assert "No report found for “N1”." in response.content.decode()
    assert not meeting.items.filter(number="8").exists()


def test_a_part_takes_up_a_recommendation_typed_by_report_and_number(client_for, clerk, recommended):
    meeting = recommended["meeting"]
    item = meeting.items.get()
    response = client_for(clerk).post(
        reverse("committees:part_create", args=[meeting.pk, item.pk]),
        {
            f"part-{item.pk}-number": "i",
            f"part-{item.pk}-kind": ResolutionPart.Kind.APPROVE,
            f"part-{item.pk}-text": "Agreed.",
            f"part-{item.pk}-takes_up": "ACH22-035 (i)",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert item.parts.get().takes_up == recommended["to_us"]


def test_a_recommendation_to_another_committee_is_not_found(client_for, clerk, recommended):
    meeting = recommended["meeting"]
    item = meeting.items.get()
    response = client_for(clerk).post(
        reverse("committees:part_create", args=[meeting.pk, item.pk]),
        {
            f"part-{item.pk}-number": "i",
            f"part-{item.pk}-kind": ResolutionPart.Kind.APPROVE,
            f"part-{item.pk}-text": "Agreed.",
            f"part-{item.pk}-takes_up": "ACH22-035 (ii)",
        },
    )
    assert "No recommendation to this committee found for “ACH22-035 (ii)”." in response.content.decode()
    assert not item.parts.exists()


def _delegation(recommended) -> Delegation:
    part = PartFactory(
        item=recommended["pds_meeting"].items.get(),
        number="iii",
        kind=ResolutionPart.Kind.DELEGATE,
        text="Delegated.",
        delegation=DelegationInput(to_whom="Director of Adult Services", scope="Award"),
    )
    return part.delegation


def test_it_matches_delegations_by_holder(client_for, officer, recommended):
    delegation = _delegation(recommended)
    results = _results(client_for(officer), "committees:delegation_choices", q="director of adult")
    assert results == [
        {
            "id": delegation.pk,
            "value": "15 Nov 2022, item 5 (iii)",
            "label": f"To Director of Adult Services: {recommended['pds_meeting'].committee.name}, "
            "15 Nov 2022, item 5 (iii)",
        }
    ]


def test_an_officer_decision_is_recorded_under_a_delegation_typed_as_its_part(client_for, officer, recommended):
    delegation = _delegation(recommended)
    response = client_for(officer).post(
        reverse("committees:officer_decision_create"),
        {
            "delegation": "ACH22-035 (iii)",
            "decision_maker": "Director of Adult Services",
            "decided_on": "2022-12-01",
            "text": "Award to Caring Hands Ltd.",
            "reasons": "The best tender.",
            "alternatives_rejected": "None considered.",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert OfficerDecision.objects.get().delegation == delegation


def test_the_officer_decision_form_starts_from_the_delegation_chosen(client_for, officer, recommended):
    delegation = _delegation(recommended)
    html = (
        client_for(officer)
        .get(reverse("committees:officer_decision_create"), {"delegation": delegation.pk})
        .content.decode()
    )
    assert 'value="15 Nov 2022, item 5 (iii)"' in html
    assert 'data-picker="/committees/delegations/choices/"' in html
