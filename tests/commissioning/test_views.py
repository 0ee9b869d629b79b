from datetime import date, datetime
from decimal import Decimal
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissioning.projects import services
from commissioning.projects.contract_facts import contract_procurement_facts
from commissioning.projects.models import (
    AppraisedOption,
    ApprovalRoute,
    CommissioningProject,
    Gateway,
    GatewayDecision,
    ProjectStep,
    RequiredStep,
    Waiver,
)
from committees import services as committee_services
from committees.models import Report
from contracts.models import Contract
from contracts.selectors import contract_detail, contract_queryset_for_detail
from contracts.services import Share, figures_of
from tests.conftest import (
    TODAY,
    ContractFactory,
    OrganisationFactory,
    ProviderFactory,
    ServiceAreaFactory,
    required_start,
)


def _procurement_facts(contract):
    figures = figures_of(contract, list(contract.options.all()), today=TODAY)
    return contract_procurement_facts(contract=contract, figures=figures, today=TODAY)


def _procurement_html(contract, facts):
    detail = contract_detail(contract=contract_queryset_for_detail().get(pk=contract.pk), today=TODAY)
    return render_to_string(
        "contracts/_procurement.html", {"contract": contract, "detail": detail, "procurement_facts": facts}
    )


pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


# --- builders --------------------------------------------------------------------------------


def incumbents():
    """The two contracts support@home replaced, both ending on 30 Sep 2024."""
    return [
        ContractFactory(
            reference="LBB-MHFSS-2019",
            title="Mental Health Flexible Support Service",
            start_date=date(2019, 10, 1),
            term="3+2",
            options_exercised=1,
            annual_value=Decimal("319000"),
        ),
        ContractFactory(
            reference="SELICB-AMH-RSA-2019",
            title="Residential and Supported Accommodation",
            start_date=date(2019, 4, 1),
            term="66m",
            annual_value=Decimal("1432000"),
        ),
    ]


def support_at_home(contracts=None, **extra):
    values = dict(
        title="support@home",
        service_area=ServiceAreaFactory(),
        incumbent_contracts=contracts if contracts is not None else incumbents(),
        estimated_annual_value=Decimal("2660000"),
        estimated_term="5+2+2",
    )
    values.update(extra)
    return services.project_create(**values)


def decision_part(day: date, *, contracts=(), kind="approve", committee_name="Executive", report=None, number="i"):
    council = OrganisationFactory(name="London Borough of Bromley")
    committee = council.committees.filter(name=committee_name).first() or committee_services.committee_create(
        council=council, name=committee_name, kind="executive"
    )
    meeting = committee.meetings.filter(starts_at__date=day).first() or committee_services.meeting_create(
        committee=committee, starts_at=datetime(day.year, day.month, day.day, 19, tzinfo=LONDON)
    )
    item = meeting.items.filter(number="7").first() or committee_services.agenda_item_add(
        meeting=meeting, number="7", title="Gateway report", report=report
    )
    extra = {}
    if kind == "recommend":
        extra["recommended_to"] = committee
    return committee_services.resolution_part_add(
        meeting=meeting,
        item=item,
        number=number,
        kind=kind,
        text="Resolved.",
        links=[committee_services.LinkInput(contract=c, effect="approve_tender") for c in contracts],
        **extra,
    )


def pass_gateway(project, number, day):
    part = decision_part(day, contracts=list(project.incumbent_contracts.all()), number=f"{project.pk}.{number}")
    return services.gateway_pass(
        project=project, gateway=Gateway.objects.get(number=number), decision=part, today=TODAY
    )


def html_of(response) -> str:
    return response.content.decode()


# --- who may see and change what -------------------------------------------------------------


def test_it_requires_login(client):
    response = client.get(reverse("commissioning:pipeline"))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


READS = ["pipeline", "project_list", "project_detail", "waiver_list"]
WRITE_PAGES = ["project_create", "project_update", "waiver_create"]


@pytest.mark.parametrize(
    ("role", "url_name", "expected"),
    [
        *[("officer", name, HTTPStatus.OK) for name in READS + WRITE_PAGES],
        *[("manager", name, HTTPStatus.OK) for name in READS + WRITE_PAGES],
        *[("clerk", name, HTTPStatus.OK) for name in READS],
        *[("clerk", name, HTTPStatus.FORBIDDEN) for name in WRITE_PAGES],
        ("nobody", "pipeline", HTTPStatus.FORBIDDEN),
        ("nobody", "project_list", HTTPStatus.FORBIDDEN),
        ("nobody", "waiver_list", HTTPStatus.FORBIDDEN),
        ("nobody", "project_create", HTTPStatus.FORBIDDEN),
        ("nobody", "waiver_create", HTTPStatus.FORBIDDEN),
        ("nobody", "project_detail", HTTPStatus.NOT_FOUND),
        ("nobody", "project_update", HTTPStatus.NOT_FOUND),
    ],
)
def test_roles_see_and_change_what_they_should(request, client_for, role, url_name, expected):
    project = support_at_home()
    args = [project.pk] if url_name in {"project_detail", "project_update"} else []
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse(f"commissioning:{url_name}", args=args)).status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [("clerk", HTTPStatus.FORBIDDEN), ("nobody", HTTPStatus.NOT_FOUND)],
)
@pytest.mark.parametrize("url_name", ["gateway_pass", "appraised_option_add", "project_step_add"])
def test_only_officers_and_managers_record_on_a_project(request, client_for, role, expected, url_name):
    project = support_at_home()
    part = decision_part(date(2022, 6, 29), contracts=list(project.incumbent_contracts.all()))
    data = {
        "gateway_pass": {"gateway": Gateway.objects.get(number=0).pk, "decision": f"part:{part.pk}"},
        "appraised_option_add": {"description": "Bring it in-house", "outcome": "considered"},
        "project_step_add": {"rule": "", "done_on": "2022-01-01"},
    }[url_name]
    response = client_for(request.getfixturevalue(role)).post(
        reverse(f"commissioning:{url_name}", args=[project.pk]), data
    )
    assert response.status_code == expected
    assert not GatewayDecision.objects.exists()
    assert not AppraisedOption.objects.exists()


def test_a_clerk_cannot_start_a_project_or_record_a_waiver(client_for, clerk):
    client = client_for(clerk)
    assert client.post(reverse("commissioning:project_create"), {"title": "X"}).status_code == HTTPStatus.FORBIDDEN
    assert client.post(reverse("commissioning:waiver_create"), {"service": "X"}).status_code == HTTPStatus.FORBIDDEN
    assert not CommissioningProject.objects.exists()
    assert not Waiver.objects.exists()


def test_a_missing_project_is_404(client_for, officer):
    assert (
        client_for(officer).get(reverse("commissioning:project_detail", args=[999])).status_code == HTTPStatus.NOT_FOUND
    )


def test_recording_needs_post(client_for, officer):
    project = support_at_home()
    response = client_for(officer).get(reverse("commissioning:gateway_pass", args=[project.pk]))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- starting and editing a project ------------------------------------------------------------


def _project_data(**overrides):
    data = {
        "title": "New project",
        "service_area": ServiceAreaFactory().pk,
        "lead_officer": "",
        "incumbent_contracts": [],
        "required_start_date": "",
        "estimated_annual_value": "",
        "estimated_term": "",
        "legislation": "",
        "route": "light_touch",
        "contract_type": "block",
        "baseline_annual_cost": "",
        "baseline_year": "",
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


@pytest.mark.parametrize("role", ["officer", "manager"])
def test_starting_a_project_from_a_contract_prefills_it(request, client_for, role):
    bromley = OrganisationFactory(name="London Borough of Bromley")
    icb = OrganisationFactory(name="South East London ICB", kind="icb")
    contract = ContractFactory(
        reference="LBB-MHFSS-2019",
        title="Mental Health Flexible Support Service",
        start_date=date(2019, 10, 1),
        term="3+2",
        options_exercised=1,
        annual_value=Decimal("319000"),
        lead_commissioner=bromley,
        funding=[Share(bromley, Decimal("50")), Share(icb, Decimal("50"))],
    )
    client = client_for(request.getfixturevalue(role))
    url = reverse("commissioning:project_create") + f"?contract={contract.pk}"

    form = client.get(url).context["form"]
    assert form.initial["title"] == "Re-commissioning: Mental Health Flexible Support Service"
    assert form.initial["incumbent_contracts"] == [contract.pk]
    assert form.initial["estimated_annual_value"] == Decimal("319000.00")
    assert form.initial["estimated_term"] == "3+2"
    html = html_of(client.get(url))
    assert 'value="Re-commissioning: Mental Health Flexible Support Service"' in html
    assert 'value="319000.00"' in html

    response = client.post(
        url,
        _project_data(
            title=form.initial["title"],
            service_area=contract.service_area_id,
            incumbent_contracts=contract.reference,
            estimated_annual_value="319000.00",
            estimated_term="3+2",
            **{
                "funding-0-organisation": bromley.pk,
                "funding-0-percent": "50",
                "funding-1-organisation": icb.pk,
                "funding-1-percent": "50",
            },
        ),
    )
    project = CommissioningProject.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == project.get_absolute_url()
    assert list(project.incumbent_contracts.all()) == [contract]
    assert project.required_start_date is None
    assert required_start(project) == date(2024, 10, 1)
    assert sorted(project.funding_shares.values_list("percent", flat=True)) == [Decimal("50.00"), Decimal("50.00")]


def test_a_contract_already_being_replaced_is_refused_on_the_form(client_for, officer):
    contracts = incumbents()
    support_at_home(contracts)
    response = client_for(officer).post(
        reverse("commissioning:project_create"),
        _project_data(title="Another", incumbent_contracts=contracts[0].reference),
    )
    assert response.status_code == HTTPStatus.OK
    html = html_of(response)
    assert "The project was not saved." in html
    assert "LBB-MHFSS-2019 is already being replaced by the project “support@home”." in html
    assert CommissioningProject.objects.count() == 1


def test_a_project_needs_a_start_date_or_incumbents(client_for, officer):
    response = client_for(officer).post(reverse("commissioning:project_create"), _project_data())
    assert "Give the date the new service must start, or choose the contracts it replaces." in html_of(response)
    assert not CommissioningProject.objects.exists()


def test_funding_shares_must_add_up_and_nothing_is_saved(client_for, officer):
    a, b = OrganisationFactory(), OrganisationFactory()
    response = client_for(officer).post(
        reverse("commissioning:project_create"),
        _project_data(
            required_start_date="2027-04-01",
            **{
                "funding-0-organisation": a.pk,
                "funding-0-percent": "60",
                "funding-1-organisation": b.pk,
                "funding-1-percent": "30",
            },
        ),
    )
    assert "Funding shares must add up to 100%; these add up to 90%." in html_of(response)
    assert not CommissioningProject.objects.exists()


def test_a_bad_term_is_refused(client_for, officer):
    response = client_for(officer).post(
        reverse("commissioning:project_create"), _project_data(required_start_date="2027-04-01", estimated_term="5+x")
    )
    assert "Cannot read the term" in html_of(response)
    assert not CommissioningProject.objects.exists()


def test_editing_a_project_adds_its_successor_and_keeps_following_the_incumbents(client_for, manager):
    project = support_at_home()
    successor = ContractFactory(reference="LBB-SAH-2024")
    client = client_for(manager)
    form = client.get(reverse("commissioning:project_update", args=[project.pk])).context["form"]
    assert form.initial["required_start_date"] is None  # blank: still worked out from the incumbents
    response = client.post(
        reverse("commissioning:project_update", args=[project.pk]),
        _project_data(
            title="support@home",
            service_area=project.service_area_id,
            status="active",
            incumbent_contracts=", ".join(c.reference for c in project.incumbent_contracts.all()),
            successor_contracts=successor.reference,
            estimated_annual_value="2660000",
            estimated_term="5+2+2",
            baseline_annual_cost="2800000",
            baseline_year="2022",
            version=project.version,
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    project.refresh_from_db()
    assert list(project.successor_contracts.all()) == [successor]
    assert project.required_start_date is None
    assert required_start(project) == date(2024, 10, 1)
    assert project.baseline_year == 2022


# --- the project page ----------------------------------------------------------------------------


def _page(client, project, **params):
    return client.get(reverse("commissioning:project_detail", args=[project.pk]), params)


def test_the_project_page_back_plans_the_gateways(client_for, officer):
    project = support_at_home()
    assert required_start(project) == date(2024, 10, 1)
    response = _page(client_for(officer), project)
    rows = {row.plan.rule.number: row for row in response.context["rows"]}
    assert rows[0].plan.due == date(2022, 10, 1)
    assert rows[1].plan.due == date(2023, 4, 1)
    assert rows[2].plan.due == date(2024, 4, 1)
    html = html_of(response)
    for text in [
        "1 Oct 2022",
        "1 Apr 2023",
        "1 Apr 2024",
        "1 Oct 2024",
        "LBB-MHFSS-2019",
        "30 Sep 2024",
        "Current gateway: <strong>none yet</strong>",
        "£23,940,000.00",
    ]:
        assert text in html, text


def test_gateway_2_is_due_within_60_days_on_15_february_2024(client_for, officer):
    project = support_at_home()
    pass_gateway(project, 0, date(2022, 6, 29))
    pass_gateway(project, 1, date(2022, 11, 30))
    response = _page(client_for(officer), project, as_of="2024-02-15")
    html = html_of(response)
    assert "Current gateway: <strong>Gateway 1</strong>" in html
    rows = {row.plan.rule.number: row for row in response.context["rows"]}
    assert rows[0].plan.passed_on == date(2022, 6, 29) and rows[0].plan.on_time
    assert rows[1].plan.passed_on == date(2022, 11, 30) and rows[1].plan.on_time
    assert rows[2].plan.status == "due_soon"
    gateway_2 = html.split('<tr data-gateway="2"')[1].split("</tr>")[0]
    assert "1 Apr 2024" in gateway_2
    assert "Due within 60 days" in gateway_2
    assert 'data-rag="amber"' in html
    assert "Statuses are worked out as on <strong>15 Feb 2024</strong>" in html
    assert f"Executive, 30 Nov 2022, item 7 ({project.pk}.1)" in html


def test_recording_a_gateway_decision(client_for, officer):
    project = support_at_home()
    contracts = list(project.incumbent_contracts.all())
    approve = decision_part(date(2022, 6, 29), contracts=contracts)
    recommend = decision_part(date(2022, 6, 29), contracts=contracts, kind="recommend", number="ii")
    client = client_for(officer)
    choices = dict(
        (value, label)
        for group, options in _page(client, project).context["gateway_form"].fields["decision"].choices[1:]
        for value, label in options
    )
    assert f"part:{approve.pk}" in choices
    assert f"part:{recommend.pk}" not in choices  # a recommendation does not pass a gateway

    response = client.post(
        reverse("commissioning:gateway_pass", args=[project.pk]),
        {"gateway": Gateway.objects.get(number=0).pk, "decision": f"part:{approve.pk}"},
    )
    assert response.status_code == HTTPStatus.FOUND
    record = GatewayDecision.objects.get()
    assert (record.gateway.number, record.resolution_part, record.passed_on) == (0, approve, date(2022, 6, 29))
    html = html_of(client.get(response.url))
    assert "Gateway 0 recorded as passed on 29 Jun 2022." in html
    assert "Current gateway: <strong>Gateway 0</strong>" in html


def test_decisions_on_a_report_about_the_contracts_are_candidates(client_for, officer):
    project = support_at_home()
    report = committee_services.report_create(
        council=OrganisationFactory(name="London Borough of Bromley"),
        reference="ACH22-035",
        title="Gateway 1",
        kind=Report.Kind.GATEWAY,
        gateway_number=1,
        contracts=list(project.incumbent_contracts.all()),
    )
    part = decision_part(date(2022, 11, 30), report=report)  # not linked to a contract itself
    officer_decision = committee_services.officer_decision_record(
        decision_maker="Chief Officer",
        decided_on=date(2023, 1, 5),
        text="Approved.",
        reasons="The provider's performance is good.",
        alternatives_rejected="None considered.",
        today=TODAY,
        links=[committee_services.LinkInput(contract=project.incumbent_contracts.first(), effect="other")],
    )
    unrelated = decision_part(date(2022, 12, 14), contracts=[ContractFactory()])
    form = _page(client_for(officer), project).context["gateway_form"]
    values = {value for _, options in form.fields["decision"].choices[1:] for value, _ in options}
    assert values == {f"part:{part.pk}", f"officer:{officer_decision.pk}"}
    assert f"part:{unrelated.pk}" not in values


def test_a_gateway_decision_dated_in_the_future_is_refused_and_nothing_saved(client_for, officer):
    project = support_at_home()
    future = decision_part(date(2026, 12, 2), contracts=list(project.incumbent_contracts.all()))
    response = client_for(officer).post(
        reverse("commissioning:gateway_pass", args=[project.pk]),
        {"gateway": Gateway.objects.get(number=1).pk, "decision": f"part:{future.pk}"},
    )
    assert response.status_code == HTTPStatus.OK
    html = html_of(response)
    assert "That decision is dated 2 Dec 2026, in the future." in html
    assert "The gateway decision was not recorded." in html
    assert not GatewayDecision.objects.exists()


def test_the_project_page_shows_steps_routes_procurement_and_saving(client_for, manager):
    bradford = OrganisationFactory(name="City of Bradford Metropolitan District Council")
    contract = ContractFactory(reference="CBMDC-HS", lead_commissioner=bradford, start_date=date(2023, 4, 1), term="3")
    project = services.project_create(
        title="Independent Living Support",
        service_area=ServiceAreaFactory(),
        incumbent_contracts=[contract],
        estimated_annual_value=Decimal("855439"),
        estimated_term="3+2+2",
        baseline_annual_cost=Decimal("950488"),
        baseline_year=2018,
        funding=[services.ProjectShare(bradford, Decimal("100"))],
    )
    gateway_1 = Gateway.objects.get(number=1)
    scrutiny = RequiredStep.objects.create(
        name="Report to Overview and Scrutiny",
        source="Standing Order 4.7.1",
        kind="scrutiny_report",
        above_value=Decimal("2000000"),
        before_gateway=gateway_1,
        council=bradford,
    )
    RequiredStep.objects.create(
        name="Tiny-value rule elsewhere",
        kind="other",
        above_value=Decimal("1000"),
        before_gateway=gateway_1,
        council=OrganisationFactory(name="Elsewhere"),
    )
    ApprovalRoute.objects.create(gateway=gateway_1, min_value=Decimal("1000000"), decision_maker="Executive")
    client = client_for(manager)
    html = html_of(_page(client, project))
    # Required start 1 Apr 2026: Gateway 1 due 1 Oct 2024, the scrutiny report by then.
    for text in [
        "Report to Overview and Scrutiny",
        "Standing Order 4.7.1",
        "Outstanding: overdue",
        "Executive",  # who decides Gateway 1 for £5.99m
        "£5,988,073.00",
        "Saves <strong>£95,049.00 a year</strong>",
        "against 2018/19",
        "£855,439.00",  # Bradford's 100% share
        "Public Contracts Regulations 2015",
        # Gateway 1 due 1 Oct 2024, the incumbent started 2023: neither is under the Act.
        "None: neither the new contract nor the contracts it replaces are under the Act.",
    ]:
        assert text in html, text
    assert "Tiny-value rule elsewhere" not in html
    assert "Contract termination notice" not in html
    assert "Contract details notice" not in html

    response = client.post(
        reverse("commissioning:project_step_add", args=[project.pk]),
        {"rule": scrutiny.pk, "done_on": "2024-09-01", "resolution_part": "", "note": "Reported in September."},
    )
    assert response.status_code == HTTPStatus.FOUND
    step = ProjectStep.objects.get()
    assert (step.rule, step.done_on) == (scrutiny, date(2024, 9, 1))
    html = html_of(client.get(response.url))
    assert "In time" in html
    assert "Record a step" not in html  # nothing left to record


def _project_under_the_act():
    """Replacing two contracts that end on 31 Mar 2027, one procured under the Act and one under PCR 2015;
    Gateway 1 due 1 Oct 2025, so the new procurement falls under the Act."""
    under_act = ContractFactory(reference="PA-1", start_date=date(2025, 4, 1), term="2")
    under_pcr = ContractFactory(reference="PCR-1", start_date=date(2024, 4, 1), term="3")
    assert (under_act.legislation, under_pcr.legislation) == ("pa_2023", "pcr_2015")
    return support_at_home(contracts=[under_act, under_pcr])


def test_the_project_page_shows_the_acts_notices_only_for_contracts_under_the_act(client_for, officer):
    project = _project_under_the_act()
    html = html_of(_page(client_for(officer), project))
    for text in [
        '<dd class="col-sm-7" id="legislation">Procurement Act 2023',
        '<dd class="col-sm-8" id="project-route">Light touch</dd>',
        "Contract details notice for the new contract",
        "120 days after signing (light touch)",
        "by <strong>30 Jul 2027</strong>",  # 120 days after the required start, 1 Apr 2027
        "Contract termination notice for PA-1",
        "by <strong>30 Apr 2027</strong>",  # 30 days after it ends on 31 Mar 2027
    ]:
        assert text in html, text
    assert "Contract termination notice for PCR-1" not in html


def test_a_project_recorded_under_the_provider_selection_regime_owes_no_act_notice_for_itself(client_for, officer):
    project = _project_under_the_act()
    CommissioningProject.objects.filter(pk=project.pk).update(legislation="psr", route="direct_award")
    html = html_of(_page(client_for(officer), project))
    assert '<dd class="col-sm-7" id="legislation">Provider Selection Regime' in html
    assert '<dd class="col-sm-8" id="project-route">Direct award</dd>' in html
    assert "Contract details notice for the new contract" not in html
    assert "Contract termination notice for PA-1" in html  # the incumbent keeps its own law


def test_editing_a_project_stores_its_legislation_and_route(client_for, manager):
    project = support_at_home()
    client = client_for(manager)
    form_html = html_of(client.get(reverse("commissioning:project_update", args=[project.pk])))
    assert '<option value="" selected>By the day the procurement starts</option>' in form_html
    response = client.post(
        reverse("commissioning:project_update", args=[project.pk]),
        _project_data(
            title="support@home",
            service_area=project.service_area_id,
            status="active",
            incumbent_contracts=", ".join(c.reference for c in project.incumbent_contracts.all()),
            estimated_annual_value="2660000",
            estimated_term="5+2+2",
            legislation="psr",
            route="direct_award",
            version=project.version,
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    assert CommissioningProject.objects.filter(pk=project.pk).values_list("legislation", "route").get() == (
        "psr",
        "direct_award",
    )


def test_a_project_from_a_contract_takes_its_route_and_only_the_provider_selection_regime(client_for, officer):
    client = client_for(officer)
    psr = ContractFactory(start_date=date(2024, 4, 1), legislation="psr", route=Contract.Route.DIRECT_AWARD)
    form = client.get(reverse("commissioning:project_create"), {"contract": psr.pk}).context["form"]
    assert (form.initial["legislation"], form.initial["route"]) == ("psr", "direct_award")
    # A PCR 2015 contract's successor is procured under the law of its own start day.
    pcr = ContractFactory(start_date=date(2019, 4, 1), route=Contract.Route.OPEN_TENDER)
    form = client.get(reverse("commissioning:project_create"), {"contract": pcr.pk}).context["form"]
    assert form.initial["route"] == "open_tender"
    assert "legislation" not in form.initial


def test_a_step_cannot_be_done_in_the_future(client_for, officer):
    project = support_at_home()
    rule = RequiredStep.objects.create(
        name="Forward-plan notice",
        kind="forward_plan_notice",
        above_value=Decimal("500000"),
        before_gateway=Gateway.objects.get(number=1),
        days_before=28,
    )
    response = client_for(officer).post(
        reverse("commissioning:project_step_add", args=[project.pk]), {"rule": rule.pk, "done_on": "2027-01-01"}
    )
    assert "A step cannot be recorded as done in the future." in html_of(response)
    assert not ProjectStep.objects.exists()


def test_appraised_options_are_added_and_a_rejection_needs_a_reason(client_for, officer):
    project = support_at_home()
    client = client_for(officer)
    url = reverse("commissioning:appraised_option_add", args=[project.pk])
    response = client.post(url, {"description": "Bring the service in-house", "outcome": "rejected", "reason": ""})
    assert "Say why the option was rejected." in html_of(response)
    assert not AppraisedOption.objects.exists()

    response = client.post(
        url,
        {
            "description": "Bring the service in-house",
            "outcome": "rejected",
            "pros": "Direct control",
            "cons": "Higher cost",
            "reason": "No in-house capacity.",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    html = html_of(client.get(response.url))
    assert "Bring the service in-house" in html
    assert "No in-house capacity." in html
    assert 'data-outcome="rejected"' in html


def test_a_clerk_sees_the_project_without_its_forms(client_for, clerk):
    project = support_at_home()
    response = _page(client_for(clerk), project)
    html = html_of(response)
    assert "Record a gateway decision" not in html
    assert "Edit project" not in html
    assert response.context.get("gateway_form") is None


# --- the pipeline and the list ---------------------------------------------------------------


def test_the_pipeline_lists_a_contract_needing_a_project_until_one_is_started(client_for, manager):
    contract = ContractFactory(
        reference="ENDING",
        title="Ending service",
        start_date=date(2024, 4, 1),
        term="3",
    )  # ends 31 Mar 2027, within 24 months of 22 Nov 2026, nothing left open
    ContractFactory(reference="LATER", start_date=date(2026, 4, 1), term="5")
    client = client_for(manager)
    response = client.get(reverse("commissioning:pipeline"))
    assert [c.reference for c in response.context["needing"]] == ["ENDING"]
    html = html_of(response)
    assert f'href="{reverse("commissioning:project_create")}?contract={contract.pk}"' in html

    client.post(
        reverse("commissioning:project_create") + f"?contract={contract.pk}",
        _project_data(title="Re-commissioning: Ending service", incumbent_contracts=contract.reference),
    )
    response = client.get(reverse("commissioning:pipeline"))
    assert list(response.context["needing"]) == []
    html = html_of(response)
    assert "Re-commissioning: Ending service" in html
    # Required start 1 Apr 2027: Gateway 0 was due 1 Apr 2025, so the project is red.
    assert 'data-rag="red"' in html
    assert "Red: overdue" in html


def test_the_pipeline_groups_projects_by_current_gateway(client_for, officer):
    started = support_at_home(title="Started")
    pass_gateway(started, 0, date(2022, 6, 29))
    support_at_home(title="Not yet", contracts=[ContractFactory()], required_start_date=date(2028, 4, 1))
    stages = client_for(officer).get(reverse("commissioning:pipeline")).context["stages"]
    by_stage = {(s.gateway.number if s.gateway else None): [x.project.title for x in s.shown] for s in stages}
    assert by_stage[None] == ["Not yet"]
    assert by_stage[0] == ["Started"]


def test_the_pipeline_says_when_it_is_empty(client_for, clerk):
    html = html_of(client_for(clerk).get(reverse("commissioning:pipeline")))
    assert "No live projects." in html
    assert "Start a project" not in html


def test_the_projects_list_filters_by_status_and_paginates(client_for, officer, settings):
    settings.PAGE_SIZE = 2
    for n in range(3):
        support_at_home(title=f"P{n}", contracts=[ContractFactory()], required_start_date=date(2028, 4, n + 1))
    cancelled = CommissioningProject.objects.get(title="P1")
    cancelled.status = CommissioningProject.Status.CANCELLED
    cancelled.save()
    client = client_for(officer)
    url = reverse("commissioning:project_list")

    def titles(**params):
        return [s.project.title for s in client.get(url, params).context["page"].object_list]

    assert titles() == ["P0", "P1"]
    assert titles(page=2) == ["P2"]
    assert titles(status="active") == ["P0", "P2"]
    assert titles(status="cancelled") == ["P1"]
    assert "No projects match these filters." in html_of(client.get(url, {"status": "completed"}))


# --- waivers ------------------------------------------------------------------------------------


def _waiver(service="Mental Health Flexible Support Service", start=date(2017, 10, 1), **extra):
    values = dict(
        service=service,
        service_area=ServiceAreaFactory(),
        reason="Exempt from tender while the service is reviewed.",
        start_date=start,
        term="18m+6m",
        value=Decimal("478500"),
        approver="Portfolio Holder for Care Services",
        approved_on=date(2017, 3, 28),
        today=TODAY,
    )
    values.update(extra)
    return services.waiver_create(**values)


def test_the_waivers_register_flags_a_repeated_service(client_for, clerk):
    _waiver(start=date(2015, 10, 1), term="2", approved_on=date(2015, 8, 1))
    _waiver(
        service="mental health flexible support service",
        start=date(2016, 10, 1),
        term="12m",
        approved_on=date(2016, 8, 1),
    )
    latest = _waiver()
    once = _waiver(service="Day opportunities", start=date(2023, 4, 1), term="1+1", approved_on=date(2023, 3, 1))
    response = client_for(clerk).get(reverse("commissioning:waiver_list"))
    html = html_of(response)
    latest_row = html.split(f'id="waiver-{latest.pk}"')[1].split("</tr>")[0]
    assert "repeated" in html.split(f'id="waiver-{latest.pk}"')[1].split(">")[0]
    assert "3rd waiver for this service" in latest_row
    assert "1 Oct 2017 – 31 Mar 2019" in latest_row
    assert "extension to 30 Sep 2019" in latest_row
    assert "£478,500.00" in latest_row
    once_row = html.split(f'id="waiver-{once.pk}"')[1].split("</tr>")[0]
    assert "waiver for this service" not in once_row
    assert "2nd waiver for this service" in html
    repeated = client_for(clerk).get(reverse("commissioning:waiver_list"), {"repeated": "on"})
    assert [row.waiver.service.lower() for row in repeated.context["page"].object_list] == [
        "mental health flexible support service"
    ] * 3


def test_recording_a_waiver_with_its_authorising_decision(client_for, officer):
    part = decision_part(date(2017, 3, 28), committee_name="Care Services Portfolio Holder")
    area = ServiceAreaFactory()
    client = client_for(officer)
    data = {
        "service": "Mental Health Flexible Support Service",
        "service_area": area.pk,
        "contract": "",
        "reason": "Exempt from tender for 18 months (Option 2).",
        "start_date": "2017-10-01",
        "term": "18m+6m",
        "value": "478500",
        "approver": "Portfolio Holder for Care Services",
        "approved_on": "2017-03-28",
        "authority": "28 Mar 2017, item 7 (i)",
    }
    response = client.post(reverse("commissioning:waiver_create"), data)
    assert response.status_code == HTTPStatus.FOUND
    waiver = Waiver.objects.get()
    assert waiver.resolution_part == part
    assert response.url == waiver.get_absolute_url()
    html = html_of(client.get(reverse("commissioning:waiver_list")))
    assert "Care Services Portfolio Holder, 28 Mar 2017, item 7 (i)" in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"term": "18x"}, "Cannot read the term"),
        ({"approved_on": "2027-01-01"}, "A waiver cannot be approved in the future."),
    ],
)
def test_a_bad_waiver_is_refused(client_for, officer, overrides, message):
    data = {
        "service": "Day opportunities",
        "service_area": ServiceAreaFactory().pk,
        "reason": "One provider.",
        "start_date": "2023-04-01",
        "term": "1+1",
        "value": "120000",
        "approver": "Director",
        "approved_on": "2023-03-01",
        "authority": "",
    }
    data.update(overrides)
    response = client_for(officer).post(reverse("commissioning:waiver_create"), data)
    assert response.status_code == HTTPStatus.OK
    assert message in html_of(response)
    assert not Waiver.objects.exists()


# --- the contract page's procurement partial -------------------------------------------------------


def test_the_contract_procurement_facts_for_support_at_home():
    # Light touch under PCR 2015 (its procurement started before 24 Feb 2025): none of the Act's notices.
    contract = ContractFactory(
        reference="LBB-SAH-2024",
        start_date=date(2024, 10, 1),
        term="5+2+2",
        annual_value=Decimal("2660000"),
        legislation=Contract.Legislation.PCR_2015,
        route=Contract.Route.LIGHT_TOUCH,
    )
    facts = _procurement_facts(contract)
    assert facts.threshold.amount == Decimal("663540.00")
    assert facts.above_light_touch_threshold is True
    assert facts.kpi_duty is False
    assert facts.kpi_duty_reason == (
        "Procured under the Public Contracts Regulations 2015, not the Procurement Act 2023, "
        "so the Act's duty does not apply."
    )
    assert facts.under_procurement_act is False
    assert facts.notices is None
    html = _procurement_html(contract, facts)
    for text in ["£663,540.00", "above the threshold", "<strong>No</strong>", "Procured under: Public Contracts"]:
        assert text in html, text
    for text in ["Contract details notice", "Contract termination notice", "29 Jan 2025", "30 Oct 2029"]:
        assert text not in html, text


def test_the_same_contract_under_the_act_owes_the_notices_but_no_kpi_duty():
    # £23.4m light touch under the Procurement Act 2023: notices owed (120 days), KPI duty not.
    contract = ContractFactory(
        start_date=date(2024, 10, 1),
        term="5+2+2",
        annual_value=Decimal("2660000"),
        legislation=Contract.Legislation.PA_2023,
        route=Contract.Route.LIGHT_TOUCH,
    )
    facts = _procurement_facts(contract)
    assert facts.kpi_duty is False
    assert facts.kpi_duty_reason == "Light touch contracts are exempt from the Procurement Act 2023 KPI duty."
    assert facts.notices.details_days == 120
    assert facts.notices.details_due == date(2025, 1, 29)
    assert facts.notices.termination_due == date(2029, 10, 30)
    assert facts.details_notice_passed is True and facts.termination_notice_passed is False
    html = _procurement_html(contract, facts)
    for text in ["29 Jan 2025", "120 days after signing (light touch)", "30 Oct 2029", "counted here from the start"]:
        assert text in html, text


def test_the_kpi_duty_applies_to_a_large_contract_under_the_procurement_act():
    contract = ContractFactory(
        start_date=date(2025, 6, 1),
        term="3",
        annual_value=Decimal("2000000"),
        legislation=Contract.Legislation.PA_2023,
        route=Contract.Route.OPEN_TENDER,
        providers=[ProviderFactory()],
    )
    facts = _procurement_facts(contract)
    assert facts.kpi_duty is True
    assert "at least 3 KPIs" in facts.kpi_duty_reason
    assert facts.notices.details_due == date(2025, 7, 1)  # 30 days
    framework = ContractFactory(
        start_date=date(2025, 6, 1),
        term="3",
        annual_value=Decimal("2000000"),
        legislation=Contract.Legislation.PA_2023,
        route=Contract.Route.OPEN_TENDER,
        contract_type=Contract.ContractType.FRAMEWORK,
    )
    assert _procurement_facts(framework).kpi_duty is False


# --- query counts ----------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


def _projects(n: int, *, start: int = 0):
    area = ServiceAreaFactory()
    for i in range(start, start + n):
        project = services.project_create(
            title=f"P{i}",
            service_area=area,
            incumbent_contracts=[ContractFactory(), ContractFactory()],
            estimated_annual_value=Decimal("100000"),
            estimated_term="3",
        )
        pass_gateway(project, 0, date(2022, 6, 29))
        ContractFactory(start_date=date(2024, 1, 1), term="3")  # needs a project


@pytest.mark.parametrize("url_name", ["pipeline", "project_list", "waiver_list"])
def test_list_queries_do_not_grow_with_rows(client_for, officer, url_name, settings):
    settings.PAGE_SIZE = 50
    client = client_for(officer)
    url = reverse(f"commissioning:{url_name}")
    _projects(2)
    _waiver(), _waiver(start=date(2019, 4, 1))
    small = _count(client, url)
    _projects(10, start=2)
    for year in range(2010, 2018):
        _waiver(service=f"Service {year}", start=date(year, 4, 1), approved_on=date(year, 1, 1))
    assert _count(client, url) == small


def test_project_page_queries_do_not_grow(client_for, officer):
    client = client_for(officer)
    # One row of each kind against many: a prefetch with no rows to follow skips its next
    # query, and so does the history with no change to say (or no linked record changed).

    def update(project, *, successors: int, funding: list):
        services.project_update(
            project=project,
            title=project.title,
            service_area=project.service_area,
            status="active",
            incumbent_contracts=list(project.incumbent_contracts.all()),
            successor_contracts=[ContractFactory() for _ in range(successors)],
            required_start_date=None,
            lead_officer=officer,
            estimated_annual_value=Decimal("2660000"),
            estimated_term="5+2+2",
            legislation="",
            route="light_touch",
            contract_type="block",
            baseline_annual_cost=None,
            baseline_year=None,
            notes="",
            funding=funding,
        )

    small = support_at_home(contracts=[ContractFactory()])
    update(small, successors=1, funding=[services.ProjectShare(OrganisationFactory(), Decimal("100"))])
    big = support_at_home(title="Big", contracts=[ContractFactory() for _ in range(5)])
    update(big, successors=3, funding=[services.ProjectShare(OrganisationFactory(), Decimal("25")) for _ in range(4)])
    for number in (0, 1):
        pass_gateway(big, number, date(2022, 6, 29))
    for n in range(4):
        services.appraised_option_add(project=big, description=f"Option {n}", outcome="considered")
    for n in range(3):
        rule = RequiredStep.objects.create(
            name=f"Rule {n}", kind="other", above_value=Decimal("0"), before_gateway=Gateway.objects.get(number=1)
        )
        services.project_step_record(project=big, rule=rule, done_on=date(2022, 1, 1), today=TODAY)
    assert _count(client, reverse("commissioning:project_detail", args=[small.pk])) == _count(
        client, reverse("commissioning:project_detail", args=[big.pk])
    )


# --- the admin -------------------------------------------------------------------------------------


def test_the_admin_refuses_lead_times_out_of_order(admin_client):
    gateway = Gateway.objects.get(number=1)
    url = reverse("admin:commissioning_gateway_change", args=[gateway.pk])
    response = admin_client.post(
        url,
        {
            "number": 1,
            "name": "Gateway 1",
            "decision": gateway.decision,
            "stage": gateway.stage,
            "lead_months": 30,
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert "would fall due before Gateway 0" in html_of(response)
    gateway.refresh_from_db()
    assert gateway.lead_months == 18


def test_the_admin_shows_projects_and_waivers_read_only(admin_client):
    project = support_at_home()
    waiver = _waiver()
    for name, pk in [("commissioningproject", project.pk), ("waiver", waiver.pk)]:
        assert admin_client.get(reverse(f"admin:commissioning_{name}_changelist")).status_code == HTTPStatus.OK
        page = admin_client.get(reverse(f"admin:commissioning_{name}_change", args=[pk]))
        assert page.status_code == HTTPStatus.OK
        assert 'name="_save"' not in html_of(page)
    assert admin_client.get(reverse("admin:commissioning_commissioningproject_add")).status_code == HTTPStatus.FORBIDDEN


def test_the_project_page_for_a_day_names_no_gateway_decision_taken_after_it(client_for, officer):
    project = support_at_home()
    pass_gateway(project, 0, date(2022, 6, 29))
    url = reverse("commissioning:project_detail", args=[project.pk])
    before = client_for(officer).get(url, {"as_of": "2022-06-28"})
    on_the_day = client_for(officer).get(url, {"as_of": "2022-06-29"})
    rows = {row.plan.rule.number: row for row in before.context["rows"]}
    assert rows[0].record is None and rows[0].plan.passed_on is None
    rows = {row.plan.rule.number: row for row in on_the_day.context["rows"]}
    assert rows[0].record is not None and rows[0].plan.passed_on == date(2022, 6, 29)
