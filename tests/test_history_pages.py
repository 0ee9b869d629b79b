"""Every record page shows its history: edit a record through its page, and the
page says who changed which field from what to what."""

from datetime import date
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from commissioning.projects import services as project_services
from committees import services as committee_services
from committees.models import Action, ContractLink, Meeting, ResolutionPart
from tests.committees.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    OfficerDecisionFactory,
    ReportFactory,
)
from tests.conftest import ContractFactory, OrganisationFactory, ProviderFactory, ServiceAreaFactory
from tests.edit_forms import EDIT_FORMS, browser_form

pytestmark = pytest.mark.django_db

# For each edit form: the field changed, its name on the History section, the new
# value typed and as the page writes it, and the page that shows the record.
CHANGES = {
    "contract": ("title", "Title", "Support at home and in the community", None),
    "report": ("title", "Title", "Gateway 1: support at home, revised", None),
    "meeting": ("venue", "Venue", "Council Chamber", None),
    "call-in": ("requested_by", "Called in by", "Cllr A Smith and Cllr C Brown", None),
    "agenda item": ("title", "Title", "Support at home recommissioning", "Item 7"),
    "project": ("title", "Title", "Re-commissioning support at home and in the community", None),
    "provider": ("name", "Name", "Hestia Housing and Support Ltd", None),
    "organisation": ("name", "Name", "NHS South East London ICB", None),
    "kpi": ("target", "Target", "97% of visits on time", "KPI Visits on time"),
    "forward plan": ("title", "Decision", "Support at home: approval to tender, revised", None),
    "committee": ("name", "Name", "Adult Care and Health Committee", None),
    "monitoring": ("title", "Title", "Quarterly monitoring visit, revised", None),
}


def _page_of(record) -> str:
    # The meeting page shows its history when asked.
    if hasattr(record, "meeting"):
        return record.meeting.get_absolute_url() + "?history=recent"
    if isinstance(record, Meeting):
        return record.get_absolute_url() + "?history=recent"
    return record.get_absolute_url()


def _history(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    return html[html.index('id="history"') :]


def test_every_edit_form_is_tried():
    assert {form.name for form in EDIT_FORMS} == set(CHANGES)


@pytest.mark.parametrize("form", EDIT_FORMS, ids=lambda form: form.name)
def test_an_edit_shows_on_the_record_page_with_who_and_old_to_new(request, client_for, form):
    user = request.getfixturevalue(form.role)
    user.first_name, user.last_name = "Priya", "Shah"
    user.save()
    record = form.make()
    name, label, typed, row = CHANGES[form.name]
    old = getattr(record, name)
    client = client_for(user)
    data = browser_form(client.get(form.page(record)).content.decode(), action=form.action(record))
    data[form.prefix(record) + ("-" if form.prefix(record) else "") + name] = [typed]
    response = client.post(form.action(record) or form.page(record), data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    record.refresh_from_db()
    assert getattr(record, name) == typed

    section = _history(client, _page_of(record))
    newest = section.split('class="history-change')[1]
    assert "Priya Shah" in newest
    if row:
        assert f'<span class="fw-semibold">{row}</span> changed' in newest
    assert f'<span class="fw-semibold">{label}</span>: <span class="history-old">{old}</span>' in newest
    assert f'<span class="history-new">{typed}</span>' in newest


def test_the_meeting_page_shows_its_minutes_being_written(client_for, clerk):
    contract = ContractFactory(reference="LBB-SAH")
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, number="7", title="Support at home")
    part = committee_services.resolution_part_add(
        meeting=meeting,
        item=item,
        number="i",
        kind=ResolutionPart.Kind.DELEGATE,
        text="Delegated the extension.",
        delegation=committee_services.DelegationInput(to_whom="Director of Adult Services", scope="Extend"),
        actions=[
            committee_services.ActionInput(text="Report back", owner="Head of Commissioning", due_on=date(2023, 3, 1))
        ],
        links=[committee_services.LinkInput(contract=contract, effect=ContractLink.Effect.OTHER)],
    )
    action = Action.objects.get(resolution_part=part)
    client = client_for(clerk)
    assert client.post(reverse("committees:action_done", args=[action.pk])).status_code == (HTTPStatus.FOUND)

    assert "Show who changed what" in _history(client, meeting.get_absolute_url())
    section = _history(client, meeting.get_absolute_url() + "?history=recent")
    assert "Action for Head of Commissioning due 1 Mar 2023</span> changed" in section
    assert '<span class="fw-semibold">Status</span>: <span class="history-old">Open</span>' in section
    assert '<span class="history-new">Done</span>' in section
    assert '<span class="fw-semibold">Completed on</span>: <span class="history-old">blank</span>' in section
    assert '<span class="history-new">22 Nov 2026</span>' in section
    for created in [
        "Item 7",
        "Resolution part i of Item 7: Support at home",
        "Delegation to Director of Adult Services",
        f"Link to {contract}",
    ]:
        assert f'<span class="fw-semibold">{created}</span> created' in section


@pytest.mark.parametrize("page", ["committee", "report", "officer decision", "provider", "organisation", "waiver"])
def test_every_other_record_page_shows_its_history(client_for, manager, page):
    records = {
        "committee": lambda: CommitteeFactory(name="Adult Care and Health PDS"),
        "report": lambda: ReportFactory(reference="ACH22-035"),
        "officer decision": lambda: OfficerDecisionFactory(),
        "provider": lambda: ProviderFactory(name="Hestia"),
        "organisation": lambda: OrganisationFactory(name="Bromley"),
        "waiver": lambda: project_services.waiver_create(
            service="Extra care housing",
            service_area=ServiceAreaFactory(),
            reason="Continuity of care.",
            start_date=date(2024, 4, 1),
            term="18m+6m",
            value=Decimal("478500"),
            approver="Portfolio Holder",
            approved_on=date(2024, 3, 1),
            today=date(2026, 11, 22),
        ),
    }
    record = records[page]()
    section = _history(client_for(manager), record.get_absolute_url())
    assert "Created" in section
    assert section.count('class="history-change') == 1
