"""Who may open what: every URL of the site, for every kind of user, by GET and by POST.

The URLs come from the root resolver, so a page added without a row in
`MATRIX` fails `test_every_url_is_in_the_matrix`, naming it. `MATRIX` is the
specification, one row per URL name: what each user gets, as (GET, POST).

- Anonymous users, and inactive ones (who are treated as anonymous), are sent
  to the sign-in page, except from the public pages, whose row says otherwise.
- A signed-in user with no role gets 403 for a list or a create page, and 404
  for a record (so they cannot learn it exists).
- A role gets 200, 302 or 405 where it may act; 403 where it may see a record
  but not change it; 404 never, as every role reads everything.
- A superuser may do everything.

The rules behind the roles are `commissioning/core/roles.py` and
`commissioning/core/permissions.py`; README's "Who can do what" says them in words.
Each POST is empty (or carries only what the page needs to answer at all)
and is rolled back, so every request sees the same world.

`test_pages_offer_only_what_the_user_may_do` reads every page a user may open
and checks that each link and form on it leads somewhere that user may go: a
button is shown only to those who may press it.
"""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.views import static

from commissioning.core.roles import CLERKS, MANAGERS, OFFICERS
from commissioning.overview.calendar_feed import calendar_feed_for
from commissioning.projects import services as project_services
from committees import services as committee_services
from committees.models import Committee, ResolutionPart
from contracts import register_imports
from contracts import services as contract_services
from contracts.changes import provided_for_ground
from tests.committees.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    OfficerDecisionFactory,
    ReportFactory,
    ResolutionPartFactory,
    at,
)
from tests.conftest import TODAY, ContractFactory, fresh, module_transaction

# Every test starts from the users and world the module makes once (`built`), whether it
# reads them or not, so that no test sees a different database depending on which ran before it.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("built")]

OK = HTTPStatus.OK
FOUND = HTTPStatus.FOUND
BAD = HTTPStatus.BAD_REQUEST
FORBIDDEN = HTTPStatus.FORBIDDEN
NOT_FOUND = HTTPStatus.NOT_FOUND
NOT_ALLOWED = HTTPStatus.METHOD_NOT_ALLOWED
# Sent to the sign-in page, with the page asked for as `next`.
SIGN_IN = "sign in"

ROLES = ("nobody", "officer", "clerk", "manager", "superuser")
USERS = ("anonymous", "inactive", *ROLES)
SIGNED_OUT = (SIGN_IN, SIGN_IN)


def row(*, anonymous=SIGNED_OUT, **cells):
    """One URL's row: (GET, POST) for each role, and for anonymous users when the page is public."""
    assert set(cells) == set(ROLES), f"a row names every role: {sorted(set(ROLES) ^ set(cells))}"
    return {"anonymous": anonymous, **cells}


# Pages that every role reads; a user with no role may not.
READ_LIST = row(nobody=(FORBIDDEN,) * 2, officer=(OK,) * 2, clerk=(OK,) * 2, manager=(OK,) * 2, superuser=(OK,) * 2)
# A picker's matches (JSON, GET only): read by every role, as the list pages are.
READ_CHOICES = row(
    nobody=(FORBIDDEN, NOT_ALLOWED),
    officer=(OK, NOT_ALLOWED),
    clerk=(OK, NOT_ALLOWED),
    manager=(OK, NOT_ALLOWED),
    superuser=(OK, NOT_ALLOWED),
)
READ_RECORD = row(nobody=(NOT_FOUND,) * 2, officer=(OK,) * 2, clerk=(OK,) * 2, manager=(OK,) * 2, superuser=(OK,) * 2)

# Exempt information (Schedule 12A; committees.exempt) is read by those with
# `committees.read_exempt_report`, the clerks: a role that may see the meeting
# but not its exempt text gets 403, a user who may not see the meeting 404.
READ_EXEMPT = row(
    nobody=(NOT_FOUND,) * 2, officer=(FORBIDDEN,) * 2, clerk=(OK,) * 2, manager=(FORBIDDEN,) * 2, superuser=(OK,) * 2
)


def create_page(*, officer, clerk, manager, post=OK):
    """A page that is not one record (a create form): 403 for whoever may not add."""
    allowed = (OK, post)
    return row(
        nobody=(FORBIDDEN, FORBIDDEN),
        officer=allowed if officer else (FORBIDDEN, FORBIDDEN),
        clerk=allowed if clerk else (FORBIDDEN, FORBIDDEN),
        manager=allowed if manager else (FORBIDDEN, FORBIDDEN),
        superuser=allowed,
    )


def record_page(*, officer, clerk, manager, get=OK, post=OK):
    """A page that changes one record: 404 for a user who may not see it, 403 for one who may see but not change it."""
    allowed = (get, post)
    return row(
        nobody=(NOT_FOUND if get != NOT_ALLOWED else NOT_ALLOWED, NOT_FOUND),
        officer=allowed if officer else (FORBIDDEN if get != NOT_ALLOWED else NOT_ALLOWED, FORBIDDEN),
        clerk=allowed if clerk else (FORBIDDEN if get != NOT_ALLOWED else NOT_ALLOWED, FORBIDDEN),
        manager=allowed if manager else (FORBIDDEN if get != NOT_ALLOWED else NOT_ALLOWED, FORBIDDEN),
        superuser=allowed,
    )


def post_only(*, officer, clerk, manager, post):
    """A form's target (`require_POST`): GET is 405 for everyone signed in, before any record is read."""
    return record_page(officer=officer, clerk=clerk, manager=manager, get=NOT_ALLOWED, post=post)


# Who changes what (README, "Who can do what"): officers the register and commissioning;
# clerks the committee record; managers commissioning projects and waivers.
REGISTER = {"officer": True, "clerk": False, "manager": False}
COMMITTEE_RECORD = {"officer": False, "clerk": True, "manager": False}
COMMISSIONING = {"officer": True, "clerk": False, "manager": True}

MATRIX = {
    # --- signing in and out --------------------------------------------------------------
    "login": row(
        anonymous=(OK, OK), nobody=(OK, OK), officer=(OK, OK), clerk=(OK, OK), manager=(OK, OK), superuser=(OK, OK)
    ),
    "logout": row(
        nobody=(NOT_ALLOWED, FOUND),
        officer=(NOT_ALLOWED, FOUND),
        clerk=(NOT_ALLOWED, FOUND),
        manager=(NOT_ALLOWED, FOUND),
        superuser=(NOT_ALLOWED, FOUND),
    ),
    # Changing your own password: anyone signed in, whatever their role (an empty POST shows the form's errors).
    "password_change": row(**dict.fromkeys(ROLES, (OK, OK))),
    "password_change_done": row(**dict.fromkeys(ROLES, (OK, NOT_ALLOWED))),
    # Resetting a forgotten password by email: public, as the person cannot sign in.
    "password_reset": row(anonymous=(OK, OK), **dict.fromkeys(ROLES, (OK, OK))),
    "password_reset_done": row(anonymous=(OK, NOT_ALLOWED), **dict.fromkeys(ROLES, (OK, NOT_ALLOWED))),
    # A made-up link: the page that says the link no longer works, to GET and POST alike.
    "password_reset_confirm": row(anonymous=(OK, OK), **dict.fromkeys(ROLES, (OK, OK))),
    "password_reset_complete": row(anonymous=(OK, NOT_ALLOWED), **dict.fromkeys(ROLES, (OK, NOT_ALLOWED))),
    # --- the dashboard ------------------------------------------------------------------------
    "home": READ_LIST,
    "dashboard_export": READ_LIST,
    "search": READ_LIST,
    # --- the contract register ----------------------------------------------------------------
    "contracts:contract_list": READ_LIST,
    "contracts:to_complete": READ_LIST,
    "contracts:notice_list": READ_LIST,
    "contracts:notice_publish": create_page(**REGISTER),
    "contracts:contract_export": READ_LIST,
    "contracts:contract_export_as": READ_LIST,
    "contracts:contract_create": create_page(**REGISTER),
    "contracts:contract_detail": READ_RECORD,
    "contracts:contract_update": record_page(**REGISTER),
    "contracts:spend_create": post_only(**REGISTER, post=FOUND),
    # KPIs and their assessments are the register's: set and rated by officers, read by every role.
    "contracts:kpi_create": record_page(**REGISTER),
    "contracts:kpi_update": record_page(**REGISTER),
    "contracts:kpi_assessment_create": record_page(**REGISTER),
    "contracts:monitoring_create": record_page(**REGISTER),
    "contracts:monitoring_update": record_page(**REGISTER),
    "contracts:provider_list": READ_LIST,
    "contracts:contract_choices": READ_CHOICES,
    "contracts:provider_choices": READ_CHOICES,
    "contracts:provider_create": create_page(**REGISTER),
    "contracts:provider_detail": READ_RECORD,
    "contracts:provider_update": record_page(**REGISTER),
    "contracts:organisation_list": READ_LIST,
    "contracts:organisation_create": create_page(**REGISTER),
    "contracts:organisation_detail": READ_RECORD,
    "contracts:organisation_update": record_page(**REGISTER),
    # The imports are read by every role; uploading (the list's POST) is the officers'.
    "contracts:import_list": row(
        nobody=(FORBIDDEN, FORBIDDEN),
        officer=(OK, OK),
        clerk=(OK, FORBIDDEN),
        manager=(OK, FORBIDDEN),
        superuser=(OK, OK),
    ),
    "contracts:import_detail": READ_RECORD,
    "contracts:import_remap": post_only(**REGISTER, post=FOUND),
    "contracts:import_confirm": post_only(**REGISTER, post=FOUND),
    "contracts:import_report": READ_RECORD,
    # --- committees and decisions -------------------------------------------------------------
    "committees:committee_list": READ_LIST,
    "committees:decision_choices": READ_CHOICES,
    "committees:report_choices": READ_CHOICES,
    "committees:recommendation_choices": READ_CHOICES,
    "committees:delegation_choices": READ_CHOICES,
    # The old address of the search, now the site's one search: sent on to it (where nobody gets 403).
    "committees:search": row(
        nobody=(FOUND,) * 2, officer=(FOUND,) * 2, clerk=(FOUND,) * 2, manager=(FOUND,) * 2, superuser=(FOUND,) * 2
    ),
    # Exercising or declining an option changes the contract: the officers'.
    "committees:option_exercise": record_page(**REGISTER),
    # Fee uplifts: applied and reversed by officers under a decision, read by every role.
    "committees:fee_uplift_list": READ_LIST,
    "committees:fee_uplift_create": create_page(**REGISTER),
    "committees:fee_uplift_detail": READ_RECORD,
    "committees:fee_uplift_reverse": post_only(**REGISTER, post=OK),
    "committees:option_decline": record_page(**REGISTER),
    # A change to a contract is the register's, recorded with the decision that authorised it.
    "committees:change_create": record_page(**REGISTER),
    "committees:change_withdraw": post_only(**REGISTER, post=FOUND),
    "committees:committee_create": create_page(**COMMITTEE_RECORD),
    "committees:committee_detail": READ_RECORD,
    "committees:committee_update": record_page(**COMMITTEE_RECORD),
    "committees:meeting_create": record_page(**COMMITTEE_RECORD),
    "committees:meeting_calendar": READ_LIST,
    "committees:meeting_detail": READ_RECORD,
    "committees:meeting_update": post_only(**COMMITTEE_RECORD, post=OK),
    "committees:meeting_minutes": READ_RECORD,
    # The confidential print of the meeting's exempt items ("Part 2").
    "committees:meeting_minutes_confidential": READ_EXEMPT,
    "committees:minutes_approve": post_only(**COMMITTEE_RECORD, post=FOUND),
    "committees:item_create": post_only(**COMMITTEE_RECORD, post=OK),
    "committees:part_create": post_only(**COMMITTEE_RECORD, post=OK),
    "committees:item_update": post_only(**COMMITTEE_RECORD, post=OK),
    "committees:action_create": post_only(**COMMITTEE_RECORD, post=OK),
    "committees:action_list": READ_LIST,
    "committees:action_done": post_only(**COMMITTEE_RECORD, post=FOUND),
    "committees:delegation_list": READ_LIST,
    "committees:report_list": READ_LIST,
    "committees:report_create": create_page(**COMMITTEE_RECORD),
    "committees:report_detail": READ_RECORD,
    "committees:report_update": record_page(**COMMITTEE_RECORD),
    "committees:report_file_create": post_only(**COMMITTEE_RECORD, post=OK),
    # A report's file goes to whoever may see the report; it is a download, read-only.
    "committees:report_file_download": READ_RECORD,
    "committees:officer_decision_list": READ_LIST,
    # Officers record the decisions they take under a delegation; clerks record any.
    "committees:officer_decision_create": create_page(officer=True, clerk=True, manager=False),
    "committees:officer_decision_detail": READ_RECORD,
    "committees:officer_decision_print": READ_RECORD,
    # Clerks record the day an officer decision record was published; an empty form goes back to the record.
    "committees:officer_decision_publish": post_only(**COMMITTEE_RECORD, post=FOUND),
    # Call-in: clerks record the councillors' request and the scrutiny outcome; every role reads it.
    "committees:call_in_list": READ_LIST,
    "committees:call_in_create": record_page(**COMMITTEE_RECORD),
    "committees:call_in_detail": READ_RECORD,
    "committees:call_in_resolve": record_page(**COMMITTEE_RECORD, get=FOUND),
    # The forward plan of key decisions: kept by clerks, read by every role, printed and downloaded.
    "committees:forward_plan": READ_LIST,
    "committees:forward_plan_create": create_page(**COMMITTEE_RECORD),
    "committees:forward_plan_print": READ_LIST,
    "committees:key_decisions_missing_notice": READ_LIST,
    "committees:forward_plan_export": READ_LIST,
    "committees:forward_plan_detail": READ_RECORD,
    "committees:forward_plan_update": record_page(**COMMITTEE_RECORD),
    # Members and attendance: read by every role, recorded by clerks (the list's POST adds a member).
    "committees:member_list": row(
        nobody=(FORBIDDEN, FORBIDDEN),
        officer=(OK, FORBIDDEN),
        clerk=(OK, OK),
        manager=(OK, FORBIDDEN),
        superuser=(OK, OK),
    ),
    "committees:member_detail": READ_RECORD,
    "committees:membership_add": post_only(**COMMITTEE_RECORD, post=OK),
    "committees:membership_end": post_only(**COMMITTEE_RECORD, post=OK),
    "committees:meeting_attendance": row(
        nobody=(NOT_FOUND, NOT_FOUND),
        officer=(OK, FORBIDDEN),
        clerk=(OK, OK),
        manager=(OK, FORBIDDEN),
        superuser=(OK, OK),
    ),
    "committees:declaration_add": post_only(**COMMITTEE_RECORD, post=OK),
    "committees:declaration_remove": post_only(**COMMITTEE_RECORD, post=FOUND),
    # --- commissioning projects, the pipeline and waivers -------------------------------------
    "commissioning:pipeline": READ_LIST,
    "commissioning:project_list": READ_LIST,
    "commissioning:project_create": create_page(**COMMISSIONING),
    "commissioning:project_detail": READ_RECORD,
    "commissioning:project_update": record_page(**COMMISSIONING),
    "commissioning:gateway_pass": post_only(**COMMISSIONING, post=OK),
    "commissioning:appraised_option_add": post_only(**COMMISSIONING, post=OK),
    "commissioning:project_step_add": post_only(**COMMISSIONING, post=OK),
    "commissioning:waiver_list": READ_LIST,
    "commissioning:waiver_create": create_page(**COMMISSIONING),
    "commissioning:waiver_detail": READ_RECORD,
    # --- the calendar feed ----------------------------------------------------------------------
    # Every signed-in user manages their own link; one with no role is told their feed is empty.
    "commissioning:calendar": row(
        nobody=(OK, FOUND),
        officer=(OK, FOUND),
        clerk=(OK, FOUND),
        manager=(OK, FOUND),
        superuser=(OK, FOUND),
    ),
    # Calendar apps cannot sign in: the secret token in the address is the credential.
    "commissioning:calendar_feed": row(
        anonymous=(OK, NOT_ALLOWED),
        nobody=(OK, NOT_ALLOWED),
        officer=(OK, NOT_ALLOWED),
        clerk=(OK, NOT_ALLOWED),
        manager=(OK, NOT_ALLOWED),
        superuser=(OK, NOT_ALLOWED),
    ),
}

# What a POST carries, where an empty one would not reach the check being tested.
POST_DATA = {"commissioning:calendar": {"action": "renew"}}


# --- the URLs ----------------------------------------------------------------------------------

EXCLUDED_NAMESPACES = {"admin"}


def _patterns(patterns=None, namespace: str = ""):
    """(qualified name, pattern) of every URL the site serves, but the admin's and static files."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.callback is not static.serve:
            yield (f"{namespace}{pattern.name}" if pattern.name else str(pattern.pattern)), pattern


def _parameters(pattern: URLPattern) -> set[str]:
    return (
        set(pattern.pattern.converters)
        if hasattr(pattern.pattern, "converters")
        else set(pattern.pattern.regex.groupindex)
    )


# How to fill in each URL's parameters from the world.
ARGUMENTS = {
    "password_reset_confirm": lambda w: {"uidb64": "MQ", "token": "made-up-token"},
    "dashboard_export": lambda w: {"key": "decisions_due", "fmt": "csv"},
    "contracts:contract_export_as": lambda w: {"fmt": "xlsx"},
    "contracts:contract_detail": lambda w: {"pk": w["contract"].pk},
    "contracts:contract_update": lambda w: {"pk": w["contract"].pk},
    "contracts:spend_create": lambda w: {"pk": w["contract"].pk},
    "contracts:kpi_create": lambda w: {"pk": w["contract"].pk},
    "contracts:kpi_update": lambda w: {"pk": w["kpi"].pk},
    "contracts:kpi_assessment_create": lambda w: {"pk": w["kpi"].pk},
    "contracts:monitoring_create": lambda w: {"pk": w["contract"].pk},
    "contracts:monitoring_update": lambda w: {"pk": w["monitoring"].pk},
    "contracts:provider_detail": lambda w: {"pk": w["provider"].pk},
    "contracts:provider_update": lambda w: {"pk": w["provider"].pk},
    "contracts:organisation_update": lambda w: {"pk": w["organisation"].pk},
    "committees:officer_decision_print": lambda w: {"pk": w["decision"].pk},
    "committees:officer_decision_publish": lambda w: {"pk": w["decision"].pk},
    "committees:call_in_create": lambda w: {"pk": w["part"].pk},
    "committees:call_in_detail": lambda w: {"pk": w["call_in"].pk},
    "committees:call_in_resolve": lambda w: {"pk": w["call_in"].pk},
    "contracts:organisation_detail": lambda w: {"pk": w["organisation"].pk},
    "contracts:import_detail": lambda w: {"pk": w["import"].pk},
    "contracts:import_remap": lambda w: {"pk": w["import"].pk},
    "contracts:import_confirm": lambda w: {"pk": w["import"].pk},
    "contracts:import_report": lambda w: {"pk": w["import"].pk},
    "committees:option_exercise": lambda w: {"pk": w["contract"].pk, "order": 1},
    "committees:fee_uplift_detail": lambda w: {"pk": w["uplift"].pk},
    "committees:fee_uplift_reverse": lambda w: {"pk": w["uplift"].pk},
    "committees:option_decline": lambda w: {"pk": w["contract"].pk, "order": 1},
    "committees:change_create": lambda w: {"pk": w["contract"].pk},
    "committees:change_withdraw": lambda w: {"pk": w["change"].pk},
    "committees:committee_detail": lambda w: {"pk": w["committee"].pk},
    "committees:committee_update": lambda w: {"pk": w["committee"].pk},
    "committees:meeting_create": lambda w: {"pk": w["committee"].pk},
    "committees:meeting_detail": lambda w: {"pk": w["meeting"].pk},
    "committees:meeting_update": lambda w: {"pk": w["meeting"].pk},
    "committees:meeting_minutes": lambda w: {"pk": w["meeting"].pk},
    "committees:meeting_minutes_confidential": lambda w: {"pk": w["meeting"].pk},
    "committees:minutes_approve": lambda w: {"pk": w["meeting"].pk},
    "committees:item_create": lambda w: {"pk": w["meeting"].pk},
    "committees:part_create": lambda w: {"pk": w["meeting"].pk, "item_pk": w["item"].pk},
    "committees:item_update": lambda w: {"pk": w["item"].pk},
    "committees:action_create": lambda w: {"pk": w["part"].pk},
    "committees:action_done": lambda w: {"pk": w["action"].pk},
    "committees:report_detail": lambda w: {"pk": w["report"].pk},
    "committees:report_update": lambda w: {"pk": w["report"].pk},
    "committees:report_file_create": lambda w: {"pk": w["report"].pk},
    "committees:report_file_download": lambda w: {"pk": w["report_file"].pk},
    "committees:officer_decision_detail": lambda w: {"pk": w["decision"].pk},
    "committees:forward_plan_export": lambda w: {"fmt": "xlsx"},
    "committees:forward_plan_detail": lambda w: {"pk": w["forward_plan_entry"].pk},
    "committees:forward_plan_update": lambda w: {"pk": w["forward_plan_entry"].pk},
    "committees:member_detail": lambda w: {"pk": w["member"].pk},
    "committees:membership_add": lambda w: {"pk": w["member"].pk},
    "committees:membership_end": lambda w: {"pk": w["member"].memberships.get().pk},
    "committees:meeting_attendance": lambda w: {"pk": w["meeting"].pk},
    "committees:declaration_add": lambda w: {"pk": w["meeting"].pk},
    "committees:declaration_remove": lambda w: {"pk": w["declaration"].pk},
    "commissioning:project_detail": lambda w: {"pk": w["project"].pk},
    "commissioning:project_update": lambda w: {"pk": w["project"].pk},
    "commissioning:gateway_pass": lambda w: {"pk": w["project"].pk},
    "commissioning:appraised_option_add": lambda w: {"pk": w["project"].pk},
    "commissioning:project_step_add": lambda w: {"pk": w["project"].pk},
    "commissioning:calendar_feed": lambda w: {"token": w["feed"].token},
    "commissioning:waiver_detail": lambda w: {"pk": w["waiver"].pk},
}


def _url(name: str, pattern: URLPattern, world: dict) -> str:
    wanted = _parameters(pattern)
    kwargs = ARGUMENTS[name](world) if name in ARGUMENTS else {}
    assert set(kwargs) == wanted, f"{name}: ARGUMENTS must give {sorted(wanted)}, not {sorted(kwargs)}"
    return reverse(name, kwargs=kwargs)


def test_every_url_is_in_the_matrix():
    served = {name for name, _ in _patterns()}
    assert not served - set(MATRIX), f"URLs with no row in MATRIX: {sorted(served - set(MATRIX))}"
    assert not set(MATRIX) - served, f"rows in MATRIX for URLs the site no longer has: {sorted(set(MATRIX) - served)}"


def test_every_url_with_parameters_can_be_built():
    missing = sorted(name for name, pattern in _patterns() if _parameters(pattern) and name not in ARGUMENTS)
    assert not missing, f"URLs the matrix cannot build (add them to ARGUMENTS): {missing}"


# --- the world and its users -----------------------------------------------------------------


def _user(django_user_model, username: str, *, group: str | None = None, **extra):
    user = django_user_model.objects.create_user(username=username, password="pw", **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def _users():
    django_user_model = get_user_model()
    return {
        "nobody": _user(django_user_model, "nobody"),
        "officer": _user(django_user_model, "officer", group=OFFICERS),
        "clerk": _user(django_user_model, "clerk", group=CLERKS),
        "manager": _user(django_user_model, "manager", group=MANAGERS),
        # An officer whose account was switched off: no role helps.
        "inactive": _user(django_user_model, "inactive", group=OFFICERS, is_active=False),
        "superuser": _user(django_user_model, "superuser", is_superuser=True, is_staff=True),
    }


REGISTER_FILE = (
    b"Contract Reference number / ID,Title of the Agreement,Supplier name,Contract start date,End date,Contract value\r\n"
    b"ASC-001,Home care,Caring Hands Ltd,01/04/2023,31/03/2026,1200000\r\n"
)


def _world(users):
    """One of each record a URL can name."""
    contract = ContractFactory(reference="LBB-MATRIX", start_date=date(2024, 10, 1), term="5+2+2")
    project = project_services.project_create(
        title="support@home", service_area=contract.service_area, incumbent_contracts=[contract]
    )
    waiver = project_services.waiver_create(
        service="Day opportunities",
        service_area=contract.service_area,
        reason="Continuity of care",
        start_date=date(2026, 4, 1),
        term="18m+6m",
        value=333_333,
        approver="Director of Adult Services",
        approved_on=date(2026, 3, 1),
        today=TODAY,
    )
    committee = CommitteeFactory(name="Executive", kind=Committee.Kind.EXECUTIVE)
    report = ReportFactory(reference="ACH26-001", contracts=[contract])
    meeting = MeetingFactory(committee=committee, starts_at=at(date(2026, 10, 14)))
    item = AgendaItemFactory(meeting=meeting, number="7", title="Support at home", report=report)
    # An exempt item, so that the meeting page offers its clerks the confidential print.
    AgendaItemFactory(
        meeting=meeting,
        number="8",
        title="Support at home: tender prices",
        minutes="The tendered hourly rates were discussed.",
        is_exempt=True,
        exempt_paragraph="3",
        exempt_reason="Disclosure would prejudice the council's negotiations.",
    )
    part = ResolutionPartFactory(
        item=item,
        number="i",
        kind=ResolutionPart.Kind.DELEGATE,
        text="Delegated authority to extend.",
        delegation=committee_services.DelegationInput(to_whom="Chief Officer", scope="Extend the contract"),
        actions=[committee_services.ActionInput(text="Report back", owner="Chief Officer", due_on=date(2026, 12, 1))],
    )
    decision = OfficerDecisionFactory(decided_on=date(2026, 10, 20), delegation=part.delegation)
    uplift, _ = committee_services.fee_uplift_decide(
        authority=decision,
        today=TODAY,
        title="Care fee uplift 2027/28",
        basis="national_living_wage",
        percent=Decimal("6.7"),
        effective_on=date(2027, 4, 1),
        contract_ids=[contract.pk],
    )
    # A decision published and called in within its period (Executive, 1 Oct 2026; call-in ends 9 Oct 2026).
    published = MeetingFactory(
        committee=committee, starts_at=at(date(2026, 10, 1)), decisions_published_on=date(2026, 10, 2)
    )
    called_in = ResolutionPartFactory(
        item=AgendaItemFactory(meeting=published, number="3", title="Day opportunities"),
        number="i",
        kind=ResolutionPart.Kind.APPROVE,
        text="Approved the day opportunities tender.",
    )
    call_in = committee_services.call_in_request(
        part=called_in,
        requested_by="Cllr A Smith, Cllr B Jones",
        requested_on=date(2026, 10, 5),
        reasons="No in-house option was appraised.",
        today=TODAY,
    )
    record = register_imports.import_upload(
        user=users["officer"], file_name="register.csv", data=REGISTER_FILE, as_at=None, value_basis="whole"
    )
    report_file = committee_services.report_file_add(
        report=report, title="Gateway 1 report", file=SimpleUploadedFile("gateway.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    kpi = contract_services.kpi_create(
        contract=contract,
        name="Visits on time",
        measure="Share of planned visits that start within 15 minutes of the time agreed.",
        target="95%",
        frequency="quarterly",
        evidence_source="Electronic call monitoring",
    )
    monitoring = contract_services.monitoring_record_create(
        contract=contract,
        kind="visit",
        held_on=date(2026, 9, 15),
        title="Visit to the Orpington office",
        carried_out_by="Contract Compliance Officer",
        today=TODAY,
    )
    # A change to come, so that it may still be withdrawn.
    change = contract_services.contract_change_record(
        contract=contract,
        effective_on=date(2027, 4, 1),
        ground=provided_for_ground(contract.legislation).code,
        description="Night visits added.",
        scope_change="Night visits.",
    )
    forward_plan_entry = committee_services.forward_plan_entry_create(
        council=committee.council,
        title="Support at home: extension",
        decision_maker=committee,
        expected_on=date(2026, 10, 14),
        published_on=date(2026, 9, 1),
        contracts=[contract],
        decision=part,
    )
    member = committee_services.member_create(council=committee.council, name="Councillor A Member")
    committee_services.membership_add(member=member, committee=committee, role="chair", from_date=date(2026, 5, 1))
    declaration = committee_services.declaration_add(
        item=item,
        member=member,
        kind="other_registrable",
        description="Trustee of a charity the provider supports.",
        provider=contract.providers.get(),
    )
    return {
        "forward_plan_entry": forward_plan_entry,
        "member": member,
        "declaration": declaration,
        "contract": contract,
        "change": change,
        "kpi": kpi,
        "monitoring": monitoring,
        "report_file": report_file,
        "provider": contract.providers.get(),
        "organisation": contract.lead_commissioner,
        "project": project,
        "waiver": waiver,
        "committee": committee,
        "report": report,
        "meeting": meeting,
        "item": item,
        "part": part,
        "action": part.actions.get(),
        "decision": decision,
        "call_in": call_in,
        "uplift": uplift,
        "import": record,
        "feed": calendar_feed_for(users["officer"]),
    }


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    """The users and the world, made once for the module (`module_transaction`):
    some 80 tests each ask every URL as every user of the same world, and undo
    what each request writes."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), module_transaction(django_db_blocker):
        users = _users()
        yield {"users": users, "world": _world(users)}


@pytest.fixture
def users(built):
    return fresh(built["users"])


@pytest.fixture
def world(built):
    return fresh(built["world"])


@contextmanager
def _rolled_back():
    """Whatever the request writes is undone, so the next one sees the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _clients(users) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


def _outcome(response):
    if response.status_code == FOUND and response["Location"].startswith(f"{reverse('login')}?next="):
        return SIGN_IN
    return response.status_code


# --- the matrix --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_matrix(name, users, world):
    patterns = dict(_patterns())
    assert name in patterns, f"{name} is not served"
    url = _url(name, patterns[name], world)
    clients = _clients(users)
    wrong = []
    for user in USERS:
        # An inactive user is treated as anonymous.
        expected = MATRIX[name]["anonymous" if user == "inactive" else user]
        for method, want in zip(("GET", "POST"), expected, strict=True):
            client = clients[user]
            with _rolled_back():
                try:
                    if method == "GET":
                        response = client.get(url)
                    else:
                        response = client.post(url, POST_DATA.get(name, {}))
                except Exception as error:  # noqa: BLE001 - reported with the rest, naming the cell
                    wrong.append(f"{user} {method} {url}: raised {error!r}")
                    continue
            got = _outcome(response)
            if got != want:
                wrong.append(f"{user} {method} {url}: {got}, expected {want}")
    assert not wrong, "\n".join(wrong)


# --- what the pages offer -----------------------------------------------------------------------


class _Targets(HTMLParser):
    """Every link and form target of a page, with the method it would use."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.targets: list[tuple[str, str]] = []
        self._form_method = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.targets.append(("GET", attrs["href"]))
        elif tag == "form":
            method = (attrs.get("method") or "get").upper()
            self._form_method = method
            self.targets.append((method, attrs.get("action") or ""))
        elif tag in {"button", "input"} and attrs.get("formaction"):
            self.targets.append((self._form_method or "GET", attrs["formaction"]))


def _matrix_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.namespace in EXCLUDED_NAMESPACES:
        return None
    return match.view_name


@pytest.mark.parametrize("role", ["officer", "clerk", "manager", "superuser"])
def test_pages_offer_only_what_the_user_may_do(role, users, world):
    client = _clients({role: users[role]})[role]
    patterns = dict(_patterns())
    wrong = []
    checked = 0
    for name, cells in sorted(MATRIX.items()):
        if cells[role][0] != OK or name.endswith(("_export", "_export_as", "_report", "_download", "calendar_feed")):
            continue  # only pages, not downloads
        url = _url(name, patterns[name], world)
        response = client.get(url)
        assert response.status_code == OK, f"{role} GET {url}: {response.status_code}"
        parser = _Targets()
        parser.feed(response.content.decode())
        for method, target in parser.targets:
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith("#"):
                continue
            path = parts.path or urlsplit(url).path
            target_name = _matrix_name(path)
            if target_name is None or target_name not in MATRIX:
                continue
            got = MATRIX[target_name][role][0 if method == "GET" else 1]
            checked += 1
            if got in (FORBIDDEN, NOT_FOUND):
                wrong.append(f"{name} shows {role} a {method} to {target}, which gives them {got}")
    assert checked > 500, f"only {checked} links and forms checked: is the page reader still reading them?"
    assert not wrong, "\n".join(sorted(set(wrong)))
