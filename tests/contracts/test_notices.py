"""Procurement Act 2023 notices: which fall due when, and recording them as published.

TODAY is 22 Nov 2026. Contracts started from 24 Feb 2025 are procured under the
Act (the factory's legislation follows the start date), light touch unless said.
"""

import json
from datetime import date
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts import services
from contracts.models import Contract, NoticePublication
from contracts.selectors import notices_due
from tests.conftest import TODAY, ContractFactory
from tests.contracts.test_exports import _validate_package

pytestmark = pytest.mark.django_db

Kind = NoticePublication.Kind


def _open_tender(**facts):
    return ContractFactory(route=Contract.Route.OPEN_TENDER, **{"start_date": date(2025, 6, 1), "term": "3", **facts})


def _rows(today=TODAY):
    return [(row.kind, row.reference, row.due, row.status) for row in notices_due(today=today)]


def test_each_contract_under_the_act_owes_its_notices_and_the_council_its_half_years():
    tender = _open_tender(reference="ACT-TENDER")  # 1 Jun 2025 to 31 May 2028
    ContractFactory(reference="ACT-LIGHT", start_date=date(2025, 6, 1), term="3")  # light touch: 120 days
    ContractFactory(reference="ACT-BELOW", start_date=date(2025, 6, 1), term="3", route=Contract.Route.BELOW_THRESHOLD)
    ContractFactory(reference="PCR", start_date=date(2024, 10, 1), term="5+2+2")  # PCR 2015: owes none
    assert tender.legislation == Contract.Legislation.PA_2023
    assert _rows() == [
        # Overdue, soonest first: the details notices (30 days; 120 for light touch; a below-threshold
        # contract 30 too), then the council's half-years to 30 Sep 2025 and 31 Mar 2026 and 30 Sep 2026.
        ("contract_details", "ACT-BELOW", date(2025, 7, 1), "overdue"),
        ("contract_details", "ACT-TENDER", date(2025, 7, 1), "overdue"),
        ("contract_details", "ACT-LIGHT", date(2025, 9, 29), "overdue"),
        ("payments_compliance", "", date(2025, 10, 30), "overdue"),
        ("payments_compliance", "", date(2026, 4, 30), "overdue"),
        ("payments_compliance", "", date(2026, 10, 30), "overdue"),
        # Due: the termination notices, 30 days after the end (none below the threshold).
        ("termination", "ACT-LIGHT", date(2028, 6, 30), "due"),
        ("termination", "ACT-TENDER", date(2028, 6, 30), "due"),
    ]


def test_a_notice_recorded_as_published_is_no_longer_overdue_from_its_day():
    contract = _open_tender(reference="ACT-TENDER")
    notice = services.notice_publish(
        kind=Kind.CONTRACT_DETAILS,
        contract=contract,
        published_on=date(2025, 6, 20),
        identifier="2025/S 000-012345",
        url="https://www.find-tender.service.gov.uk/Notice/012345-2025",
        today=TODAY,
    )
    stored = NoticePublication.objects.get()
    assert (stored.contract, stored.kind, stored.published_on, stored.identifier) == (
        contract,
        "contract_details",
        date(2025, 6, 20),
        "2025/S 000-012345",
    )
    details = [row for row in notices_due(today=TODAY) if row.kind == Kind.CONTRACT_DETAILS]
    assert [(row.status, row.publication) for row in details] == [("published", notice)]
    # As on a day before it was published, it was not yet published.
    before = [row for row in notices_due(today=date(2025, 6, 19)) if row.kind == Kind.CONTRACT_DETAILS]
    assert [row.status for row in before] == ["due"]


def test_the_councils_payments_notice_is_recorded_for_a_half_year_that_has_ended():
    services.notice_publish(
        kind=Kind.PAYMENTS_COMPLIANCE,
        period_end=date(2026, 3, 31),
        published_on=date(2026, 4, 28),
        identifier="2026/S 000-000777",
        today=TODAY,
    )
    assert NoticePublication.objects.get().period_end == date(2026, 3, 31)
    statuses = [(row.period_end, row.status) for row in notices_due(today=TODAY) if row.kind == "payments_compliance"]
    assert statuses == [
        (date(2025, 9, 30), "overdue"),
        (date(2026, 9, 30), "overdue"),
        (date(2026, 3, 31), "published"),
    ]
    with pytest.raises(ValidationError, match="Choose a half-year under the Act that has ended"):
        services.notice_publish(
            kind=Kind.PAYMENTS_COMPLIANCE,
            period_end=date(2027, 3, 31),
            published_on=TODAY,
            identifier="x",
            today=TODAY,
        )
    with pytest.raises(ValidationError, match="already recorded"):
        services.notice_publish(
            kind=Kind.PAYMENTS_COMPLIANCE, period_end=date(2026, 3, 31), published_on=TODAY, identifier="y", today=TODAY
        )
    assert NoticePublication.objects.count() == 1


@pytest.mark.parametrize(
    ("facts", "kind", "reason"),
    [
        (
            {"start_date": date(2024, 10, 1)},
            Kind.CONTRACT_DETAILS,
            "it was not procured under the Procurement Act 2023",
        ),
        (
            {"start_date": date(2025, 6, 1), "route": Contract.Route.BELOW_THRESHOLD},
            Kind.TERMINATION,
            "a contract below the threshold owes no termination notice",
        ),
    ],
)
def test_a_notice_the_contract_does_not_owe_is_refused_with_the_reason(facts, kind, reason):
    contract = ContractFactory(term="3", **facts)
    with pytest.raises(ValidationError, match=reason):
        services.notice_publish(kind=kind, contract=contract, published_on=TODAY, identifier="x", today=TODAY)
    assert not NoticePublication.objects.exists()


def test_a_notice_is_recorded_once_and_not_ahead_of_today():
    contract = _open_tender()
    with pytest.raises(ValidationError, match="cannot be published after today"):
        services.notice_publish(
            kind=Kind.TERMINATION, contract=contract, published_on=date(2026, 11, 23), identifier="x", today=TODAY
        )
    services.notice_publish(kind=Kind.TERMINATION, contract=contract, published_on=TODAY, identifier="x", today=TODAY)
    with pytest.raises(ValidationError, match="already recorded"):
        services.notice_publish(
            kind=Kind.TERMINATION, contract=contract, published_on=TODAY, identifier="y", today=TODAY
        )
    assert NoticePublication.objects.count() == 1


# --- the pages ---------------------------------------------------------------------------------


def test_the_notices_list_shows_overdue_first_and_only_officers_record_them(client_for, officer, manager):
    contract = _open_tender(reference="ACT-TENDER")
    page = client_for(manager).get(reverse("contracts:notice_list"))
    html = page.content.decode()
    assert page.status_code == HTTPStatus.OK
    assert [row.status for row in page.context["page"]][:2] == ["overdue", "overdue"]
    assert 'data-count="overdue">Overdue (4)' in html
    assert "Record as published" not in html
    due = client_for(officer).get(reverse("contracts:notice_list") + "?status=due")
    # Only the termination notice is due, not yet overdue; every half-year's notice is overdue.
    assert [(row.kind, row.reference) for row in due.context["page"]] == [("termination", "ACT-TENDER")]
    html = due.content.decode()
    assert "Record as published" in html
    assert f"kind=termination&amp;contract={contract.pk}" in html


def test_an_officer_records_a_notice_and_the_contract_page_shows_it(client_for, officer):
    contract = _open_tender(reference="ACT-TENDER")
    client = client_for(officer)
    url = reverse("contracts:notice_publish") + f"?kind=contract_details&contract={contract.pk}"
    form = client.get(url)
    assert form.status_code == HTTPStatus.OK
    assert "Contract details notice (UK7) of" in form.content.decode()
    response = client.post(
        url,
        {
            "kind": "contract_details",
            "contract": contract.pk,
            "published_on": "2025-06-20",
            "identifier": "2025/S 000-012345",
            "url": "https://www.find-tender.service.gov.uk/Notice/012345-2025",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == contract.get_absolute_url() + "#procurement"
    notice = NoticePublication.objects.get()
    assert (notice.contract, notice.published_on, notice.identifier) == (
        contract,
        date(2025, 6, 20),
        "2025/S 000-012345",
    )
    page = client.get(contract.get_absolute_url()).content.decode()
    assert 'data-published="contract_details"' in page
    assert "2025/S 000-012345" in page


def test_bad_input_is_refused_with_clear_errors_and_saves_nothing(client_for, officer):
    contract = ContractFactory(reference="PCR", start_date=date(2024, 10, 1))
    client = client_for(officer)
    url = reverse("contracts:notice_publish")
    blank = client.post(
        url, {"kind": "contract_details", "contract": contract.pk, "published_on": "", "identifier": ""}
    )
    assert blank.status_code == HTTPStatus.OK
    assert "This field is required." in blank.content.decode()
    refused = client.post(
        url, {"kind": "contract_details", "contract": contract.pk, "published_on": "2025-06-20", "identifier": "x"}
    )
    assert refused.status_code == HTTPStatus.OK
    assert "PCR owes no contract details notice: it was not procured under the Procurement Act 2023." in (
        refused.content.decode()
    )
    assert client.get(url + "?kind=contract_details&contract=nonsense").status_code == HTTPStatus.NOT_FOUND
    assert client.get(url + "?kind=contract_details&contract=999999").status_code == HTTPStatus.NOT_FOUND
    assert not NoticePublication.objects.exists()


def test_the_notices_published_download_as_ocds_releases_that_validate(client_for, officer):
    contract = _open_tender(reference="ACT-TENDER")
    services.notice_publish(
        kind=Kind.CONTRACT_DETAILS,
        contract=contract,
        published_on=date(2025, 6, 20),
        identifier="2025/S 000-012345",
        url="https://www.find-tender.service.gov.uk/Notice/012345-2025",
        today=TODAY,
    )
    services.notice_publish(
        kind=Kind.TERMINATION, contract=contract, published_on=TODAY, identifier="2026/S 000-099999", today=TODAY
    )
    _open_tender(reference="ACT-NONE")  # nothing published: no release
    response = client_for(officer).get(reverse("contracts:contract_export_as", args=["ocds_notices"]))
    assert response.status_code == HTTPStatus.OK
    assert 'filename="notices-ocds-2026-11-22.json"' in response["Content-Disposition"]
    package = json.loads(response.content)
    _validate_package(package)
    releases = {release["tag"][0]: release for release in package["releases"]}
    assert set(releases) == {"contract", "contractTermination"}
    details, ended = releases["contract"], releases["contractTermination"]
    assert details["ocid"].endswith("ACT-TENDER") and details["date"].startswith("2025-06-20")
    assert details["contracts"][0]["documents"][0]["id"] == "2025/S 000-012345"
    assert details["contracts"][0]["documents"][0]["url"] == "https://www.find-tender.service.gov.uk/Notice/012345-2025"
    assert ended["contracts"][0]["status"] == "terminated"
    assert ended["date"].startswith("2026-11-22")
    assert details["id"] != ended["id"]
