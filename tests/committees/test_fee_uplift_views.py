"""The fee uplift pages (issue 12, part 3): choose the contracts, preview the money
by funder and financial year, confirm under a decision, and reverse before the
uplift takes effect."""

from datetime import date
from decimal import Decimal

import pytest

from committees.models import ContractLink
from contracts import services as contract_services
from contracts.models import Contract, ContractChange, FeeUplift
from tests.committees.factories import OfficerDecisionFactory
from tests.conftest import TODAY, ContractFactory, OrganisationFactory, ProviderFactory, ServiceAreaFactory, on

pytestmark = pytest.mark.django_db

D = Decimal
NEW = "/committees/uplifts/new/"


def _form(**overrides) -> dict:
    data = {
        "title": "Care fee uplift 2027/28",
        "basis": "national_living_wage",
        "percent": "6.7",
        "effective_on": "2027-04-01",
        "authority": "",
        "exclude_indexed": "on",
        "changed_since": "",
        "excluded": "",
        "contracts": "",
        "provider": "",
        "action": "preview",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def world():
    home_care = ServiceAreaFactory(name="Home care")
    other_area = ServiceAreaFactory(name="Mental health")
    council = OrganisationFactory(name="London Borough of Bromley")
    icb = OrganisationFactory(name="SEL ICB")
    shared = ContractFactory(
        reference="HC-1",
        service_area=home_care,
        lead_commissioner=council,
        funding=[contract_services.Share(council, D("50")), contract_services.Share(icb, D("50"))],
    )
    plain = ContractFactory(reference="HC-2", service_area=home_care, lead_commissioner=council)
    indexed = ContractFactory(
        reference="HC-3", service_area=home_care, lead_commissioner=council, annual_uplift_percent=D("2.00")
    )
    elsewhere = ContractFactory(reference="MH-1", service_area=other_area, lead_commissioner=council)
    decision = OfficerDecisionFactory(decided_on=date(2026, 11, 1))
    return {
        "home_care": home_care,
        "council": council,
        "icb": icb,
        "shared": shared,
        "plain": plain,
        "indexed": indexed,
        "elsewhere": elsewhere,
        "decision": decision,
    }


def test_the_preview_shows_the_money_by_funder_and_year_and_saves_nothing(client_for, officer, world):
    response = client_for(officer).post(NEW, _form(service_areas=[world["home_care"].pk]))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.chosen, preview.included_count, preview.excluded_count) == (3, 2, 1)
    assert [line.contract.reference for line in preview.included] == ["HC-1", "HC-2"]
    assert preview.excluded[0].excluded == "Has its own indexation (2% a year)."
    # 6.7% of £100,000 a year on each of two contracts from 1 Apr 2027 to 30 Sep 2033.
    assert preview.annual_change == D("13400.00")
    assert preview.whole_life_change == D("87100.00")
    money = preview.money
    assert money.years[:2] == ["2027/28", "2028/29"]
    rows = {funder: (cells, total) for funder, cells, total in money.rows}
    # The council pays all of HC-2 and half of HC-1; the ICB the other half.
    assert rows["London Borough of Bromley"][0][0] == D("10050.00")
    assert rows["SEL ICB"][0][0] == D("3350.00")
    assert rows["SEL ICB"][1] == D("21775.00")
    assert money.total == D("87100.00")
    page = response.content.decode()
    for shown in ("£13,400.00", "£87,100.00", "£10,050.00", "£3,350.00", "2027/28", "Has its own indexation"):
        assert shown in page
    assert "Confirm the uplift on 2 contracts" in page
    assert not FeeUplift.objects.exists()
    assert not ContractChange.objects.exists()


def test_confirming_saves_one_change_a_contract_linked_to_the_decision(client_for, officer, world):
    client = client_for(officer)
    data = _form(service_areas=[world["home_care"].pk], authority=world["decision"].reference)
    preview = client.post(NEW, data).context["preview"]
    response = client.post(NEW, {**data, "action": "confirm", "preview_of": preview.fingerprint})
    uplift = FeeUplift.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/committees/uplifts/{uplift.pk}/"
    assert (uplift.title, uplift.percent, uplift.effective_on) == (
        "Care fee uplift 2027/28",
        D("6.70"),
        date(2027, 4, 1),
    )
    assert (uplift.contract_count, uplift.annual_change, uplift.whole_life_change) == (
        2,
        D("13400.00"),
        D("87100.00"),
    )
    assert uplift.selection == (
        "Chosen by service areas: Home care. Left out: with their own indexation; changed on or after 1 Apr 2026."
    )
    changes = ContractChange.objects.filter(uplift=uplift).order_by("contract__reference")
    assert [(c.contract.reference, c.annual_value_change, c.effective_on) for c in changes] == [
        ("HC-1", D("6700.00"), date(2027, 4, 1)),
        ("HC-2", D("6700.00"), date(2027, 4, 1)),
    ]
    links = ContractLink.objects.filter(change__uplift=uplift)
    assert {(link.officer_decision_id, link.effect) for link in links} == {(world["decision"].pk, "change_contract")}
    assert links.count() == 2
    assert on(world["plain"], date(2027, 4, 1)).whole_life_value == D("900000.00") + D("43550.00")

    page = client.get(response["Location"])
    text = page.content.decode()
    assert "applied to 2 contracts from 1 Apr 2027: £13,400.00 a year" in text
    for shown in ("Takes effect on 1 Apr 2027", world["decision"].reference, "£87,100.00", "£21,775.00", "HC-1"):
        assert shown in text
    listing = client.get("/committees/uplifts/").content.decode()
    assert "Care fee uplift 2027/28" in listing and "£13,400.00" in listing and world["decision"].reference in listing


def test_a_confirm_after_the_form_changed_previews_again_and_saves_nothing(client_for, officer, world):
    client = client_for(officer)
    data = _form(service_areas=[world["home_care"].pk], authority=world["decision"].reference)
    preview = client.post(NEW, data).context["preview"]
    response = client.post(NEW, {**data, "percent": "7", "action": "confirm", "preview_of": preview.fingerprint})
    assert response.status_code == 200
    assert response.context["stale"]
    assert response.context["preview"].annual_change == D("14000.00")
    assert not FeeUplift.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"percent": "0"}, "percent", "greater than or equal to 0.01"),
        ({"percent": "abc"}, "percent", "Enter a number"),
        ({"percent": "150"}, "percent", "less than or equal to 100"),
        ({"effective_on": "31/02/2027"}, "effective_on", ""),
        ({"effective_on": "2999-01-01"}, "effective_on", ""),
        ({"service_areas": ["99999"]}, "service_areas", "Select a valid choice"),
        ({"contracts": "NO-SUCH"}, "contracts", "NO-SUCH"),
        ({"provider": "Nobody Ltd"}, "provider", "Nobody Ltd"),
        ({"title": ""}, "title", "required"),
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(client_for, officer, world, overrides, field, message):
    data = _form(**{"service_areas": [world["home_care"].pk], "authority": world["decision"].reference, **overrides})
    response = client_for(officer).post(NEW, {**data, "action": "confirm", "preview_of": "x"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert response.context["preview"] is None
    assert not FeeUplift.objects.exists()


def test_choosing_no_contracts_is_refused(client_for, officer, world):
    response = client_for(officer).post(NEW, _form())
    assert "Choose the contracts" in response.content.decode()
    assert response.context["preview"] is None


def test_confirming_without_a_decision_names_the_field(client_for, officer, world):
    client = client_for(officer)
    data = _form(contracts="HC-2")
    preview = client.post(NEW, data).context["preview"]
    response = client.post(NEW, {**data, "action": "confirm", "preview_of": preview.fingerprint})
    assert response.status_code == 200
    assert "Choose the decision that authorised the change." in response.context["form"].errors["authority"]
    assert not FeeUplift.objects.exists()


def test_an_uplift_applying_to_none_is_refused_on_confirm(client_for, officer, world):
    client = client_for(officer)
    data = _form(contracts="HC-3", authority=world["decision"].reference)
    preview = client.post(NEW, data).context["preview"]
    assert preview.included_count == 0
    assert "Confirm the uplift" not in client.post(NEW, data).content.decode()
    response = client.post(NEW, {**data, "action": "confirm", "preview_of": preview.fingerprint})
    assert "applies to none of the contracts chosen" in response.content.decode()
    assert not FeeUplift.objects.exists()


def test_selection_by_type_and_provider_narrows_and_a_list_adds_and_exclusions_leave_out(client_for, officer, world):
    provider = ProviderFactory(name="Caring Hands Ltd")
    ContractFactory(reference="HC-9", service_area=world["home_care"], providers=[provider], contract_type="spot")
    ContractFactory(reference="HC-10", service_area=world["home_care"], providers=[provider])
    data = _form(
        contract_types=["spot"], provider="Caring Hands Ltd", contracts="MH-1, HC-2", excluded="HC-2", changed_since=""
    )
    preview = client_for(officer).post(NEW, data).context["preview"]
    assert [line.contract.reference for line in preview.included] == ["HC-9", "MH-1"]
    assert [(line.contract.reference, line.excluded) for line in preview.excluded] == [("HC-2", "Left out by name.")]


def test_a_contract_changed_within_twelve_months_is_left_out_unless_the_day_says_otherwise(client_for, officer, world):
    contract_services.contract_change_record(
        contract=world["plain"],
        effective_on=date(2026, 6, 1),
        ground="pcr_72_1_a",
        description="Price review.",
        annual_value_change=D("1000.00"),
    )
    client = client_for(officer)
    preview = client.post(NEW, _form(contracts="HC-2")).context["preview"]
    assert preview.excluded[0].excluded == "Changed recently (a change from 1 Jun 2026)."
    preview = client.post(NEW, _form(contracts="HC-2", changed_since="2026-07-01")).context["preview"]
    assert preview.included_count == 1


def _applied(world) -> FeeUplift:
    from committees import services as committee_services

    uplift, _ = committee_services.fee_uplift_decide(
        authority=world["decision"],
        today=TODAY,
        title="CPI uplift",
        basis="cpi",
        percent=D("2.5"),
        effective_on=date(2027, 4, 1),
        contract_ids=[world["plain"].pk, world["shared"].pk],
    )
    return uplift


def test_reversing_takes_the_changes_off_and_keeps_the_uplift(client_for, officer, world):
    uplift = _applied(world)
    client = client_for(officer)
    url = f"/committees/uplifts/{uplift.pk}/"
    assert "Reverse the uplift" in client.get(url).content.decode()
    empty = client.post(url + "reverse/", {"reason": ""})
    assert empty.status_code == 200 and "reason" in empty.context["form"].errors
    assert ContractChange.objects.filter(uplift=uplift).count() == 2
    response = client.post(url + "reverse/", {"reason": "Wrong rate."}, follow=True)
    uplift.refresh_from_db()
    assert (uplift.reversed_on, uplift.reversal_reason) == (TODAY, "Wrong rate.")
    assert not ContractChange.objects.exists()
    assert not ContractLink.objects.filter(effect="change_contract").exists()
    assert on(world["plain"], date(2027, 4, 1)).whole_life_value == D("900000.00")
    text = response.content.decode()
    assert "reversed: its changes are taken off 2 contracts" in text
    assert "Reversed on 22 Nov 2026" in text
    assert world["decision"].reference in text  # the decision, read from the links' history
    assert "Reverse the uplift</button>" not in text
    again = client.post(url + "reverse/", {"reason": "Again."})
    assert "was reversed on 22 Nov 2026" in again.content.decode()


def test_an_uplift_in_effect_offers_no_reversal(client_for, officer, world, monkeypatch):
    uplift = _applied(world)
    monkeypatch.setattr("commissioning.core.dates.real_today", lambda: date(2027, 4, 1))
    client = client_for(officer)
    page = client.get(f"/committees/uplifts/{uplift.pk}/").content.decode()
    assert "In effect" in page and "Reverse the uplift</button>" not in page
    response = client.post(f"/committees/uplifts/{uplift.pk}/reverse/", {"reason": "Too late."})
    assert "can no longer be reversed" in response.content.decode()
    assert ContractChange.objects.filter(uplift=uplift).count() == 2


def test_managers_and_clerks_read_but_cannot_apply_or_reverse(client_for, manager, clerk, world):
    uplift = _applied(world)
    for user in (manager, clerk):
        client = client_for(user)
        assert client.get("/committees/uplifts/").status_code == 200
        page = client.get(f"/committees/uplifts/{uplift.pk}/")
        assert page.status_code == 200 and "Reverse the uplift</button>" not in page.content.decode()
        assert "Apply a fee uplift" not in client.get("/committees/uplifts/").content.decode()
        assert client.get(NEW).status_code == 403
        assert client.post(f"/committees/uplifts/{uplift.pk}/reverse/", {"reason": "x"}).status_code == 403
    assert ContractChange.objects.filter(uplift=uplift).count() == 2


def test_the_list_is_empty_at_first_and_pages_its_uplifts(client_for, officer, world, settings):
    client = client_for(officer)
    assert "No fee uplifts yet." in client.get("/committees/uplifts/").content.decode()
    settings.PAGE_SIZE = 2
    for percent in ("1", "2", "3"):
        FeeUplift.objects.create(title=f"Uplift {percent}", percent=D(percent), effective_on=date(2027, 4, 1))
    first = client.get("/committees/uplifts/")
    assert len(first.context["rows"]) == 2
    second = client.get("/committees/uplifts/?page=2")
    assert [row[0].title for row in second.context["rows"]] == ["Uplift 1"]


def test_the_contract_page_knows_each_uplift_page(world):
    uplift = _applied(world)
    from committees.apps import change_pages

    contract = Contract.objects.get(pk=world["plain"].pk)
    assert change_pages(contract=contract, figures=None, today=TODAY)["uplift"] == {
        uplift.pk: f"/committees/uplifts/{uplift.pk}/"
    }
