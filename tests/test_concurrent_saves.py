"""Saves at the same moment: a create that breaks a uniqueness rule after the
checks passed gets the form error the checks would have given, never a 500;
two projects for one incumbent contract take turns, and the second is refused."""

import threading
from datetime import date
from decimal import Decimal
from http import HTTPStatus
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from commissioning.projects import services as project_services
from commissioning.projects.models import CommissioningProject
from committees import services as committee_services
from committees.models import AgendaItem, Report
from contracts import services as contract_services
from contracts.models import Contract
from tests.committees.factories import AgendaItemFactory, MeetingFactory, ReportFactory
from tests.conftest import ContractFactory, OrganisationFactory, ProviderFactory, ServiceAreaFactory

pytestmark = pytest.mark.django_db


def _meanwhile(target, attribute: str, then):
    """Patch `target.attribute` (a check that runs before the save) so that `then`
    runs right after it: what another request commits between check and save.
    (Here it runs in the same transaction, so it is undone with the refused save.)"""
    original = getattr(target, attribute)

    def checked_then_meanwhile(*args, **kwargs):
        result = original(*args, **kwargs)
        then()
        return result

    return mock.patch.object(target, attribute, checked_then_meanwhile)


def test_a_contract_registered_meanwhile_with_the_same_reference_is_a_form_error(client_for, officer):
    other = ContractFactory(reference="OTHER-1")
    area = ServiceAreaFactory(name="Mental health")
    lead = OrganisationFactory(name="London Borough of Bromley")
    data = {
        "reference": "NEW-1",
        "title": "New service",
        "service_area": area.pk,
        "contract_type": "block",
        "legislation": "pcr_2015",
        "route": "light_touch",
        "lead_commissioner": lead.pk,
        "providers": ProviderFactory(name="Certitude").name,
        "start_date": "2024-10-01",
        "term": "5+2+2",
        "options_exercised": "0",
        "annual_value": "2660000",
        "annual_uplift_percent": "0",
        "funding-TOTAL_FORMS": "1",
        "funding-INITIAL_FORMS": "0",
        "funding-0-organisation": "",
        "funding-0-percent": "",
    }

    def registered_meanwhile():
        Contract.objects.filter(pk=other.pk).update(reference="NEW-1")

    with _meanwhile(contract_services, "_full_clean", registered_meanwhile):
        response = client_for(officer).post(reverse("contracts:contract_create"), data)

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["reference"] == ["A contract with this reference already exists."]
    assert list(Contract.objects.all()) == [other]  # nothing of the refused one


def test_a_report_added_meanwhile_with_the_same_reference_is_a_form_error(client_for, clerk):
    bromley = OrganisationFactory(name="London Borough of Bromley")
    other = ReportFactory(council=bromley, reference="ACH22-001")

    def added_meanwhile():
        Report.objects.filter(pk=other.pk).update(reference="ACH22-035")

    with _meanwhile(Report, "full_clean", added_meanwhile):
        response = client_for(clerk).post(
            reverse("committees:report_create"),
            {"council": bromley.pk, "reference": "ACH22-035", "title": "Gateway 1", "kind": "other"},
        )

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["reference"] == ["This council already has a report with this reference."]
    assert list(Report.objects.all()) == [other]


def test_an_item_numbered_meanwhile_is_refused_by_the_service():
    meeting = MeetingFactory()
    other = AgendaItemFactory(meeting=meeting, number="8")

    def numbered_meanwhile():
        AgendaItem.objects.filter(pk=other.pk).update(number="7")

    with _meanwhile(AgendaItem, "full_clean", numbered_meanwhile), pytest.raises(ValidationError) as error:
        committee_services.agenda_item_add(meeting=meeting, number="7", title="Support at home")

    assert error.value.message_dict == {"number": ["This meeting already has an item with this number."]}
    assert list(meeting.items.all()) == [other]


def test_a_second_project_for_the_same_contract_is_refused():
    contract = ContractFactory(reference="LBB-SAH-2024")
    area = ServiceAreaFactory(name="Mental health")
    project_services.project_create(title="First", service_area=area, incumbent_contracts=[contract])
    with pytest.raises(ValidationError) as error:
        project_services.project_create(title="Second", service_area=area, incumbent_contracts=[contract])
    assert "incumbent_contracts" in error.value.message_dict
    assert CommissioningProject.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_projects_for_one_contract_at_the_same_moment_take_turns():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write at a time; the row lock matters on PostgreSQL")
    contract = ContractFactory(reference="LBB-SAH-2024", start_date=date(2024, 10, 1), annual_value=Decimal("1"))
    area = ServiceAreaFactory(name="Mental health")
    first_checked, first_may_commit = threading.Event(), threading.Event()
    results = {}
    check = project_services._check_incumbents

    def check_then_wait(project, incumbents):
        check(project, incumbents)
        if threading.current_thread().name == "first":
            first_checked.set()
            first_may_commit.wait(10)

    def create(title):
        try:
            results[title] = project_services.project_create(
                title=title, service_area=area, incumbent_contracts=[contract]
            )
        except ValidationError as error:
            results[title] = error
        finally:
            connection.close()

    with mock.patch.object(project_services, "_check_incumbents", check_then_wait):
        first = threading.Thread(target=create, args=("first",), name="first")
        first.start()
        assert first_checked.wait(10)
        second = threading.Thread(target=create, args=("second",), name="second")
        second.start()
        second.join(1)
        waited = second.is_alive()  # held at the lock on the contract
        first_may_commit.set()
        first.join(10)
        second.join(10)

    assert waited
    assert isinstance(results["first"], CommissioningProject)
    assert isinstance(results["second"], ValidationError)
    assert list(CommissioningProject.objects.filter(incumbent_contracts=contract)) == [results["first"]]
