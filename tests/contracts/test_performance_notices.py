"""Contract performance notices (UK9): owed by a contract under the Act with the
KPI duty (worth more than £5m, neither light touch nor a framework), 12 months
after the start or the last one published, and at the end.

TODAY is 22 Nov 2026. The open tender below runs 1 Jun 2025 to 31 May 2028 at
£2m a year: £6m over its life.
"""

import json
from datetime import date
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from commissioning.overview.calendar_feed import NOTICE_DUE, events_between
from contracts import services
from contracts.models import Contract, NoticePublication
from contracts.selectors import notices_due
from tests.conftest import TODAY, ContractFactory
from tests.contracts.test_exports import _validate_package

pytestmark = pytest.mark.django_db

PERFORMANCE = NoticePublication.Kind.PERFORMANCE


def _owing(**facts) -> Contract:
    return ContractFactory(
        **{
            "reference": "ACT-KPI",
            "route": Contract.Route.OPEN_TENDER,
            "start_date": date(2025, 6, 1),
            "term": "3",
            "annual_value": Decimal("2000000"),
            **facts,
        }
    )


def _performance(today=TODAY) -> list[tuple]:
    return [
        (row.reference, row.due, row.status, row.basis) for row in notices_due(today=today) if row.kind == PERFORMANCE
    ]


def _publish(contract, published_on, *, today=None, identifier="2026/S 000-000009"):
    return services.notice_publish(
        kind=PERFORMANCE,
        contract=contract,
        published_on=published_on,
        identifier=identifier,
        today=today or published_on,
    )


def test_the_first_is_due_twelve_months_after_the_start():
    _owing()
    assert _performance() == [("ACT-KPI", date(2026, 6, 1), "overdue", "12 months after the start, 1 Jun 2025")]
    assert _performance(today=date(2026, 5, 1)) == [
        ("ACT-KPI", date(2026, 6, 1), "due", "12 months after the start, 1 Jun 2025")
    ]


def test_each_published_moves_the_next_twelve_months_on_until_the_one_at_the_end():
    contract = _owing()
    first = _publish(contract, date(2026, 6, 10), today=TODAY)
    stored = NoticePublication.objects.get()
    assert (stored.contract, stored.kind, stored.period_end, stored.published_on, stored.identifier) == (
        contract,
        "performance",
        date(2026, 6, 1),  # the day it answered for
        date(2026, 6, 10),
        "2026/S 000-000009",
    )
    assert _performance() == [
        ("ACT-KPI", date(2027, 6, 10), "due", "12 months after the last, published 10 Jun 2026"),
        ("ACT-KPI", date(2026, 6, 1), "published", "12 months after the start, 1 Jun 2025"),
    ]
    assert [row.publication for row in notices_due(today=TODAY) if row.status == "published"] == [first]
    _publish(contract, date(2027, 6, 5))
    # 12 months after 5 Jun 2027 is past the end: the next is the one at the end.
    assert _performance(today=date(2027, 6, 5))[0] == ("ACT-KPI", date(2028, 5, 31), "due", "at the end, 31 May 2028")
    _publish(contract, date(2028, 6, 12))
    assert list(
        NoticePublication.objects.filter(kind=PERFORMANCE).order_by("published_on").values_list("period_end", flat=True)
    ) == [date(2026, 6, 1), date(2027, 6, 10), date(2028, 5, 31)]
    # All three recorded: none owed any more, and a fourth is refused with the reason.
    assert [status for _, _, status, _ in _performance(today=date(2028, 7, 1))] == ["published"] * 3
    with pytest.raises(ValidationError, match="the notice at its end, 31 May 2028, is recorded"):
        _publish(contract, date(2028, 7, 1))
    assert NoticePublication.objects.count() == 3


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        ({"route": Contract.Route.LIGHT_TOUCH}, "light touch"),
        ({"annual_value": Decimal("2500000"), "term": "2"}, "£5m exactly"),
        ({"contract_type": Contract.ContractType.FRAMEWORK}, "framework"),
        ({"start_date": date(2024, 10, 1), "term": "3"}, "PCR 2015"),
    ],
)
def test_a_contract_without_the_kpi_duty_owes_none(facts, reason):
    contract = _owing(**facts)
    assert _performance() == [], reason
    with pytest.raises(ValidationError, match="owes no contract performance notice to record"):
        _publish(contract, TODAY)
    assert not NoticePublication.objects.exists()


def test_a_penny_over_five_million_owes_them():
    _owing(annual_value=Decimal("2500000.01"), term="2")
    assert [due for _, due, _, _ in _performance()] == [date(2026, 6, 1)]


def test_they_are_recorded_in_the_order_published_and_not_ahead_of_today():
    contract = _owing()
    _publish(contract, date(2026, 6, 10), today=TODAY)
    with pytest.raises(ValidationError, match="record them in the order published"):
        _publish(contract, date(2026, 6, 1), today=TODAY)
    with pytest.raises(ValidationError, match="cannot be published after today"):
        _publish(contract, date(2026, 11, 23), today=TODAY)
    assert NoticePublication.objects.count() == 1


def test_the_database_keeps_one_for_each_day_due_and_each_names_its_day():
    contract = _owing()
    NoticePublication.objects.create(
        contract=contract, kind=PERFORMANCE, period_end=date(2026, 6, 1), published_on=date(2026, 6, 2)
    )
    NoticePublication.objects.create(
        contract=contract, kind=PERFORMANCE, period_end=date(2027, 6, 2), published_on=date(2027, 6, 2)
    )
    for period_end in (date(2026, 6, 1), None):
        with pytest.raises(IntegrityError), transaction.atomic():
            NoticePublication.objects.create(
                contract=contract, kind=PERFORMANCE, period_end=period_end, published_on=date(2027, 7, 1)
            )
    # The notices owed once stay once.
    NoticePublication.objects.create(contract=contract, kind="termination", published_on=date(2028, 6, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        NoticePublication.objects.create(contract=contract, kind="termination", published_on=date(2028, 6, 2))
    assert NoticePublication.objects.count() == 3


def test_the_list_reads_the_kpi_duty_of_every_contract_in_the_same_queries(django_assert_num_queries):
    # The notices, the contracts under the Act, and those of them with changes (none here).
    for n in range(2):
        _publish(_owing(reference=f"ACT-{n}"), date(2026, 6, 10), today=TODAY)
    with django_assert_num_queries(3):
        assert len(_performance()) == 4
    for n in range(2, 8):
        _publish(_owing(reference=f"ACT-{n}"), date(2026, 6, 10), today=TODAY)
    with django_assert_num_queries(3):
        assert len(_performance()) == 16


# --- the pages ---------------------------------------------------------------------------------


def test_the_contract_page_shows_those_published_and_the_next_and_records_it(client_for, officer):
    contract = _owing()
    client = client_for(officer)
    _publish(contract, date(2026, 6, 10), today=TODAY, identifier="2026/S 000-000123")
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "Contract performance notices" in page
    assert 'data-performance-notice="published"' in page and "2026/S 000-000123" in page
    assert "(12 months after the last, published 10 Jun 2026)" in page
    assert f"?kind=performance&amp;contract={contract.pk}" in page
    form = client.get(reverse("contracts:notice_publish") + f"?kind=performance&contract={contract.pk}")
    assert "Contract performance notice (UK9) of" in form.content.decode()
    response = client.post(
        reverse("contracts:notice_publish"),
        {"kind": "performance", "contract": contract.pk, "published_on": "2026-11-20", "identifier": "2026/S 000-7"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == contract.get_absolute_url() + "#procurement"
    latest = NoticePublication.objects.order_by("published_on").last()
    assert (latest.kind, latest.period_end, latest.published_on) == (
        "performance",
        date(2027, 6, 10),
        TODAY.replace(day=20),
    )
    page = client.get(contract.get_absolute_url()).content.decode()
    assert page.count('data-performance-notice="published"') == 2
    assert "by <strong>20 Nov 2027</strong>" in page


def test_the_contract_page_says_why_a_contract_owes_none(client_for, manager):
    contract = _owing(route=Contract.Route.LIGHT_TOUCH)
    page = client_for(manager).get(contract.get_absolute_url()).content.decode()
    assert "<strong>None owed</strong>: without the KPI duty there is no assessment to publish." in page
    assert "Light touch contracts are exempt from the Procurement Act 2023 KPI duty." in page
    assert "kind=performance" not in page


def test_the_notices_list_shows_the_next_one_due_and_what_it_counts_from(client_for, officer):
    contract = _owing()
    html = client_for(officer).get(reverse("contracts:notice_list")).content.decode()
    assert 'data-notice="performance" data-status="overdue"' in html
    assert "Due 12 months after the start, 1 Jun 2025" in html
    assert f"?kind=performance&amp;contract={contract.pk}" in html


def test_the_performance_notices_download_as_implementation_updates_that_validate(client_for, officer):
    contract = _owing()
    _publish(contract, date(2026, 6, 10), today=TODAY, identifier="2026/S 000-000123")
    _publish(contract, TODAY, identifier="2026/S 000-000456")
    response = client_for(officer).get(reverse("contracts:contract_export_as", args=["ocds_notices"]))
    package = json.loads(response.content)
    _validate_package(package)
    releases = package["releases"]
    assert [release["tag"] for release in releases] == [["implementationUpdate"], ["implementationUpdate"]]
    assert len({release["id"] for release in releases}) == 2
    assert releases[0]["id"].endswith("-performance-2026-06-01")
    document = releases[1]["contracts"][0]["implementation"]["documents"][0]
    assert (document["id"], document["documentType"]) == ("2026/S 000-000456", "physicalProgressReport")
    assert releases[1]["date"].startswith("2026-11-22")


def test_the_next_one_is_in_the_calendar_and_moves_once_one_is_published():
    contract = _owing()

    def events(today):
        found = events_between([NOTICE_DUE], start=date(2026, 1, 1), end=date(2028, 12, 31), today=today)
        return [(event.day, event.uid.split("@")[0]) for event in found if event.summary.startswith("Contract perf")]

    assert events(TODAY) == [(date(2026, 6, 1), f"notice-due-performance-{contract.pk}-2026-06-01")]
    _publish(contract, date(2026, 6, 10), today=TODAY)
    assert events(TODAY) == [(date(2027, 6, 10), f"notice-due-performance-{contract.pk}-2027-06-10")]


def test_an_overdue_one_is_on_the_dashboard(client_for, officer):
    _owing()
    html = client_for(officer).get("/").content.decode()
    assert "Contract performance notice (UK9) · due 1 Jun 2026 (12 months after the start, 1 Jun 2025)" in html
