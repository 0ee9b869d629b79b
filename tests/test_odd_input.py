"""Input outside what a council could mean is refused at the form, the importer
and the query string, so that no stored value can make a later page fail.

Each odd input goes through the real view, form or importer, signed in with a
role that may make the change; the tests assert the message, that nothing was
stored, and that the pages everyone uses still render afterwards. The importer's
tests, which start from an empty register, are in tests/test_odd_imports.py.
"""

import importlib
import io
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from http import HTTPStatus

import pytest
from django import forms
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import models
from django.urls import reverse

from commissioning.core import dates
from commissioning.overview.calendar_feed import calendar_feed_for
from commissioning.overview.reminders import send_reminders
from commissioning.projects import services as project_services
from commissioning.projects.models import CommissioningProject, Gateway, ProjectStep, RequiredStep, Waiver
from committees import services as committee_services
from committees.models import Action, AgendaItem, Committee, Meeting, OfficerDecision, Report, ResolutionPart
from contracts import services as contract_services
from contracts.changes import provided_for_ground
from contracts.models import Contract, ContractChange, ContractOption
from tests.committees.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    OfficerDecisionFactory,
    ResolutionPartFactory,
    at,
)
from tests.conftest import TODAY, ContractFactory, OrganisationFactory, ServiceAreaFactory, built_once, fresh

# Every test starts from the `world` the module makes once, whether it reads it or not,
# so that no test sees a different database depending on which ran before it.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("world_built")]

OUT_OF_RANGE = "Enter a date between 1 Jan 1990 and 31 Dec 2100."
BAD_DAYS = ["0001-01-01", "1989-12-31", "2101-01-01", "9999-12-31"]


def _text(response) -> str:
    assert response.status_code == HTTPStatus.OK, response.status_code
    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    return text.replace("&quot;", '"').replace("&#x27;", "'")


def _counts() -> dict:
    models = [
        Contract,
        ContractOption,
        CommissioningProject,
        ProjectStep,
        Waiver,
        Committee,
        Meeting,
        Report,
        AgendaItem,
        ResolutionPart,
        Action,
        OfficerDecision,
    ]
    return {model.__name__: model.objects.count() for model in models}


def _world():
    """A little of everything the pages show: a contract with options, a project
    replacing it, a meeting with an item, a delegating part with an action, an
    officer decision."""
    contract = ContractFactory(reference="LBB-MH-2025", start_date=date(2025, 10, 1), term="2+1+1")
    project = project_services.project_create(
        title="support@home", service_area=ServiceAreaFactory(), incumbent_contracts=[contract]
    )
    committee = CommitteeFactory(name="Executive", kind=Committee.Kind.EXECUTIVE)
    meeting = MeetingFactory(committee=committee, starts_at=at(date(2026, 10, 14)))
    item = AgendaItemFactory(meeting=meeting, number="7", title="Support at home")
    part = ResolutionPartFactory(
        item=item,
        number="i",
        kind=ResolutionPart.Kind.DELEGATE,
        text="Delegated authority to extend.",
        delegation=committee_services.DelegationInput(to_whom="Chief Officer", scope="Extend the contract"),
        actions=[committee_services.ActionInput(text="Report back", owner="Chief Officer", due_on=date(2026, 12, 1))],
    )
    decision = OfficerDecisionFactory(decided_on=date(2026, 10, 20))
    return {
        "contract": contract,
        "project": project,
        "committee": committee,
        "meeting": meeting,
        "item": item,
        "part": part,
        "decision": decision,
    }


# Made once for the module; most of its tests read it with a few hundred odd inputs each.
world_built = built_once(_world)


@pytest.fixture
def world(world_built):
    return fresh(world_built)


def assert_pages_still_render(client, user) -> None:
    """The pages every user opens, and the jobs that read everything, still work."""
    client.force_login(user)
    assert "Dashboard" in _text(client.get(reverse("home")))
    assert "Pipeline" in _text(client.get(reverse("commissioning:pipeline")))
    assert "Contracts" in _text(client.get(reverse("contracts:contract_list")))
    assert _text(client.get(reverse("committees:meeting_calendar")))
    feed = calendar_feed_for(user)
    response = client.get(reverse("commissioning:calendar_feed", args=[feed.token]))
    assert response.status_code == HTTPStatus.OK
    assert response.content.startswith(b"BEGIN:VCALENDAR")
    send_reminders(today=TODAY, days_ahead=14)


# --- one date range, everywhere ---------------------------------------------------------------


@pytest.mark.parametrize("day", BAD_DAYS)
def test_a_project_required_start_out_of_range_is_refused(client_for, manager, world, day):
    before = _counts()
    data = {
        "title": "Odd project",
        "service_area": world["project"].service_area_id,
        "lead_officer": "",
        "incumbent_contracts": [],
        "required_start_date": day,
        "estimated_annual_value": "",
        "estimated_term": "",
        "legislation": "",
        "route": "light_touch",
        "contract_type": "block",
        "baseline_annual_cost": "",
        "baseline_year": "",
        "notes": "",
        "funding-TOTAL_FORMS": "1",
        "funding-INITIAL_FORMS": "0",
        "funding-MIN_NUM_FORMS": "0",
        "funding-MAX_NUM_FORMS": "10",
        "funding-0-organisation": "",
        "funding-0-percent": "",
    }
    response = client_for(manager).post(reverse("commissioning:project_create"), data)
    assert OUT_OF_RANGE in _text(response)
    assert _counts() == before
    assert_pages_still_render(client_for(manager), manager)


def test_the_boundary_days_are_accepted(client_for, manager, world):
    url = reverse("commissioning:project_update", args=[world["project"].pk])
    project = world["project"]
    for day in (date(1990, 1, 1), date(2100, 12, 31)):
        data = {
            "title": project.title,
            "service_area": project.service_area_id,
            "lead_officer": "",
            "status": project.status,
            "incumbent_contracts": world["contract"].reference,
            "successor_contracts": [],
            "required_start_date": day.isoformat(),
            "estimated_annual_value": "",
            "estimated_term": "",
            "legislation": "",
            "route": "light_touch",
            "contract_type": "block",
            "baseline_annual_cost": "",
            "baseline_year": "",
            "notes": "",
            "funding-TOTAL_FORMS": "1",
            "funding-INITIAL_FORMS": "0",
            "funding-MIN_NUM_FORMS": "0",
            "funding-MAX_NUM_FORMS": "10",
            "funding-0-organisation": "",
            "funding-0-percent": "",
            "version": project.version,
        }
        response = client_for(manager).post(url, data)
        assert response.status_code == HTTPStatus.FOUND, _text(response)
        project.refresh_from_db()
        assert project.required_start_date == day
        assert_pages_still_render(client_for(manager), manager)


def _contract_data(**overrides) -> dict:
    data = {
        "reference": "NEW-1",
        "title": "New service",
        "service_area": ServiceAreaFactory().pk,
        "contract_type": "block",
        "legislation": "pcr_2015",
        "route": "light_touch",
        "lead_commissioner": OrganisationFactory(name="London Borough of Bromley").pk,
        "providers": [],
        "start_date": "2024-10-01",
        "term": "5+2+2",
        "options_exercised": "0",
        "annual_value": "2660000",
        "annual_uplift_percent": "0",
        "approved_value": "",
        "notes": "",
        "funding-TOTAL_FORMS": "1",
        "funding-INITIAL_FORMS": "0",
        "funding-MIN_NUM_FORMS": "0",
        "funding-MAX_NUM_FORMS": "10",
        "funding-0-organisation": "",
        "funding-0-percent": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("day", BAD_DAYS)
def test_a_contract_start_out_of_range_is_refused(client_for, officer, world, day):
    before = _counts()
    data = _contract_data(start_date=day, providers=world["contract"].providers.first().name)
    response = client_for(officer).post(reverse("contracts:contract_create"), data)
    assert OUT_OF_RANGE in _text(response)
    assert _counts() == before


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_option_decided_out_of_range_is_refused(client_for, officer, world, day):
    contract = world["contract"]
    url = reverse("committees:option_exercise", args=[contract.pk, 1])
    response = client_for(officer).post(url, {"decided_by": "Chief Officer", "decided_on": day}, follow=True)
    assert OUT_OF_RANGE in _text(response)
    assert not ContractOption.objects.filter(contract=contract, decided_on__isnull=False).exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_contract_change_out_of_range_is_refused(client_for, officer, world, day):
    contract = world["contract"]
    url = reverse("committees:change_create", args=[contract.pk])
    data = {
        "effective_on": day,
        "annual_value_change": "1000.00",
        "ground": provided_for_ground(contract.legislation).code,
        "description": "Price review.",
        "authority": world["decision"].reference,
    }
    assert OUT_OF_RANGE in _text(client_for(officer).post(url, data))
    assert not ContractChange.objects.exists()


@pytest.mark.parametrize("value", ["1e400", "NaN", "-Infinity", "99999999999999999", "²"])
def test_an_odd_change_to_a_contract_is_a_form_error(client_for, officer, world, value):
    contract = world["contract"]
    url = reverse("committees:change_create", args=[contract.pk])
    data = {
        "effective_on": "2027-04-01",
        "annual_value_change": value,
        "one_off_value_change": value,
        "term_change_months": value,
        "ground": "no such ground",
        "description": "Odd",
        "authority": value,
    }
    page = _text(client_for(officer).post(url, data))
    assert "The change was not recorded." in page
    assert not ContractChange.objects.exists()


@pytest.mark.parametrize("value", ["1e400", "NaN", "-Infinity", "99999999999999999", "²", "40,000"])
def test_an_odd_one_off_amount_alone_is_a_form_error(client_for, officer, world, value):
    contract = world["contract"]
    url = reverse("committees:change_create", args=[contract.pk])
    data = {
        "effective_on": "2027-04-01",
        "one_off_value_change": value,
        "ground": provided_for_ground(contract.legislation).code,
        "description": "Winter pressure.",
        "authority": world["decision"].reference,
    }
    response = client_for(officer).post(url, data)
    assert "The change was not recorded." in _text(response)
    assert response.context["form"].errors["one_off_value_change"]
    assert not ContractChange.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_meeting_dates_out_of_range_are_refused(client_for, clerk, world, day):
    before = _counts()
    url = reverse("committees:meeting_create", args=[world["committee"].pk])
    response = client_for(clerk).post(url, {"starts_at": f"{day}T19:00", "status": "scheduled"})
    assert OUT_OF_RANGE in _text(response)
    response = client_for(clerk).post(
        url, {"starts_at": "2026-12-01T19:00", "status": "scheduled", "agenda_published_on": day}
    )
    assert OUT_OF_RANGE in _text(response)
    assert _counts() == before


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_action_due_out_of_range_is_refused(client_for, clerk, world, day):
    before = _counts()
    url = reverse("committees:action_create", args=[world["part"].pk])
    prefix = f"action-{world['part'].pk}"
    response = client_for(clerk).post(
        url, {f"{prefix}-text": "Odd", f"{prefix}-owner": "Chief Officer", f"{prefix}-due_on": day}
    )
    assert OUT_OF_RANGE in _text(response)
    assert _counts() == before


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_report_date_out_of_range_is_refused(client_for, clerk, world, day):
    before = _counts()
    response = client_for(clerk).post(
        reverse("committees:report_create"),
        {
            "council": world["committee"].council_id,
            "reference": "ACH99-001",
            "title": "Odd",
            "kind": "other",
            "report_date": day,
        },
    )
    assert OUT_OF_RANGE in _text(response)
    assert _counts() == before


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_officer_decision_out_of_range_is_refused(client_for, clerk, world, day):
    before = _counts()
    response = client_for(clerk).post(
        reverse("committees:officer_decision_create"),
        {"decision_maker": "Chief Officer", "decided_on": "2026-11-01", "published_on": day, "text": "Odd"},
    )
    assert OUT_OF_RANGE in _text(response)
    assert _counts() == before


@pytest.mark.parametrize("field", ["start_date", "approved_on"])
def test_a_waiver_out_of_range_is_refused(client_for, officer, world, field):
    before = _counts()
    data = {
        "service": "Odd service",
        "service_area": world["project"].service_area_id,
        "reason": "Odd",
        "start_date": "2017-10-01",
        "term": "18m",
        "value": "1000",
        "approver": "Portfolio Holder",
        "approved_on": "2017-03-28",
        "authority": "",
    }
    data[field] = "0001-01-01"
    response = client_for(officer).post(reverse("commissioning:waiver_create"), data)
    assert OUT_OF_RANGE in _text(response)
    assert _counts() == before


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_project_step_out_of_range_is_refused(client_for, officer, world, day):
    project = world["project"]
    CommissioningProject.objects.filter(pk=project.pk).update(estimated_annual_value=Decimal("1000000"))
    rule = RequiredStep.objects.create(
        name="Forward-plan notice",
        kind="forward_plan_notice",
        above_value=Decimal("0"),
        before_gateway=Gateway.objects.get(number=1),
        days_before=28,
    )
    response = client_for(officer).post(
        reverse("commissioning:project_step_add", args=[project.pk]), {"rule": rule.pk, "done_on": day}
    )
    assert OUT_OF_RANGE in _text(response)
    assert not ProjectStep.objects.exists()


# --- the services refuse them too (the admin, the importer and the demo data write through them) --


def test_the_services_refuse_dates_out_of_range(world):
    contract = world["contract"]
    with pytest.raises(ValidationError) as raised:
        project_services.project_create(
            title="Odd", service_area=ServiceAreaFactory(), required_start_date=date(1, 1, 1)
        )
    assert raised.value.message_dict == {"required_start_date": [OUT_OF_RANGE]}
    with pytest.raises(ValidationError) as raised:
        ContractFactory(start_date=date(9999, 1, 1), term="1")
    assert "start_date" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        committee_services.meeting_create(committee=world["committee"], starts_at=at(date(2101, 1, 1)))
    assert raised.value.message_dict == {"starts_at": [OUT_OF_RANGE]}
    with pytest.raises(ValidationError) as raised:
        committee_services.action_add(part=world["part"], text="Odd", owner="Chief Officer", due_on=date(9999, 1, 1))
    assert raised.value.message_dict == {"due_on": [OUT_OF_RANGE]}
    with pytest.raises(ValidationError) as raised:
        committee_services.officer_decision_record(
            decision_maker="Chief Officer",
            decided_on=date(1, 1, 1),
            text="Odd",
            today=TODAY,
            reasons="Odd",
            alternatives_rejected="None considered.",
        )
    assert raised.value.message_dict == {"decided_on": [OUT_OF_RANGE]}
    option = contract.options.get(order=1)
    with pytest.raises(ValidationError):
        contract_services.option_exercise(
            option=option, decided_by="Chief Officer", decided_on=date(1, 1, 1), note="", today=TODAY
        )
    option.refresh_from_db()
    assert option.decided_on is None


# --- old data: a date stored before the rule existed ---------------------------------------------


@pytest.mark.parametrize("day", [date.min, date.max])
def test_an_extreme_date_already_stored_does_not_break_the_pages(client, manager, world, day):
    CommissioningProject.objects.filter(pk=world["project"].pk).update(required_start_date=day)
    Action.objects.update(due_on=day)
    OfficerDecision.objects.update(decided_on=day)
    Report.objects.update(report_date=day)
    Meeting.objects.update(starts_at=datetime.combine(day, time(12), tzinfo=UTC))
    if day == date.min:  # (a start after the stored end is refused by the database)
        Contract.objects.update(start_date=day)
    assert_pages_still_render(client, manager)
    assert _text(client.get(world["project"].get_absolute_url()))
    assert _text(client.get(world["meeting"].get_absolute_url()))
    assert _text(client.get(reverse("committees:action_list")))
    assert _text(client.get(world["contract"].get_absolute_url()))


# --- "as of" in the query string ------------------------------------------------------------------


AS_OF_PAGES = {
    "home": lambda w: reverse("home"),
    "pipeline": lambda w: reverse("commissioning:pipeline"),
    "project_list": lambda w: reverse("commissioning:project_list"),
    "project_detail": lambda w: w["project"].get_absolute_url(),
    "contract_list": lambda w: reverse("contracts:contract_list"),
    "contract_detail": lambda w: w["contract"].get_absolute_url(),
    "provider_detail": lambda w: reverse("contracts:provider_detail", args=[w["contract"].providers.first().pk]),
    "organisation_detail": lambda w: reverse(
        "contracts:organisation_detail", args=[w["contract"].lead_commissioner_id]
    ),
    "committee_list": lambda w: reverse("committees:committee_list"),
    "committee_detail": lambda w: reverse("committees:committee_detail", args=[w["committee"].pk]),
    "meeting_calendar": lambda w: reverse("committees:meeting_calendar"),
    "meeting_detail": lambda w: w["meeting"].get_absolute_url(),
    "action_list": lambda w: reverse("committees:action_list"),
    "delegation_list": lambda w: reverse("committees:delegation_list"),
}


@pytest.mark.parametrize("raw", ["9999-12-31", "0001-01-01", "abc", "2026-02-30", "1989-12-31", "2026-11-22\x00"])
@pytest.mark.parametrize("page", sorted(AS_OF_PAGES))
def test_a_bad_as_of_shows_today_with_a_warning(client_for, manager, world, page, raw):
    url = AS_OF_PAGES[page](world)
    text = _text(client_for(manager).get(url, {"as_of": raw}))
    shown = raw.replace("\x00", "")
    assert f'"{shown}" is not a date between 1 Jan 1990 and 31 Dec 2100; showing today.' in text


@pytest.mark.parametrize("page", sorted(AS_OF_PAGES))
def test_a_good_as_of_gives_no_warning(client_for, manager, world, page):
    url = AS_OF_PAGES[page](world)
    text = _text(client_for(manager).get(url, {"as_of": "2025-06-30"}))
    assert "is not a date between" not in text


def test_a_bad_as_of_on_a_page_shows_todays_figures(client_for, manager, world):
    client = client_for(manager)
    today = _text(client.get(world["contract"].get_absolute_url()))
    odd = _text(client.get(world["contract"].get_absolute_url(), {"as_of": "9999-12-31"}))
    assert odd.replace('"9999-12-31" is not a date between 1 Jan 1990 and 31 Dec 2100; showing today.', "").split() == (
        today.split()
    )


@pytest.mark.parametrize("raw", ["9999-12-31", "0001-01-01", "abc"])
def test_a_bad_as_of_on_a_download_gives_todays_figures(client_for, manager, world, raw):
    response = client_for(manager).get(reverse("contracts:contract_export"), {"as_of": raw})
    assert response.status_code == HTTPStatus.OK
    assert f"contracts-{TODAY:%Y-%m-%d}.csv" in response["Content-Disposition"]
    response = client_for(manager).get(reverse("dashboard_export", args=["actions", "csv"]), {"as_of": raw})
    assert response.status_code == HTTPStatus.OK
    assert f"actions-{TODAY:%Y-%m-%d}.csv" in response["Content-Disposition"]


# --- numbers that are not numbers ----------------------------------------------------------------


@pytest.mark.parametrize("number", ["²", "7\x00", "٣", "7 ½"])
def test_an_item_number_a_clerk_could_not_mean_is_refused(client_for, clerk, world, number):
    meeting = world["meeting"]
    before = _counts()
    response = client_for(clerk).post(
        reverse("committees:item_create", args=[meeting.pk]), {"number": number, "title": "Odd"}
    )
    text = _text(response)
    assert "The agenda item was not added." in text
    assert _counts() == before
    assert _text(client_for(clerk).get(meeting.get_absolute_url()))


@pytest.mark.parametrize("number", ["8", "8a", "(ii)", "12.3"])
def test_the_numbers_clerks_write_are_accepted(client_for, clerk, world, number):
    meeting = world["meeting"]
    client_for(clerk).post(reverse("committees:item_create", args=[meeting.pk]), {"number": number, "title": "Next"})
    assert AgendaItem.objects.filter(meeting=meeting, number=number).exists()


def test_a_part_number_a_clerk_could_not_mean_is_refused(client_for, clerk, world):
    item, meeting = world["item"], world["meeting"]
    prefix = f"part-{item.pk}"
    before = _counts()
    response = client_for(clerk).post(
        reverse("committees:part_create", args=[meeting.pk, item.pk]),
        {f"{prefix}-number": "²", f"{prefix}-kind": "note", f"{prefix}-text": "Noted."},
    )
    assert "Use plain letters, digits and brackets" in _text(response)
    assert _counts() == before


def test_an_odd_item_number_already_stored_does_not_break_the_meeting_page(client_for, clerk, world):
    AgendaItem.objects.filter(pk=world["item"].pk).update(number="²")
    text = _text(client_for(clerk).get(world["meeting"].get_absolute_url()))
    assert "Support at home" in text


# --- NUL bytes and junk in the query string --------------------------------------------------------


JUNK = ["\x00", "a\x00b", "²", "٣", "9" * 30, "-1", "'\"<>", "%00"]


@pytest.mark.parametrize("junk", JUNK)
def test_search_survives_junk(client_for, clerk, world, junk):
    response = client_for(clerk).get(reverse("search"), {"q": junk})
    assert "Search" in _text(response)


def test_search_drops_nul_bytes_and_still_finds(client_for, clerk, world):
    text = _text(client_for(clerk).get(reverse("search"), {"q": "Supp\x00ort"}))
    assert "Support at home" in text


QUERY_PAGES = {
    "contract_list": (
        lambda w: reverse("contracts:contract_list"),
        ["page", "sort", "q", "status", "final_end_within"],
    ),
    "provider_list": (lambda w: reverse("contracts:provider_list"), ["page"]),
    "organisation_list": (lambda w: reverse("contracts:organisation_list"), ["page"]),
    "meeting_calendar": (lambda w: reverse("committees:meeting_calendar"), ["month"]),
    "report_list": (lambda w: reverse("committees:report_list"), ["page", "q"]),
    "action_list": (lambda w: reverse("committees:action_list"), ["page", "status"]),
    "delegation_list": (lambda w: reverse("committees:delegation_list"), ["show", "page"]),
    "project_list": (lambda w: reverse("commissioning:project_list"), ["page", "status"]),
    "pipeline": (lambda w: reverse("commissioning:pipeline"), ["needing"]),
    "waiver_list": (lambda w: reverse("commissioning:waiver_list"), ["page"]),
    "home": (lambda w: reverse("home"), ["year"]),
    "search": (lambda w: reverse("search"), ["q", "kind", "page"]),
}


@pytest.mark.parametrize("junk", JUNK)
@pytest.mark.parametrize("page", sorted(QUERY_PAGES))
def test_list_pages_survive_junk_in_the_query_string(client_for, manager, world, page, junk):
    url, names = QUERY_PAGES[page]
    response = client_for(manager).get(url(world), {name: junk for name in names})
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("junk", JUNK)
def test_forms_that_read_the_query_string_survive_junk(client_for, officer, clerk, world, junk):
    assert client_for(officer).get(reverse("commissioning:project_create"), {"contract": junk}).status_code == 200
    assert client_for(officer).get(reverse("commissioning:waiver_create"), {"contract": junk}).status_code == 200
    response = client_for(clerk).get(reverse("committees:officer_decision_create"), {"delegation": junk})
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("junk", ["part:²", "officer:²", "part:" + "9" * 30, "part:\x00"])
def test_an_odd_authority_on_an_option_decision_is_not_a_crash(client_for, officer, world, junk):
    contract = world["contract"]
    url = reverse("committees:option_exercise", args=[contract.pk, 1])
    response = client_for(officer).post(
        url, {"decided_by": "Chief Officer", "decided_on": "2026-11-01", "authority": junk}, follow=True
    )
    assert response.status_code == HTTPStatus.OK


def test_a_nul_byte_in_a_form_is_refused_with_a_message(client_for, officer, world):
    before = _counts()
    data = _contract_data(title="New\x00service", providers=world["contract"].providers.first().name)
    response = client_for(officer).post(reverse("contracts:contract_create"), data)
    assert "Null characters are not allowed." in _text(response)
    assert _counts() == before


# --- no date field escapes the rule ------------------------------------------------------------------


def _subclasses(cls) -> set:
    return {cls, *(grand for sub in cls.__subclasses__() for grand in _subclasses(sub))}


APPS = ("contracts", "committees", "commissioning")


def test_every_date_field_on_every_form_keeps_to_the_range():
    for module in ("contracts.forms", "committees.forms", "committees.change_forms", "commissioning.projects.forms"):
        importlib.import_module(module)  # loaded, so that their forms are found
    forms_of_the_app = [form for form in _subclasses(forms.BaseForm) if form.__module__.split(".")[0] in APPS]
    checked = []
    for form in forms_of_the_app:
        for name, field in form.base_fields.items():
            if isinstance(field, forms.DateField | forms.DateTimeField):
                assert dates.check_in_range in field.validators, f"{form.__name__}.{name}"
                checked.append(f"{form.__name__}.{name}")
    assert {"ContractForm.start_date", "ProjectForm.required_start_date", "MeetingForm.starts_at"} <= set(checked)
    assert len(checked) >= 15  # every date field of the forms today


# Dates the app writes itself, never typed: the day a reminder was due, when a feed was revoked.
# Written by the app, never typed in: reminders sent, feeds, and the figures kept for SQL (spans of days
# from date.min to date.max by design).
NOT_ENTERED = {"ReminderSent", "CalendarFeed", "ContractFigures"}


def test_every_model_holding_an_entered_date_checks_the_range():
    for model in django_apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical"):
            continue
        entered = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.DateField) and field.editable
        ]
        if entered and model.__name__ not in NOT_ENTERED:
            assert issubclass(model, dates.DatesInRange), f"{model.__name__}: {entered}"


# --- the commands use the same range ------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_commands_refuse_days_outside_the_range(day):
    with pytest.raises(CommandError, match="is not a date between 1 Jan 1990 and 31 Dec 2100"):
        call_command("export_contracts", "--as-of", day, stdout=io.StringIO())
    with pytest.raises(CommandError, match="is not a date between 1 Jan 1990 and 31 Dec 2100"):
        call_command("send_reminders", "--today", day, stdout=io.StringIO())


def test_reminders_look_at_most_a_year_ahead():
    with pytest.raises(CommandError, match="Look at most 366 days ahead"):
        call_command("send_reminders", "--days", "1000000000", stdout=io.StringIO())


@pytest.mark.parametrize("order", ["9" * 30, "²"])
def test_an_odd_option_number_on_a_decision_is_a_form_error(client_for, clerk, world, order):
    before = _counts()
    response = client_for(clerk).post(
        reverse("committees:officer_decision_create"),
        {
            "decision_maker": "Chief Officer",
            "decided_on": "2026-11-01",
            "text": "Odd",
            "reasons": "Odd",
            "alternatives_rejected": "None considered.",
            "contract": world["contract"].reference,
            "effect": "exercise_option",
            "option_order": order,
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert _counts() == before


@pytest.mark.parametrize("year", ["0", "1989", "2101", "32767"])
def test_a_baseline_year_outside_the_range_is_refused(client_for, manager, world, year):
    project = world["project"]
    data = {
        "title": project.title,
        "service_area": project.service_area_id,
        "lead_officer": "",
        "status": project.status,
        "incumbent_contracts": world["contract"].reference,
        "successor_contracts": [],
        "required_start_date": "",
        "estimated_annual_value": "",
        "estimated_term": "",
        "legislation": "",
        "route": "light_touch",
        "contract_type": "block",
        "baseline_annual_cost": "",
        "baseline_year": year,
        "notes": "",
        "funding-TOTAL_FORMS": "1",
        "funding-INITIAL_FORMS": "0",
        "funding-MIN_NUM_FORMS": "0",
        "funding-MAX_NUM_FORMS": "10",
        "funding-0-organisation": "",
        "funding-0-percent": "",
    }
    response = client_for(manager).post(reverse("commissioning:project_update", args=[project.pk]), data)
    assert "Ensure this value is" in _text(response)
    project.refresh_from_db()
    assert project.baseline_year is None
