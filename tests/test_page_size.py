"""Forms that choose contracts, providers, decisions, reports, recommendations or
delegations do not grow with the register.

Each page is read with 20 of each in the database, then again with 200: the same number of queries and the same size, give or take a few
bytes for numbers that gain a digit. The pickers (commissioning.core.pickers) show
only what is chosen; the matches come from their endpoints, one page at a time.
"""

from datetime import date
from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissioning.projects import services as project_services
from committees import services
from committees.models import Delegation, OfficerDecision, Report, ResolutionPart
from committees.services import DelegationInput
from contracts.models import Provider
from tests.committees.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    OfficerDecisionFactory,
    ReportFactory,
    ResolutionPartFactory,
    at,
)
from tests.conftest import ContractFactory, OrganisationFactory, ServiceAreaFactory

pytestmark = pytest.mark.django_db

# A page may differ by this many bytes: numbers that gain a digit, nothing more.
SLACK = 32


def _contracts(count: int) -> list:
    # A council has a few commissioners and service areas however long its register:
    # those lists are short by nature. Each contract brings its own provider.
    council = OrganisationFactory(name="London Borough of Bromley")
    return ContractFactory.create_batch(count, lead_commissioner=council, service_area=ServiceAreaFactory())


def _world() -> dict:
    contracts = _contracts(20)
    meeting = MeetingFactory(starts_at=at(date(2024, 6, 5)))
    report = ReportFactory(council=meeting.committee.council, contracts=contracts[:2])
    items = [AgendaItemFactory(meeting=meeting, report=report if n == 0 else None) for n in range(5)]
    ResolutionPartFactory(item=items[0], number="i", kind=ResolutionPart.Kind.APPROVE, text="Approved.")
    for n in range(18):
        ResolutionPartFactory(item=items[1], number=str(n + 1), kind=ResolutionPart.Kind.APPROVE)
    OfficerDecisionFactory.create_batch(20)
    project = project_services.project_create(
        title="support@home", service_area=ServiceAreaFactory(), incumbent_contracts=contracts[:3]
    )
    # Decisions grow at another meeting of the council, as they do over the years.
    elsewhere = AgendaItemFactory(
        meeting=MeetingFactory(
            committee=CommitteeFactory(council=meeting.committee.council), starts_at=at(date(2023, 3, 1))
        )
    )
    forward_plan_entry = services.forward_plan_entry_create(
        council=meeting.committee.council,
        title="Support at home",
        decision_maker=meeting.committee,
        expected_on=date(2024, 6, 5),
        contracts=contracts[:2],
        decision=items[0].parts.get(),
    )
    world = {
        "forward_plan_entry": forward_plan_entry,
        "contract": contracts[0],
        "meeting": meeting,
        "item": items[1],
        "report": report,
        "project": project,
        "elsewhere": elsewhere,
    }
    _reports_and_delegations(world, 19)
    return world


def _reports_and_delegations(world: dict, count: int) -> None:
    """`count` more of the council's reports, and of recommendations to the meeting's
    committee and delegations, all made before the meeting."""
    council = world["meeting"].committee.council
    start = Report.objects.count()
    for n in range(count):
        report = ReportFactory(council=council, reference=f"ACH-{start + n:04}")
        item = AgendaItemFactory(meeting=world["elsewhere"].meeting, number=str(1000 + start + n), report=report)
        ResolutionPartFactory(
            item=item,
            number="i",
            kind=ResolutionPart.Kind.RECOMMEND,
            recommended_to=world["meeting"].committee,
            text="Tender.",
        )
        ResolutionPartFactory(
            item=item,
            number="ii",
            kind=ResolutionPart.Kind.DELEGATE,
            text="Delegated.",
            delegation=DelegationInput(to_whom="Director of Adult Services", scope="Award."),
        )


def _grow(world: dict) -> None:
    """180 more contracts, providers, resolution parts, officer decisions, reports,
    recommendations and delegations."""
    _contracts(180)
    Provider.objects.bulk_create(Provider(name=f"Grown Provider {n} Ltd") for n in range(180))
    for n in range(180):
        ResolutionPartFactory(item=world["elsewhere"], number=str(n + 1), kind=ResolutionPart.Kind.APPROVE)
    OfficerDecisionFactory.create_batch(180)
    _reports_and_delegations(world, 180)


def _pages(world: dict) -> dict[str, str]:
    contract, project = world["contract"], world["project"]
    return {
        "meeting": reverse("committees:meeting_detail", args=[world["meeting"].pk]),
        # The forms of an item and of a part, each opened on the page.
        "meeting, adding a part": reverse("committees:meeting_detail", args=[world["meeting"].pk])
        + f"?open=add-part-{world['item'].pk}",
        "meeting, editing an item": reverse("committees:meeting_detail", args=[world["meeting"].pk])
        + f"?open=edit-item-{world['item'].pk}",
        "contract create": reverse("contracts:contract_create"),
        "contract edit": reverse("contracts:contract_update", args=[contract.pk]),
        "project start": reverse("commissioning:project_create"),
        "project edit": reverse("commissioning:project_update", args=[project.pk]),
        "waiver": reverse("commissioning:waiver_create"),
        "report add": reverse("committees:report_create"),
        "report edit": reverse("committees:report_update", args=[world["report"].pk]),
        "forward plan add": reverse("committees:forward_plan_create"),
        "forward plan edit": reverse("committees:forward_plan_update", args=[world["forward_plan_entry"].pk]),
        "officer decision": reverse("committees:officer_decision_create"),
        "officer decision under a delegation": reverse("committees:officer_decision_create")
        + f"?delegation={Delegation.objects.order_by('pk').first().pk}",
        "option exercise": reverse("committees:option_exercise", args=[contract.pk, 1]),
        "fee uplift": reverse("committees:fee_uplift_create"),
        "option decline": reverse("committees:option_decline", args=[contract.pk, 1]),
        # The lists' filter forms: a provider is typed, not chosen from every provider.
        "contract list of one provider": reverse("contracts:contract_list")
        + "?"
        + urlencode({"provider": contract.providers.get().name}),
    }


def _measure(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return len(queries), len(response.content)


def test_forms_do_not_grow_with_contracts_providers_or_decisions(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", "admin@example.org", "x"))
    world = _world()
    pages = _pages(world)
    small = {name: _measure(client, url) for name, url in pages.items()}
    _grow(world)
    assert Provider.objects.count() >= 200 and OfficerDecision.objects.count() == 200
    assert Report.objects.count() == Delegation.objects.count() + 1 == 200
    large = {name: _measure(client, url) for name, url in pages.items()}
    for name in pages:
        (small_queries, small_bytes), (large_queries, large_bytes) = small[name], large[name]
        assert large_queries == small_queries, f"{name}: {small_queries} queries, then {large_queries}"
        assert abs(large_bytes - small_bytes) <= SLACK, f"{name}: {small_bytes} bytes, then {large_bytes}"


def test_the_meeting_page_lists_no_contract_in_its_forms(client_for, clerk):
    contracts = ContractFactory.create_batch(5)
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting)
    url = reverse("committees:meeting_detail", args=[meeting.pk]) + f"?open=add-part-{item.pk}"
    html = client_for(clerk).get(url).content.decode()
    assert 'data-picker="/contracts/choices/"' in html
    assert f'data-picker="/committees/reports/choices/?council={meeting.committee.council_id}&amp;committee=' in html
    assert f'data-picker="/committees/recommendations/choices/?meeting={meeting.pk}"' in html
    assert not any(contract.reference in html for contract in contracts)


def test_a_fee_uplift_preview_reads_its_contracts_in_the_same_queries_however_many(
    client_for, officer, django_assert_max_num_queries
):
    """The contracts an uplift chooses are found, planned and shown in a fixed number of
    queries, and the preview lists the first 50 included and left out, counting the rest."""
    area = ServiceAreaFactory(name="Home care")
    council = OrganisationFactory(name="London Borough of Bromley")
    ContractFactory.create_batch(20, lead_commissioner=council, service_area=area)
    client = client_for(officer)
    form = {
        "title": "Care fee uplift 2027/28",
        "basis": "national_living_wage",
        "percent": "6.7",
        "effective_on": "2027-04-01",
        "service_areas": [area.pk],
        "exclude_indexed": "on",
        "action": "preview",
    }
    with CaptureQueriesContext(connection) as small:
        response = client.post(reverse("committees:fee_uplift_create"), form)
    assert response.context["preview"].included_count == 20
    ContractFactory.create_batch(180, lead_commissioner=council, service_area=area)
    with django_assert_max_num_queries(len(small)):
        response = client.post(reverse("committees:fee_uplift_create"), form)
    preview = response.context["preview"]
    assert (preview.included_count, len(preview.included), preview.included_more) == (200, 50, 150)
    assert "and 150 more" in response.content.decode()
