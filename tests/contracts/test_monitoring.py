"""Monitoring visits and contract monitoring reports: recorded on the contract, shown on its page and in its history."""

from datetime import date
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts import services
from contracts.models import MonitoringRecord
from tests.conftest import TODAY, ContractFactory

pytestmark = pytest.mark.django_db

VISIT = {
    "kind": MonitoringRecord.Kind.VISIT,
    "held_on": date(2026, 10, 14),
    "title": "  Unannounced   visit to the Orpington scheme ",
    "carried_out_by": "Contract Compliance Officer",
    "summary": "Care plans and staff rotas. ",
    "findings": "Care plans up to date; two staff without refresher training.",
}


def test_it_records_a_visit_on_the_contract():
    contract = ContractFactory()
    record = services.monitoring_record_create(contract=contract, today=TODAY, **VISIT)
    stored = MonitoringRecord.objects.get()
    assert stored == record
    assert (stored.contract, stored.kind, stored.held_on, stored.title, stored.summary, stored.carried_out_by) == (
        contract,
        "visit",
        date(2026, 10, 14),
        "Unannounced visit to the Orpington scheme",
        "Care plans and staff rotas.",
        "Contract Compliance Officer",
    )
    assert stored.history.count() == 1


def test_it_refuses_a_visit_after_today_or_without_who_made_it():
    contract = ContractFactory()
    with pytest.raises(ValidationError, match="on or before today"):
        services.monitoring_record_create(contract=contract, today=TODAY, **{**VISIT, "held_on": date(2026, 11, 23)})
    with pytest.raises(ValidationError) as error:
        services.monitoring_record_create(contract=contract, today=TODAY, **{**VISIT, "carried_out_by": " "})
    assert "carried_out_by" in error.value.message_dict
    assert not MonitoringRecord.objects.exists()


def test_an_officer_records_one_and_the_contract_page_shows_it(client_for, officer):
    contract = ContractFactory()
    client = client_for(officer)
    url = reverse("contracts:monitoring_create", args=[contract.pk])
    assert client.get(url).status_code == HTTPStatus.OK
    response = client.post(
        url,
        {
            "kind": "report",
            "held_on": "2026-11-02",
            "title": "Annual contract monitoring report",
            "carried_out_by": "Integrated Strategic Commissioning Officer",
            "summary": "The year to 30 Sep 2026.",
            "findings": "The service performed well.",
        },
    )
    record = MonitoringRecord.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == contract.get_absolute_url() + f"#monitoring-{record.pk}"
    assert (record.kind, record.held_on, record.findings) == (
        "report",
        date(2026, 11, 2),
        "The service performed well.",
    )
    page = client.get(contract.get_absolute_url()).content.decode()
    assert f'id="monitoring-{record.pk}" data-monitoring="report"' in page
    assert "2 Nov 2026 · Contract monitoring report · by Integrated Strategic Commissioning Officer" in page
    assert "The service performed well." in page
    assert "Not linked to a committee report." in page
    assert "Monitoring: Annual contract monitoring report" in page  # the history


def test_a_visit_made_after_the_day_shown_is_not_on_the_page(client_for, manager):
    contract = ContractFactory()
    services.monitoring_record_create(contract=contract, today=TODAY, **VISIT)
    client = client_for(manager)
    assert "Unannounced visit" in client.get(contract.get_absolute_url()).content.decode()
    before = client.get(contract.get_absolute_url() + "?as_of=2026-10-01").content.decode()
    assert 'id="no-monitoring"' in before
    # A manager reads monitoring but does not record it.
    assert reverse("contracts:monitoring_create", args=[contract.pk]) not in before


def test_bad_input_is_refused_with_clear_errors_and_saves_nothing(client_for, officer):
    contract = ContractFactory()
    response = client_for(officer).post(
        reverse("contracts:monitoring_create", args=[contract.pk]),
        {"kind": "", "held_on": "31/02/2026", "title": "", "carried_out_by": ""},
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors.keys() == {"kind", "held_on", "title", "carried_out_by"}
    assert not MonitoringRecord.objects.exists()
