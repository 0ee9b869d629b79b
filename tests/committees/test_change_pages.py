"""The contract page's changes and the pages that record and withdraw a change
(issue 12, part 2): the figures each change brings from its effective date and
never before, the decision that authorised it, the refusal of a change beyond
its ground's limits unless a reason is given, and page size."""

from datetime import date
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissioning.overview.dashboard import value_by_year
from committees import services as committee_services
from committees.models import ContractLink
from contracts import services as contract_services
from contracts.models import Contract, ContractChange
from contracts.selectors import contract_changes, contract_queryset_for_detail
from tests.committees.factories import OfficerDecisionFactory
from tests.conftest import TODAY, ContractFactory, ProviderFactory
from tests.test_odd_input import _text

pytestmark = pytest.mark.django_db

D = Decimal


def _support_at_home(**overrides) -> Contract:
    """Support@home: £2.66m a year, 5+2+2 from 1 Oct 2024 (seed 000), under the Act, light touch."""
    values = dict(
        reference="LBB-SAH-2024",
        title="Support at home",
        start_date=date(2024, 10, 1),
        term="5+2+2",
        annual_value=D("2660000.00"),
        legislation=Contract.Legislation.PA_2023,
        route=Contract.Route.LIGHT_TOUCH,
    )
    values.update(overrides)
    return ContractFactory(**values)


def _decision():
    return OfficerDecisionFactory(decided_on=date(2026, 11, 2), text="Agreed the price review and the longer term.")


def _worked_example():
    contract = _support_at_home()
    decision = _decision()
    value = committee_services.contract_change_authorise(
        contract=contract,
        authority=decision,
        today=TODAY,
        effective_on=date(2027, 4, 1),
        ground="pa_provided_for",
        description="Price review under clause 12.",
        annual_value_change=D("133000.00"),
    )
    term = committee_services.contract_change_authorise(
        contract=contract,
        authority=decision,
        today=TODAY,
        effective_on=date(2028, 4, 1),
        ground="pa_provided_for",
        description="Six months more while the service is re-let.",
        term_change_months=6,
    )
    return contract, decision, value, term


def _page(client, contract, day: date | None = None) -> str:
    url = contract.get_absolute_url() + (f"?as_of={day.isoformat()}" if day else "")
    return _text(client.get(url))


# --- the contract page --------------------------------------------------------------------------


def test_the_section_shows_each_change_and_the_cumulative_change_from_its_day(client_for, manager):
    contract, decision, value, term = _worked_example()
    page = _page(client_for(manager), contract, date(2028, 4, 1))
    assert "Original value (as entered into, every option) £23,940,000.00" in page
    assert "Original maximum term 108 months" in page
    # £133,000 a year from 1 Apr 2027 adds £864,500; six months more at £2,793,000 a year add £1,396,500.
    assert "1 Apr 2027 Annual value +£133,000.00 a year Price review under clause 12. +£864,500.00" in page
    assert "1 Apr 2028 Term +6 months Six months more while the service is re-let. +£1,396,500.00" in page
    assert (
        "Changes in effect on 1 Apr 2028 +£2,261,000.00 (+9.4% of the original value); "
        "+6 months (+5.6% of the original term) 2 changes in effect." in page
    )
    assert "Maximum value with the changes £26,201,000.00" in page
    assert "Maximum term with the changes 114 months" in page
    assert f"Authorised by officer decision {decision.reference} of 2 Nov 2026" in page
    assert "Annual value £2,793,000.00 with the changes in effect; £2,660,000.00 as entered into" in page
    assert "Whole-life value (projected) £26,201,000.00" in page
    assert "Change the contract: the change from 1 Apr 2027" in page
    assert "Takes effect on" not in page


def test_as_of_a_day_before_a_change_it_counts_for_nothing(client_for, manager):
    contract, *_ = _worked_example()
    client = client_for(manager)
    before = _page(client, contract, date(2027, 3, 31))
    assert "Changes in effect on 31 Mar 2027 None (2 to come, not counted yet)" in before
    assert "Maximum value with the changes £23,940,000.00" in before
    assert "Takes effect on 1 Apr 2027" in before and "Takes effect on 1 Apr 2028" in before
    assert "Annual value £2,660,000.00 Initial term value" in before
    assert "Whole-life value (projected) £23,940,000.00" in before
    between = _page(client, contract, date(2028, 3, 31))
    assert "Changes in effect on 31 Mar 2028 +£864,500.00 (+3.6% of the original value); the term unchanged" in between
    assert "1 change in effect; 1 to come, not counted yet." in between
    assert "Whole-life value (projected) £24,804,500.00" in between


def test_the_selector_gives_the_figures_and_options_exercised_as_changes_provided_for():
    contract = ContractFactory(
        start_date=date(2021, 4, 1), term="3+1+1", annual_value=D("100000.00"), options_exercised=1
    )
    changes = contract_changes(contract=contract_queryset_for_detail().get(pk=contract.pk), today=TODAY)
    (row,) = changes.rows
    assert row.is_option and row.option.order == 1
    assert (row.effective_on, row.term_change_months, row.value_effect) == (date(2024, 4, 1), 12, D("100000.00"))
    assert row.ground_label == "Review clause or option in the contract (PCR 2015 reg 72(1)(a))"
    # Options are in the original maximum value and term: exercising one is no change against them.
    assert changes.summary.original_value == D("500000.00")
    assert changes.summary.original_term_months == 60
    assert (changes.summary.value_change, changes.summary.term_change_months) == (D("0.00"), 0)


def test_a_change_of_scope_or_supplier_shows_what_changed_with_no_money(client_for, manager):
    contract = _support_at_home()
    supplier = ProviderFactory(name="Bromley Care Partnership")
    committee_services.contract_change_authorise(
        contract=contract,
        authority=_decision(),
        today=TODAY,
        effective_on=date(2026, 6, 1),
        ground="pa_restructuring",
        description="The provider's business passed to its parent company.",
        new_supplier=supplier,
        scope_change="Night visits added.",
    )
    page = _page(client_for(manager), contract)
    assert "Scope: Night visits added. New supplier: Bromley Care Partnership" in page
    assert "Corporate restructuring (Procurement Act 2023, Sch 8)" in page
    assert "Changes in effect on 22 Nov 2026 £0.00 (0% of the original value); the term unchanged 1 change in" in page


def test_the_officer_sees_record_and_withdraw_and_others_do_not(client_for, officer, manager):
    contract, _, value, _ = _worked_example()
    record = reverse("committees:change_create", args=[contract.pk])
    withdraw = reverse("committees:change_withdraw", args=[value.pk])
    officer_page = client_for(officer).get(contract.get_absolute_url()).content.decode()
    assert record in officer_page and withdraw in officer_page
    manager_page = client_for(manager).get(contract.get_absolute_url()).content.decode()
    assert record not in manager_page and withdraw not in manager_page
    # Not on a page for another day: changes are recorded as of today.
    assert record not in client_for(officer).get(contract.get_absolute_url() + "?as_of=2027-01-01").content.decode()


# --- recording and withdrawing -------------------------------------------------------------------


def _form(decision, **values) -> dict:
    data = {
        "effective_on": "2027-04-01",
        "annual_value_change": "133000.00",
        "one_off_value_change": "",
        "term_change_months": "",
        "scope_change": "",
        "new_supplier": "",
        "ground": "pa_provided_for",
        "description": "Price review under clause 12.",
        "authority": decision.reference,
        "override_reason": "",
    }
    data.update(values)
    return data


def test_recording_a_change_saves_it_with_its_decision(client_for, officer):
    contract = _support_at_home()
    decision = _decision()
    supplier = ProviderFactory(name="Bromley Care Partnership")
    response = client_for(officer).post(
        reverse("committees:change_create", args=[contract.pk]),
        _form(decision, term_change_months="-3", new_supplier=supplier.name, scope_change=" Night visits. "),
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == contract.get_absolute_url() + "#changes"
    change = ContractChange.objects.get()
    assert (change.contract, change.effective_on, change.annual_value_change, change.term_change_months) == (
        contract,
        date(2027, 4, 1),
        D("133000.00"),
        -3,
    )
    assert (change.new_supplier, change.scope_change, change.ground) == (supplier, "Night visits.", "pa_provided_for")
    link = ContractLink.objects.get(change=change)
    assert (link.contract, link.officer_decision, link.effect) == (contract, decision, "change_contract")


def test_recording_a_one_off_change_saves_it_and_the_page_counts_it_once_on_its_day(client_for, officer, manager):
    contract = _support_at_home()
    decision = _decision()
    url = reverse("committees:change_create", args=[contract.pk])
    form_page = _text(client_for(officer).get(url))
    assert "Change to the annual value (£ a year)" in form_page and "One-off amount (£)" in form_page
    response = client_for(officer).post(
        url,
        _form(
            decision,
            effective_on="2027-01-01",
            annual_value_change="",
            one_off_value_change="40000.00",
            ground="pa_non_substantial",
            description="Extra hours for the winter pressure.",
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    change = ContractChange.objects.get()
    assert (
        change.contract,
        change.effective_on,
        change.annual_value_change,
        change.one_off_value_change,
        change.term_change_months,
        change.ground,
    ) == (contract, date(2027, 1, 1), D("0.00"), D("40000.00"), 0, "pa_non_substantial")
    assert ContractLink.objects.get(change=change).officer_decision == decision
    client = client_for(manager)
    after = _page(client, contract, date(2027, 1, 1))
    assert "1 Jan 2027 £40,000.00 once, on 1 Jan 2027 Extra hours for the winter pressure. +£40,000.00" in after
    assert "Changes in effect on 1 Jan 2027 +£40,000.00 (+0.2% of the original value); the term unchanged" in after
    assert "Whole-life value (projected) £23,980,000.00" in after
    assert "Annual value £2,660,000.00" in after and "with the changes in effect" not in after
    before = _page(client, contract, date(2026, 12, 31))
    assert "Takes effect on 1 Jan 2027" in before
    assert "Whole-life value (projected) £23,940,000.00" in before


def test_a_one_off_credit_shows_as_a_reduction(client_for, officer):
    contract = _support_at_home()
    response = client_for(officer).post(
        reverse("committees:change_create", args=[contract.pk]),
        _form(
            _decision(),
            effective_on="2027-01-01",
            annual_value_change="",
            one_off_value_change="-12500.00",
            description="A credit for visits missed.",
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    assert ContractChange.objects.get().one_off_value_change == D("-12500.00")
    page = _page(client_for(officer), contract, date(2027, 1, 1))
    assert "-£12,500.00 once, on 1 Jan 2027 A credit for visits missed. -£12,500.00" in page
    assert "Whole-life value (projected) £23,927,500.00" in page


@pytest.mark.parametrize(
    "values, message",
    [
        (
            {"annual_value_change": "", "one_off_value_change": ""},
            "Say what changed: the annual value, a one-off amount, the term, the scope or the supplier.",
        ),
        (
            {"annual_value_change": "0", "one_off_value_change": "0.00"},
            "Say what changed: the annual value, a one-off amount, the term, the scope or the supplier.",
        ),
        (
            {"annual_value_change": "", "one_off_value_change": "40000.00", "effective_on": "2029-10-01"},
            "The contract ends on 30 Sep 2029: a one-off amount is counted on the day it takes effect, "
            "so that day must be within the term.",
        ),
        ({"one_off_value_change": "40000.001"}, "Ensure that there are no more than 2 decimal places."),
    ],
)
def test_a_value_change_needs_an_amount_a_year_or_a_one_off_amount(client_for, officer, values, message):
    contract = _support_at_home()
    response = client_for(officer).post(
        reverse("committees:change_create", args=[contract.pk]), _form(_decision(), **values)
    )
    page = _text(response)
    assert "The change was not recorded." in page
    assert message in page
    assert not ContractChange.objects.exists() and not ContractLink.objects.exists()


def test_the_ground_is_one_of_the_contracts_law(client_for, officer):
    contract = _support_at_home()
    client = client_for(officer)
    url = reverse("committees:change_create", args=[contract.pk])
    page = client.get(url).content.decode()
    assert 'value="pa_urgency"' in page and 'value="pcr_72_1_a"' not in page and 'value="psr_13_a"' not in page
    response = client.post(url, _form(_decision(), ground="pcr_72_1_a"))
    assert "Select a valid choice" in _text(response)
    assert not ContractChange.objects.exists()


def test_a_change_beyond_its_grounds_limits_is_refused_until_a_reason_is_given(client_for, officer):
    contract = _support_at_home()
    decision = _decision()
    client = client_for(officer)
    url = reverse("committees:change_create", args=[contract.pk])
    assert "Why the change stands" not in _text(client.get(url))
    data = _form(decision, ground="pa_urgency", annual_value_change="2000000.00")
    refused = client.post(url, data)
    page = _text(refused)
    assert "This change goes beyond what its ground allows" in page
    assert (
        "Urgency (Procurement Act 2023, Sch 8) allows each change at most 50% of the value before it "
        "(£11,970,000.00); this change is £13,000,000.00." in page
    )
    assert "Why the change stands beyond its ground's limits" in page
    # What was typed is kept.
    html = refused.content.decode()
    assert 'value="2000000.00"' in html and f'value="{decision.reference}"' in html
    assert not ContractChange.objects.exists() and not ContractLink.objects.exists()

    saved = client.post(url, {**data, "override_reason": "Legal advice of 3 Mar 2027."})
    assert saved.status_code == HTTPStatus.FOUND
    change = ContractChange.objects.get()
    assert (change.ground, change.override_reason) == ("pa_urgency", "Legal advice of 3 Mar 2027.")
    page = _page(client, contract, date(2027, 4, 1))
    assert "Beyond the ground's limits; stands because: Legal advice of 3 Mar 2027." in page


def test_a_change_needs_its_authorising_decision(client_for, officer):
    contract = _support_at_home()
    response = client_for(officer).post(
        reverse("committees:change_create", args=[contract.pk]), _form(_decision(), authority="")
    )
    assert "This field is required" in _text(response)
    assert not ContractChange.objects.exists()


def test_withdrawing_a_change_before_it_takes_effect_removes_it_and_its_link(client_for, officer):
    contract, _, value, term = _worked_example()
    response = client_for(officer).post(reverse("committees:change_withdraw", args=[value.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert list(ContractChange.objects.all()) == [term]
    assert list(ContractLink.objects.values_list("change", flat=True)) == [term.pk]


def test_a_change_in_effect_cannot_be_withdrawn(client_for, officer):
    contract = _support_at_home()
    change = committee_services.contract_change_authorise(
        contract=contract,
        authority=_decision(),
        today=TODAY,
        effective_on=date(2026, 4, 1),
        ground="pa_provided_for",
        description="Price review.",
        annual_value_change=D("1000.00"),
    )
    client = client_for(officer)
    assert reverse("committees:change_withdraw", args=[change.pk]) not in _text(client.get(contract.get_absolute_url()))
    response = client.post(reverse("committees:change_withdraw", args=[change.pk]), follow=True)
    assert "This change took effect on 1 Apr 2026: record another change to undo it." in _text(response)
    assert ContractChange.objects.filter(pk=change.pk).exists()
    assert ContractLink.objects.filter(change=change).exists()


# --- what else follows a change ------------------------------------------------------------------------


def test_the_dashboard_year_values_follow_a_change_from_its_day_and_not_before():
    _worked_example()
    before = dict(value_by_year(today=date(2027, 3, 31)))
    after = dict(value_by_year(today=date(2027, 4, 1)))
    assert before["2027/28"] == D("2660000.00")
    assert after["2027/28"] == D("2793000.00")
    assert before["2028/29"] == D("2660000.00")
    assert after["2028/29"] == D("2793000.00")


# --- page size -------------------------------------------------------------------------------------


def _with_changes(count: int) -> Contract:
    contract = _support_at_home(reference=f"LBB-SAH-{count}")
    decision = _decision()
    supplier = ProviderFactory()
    for n in range(count):
        committee_services.contract_change_authorise(
            contract=contract,
            authority=decision,
            today=TODAY,
            effective_on=date(2025 + n // 12, n % 12 + 1, 1),
            ground="pa_provided_for",
            description=f"Change {n}.",
            annual_value_change=D("1000.00"),
            term_change_months=1 if n % 5 == 0 else 0,
            new_supplier=supplier if n % 7 == 0 else None,
        )
    return contract


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(queries)


def test_the_contract_page_does_not_grow_with_its_changes(client_for, officer):
    client = client_for(officer)
    few, many = _with_changes(2), _with_changes(20)
    assert ContractChange.objects.filter(contract=many).count() == 20
    for page in ("contracts:contract_detail", "committees:change_create"):
        assert _queries(client, reverse(page, args=[few.pk])) == _queries(client, reverse(page, args=[many.pk]))


def test_an_incomplete_contract_shows_its_changes_without_figures(client_for, officer):
    contract = _support_at_home(reference="LBB-NO-VALUE", annual_value=None)
    contract_services.contract_change_record(
        contract=contract,
        effective_on=date(2026, 6, 1),
        ground="pa_non_substantial",
        description="Night visits added.",
        scope_change="Night visits.",
    )
    page = _page(client_for(officer), contract)
    assert "Scope: Night visits." in page
    assert "Original value (as entered into, every option) —" in page
