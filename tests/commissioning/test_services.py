from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from commissioning.projects import selectors, services
from commissioning.projects.models import CommissioningProject, Gateway, GatewayDecision
from commissioning.projects.selectors import gateway_rules, project_summary
from committees import services as committee_services
from contracts import services as contract_services
from tests.conftest import TODAY, ContractFactory, OrganisationFactory, ServiceAreaFactory, on, required_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def incumbents():
    return [
        ContractFactory(reference="LBB-MHFSS-2019", start_date=date(2019, 10, 1), term="3+2", options_exercised=1),
        ContractFactory(reference="SELICB-AMH-RSA-2019", start_date=date(2019, 4, 1), term="66m"),
    ]


def _project(incumbents, **extra):
    return services.project_create(
        title="support@home", service_area=ServiceAreaFactory(), incumbent_contracts=incumbents, **extra
    )


def test_the_required_start_defaults_to_the_day_after_the_incumbents_end(incumbents):
    project = _project(incumbents)
    assert CommissioningProject.objects.get(pk=project.pk).required_start_date is None  # not a stored copy
    assert required_start(project) == date(2024, 10, 1)


def test_the_required_start_follows_the_incumbents_from_the_day_they_change():
    # 5+2+2 from 1 Oct 2024: the service must start after the final end, 30 Sep 2033,
    # until option 1 is declined on 3 Mar 2029; from that day the contract ends 30 Sep 2029.
    incumbent = ContractFactory(reference="SAH", start_date=date(2024, 10, 1), term="5+2+2")
    project = _project([incumbent])
    contract_services.option_decline(
        option=incumbent.options.get(order=1),
        decided_by="Chief Officer",
        decided_on=date(2029, 3, 3),
        today=date(2029, 3, 3),
    )
    assert required_start(project, date(2029, 3, 2)) == date(2033, 10, 1)
    assert required_start(project, date(2029, 3, 3)) == date(2029, 10, 1)
    plans = {
        p.rule.number: p
        for p in project_summary(
            selectors.project_queryset(today=date(2029, 3, 3)).get(pk=project.pk),
            gateway_rules(),
            today=date(2029, 3, 3),
        ).plans
    }
    assert plans[2].due == date(2029, 4, 1)  # six months before 1 Oct 2029


def test_a_required_start_set_by_hand_is_kept(incumbents):
    project = _project(incumbents, required_start_date=date(2025, 1, 1))
    assert CommissioningProject.objects.get(pk=project.pk).required_start_date == date(2025, 1, 1)
    assert required_start(project) == date(2025, 1, 1)


def test_a_contract_already_replaced_by_a_live_project_is_refused(incumbents):
    first = _project(incumbents)
    with pytest.raises(ValidationError, match="LBB-MHFSS-2019 is already being replaced by the project “support@home”"):
        _project(incumbents[:1])
    assert CommissioningProject.objects.count() == 1
    first.status = CommissioningProject.Status.CANCELLED
    first.save()
    _project(incumbents[:1])


def _executive_part(day: date):
    council = OrganisationFactory(name="London Borough of Bromley")
    committee = committee_services.committee_create(council=council, name="Executive", kind="executive")
    meeting = committee_services.meeting_create(
        committee=committee, starts_at=datetime(day.year, day.month, day.day, 19, tzinfo=ZoneInfo("Europe/London"))
    )
    item = committee_services.agenda_item_add(meeting=meeting, number="7", title="Gateway")
    return committee_services.resolution_part_add(
        meeting=meeting, item=item, number="i", kind="approve", text="Approved."
    )


def test_a_gateway_passed_by_a_decision_dated_in_the_future_is_refused(incumbents):
    project = _project(incumbents)
    future = _executive_part(date(2026, 12, 2))
    with pytest.raises(ValidationError, match="That decision is dated 2 Dec 2026, in the future."):
        services.gateway_pass(project=project, gateway=Gateway.objects.get(number=1), decision=future, today=TODAY)
    assert not GatewayDecision.objects.exists()


def test_a_gateway_is_passed_on_the_decision_date(incumbents):
    project = _project(incumbents)
    part = _executive_part(date(2022, 11, 30))
    record = services.gateway_pass(project=project, gateway=Gateway.objects.get(number=1), decision=part, today=TODAY)
    assert record.passed_on == date(2022, 11, 30)
    with pytest.raises(ValidationError, match="already passed this gateway"):
        services.gateway_pass(project=project, gateway=Gateway.objects.get(number=1), decision=part, today=TODAY)


def test_a_gateway_date_follows_its_meeting_when_the_meeting_moves(incumbents):
    project = _project(incumbents)
    part = _executive_part(date(2022, 11, 30))
    services.gateway_pass(project=project, gateway=Gateway.objects.get(number=1), decision=part, today=TODAY)
    meeting = part.item.meeting
    committee_services.meeting_update(
        meeting=meeting,
        starts_at=datetime(2022, 12, 7, 19, tzinfo=ZoneInfo("Europe/London")),
        venue=meeting.venue,
        status=meeting.status,
        agenda_published_on=meeting.agenda_published_on,
        decisions_published_on=meeting.decisions_published_on,
    )
    assert GatewayDecision.objects.get(project=project).passed_on == date(2022, 12, 7)
    summary = project_summary(selectors.project_queryset(today=TODAY).get(pk=project.pk), gateway_rules(), today=TODAY)
    assert summary.current.rule.number == 1 and summary.current.passed_on == date(2022, 12, 7)


def test_a_gateway_counts_as_passed_only_from_the_day_of_its_decision(incumbents):
    project = _project(incumbents)
    part = _executive_part(date(2022, 11, 30))
    services.gateway_pass(project=project, gateway=Gateway.objects.get(number=1), decision=part, today=TODAY)

    def current_on(day):
        summary = project_summary(selectors.project_queryset(today=day).get(pk=project.pk), gateway_rules(), today=day)
        return summary.current.rule.number if summary.current else None

    assert current_on(date(2022, 11, 29)) is None
    assert current_on(date(2022, 11, 30)) == 1


def test_lead_times_that_put_gateway_1_before_gateway_0_are_refused():
    gateway_1 = Gateway.objects.get(number=1)
    gateway_1.lead_months = 30
    with pytest.raises(ValidationError) as error:
        gateway_1.full_clean()
    assert "would fall due before Gateway 0" in error.value.message_dict["lead_months"][0]


def test_the_default_gateways_are_data():
    assert list(Gateway.objects.values_list("number", "lead_months")) == [(0, 24), (1, 18), (2, 6), (3, None)]


def test_the_pipeline_lists_contracts_with_nothing_left_open_and_no_project(incumbents):
    from commissioning.projects.selectors import contracts_needing_project

    # On 1 Jan 2023 both incumbents end on 30 Sep 2024, within the 24-month lead, with no option open.
    needing = contracts_needing_project(today=date(2023, 1, 1))
    assert [c.reference for c in needing] == ["LBB-MHFSS-2019", "SELICB-AMH-RSA-2019"]
    _project(incumbents[:1])
    assert [c.reference for c in contracts_needing_project(today=date(2023, 1, 1))] == ["SELICB-AMH-RSA-2019"]
    # A contract with an option still open and not late is not listed; one whose deadline passed is.
    open_option = ContractFactory(reference="OPEN", start_date=date(2021, 4, 1), term="2+1")
    assert "OPEN" not in [c.reference for c in contracts_needing_project(today=date(2022, 9, 1))]
    assert "OPEN" in [c.reference for c in contracts_needing_project(today=date(2022, 10, 1))]
    assert on(open_option, date(2022, 10, 1)).next_decision_deadline == date(2022, 9, 30)


def test_pipeline_queries_do_not_grow_with_projects(django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from commissioning.projects.selectors import contracts_needing_project, pipeline

    def count():
        with CaptureQueriesContext(connection) as captured:
            summaries = pipeline(today=TODAY)
            list(contracts_needing_project(today=TODAY))
            for summary in summaries:
                [c.reference for c in summary.project.incumbent_contracts.all()]
        return len(captured)

    area = ServiceAreaFactory()
    for n in range(2):
        services.project_create(
            title=f"P{n}",
            service_area=area,
            required_start_date=date(2028, 4, 1),
            incumbent_contracts=[ContractFactory()],
        )
    ContractFactory(start_date=date(2024, 1, 1), term="3")
    small = count()
    for n in range(2, 12):
        services.project_create(
            title=f"P{n}",
            service_area=area,
            required_start_date=date(2028, 4, 1),
            incumbent_contracts=[ContractFactory()],
        )
        ContractFactory(start_date=date(2024, 1, 1), term="3")
    assert count() == small


def test_an_incomplete_incumbent_sets_no_required_start_and_the_pages_still_show(client_for, officer):
    from http import HTTPStatus

    from django.urls import reverse

    dated = ContractFactory(reference="DATED", start_date=date(2019, 10, 1), term="3+2", options_exercised=1)
    undated = ContractFactory(reference="UNDATED", start_date=None, term="", annual_value=None, legislation="pa_2023")
    project = _project([dated, undated])
    # The dated incumbent ends on 30 Sep 2024; the one with no dates sets nothing.
    assert required_start(project) == date(2024, 10, 1)
    client = client_for(officer)
    page = client.get(project.get_absolute_url())
    assert page.status_code == HTTPStatus.OK and "UNDATED" in page.content.decode()
    # The form's contract picker shows the chosen incumbents by reference.
    form = client.get(reverse("commissioning:project_update", args=[project.pk]))
    assert form.status_code == HTTPStatus.OK
    assert "UNDATED" in form.content.decode() and "DATED" in form.content.decode()
