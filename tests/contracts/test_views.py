import csv
import io
from datetime import date
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from contracts.models import Contract, ContractOption, FundingShare, SpendRecord
from tests.conftest import TODAY, ContractFactory, OrganisationFactory, ProviderFactory, ServiceAreaFactory, on

pytestmark = pytest.mark.django_db


def support_at_home(**overrides):
    bromley = OrganisationFactory(name="London Borough of Bromley")
    icb = OrganisationFactory(name="South East London ICB", kind="icb")
    from contracts.services import Share

    values = dict(
        reference="LBB-SAH-2024",
        title="Support at home",
        lead_commissioner=bromley,
        providers=[ProviderFactory(name="Hestia Housing and Support")],
        start_date=date(2024, 10, 1),
        term="5+2+2",
        annual_value=Decimal("2660000"),
        approved_value=Decimal("23400000"),
        funding=[Share(bromley, Decimal("50")), Share(icb, Decimal("50"))],
        # Its procurement started before 24 Feb 2025: light touch under PCR 2015.
        legislation=Contract.Legislation.PCR_2015,
        route=Contract.Route.LIGHT_TOUCH,
    )
    values.update(overrides)
    return ContractFactory(**values)


# --- who may see and change what -------------------------------------------------


def test_it_requires_login(client):
    response = client.get(reverse("contracts:contract_list"))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "url_name", "expected"),
    [
        ("officer", "contract_list", HTTPStatus.OK),
        ("officer", "contract_detail", HTTPStatus.OK),
        ("officer", "contract_update", HTTPStatus.OK),
        ("officer", "contract_create", HTTPStatus.OK),
        ("officer", "option_exercise", HTTPStatus.OK),
        ("manager", "contract_list", HTTPStatus.OK),
        ("manager", "contract_detail", HTTPStatus.OK),
        ("manager", "contract_update", HTTPStatus.FORBIDDEN),
        ("manager", "contract_create", HTTPStatus.FORBIDDEN),
        ("manager", "option_exercise", HTTPStatus.FORBIDDEN),
        ("clerk", "contract_detail", HTTPStatus.OK),
        ("clerk", "contract_update", HTTPStatus.FORBIDDEN),
        ("nobody", "contract_list", HTTPStatus.FORBIDDEN),
        ("nobody", "contract_detail", HTTPStatus.NOT_FOUND),
        ("nobody", "contract_update", HTTPStatus.NOT_FOUND),
        ("nobody", "option_exercise", HTTPStatus.NOT_FOUND),
    ],
)
def test_roles_see_and_change_what_they_should(request, client_for, role, url_name, expected):
    contract = support_at_home()
    args = {
        "contract_list": [],
        "contract_create": [],
        "contract_detail": [contract.pk],
        "contract_update": [contract.pk],
        "option_exercise": [contract.pk, 1],
    }[url_name]
    client = client_for(request.getfixturevalue(role))
    namespace = "committees" if url_name == "option_exercise" else "contracts"
    assert client.get(reverse(f"{namespace}:{url_name}", args=args)).status_code == expected


def test_a_missing_contract_is_404(client_for, officer):
    assert client_for(officer).get(reverse("contracts:contract_detail", args=[999])).status_code == HTTPStatus.NOT_FOUND


def test_a_manager_cannot_record_spend(client_for, manager):
    contract = support_at_home()
    response = client_for(manager).post(
        reverse("contracts:spend_create", args=[contract.pk]), {"financial_year": 2024, "amount": "10"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not SpendRecord.objects.exists()


# --- the list ------------------------------------------------------------------------


def _list(client, **params):
    return client.get(reverse("contracts:contract_list"), params)


def _references(response) -> list[str]:
    return [contract.reference for contract in response.context["page"].object_list]


def test_the_list_shows_contracts_with_their_dates_and_values(client_for, officer):
    support_at_home()
    response = _list(client_for(officer), as_of="2026-11-22")
    html = response.content.decode()
    assert "LBB-SAH-2024" in html
    assert "30 Sep 2029" in html  # current end
    assert "30 Sep 2033" in html  # final end
    assert "30 Mar 2029" in html  # next decision
    assert "£2,660,000.00" in html
    assert "£23,940,000.00" in html
    assert 'data-status="live"' in html


def test_the_list_filters(client_for, officer):
    support_at_home()
    mental_health = ServiceAreaFactory(name="Mental health")
    home_support = ServiceAreaFactory(name="Home support")
    ContractFactory(
        reference="MHFSS",
        start_date=date(2019, 10, 1),
        term="3+2",
        options_exercised=1,
        service_area=mental_health,
        annual_value=Decimal("319000"),
        providers=[ProviderFactory(name="Hestia Housing and Support")],
    )
    ContractFactory(
        reference="BRAD-HS",
        start_date=date(2026, 4, 1),
        term="1+1",
        service_area=home_support,
        annual_value=Decimal("43000000"),
        providers=[ProviderFactory(name="Bradford Care")],
        contract_type=Contract.ContractType.FRAMEWORK,
        legislation=Contract.Legislation.PA_2023,
        route=Contract.Route.CALL_OFF,
    )
    client = client_for(officer)
    today = "2026-11-22"
    assert _references(_list(client, as_of=today)) == ["BRAD-HS", "LBB-SAH-2024", "MHFSS"]
    assert _references(_list(client, as_of=today, q="hestia")) == ["LBB-SAH-2024", "MHFSS"]
    assert _references(_list(client, as_of=today, q="brad")) == ["BRAD-HS"]
    assert _references(_list(client, as_of=today, status="expired")) == ["MHFSS"]
    assert _references(_list(client, as_of=today, status="live")) == ["BRAD-HS", "LBB-SAH-2024"]
    assert _references(_list(client, as_of=today, service_area=home_support.pk)) == ["BRAD-HS"]
    assert _references(_list(client, as_of=today, legislation="pa_2023")) == ["BRAD-HS"]
    assert _references(_list(client, as_of=today, legislation="pcr_2015")) == ["LBB-SAH-2024", "MHFSS"]
    assert _references(_list(client, as_of=today, route="call_off")) == ["BRAD-HS"]
    assert _references(_list(client, as_of=today, route="light_touch")) == ["LBB-SAH-2024", "MHFSS"]
    assert _references(_list(client, as_of=today, legislation="pa_2023", route="light_touch")) == []
    assert _references(_list(client, as_of=today, contract_type="framework")) == ["BRAD-HS"]
    # BRAD-HS's initial year ends 31 Mar 2027: within 6 months of 22 Nov 2026 (to 21 May 2027).
    assert _references(_list(client, as_of=today, ends_within=6)) == ["BRAD-HS"]
    assert _references(_list(client, as_of=today, value_min=20000000, value_max=30000000)) == ["LBB-SAH-2024"]
    assert _references(_list(client, as_of=today, sort="-whole_life_value")) == ["BRAD-HS", "LBB-SAH-2024", "MHFSS"]
    assert _references(_list(client, as_of=today, sort="current_end")) == ["MHFSS", "BRAD-HS", "LBB-SAH-2024"]
    ProviderFactory(name="Bradford Care")
    assert _references(_list(client, as_of=today, provider="bradford care")) == ["BRAD-HS"]
    unknown = _list(client, as_of=today, provider="Nobody Ltd")
    assert "No provider found for “Nobody Ltd”." in unknown.content.decode()
    empty = _list(client, as_of=today, q="no such contract")
    assert "No contracts match these filters." in empty.content.decode()


def test_the_list_status_follows_the_as_of_day(client_for, officer):
    support_at_home()
    client = client_for(officer)
    assert _references(_list(client, as_of="2024-09-30", status="not_started")) == ["LBB-SAH-2024"]
    assert _references(_list(client, as_of="2029-10-01", status="expired")) == ["LBB-SAH-2024"]


def test_the_list_paginates(client_for, officer, settings):
    settings.PAGE_SIZE = 2
    for n in range(5):
        ContractFactory(reference=f"P{n}")
    client = client_for(officer)
    assert _references(_list(client)) == ["P0", "P1"]
    assert _references(_list(client, page=3)) == ["P4"]
    assert _references(_list(client, page=99)) == ["P4"]


def test_an_empty_register_says_so(client_for, officer):
    html = _list(client_for(officer)).content.decode()
    assert "The register is empty." in html


def test_an_invalid_filter_value_shows_an_error_not_a_500(client_for, officer):
    support_at_home()
    response = _list(client_for(officer), ends_within="abc", value_min="-5")
    assert response.status_code == HTTPStatus.OK
    assert "Enter a number." in response.content.decode()


@pytest.mark.parametrize("path", ["contract_list", "contract_export"])
def test_list_queries_do_not_grow_with_rows(client_for, officer, django_assert_num_queries, path):
    client = client_for(officer)
    url = reverse(f"contracts:{path}")

    def make(count):
        for _ in range(count):
            ContractFactory(providers=[ProviderFactory(), ProviderFactory()])

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            assert response.status_code == HTTPStatus.OK
            if path == "contract_export":
                response.content  # noqa: B018 - consume the body
        return len(captured)

    make(5)
    with_5 = count_queries()
    make(45)
    with_50 = count_queries()
    assert with_5 == with_50


def test_the_csv_download_has_exactly_the_filtered_rows(client_for, officer):
    support_at_home()
    ContractFactory(reference="OTHER", title="Other service")
    response = client_for(officer).get(
        reverse("contracts:contract_export"), {"q": "support at home", "as_of": "2026-11-22"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["reference"] for row in rows] == ["LBB-SAH-2024"]
    row = rows[0]
    assert row["final_end_date"] == "2033-09-30"
    assert row["whole_life_value"] == "23940000.00"
    assert row["approved_variance"] == "540000.00"
    assert row["funding"] == "London Borough of Bromley:50; South East London ICB:50"
    assert row["status"] == "live"


# --- the contract page -----------------------------------------------------------------


def test_the_contract_page_shows_the_computed_figures(client_for, officer):
    contract = support_at_home()
    response = client_for(officer).get(
        reverse("contracts:contract_detail", args=[contract.pk]), {"as_of": "2026-11-22"}
    )
    html = response.content.decode()
    assert "Figures are shown as on <strong>22 Nov 2026</strong>" in html or "22 Nov 2026" in html
    for text in [
        "30 Sep 2029",  # initial and current end
        "30 Sep 2033",  # final end
        "30 Mar 2029",  # next decision
        "£13,300,000.00",  # initial term value
        "£23,940,000.00",  # whole life
        "£540,000.00 (2.3%) over",
        "2024/25",
        "£1,330,000.00",  # 2024/25 and each partner's annual share
        "£11,970,000.00",  # each partner's whole-life share
        "1 Oct 2029 – 30 Sep 2031",
        "£5,320,000.00",  # each option's value
    ]:
        assert text in html, text
    detail = response.context["detail"]
    assert [row.projected for row in detail.years][:2] == [Decimal("1330000.00"), Decimal("2660000.00")]
    assert sum(row.projected for row in detail.years) == Decimal("23940000.00")


def _page(client, contract) -> str:
    url = reverse("contracts:contract_detail", args=[contract.pk])
    return client.get(url, {"as_of": "2026-11-22"}).content.decode()


def test_a_pcr_contract_shows_its_law_and_route_and_none_of_the_acts_notices(client_for, officer):
    html = _page(client_for(officer), support_at_home())
    assert '<dd class="col-sm-8" id="contract-legislation">Public Contracts Regulations 2015</dd>' in html
    assert '<dd class="col-sm-8" id="contract-route">Light touch</dd>' in html
    assert "Contract details notice" not in html
    assert "Contract termination notice" not in html
    assert "Procured under: Public Contracts Regulations 2015." in html
    assert "Procured under the Public Contracts Regulations 2015, not the Procurement Act 2023" in html


def test_a_light_touch_contract_under_the_act_shows_the_acts_notices(client_for, officer):
    contract = ContractFactory(
        start_date=date(2025, 6, 1),
        term="3",
        legislation=Contract.Legislation.PA_2023,
        route=Contract.Route.LIGHT_TOUCH,
    )
    html = _page(client_for(officer), contract)
    assert '<dd class="col-sm-8" id="contract-legislation">Procurement Act 2023</dd>' in html
    assert '<dd class="col-sm-8" id="contract-route">Light touch</dd>' in html
    assert "Contract details notice" in html
    assert "by <strong>29 Sep 2025</strong>" in html  # 120 days after 1 Jun 2025: light touch
    assert "Contract termination notice" in html
    assert "by <strong>30 Jun 2028</strong>" in html  # 30 days after the end, 31 May 2028
    # Light touch: the contract and its KPIs need not be published with the notice.
    assert 'id="procurement-publish-contract"' not in html


def test_a_contract_over_5m_under_the_act_is_published_with_its_kpis(client_for, officer):
    def contract(annual_value, route=Contract.Route.OPEN_TENDER):
        return ContractFactory(
            start_date=date(2025, 6, 1),
            term="3",  # three years: more than £5m from £1,666,666.67 a year
            annual_value=Decimal(annual_value),
            legislation=Contract.Legislation.PA_2023,
            route=route,
        )

    client = client_for(officer)
    published = "With it, the contract itself and its KPIs are published"
    assert published in _page(client, contract("1666666.67"))  # £5,000,000.01
    assert published not in _page(client, contract("1666666.66"))  # £4,999,999.98: not more than £5m
    assert published not in _page(client, contract("2000000", route=Contract.Route.LIGHT_TOUCH))


def test_the_contract_page_flags_spend_above_projection(client_for, officer):
    contract = ContractFactory(
        reference="MHFSS", start_date=date(2019, 10, 1), term="3+2", options_exercised=1, annual_value=Decimal("319000")
    )
    from contracts.services import spend_record

    for year, amount in [
        (2019, "190000"),
        (2020, "340000"),
        (2021, "340000"),
        (2022, "340000"),
        (2023, "340000"),
        (2024, "340000"),
    ]:
        spend_record(contract=contract, financial_year=year, amount=Decimal(amount))
    html = client_for(officer).get(reverse("contracts:contract_detail", args=[contract.pk])).content.decode()
    assert "£1,890,000.00" in html
    assert "£1,595,000.00" in html
    assert "£295,000.00 (18.5%) above" in html


def test_contract_page_queries_do_not_grow_with_options_funding_or_spend(client_for, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contracts.services import Share, spend_record

    client = client_for(officer)
    small = ContractFactory(term="5")
    organisations = [OrganisationFactory() for _ in range(4)]
    big = ContractFactory(
        term="1+1+1+1+1+1+1",
        start_date=date(2020, 4, 1),
        providers=[ProviderFactory() for _ in range(3)],
        funding=[Share(org, Decimal("25")) for org in organisations],
    )
    for year in range(2020, 2026):
        spend_record(contract=big, financial_year=year, amount=Decimal("1000"))

    def count(contract):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("contracts:contract_detail", args=[contract.pk])).status_code == HTTPStatus.OK
        return len(captured)

    assert count(small) == count(big)


# --- forms and actions -------------------------------------------------------------------


def _form_data(**overrides):
    area = ServiceAreaFactory(name="Mental health")
    lead = OrganisationFactory(name="London Borough of Bromley")
    provider = ProviderFactory(name="Hestia Housing and Support")
    data = {
        "reference": "NEW-1",
        "title": "New service",
        "service_area": area.pk,
        "contract_type": "block",
        "legislation": "pa_2023",
        "route": "light_touch",
        "lead_commissioner": lead.pk,
        "providers": provider.name,
        "start_date": "2024-10-01",
        "term": "5+2+2",
        "options_exercised": "0",
        "annual_value": "2660000",
        "annual_uplift_percent": "0",
        "approved_value": "",
        "notes": "",
        "funding-TOTAL_FORMS": "2",
        "funding-INITIAL_FORMS": "0",
        "funding-MIN_NUM_FORMS": "0",
        "funding-MAX_NUM_FORMS": "10",
        "funding-0-organisation": "",
        "funding-0-percent": "",
        "funding-1-organisation": "",
        "funding-1-percent": "",
    }
    data.update(overrides)
    return data


def test_it_registers_a_contract(client_for, officer):
    response = client_for(officer).post(reverse("contracts:contract_create"), _form_data())
    contract = Contract.objects.get(reference="NEW-1")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == contract.get_absolute_url()
    assert (contract.start_date, contract.term, contract.annual_value) == (
        date(2024, 10, 1),
        "5+2+2",
        Decimal("2660000.00"),
    )
    assert on(contract).final_end_date == date(2033, 9, 30)
    assert on(contract).whole_life_value == Decimal("23940000.00")
    assert list(contract.funding_shares.values_list("percent", flat=True)) == [Decimal("100.00")]


def test_it_registers_the_legislation_and_the_route_apart(client_for, officer):
    # A light touch contract under the Procurement Act 2023: not recordable with one regime field.
    client_for(officer).post(
        reverse("contracts:contract_create"), _form_data(legislation="pa_2023", route="light_touch")
    )
    assert Contract.objects.filter(reference="NEW-1").values_list("legislation", "route").get() == (
        "pa_2023",
        "light_touch",
    )


def test_it_edits_the_legislation_and_the_route(client_for, officer):
    contract = ContractFactory(reference="EDIT", start_date=date(2024, 10, 1))
    data = _form_data(reference="EDIT", legislation="pcr_2015", route="call_off")
    data["version"] = contract.version
    response = client_for(officer).post(reverse("contracts:contract_update", args=[contract.pk]), data)
    assert response.status_code == HTTPStatus.FOUND
    assert Contract.objects.filter(pk=contract.pk).values_list("legislation", "route").get() == (
        "pcr_2015",
        "call_off",
    )
    form = client_for(officer).get(reverse("contracts:contract_update", args=[contract.pk])).content.decode()
    assert '<option value="pcr_2015" selected>Public Contracts Regulations 2015</option>' in form
    assert '<option value="call_off" selected>Call-off from a framework or dynamic market</option>' in form


def test_it_registers_funding_partners(client_for, officer):
    icb = OrganisationFactory(name="South East London ICB")
    data = _form_data()
    data.update(
        {
            "funding-0-organisation": data["lead_commissioner"],
            "funding-0-percent": "50",
            "funding-1-organisation": icb.pk,
            "funding-1-percent": "50",
        }
    )
    client_for(officer).post(reverse("contracts:contract_create"), data)
    shares = FundingShare.objects.filter(contract__reference="NEW-1").order_by("organisation__name")
    assert [(s.organisation.name, s.percent) for s in shares] == [
        ("London Borough of Bromley", Decimal("50.00")),
        ("South East London ICB", Decimal("50.00")),
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"term": "5+x"}, "Cannot read the term"),
        ({"start_date": "2025-02-31"}, "Enter a valid date."),
        ({"annual_value": "-1"}, "Enter an amount of £0.00 or more."),
        ({"options_exercised": "3"}, "3 options exercised, but the term 5+2+2 has only 2 options."),
        ({"annual_uplift_percent": "150"}, "The uplift cannot be more than 100%."),
        ({"providers": ""}, "This field is required."),
        ({"legislation": "light_touch"}, "Select a valid choice. light_touch is not one of the available choices."),
        ({"route": ""}, "This field is required."),
    ],
)
def test_it_rejects_bad_input_and_saves_nothing(client_for, officer, overrides, message):
    response = client_for(officer).post(reverse("contracts:contract_create"), _form_data(**overrides))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "The contract was not saved." in html
    assert message in html
    assert not Contract.objects.exists()
    assert not ContractOption.objects.exists()


def test_it_rejects_shares_that_do_not_add_up(client_for, officer):
    icb = OrganisationFactory(name="South East London ICB")
    data = _form_data()
    data.update(
        {
            "funding-0-organisation": data["lead_commissioner"],
            "funding-0-percent": "60",
            "funding-1-organisation": icb.pk,
            "funding-1-percent": "30",
        }
    )
    response = client_for(officer).post(reverse("contracts:contract_create"), data)
    assert "Funding shares must add up to 100%; these add up to 90%." in response.content.decode()
    assert not Contract.objects.exists()
    assert not FundingShare.objects.exists()


def test_it_rejects_a_duplicate_reference(client_for, officer):
    support_at_home()
    response = client_for(officer).post(reverse("contracts:contract_create"), _form_data(reference="LBB-SAH-2024"))
    assert "A contract with this reference already exists." in response.content.decode()
    assert Contract.objects.count() == 1


def test_it_edits_a_contract_and_keeps_decisions(client_for, officer):
    contract = ContractFactory(reference="EDIT", start_date=date(2019, 10, 1), term="3+2", options_exercised=1)
    data = _form_data(reference="EDIT", term="3+2+1", annual_value="120000", start_date="2019-10-01")
    del data["options_exercised"]
    data["version"] = contract.version
    response = client_for(officer).post(reverse("contracts:contract_update", args=[contract.pk]), data)
    assert response.status_code == HTTPStatus.FOUND
    contract.refresh_from_db()
    assert contract.term == "3+2+1"
    # The new option 2 would have had to be taken by 30 Sep 2024, so on 22 Nov 2026 it has lapsed:
    # that follows from the day, so it is stored as still available.
    assert list(contract.options.values_list("order", "status")) == [(1, "exercised"), (2, "available")]
    assert on(contract).current_end_date == on(contract).final_end_date == date(2024, 9, 30)
    assert on(contract).status == "expired"
    assert on(contract, date(2024, 9, 30)).final_end_date == date(2025, 9, 30)
    assert contract.annual_value == Decimal("120000.00")


def test_exercising_an_option_moves_the_current_end(client_for, officer):
    contract = support_at_home()  # initial term ends 30 Sep 2029
    client = client_for(officer)
    url = reverse("committees:option_exercise", args=[contract.pk, 1])
    page = client.get(url).content.decode()
    assert "1 Oct 2029 – 30 Sep 2031" in page
    response = client.post(url, {"decided_by": "Chief Officer", "decided_on": "2026-11-01", "note": "KPIs met"})
    assert response.status_code == HTTPStatus.FOUND
    figures = on(contract)
    assert figures.current_end_date == date(2031, 9, 30)
    assert figures.next_decision_deadline == date(2031, 3, 30)
    assert figures.committed_value == Decimal("18620000.00")
    assert on(contract, date(2026, 10, 31)).current_end_date == date(2029, 9, 30)
    option = contract.options.get(order=1)
    assert (option.status, option.decided_by, option.decided_on) == ("exercised", "Chief Officer", date(2026, 11, 1))


def test_declining_an_option_closes_the_later_ones(client_for, officer):
    contract = support_at_home()
    client_for(officer).post(
        reverse("committees:option_decline", args=[contract.pk, 1]),
        {"decided_by": "Chief Officer", "decided_on": "2026-11-01"},
    )
    # Only the decision is stored; the rule closes option 2.
    assert list(contract.options.values_list("status", flat=True)) == ["declined", "available"]
    figures = on(contract)
    assert figures.final_end_date == date(2029, 9, 30)
    assert figures.whole_life_value == Decimal("13300000.00")
    assert figures.next_decision_deadline is None
    assert figures.status == "final_term"
    assert on(contract, date(2026, 10, 31)).final_end_date == date(2033, 9, 30)


def test_an_option_cannot_be_taken_out_of_order(client_for, officer):
    contract = support_at_home()
    response = client_for(officer).post(
        reverse("committees:option_exercise", args=[contract.pk, 2]),
        {"decided_by": "Chief Officer", "decided_on": "2026-11-01"},
    )
    assert response.status_code == HTTPStatus.OK
    assert "option 1 must be decided first" in response.content.decode()
    assert contract.options.get(order=2).status == "available"


def test_a_decision_date_in_the_future_is_refused(client_for, officer):
    contract = support_at_home()
    response = client_for(officer).post(
        reverse("committees:option_exercise", args=[contract.pk, 1]),
        {"decided_by": "Chief Officer", "decided_on": "2026-11-23"},
    )
    assert "The decision date cannot be in the future." in response.content.decode()
    assert contract.options.get(order=1).status == "available"


def test_it_records_and_corrects_spend(client_for, officer):
    contract = support_at_home()
    client = client_for(officer)
    url = reverse("contracts:spend_create", args=[contract.pk])
    client.post(url, {"financial_year": 2024, "amount": "1200000.50"})
    client.post(url, {"financial_year": 2024, "amount": "1250000"})
    assert list(contract.spend_records.values_list("financial_year", "amount")) == [(2024, Decimal("1250000.00"))]
    response = client.post(url, {"financial_year": 2024, "amount": "-5"}, follow=True)
    assert "Spend cannot be negative." in response.content.decode()
    assert contract.spend_records.get().amount == Decimal("1250000.00")


def test_provider_and_organisation_pages_list_their_contracts(client_for, manager):
    contract = support_at_home()
    client = client_for(manager)
    provider = contract.providers.get()
    icb = contract.funding_shares.get(organisation__name="South East London ICB").organisation
    assert "LBB-SAH-2024" in client.get(provider.get_absolute_url()).content.decode()
    assert "LBB-SAH-2024" in client.get(icb.get_absolute_url()).content.decode()
    assert "Hestia Housing and Support" in client.get(reverse("contracts:provider_list")).content.decode()
    assert "South East London ICB" in client.get(reverse("contracts:organisation_list")).content.decode()


def test_the_list_filters_what_needs_attention(client_for, officer):
    from contracts.services import spend_record

    support_at_home()  # £23.94m projected against £23.4m approved; option 1 due 30 Mar 2029
    late = ContractFactory(reference="LATE", start_date=date(2024, 4, 1), term="3+1")
    ending = ContractFactory(
        reference="ENDING", start_date=date(2024, 4, 1), term="3"
    )  # ends 31 Mar 2027, nothing open
    spent = ContractFactory(reference="SPENT", start_date=date(2024, 4, 1), term="3", annual_value=Decimal("1000"))
    spend_record(contract=spent, financial_year=2024, amount=Decimal("3000.01"))
    client = client_for(officer)
    assert on(late).next_decision_deadline == date(2026, 9, 30)
    assert _references(_list(client, flag="deadline_late")) == ["LATE"]
    assert _references(_list(client, flag="over_approved")) == ["LBB-SAH-2024"]
    assert _references(_list(client, flag="spend_over")) == ["SPENT"]
    assert _references(_list(client, final_within=6)) == ["ENDING", "SPENT"]
    assert _references(_list(client, ends_within=6)) == ["ENDING", "LATE", "SPENT"]
    assert _references(_list(client, deadline_within=90)) == []
    assert _references(_list(client, deadline_within=365 * 3)) == ["LBB-SAH-2024"]
    assert on(ending).final_end_date == date(2027, 3, 31)


@pytest.mark.parametrize(
    ("field", "posted", "stored"),
    [
        ("title", "Support at home (renamed)", "Support at home (renamed)"),
        ("description", "A new description.", "A new description."),
        ("notes", "A note.", "A note."),
        ("contract_type", "framework", "framework"),
        ("legislation", "pa_2023", "pa_2023"),
        ("route", "open_tender", "open_tender"),
        ("approved_value", "24000000", Decimal("24000000.00")),
    ],
)
def test_editing_one_field_alone_saves_it(client_for, officer, field, posted, stored):
    contract = support_at_home()
    data = _form_data(reference=contract.reference, lead_commissioner=contract.lead_commissioner_id)
    data.update(
        {
            "title": contract.title,
            "service_area": contract.service_area_id,
            "providers": "; ".join(p.name for p in contract.providers.all()),
            "approved_value": "23400000",
            "funding-0-organisation": "",
        }
    )
    del data["options_exercised"]
    data[field] = posted
    data["version"] = contract.version
    response = client_for(officer).post(reverse("contracts:contract_update", args=[contract.pk]), data)
    assert response.status_code == HTTPStatus.FOUND
    assert getattr(Contract.objects.get(pk=contract.pk), field) == stored


@pytest.mark.parametrize(
    ("as_of", "final_end", "whole_life", "status", "option_statuses"),
    [
        # docs/domain.md: 3+1+1 from 1 Oct 2023, nothing decided.
        ("2026-09-30", "30 Sep 2028", Decimal("600000.00"), "live", ["available", "available"]),
        ("2026-10-01", "30 Sep 2026", Decimal("360000.00"), "expired", ["lapsed", "lapsed"]),
    ],
)
def test_the_contract_page_shows_only_the_figures_of_its_day(
    client_for, officer, as_of, final_end, whole_life, status, option_statuses
):
    contract = ContractFactory(start_date=date(2023, 10, 1), term="3+1+1", annual_value=Decimal("120000"))
    response = client_for(officer).get(reverse("contracts:contract_detail", args=[contract.pk]), {"as_of": as_of})
    html = response.content.decode()
    detail = response.context["detail"]
    assert detail.status == status
    assert [str(row.effective_status) for row in detail.options] == option_statuses
    assert f'id="final-end">{final_end}' in html
    assert detail.figures.whole_life_value == whole_life
    assert f"<strong>£{whole_life:,.2f}</strong>" in html
    # The financial-year rows add up to the whole-life value printed for the same day.
    assert sum(row.projected for row in detail.years) == whole_life


def test_the_contract_page_counts_a_decision_only_from_its_date(client_for, officer):
    from contracts.services import option_exercise

    contract = ContractFactory(start_date=date(2026, 3, 31), term="1+1+1", annual_value=Decimal("120000"))
    option_exercise(
        option=contract.options.get(order=1), decided_by="Chief Officer", decided_on=date(2026, 11, 20), today=TODAY
    )
    client = client_for(officer)
    url = reverse("contracts:contract_detail", args=[contract.pk])

    before = client.get(url, {"as_of": "2026-11-19"})
    after = client.get(url, {"as_of": "2026-11-20"})

    assert 'id="current-end"><strong>30 Mar 2027</strong>' in before.content.decode()
    assert 'id="current-end"><strong>30 Mar 2028</strong>' in after.content.decode()
    assert before.context["detail"].options[0].decision_counts is False
    assert after.context["detail"].options[0].decision_counts is True
    assert str(before.context["detail"].options[0].effective_status) == "available"
    assert str(after.context["detail"].options[0].effective_status) == "exercised"
    assert before.context["detail"].figures.committed_value == Decimal("120000.00")
    assert after.context["detail"].figures.committed_value == Decimal("240000.00")


def test_an_exercise_dated_before_the_lapse_can_be_posted_after_it(client_for, officer):
    # 3+1+1 from 1 Oct 2023: on 22 Nov 2026 option 1 has lapsed (1 Oct 2026), but it was signed on 15 Sep.
    contract = ContractFactory(start_date=date(2023, 10, 1), term="3+1+1")
    url = reverse("committees:option_exercise", args=[contract.pk, 1])

    response = client_for(officer).post(url, {"decided_by": "Chief Officer", "decided_on": "2026-09-15"})

    assert response.status_code == HTTPStatus.FOUND
    option = contract.options.get(order=1)
    assert (option.status, option.decided_by, option.decided_on) == ("exercised", "Chief Officer", date(2026, 9, 15))
    assert on(contract).status == "live"
    assert on(contract).current_end_date == date(2027, 9, 30)


def test_the_option_page_offers_a_late_record_of_a_decision_taken_before_the_lapse(client_for, officer):
    contract = ContractFactory(start_date=date(2023, 10, 1), term="3+1+1")
    client = client_for(officer)
    url = reverse("committees:option_exercise", args=[contract.pk, 1])

    page = client.get(url).content.decode()
    refused = client.post(url, {"decided_by": "Chief Officer", "decided_on": "2026-10-01"})

    assert 'name="decided_on"' in page
    assert refused.status_code == HTTPStatus.OK
    assert "Option 1 lapsed on 1 Oct 2026" in refused.content.decode()
    assert contract.options.get(order=1).status == "available"


def test_the_admin_shows_contracts_read_only(admin_client):
    contract = ContractFactory()
    page = admin_client.get(reverse("admin:contracts_contract_change", args=[contract.pk]))
    html = page.content.decode()
    assert page.status_code == HTTPStatus.OK
    assert 'name="_save"' not in html
    assert admin_client.get(reverse("admin:contracts_contract_add")).status_code == HTTPStatus.FORBIDDEN


def test_the_page_for_a_day_shows_no_decision_taken_after_it(client_for, officer):
    from contracts.services import option_exercise

    contract = ContractFactory(reference="LATER", start_date=date(2026, 3, 31), term="1+1+1")
    option_exercise(
        option=contract.options.get(order=1), decided_by="Chief Officer", decided_on=date(2026, 11, 20), today=TODAY
    )
    url = reverse("contracts:contract_detail", args=[contract.pk])
    before = client_for(officer).get(url, {"as_of": "2026-11-19"}).content.decode()
    on_the_day = client_for(officer).get(url, {"as_of": "2026-11-20"}).content.decode()
    assert "Chief Officer, 20 Nov 2026" not in before
    assert "No authorising decision recorded" not in before
    assert "30 Mar 2027" in before  # the current end on 19 Nov
    assert "Chief Officer, 20 Nov 2026" in on_the_day


def test_an_edit_posted_without_the_version_it_was_read_at_is_refused(client_for, officer):
    contract = support_at_home()
    data = _form_data(reference=contract.reference, lead_commissioner=contract.lead_commissioner_id)
    data.update(
        {
            "title": "Renamed",
            "service_area": contract.service_area_id,
            "providers": "; ".join(p.name for p in contract.providers.all()),
        }
    )
    del data["options_exercised"]
    response = client_for(officer).post(reverse("contracts:contract_update", args=[contract.pk]), data)
    assert response.status_code == HTTPStatus.OK
    assert "Reload it and make your changes again." in response.content.decode()
    assert Contract.objects.get(pk=contract.pk).title == "Support at home"
