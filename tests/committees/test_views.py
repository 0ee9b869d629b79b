import re
from datetime import date
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees import services
from committees.models import (
    Action,
    AgendaItem,
    Committee,
    ContractLink,
    Delegation,
    Meeting,
    OfficerDecision,
    Report,
    ReportFile,
    ResolutionPart,
)
from committees.pickers import delegation_text, part_text
from tests.committees.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    OfficerDecisionFactory,
    ReportFactory,
    ResolutionPartFactory,
    at,
)
from tests.conftest import ContractFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


# --- the support@home chain (seed 000): PDS recommends, the Executive decides and delegates ---


@pytest.fixture
def bromley():
    return OrganisationFactory(name="London Borough of Bromley")


@pytest.fixture
def pds(bromley):
    return CommitteeFactory(council=bromley, name="Adult Care and Health PDS Committee", kind=Committee.Kind.PDS)


@pytest.fixture
def executive(bromley):
    return CommitteeFactory(council=bromley, name="Executive", kind=Committee.Kind.EXECUTIVE)


@pytest.fixture
def contract(bromley):
    return ContractFactory(reference="LBB-SAH-2024", title="Support at home", lead_commissioner=bromley, term="5+2+2")


@pytest.fixture
def chain(pds, executive, contract):
    report = ReportFactory(
        council=pds.council,
        reference="ACH22-035",
        title="Support at home: Gateway 1",
        kind=Report.Kind.GATEWAY,
        gateway_number=1,
        author="Colin Lusted",
        author_role="Head of Complex Needs",
        contracts=[contract],
    )
    pds_meeting = MeetingFactory(committee=pds, starts_at=at(date(2022, 11, 15)))
    pds_item = AgendaItemFactory(
        meeting=pds_meeting,
        number="5",
        title="Adult mental health support@home service",
        report=report,
        minutes="This Committee considered a report which sought Executive approval.",
    )
    recommend_tender = ResolutionPartFactory(
        item=pds_item,
        number="i",
        kind=ResolutionPart.Kind.RECOMMEND,
        recommended_to=executive,
        text="Approve the commencement of a tender process for the support@home contract.",
    )
    recommend_delegation = ResolutionPartFactory(
        item=pds_item,
        number="ii",
        kind=ResolutionPart.Kind.RECOMMEND,
        recommended_to=executive,
        text="Delegate authority to the Chief Officer to approve the contract extension period(s).",
    )
    exec_meeting = MeetingFactory(
        committee=executive,
        starts_at=at(date(2022, 11, 30)),
        venue="Bromley Civic Centre",
        agenda_published_on=date(2022, 11, 23),
        decisions_published_on=date(2022, 12, 2),
    )
    exec_item = AgendaItemFactory(meeting=exec_meeting, number="7", title="Support@home: Gateway 1", report=report)
    approve = ResolutionPartFactory(
        item=exec_item,
        number="i",
        kind=ResolutionPart.Kind.APPROVE,
        takes_up=recommend_tender,
        text="Approved the commencement of a tender process.",
        is_key_decision=True,
        links=[services.LinkInput(contract=contract, effect=ContractLink.Effect.APPROVE_TENDER)],
    )
    delegate = ResolutionPartFactory(
        item=exec_item,
        number="ii",
        kind=ResolutionPart.Kind.DELEGATE,
        takes_up=recommend_delegation,
        text="Delegated authority to approve the contract extension period(s).",
        delegation=services.DelegationInput(
            to_whom="Chief Officer",
            in_consultation_with="Portfolio Holder",
            scope="Approve the contract extension period(s)",
            condition="on satisfactory achievement of the contract performance indicators",
        ),
        actions=[
            services.ActionInput(
                text="Progress report to Members", owner="Director of Adult Services", due_on=date(2023, 6, 30)
            )
        ],
    )
    urgent = ResolutionPartFactory(
        item=exec_item,
        number="iii",
        kind=ResolutionPart.Kind.APPROVE,
        is_urgent=True,
        text="Approved interim arrangements with the current provider.",
    )
    return {
        "report": report,
        "pds_meeting": pds_meeting,
        "pds_item": pds_item,
        "recommend_tender": recommend_tender,
        "recommend_delegation": recommend_delegation,
        "exec_meeting": exec_meeting,
        "exec_item": exec_item,
        "approve": approve,
        "delegate": delegate,
        "urgent": urgent,
    }


def _html(response) -> str:
    assert response.status_code == HTTPStatus.OK, response.status_code
    return response.content.decode()


def _text(response) -> str:
    """The page's text with tags removed and spaces collapsed, for sentences that span tags."""
    text = " ".join(re.sub(r"<[^>]+>", " ", _html(response)).split())
    return re.sub(r" ([,.:;)])", r"\1", text)


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (AgendaItem, ResolutionPart, Delegation, Action, ContractLink, OfficerDecision, Report, Meeting)
    }


# --- who may see and change what -----------------------------------------------------------


def test_it_requires_login(client):
    response = client.get(reverse("committees:committee_list"))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


READ_PAGES = [
    ("committee_list", None),
    ("meeting_calendar", None),
    ("report_list", None),
    ("action_list", None),
    ("delegation_list", None),
    ("officer_decision_list", None),
    ("call_in_list", None),
    ("committee_detail", "committee"),
    ("meeting_detail", "meeting"),
    ("meeting_minutes", "meeting"),
    ("report_detail", "report"),
    ("officer_decision_detail", "decision"),
]
FORM_PAGES = [
    ("committee_create", None),
    ("report_create", None),
    ("officer_decision_create", None),
    ("meeting_create", "committee"),
    ("report_update", "report"),
]


def _args(chain, decision, target):
    return {
        None: [],
        "committee": [chain["exec_meeting"].committee.pk],
        "meeting": [chain["exec_meeting"].pk],
        "report": [chain["report"].pk],
        "decision": [decision.pk],
    }[target]


def _expected(role: str, page: tuple) -> HTTPStatus:
    url_name, target = page
    if role == "nobody":
        # A list says "not allowed"; a record says "not found", so it does not leak that it exists.
        return HTTPStatus.FORBIDDEN if target is None else HTTPStatus.NOT_FOUND
    if url_name == "officer_decision_create" and role == "officer":
        return HTTPStatus.OK  # officers record the decisions they take under a delegation
    if page in FORM_PAGES and role != "clerk":
        return HTTPStatus.FORBIDDEN
    return HTTPStatus.OK


@pytest.mark.parametrize("role", ["clerk", "officer", "manager", "nobody"])
def test_roles_see_and_change_what_they_should(request, client_for, chain, role):
    decision = OfficerDecisionFactory(delegation=chain["delegate"].delegation)
    client = client_for(request.getfixturevalue(role))
    statuses = {
        url_name: client.get(reverse(f"committees:{url_name}", args=_args(chain, decision, target))).status_code
        for url_name, target in READ_PAGES + FORM_PAGES
    }
    assert statuses == {page[0]: _expected(role, page) for page in READ_PAGES + FORM_PAGES}


@pytest.mark.parametrize(
    ("role", "expected"),
    [("officer", HTTPStatus.FORBIDDEN), ("manager", HTTPStatus.FORBIDDEN), ("nobody", HTTPStatus.NOT_FOUND)],
)
def test_only_clerks_can_write(request, client_for, chain, role, expected):
    client = client_for(request.getfixturevalue(role))
    meeting, item, part = chain["exec_meeting"], chain["exec_item"], chain["delegate"]
    action = part.actions.get()
    before = _counts()
    posts = [
        (reverse("committees:item_create", args=[meeting.pk]), {"number": "8", "title": "Another"}),
        (
            reverse("committees:item_update", args=[item.pk]),
            {f"item-{item.pk}-number": "7", f"item-{item.pk}-title": "Changed"},
        ),
        (
            reverse("committees:part_create", args=[meeting.pk, item.pk]),
            {f"part-{item.pk}-number": "iv", f"part-{item.pk}-kind": "note", f"part-{item.pk}-text": "Noted."},
        ),
        (
            reverse("committees:action_create", args=[part.pk]),
            {f"action-{part.pk}-text": "X", f"action-{part.pk}-owner": "Y", f"action-{part.pk}-due_on": "2023-01-01"},
        ),
        (reverse("committees:action_done", args=[action.pk]), {}),
        (reverse("committees:meeting_update", args=[meeting.pk]), {"starts_at": "2022-11-30T19:00", "status": "held"}),
        (reverse("committees:minutes_approve", args=[chain["pds_meeting"].pk]), {"at_meeting": meeting.pk}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == expected, url
    assert _counts() == before
    action.refresh_from_db()
    assert action.status == Action.Status.OPEN
    item.refresh_from_db()
    assert item.title == "Support@home: Gateway 1"


def test_a_missing_meeting_is_404(client_for, clerk):
    assert client_for(clerk).get(reverse("committees:meeting_detail", args=[999])).status_code == HTTPStatus.NOT_FOUND


def test_writes_refuse_get(client_for, clerk, chain):
    response = client_for(clerk).get(reverse("committees:item_create", args=[chain["exec_meeting"].pk]))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- the meeting page ------------------------------------------------------------------------


def test_the_meeting_page_shows_items_parts_delegation_actions_and_contracts(client_for, officer, chain):
    html = _html(client_for(officer).get(chain["exec_meeting"].get_absolute_url()))
    text = _text(client_for(officer).get(chain["exec_meeting"].get_absolute_url()))
    assert "Support@home: Gateway 1" in html
    assert "Report ACH22-035" in text
    assert "RESOLVED" in html
    assert "Approved the commencement of a tender process." in html
    assert 'data-kind="delegate"' in html
    assert "Delegated to Chief Officer in consultation with Portfolio Holder" in text
    assert "on satisfactory achievement of the contract performance indicators" in html
    assert 'data-delegation="unused"' in html
    assert "Progress report to Members" in html
    assert "Director of Adult Services" in html
    assert "30 Jun 2023" in html
    assert "Approve a tender: LBB-SAH-2024" in text
    assert chain["approve"].contract_links.get().contract.get_absolute_url() in html
    # Officers read; the clerk's forms are not there.
    assert "Add a resolution part" not in html
    assert "Add an agenda item" not in html


def test_the_chain_can_be_followed_from_either_end(client_for, officer, clerk, chain):
    client = client_for(officer)
    executive_text = _text(client.get(chain["exec_meeting"].get_absolute_url()))
    executive_html = _html(client.get(chain["exec_meeting"].get_absolute_url()))
    # The decision links back to the recommendation it took up ...
    assert (
        "Takes up the recommendation of Adult Care and Health PDS Committee, 15 Nov 2022, item 5 (i)" in executive_text
    )
    assert chain["recommend_tender"].get_absolute_url() in executive_html
    # ... and the recommendation forward to the decision.
    pds_text = _text(client.get(chain["pds_meeting"].get_absolute_url()))
    pds_html = _html(client.get(chain["pds_meeting"].get_absolute_url()))
    assert "Recommended to Executive" in pds_text
    assert "Taken up by Executive, 30 Nov 2022, item 7 (i)" in pds_text
    assert chain["approve"].get_absolute_url() in pds_html

    # The delegation is used by an officer decision, which links back to the part that made it.
    decision = OfficerDecisionFactory(delegation=chain["delegate"].delegation, decided_on=date(2023, 3, 1))
    executive_html = _html(client.get(chain["exec_meeting"].get_absolute_url()))
    assert decision.get_absolute_url() in executive_html
    assert 'data-delegation="unused"' not in executive_html
    decision_html = _html(client.get(decision.get_absolute_url()))
    assert chain["delegate"].get_absolute_url() in decision_html
    assert "Chief Officer" in decision_html


def test_the_clock_shows_the_statutory_dates(client_for, officer, chain):
    """docs/domain.md: meeting Wed 30 Nov 2022 -> agenda by Tue 22 Nov 2022; key decision notice
    by Tue 1 Nov 2022; decisions published Fri 2 Dec 2022 -> call-in ends Fri 9 Dec 2022."""
    response = client_for(officer).get(chain["exec_meeting"].get_absolute_url())
    html = _html(response)
    clock = html[html.index('id="clock"') : html.index('id="clock-minutes"')]
    assert "Publish by <strong>Tue 22 Nov 2022</strong>" in clock
    assert 'data-agenda="late"' in clock  # published Wed 23 Nov
    assert "Wed 23 Nov 2022" in clock
    assert "Notice by <strong>Tue 1 Nov 2022</strong>" in clock
    assert "Fri 2 Dec 2022" in clock
    assert "Fri 9 Dec 2022" in clock
    assert "Mon 12 Dec 2022" in clock  # the first working day after call-in
    assert "Exempt: urgent" in clock  # part iii
    rows = response.context["clock"].decisions
    assert [(row.part.number, row.call_in_status) for row in rows] == [
        ("i", "ended"),
        ("ii", "ended"),
        ("iii", "exempt"),
    ]


def test_the_clock_shows_an_agenda_published_on_time_and_one_still_due(client_for, officer, executive):
    on_time = MeetingFactory(
        committee=executive, starts_at=at(date(2022, 11, 30)), agenda_published_on=date(2022, 11, 22)
    )
    html = _html(client_for(officer).get(on_time.get_absolute_url()))
    assert "Published Tue 22 Nov 2022: on time." in html
    # Tue 3 Jan 2023 -> publish by Wed 21 Dec 2022 (26, 27 Dec and 2 Jan are bank holidays).
    ahead = MeetingFactory(committee=executive, starts_at=at(date(2023, 1, 3)), status=Meeting.Status.SCHEDULED)
    html = _html(client_for(officer).get(ahead.get_absolute_url(), {"as_of": "2022-12-01"}))
    assert "Publish by <strong>Wed 21 Dec 2022</strong>" in html
    assert "Not yet published." in html
    assert "Decisions not yet published" in html


def test_minutes_await_approval_at_the_next_meeting_and_the_clerk_records_it(client_for, clerk, pds):
    first = MeetingFactory(committee=pds, starts_at=at(date(2022, 11, 15)))
    client = client_for(clerk)
    assert "next meeting: not yet scheduled" in _text(client.get(first.get_absolute_url()))
    following = MeetingFactory(committee=pds, starts_at=at(date(2023, 1, 17)))
    text = _text(client.get(first.get_absolute_url()))
    assert "Awaiting approval at the next meeting: Tue 17 Jan 2023" in text
    assert "Record approval at the meeting of 17 Jan 2023" in text

    response = client.post(reverse("committees:minutes_approve", args=[first.pk]), {"at_meeting": following.pk})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"{first.get_absolute_url()}#clock"
    first.refresh_from_db()
    assert first.minutes_approved_at == following
    assert "Approved at the meeting of 17 Jan 2023" in _text(client.get(first.get_absolute_url()))
    assert "This meeting approved the minutes of 15 Nov 2022" in _text(client.get(following.get_absolute_url()))


def test_minutes_cannot_be_approved_at_a_later_meeting_than_the_next(client_for, clerk, pds):
    first = MeetingFactory(committee=pds, starts_at=at(date(2022, 11, 15)))
    MeetingFactory(committee=pds, starts_at=at(date(2023, 1, 17)))
    later = MeetingFactory(committee=pds, starts_at=at(date(2023, 3, 14)))
    response = client_for(clerk).post(
        reverse("committees:minutes_approve", args=[first.pk]), {"at_meeting": later.pk}, follow=True
    )
    assert "Minutes are approved at the next meeting of the same committee." in _html(response)
    first.refresh_from_db()
    assert first.minutes_approved_at is None


# --- the clerk's forms on the meeting page ----------------------------------------------------------


def test_the_clerk_sees_the_forms(client_for, clerk, chain):
    meeting, item, part = chain["exec_meeting"], chain["exec_item"], chain["delegate"]
    html = _html(client_for(clerk).get(meeting.get_absolute_url()))
    assert "Add an agenda item" in html
    assert 'href="?open=edit-meeting#meeting-edit">Edit meeting details</a>' in html
    assert "Save meeting details" not in html
    assert 'value="8"' in html  # the next item number is suggested
    # An item's and a part's forms open one at a time, from a link.
    assert f'href="?open=add-part-{item.pk}#add-part-{item.pk}">+ Add a resolution part</a>' in html
    assert f'href="?open=edit-item-{item.pk}#edit-item-{item.pk}">Edit item and minutes</a>' in html
    assert f'href="?open=add-action-{part.pk}#add-action-{part.pk}">+ Add an action</a>' in html
    assert "Add a resolution part to item 7" not in html
    assert "Edit item 7" not in html
    assert 'name="action-' not in html


@pytest.mark.parametrize(
    ("block", "shown", "field"),
    [
        ("edit-meeting", "Save meeting details", "starts_at"),
        ("add-part", "Add a resolution part to item 7", "part-{item}-number"),
        ("edit-item", "Edit item 7", "item-{item}-number"),
        ("add-action", "Add an action to item 7 (ii)", "action-{part}-text"),
    ],
)
def test_a_link_opens_one_form_of_an_item_or_a_part(client_for, clerk, officer, chain, block, shown, field):
    meeting, item, part = chain["exec_meeting"], chain["exec_item"], chain["delegate"]
    target = {"add-action": f"-{part.pk}", "edit-meeting": ""}.get(block, f"-{item.pk}")
    url = f"{meeting.get_absolute_url()}?as_of=2026-01-05&open={block}{target}"
    html = _html(client_for(clerk).get(url))
    assert shown in html
    assert f'id="{"meeting-edit" if block == "edit-meeting" else block + target}"' in html
    assert html.count(f'name="{field.format(item=item.pk, part=part.pk)}"') == 1
    # Its link is gone while it is open; "Cancel" keeps the day asked for and closes it.
    assert f"open={block}{target}" not in html
    assert re.search(r'href="\?as_of=2026-01-05(#[\w-]+)?">Cancel</a>', html)
    # Any other link keeps the day asked for too.
    assert "?as_of=2026-01-05&amp;open=" in html
    # Only a clerk gets a form; nonsense asks for none.
    assert shown not in _html(client_for(officer).get(url))
    assert shown not in _html(client_for(clerk).get(f"{meeting.get_absolute_url()}?open={block}x{target}"))


def test_the_clerk_adds_an_item(client_for, clerk, chain):
    meeting = chain["exec_meeting"]
    response = client_for(clerk).post(
        reverse("committees:item_create", args=[meeting.pk]),
        {"number": "8", "title": "Contract monitoring", "report": chain["report"].reference, "minutes": "Noted."},
    )
    item = AgendaItem.objects.get(meeting=meeting, number="8")
    assert response.url == f"{meeting.get_absolute_url()}#item-{item.pk}"
    assert item.report == chain["report"]


def test_a_duplicate_item_number_is_refused_and_the_page_keeps_what_was_typed(client_for, clerk, chain):
    meeting = chain["exec_meeting"]
    before = _counts()
    response = client_for(clerk).post(
        reverse("committees:item_create", args=[meeting.pk]),
        {"number": "7", "title": "Typed title", "minutes": "Typed minutes"},
    )
    html = _html(response)
    assert "This meeting already has an item with this number." in html
    assert "The agenda item was not added." in html
    assert "Typed minutes" in html
    assert _counts() == before


def test_the_clerk_edits_an_items_minutes(client_for, clerk, chain):
    item = chain["exec_item"]
    prefix = f"item-{item.pk}"
    response = client_for(clerk).post(
        reverse("committees:item_update", args=[item.pk]),
        {
            f"{prefix}-number": "7",
            f"{prefix}-title": item.title,
            f"{prefix}-report": chain["report"].reference,
            f"{prefix}-minutes": "The Executive considered the report.",
            f"{prefix}-version": item.version,
        },
    )
    assert response.url.endswith(f"#item-{item.pk}")
    item.refresh_from_db()
    assert item.minutes == "The Executive considered the report."


def _part_data(item, **values) -> dict:
    prefix = f"part-{item.pk}"
    return {f"{prefix}-{name}": value for name, value in values.items()}


def test_the_clerk_adds_a_part_with_a_delegation_an_action_and_a_contract_link(client_for, clerk, chain, contract):
    item, meeting = chain["exec_item"], chain["exec_meeting"]
    response = client_for(clerk).post(
        reverse("committees:part_create", args=[meeting.pk, item.pk]),
        _part_data(
            item,
            number="iv.)",
            kind="delegate",
            text="Delegated authority to award the contract.",
            to_whom="Director of Adult Services",
            scope="Award the contract",
            expires_on="2024-09-30",
            action_text="Report the award to Members",
            action_owner="Director of Adult Services",
            action_due_on="2024-10-31",
            contract=contract.reference,
            effect="award",
            is_key_decision="on",
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"{meeting.get_absolute_url()}#item-{item.pk}"
    part = ResolutionPart.objects.get(item=item, number="iv")
    assert part.is_key_decision
    assert part.delegation.to_whom == "Director of Adult Services"
    assert part.delegation.expires_on == date(2024, 9, 30)
    assert part.actions.get().due_on == date(2024, 10, 31)
    assert part.contract_links.get().effect == ContractLink.Effect.AWARD


def test_a_part_that_takes_up_a_recommendation(client_for, clerk, chain, executive):
    later = MeetingFactory(committee=executive, starts_at=at(date(2023, 1, 11)))
    item = AgendaItemFactory(meeting=later, number="3", title="Follow-up")
    recommendation = chain["recommend_delegation"]
    client = client_for(clerk)
    html = _html(client.get(f"{later.get_absolute_url()}?open=add-part-{item.pk}"))
    # Offered through the picker over recommendations to this meeting's committee.
    assert f'data-picker="/committees/recommendations/choices/?meeting={later.pk}"' in html
    client.post(
        reverse("committees:part_create", args=[later.pk, item.pk]),
        _part_data(item, number="1", kind="approve", text="Agreed.", takes_up=part_text(recommendation)),
    )
    assert ResolutionPart.objects.get(item=item).takes_up == recommendation


def test_a_part_on_an_item_of_another_meeting_is_refused_and_nothing_is_saved(client_for, clerk, chain):
    other_item = chain["pds_item"]
    before = _counts()
    response = client_for(clerk).post(
        reverse("committees:part_create", args=[chain["exec_meeting"].pk, other_item.pk]),
        _part_data(
            other_item,
            number="iii",
            kind="delegate",
            text="Delegated.",
            to_whom="Chief Officer",
            scope="Anything",
            action_text="Report back",
            action_owner="Chief Officer",
            action_due_on="2023-01-31",
        ),
    )
    html = _html(response)
    assert "Item 5 belongs to another meeting, not this one." in html
    assert "Nothing was saved." in html
    assert _counts() == before


def test_an_action_due_before_its_meeting_is_refused_and_the_part_is_not_saved(client_for, clerk, chain):
    item, meeting = chain["exec_item"], chain["exec_meeting"]
    before = _counts()
    response = client_for(clerk).post(
        reverse("committees:part_create", args=[meeting.pk, item.pk]),
        _part_data(
            item,
            number="iv",
            kind="approve",
            text="Approved the specification.",
            action_text="Publish the tender",
            action_owner="Head of Procurement",
            action_due_on="2022-11-01",
        ),
    )
    html = _html(response)
    assert "An action cannot be due before its meeting (30 Nov 2022)." in html
    assert "Approved the specification." in html  # what was typed is still there
    assert f'<div id="add-part-{item.pk}">' in html  # the form is open again
    assert _counts() == before


def test_an_action_added_to_a_part_due_before_its_meeting_is_refused(client_for, clerk, chain):
    part = chain["approve"]
    before = _counts()
    prefix = f"action-{part.pk}"
    response = client_for(clerk).post(
        reverse("committees:action_create", args=[part.pk]),
        {
            f"{prefix}-text": "Publish the tender",
            f"{prefix}-owner": "Head of Procurement",
            f"{prefix}-due_on": "2022-11-29",
        },
    )
    assert "An action cannot be due before its meeting (30 Nov 2022)." in _html(response)
    assert _counts() == before
    response = client_for(clerk).post(
        reverse("committees:action_create", args=[part.pk]),
        {
            f"{prefix}-text": "Publish the tender",
            f"{prefix}-owner": "Head of Procurement",
            f"{prefix}-due_on": "2022-12-15",
        },
    )
    assert response.url.endswith(f"#item-{part.item_id}")
    assert part.actions.get().owner == "Head of Procurement"


def test_a_delegation_on_a_part_that_does_not_delegate_is_refused(client_for, clerk, chain):
    item = chain["exec_item"]
    before = _counts()
    response = client_for(clerk).post(
        reverse("committees:part_create", args=[chain["exec_meeting"].pk, item.pk]),
        _part_data(item, number="iv", kind="approve", text="Approved.", to_whom="Chief Officer", scope="Anything"),
    )
    assert "Only a part that delegates can carry a delegation." in _html(response)
    assert _counts() == before


def test_a_recommendation_must_say_who_it_goes_to(client_for, clerk, chain):
    item = chain["pds_item"]
    response = client_for(clerk).post(
        reverse("committees:part_create", args=[chain["pds_meeting"].pk, item.pk]),
        _part_data(item, number="iii", kind="recommend", text="Recommend something."),
    )
    assert "Say which decision maker the recommendation goes to." in _html(response)
    assert not ResolutionPart.objects.filter(item=item, number="iii").exists()


def test_an_option_that_does_not_exist_is_refused(client_for, clerk, chain, contract):
    item = chain["exec_item"]
    response = client_for(clerk).post(
        reverse("committees:part_create", args=[chain["exec_meeting"].pk, item.pk]),
        _part_data(
            item,
            number="iv",
            kind="approve",
            text="Exercise.",
            contract=contract.reference,
            effect="exercise_option",
            option_order="5",
        ),
    )
    assert "LBB-SAH-2024 has no option 5." in _html(response)
    assert not ResolutionPart.objects.filter(item=item, number="iv").exists()


@pytest.mark.parametrize(
    "link, message",
    [
        ({"effect": ""}, "Say what the decision does to the contract."),
        ({"contract": ""}, "Choose the contract the decision acts on."),
        ({"contract": "", "effect": "", "option_order": "1"}, "Choose the contract the decision acts on."),
    ],
)
def test_a_half_given_contract_link_is_refused(client_for, clerk, chain, contract, link, message):
    item = chain["exec_item"]
    data = {"contract": contract.reference, "effect": "exercise_option", "option_order": "1", **link}
    response = client_for(clerk).post(
        reverse("committees:part_create", args=[chain["exec_meeting"].pk, item.pk]),
        _part_data(item, number="iv", kind="approve", text="Exercise.", **data),
    )
    assert message in _html(response)
    assert not ResolutionPart.objects.filter(item=item, number="iv").exists()


def test_the_clerk_updates_the_meeting_details(client_for, clerk, chain):
    meeting = chain["exec_meeting"]
    client = client_for(clerk)
    data = {
        "starts_at": "2022-11-30T19:00",
        "venue": "Council Chamber",
        "status": "held",
        "agenda_published_on": "2022-11-22",
        "decisions_published_on": "2022-11-29",
        "version": meeting.version,
    }
    response = client.post(reverse("committees:meeting_update", args=[meeting.pk]), data)
    assert "Decisions cannot be published before the meeting." in _html(response)
    meeting.refresh_from_db()
    assert meeting.venue == "Bromley Civic Centre"
    data["decisions_published_on"] = "2022-12-02"
    assert client.post(reverse("committees:meeting_update", args=[meeting.pk]), data).status_code == HTTPStatus.FOUND
    meeting.refresh_from_db()
    assert (meeting.venue, meeting.agenda_published_on) == ("Council Chamber", date(2022, 11, 22))


def test_the_clerk_marks_an_action_done(client_for, clerk, chain):
    action = chain["delegate"].actions.get()
    response = client_for(clerk).post(reverse("committees:action_done", args=[action.pk]))
    assert response.url.endswith(f"#item-{chain['exec_item'].pk}")
    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    assert action.completed_on == date(2026, 11, 22)


# --- committees and meetings ----------------------------------------------------------------------


def test_the_committee_list_shows_meetings_and_the_next_one(client_for, officer, chain, executive):
    MeetingFactory(committee=executive, starts_at=at(date(2026, 12, 9)), status=Meeting.Status.SCHEDULED)
    text = _text(client_for(officer).get(reverse("committees:committee_list")))
    assert "Executive London Borough of Bromley Executive 2 Wed 9 Dec 2026" in text
    assert (
        "Adult Care and Health PDS Committee London Borough of Bromley Policy development and scrutiny 1 None scheduled"
        in text
    )


def test_the_committee_page_lists_upcoming_and_past_meetings(client_for, clerk, chain, executive):
    upcoming = MeetingFactory(committee=executive, starts_at=at(date(2026, 12, 9)), status=Meeting.Status.SCHEDULED)
    response = client_for(clerk).get(executive.get_absolute_url())
    html = _html(response)
    assert [row.meeting for row in response.context["upcoming"]] == [upcoming]
    assert [row.meeting for row in response.context["past"]] == [chain["exec_meeting"]]
    assert "Published late, 23 Nov 2022" in html
    assert "Due by 1 Dec 2026" in html
    assert "Add a meeting" in html


def test_the_pages_of_past_meetings_keep_the_day_asked_for(client_for, clerk, executive, settings):
    settings.PAGE_SIZE = 1
    for day in (date(2025, 1, 8), date(2025, 2, 5)):
        MeetingFactory(committee=executive, starts_at=at(day), status=Meeting.Status.HELD)
    html = _html(client_for(clerk).get(executive.get_absolute_url() + "?as_of=2026-06-01&page=1"))
    assert 'href="?as_of=2026-06-01&amp;page=2">Next</a>' in html
    CommitteeFactory(council=executive.council, name="Health and Wellbeing Board")
    html = _html(client_for(clerk).get(reverse("committees:committee_list") + "?as_of=2026-06-01"))
    assert "Showing 1–1 of 2" in html
    assert 'href="?as_of=2026-06-01&amp;page=2">Next</a>' in html


def test_the_clerk_creates_a_committee_and_a_meeting(client_for, clerk, bromley):
    client = client_for(clerk)
    response = client.post(
        reverse("committees:committee_create"), {"council": bromley.pk, "name": "Executive", "kind": "executive"}
    )
    committee = Committee.objects.get(name="Executive")
    assert response.url == committee.get_absolute_url()
    response = client.post(
        reverse("committees:committee_create"), {"council": bromley.pk, "name": "Executive", "kind": "executive"}
    )
    assert "This council already has a committee with this name." in _html(response)
    response = client.post(
        reverse("committees:meeting_create", args=[committee.pk]),
        {
            "starts_at": "2022-11-30T19:00",
            "venue": "Bromley Civic Centre",
            "status": "scheduled",
            "agenda_published_on": "2022-12-01",
        },
    )
    assert "The agenda cannot be published after the meeting." in _html(response)
    assert not Meeting.objects.exists()
    response = client.post(
        reverse("committees:meeting_create", args=[committee.pk]),
        {"starts_at": "2022-11-30T19:00", "venue": "Bromley Civic Centre", "status": "scheduled"},
    )
    meeting = Meeting.objects.get()
    assert response.url == meeting.get_absolute_url()
    assert meeting.date == date(2022, 11, 30)


def test_the_calendar_shows_the_months_meetings(client_for, officer, chain):
    client = client_for(officer)
    response = client.get(reverse("committees:meeting_calendar"), {"month": "2022-11"})
    html = _html(response)
    assert "Meetings in November 2022" in html
    assert "19:00 Executive" in html
    assert "19:00 Adult Care and Health PDS Committee" in html
    assert "?month=2022-10" in html and "?month=2022-12" in html
    weeks = response.context["calendar"].weeks
    assert weeks[0][0].day == date(2022, 10, 31)  # Monday first
    assert weeks[-1][-1].day == date(2022, 12, 4)
    december = _html(client.get(reverse("committees:meeting_calendar"), {"month": "2022-12"}))
    assert "No meetings this month." in december
    assert december.count("Bank holiday</span>") == 2  # Mon 26 and Tue 27 Dec
    # Without a month it shows the month of today (22 Nov 2026).
    assert "Meetings in November 2026" in _html(client.get(reverse("committees:meeting_calendar")))
    assert "Meetings in November 2026" in _html(
        client.get(reverse("committees:meeting_calendar"), {"month": "nonsense"})
    )


# --- printable minutes -----------------------------------------------------------------------------


def test_printable_minutes_read_like_the_councils(client_for, officer, chain):
    html = _html(client_for(officer).get(reverse("committees:meeting_minutes", args=[chain["pds_meeting"].pk])))
    text = _text(client_for(officer).get(reverse("committees:meeting_minutes", args=[chain["pds_meeting"].pk])))
    assert "ADULT CARE AND HEALTH PDS COMMITTEE" in html
    assert "5 ADULT MENTAL HEALTH SUPPORT@HOME SERVICE" in text
    assert "Report ACH22-035" in text
    assert "RESOLVED that the Executive be recommended to:" in text
    first = text.index("i.) Approve the commencement of a tender process")
    second = text.index("ii.) Delegate authority to the Chief Officer")
    assert first < second
    assert '<button class="btn btn-primary" type="button" data-print>Print</button>' in html
    assert 'src="/static/js/print-button.js"' in html
    assert "Add a resolution part" not in html

    executive_text = _text(
        client_for(officer).get(reverse("committees:meeting_minutes", args=[chain["exec_meeting"].pk]))
    )
    assert "RESOLVED that: i.) Approved the commencement" in executive_text
    assert "ACTION: Director of Adult Services" in executive_text


# --- reports ----------------------------------------------------------------------------------------


def test_the_report_page_shows_its_facts_contracts_and_history(client_for, officer, chain):
    text = _text(client_for(officer).get(chain["report"].get_absolute_url()))
    assert "Gateway 1" in text
    assert "Colin Lusted, Head of Complex Needs" in text
    assert "LBB-SAH-2024 Support at home" in text
    pds_at = text.index("Adult Care and Health PDS Committee, 15 Nov 2022")
    executive_at = text.index("Executive, 30 Nov 2022")
    assert pds_at < executive_at  # in the order it was considered
    assert "Item 5: Adult mental health support@home service" in text
    assert "Taken up by Executive, 30 Nov 2022, item 7 (i)" in text


def test_the_report_list_searches_and_filters(client_for, officer, chain, bromley):
    ReportFactory(
        council=bromley, reference="CS17121", title="Mental Health Flexible Support waiver", kind=Report.Kind.WAIVER
    )
    client = client_for(officer)

    def references(**params):
        return [report.reference for report in client.get(reverse("committees:report_list"), params).context["page"]]

    assert references() == ["ACH22-035", "CS17121"]
    assert references(q="flexible") == ["CS17121"]
    assert references(q="ach22") == ["ACH22-035"]
    assert references(kind="gateway") == ["ACH22-035"]
    assert "No reports match these filters." in _html(client.get(reverse("committees:report_list"), {"q": "nothing"}))


def test_a_duplicate_report_reference_within_a_council_is_refused(client_for, clerk, chain, bromley):
    before = _counts()
    response = client_for(clerk).post(
        reverse("committees:report_create"),
        {"council": bromley.pk, "reference": "ACH22-035", "title": "Again", "kind": "other"},
    )
    assert "This council already has a report with this reference." in _html(response)
    assert _counts() == before
    # Another council may use the same reference.
    nottingham = OrganisationFactory(name="Nottingham City Council")
    response = client_for(clerk).post(
        reverse("committees:report_create"),
        {"council": nottingham.pk, "reference": "ACH22-035", "title": "Theirs", "kind": "other"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Report.objects.filter(reference="ACH22-035").count() == 2


def test_the_clerk_edits_a_report(client_for, clerk, chain, contract):
    report = chain["report"]
    client = client_for(clerk)
    assert 'value="ACH22-035"' in _html(client.get(reverse("committees:report_update", args=[report.pk])))
    response = client.post(
        reverse("committees:report_update", args=[report.pk]),
        {
            "reference": "ACH22-035",
            "title": "Gateway 1 report",
            "kind": "gateway",
            "gateway_number": "",
            "contracts": contract.reference,
            "version": report.version,
        },
    )
    assert "A gateway report needs its gateway number." in _html(response)
    response = client.post(
        reverse("committees:report_update", args=[report.pk]),
        {
            "reference": "ACH22-035",
            "title": "Gateway 1 report",
            "kind": "gateway",
            "gateway_number": "1",
            "is_exempt": "on",
            "exempt_paragraph": "3",
            "exempt_reason": "The providers' prices are commercially sensitive.",
            "version": report.version,
        },
    )
    assert response.url == report.get_absolute_url()
    report.refresh_from_db()
    assert (report.title, report.exempt_paragraph, list(report.contracts.all())) == ("Gateway 1 report", "3", [])
    assert report.exempt_reason == "The providers' prices are commercially sensitive."


def test_the_clerk_uploads_a_report_file(client_for, clerk, chain, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    report = chain["report"]
    response = client_for(clerk).post(
        reverse("committees:report_file_create", args=[report.pk]),
        {
            "title": "Gateway 1 report",
            "file": SimpleUploadedFile("ach22-035.pdf", b"%PDF-1.4", content_type="application/pdf"),
        },
    )
    assert response.url == f"{report.get_absolute_url()}#files"
    report_file = ReportFile.objects.get()
    assert report_file.title == "Gateway 1 report"
    assert "Gateway 1 report" in _html(client_for(clerk).get(report.get_absolute_url()))
    response = client_for(clerk).post(reverse("committees:report_file_create", args=[report.pk]), {"title": "No file"})
    assert "This field is required." in _html(response)
    assert ReportFile.objects.count() == 1


# --- actions, delegations, officer decisions -----------------------------------------------------------


def test_the_actions_list_puts_overdue_first(client_for, clerk, chain):
    part = chain["approve"]
    done = services.action_add(part=part, text="Done one", owner="Alice", due_on=date(2023, 1, 1))
    services.action_set_status(action=done, status=Action.Status.DONE, today=date(2023, 1, 2))
    later = services.action_add(part=part, text="Later", owner="Bob", due_on=date(2027, 3, 1))
    soon = services.action_add(part=part, text="Soon", owner="Carol", due_on=date(2026, 12, 1))
    overdue = services.action_add(part=part, text="Overdue late", owner="Dan", due_on=date(2025, 1, 1))
    oldest = chain["delegate"].actions.get()  # due 30 Jun 2023, open: overdue on 22 Nov 2026
    client = client_for(clerk)
    response = client.get(reverse("committees:action_list"))
    assert list(response.context["page"]) == [oldest, overdue, soon, later, done]
    html = _html(response)
    assert html.count('<span class="badge text-bg-danger">Overdue</span>') == 2
    assert "Executive, 30 Nov 2022" in html
    assert [a.pk for a in client.get(reverse("committees:action_list"), {"status": "done"}).context["page"]] == [
        done.pk
    ]
    assert [a.pk for a in client.get(reverse("committees:action_list"), {"owner": "caro"}).context["page"]] == [soon.pk]

    response = client.post(
        reverse("committees:action_done", args=[soon.pk]), {"next": reverse("committees:action_list")}
    )
    assert response.url == reverse("committees:action_list")
    soon.refresh_from_db()
    assert soon.status == Action.Status.DONE
    # An address elsewhere is not followed.
    response = client.post(reverse("committees:action_done", args=[later.pk]), {"next": "https://example.com/"})
    assert response.url.startswith(part.item.meeting.get_absolute_url())


def test_the_delegations_list_shows_those_not_yet_used(client_for, officer, chain, pds):
    pds_item = AgendaItemFactory(meeting=MeetingFactory(committee=pds, starts_at=at(date(2023, 1, 17))), number="9")
    expired = ResolutionPartFactory(
        item=pds_item,
        number="1",
        kind=ResolutionPart.Kind.DELEGATE,
        text="Delegated.",
        delegation=services.DelegationInput(
            to_whom="Head of Commissioning", scope="Agree a waiver", expires_on=date(2024, 1, 31)
        ),
    )
    client = client_for(officer)
    response = client.get(reverse("committees:delegation_list"))
    assert list(response.context["page"]) == [expired.delegation, chain["delegate"].delegation]
    text = _text(response)
    assert "Not yet used 2" in text
    assert "31 Jan 2024 Expired" in text
    assert "Executive, 30 Nov 2022, item 7 (ii)" in text

    decision = OfficerDecisionFactory(delegation=chain["delegate"].delegation)
    assert list(client.get(reverse("committees:delegation_list")).context["page"]) == [expired.delegation]
    used = client.get(reverse("committees:delegation_list"), {"show": "used"})
    assert list(used.context["page"]) == [chain["delegate"].delegation]
    assert decision.get_absolute_url() in _html(used)


def test_the_clerk_records_an_officer_decision_under_a_delegation(client_for, clerk, chain, contract):
    delegation = chain["delegate"].delegation
    client = client_for(clerk)
    url = reverse("committees:officer_decision_create")
    html = _html(client.get(url, {"delegation": delegation.pk}))
    assert f'value="{delegation_text(delegation)}"' in html
    assert 'value="Chief Officer"' in html
    data = {
        "delegation": delegation_text(delegation),
        "decision_maker": "Chief Officer",
        "decided_on": "2026-11-30",
        "text": "Exercised the first option.",
        "reasons": "The KPIs were met.",
        "alternatives_rejected": "None considered.",
        "contract": contract.reference,
        "effect": "exercise_option",
        "option_order": "1",
    }
    assert "A decision cannot be dated in the future." in _html(client.post(url, data))
    data["decided_on"] = "2022-11-01"
    assert "The delegation was only made on 30 Nov 2022, after this decision." in _html(client.post(url, data))
    data["effect"] = "exercise_option"
    data["option_order"] = ""
    assert "Say which option the decision exercises or declines." in _html(
        client.post(url, {**data, "decided_on": "2026-11-01"})
    )
    assert not OfficerDecision.objects.exists()
    assert not ContractLink.objects.filter(officer_decision__isnull=False).exists()

    data.update(decided_on="2026-11-01", option_order="1")
    response = client.post(url, data)
    decision = OfficerDecision.objects.get()
    assert response.url == decision.get_absolute_url()
    link = decision.contract_links.get()
    assert (link.contract, link.option.order) == (contract, 1)
    text = _text(client.get(decision.get_absolute_url()))
    assert "Taken under the delegation to Chief Officer in consultation with Portfolio Holder" in text
    assert "LBB-SAH-2024 Support at home · Exercise an option (option 1)" in text
    assert decision.get_absolute_url() in _html(client.get(reverse("committees:officer_decision_list")))


# --- query counts ------------------------------------------------------------------------------------


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


def _fill_meeting(meeting, *, items: int, parts: int, recommendation, contract):
    for i in range(items):
        item = AgendaItemFactory(
            meeting=meeting, number=str(100 + i), report=ReportFactory(council=meeting.committee.council)
        )
        for j in range(parts):
            ResolutionPartFactory(
                item=item,
                number=str(j + 1),
                kind=ResolutionPart.Kind.DELEGATE,
                takes_up=recommendation,
                is_key_decision=True,
                delegation=services.DelegationInput(to_whom="Chief Officer", scope="Extend"),
                actions=[services.ActionInput(text="Report back", owner="Director", due_on=date(2023, 12, 31))],
                links=[services.LinkInput(contract=contract, effect=ContractLink.Effect.OTHER)],
            )
            part = item.parts.get(number=str(j + 1))
            OfficerDecisionFactory(delegation=part.delegation, decided_on=date(2026, 1, 5))


@pytest.mark.parametrize("role", ["clerk", "officer"])
def test_meeting_page_queries_do_not_grow_with_items_and_parts(request, client_for, role, chain, executive, contract):
    client = client_for(request.getfixturevalue(role))
    small = MeetingFactory(
        committee=executive, starts_at=at(date(2023, 1, 11)), decisions_published_on=date(2023, 1, 12)
    )
    _fill_meeting(small, items=1, parts=1, recommendation=chain["recommend_tender"], contract=contract)
    big = MeetingFactory(committee=executive, starts_at=at(date(2023, 2, 8)), decisions_published_on=date(2023, 2, 9))
    _fill_meeting(big, items=4, parts=3, recommendation=chain["recommend_tender"], contract=contract)
    assert _count_queries(client, small.get_absolute_url()) == _count_queries(client, big.get_absolute_url())
    small_minutes = reverse("committees:meeting_minutes", args=[small.pk])
    big_minutes = reverse("committees:meeting_minutes", args=[big.pk])
    assert _count_queries(client, small_minutes) == _count_queries(client, big_minutes)


def test_contract_page_queries_do_not_grow_with_the_decisions_on_it(client_for, officer, chain, executive, contract):
    """Every step of a decision's chain once (a recommendation taken up, a delegation
    made and used, an officer decision under it, a decision replaced as the
    authority), then many of each: the contract page makes the same queries."""
    client = client_for(officer)
    approved = chain["approve"].contract_links.get()

    def officer_decision(n: int):
        decision = OfficerDecisionFactory(
            delegation=chain["delegate"].delegation,
            decided_on=date(2026, 1, 5 + n),
            links=[services.LinkInput(contract=contract, effect=ContractLink.Effect.OTHER)],
        )
        # Replaced as the authority by a later decision.
        ContractLink.objects.filter(officer_decision=decision).update(superseded_by=approved)

    def meeting(day: date):
        return MeetingFactory(committee=executive, starts_at=at(day), decisions_published_on=day)

    officer_decision(0)
    _fill_meeting(
        meeting(date(2023, 1, 11)), items=1, parts=1, recommendation=chain["recommend_tender"], contract=contract
    )
    url = contract.get_absolute_url()
    few = _count_queries(client, url)
    for n in range(1, 5):
        officer_decision(n)
    _fill_meeting(
        meeting(date(2023, 2, 8)), items=3, parts=3, recommendation=chain["recommend_tender"], contract=contract
    )
    assert ContractLink.objects.filter(contract=contract).count() == 16
    assert _count_queries(client, url) == few
    text = _text(client.get(url))
    assert text.count("Replaced as the authority by") == 5
    assert "Under the delegation to Chief Officer made by" in text


def test_report_page_queries_do_not_grow_with_its_history(client_for, officer, chain, executive, contract):
    client = client_for(officer)

    def consider(report, meetings: int):
        for n in range(meetings):
            meeting = MeetingFactory(committee=executive, starts_at=at(date(2023, n + 1, 11)))
            item = AgendaItemFactory(meeting=meeting, number="1", report=report)
            part = ResolutionPartFactory(
                item=item,
                number="i",
                kind=ResolutionPart.Kind.DELEGATE,
                takes_up=chain["recommend_tender"],
                delegation=services.DelegationInput(to_whom="Chief Officer", scope="Extend"),
                actions=[services.ActionInput(text="Report back", owner="Director", due_on=date(2023, 12, 31))],
                links=[services.LinkInput(contract=contract, effect=ContractLink.Effect.OTHER)],
            )
            OfficerDecisionFactory(delegation=part.delegation, decided_on=date(2026, 1, 5))
            ResolutionPartFactory(item=item, number="ii")

    small = ReportFactory(council=executive.council, contracts=[contract])
    consider(small, 1)
    big = ReportFactory(
        council=executive.council, contracts=[contract, ContractFactory(lead_commissioner=executive.council)]
    )
    consider(big, 4)
    assert _count_queries(client, small.get_absolute_url()) == _count_queries(client, big.get_absolute_url())


def test_list_queries_do_not_grow_with_rows(client_for, clerk, chain, executive, contract):
    client = client_for(clerk)
    urls = [
        reverse("committees:committee_list"),
        reverse("committees:report_list"),
        reverse("committees:action_list"),
        reverse("committees:delegation_list"),
        reverse("committees:delegation_list") + "?show=used",
        reverse("committees:officer_decision_list"),
        reverse("committees:meeting_calendar") + "?month=2023-01",
        executive.get_absolute_url(),
    ]
    OfficerDecisionFactory(delegation=chain["delegate"].delegation)
    ResolutionPartFactory(
        item=chain["exec_item"],
        number="iv",
        kind=ResolutionPart.Kind.DELEGATE,
        delegation=services.DelegationInput(to_whom="Chief Officer", scope="Extend"),
    )
    before = [_count_queries(client, url) for url in urls]
    for n in range(6):
        CommitteeFactory(council=executive.council)
        meeting = MeetingFactory(committee=executive, starts_at=at(date(2023, 1, 2 + n)))
        _fill_meeting(meeting, items=1, parts=1, recommendation=chain["recommend_tender"], contract=contract)
        ResolutionPartFactory(
            item=meeting.items.get(),
            number="x",
            kind=ResolutionPart.Kind.DELEGATE,
            delegation=services.DelegationInput(to_whom="Chief Officer", scope="Extend"),
        )
    after = [_count_queries(client, url) for url in urls]
    assert before == after


def test_an_action_already_done_keeps_its_completion_date(client_for, clerk, chain):
    action = chain["delegate"].actions.get()
    services.action_set_status(action=action, status=Action.Status.DONE, today=date(2023, 6, 1))
    response = client_for(clerk).post(reverse("committees:action_done", args=[action.pk]), follow=True)
    assert "That action was already done." in _html(response)
    action.refresh_from_db()
    assert action.completed_on == date(2023, 6, 1)


def test_the_actions_list_filters_overdue_ones(client_for, clerk):
    from datetime import date as day

    from committees import services as committee_services
    from tests.committees.factories import ResolutionPartFactory

    part = ResolutionPartFactory()
    overdue = committee_services.action_add(part=part, text="Late report", owner="Director", due_on=day(2026, 11, 1))
    committee_services.action_add(part=part, text="Future report", owner="Director", due_on=day(2026, 12, 1))
    response = client_for(clerk).get("/committees/actions/", {"status": "overdue"})
    assert [action.pk for action in response.context["page"].object_list] == [overdue.pk]
