"""Every edit form of the app, as a browser sees it.

`EDIT_FORMS` lists each form that edits a record, with how to make a record,
which page shows the form and where it posts. `browser_form` reads a form's
values from the rendered page, as a browser would post them untouched, so
the tests change exactly one thing at a time.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

from django import forms
from django.db import models
from django.urls import reverse

from commissioning.core.pickers import PickerField
from commissioning.projects import services as project_services
from commissioning.projects.forms import ProjectForm
from commissioning.projects.models import CommissioningProject
from committees import services as committee_services
from committees.callin_forms import CallInOutcomeForm
from committees.forms import AgendaItemForm, CommitteeForm, MeetingForm, ReportForm
from committees.forward_plan_forms import ForwardPlanForm
from committees.models import AgendaItem, CallIn, Committee, ForwardPlanEntry, Meeting, Member, Report
from contracts import services as contract_services
from contracts.forms import ContractForm, KpiForm, MonitoringRecordForm, OrganisationForm, ProviderForm
from contracts.models import Contract, Kpi, MonitoringRecord, Organisation, Provider
from contracts.services import Share
from tests.committees.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    OfficerDecisionFactory,
    ReportFactory,
    ResolutionPartFactory,
    at,
)
from tests.conftest import TODAY, ContractFactory, OrganisationFactory, ProviderFactory, ServiceAreaFactory

# --- reading a form from a page -------------------------------------------------------------


class _FormsParser(HTMLParser):
    """The post forms of a page: their action and what a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "data": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        data = self._form["data"]
        if tag == "input" and "name" in attrs and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                data.setdefault(attrs["name"], [])
                return
            data.setdefault(attrs["name"], []).append(attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and "disabled" not in attrs:
            self._select = {"name": attrs["name"], "multiple": "multiple" in attrs, "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(value)
        elif tag == "textarea" and "disabled" not in attrs:
            self._textarea = attrs["name"]
            self._text = []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            chosen = self._select["chosen"]
            if not chosen and not self._select["multiple"] and self._select["first"] is not None:
                chosen = [self._select["first"]]  # a browser sends the first option
            self._form["data"][self._select["name"]] = chosen
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # The HTML parser drops nothing: a browser drops one newline after <textarea>.
            text = text[1:] if text.startswith("\n") else text
            self._form["data"][self._textarea] = [text.replace("\n", "\r\n")]
            self._textarea = None
        elif tag == "form":
            self._form = None


def browser_form(html: str, *, action: str) -> dict[str, list[str]]:
    """What a browser would post from the form on `html` that posts to `action`
    (a form without an action posts to its own page: pass "")."""
    parser = _FormsParser()
    parser.feed(html)
    found = [form["data"] for form in parser.forms if form["action"].split("#")[0] == action]
    assert len(found) == 1, f"{len(found)} forms post to {action!r}"
    return found[0]


# --- the edit forms ------------------------------------------------------------------------


@dataclass(frozen=True)
class EditForm:
    name: str
    form_class: type[forms.BaseForm]
    model: type[models.Model]
    role: str  # the user fixture that may edit
    noun: str  # as the stale message names the record
    make: Callable[[], models.Model]
    page: Callable[[models.Model], str]  # the page that shows the form
    action: Callable[[models.Model], str]  # where the form posts; "" for its own page
    form_on: Callable[[dict, models.Model], forms.BaseForm]  # the form in the page's context
    prefix: Callable[[models.Model], str] = lambda record: ""

    def post_url(self, record) -> str:
        return self.action(record) or self.page(record)


def _contract() -> Contract:
    bromley = OrganisationFactory(name="London Borough of Bromley")
    icb = OrganisationFactory(name="South East London ICB", kind="icb")
    OrganisationFactory(name="London Borough of Lewisham")
    ServiceAreaFactory(name="Learning disability")
    ProviderFactory(name="Certitude")
    return ContractFactory(
        reference="LBB-SAH-2024",
        title="Support at home",
        description="Home care in the borough.",
        notes="Retendered in 2024.",
        service_area=ServiceAreaFactory(name="Mental health"),
        lead_commissioner=bromley,
        providers=[ProviderFactory(name="Hestia Housing and Support")],
        start_date=date(2024, 10, 1),
        term="5+2+2",
        annual_value=Decimal("2660000"),
        annual_uplift_percent=Decimal("2.5"),
        approved_value=Decimal("23400000"),
        funding=[Share(bromley, Decimal("50")), Share(icb, Decimal("50"))],
    )


def _report() -> Report:
    ContractFactory(reference="LBB-DP-2023", title="Direct payments support")
    report = ReportFactory(
        reference="ACH22-035",
        title="Gateway 1: support at home",
        kind=Report.Kind.GATEWAY,
        gateway_number=1,
        author="Head of Commissioning",
        author_role="Commissioning",
        report_date=date(2022, 11, 1),
        is_exempt=True,
        exempt_paragraph="3",
        exempt_reason="The prices tendered would prejudice the council's negotiating position.",
        contracts=[ContractFactory(reference="LBB-SAH-2024", title="Support at home")],
    )
    # Monitoring of its contract, one considered and one to choose.
    contract = report.contracts.get()
    considered, _ = (
        contract_services.monitoring_record_create(
            contract=contract,
            kind="visit",
            held_on=date(2022, 10, day),
            title=f"Visit of {day} Oct 2022",
            carried_out_by="Contract Compliance Officer",
            today=date(2022, 11, 1),
        )
        for day in (3, 17)
    )
    return committee_services.report_update(report=report, contracts=[contract], monitoring_records=[considered])


def _meeting() -> Meeting:
    return MeetingFactory(
        starts_at=at(date(2022, 11, 30)),
        venue="Bromley Civic Centre",
        agenda_published_on=date(2022, 11, 22),
        decisions_published_on=date(2022, 12, 2),
    )


def _call_in() -> CallIn:
    """The Executive's decision of 30 Nov 2022 (published 2 Dec), called in on 7 Dec and
    resolved; two meetings of the PDS Committee could have considered it."""
    executive = CommitteeFactory(name="Executive", kind=Committee.Kind.EXECUTIVE)
    meeting = MeetingFactory(
        committee=executive, starts_at=at(date(2022, 11, 30)), decisions_published_on=date(2022, 12, 2)
    )
    part = ResolutionPartFactory(
        item=AgendaItemFactory(meeting=meeting, number="12"), number="i", kind="approve", text="Approved the tender."
    )
    pds = CommitteeFactory(name="Adult Care and Health PDS Committee", kind=Committee.Kind.PDS)
    first = MeetingFactory(committee=pds, starts_at=at(date(2022, 12, 12)))
    MeetingFactory(committee=pds, starts_at=at(date(2022, 12, 13)))
    # Councillors of the council who could have signed it: the form offers them.
    for name in ("Councillor A Smith", "Councillor B Jones"):
        Member.objects.create(council=executive.council, name=name)
    call_in = committee_services.call_in_request(
        part=part, requested_by="Cllr A Smith", requested_on=date(2022, 12, 7), reasons="No options.", today=TODAY
    )
    return committee_services.call_in_resolve(
        call_in=call_in,
        scrutiny_meeting=first,
        outcome=CallIn.Outcome.NO_FURTHER_ACTION,
        outcome_on=date(2023, 1, 5),
        today=TODAY,
    )


def _item() -> AgendaItem:
    meeting = _meeting()
    ReportFactory(council=meeting.committee.council, reference="ACH22-036")
    return AgendaItemFactory(
        meeting=meeting,
        number="7",
        title="Support at home",
        minutes="Noted.",
        # Exempt, so that each of its exempt fields can be changed alone (unticking it clears the other two).
        is_exempt=True,
        exempt_paragraph="3",
        exempt_reason="The providers' prices are commercially sensitive.",
    )


def _forward_plan_entry() -> ForwardPlanEntry:
    executive = CommitteeFactory(name="Executive", kind="executive")
    CommitteeFactory(name="Adult Care and Health PDS Committee")
    ContractFactory(reference="LBB-DP-2023", title="Direct payments support")
    part = ResolutionPartFactory(
        item__meeting__committee=executive,
        item__meeting__starts_at=at(date(2022, 11, 30)),
        kind="approve",
        text="Approved the tender.",
        is_key_decision=True,
    )
    OfficerDecisionFactory(decided_on=date(2022, 12, 20))
    return committee_services.forward_plan_entry_create(
        council=executive.council,
        title="Support at home: approval to tender",
        description="Tender a 5+2+2 contract from 1 Oct 2024.",
        decision_maker=executive,
        decision_maker_officer="Chief Officer, Adult Social Care",
        expected_on=date(2022, 11, 30),
        status=ForwardPlanEntry.Status.TAKEN,
        published_on=date(2022, 10, 14),
        is_exempt=True,
        exempt_paragraph="3",
        general_exception_notice_on=date(2022, 11, 22),
        special_urgency_agreed_by="Chair of the Adult Care and Health PDS Committee",
        special_urgency_agreed_on=date(2022, 11, 25),
        special_urgency_notice_on=date(2022, 11, 28),
        contracts=[ContractFactory(reference="LBB-SAH-2024", title="Support at home")],
        decision=part,
    )


def _project() -> CommissioningProject:
    from django.contrib.auth import get_user_model

    lead = get_user_model().objects.create_user(username="lead", first_name="Ada", last_name="Lead")
    incumbent = ContractFactory(reference="LBB-SAH-2024", title="Support at home")
    ContractFactory(reference="LBB-DP-2023", title="Direct payments support")
    ServiceAreaFactory(name="Learning disability")
    return project_services.project_create(
        title="Re-commissioning support at home",
        service_area=ServiceAreaFactory(name="Mental health"),
        incumbent_contracts=[incumbent],
        lead_officer=lead,
        estimated_annual_value=Decimal("2700000"),
        estimated_term="5+2",
        baseline_annual_cost=Decimal("2660000"),
        baseline_year=2024,
        notes="Co-production with people who draw on care.",
    )


def _provider() -> Provider:
    ProviderFactory(name="Certitude")
    return contract_services.provider_create(
        name="Caring Hands Ltd", companies_house_number="01234567", charity_number="1064342"
    )


def _organisation() -> Organisation:
    return contract_services.organisation_create(name="South East London ICB", kind=Organisation.Kind.ICB)


def _kpi() -> Kpi:
    contract = ContractFactory(reference="LBB-SAH-2024", title="Support at home")
    return contract_services.kpi_create(
        contract=contract,
        name="Visits on time",
        measure="Share of planned visits that start within 15 minutes of the time agreed.",
        target="95%",
        frequency=Kpi.Frequency.QUARTERLY,
        evidence_source="Electronic call monitoring",
    )


def _committee() -> Committee:
    """A scrutiny committee whose meetings record only what no kind of committee
    makes subject to call-in, so that its kind can change."""
    committee = CommitteeFactory(name="Adult Care and Health PDS Committee", kind=Committee.Kind.PDS, quorum=4)
    ResolutionPartFactory(item__meeting__committee=committee, kind="note", text="Noted the monitoring report.")
    return committee


def _monitoring_record() -> MonitoringRecord:
    contract = ContractFactory(reference="LBB-MHFSS-2019", title="Mental health flexible support")
    return contract_services.monitoring_record_create(
        contract=contract,
        kind="report",
        held_on=date(2022, 10, 14),
        title="Annual contract monitoring report 2021/22",
        carried_out_by="Contract Compliance Officer",
        summary="Referrals, outcomes and staffing over the year.",
        findings="Outcomes met; two staff vacancies to fill by March.",
        today=TODAY,
    )


EDIT_FORMS = [
    EditForm(
        name="contract",
        form_class=ContractForm,
        model=Contract,
        role="officer",
        noun="contract",
        make=_contract,
        page=lambda c: reverse("contracts:contract_update", args=[c.pk]),
        action=lambda c: "",
        form_on=lambda context, c: context["form"],
    ),
    EditForm(
        name="report",
        form_class=ReportForm,
        model=Report,
        role="clerk",
        noun="report",
        make=_report,
        page=lambda r: reverse("committees:report_update", args=[r.pk]),
        action=lambda r: "",
        form_on=lambda context, r: context["form"],
    ),
    EditForm(
        name="meeting",
        form_class=MeetingForm,
        model=Meeting,
        role="clerk",
        noun="meeting",
        make=_meeting,
        page=lambda m: reverse("committees:meeting_detail", args=[m.pk]) + "?open=edit-meeting",
        action=lambda m: reverse("committees:meeting_update", args=[m.pk]),
        form_on=lambda context, m: context["meeting_form"],
    ),
    EditForm(
        name="call-in",
        form_class=CallInOutcomeForm,
        model=CallIn,
        role="clerk",
        noun="call-in",
        make=_call_in,
        page=lambda c: reverse("committees:call_in_detail", args=[c.pk]),
        action=lambda c: reverse("committees:call_in_resolve", args=[c.pk]),
        form_on=lambda context, c: context["form"],
    ),
    EditForm(
        name="agenda item",
        form_class=AgendaItemForm,
        model=AgendaItem,
        role="clerk",
        noun="item",
        make=_item,
        page=lambda i: reverse("committees:meeting_detail", args=[i.meeting_id]) + f"?open=edit-item-{i.pk}",
        action=lambda i: reverse("committees:item_update", args=[i.pk]),
        form_on=lambda context, i: next(p.edit_form for p in context["panels"] if p.item.pk == i.pk),
        prefix=lambda i: f"item-{i.pk}",
    ),
    EditForm(
        name="forward plan",
        form_class=ForwardPlanForm,
        model=ForwardPlanEntry,
        role="clerk",
        noun="entry",
        make=_forward_plan_entry,
        page=lambda e: reverse("committees:forward_plan_update", args=[e.pk]),
        action=lambda e: "",
        form_on=lambda context, e: context["form"],
    ),
    EditForm(
        name="project",
        form_class=ProjectForm,
        model=CommissioningProject,
        role="officer",
        noun="project",
        make=_project,
        page=lambda p: reverse("commissioning:project_update", args=[p.pk]),
        action=lambda p: "",
        form_on=lambda context, p: context["form"],
    ),
    EditForm(
        name="provider",
        form_class=ProviderForm,
        model=Provider,
        role="officer",
        noun="provider",
        make=_provider,
        page=lambda p: reverse("contracts:provider_update", args=[p.pk]),
        action=lambda p: "",
        form_on=lambda context, p: context["form"],
    ),
    EditForm(
        name="organisation",
        form_class=OrganisationForm,
        model=Organisation,
        role="officer",
        noun="organisation",
        make=_organisation,
        page=lambda o: reverse("contracts:organisation_update", args=[o.pk]),
        action=lambda o: "",
        form_on=lambda context, o: context["form"],
    ),
    EditForm(
        name="kpi",
        form_class=KpiForm,
        model=Kpi,
        role="officer",
        noun="KPI",
        make=_kpi,
        page=lambda k: reverse("contracts:kpi_update", args=[k.pk]),
        action=lambda k: "",
        form_on=lambda context, k: context["form"],
    ),
    EditForm(
        name="committee",
        form_class=CommitteeForm,
        model=Committee,
        role="clerk",
        noun="committee",
        make=_committee,
        page=lambda c: reverse("committees:committee_update", args=[c.pk]),
        action=lambda c: "",
        form_on=lambda context, c: context["form"],
    ),
    EditForm(
        name="monitoring",
        form_class=MonitoringRecordForm,
        model=MonitoringRecord,
        role="officer",
        noun="monitoring record",
        make=_monitoring_record,
        page=lambda m: reverse("contracts:monitoring_update", args=[m.pk]),
        action=lambda m: "",
        form_on=lambda context, m: context["form"],
    ),
]


# --- one other value for a field -------------------------------------------------------------

# Fields whose text must parse: a value that does.
OTHER_TEXT = {
    "term": "5+2+1",
    "estimated_term": "3+1",
    "companies_house_number": "SC123456",
    "charity_number": "1064343",
}


def other_value(name: str, field: forms.Field, current: list[str]) -> list[str]:
    """A valid value for `field` other than `current`, as a browser would post it."""
    now = current[0] if current else ""
    if isinstance(field, PickerField):
        # A picker takes references typed: one more record than those shown, or another one.
        shown = {text.strip() for text in now.split(field.separator) if text.strip()}
        extra = next(
            field.text_of(record)
            for record in field.model._default_manager.order_by("pk")
            if field.text_of(record) not in shown
        )
        return [f"{now}{field.separator} {extra}" if field.multiple and now else extra]
    if isinstance(field, forms.ModelMultipleChoiceField):
        choices = [str(value) for value, _ in field.choices if str(value)]
        extra = next(value for value in choices if value not in current)
        return [*current, extra]
    if isinstance(field, forms.ChoiceField):  # ModelChoiceField is one too
        choices = [str(value) for value, _ in field.choices if str(value)]
        return [next(value for value in choices if value != now)]
    if isinstance(field, forms.BooleanField):
        return [] if now == "on" else ["on"]
    if isinstance(field, forms.DateTimeField):
        hour = int(now[11:13])
        return [f"{now[:11]}{hour - 1:02d}{now[13:]}"]
    if isinstance(field, forms.DateField):
        return [str(date.fromisoformat(now).replace(day=2 if now[8:] != "02" else 3))] if now else ["2031-04-01"]
    if isinstance(field, forms.DecimalField):
        return [str(Decimal(now or "0") + 1)]
    if isinstance(field, forms.IntegerField):
        return [str(int(now) + 1)] if now else [str(field.min_value or 1)]
    if name in OTHER_TEXT:
        assert now != OTHER_TEXT[name]
        return [OTHER_TEXT[name]]
    return [f"{now} (changed)" if now else "Changed"]


def stored(form_field: forms.Field, record: models.Model, name: str):
    """The record's value for a form field, comparable with what the field cleans."""
    value = getattr(record, name)
    if isinstance(form_field, PickerField) and form_field.multiple:
        return sorted(item.pk for item in value.all())
    if isinstance(form_field, PickerField):
        return value.pk if value is not None else None
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return sorted(item.pk for item in value.all())
    if isinstance(form_field, forms.ModelChoiceField):
        return value.pk if value is not None else None
    return value


def cleaned(form_field: forms.Field, posted: list[str]):
    """What the field makes of the posted value, comparable with `stored`."""
    if isinstance(form_field, PickerField):
        value = form_field.clean(posted[0] if posted else "")
        if form_field.multiple:
            return sorted(item.pk for item in value)
        return value.pk if value is not None else None
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return sorted(item.pk for item in form_field.clean(posted))
    value = form_field.clean(posted[0] if posted else None)
    if isinstance(form_field, forms.ModelChoiceField):
        return value.pk if value is not None else None
    return value
