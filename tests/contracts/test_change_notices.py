"""Contract change notices (UK10), issue 12 parts 4 and 5: owed by a change to a
contract under the Procurement Act 2023 before it takes effect (by the day
before), unless the contract is light touch or below the threshold, or the change
is within 10% of the value (15% for works) and 10% of the maximum term on award,
each change by its own size; recorded against the change; and published as OCDS
contract amendments.

TODAY is 22 Nov 2026. The open tender below runs 1 Jun 2025 to 31 May 2030 (5
years, no options) at £1m a year: £5m over its life, a maximum term of 60 months,
so 10% is £500,000 and 6 months. Six months more adds £500,000 too.
"""

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from commissioning.overview.calendar_feed import NOTICE_DUE, events_between
from contracts import procurement, services
from contracts.models import Contract, ContractChange, NoticePublication
from contracts.selectors import notices_due
from tests.conftest import TODAY, ContractFactory
from tests.contracts.test_exports import _validate_package

pytestmark = pytest.mark.django_db

CHANGE = NoticePublication.Kind.CHANGE
D = Decimal


def _contract(**facts) -> Contract:
    return ContractFactory(
        **{
            "reference": "ACT-CHG",
            "legislation": Contract.Legislation.PA_2023,
            "route": Contract.Route.OPEN_TENDER,
            "start_date": date(2025, 6, 1),
            "term": "5",
            "annual_value": D("1000000.00"),
            **facts,
        }
    )


def _change(contract, *, effective_on=date(2027, 6, 1), ground="pa_non_substantial", **what) -> ContractChange:
    return services.contract_change_record(
        contract=contract, effective_on=effective_on, ground=ground, description="More hours of support.", **what
    )


def _change_rows(today=TODAY) -> list[tuple]:
    return [(row.reference, row.due, row.status) for row in notices_due(today=today) if row.kind == CHANGE]


def _publish(contract, change, published_on=date(2027, 5, 20), *, today=None, identifier="2027/S 000-000010"):
    return services.notice_publish(
        kind=CHANGE,
        contract=contract,
        change=change,
        published_on=published_on,
        identifier=identifier,
        today=today or published_on,
    )


# --- the rule ---------------------------------------------------------------------------------


def test_the_rule_takes_the_maximum_term_as_entered_in_fractions_of_months_and_a_restructuring_always_owes():
    rule = {"legislation": "pa_2023", "route": "open_tender", "value_change": D("0"), "value": D("1000000")}
    # 10% of 20.5 months is 2.05 months: 2 months is within it, 3 is not.
    assert not procurement.change_notice_required(**rule, term_change_months=2, maximum_term_months=Fraction(41, 2))
    assert procurement.change_notice_required(**rule, term_change_months=3, maximum_term_months=Fraction(41, 2))
    # A change of neither value nor term owes none, unless it is a novation on a corporate restructuring.
    nothing = {**rule, "term_change_months": 0, "maximum_term_months": 60}
    assert not procurement.change_notice_required(**nothing)
    assert procurement.change_notice_required(**nothing, restructuring=True)
    assert not procurement.change_notice_required(**{**nothing, "route": "light_touch"}, restructuring=True)
    # Below the threshold the contract is not a public contract: none.
    assert not procurement.change_notice_required(
        **{**rule, "route": "below_threshold", "value_change": D("900000")},
        term_change_months=0,
        maximum_term_months=60,
    )


def test_the_notice_is_due_the_day_before_the_change_takes_effect():
    assert procurement.change_notice_due(date(2027, 6, 1)) == date(2027, 5, 31)
    assert procurement.change_notice_due(date(2027, 1, 1)) == date(2026, 12, 31)


# --- what falls due ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "owed"),
    [
        # Exactly 10% of the maximum term, which adds exactly 10% of the value: none.
        ({"term_change_months": 6}, False),
        ({"term_change_months": 7}, True),
        ({"term_change_months": -6}, False),
        ({"term_change_months": -7}, True),
        # £250,000 a year for the last 24 months: exactly £500,000, 10% of the value.
        ({"annual_value_change": D("250000.00"), "effective_on": date(2028, 6, 1)}, False),
        ({"annual_value_change": D("250000.01"), "effective_on": date(2028, 6, 1)}, True),
        ({"annual_value_change": D("-250000.00"), "effective_on": date(2028, 6, 1)}, False),
        ({"annual_value_change": D("-250000.01"), "effective_on": date(2028, 6, 1)}, True),
        # A one-off amount is measured by its amount: £500,000 once is 10% of the value.
        ({"one_off_value_change": D("500000.00")}, False),
        ({"one_off_value_change": D("500000.01")}, True),
        ({"one_off_value_change": D("-500000.01")}, True),
        # An amount a year and a one-off amount together: £500,000 + £0.01.
        (
            {
                "annual_value_change": D("250000.00"),
                "one_off_value_change": D("0.01"),
                "effective_on": date(2028, 6, 1),
            },
            True,
        ),
        # Scope alone changes neither the value nor the term.
        ({"scope_change": "Night visits added."}, False),
    ],
)
def test_a_change_owes_a_notice_only_beyond_ten_percent_of_the_value_or_of_the_maximum_term(what, owed):
    contract = _contract()
    _change(contract, **what)
    effective = what.get("effective_on", date(2027, 6, 1))
    expected = [("ACT-CHG", effective.replace(day=31, month=5), "due")] if owed else []
    assert _change_rows() == expected


def test_the_contract_is_services_so_fifteen_percent_does_not_apply():
    # 12% of the value: within 15% for works, beyond 10% for services (every contract here is services).
    contract = _contract()
    _change(contract, annual_value_change=D("300000.00"), effective_on=date(2028, 6, 1))
    assert _change_rows() == [("ACT-CHG", date(2028, 5, 31), "due")]


def test_each_change_is_measured_by_its_own_size_not_the_sum():
    contract = _contract()
    _change(contract, term_change_months=5, effective_on=date(2027, 6, 1))
    _change(contract, term_change_months=5, effective_on=date(2028, 6, 1))
    # 10 months together, but each is 5 of 60: none owed.
    assert _change_rows() == []


def test_a_corporate_restructuring_owes_one_whatever_its_size():
    contract = _contract()
    _change(contract, ground="pa_restructuring", scope_change="Novated to the new parent company.")
    assert _change_rows() == [("ACT-CHG", date(2027, 5, 31), "due")]


def test_light_touch_below_threshold_and_other_laws_owe_none():
    _contract(reference="LT", route=Contract.Route.LIGHT_TOUCH)
    _contract(reference="BT", route=Contract.Route.BELOW_THRESHOLD)
    pcr = _contract(reference="PCR", legislation=Contract.Legislation.PCR_2015)
    for contract in Contract.objects.exclude(pk=pcr.pk):
        _change(contract, term_change_months=24)
    _change(pcr, term_change_months=24, ground="pcr_72_1_e")
    assert ContractChange.objects.count() == 3
    assert _change_rows() == []


def test_a_change_in_effect_unannounced_is_overdue():
    contract = _contract()
    _change(contract, term_change_months=12, effective_on=date(2026, 11, 1))
    assert _change_rows() == [("ACT-CHG", date(2026, 10, 31), "overdue")]
    assert _change_rows(today=date(2026, 10, 31)) == [("ACT-CHG", date(2026, 10, 31), "due")]


def test_the_list_reads_every_contracts_changes_in_the_same_queries(django_assert_num_queries):
    for n in range(2):
        _change(_contract(reference=f"ACT-{n}"), term_change_months=12)
    # The notices, the contracts under the Act, and those with changes with their options and changes.
    with django_assert_num_queries(5):
        assert len(_change_rows()) == 2
    for n in range(2, 8):
        contract = _contract(reference=f"ACT-{n}")
        _change(contract, term_change_months=12)
        _change(contract, term_change_months=1, effective_on=date(2028, 6, 1))
    with django_assert_num_queries(5):
        assert len(_change_rows()) == 8


# --- recording one as published --------------------------------------------------------------


def test_publishing_records_the_notice_against_its_change():
    contract = _contract()
    change = _change(contract, term_change_months=12)
    notice = _publish(contract, change, date(2026, 11, 20), today=TODAY)
    stored = NoticePublication.objects.get()
    assert stored == notice
    assert (stored.contract, stored.kind, stored.change, stored.period_end, stored.published_on, stored.identifier) == (
        contract,
        "change",
        change,
        None,
        date(2026, 11, 20),
        "2027/S 000-000010",
    )
    assert _change_rows() == [("ACT-CHG", date(2027, 5, 31), "published")]


def test_publishing_is_refused_for_a_change_that_owes_none_or_is_recorded_or_of_another_contract():
    contract = _contract()
    small = _change(contract, term_change_months=6)
    with pytest.raises(ValidationError) as refused:
        _publish(contract, small, TODAY)
    assert refused.value.messages == [
        "ACT-CHG owes no contract change notice for the change from 1 Jun 2027: it is within 10% of the value "
        "and of the maximum term: +£500,000.00 on the value of £5,000,000.00 (10%); +6 months on the maximum "
        "term of 60 months (10%)."
    ]
    big = _change(contract, term_change_months=12, effective_on=date(2028, 6, 1))
    _publish(contract, big, TODAY)
    with pytest.raises(ValidationError, match="already recorded"):
        _publish(contract, big, TODAY, identifier="2027/S 000-000099")
    other = _contract(reference="OTHER")
    with pytest.raises(ValidationError, match="Choose the change of OTHER"):
        _publish(other, big, TODAY)
    light = _contract(reference="LIGHT", route=Contract.Route.LIGHT_TOUCH)
    with pytest.raises(ValidationError, match="a light touch contract owes none"):
        _publish(light, _change(light, term_change_months=24), TODAY)
    assert NoticePublication.objects.count() == 1


def test_the_database_holds_one_notice_for_each_change_and_only_change_notices_name_a_change():
    contract = _contract()
    change = _change(contract, term_change_months=12)
    _publish(contract, change, TODAY)
    with transaction.atomic(), pytest.raises(IntegrityError):
        NoticePublication.objects.create(
            contract=contract, change=change, kind=CHANGE, published_on=TODAY, identifier="again"
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        NoticePublication.objects.create(contract=contract, kind=CHANGE, published_on=TODAY, identifier="no change")
    with transaction.atomic(), pytest.raises(IntegrityError):
        NoticePublication.objects.create(
            contract=contract, change=change, kind="contract_details", published_on=TODAY, identifier="details"
        )


def test_a_change_whose_notice_is_published_cannot_be_withdrawn():
    contract = _contract()
    change = _change(contract, term_change_months=12)
    _publish(contract, change, TODAY)
    with pytest.raises(ValidationError) as refused:
        services.contract_change_withdraw(change=change, today=TODAY)
    assert "recorded as published (2027/S 000-000010): record another change to undo it" in refused.value.messages[0]
    assert ContractChange.objects.filter(pk=change.pk).exists()


# --- the pages ---------------------------------------------------------------------------------


def test_the_list_shows_the_change_notice_and_records_it_from_its_link(client_for, officer):
    contract = _contract()
    change = _change(contract, term_change_months=12)
    client = client_for(officer)
    html = client.get(reverse("contracts:notice_list")).content.decode()
    assert 'data-notice="change" data-status="due"' in html
    assert "Due before the change takes effect on 1 Jun 2027: +£1,000,000.00 on the value of £5,000,000.00" in html
    link = f"?kind=change&amp;contract={contract.pk}&amp;change={change.pk}"
    assert link in html
    form = client.get(reverse("contracts:notice_publish") + link.replace("&amp;", "&")).content.decode()
    assert "for the change from 1 Jun 2027: More hours of support." in form
    response = client.post(
        reverse("contracts:notice_publish"),
        {
            "kind": "change",
            "contract": contract.pk,
            "change": change.pk,
            "published_on": "20/11/2026",
            "identifier": "2026/S 000-000777",
        },
    )
    assert response.status_code == 302
    stored = NoticePublication.objects.get()
    assert (stored.kind, stored.change, stored.contract, stored.published_on) == (
        "change",
        change,
        contract,
        date(2026, 11, 20),
    )
    page = client.get(contract.get_absolute_url()).content.decode()
    assert 'data-change-notice="published"' in page
    assert "2026/S 000-000777" in page


def test_a_change_of_another_contract_is_not_found(client_for, officer):
    contract = _contract()
    other = _change(_contract(reference="OTHER"), term_change_months=12)
    response = client_for(officer).get(
        reverse("contracts:notice_publish") + f"?kind=change&contract={contract.pk}&change={other.pk}"
    )
    assert response.status_code == 404


def test_the_contract_page_shows_the_notice_owed_and_the_changes_within_the_exemptions(client_for, officer):
    contract = _contract()
    _change(contract, term_change_months=12, effective_on=date(2027, 6, 1))
    _change(contract, term_change_months=1, effective_on=date(2028, 6, 1))
    page = client_for(officer).get(contract.get_absolute_url()).content.decode()
    assert page.count('data-change-notice="due"') == 1
    assert "by <strong>31 May 2027</strong>" in page
    assert "kind=change&amp;contract=" in page


def test_the_contract_page_says_why_a_contract_owes_none(client_for, manager):
    light = _contract(reference="LIGHT", route=Contract.Route.LIGHT_TOUCH)
    _change(light, term_change_months=24)
    page = client_for(manager).get(light.get_absolute_url()).content.decode()
    assert "<strong>None owed</strong>: a light touch contract is exempt (Procurement Act 2023, s 75(6))." in page
    assert "data-change-notice" not in page
    pcr = _contract(reference="PCR", legislation=Contract.Legislation.PCR_2015)
    page = client_for(manager).get(pcr.get_absolute_url()).content.decode()
    assert "regulation 72 of the Public Contracts Regulations 2015, which asks for no change notice" in page


def test_an_overdue_one_is_on_the_dashboard_and_each_is_its_own_calendar_event(client_for, officer):
    contract = _contract()
    late = _change(contract, term_change_months=12, effective_on=date(2026, 11, 1))
    later = _change(contract, annual_value_change=D("400000.00"), effective_on=date(2027, 6, 1))
    html = client_for(officer).get("/").content.decode()
    assert "Contract change notice (UK10) · due 31 Oct 2026 (before the change takes effect on 1 Nov 2026" in html
    found = events_between([NOTICE_DUE], start=date(2026, 1, 1), end=date(2028, 12, 31), today=TODAY)
    events = [(event.day, event.uid.split("@")[0]) for event in found if event.summary.startswith("Contract change")]
    assert events == [
        (date(2026, 10, 31), f"notice-due-change-{contract.pk}-{late.pk}"),
        (date(2027, 5, 31), f"notice-due-change-{contract.pk}-{later.pk}"),
    ]
    _publish(contract, later, TODAY)
    found = events_between([NOTICE_DUE], start=date(2026, 1, 1), end=date(2028, 12, 31), today=TODAY)
    assert [event.day for event in found if event.summary.startswith("Contract change")] == [date(2026, 10, 31)]


# --- OCDS ----------------------------------------------------------------------------------------


def test_every_notice_downloads_as_a_release_of_its_kind_that_validates(client_for, officer):
    # A year from 1 Jun 2025 at £1m; from 1 Jan 2026 £300,000 a year more for its last 5 months: £125,000, 12.5%.
    contract = _contract(term="1")
    change = _change(contract, annual_value_change=D("300000.00"), effective_on=date(2026, 1, 1))
    kinds = [("contract_details", date(2025, 7, 1)), ("termination", date(2026, 6, 15))]
    for kind, day in kinds:
        services.notice_publish(kind=kind, contract=contract, published_on=day, identifier=f"{kind}-id", today=TODAY)
    _publish(contract, change, date(2025, 12, 20), today=TODAY, identifier="2025/S 000-000321")
    response = client_for(officer).get(reverse("contracts:contract_export_as", args=["ocds_notices"]))
    package = json.loads(response.content)
    _validate_package(package)
    releases = package["releases"]
    assert [release["tag"] for release in releases] == [["contract"], ["contractAmendment"], ["contractTermination"]]
    details, amended, ended = releases
    agreement = amended["contracts"][0]
    assert agreement["value"] == {"amount": 1125000.00, "currency": "GBP"}
    assert amended["date"].startswith("2025-12-20")
    assert amended["id"] == f"{details['ocid']}-change-{change.pk}"
    amendment = agreement["amendments"][-1]
    assert amendment["amendsReleaseID"] == details["id"]
    assert amendment["releaseID"] == amended["id"]
    assert amendment["date"].startswith("2026-01-01")
    assert (
        amendment["rationale"] == "Not a substantial modification (Procurement Act 2023, s 74): More hours of support."
    )
    assert "Whole-life value from £1,000,000.00 to £1,125,000.00." in amendment["description"]
    assert agreement["documents"][0]["id"] == "2025/S 000-000321"
    terminated = ended["contracts"][0]
    assert terminated["status"] == "terminated"
    assert terminated["period"]["endDate"].startswith("2026-05-31")
    assert terminated["documents"][0]["description"] == "The contract ended on 2026-05-31."
    # The contract's own release lists the change in effect as an amendment.
    whole = json.loads(client_for(officer).get(reverse("contracts:contract_export_as", args=["ocds"])).content)
    _validate_package(whole)
    assert [a["id"] for a in whole["releases"][0]["contracts"][0]["amendments"]] == [f"ACT-CHG-change-{change.pk}"]


def test_a_one_off_change_notice_release_describes_the_amount_and_carries_the_value(client_for, officer):
    contract = _contract()
    change = _change(contract, one_off_value_change=D("600000.00"), effective_on=date(2027, 1, 1))
    _publish(contract, change, TODAY)
    package = json.loads(
        client_for(officer).get(reverse("contracts:contract_export_as", args=["ocds_notices"])).content
    )
    _validate_package(package)
    (release,) = package["releases"]
    agreement = release["contracts"][0]
    # £5m over its life and £600,000 once: the term is as it was.
    assert agreement["value"] == {"amount": 5600000.00, "currency": "GBP"}
    assert agreement["period"]["endDate"].startswith("2030-05-31")
    description = agreement["amendments"][-1]["description"]
    assert "A one-off amount of £600,000.00, once, on 2027-01-01." in description
    assert "Whole-life value from £5,000,000.00 to £5,600,000.00." in description
    assert "annual value" not in description


def test_a_term_change_notice_release_carries_the_new_period(client_for, officer):
    contract = _contract()
    change = _change(contract, term_change_months=12)
    _publish(contract, change, TODAY)
    package = json.loads(
        client_for(officer).get(reverse("contracts:contract_export_as", args=["ocds_notices"])).content
    )
    _validate_package(package)
    (release,) = package["releases"]
    agreement = release["contracts"][0]
    assert agreement["period"]["endDate"].startswith("2031-05-31")
    assert agreement["value"]["amount"] == 6000000.00
    assert "amendsReleaseID" not in agreement["amendments"][-1]
    assert "Latest end from 2030-05-31 to 2031-05-31." in agreement["amendments"][-1]["description"]


def test_a_fee_uplift_whose_change_is_announced_cannot_be_reversed():
    # 20% from 1 Jun 2026, for the last 48 of 60 months: £800,000, 16% of the value.
    contract = _contract()
    uplift, _ = services.fee_uplift_apply(
        title="Care fee uplift 2026/27",
        basis="national_living_wage",
        percent=D("20"),
        effective_on=date(2026, 6, 1),
        contract_ids=[contract.pk],
    )
    change = ContractChange.objects.get(uplift=uplift)
    assert _change_rows(today=date(2026, 5, 1)) == [("ACT-CHG", date(2026, 5, 31), "due")]
    _publish(contract, change, date(2026, 5, 1))
    with pytest.raises(ValidationError, match="record another change to undo it"):
        services.fee_uplift_reverse(uplift=uplift, today=date(2026, 5, 2), reason="Budget not agreed.")
    uplift.refresh_from_db()
    assert uplift.reversed_on is None
    assert ContractChange.objects.filter(pk=change.pk).exists()
