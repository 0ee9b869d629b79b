"""A committee report links the monitoring visits and contract monitoring reports it
considered: chosen on the report's form, shown on the report's page and on the contract's."""

from datetime import date
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees import services
from committees.models import Report
from contracts import services as contract_services
from contracts.models import MonitoringRecord
from tests.committees.factories import ReportFactory
from tests.conftest import TODAY, ContractFactory
from tests.edit_forms import browser_form

pytestmark = pytest.mark.django_db


def _monitoring(contract, title="Annual contract monitoring report", kind=MonitoringRecord.Kind.REPORT):
    return contract_services.monitoring_record_create(
        contract=contract,
        kind=kind,
        held_on=date(2026, 10, 1),
        title=title,
        carried_out_by="Integrated Strategic Commissioning Officer",
        findings="The service performed well over the life of the contract.",
        today=TODAY,
    )


def test_a_report_links_the_monitoring_of_its_contracts():
    contract = ContractFactory(reference="LBB-MHFSS-2019")
    record = _monitoring(contract)
    report = ReportFactory(reference="ACH22-044", contracts=[contract], kind=Report.Kind.CONTRACT_MONITORING)
    services.report_update(report=report, contracts=[contract], monitoring_records=[record])
    assert list(report.monitoring_records.all()) == [record]
    assert list(record.committee_reports.all()) == [report]
    # An edit that does not say which monitoring it considered keeps it.
    services.report_update(report=report, contracts=[contract], title="Contract Monitoring Report: MHFSS")
    assert list(Report.objects.get(pk=report.pk).monitoring_records.all()) == [record]


def test_it_refuses_monitoring_of_a_contract_the_report_is_not_about():
    ours, theirs = ContractFactory(reference="OURS"), ContractFactory(reference="THEIRS")
    record = _monitoring(theirs)
    report = ReportFactory(contracts=[ours])
    with pytest.raises(ValidationError, match="add THEIRS to its contracts, or leave that monitoring out"):
        services.report_update(report=report, contracts=[ours], monitoring_records=[record])
    assert not report.monitoring_records.exists()
    with pytest.raises(ValidationError, match="add THEIRS"):
        services.report_create(council=report.council, reference="NEW", title="New", monitoring_records=[record])
    assert not Report.objects.filter(reference="NEW").exists()


def test_the_clerk_chooses_it_on_the_form_and_both_pages_show_it(client_for, clerk, officer):
    contract = ContractFactory(reference="LBB-MHFSS-2019")
    record = _monitoring(contract)
    other = _monitoring(ContractFactory(reference="ELSEWHERE"), title="Visit elsewhere")
    report = ReportFactory(reference="ACH22-044", title="Contract Monitoring Report: MHFSS", contracts=[contract])
    client = client_for(clerk)
    url = reverse("committees:report_update", args=[report.pk])
    html = client.get(url).content.decode()
    # Offered: the monitoring of the report's own contracts only.
    assert "LBB-MHFSS-2019: Contract monitoring report of 1 Oct 2026, Annual contract monitoring report" in html
    assert "Visit elsewhere" not in html
    data = browser_form(html, action="")
    data["monitoring_records"] = [str(record.pk)]
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    assert list(Report.objects.get(pk=report.pk).monitoring_records.all()) == [record]
    # Posting another contract's monitoring is refused by the form: it is not offered.
    data["monitoring_records"] = [str(other.pk)]
    assert client.post(url, data).status_code == HTTPStatus.OK
    assert list(Report.objects.get(pk=report.pk).monitoring_records.all()) == [record]

    page = client.get(report.get_absolute_url()).content.decode()
    assert f'href="{record.get_absolute_url()}">LBB-MHFSS-2019: Contract monitoring report of 1 Oct 2026</a>' in page
    contract_page = client_for(officer).get(contract.get_absolute_url()).content.decode()
    assert f'Considered in <a href="{report.get_absolute_url()}">ACH22-044</a> Contract Monitoring Report: MHFSS' in (
        contract_page
    )


def test_the_contract_page_reads_the_reports_in_the_same_queries_however_many(client_for, officer):
    contract = ContractFactory()
    client = client_for(officer)

    def link(count):
        for _ in range(count):
            record = _monitoring(contract, title=f"Visit {MonitoringRecord.objects.count()}", kind="visit")
            ReportFactory(contracts=[contract], monitoring_records=[record])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(contract.get_absolute_url()).status_code == HTTPStatus.OK
        return len(captured)

    link(1)
    few = queries()
    link(5)
    assert queries() == few
