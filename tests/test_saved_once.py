"""Every create form saves once, however many times the browser sends it
(commissioning.core.once): the second post of the same form is redirected to
what the first saved, with "This was already saved", and the database holds
one record.

Each case reads the form from its page as a browser would (with its hidden
one-time token), fills in what a user would, and posts it twice.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from commissioning.core import once
from commissioning.core.models import SavedForm
from commissioning.projects.models import (
    AppraisedOption,
    CommissioningProject,
    Gateway,
    GatewayDecision,
    ProjectStep,
    RequiredStep,
    Waiver,
)
from committees import services as committee_services
from committees.models import (
    Action,
    AgendaItem,
    Committee,
    Meeting,
    OfficerDecision,
    Report,
    ReportFile,
    ResolutionPart,
)
from contracts import services as contract_services
from contracts.changes import provided_for_ground
from contracts.models import Contract, ContractChange, ContractOption, Kpi, KpiAssessment, MonitoringRecord, SpendRecord
from tests.commissioning.test_views import decision_part, support_at_home
from tests.committees.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    OfficerDecisionFactory,
    ReportFactory,
    ResolutionPartFactory,
)
from tests.conftest import ContractFactory, OrganisationFactory, ProviderFactory, ServiceAreaFactory
from tests.edit_forms import browser_form

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Page:
    url: str  # the page that shows the form
    action: str  # where the form posts; "" for its own page
    fill: dict  # what the user types or chooses
    count: Callable[[], int]  # the records the form makes
    files: Callable[[], dict] = dict  # a fresh upload for each post


def _committee():
    council = OrganisationFactory(name="London Borough of Bromley")
    return Page(
        reverse("committees:committee_create"),
        "",
        {"council": council.pk, "name": "Executive", "kind": "executive"},
        Committee.objects.count,
    )


def _meeting():
    committee = CommitteeFactory()
    return Page(
        reverse("committees:meeting_create", args=[committee.pk]),
        "",
        {"starts_at": "2026-12-09T19:00", "venue": "Bromley Civic Centre"},
        Meeting.objects.count,
    )


def _report():
    council = OrganisationFactory(name="London Borough of Bromley")
    return Page(
        reverse("committees:report_create"),
        "",
        {"council": council.pk, "reference": "ACH26-001", "title": "Home care retender"},
        Report.objects.count,
    )


def _item():
    meeting = AgendaItemFactory(number="1").meeting
    return Page(
        meeting.get_absolute_url(),
        reverse("committees:item_create", args=[meeting.pk]),
        {"number": "8", "title": "Home care"},
        AgendaItem.objects.count,
    )


def _part():
    item = AgendaItemFactory()
    return Page(
        f"{item.meeting.get_absolute_url()}?open=add-part-{item.pk}",
        reverse("committees:part_create", args=[item.meeting.pk, item.pk]),
        {f"part-{item.pk}-number": "iv", f"part-{item.pk}-kind": "note", f"part-{item.pk}-text": "Noted."},
        ResolutionPart.objects.count,
    )


def _action():
    part = ResolutionPartFactory()
    prefix = f"action-{part.pk}"
    return Page(
        f"{part.item.meeting.get_absolute_url()}?open=add-action-{part.pk}",
        reverse("committees:action_create", args=[part.pk]),
        {f"{prefix}-text": "Report back", f"{prefix}-owner": "Head of Commissioning", f"{prefix}-due_on": "2027-01-01"},
        Action.objects.count,
    )


def _report_file():
    report = ReportFactory()
    return Page(
        report.get_absolute_url(),
        reverse("committees:report_file_create", args=[report.pk]),
        {"title": "Gateway 1 report"},
        ReportFile.objects.count,
        files=lambda: {"file": SimpleUploadedFile("gateway.pdf", b"%PDF-1.7\n%...", content_type="application/pdf")},
    )


def _officer_decision():
    return Page(
        reverse("committees:officer_decision_create"),
        "",
        {
            "decision_maker": "Chief Officer",
            "decided_on": "2026-11-21",
            "text": "Approved the first extension.",
            "reasons": "KPIs met.",
            "alternatives_rejected": "None considered.",
        },
        OfficerDecision.objects.count,
    )


def _contract():
    return Page(
        reverse("contracts:contract_create"),
        "",
        {
            "reference": "NEW-1",
            "title": "New service",
            "service_area": ServiceAreaFactory(name="Mental health").pk,
            "contract_type": "block",
            "legislation": "pa_2023",
            "route": "light_touch",
            "lead_commissioner": OrganisationFactory(name="London Borough of Bromley").pk,
            "providers": ProviderFactory(name="Hestia Housing and Support").name,
            "start_date": "2024-10-01",
            "term": "5+2+2",
            "annual_value": "2660000",
        },
        Contract.objects.count,
    )


def _spend():
    contract = ContractFactory()
    return Page(
        contract.get_absolute_url(),
        reverse("contracts:spend_create", args=[contract.pk]),
        {"financial_year": "2025", "amount": "90000"},
        SpendRecord.objects.count,
    )


def _kpi():
    contract = ContractFactory()
    return Page(
        reverse("contracts:kpi_create", args=[contract.pk]),
        "",
        {
            "name": "Visits on time",
            "measure": "Visits started within 15 minutes of the time agreed.",
            "target": "95%",
            "frequency": "quarterly",
            "evidence_source": "Electronic call monitoring",
        },
        Kpi.objects.count,
    )


def _monitoring():
    contract = ContractFactory()
    return Page(
        reverse("contracts:monitoring_create", args=[contract.pk]),
        "",
        {
            "kind": "visit",
            "held_on": "2026-11-02",
            "title": "Unannounced visit",
            "carried_out_by": "Contract Compliance Officer",
            "findings": "Care plans up to date.",
        },
        MonitoringRecord.objects.count,
    )


def _kpi_assessment():
    kpi = contract_services.kpi_create(
        contract=ContractFactory(),
        name="Visits on time",
        measure="Visits started within 15 minutes of the time agreed.",
        target="95%",
        frequency="quarterly",
        evidence_source="Electronic call monitoring",
    )
    return Page(
        reverse("contracts:kpi_assessment_create", args=[kpi.pk]),
        "",
        {"period_start": "2026-07-01", "period_end": "2026-09-30", "rating": "good", "assessed_on": "2026-10-10"},
        KpiAssessment.objects.count,
    )


def _option_exercise():
    contract = ContractFactory(start_date=date(2021, 12, 1))
    url = reverse("committees:option_exercise", args=[contract.pk, 1])
    return Page(
        url,
        "",
        {"decided_by": "Chief Officer", "decided_on": "2026-06-01"},
        lambda: ContractOption.objects.filter(status=ContractOption.Status.EXERCISED).count(),
    )


def _contract_change():
    contract = ContractFactory(start_date=date(2024, 10, 1))
    decision = OfficerDecisionFactory(decided_on=date(2026, 11, 2))
    return Page(
        reverse("committees:change_create", args=[contract.pk]),
        "",
        {
            "effective_on": "2027-04-01",
            "annual_value_change": "1000.00",
            "ground": provided_for_ground(contract.legislation).code,
            "description": "Price review.",
            "authority": decision.reference,
        },
        ContractChange.objects.count,
    )


def _project():
    return Page(
        reverse("commissioning:project_create"),
        "",
        {
            "title": "New project",
            "service_area": ServiceAreaFactory().pk,
            "route": "light_touch",
            "required_start_date": "2028-04-01",
        },
        CommissioningProject.objects.count,
    )


def _waiver():
    return Page(
        reverse("commissioning:waiver_create"),
        "",
        {
            "service": "Mental Health Flexible Support Service",
            "service_area": ServiceAreaFactory().pk,
            "reason": "Exempt from tender for 18 months.",
            "start_date": "2017-10-01",
            "term": "18m+6m",
            "value": "478500",
            "approver": "Portfolio Holder for Care Services",
            "approved_on": "2017-03-28",
        },
        Waiver.objects.count,
    )


def _gateway():
    project = support_at_home()
    part = decision_part(date(2022, 6, 29), contracts=list(project.incumbent_contracts.all()))
    return Page(
        project.get_absolute_url(),
        reverse("commissioning:gateway_pass", args=[project.pk]),
        {"gateway": Gateway.objects.get(number=0).pk, "decision": f"part:{part.pk}"},
        GatewayDecision.objects.count,
    )


def _step():
    rule = RequiredStep.objects.create(
        name="Forward-plan notice",
        kind="forward_plan_notice",
        above_value=0,
        before_gateway=Gateway.objects.get(number=1),
        days_before=28,
    )
    project = support_at_home()
    return Page(
        project.get_absolute_url(),
        reverse("commissioning:project_step_add", args=[project.pk]),
        {"rule": rule.pk, "done_on": "2026-01-01"},
        ProjectStep.objects.count,
    )


def _appraised_option():
    project = support_at_home()
    return Page(
        project.get_absolute_url(),
        reverse("commissioning:appraised_option_add", args=[project.pk]),
        {"description": "Bring it in-house", "outcome": "considered"},
        AppraisedOption.objects.count,
    )


CREATE_PAGES = {
    "committee": ("clerk", _committee),
    "meeting": ("clerk", _meeting),
    "report": ("clerk", _report),
    "agenda item": ("clerk", _item),
    "resolution part": ("clerk", _part),
    "action": ("clerk", _action),
    "report file": ("clerk", _report_file),
    "officer decision": ("clerk", _officer_decision),
    "contract": ("officer", _contract),
    "spend": ("officer", _spend),
    "KPI": ("officer", _kpi),
    "KPI assessment": ("officer", _kpi_assessment),
    "monitoring record": ("officer", _monitoring),
    "option exercised": ("officer", _option_exercise),
    "contract change": ("officer", _contract_change),
    "project": ("manager", _project),
    "waiver": ("manager", _waiver),
    "gateway passed": ("officer", _gateway),
    "project step": ("officer", _step),
    "appraised option": ("officer", _appraised_option),
}


def _as_browser_posts(page: Page, html: str) -> dict:
    data = browser_form(html, action=page.action)
    for name, value in page.fill.items():
        data[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return data


@pytest.mark.parametrize("name", CREATE_PAGES)
def test_a_create_form_sent_twice_saves_once(request, client_for, settings, tmp_path, name):
    settings.MEDIA_ROOT = tmp_path
    role, make = CREATE_PAGES[name]
    client = client_for(request.getfixturevalue(role))
    page = make()
    before = page.count()
    data = _as_browser_posts(page, client.get(page.url).content.decode())
    assert data[once.FIELD][0], "the form carries its one-time token"
    post_to = page.action or page.url

    first = client.post(post_to, {**data, **page.files()})
    assert first.status_code == HTTPStatus.FOUND, first.content.decode()[:3000]
    assert page.count() == before + 1

    second = client.post(post_to, {**data, **page.files()})
    assert second.status_code == HTTPStatus.FOUND
    assert second.url == first.url
    assert page.count() == before + 1
    shown = client.get(second.url).content.decode()
    assert once.ALREADY_SAVED in shown


def test_a_form_with_errors_leaves_its_token_for_the_corrected_form(client_for, clerk):
    client = client_for(clerk)
    page = _report()
    data = _as_browser_posts(page, client.get(page.url).content.decode())
    refused = client.post(page.url, {**data, "title": ""})
    assert refused.status_code == HTTPStatus.OK
    assert "This field is required." in refused.content.decode()
    assert not SavedForm.objects.exists() and not Report.objects.exists()

    saved = client.post(page.url, data)
    assert saved.status_code == HTTPStatus.FOUND
    report = Report.objects.get()
    assert saved.url == report.get_absolute_url()
    assert SavedForm.objects.get().saved_to == report.get_absolute_url()


def test_a_refused_spend_leaves_its_token_unused(client_for, officer):
    # The spend form shows its errors on the contract page it redirects to.
    client = client_for(officer)
    page = _spend()
    data = _as_browser_posts(page, client.get(page.url).content.decode())
    client.post(page.action, {**data, "amount": "-5"})
    assert not SpendRecord.objects.exists() and not SavedForm.objects.exists()
    client.post(page.action, data)
    assert SpendRecord.objects.count() == 1


def test_two_forms_read_separately_save_two_records(client_for, clerk):
    client = client_for(clerk)
    page = _item()
    first = _as_browser_posts(page, client.get(page.url).content.decode())
    second = _as_browser_posts(page, client.get(page.url).content.decode())
    assert first[once.FIELD] != second[once.FIELD]
    client.post(page.action, first)
    client.post(page.action, {**second, "number": "9"})
    assert AgendaItem.objects.count() == 3


def test_an_altered_token_protects_nothing_and_breaks_nothing(client_for, clerk):
    client = client_for(clerk)
    page = _report()
    data = _as_browser_posts(page, client.get(page.url).content.decode())
    data[once.FIELD] = ["not-a-signed-token"]
    assert client.post(page.url, data).status_code == HTTPStatus.FOUND
    assert Report.objects.count() == 1
    assert not SavedForm.objects.exists()


def test_a_token_is_not_honoured_for_another_user(client, clerk, django_user_model):
    # Someone else's token cannot send you to what they saved, nor stop you saving.
    client.force_login(clerk)
    page = _report()
    data = _as_browser_posts(page, client.get(page.url).content.decode())
    client.post(page.url, data)
    other = django_user_model.objects.create_user(username="other", password="pw")
    other.groups.add(*clerk.groups.all())
    client.force_login(other)
    response = client.post(page.url, {**data, "reference": "ACH26-002"})
    report = Report.objects.get(reference="ACH26-002")
    assert response.url == report.get_absolute_url()
    assert Report.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_the_same_moment_saves_once(clerk, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole file, so two saves never overlap; run with DATABASE_URL=postgres://…")
    page = _committee()
    first_client, second_client = Client(), Client()
    for client in (first_client, second_client):
        client.force_login(clerk)
    data = _as_browser_posts(page, first_client.get(page.url).content.decode())

    first_inside = threading.Event()
    original = committee_services.committee_create

    def slow_create(**kwargs):
        # The first request holds its token's row while the second arrives.
        first_inside.set()
        time.sleep(1)
        return original(**kwargs)

    monkeypatch.setattr(committee_services, "committee_create", slow_create)
    responses = {}

    def post(name, client):
        try:
            responses[name] = client.post(page.url, data)
        finally:
            connection.close()

    first = threading.Thread(target=post, args=("first", first_client))
    first.start()
    assert first_inside.wait(10)
    second = threading.Thread(target=post, args=("second", second_client))
    second.start()
    first.join(20)
    second.join(20)

    committee = Committee.objects.get()
    assert responses["first"].url == responses["second"].url == committee.get_absolute_url()
    assert once.ALREADY_SAVED in second_client.get(responses["second"].url).content.decode()
