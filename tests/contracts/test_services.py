from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contracts import services
from contracts.models import Contract, ContractFigures, ContractOption, FundingShare, SpendRecord
from contracts.querysets import year_values_on
from tests.conftest import TODAY, ContractFactory, OrganisationFactory, on

pytestmark = pytest.mark.django_db


def test_it_stores_dates_and_values_of_support_at_home():
    contract = ContractFactory(start_date=date(2024, 10, 1), term="5+2+2", annual_value=Decimal("2660000"))
    assert Contract.objects.get(pk=contract.pk).initial_end_date == date(2029, 9, 30)
    figures = on(contract)
    assert figures.current_end_date == date(2029, 9, 30)
    assert figures.final_end_date == date(2033, 9, 30)
    assert figures.next_option == 1
    assert figures.next_decision_deadline == date(2029, 3, 30)
    assert figures.committed_value == Decimal("13300000.00")
    assert figures.whole_life_value == Decimal("23940000.00")
    assert figures.status == "live"
    assert list(contract.options.values_list("order", "months", "status")) == [
        (1, 24, "available"),
        (2, 24, "available"),
    ]
    assert list(contract.funding_shares.values_list("organisation__name", "percent")) == [
        (contract.lead_commissioner.name, Decimal("100.00"))
    ]


def test_lowering_options_exercised_reopens_an_option_without_its_old_decision():
    contract = ContractFactory(start_date=date(2024, 10, 1), term="5+2+2", options_exercised=1)
    option = contract.options.get(order=1)
    assert option.decision_note == "Recorded as exercised when the contract was registered."
    assert option.decided_on is None
    # Registered as exercised with no decision date: it counts on every day, even before the start.
    assert on(contract, date(2020, 1, 1)).current_end_date == on(contract).current_end_date == date(2031, 9, 30)
    contract = services.contract_update(
        contract=contract,
        **_facts(contract),
        options_exercised=0,
    )
    option.refresh_from_db()
    assert (option.status, option.decided_by, option.decided_on, option.decision_note) == ("available", "", None, "")
    assert on(contract).current_end_date == date(2029, 9, 30)
    assert on(contract).options_exercised == 0


def _facts(contract):
    return {
        "title": contract.title,
        "service_area": contract.service_area,
        "lead_commissioner": contract.lead_commissioner,
        "providers": list(contract.providers.all()),
        "start_date": contract.start_date,
        "term": contract.term,
        "annual_value": contract.annual_value,
        "contract_type": contract.contract_type,
        "legislation": contract.legislation,
        "route": contract.route,
        "annual_uplift_percent": contract.annual_uplift_percent,
        "approved_value": contract.approved_value,
        "description": contract.description,
        "notes": contract.notes,
    }


def test_an_unchanged_update_writes_no_history():
    contract = ContractFactory()
    history = contract.history.count()
    option_history = ContractOption.history.count()
    services.contract_update(contract=contract, **_facts(contract))
    assert contract.history.count() == history
    assert ContractOption.history.count() == option_history


def test_funding_shares_with_more_than_two_decimals_are_refused():
    a, b, c = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    with pytest.raises(ValidationError) as error:
        ContractFactory(
            funding=[
                services.Share(a, Decimal("33.333")),
                services.Share(b, Decimal("33.333")),
                services.Share(c, Decimal("33.334")),
            ]
        )
    assert "at most two decimal places" in str(error.value)
    assert not Contract.objects.exists()
    assert not FundingShare.objects.exists()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("London Borough of Bromley", "council"),
        ("Nottingham City Council", "council"),
        ("South East London ICB", "icb"),
        ("NHS South East London Integrated Care Board", "icb"),
        ("Oxleas NHS Foundation Trust", "nhs_trust"),
        ("Hestia Housing and Support", "other"),
    ],
)
def test_new_organisations_get_a_kind_from_their_name(name, kind):
    assert services.organisation_get_or_create(name=name).kind == kind


def _year_values(contract, day=TODAY):
    return dict(year_values_on(day).filter(figures__contract=contract).values_list("financial_year", "amount"))


def test_year_values_are_stored_and_follow_the_options_from_the_decision_day():
    contract = ContractFactory(start_date=date(2024, 10, 1), term="5+2+2", annual_value=Decimal("2660000"))
    years = _year_values(contract)
    assert years[2024] == Decimal("1330000.00")
    assert years[2025] == Decimal("2660000.00")
    assert years[2033] == Decimal("1330000.00")
    assert sum(years.values()) == on(contract).whole_life_value == Decimal("23940000.00")

    services.option_decline(
        option=contract.options.get(order=1), decided_by="Chief Officer", decided_on=TODAY, today=TODAY
    )
    years = _year_values(contract)
    assert max(years) == 2029
    assert years[2029] == Decimal("1330000.00")
    assert sum(years.values()) == on(contract).whole_life_value == Decimal("13300000.00")
    # The day before the decline, the whole life still counted both options.
    day_before = _year_values(contract, TODAY - timedelta(days=1))
    assert max(day_before) == 2033
    assert sum(day_before.values()) == Decimal("23940000.00")


def test_spend_is_recorded_and_corrected():
    contract = ContractFactory()
    services.spend_record(contract=contract, financial_year=2024, amount=Decimal("100.50"))
    services.spend_record(contract=contract, financial_year=2025, amount=Decimal("200"), note="Q1-Q2")
    services.spend_record(contract=contract, financial_year=2025, amount=Decimal("250"), note="Full year")
    assert list(SpendRecord.objects.filter(contract=contract).values_list("financial_year", "amount", "note")) == [
        (2024, Decimal("100.50"), ""),
        (2025, Decimal("250.00"), "Full year"),
    ]


def test_spend_outside_the_sensible_years_is_refused():
    contract = ContractFactory()
    with pytest.raises(ValidationError) as error:
        services.spend_record(contract=contract, financial_year=1989, amount=Decimal("1"))
    assert "financial_year" in error.value.message_dict
    assert not SpendRecord.objects.exists()


def test_spend_of_many_years_is_recorded_at_once_with_its_history():
    first, second = ContractFactory(), ContractFactory()

    added = services.spend_record_many(
        records=[
            services.SpendInput(contract=first, financial_year=2023, amount=Decimal("10.00"), note="Outturn"),
            services.SpendInput(contract=first, financial_year=2024, amount=Decimal("20.00")),
            services.SpendInput(contract=second, financial_year=2024, amount=Decimal("30.00")),
        ]
    )

    assert added == 3
    assert sorted(SpendRecord.objects.values_list("contract_id", "financial_year", "amount", "note")) == [
        (first.pk, 2023, Decimal("10.00"), "Outturn"),
        (first.pk, 2024, Decimal("20.00"), ""),
        (second.pk, 2024, Decimal("30.00"), ""),
    ]
    assert SpendRecord.history.count() == 3


@pytest.mark.parametrize(
    ("year", "amount", "again"),
    [(1989, "1", False), (2024, "-1", False), (2024, "1", True)],
    ids=["year-out-of-range", "negative", "already-recorded"],
)
def test_spend_of_many_years_refuses_them_all_for_one_bad_year(year, amount, again):
    contract = ContractFactory()
    if again:
        services.spend_record(contract=contract, financial_year=2024, amount=Decimal("5"))
    before = list(SpendRecord.objects.values_list("financial_year", "amount"))

    with pytest.raises(ValidationError):
        services.spend_record_many(
            records=[
                services.SpendInput(contract=contract, financial_year=2023, amount=Decimal("1")),
                services.SpendInput(contract=contract, financial_year=year, amount=Decimal(amount)),
            ]
        )

    assert list(SpendRecord.objects.values_list("financial_year", "amount")) == before


# --- the daily check of the stored figures ---------------------------------------------


def _spans(contract):
    return list(
        ContractFigures.objects.filter(contract=contract)
        .order_by("valid_from")
        .values_list("valid_from", "valid_to", "current_end_date", "final_end_date", "whole_life_value")
    )


def test_the_figures_check_rewrites_nothing_when_they_are_current():
    contract = ContractFactory(start_date=date(2019, 10, 1), term="3+2")
    history = contract.history.count()
    option_history = ContractOption.history.count()
    ids = list(ContractFigures.objects.filter(contract=contract).values_list("pk", flat=True))

    assert services.contract_figures_refresh(contract=contract) is False

    assert list(ContractFigures.objects.filter(contract=contract).values_list("pk", flat=True)) == ids
    assert contract.history.count() == history
    assert ContractOption.history.count() == option_history


def test_the_figures_check_repairs_spans_that_differ_from_the_facts():
    contract = ContractFactory(start_date=date(2019, 10, 1), term="3+2", annual_value=Decimal("319000"))
    good = _spans(contract)
    # The option lapses on 1 Oct 2022: one span before, one after.
    assert good == [
        (date.min, date(2022, 9, 30), date(2022, 9, 30), date(2024, 9, 30), Decimal("1595000.00")),
        (date(2022, 10, 1), date.max, date(2022, 9, 30), date(2022, 9, 30), Decimal("957000.00")),
    ]
    ContractFigures.objects.filter(contract=contract, valid_from=date(2022, 10, 1)).update(
        final_end_date=date(2024, 9, 30), whole_life_value=Decimal("1")
    )

    assert services.contracts_figures_refresh() == 1

    assert _spans(contract) == good
    assert on(contract, date(2022, 10, 1)).whole_life_value == Decimal("957000.00")
    assert services.contracts_figures_refresh() == 0


def test_the_figures_check_follows_a_change_of_the_notice_period(settings):
    contract = ContractFactory(start_date=date(2024, 10, 1), term="5+2+2")
    assert on(contract).next_decision_deadline == date(2029, 3, 30)
    settings.OPTION_NOTICE_MONTHS = 9

    assert services.contract_figures_refresh(contract=contract) is True

    assert on(contract).next_decision_deadline == date(2028, 12, 30)


# --- option decisions: dated facts ----------------------------------------------------


def three_plus_one_plus_one():
    # docs/domain.md: 3+1+1 from 1 Oct 2023; with nothing decided option 1 lapses on 1 Oct 2026.
    return ContractFactory(start_date=date(2023, 10, 1), term="3+1+1", annual_value=Decimal("120000"))


def _decision(option):
    option.refresh_from_db()
    return (option.status, option.decided_by, option.decided_on, option.decision_note)


def test_an_exercise_dated_before_the_lapse_can_be_recorded_after_it():
    contract = three_plus_one_plus_one()
    assert on(contract).status == "expired"  # on 22 Nov 2026, option 1 has lapsed
    option = contract.options.get(order=1)

    services.option_exercise(
        option=option, decided_by="Chief Officer", decided_on=date(2026, 9, 15), note="Signed in time", today=TODAY
    )

    assert _decision(option) == ("exercised", "Chief Officer", date(2026, 9, 15), "Signed in time")
    assert contract.options.get(order=2).status == "available"
    day_before = on(contract, date(2026, 9, 14))
    assert (day_before.current_end_date, day_before.options_exercised, day_before.next_option) == (
        date(2026, 9, 30),
        0,
        1,
    )
    on_the_day = on(contract, date(2026, 9, 15))
    assert (on_the_day.current_end_date, on_the_day.options_exercised, on_the_day.next_option) == (
        date(2027, 9, 30),
        1,
        2,
    )
    today = on(contract)
    assert today.status == "live"
    assert today.current_end_date == date(2027, 9, 30)
    assert today.final_end_date == date(2028, 9, 30)
    assert today.next_decision_deadline == date(2027, 3, 30)
    assert today.committed_value == Decimal("480000.00")
    assert today.whole_life_value == Decimal("600000.00")


def test_an_exercise_dated_after_the_lapse_is_refused_naming_the_lapse_day():
    contract = three_plus_one_plus_one()
    option = contract.options.get(order=1)
    spans = _spans(contract)

    with pytest.raises(ValidationError) as error:
        services.option_exercise(option=option, decided_by="Chief Officer", decided_on=date(2026, 10, 1), today=TODAY)

    assert error.value.message_dict["decided_on"] == [
        "Option 1 lapsed on 1 Oct 2026, the day after the term it would extend ended, "
        "so it cannot be exercised on 1 Oct 2026."
    ]
    assert _decision(option) == ("available", "", None, "")
    assert _spans(contract) == spans
    assert on(contract).status == "expired"


def test_a_decline_dated_after_the_lapse_is_refused_too():
    contract = three_plus_one_plus_one()
    option = contract.options.get(order=1)

    with pytest.raises(ValidationError, match="Option 1 lapsed on 1 Oct 2026"):
        services.option_decline(option=option, decided_by="Chief Officer", decided_on=date(2026, 11, 1), today=TODAY)

    assert _decision(option) == ("available", "", None, "")


def test_a_decision_dated_in_the_future_is_refused():
    contract = ContractFactory(start_date=date(2024, 10, 1), term="5+2+2")
    option = contract.options.get(order=1)

    with pytest.raises(ValidationError) as error:
        services.option_exercise(
            option=option, decided_by="Chief Officer", decided_on=TODAY + timedelta(days=1), today=TODAY
        )

    assert error.value.message_dict == {"decided_on": ["The decision date cannot be in the future."]}
    assert _decision(option) == ("available", "", None, "")
    assert on(contract, date(2030, 1, 1)).options_exercised == 0


def test_a_decision_before_the_start_is_refused():
    contract = ContractFactory(start_date=date(2024, 10, 1), term="5+2+2")
    option = contract.options.get(order=1)

    with pytest.raises(ValidationError, match="before the contract starts"):
        services.option_exercise(option=option, decided_by="Chief Officer", decided_on=date(2024, 9, 30), today=TODAY)

    assert _decision(option) == ("available", "", None, "")


def test_an_option_already_decided_is_refused():
    contract = ContractFactory(start_date=date(2024, 10, 1), term="5+2+2")
    option = contract.options.get(order=1)
    services.option_exercise(option=option, decided_by="Chief Officer", decided_on=date(2026, 1, 5), today=TODAY)

    with pytest.raises(ValidationError, match="Option 1 was already exercised on 5 Jan 2026"):
        services.option_decline(option=option, decided_by="Director", decided_on=TODAY, today=TODAY)

    assert _decision(option) == ("exercised", "Chief Officer", date(2026, 1, 5), "")


def test_a_later_option_cannot_be_dated_before_the_earlier_one_was_decided():
    # 1+1+1 from 31 Mar 2026 (docs/domain.md): option 1 exercised on 20 Nov 2026.
    contract = ContractFactory(start_date=date(2026, 3, 31), term="1+1+1")
    first, second = contract.options.order_by("order")
    services.option_exercise(option=first, decided_by="Chief Officer", decided_on=date(2026, 11, 20), today=TODAY)
    assert on(contract, date(2026, 11, 19)).current_end_date == date(2027, 3, 30)
    assert on(contract, date(2026, 11, 20)).current_end_date == date(2028, 3, 30)

    with pytest.raises(ValidationError, match="option 1 must be decided first"):
        services.option_exercise(option=second, decided_by="Chief Officer", decided_on=date(2026, 11, 19), today=TODAY)
    assert _decision(second) == ("available", "", None, "")

    services.option_exercise(option=second, decided_by="Chief Officer", decided_on=date(2026, 11, 21), today=TODAY)
    assert _decision(second) == ("exercised", "Chief Officer", date(2026, 11, 21), "")
    assert on(contract).current_end_date == on(contract).final_end_date == date(2029, 3, 30)
    assert on(contract).status == "final_term"


def test_declining_stores_only_that_decision_and_the_rule_closes_the_later_options():
    contract = ContractFactory(start_date=date(2024, 10, 1), term="5+2+2", annual_value=Decimal("2660000"))
    first = contract.options.get(order=1)

    services.option_decline(option=first, decided_by="Chief Officer", decided_on=date(2026, 6, 1), today=TODAY)

    assert list(contract.options.values_list("order", "status", "decided_on")) == [
        (1, "declined", date(2026, 6, 1)),
        (2, "available", None),
    ]
    before = on(contract, date(2026, 5, 31))
    after = on(contract)
    assert (before.final_end_date, before.whole_life_value, before.next_option) == (
        date(2033, 9, 30),
        Decimal("23940000.00"),
        1,
    )
    assert (after.final_end_date, after.whole_life_value, after.next_option, after.next_decision_deadline) == (
        date(2029, 9, 30),
        Decimal("13300000.00"),
        None,
        None,
    )
    assert after.status == "final_term"
    schedule = services.contract_schedule(contract, list(contract.options.order_by("order")), today=TODAY)
    assert [str(status) for status in schedule.option_statuses] == ["declined", "declined"]
    with pytest.raises(ValidationError, match="No option on this contract is open"):
        services.option_exercise(
            option=contract.options.get(order=2), decided_by="Chief Officer", decided_on=TODAY, today=TODAY
        )


def test_a_decision_on_the_last_day_of_the_term_it_extends_is_accepted():
    contract = three_plus_one_plus_one()
    option = contract.options.get(order=1)

    services.option_exercise(option=option, decided_by="Chief Officer", decided_on=date(2026, 9, 30), today=TODAY)

    assert _decision(option) == ("exercised", "Chief Officer", date(2026, 9, 30), "")
    assert on(contract, date(2026, 10, 1)).status == "live"
    assert on(contract, date(2026, 10, 1)).current_end_date == date(2027, 9, 30)


# --- edits that would contradict the dated decisions -----------------------------------------


def _stored(contract):
    return list(contract.options.values_list("order", "status", "decided_on")), _spans(contract)


def test_marking_a_later_option_exercised_before_a_dated_earlier_one_is_refused_cleanly():
    contract = ContractFactory(start_date=date(2024, 10, 1), term="5+2+2")
    services.option_exercise(
        option=contract.options.get(order=1), decided_by="Chief Officer", decided_on=date(2026, 11, 20), today=TODAY
    )
    before = _stored(contract)

    with pytest.raises(ValidationError):
        services.contract_update(contract=contract, **_facts(contract), options_exercised=2)

    assert _stored(contract) == before


def test_a_term_change_that_puts_a_decision_after_its_lapse_is_refused():
    contract = three_plus_one_plus_one()
    services.option_exercise(
        option=contract.options.get(order=1), decided_by="Chief Officer", decided_on=date(2026, 9, 15), today=TODAY
    )
    before = _stored(contract)

    with pytest.raises(ValidationError) as error:
        services.contract_update(contract=contract, **{**_facts(contract), "term": "2+1+1"})

    assert "term" in error.value.message_dict
    assert _stored(contract) == before


def test_moving_the_start_after_a_recorded_decision_is_refused():
    contract = three_plus_one_plus_one()
    services.option_exercise(
        option=contract.options.get(order=1), decided_by="Chief Officer", decided_on=date(2024, 1, 15), today=TODAY
    )
    before = _stored(contract)

    with pytest.raises(ValidationError):
        services.contract_update(contract=contract, **{**_facts(contract), "start_date": date(2024, 6, 1)})

    assert _stored(contract) == before
    assert Contract.objects.get(pk=contract.pk).start_date == date(2023, 10, 1)
