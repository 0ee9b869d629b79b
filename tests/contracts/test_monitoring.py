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


# --- correcting a record -----------------------------------------------------------------------


def _edit_url(record: MonitoringRecord) -> str:
    return reverse("contracts:monitoring_update", args=[record.pk])


def _form(client, record: MonitoringRecord) -> dict:
    """The edit form as the page gives it: the hidden version and values read included."""
    form = client.get(_edit_url(record)).context["form"]
    return {name: form[name].value() or "" for name in form.fields}


@pytest.fixture
def visit():
    return services.monitoring_record_create(contract=ContractFactory(), today=TODAY, **VISIT)


def test_an_officer_corrects_a_record_and_the_history_shows_it(client_for, officer, visit):
    client = client_for(officer)
    data = {
        **_form(client, visit),
        "kind": "report",
        "held_on": "2026-10-15",
        "title": "Annual  contract monitoring report ",
        "summary": "The year to 30 Sep 2026.",
        "findings": "Two staff without refresher training; booked for December.",
        "carried_out_by": "Integrated Strategic Commissioning Officer",
    }

    response = client.post(_edit_url(visit), data)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == visit.contract.get_absolute_url() + f"#monitoring-{visit.pk}"
    saved = MonitoringRecord.objects.get(pk=visit.pk)
    assert (
        saved.contract,
        saved.kind,
        saved.held_on,
        saved.title,
        saved.summary,
        saved.findings,
        saved.carried_out_by,
        saved.version,
    ) == (
        visit.contract,
        "report",
        date(2026, 10, 15),
        "Annual contract monitoring report",
        "The year to 30 Sep 2026.",
        "Two staff without refresher training; booked for December.",
        "Integrated Strategic Commissioning Officer",
        2,
    )
    page = client.get(visit.contract.get_absolute_url()).content.decode()
    assert "Contract monitoring report of 15 Oct 2026 saved." in page
    assert "15 Oct 2026 · Contract monitoring report · by Integrated Strategic Commissioning Officer" in page
    assert "Monitoring: Annual contract monitoring report</span> changed" in page  # the history
    assert 'Unannounced visit to the Orpington scheme</span> <span aria-label="changed to">→</span>' in page


def test_a_stale_form_is_refused_and_the_other_save_kept(client_for, officer, visit):
    client = client_for(officer)
    first = _form(client, visit)
    second = _form(client, visit)
    assert client.post(_edit_url(visit), {**first, "findings": "All actions closed."}).status_code == HTTPStatus.FOUND

    response = client.post(_edit_url(visit), {**second, "title": "Announced visit"})

    assert response.status_code == HTTPStatus.OK
    assert "Someone else saved this monitoring record while you were editing it: Findings changed." in (
        response.content.decode()
    )
    saved = MonitoringRecord.objects.get(pk=visit.pk)
    assert (saved.title, saved.findings, saved.version) == (
        "Unannounced visit to the Orpington scheme",
        "All actions closed.",
        2,
    )
    again = response.context["form"]
    assert (again["title"].value(), again["findings"].value()) == ("Announced visit", "All actions closed.")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"held_on": "2026-11-23"}, "held_on", "Enter a day on or before today (22 Nov 2026)."),
        ({"held_on": "31/02/2026"}, "held_on", "Enter a valid date"),
        ({"held_on": "0001-01-01"}, "held_on", "Enter a date between 1 Jan 1990 and 31 Dec 2100."),
        ({"title": "  "}, "title", "This field is required."),
        ({"carried_out_by": ""}, "carried_out_by", "This field is required."),
        ({"kind": "inspection"}, "kind", "Select a valid choice."),
    ],
)
def test_bad_input_on_the_edit_form_is_refused_with_a_message(client_for, officer, visit, changes, field, message):
    client = client_for(officer)
    response = client.post(_edit_url(visit), {**_form(client, visit), "findings": "Changed", **changes})
    assert response.status_code == HTTPStatus.OK
    assert "The monitoring record was not saved." in response.content.decode()
    assert message in " ".join(response.context["form"].errors[field])
    saved = MonitoringRecord.objects.get(pk=visit.pk)
    assert (saved.findings, saved.version) == (VISIT["findings"], 1)


def test_only_officers_see_the_link_or_change_a_record(client_for, officer, clerk, visit):
    link = f'href="{_edit_url(visit)}"'
    assert link in client_for(officer).get(visit.contract.get_absolute_url()).content.decode()
    client = client_for(clerk)
    assert link not in client.get(visit.contract.get_absolute_url()).content.decode()
    assert client.get(_edit_url(visit)).status_code == HTTPStatus.FORBIDDEN
    response = client.post(_edit_url(visit), {**VISIT, "title": "Changed", "version": "1"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert MonitoringRecord.objects.get(pk=visit.pk).title == "Unannounced visit to the Orpington scheme"
