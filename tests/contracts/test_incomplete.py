"""Contracts a council's register holds with exact end dates, and with an unknown
start, end or value: the services, what the database holds, and the pages."""

import csv
import io
from datetime import date
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts import services
from contracts.models import Contract, ContractFigures, ContractOption, ContractYearValue
from contracts.querysets import with_figures
from contracts.selectors import contract_list, contracts_to_complete
from tests.conftest import TODAY, ContractFactory, on

pytestmark = pytest.mark.django_db


def dated(**overrides) -> Contract:
    """1 Apr 2020 to 15 Aug 2023, then an option to 31 Mar 2025, at £120,000 a year."""
    values = dict(
        reference="DATED-1",
        start_date=date(2020, 4, 1),
        term="",
        end_date=date(2023, 8, 15),
        option_end_dates=[date(2025, 3, 31)],
        annual_value=Decimal("120000"),
        legislation=Contract.Legislation.PCR_2015,
    )
    return ContractFactory(**{**values, **overrides})


def incomplete(**overrides) -> Contract:
    values = dict(reference="INC-1", start_date=None, term="", annual_value=None, legislation="pa_2023")
    return ContractFactory(**{**values, **overrides})


def _update(contract: Contract, **changes) -> Contract:
    facts = dict(
        contract=contract,
        title=contract.title,
        service_area=contract.service_area,
        lead_commissioner=contract.lead_commissioner,
        providers=list(contract.providers.all()),
        start_date=contract.start_date,
        term=contract.term,
        annual_value=contract.annual_value,
        contract_type=contract.contract_type,
        legislation=contract.legislation,
        route=contract.route,
        annual_uplift_percent=contract.annual_uplift_percent,
        approved_value=contract.approved_value,
        description=contract.description,
        notes=contract.notes,
    )
    return services.contract_update(**{**facts, **changes})


def _spans(contract: Contract) -> list[tuple]:
    return list(
        ContractFigures.objects.filter(contract=contract)
        .order_by("valid_from")
        .values_list("valid_from", "valid_to", "current_end_date", "final_end_date", "whole_life_value")
    )


# Exact end dates


def test_it_stores_a_contract_ending_on_given_days():
    contract = dated()
    stored = Contract.objects.get(pk=contract.pk)
    assert (stored.term, stored.end_date, stored.initial_end_date) == ("", date(2023, 8, 15), date(2023, 8, 15))
    assert list(stored.options.values_list("order", "months", "end_date")) == [(1, None, date(2025, 3, 31))]
    figures = on(contract, date(2023, 1, 1))
    assert figures.current_end_date == date(2023, 8, 15)
    assert figures.final_end_date == date(2025, 3, 31)
    assert figures.next_decision_deadline == date(2023, 2, 15)
    assert figures.committed_value == Decimal("404838.71")
    assert figures.whole_life_value == Decimal("600000.00")
    years = ContractYearValue.objects.filter(figures__contract=contract, figures__valid_from=date.min)
    assert sorted(years.values_list("financial_year", "amount")) == [
        (year, Decimal("120000.00")) for year in range(2020, 2025)
    ]


def test_an_end_date_wins_over_the_terms_first_part():
    contract = ContractFactory(start_date=date(2024, 10, 1), term="5+2+2", end_date=date(2029, 12, 31))
    assert Contract.objects.get(pk=contract.pk).initial_end_date == date(2029, 12, 31)
    # The options keep their months from the term and start the day after.
    figures = on(contract, TODAY)
    assert figures.current_end_date == date(2029, 12, 31)
    assert figures.final_end_date == date(2033, 12, 31)


def test_the_review_date_directorate_and_classification_are_kept():
    contract = dated(
        review_date=date(2022, 4, 1), directorate="  Adult Social Care ", procurement_classification="Care"
    )
    stored = Contract.objects.get(pk=contract.pk)
    assert (stored.review_date, stored.directorate, stored.procurement_classification) == (
        date(2022, 4, 1),
        "Adult Social Care",
        "Care",
    )


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"end_date": date(2020, 3, 31)}, "end_date", "cannot end on 31 Mar 2020, before the contract starts"),
        (
            {"option_end_dates": [date(2023, 8, 15)]},
            "option_end_dates",
            "Option 1 ends on 15 Aug 2023, not after the period before it",
        ),
        (
            {"option_end_dates": [date(2025, 3, 31), date(2024, 3, 31)]},
            "option_end_dates",
            "Option 2 ends on 31 Mar 2024, not after option 1",
        ),
        ({"term": "3+2"}, "option_end_dates", "by the term or by their end dates, not both"),
    ],
)
def test_contradictory_dates_are_refused_and_nothing_is_saved(overrides, field, message):
    with pytest.raises(ValidationError) as error:
        dated(**overrides)
    assert message in " ".join(error.value.message_dict[field])
    assert not Contract.objects.exists()
    assert not ContractOption.objects.exists()


def test_an_edit_that_omits_the_later_facts_keeps_them():
    contract = dated(review_date=date(2022, 4, 1), directorate="Adults")
    _update(contract, title="Renamed")
    stored = Contract.objects.get(pk=contract.pk)
    assert (stored.title, stored.end_date, stored.review_date, stored.directorate) == (
        "Renamed",
        date(2023, 8, 15),
        date(2022, 4, 1),
        "Adults",
    )
    assert list(stored.options.values_list("months", "end_date")) == [(None, date(2025, 3, 31))]


def test_an_edit_can_move_an_option_end_date_and_the_figures_follow():
    contract = dated()
    _update(contract, option_end_dates=[date(2026, 3, 31)])
    assert list(contract.options.values_list("end_date", flat=True)) == [date(2026, 3, 31)]
    assert on(contract, date(2023, 1, 1)).final_end_date == date(2026, 3, 31)
    assert on(contract, date(2023, 1, 1)).whole_life_value == Decimal("720000.00")


# Incomplete contracts


def test_a_contract_with_no_dates_is_saved_with_no_figures():
    contract = incomplete(approved_value=Decimal("10"))
    stored = Contract.objects.get(pk=contract.pk)
    assert (stored.start_date, stored.term, stored.end_date, stored.annual_value) == (None, "", None, None)
    assert stored.initial_end_date is None
    assert not ContractFigures.objects.filter(contract=contract).exists()
    assert services.missing_of(stored) == ("start date", "end date", "value")
    # Still in the register's list, with no figures and no status; in no list that needs a figure.
    row = with_figures(Contract.objects.filter(pk=contract.pk), today=TODAY).get()
    assert (row.status, row.current_end_date, row.whole_life_value, row.option_late, row.spend_over) == (
        None,
        None,
        None,
        False,
        False,
    )
    everything, _ = contract_list(filters={}, today=TODAY)
    assert list(everything) == [contract]
    for filters in ({"status": "live"}, {"ends_within": "600"}, {"flag": "over_approved"}, {"value_min": "0"}):
        rows, _ = contract_list(filters=filters, today=TODAY)
        assert not rows.exists(), filters


def test_a_contract_with_no_value_has_date_figures_and_no_money_figures():
    contract = dated(reference="NOVAL", annual_value=None, approved_value=Decimal("1"))
    services.spend_record(contract=contract, financial_year=2021, amount=Decimal("900"))
    assert _spans(contract) == [
        (date.min, date(2023, 8, 15), date(2023, 8, 15), date(2025, 3, 31), None),
        (date(2023, 8, 16), date.max, date(2023, 8, 15), date(2023, 8, 15), None),
    ]
    assert not ContractYearValue.objects.filter(figures__contract=contract).exists()
    row = on(contract, date(2022, 1, 1))
    assert (row.status, row.whole_life_value, row.spend_over) == ("live", None, False)
    rows, _ = contract_list(filters={"ends_within": "24"}, today=date(2022, 1, 1))
    assert list(rows) == [contract]
    for flag in ("over_approved", "spend_over"):
        rows, _ = contract_list(filters={"flag": flag}, today=date(2022, 1, 1))
        assert not rows.exists(), flag


def test_an_option_of_a_contract_with_no_dates_cannot_be_decided():
    contract = incomplete(term="", option_end_dates=[date(2026, 3, 31)])
    option = contract.options.get()
    with pytest.raises(ValidationError, match="Record the contract's start date and end date before deciding"):
        services.option_exercise(option=option, decided_by="Chief Officer", decided_on=TODAY, today=TODAY)
    assert ContractOption.objects.get(pk=option.pk).status == "available"


def test_an_incomplete_contract_is_completed_by_an_edit():
    contract = incomplete(start_date=date(2024, 10, 1))
    assert list(contracts_to_complete()) == [contract]
    _update(contract, term="3+1", annual_value=Decimal("120000"))
    stored = Contract.objects.get(pk=contract.pk)
    assert stored.initial_end_date == date(2027, 9, 30)
    assert services.missing_of(stored) == ()
    assert not contracts_to_complete().exists()
    assert on(stored, TODAY).whole_life_value == Decimal("480000.00")
    # And back: clearing the value leaves the dates and takes the money out.
    _update(stored, annual_value=None)
    assert list(contracts_to_complete()) == [stored]
    assert on(stored, TODAY).whole_life_value is None
    assert on(stored, TODAY).current_end_date == date(2027, 9, 30)


def _every_combination():
    start = date(2024, 10, 1)
    combinations = []
    for has_start in (True, False):
        for end in ("term", "end_date", "both", "neither"):
            for has_value in (True, False):
                combinations.append(
                    dict(
                        start_date=start if has_start else None,
                        term="3" if end in ("term", "both") else "",
                        end_date=date(2026, 3, 31) if end in ("end_date", "both") else None,
                        annual_value=Decimal("1000") if has_value else None,
                    )
                )
    return combinations


def test_the_to_complete_rows_are_the_contracts_missing_facts_says_are_incomplete():
    # The SQL of the list and the one pure rule agree on every combination of known facts.
    for n, facts in enumerate(_every_combination()):
        ContractFactory(reference=f"C-{n:02d}", legislation="pa_2023", **facts)
    incomplete_by_rule = {c.reference for c in Contract.objects.all() if services.missing_of(c)}
    assert {c.reference for c in contracts_to_complete()} == incomplete_by_rule
    # Complete only with a start, a value and a way to end (a term, an end date or both): 3 of 16.
    assert len(incomplete_by_rule) == 13


# Pages


def test_the_contract_page_lists_what_is_missing_with_a_link_to_edit(client_for, officer):
    contract = incomplete(start_date=date(2024, 10, 1), annual_value=Decimal("1000"))
    response = client_for(officer).get(contract.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert 'id="incomplete"' in page
    assert 'data-missing="end date"' in page
    assert 'data-missing="start date"' not in page
    assert reverse("contracts:contract_update", args=[contract.pk]) in page
    assert response.context["detail"].missing == ("end date",)


def test_the_contract_page_shows_exact_ends_and_the_new_facts(client_for, officer):
    contract = dated(review_date=date(2022, 4, 1), directorate="Adults", procurement_classification="Care")
    response = client_for(officer).get(contract.get_absolute_url() + "?as_of=2023-01-01")
    page = response.content.decode()
    assert 'id="incomplete"' not in page
    assert "15 Aug 2023" in page and "as the contract gives it" in page
    assert "19 months and 16 days" in page
    assert "1 Apr 2022" in page and "Adults" in page and "Care" in page
    assert "£195,161.29" in page


def test_the_to_complete_page_lists_each_incomplete_contract_with_what_it_lacks(
    client_for, officer, django_assert_max_num_queries
):
    dated(reference="COMPLETE")
    incomplete(reference="INC-A")
    incomplete(reference="INC-B", start_date=date(2024, 10, 1), term="2")
    client = client_for(officer)
    with django_assert_max_num_queries(12) as few:
        response = client.get(reverse("contracts:to_complete"))
    assert response.status_code == HTTPStatus.OK
    rows = [(row.contract.reference, row.missing) for row in response.context["rows"]]
    assert rows == [("INC-A", ("start date", "end date", "value")), ("INC-B", ("value",))]
    for n in range(10):
        incomplete(reference=f"INC-C{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("contracts:to_complete"))
    assert response.context["page"].paginator.count == 12
    # The register's list links to it.
    assert reverse("contracts:to_complete") in client.get(reverse("contracts:contract_list")).content.decode()


def test_the_to_complete_page_needs_the_right_to_see_contracts(client, client_for, nobody):
    url = reverse("contracts:to_complete")
    assert client.get(url).status_code == HTTPStatus.FOUND
    assert client_for(nobody).get(url).status_code == HTTPStatus.FORBIDDEN


def test_lists_dashboard_and_exports_show_an_incomplete_contract_without_failing(client_for, manager):
    incomplete(reference="INC-A")
    dated(
        reference="NOVAL",
        annual_value=None,
        start_date=date(2024, 4, 1),
        end_date=date(2026, 3, 31),
        option_end_dates=[date(2027, 3, 31)],
    )
    client = client_for(manager)
    listing = client.get(reverse("contracts:contract_list"))
    assert listing.status_code == HTTPStatus.OK
    assert 'data-status="incomplete"' in listing.content.decode()
    board = client.get(reverse("home"))
    assert board.status_code == HTTPStatus.OK
    assert board.context["board"].lists["incomplete"].count == 2
    for key in ("expiries", "decisions_due", "over_approved", "spend_over"):
        assert client.get(reverse("dashboard_export", args=[key, "csv"])).status_code == HTTPStatus.OK
    # Every download of the register keeps them, with blanks for what is not known.
    register_csv = client.get(reverse("contracts:contract_export"), {"as_of": "2025-06-30"}).content.decode("utf-8-sig")
    rows = {row["reference"]: row for row in csv.DictReader(io.StringIO(register_csv))}
    assert rows["INC-A"]["start_date"] == "" and rows["INC-A"]["whole_life_value"] == ""
    assert rows["NOVAL"]["end_date"] == "2026-03-31" and rows["NOVAL"]["final_end_date"] == "2027-03-31"
    assert rows["NOVAL"]["whole_life_value"] == ""
    for fmt in ("xlsx", "ocds", "transparency"):
        response = client.get(reverse("contracts:contract_export_as", args=[fmt]), {"as_of": "2025-06-30"})
        assert response.status_code == HTTPStatus.OK, fmt
    for url in (
        reverse("contracts:contract_detail", args=[Contract.objects.get(reference="INC-A").pk]),
        reverse("contracts:contract_detail", args=[Contract.objects.get(reference="NOVAL").pk]),
    ):
        assert client.get(url).status_code == HTTPStatus.OK


def test_an_incomplete_contract_goes_through_the_form_and_leaves_the_page_when_completed(client_for, officer):
    from tests.conftest import OrganisationFactory, ProviderFactory, ServiceAreaFactory

    client = client_for(officer)
    area, lead, provider = ServiceAreaFactory(), OrganisationFactory(), ProviderFactory()
    form = {
        "reference": "FORM-1",
        "title": "Day opportunities",
        "service_area": area.pk,
        "contract_type": "block",
        "legislation": "pa_2023",
        "route": "light_touch",
        "lead_commissioner": lead.pk,
        "providers": provider.name,
        "directorate": "Adults",
        "procurement_classification": "",
        "start_date": "2024-10-01",
        "term": "",
        "end_date": "",
        "review_date": "",
        "annual_value": "",
        "annual_uplift_percent": "0",
        "approved_value": "",
        "notes": "",
        "options_exercised": "0",
        "funding-TOTAL_FORMS": "0",
        "funding-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("contracts:contract_create"), form)
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    contract = Contract.objects.get(reference="FORM-1")
    assert (contract.directorate, contract.start_date, contract.end_date, contract.annual_value) == (
        "Adults",
        date(2024, 10, 1),
        None,
        None,
    )
    to_complete = client.get(reverse("contracts:to_complete"))
    assert [row.missing for row in to_complete.context["rows"]] == [("end date", "value")]

    edit = client.get(reverse("contracts:contract_update", args=[contract.pk])).context["form"]
    data = {**form, "version": edit.initial.get("version", contract.version)}
    data.update({name: value for name, value in edit.initial.items() if name.startswith("read_")})
    data.update({"end_date": "2027-03-31", "annual_value": "52000"})
    response = client.post(reverse("contracts:contract_update", args=[contract.pk]), data)
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    contract.refresh_from_db()
    assert (contract.end_date, contract.initial_end_date, contract.annual_value) == (
        date(2027, 3, 31),
        date(2027, 3, 31),
        Decimal("52000.00"),
    )
    assert not client.get(reverse("contracts:to_complete")).context["rows"]
    assert on(contract, TODAY).whole_life_value == Decimal("130000.00")


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"term": "five years"}, "term", "Cannot read the term"),
        ({"start_date": "2024-10-01", "end_date": "2024-09-30"}, "end_date", "cannot be before the start date"),
    ],
)
def test_the_form_refuses_an_unreadable_term_and_an_end_before_the_start(client_for, officer, changes, field, message):
    from contracts.forms import ContractForm

    form = ContractForm(data={"start_date": "", "term": "", "end_date": "", **changes})
    form.is_valid()
    assert message in " ".join(form.errors[field])


def test_the_option_page_of_a_contract_with_no_dates_says_why_it_cannot_be_decided(client_for, officer):
    contract = incomplete(annual_value=Decimal("1000"), option_end_dates=[date(2026, 3, 31)])
    response = client_for(officer).get(reverse("committees:option_exercise", args=[contract.pk, 1]))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "cannot be exercised: the contract's start date and end date are not known" in page
