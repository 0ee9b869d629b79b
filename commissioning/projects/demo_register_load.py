"""Write the fictional Demoshire register of `demo_register.plan_register` through the services.

The contracts go in one batch through `contracts.services.contracts_save_many`
(the register import's writer); options are exercised through
`committees.services.option_decide`, so each one has the cabinet decision or
the officer decision under the year's delegation that authorised it; spend is
recorded with `contracts.services.spend_record` against the projection that
`contracts.services.figures_of` works out; projects pass their gateways with
`commissioning.projects.services.gateway_pass`; KPIs and their assessments
with `contracts.services.kpi_create` and `kpi_assessment_record`, and the
notices published with `contracts.services.notice_publish`. No figure is
written here: the services store them, from the facts.

Idempotent as a whole: when any `DEMO-` contract is in the register the
generated register is taken as loaded and nothing is added. The council's
payments compliance notice for a half-year already recorded (by hand) is left
as it is.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from commissioning.projects import services as project_services
from commissioning.projects.demo_register import (
    COUNCIL,
    DECISION_MAKER,
    FICTIONAL,
    ICB,
    PREFIX,
    ROUTE,
    PlannedContract,
    RegisterPlan,
    meeting_on_or_before,
    plan_register,
)
from commissioning.projects.gateways import due_date
from commissioning.projects.models import Gateway
from committees import services as committee_services
from committees.clock import WorkingDays, agenda_publication_deadline
from committees.models import AgendaItem, Committee, ContractLink, Meeting, Report, ResolutionPart
from contracts import services as contract_services
from contracts.demo import kpis_record
from contracts.models import Contract, FeeUplift, NoticePublication, Organisation
from contracts.money import financial_year_label, financial_year_of, format_money, to_money
from contracts.querysets import year_values_on
from contracts.register_file import RegisterRow
from contracts.terms import format_term, months_before

Effect = ContractLink.Effect
Kind = ResolutionPart.Kind

CABINET = "Cabinet"
SCRUTINY = "Adult Social Care and Health Scrutiny Committee"
HEAD_OF_COMMISSIONING = "Head of Commissioning (Demoshire)"
VENUE = "County Hall, Demoshire"
DECISIONS_PUBLISHED_AFTER_WORKING_DAYS = 2
# The ground of the demo's change of value under each law (contracts.changes.GROUNDS).
UNFORESEEABLE = {
    "pa_2023": "pa_unforeseeable",
    "pcr_2015": "pcr_72_1_c",
    "psr": "psr_13_c",
    "none": "none_standing_orders",
}
GIVEN = frozenset({"service_area", "lead_commissioner", "approved_value", "description"})


def demo_register_loaded() -> bool:
    return Contract.objects.filter(reference__startswith=PREFIX).exists()


def _row(planned: PlannedContract) -> RegisterRow:
    return RegisterRow(
        reference=planned.reference,
        reference_given=True,
        title=planned.title,
        description=planned.description,
        providers=(planned.provider,),
        companies_house_number=None,
        charity_number=None,
        sme=(None,),
        vcse=(None,),
        service_area=planned.service_area,
        directorate="Adult Social Care",
        procurement_classification=None,
        contract_type=planned.contract_type,
        legislation=None,
        route=ROUTE,
        lead_commissioner=planned.lead,
        funding=planned.funding,
        start_date=planned.start,
        end_date=None,
        term=format_term(planned.parts) if planned.parts else None,
        term_parts=planned.parts,
        review_date=None,
        last_extension_date=None,
        options_exercised=0,
        annual_value=planned.annual,
        approved_value=planned.approved,
        given=GIVEN,
    )


class _Writer:
    def __init__(self, plan: RegisterPlan) -> None:
        self.plan = plan
        self.today = plan.today
        self.working_days = WorkingDays()
        self.rng = random.Random(f"demoshire-committees-{plan.today.isoformat()}")
        self.council = contract_services.organisation_get_or_create(name=COUNCIL, kind=Organisation.Kind.COUNCIL)
        self.icb = contract_services.organisation_get_or_create(name=ICB, kind=Organisation.Kind.ICB)
        self.cabinet = self._committee(CABINET, Committee.Kind.EXECUTIVE)
        self.scrutiny = self._committee(SCRUTINY, Committee.Kind.OVERVIEW_SCRUTINY)
        self.meetings: dict[tuple[int, date], Meeting] = {}
        self.reports = 0
        self.contracts: dict[str, Contract] = {}

    def _committee(self, name: str, kind: str) -> Committee:
        existing = Committee.objects.filter(council=self.council, name=name).first()
        return existing or committee_services.committee_create(council=self.council, name=name, kind=kind)

    # --- meetings, reports and items ---

    def meeting(self, committee: Committee, day: date) -> Meeting:
        key = (committee.pk, day)
        if key in self.meetings:
            return self.meetings[key]
        hour = 10 if committee == self.cabinet else 14
        agenda = agenda_publication_deadline(
            day, clear_days=settings.AGENDA_CLEAR_WORKING_DAYS, working_days=self.working_days
        )
        held = day <= self.today
        decisions = None
        if held and committee.kind == Committee.Kind.EXECUTIVE:
            decisions = self.working_days.add(day, DECISIONS_PUBLISHED_AFTER_WORKING_DAYS)
            decisions = decisions if decisions <= self.today else None
        meeting = committee_services.meeting_create(
            committee=committee,
            starts_at=timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_default_timezone()),
            venue=VENUE,
            status=Meeting.Status.HELD if held else Meeting.Status.SCHEDULED,
            # A coming meeting's agenda is out once its deadline has passed; the next ones are still to publish.
            agenda_published_on=agenda if agenda < self.today else None,
            decisions_published_on=decisions,
        )
        self.meetings[key] = meeting
        return meeting

    def report(self, title: str, *, kind: str, day: date, contracts=(), gateway_number: int | None = None) -> Report:
        self.reports += 1
        return committee_services.report_create(
            council=self.council,
            reference=f"{PREFIX}{day:%y}-{self.reports:03d}",
            title=title,
            kind=kind,
            gateway_number=gateway_number,
            author=HEAD_OF_COMMISSIONING,
            report_date=day,
            contracts=list(contracts),
        )

    def item(self, meeting: Meeting, title: str, *, report: Report | None, minutes: str = "") -> AgendaItem:
        number = str(meeting.items.count() + 1)
        return committee_services.agenda_item_add(
            meeting=meeting, number=number, title=title, report=report, minutes=minutes
        )

    def part(self, meeting: Meeting, item: AgendaItem, kind: str, text: str, **values) -> ResolutionPart:
        number = str(item.parts.count() + 1)
        return committee_services.resolution_part_add(
            meeting=meeting, item=item, number=number, kind=kind, text=text, **values
        )

    # --- the register ---

    def save_contracts(self) -> None:
        contract_services.contracts_save_many(rows=[_row(planned) for planned in self.plan.contracts])
        self.contracts = {
            contract.reference: contract
            for contract in Contract.objects.filter(reference__startswith=PREFIX).prefetch_related("options", "changes")
        }

    def yearly_delegations(self) -> dict[date, ResolutionPart]:
        parts = {}
        for day in self.plan.delegation_days:
            meeting = self.meeting(self.cabinet, day)
            year = financial_year_of(day)
            label = financial_year_label(year)
            report = self.report(
                f"Extensions of adult social care contracts in {label} (demo)", kind=Report.Kind.EXTENSION, day=day
            )
            item = self.item(
                meeting,
                f"Adult social care contracts: extensions in {label}",
                report=report,
                minutes=f"The Cabinet considered the contracts whose options fall due in {label}. {FICTIONAL}",
            )
            parts[day] = self.part(
                meeting,
                item,
                Kind.DELEGATE,
                f"Delegate authority to the {DECISION_MAKER} to exercise the options to extend the adult social "
                f"care contracts falling due in {label}, on satisfactory performance and within the approved budget.",
                delegation=committee_services.DelegationInput(
                    to_whom=DECISION_MAKER,
                    scope=f"exercise the options to extend adult social care contracts falling due in {label}",
                    condition="on satisfactory performance and within the approved budget",
                    in_consultation_with="Cabinet Member for Adult Social Care",
                ),
            )
        return parts

    def _implementable(self, days) -> list[date]:
        """The meeting days among `days` whose decisions can be acted on by today: their
        call-in period (from publication, two working days after the meeting) has ended,
        as committees.call_in asks before an option, change or uplift is recorded under
        them. All of `days` when none is, so a choice can still be made."""
        wait = DECISIONS_PUBLISHED_AFTER_WORKING_DAYS + settings.CALL_IN_WORKING_DAYS
        ended = [day for day in days if self.working_days.add(day, wait) < self.today]
        return ended or list(days)

    def exercise_options(self, delegations: dict[date, ResolutionPart]) -> None:
        delegation_days = self._implementable(sorted(delegations))
        cabinet_past = self._implementable([day for day in self.plan.cabinet_days if day <= self.today])
        for planned in self.plan.contracts:
            if not planned.exercised:
                continue
            contract = self.contracts[planned.reference]
            options = sorted(contract.options.all(), key=lambda option: option.order)
            for option, decided_on in zip(options, planned.exercised, strict=False):
                if planned.by_cabinet:
                    day = meeting_on_or_before(cabinet_past, decided_on - timedelta(days=2))
                    meeting = self.meeting(self.cabinet, day)
                    report = self.report(
                        f"Extension of {planned.title}", kind=Report.Kind.EXTENSION, day=day, contracts=[contract]
                    )
                    item = self.item(
                        meeting,
                        f"Extension of {planned.title}",
                        report=report,
                        minutes=f"The Cabinet considered the provider's performance and the budget. {FICTIONAL}",
                    )
                    authority = self.part(
                        meeting,
                        item,
                        Kind.APPROVE,
                        f"Approve the exercise of option {option.order} to extend the {planned.title} contract "
                        f"({planned.reference}) with {planned.provider}.",
                        is_key_decision=True,
                    )
                    decided_by = CABINET
                else:
                    authority = delegations[meeting_on_or_before(delegation_days, decided_on)]
                    decided_by = DECISION_MAKER
                committee_services.option_decide(
                    option=option,
                    exercise=True,
                    decided_by=decided_by,
                    decided_on=decided_on,
                    note=f"Option {option.order} exercised on satisfactory performance. {FICTIONAL}",
                    authority=authority,
                    today=self.today,
                )

    def record_spend(self) -> None:
        """Spend for the last three financial years ended, against the projection the
        register holds for each on the day: mostly a little under, now and then over."""
        projected: dict[int, dict[int, Decimal]] = {}
        rows = year_values_on(self.today).filter(figures__contract__reference__startswith=PREFIX)
        for contract_id, year, amount in rows.values_list("figures__contract_id", "financial_year", "amount"):
            projected.setdefault(contract_id, {})[year] = amount
        records = []
        for planned in self.plan.contracts:
            contract = self.contracts[planned.reference]
            years = projected.get(contract.pk, {})
            ended = sorted(year for year in years if date(year + 1, 3, 31) < self.today)[-3:]
            for back, year in enumerate(reversed(ended), start=1):
                factor = Decimal("1.08") if planned.overspent_year_back == back else planned.spend_factor
                records.append(
                    contract_services.SpendInput(
                        contract=contract,
                        financial_year=year,
                        amount=to_money(years[year] * factor),
                        note=f"Outturn from the ledger. {FICTIONAL}",
                    )
                )
        contract_services.spend_record_many(records=records)

    # --- performance and the Procurement Act notices ---

    def kpis(self) -> None:
        kpis_record(self.plan.kpis, contracts=self.contracts, today=self.today)

    def notices(self) -> None:
        recorded = set(NoticePublication.objects.filter(contract=None).values_list("kind", "period_end"))
        for planned in self.plan.notices:
            if planned.reference == "" and (planned.kind, planned.period_end) in recorded:
                continue
            contract_services.notice_publish(
                kind=planned.kind,
                published_on=planned.published_on,
                identifier=planned.identifier,
                today=self.today,
                contract=self.contracts[planned.reference] if planned.reference else None,
                period_end=planned.period_end,
            )

    # --- changes and fee uplifts ---

    def _cabinet_approval(self, day: date, title: str, text: str, contracts=()) -> ResolutionPart:
        meeting = self.meeting(self.cabinet, day)
        report = self.report(title, kind=Report.Kind.OTHER, day=day, contracts=contracts)
        item = self.item(meeting, title, report=report, minutes=f"The Cabinet considered the report. {FICTIONAL}")
        return self.part(meeting, item, Kind.APPROVE, text, is_key_decision=True)

    def fee_uplifts(self) -> None:
        """This financial year's care fee uplift for the National Living Wage, approved
        by the Cabinet before 1 April and in effect since (grants and contracts with
        their own indexation left out); and a supported living rate uplift the Cabinet
        approved at its last meeting whose call-in has ended, from the first of next month, so
        still reversible."""
        cabinet_past = [day for day in self.plan.cabinet_days if day <= self.today]
        april = date(financial_year_of(self.today), 4, 1)
        before_april = [day for day in cabinet_past if day <= april - timedelta(days=21)]
        by_area: dict[str, list[int]] = {}
        for planned in self.plan.contracts:
            by_area.setdefault(planned.service_area, []).append(self.contracts[planned.reference].pk)
        label = financial_year_label(april.year)
        if before_april:
            chosen = [pk for area, ids in by_area.items() if area != "Carers' support" for pk in ids]
            title = f"Care fee uplift {label} (demo)"
            committee_services.fee_uplift_decide(
                authority=self._cabinet_approval(
                    before_april[-1],
                    title,
                    f"Approve an uplift of 6.7% to the fees of adult social care contracts from 1 April "
                    f"{april.year}, for the National Living Wage, within the budget for {label}.",
                ),
                today=self.today,
                title=title,
                basis=FeeUplift.Basis.NATIONAL_LIVING_WAGE,
                percent=Decimal("6.70"),
                effective_on=april,
                contract_ids=chosen,
                exclude_indexed=True,
                selection="Every Demoshire adult social care contract but carers' support grants.",
            )
        if cabinet_past and by_area.get("Supported living"):
            effective = (self.today.replace(day=1) + timedelta(days=32)).replace(day=1)
            title = f"Supported living rate uplift from {effective:%B %Y} (demo)"
            committee_services.fee_uplift_decide(
                authority=self._cabinet_approval(
                    self._implementable(cabinet_past)[-1],
                    title,
                    f"Approve an uplift of 3% to the supported living hourly rate from {effective.day} "
                    f"{effective:%B %Y}, after the provider market review.",
                ),
                today=self.today,
                title=title,
                basis=FeeUplift.Basis.OTHER,
                percent=Decimal("3.00"),
                effective_on=effective,
                contract_ids=by_area["Supported living"],
                exclude_indexed=True,
                selection="Every Demoshire supported living contract.",
            )

    def contract_change(self) -> None:
        """One change of value: more reablement hours for hospital discharge on the largest
        running reablement contract, from the first of the month three months ago, on the
        ground of unforeseeable circumstances, approved by the Cabinet beforehand."""
        effective = months_before(self.today.replace(day=1), 3)
        cabinet_before = [day for day in self.plan.cabinet_days if day <= effective - timedelta(days=14)]
        running = [
            planned
            for planned in self.plan.contracts
            if planned.service_area == "Reablement"
            and planned.annual is not None
            and planned.start is not None
            and planned.start <= effective
            and planned.current_end is not None
            and planned.current_end >= self.today
        ]
        if not running or not cabinet_before:
            return
        planned = max(running, key=lambda planned: planned.annual)
        contract = self.contracts[planned.reference]
        amount = to_money(planned.annual * Decimal("0.15"))
        committee_services.contract_change_authorise(
            contract=contract,
            authority=self._cabinet_approval(
                cabinet_before[-1],
                f"Hospital discharge: more reablement hours ({planned.reference}) (demo)",
                f"Approve a change to the {planned.title} contract ({planned.reference}) adding "
                f"{format_money(amount)} a year for more reablement hours for hospital discharge.",
                contracts=[contract],
            ),
            today=self.today,
            effective_on=effective,
            ground=UNFORESEEABLE[contract.legislation],
            description=f"More reablement hours for hospital discharge after the winter pressures. {FICTIONAL}",
            annual_value_change=amount,
            scope_change="Up to 15% more hours a week for people leaving hospital.",
        )

    # --- projects and gateways ---

    def projects(self) -> None:
        gateways = {gateway.number: gateway for gateway in Gateway.objects.all()}
        upcoming = [day for day in self.plan.cabinet_days if day > self.today]
        by_reference = {planned.reference: planned for planned in self.plan.contracts}
        for planned in self.plan.projects:
            incumbents = [self.contracts[reference] for reference in planned.incumbents]
            shares = [
                project_services.ProjectShare(self.council if name == COUNCIL else self.icb, percent)
                for name, percent in planned.funding
            ]
            project = project_services.project_create(
                title=planned.title,
                service_area=incumbents[0].service_area,
                incumbent_contracts=incumbents,
                estimated_annual_value=planned.estimated_annual_value,
                estimated_term=planned.estimated_term,
                notes=planned.notes,
                funding=shares,
            )
            for gateway in planned.passed:
                meeting = self.meeting(self.cabinet, gateway.passed_on)
                name = gateways[gateway.number].name
                report = self.report(
                    f"{name}: {planned.title}",
                    kind=Report.Kind.GATEWAY,
                    gateway_number=gateway.number,
                    day=gateway.passed_on,
                    contracts=incumbents,
                )
                item = self.item(
                    meeting,
                    f"{name}: {planned.title}",
                    report=report,
                    minutes=f"{gateways[gateway.number].decision}. {FICTIONAL}",
                )
                part = self.part(
                    meeting,
                    item,
                    Kind.APPROVE,
                    f"Approve the {gateways[gateway.number].decision.lower()} for the re-commissioning of "
                    f"{planned.service[0].lower()}{planned.service[1:]}.",
                    is_key_decision=True,
                    links=[
                        committee_services.LinkInput(
                            contract=contract, effect=Effect.APPROVE_TENDER if gateway.number == 1 else Effect.OTHER
                        )
                        for contract in incumbents
                    ],
                )
                project_services.gateway_pass(
                    project=project, gateway=gateways[gateway.number], decision=part, today=self.today
                )
                if gateway.number == 1 and len(planned.passed) == 2:
                    # The award is delegated with the tender, and not yet used: the tender is still out.
                    self.part(
                        meeting,
                        item,
                        Kind.DELEGATE,
                        f"Delegate authority to the {DECISION_MAKER} to award the new contract for {planned.service} "
                        "to the most economically advantageous tender, within the estimated value.",
                        delegation=committee_services.DelegationInput(
                            to_whom=DECISION_MAKER,
                            scope=f"award the new contract for {planned.service}",
                            condition="within the estimated value",
                        ),
                    )
            # The next gateway's report goes to the cabinet meeting before it is due.
            passed = {gateway.number for gateway in planned.passed}
            required = max(by_reference[reference].current_end for reference in planned.incumbents)
            for number in (0, 1, 2):
                if number in passed:
                    continue
                due = due_date(required + timedelta(days=1), gateways[number].lead_months)
                coming = [day for day in upcoming if day <= max(due, self.today + timedelta(weeks=4))]
                if due is not None and coming and due <= self.today + timedelta(weeks=12):
                    day = coming[-1]
                    name = gateways[number].name
                    report = self.report(
                        f"{name}: {planned.title}", kind=Report.Kind.GATEWAY, gateway_number=number, day=day
                    )
                    self.item(self.meeting(self.cabinet, day), f"{name}: {planned.title}", report=report)
                break

    # --- committee business around the day ---

    def cabinet_agendas(self) -> None:
        """Every cabinet meeting of the last year and the next weeks, with its
        routine items; the coming ones carry the extensions falling due."""
        for day in self.plan.cabinet_days:
            if day < self.today - timedelta(days=365):
                continue
            meeting = self.meeting(self.cabinet, day)
            if day <= self.today:
                continue
            due = [
                planned
                for planned in self.plan.contracts
                if planned.has_open_option
                and planned.current_end is not None
                and day < planned.current_end
                and planned.current_end <= day + timedelta(days=300)
            ][:3]
            for planned in due:
                contract = self.contracts[planned.reference]
                report = self.report(
                    f"Extension of {planned.title}", kind=Report.Kind.EXTENSION, day=day, contracts=[contract]
                )
                self.item(meeting, f"Extension of {planned.title}", report=report)

    def scrutiny_business(self) -> None:
        """Monitoring reports noted at scrutiny, each with an action to report back."""
        areas = sorted({planned.service_area for planned in self.plan.contracts})
        running = [p for p in self.plan.contracts if p.current_end and p.current_end > self.today and p.annual]
        for index, day in enumerate(self.plan.scrutiny_days):
            meeting = self.meeting(self.scrutiny, day)
            area = areas[index % len(areas)]
            watched = [self.contracts[p.reference] for p in running if p.service_area == area][:3]
            report = self.report(
                f"Contract monitoring: {area.lower()} (demo)",
                kind=Report.Kind.CONTRACT_MONITORING,
                day=day,
                contracts=watched,
            )
            minutes = f"The Committee received the monitoring report for {area.lower()}. {FICTIONAL}"
            item = self.item(
                meeting, f"Contract monitoring: {area}", report=report, minutes=minutes if day <= self.today else ""
            )
            if day > self.today:
                continue
            due_on = day + timedelta(weeks=self.rng.randint(8, 16))
            part = self.part(
                meeting,
                item,
                Kind.NOTE,
                "That the report be noted, and the Head of Commissioning report back on the providers' recruitment "
                "and retention of care staff.",
                actions=[
                    committee_services.ActionInput(
                        text=f"Report back on recruitment and retention of care staff in {area.lower()}",
                        owner=HEAD_OF_COMMISSIONING,
                        due_on=due_on,
                    )
                ],
                links=[committee_services.LinkInput(contract=c, effect=Effect.NOTE_MONITORING) for c in watched],
            )
            if due_on < self.today and index % 3 == 0:
                action = part.actions.get()
                committee_services.action_set_status(action=action, status="done", today=due_on)

    # --- call-in ---

    def call_in(self) -> None:
        """A decision of the last Cabinet whose decisions are published, called in by two
        members within its call-in period and waiting for the scrutiny committee's next
        meeting: a consultation nothing else in the demo acts on, so a manager sees a
        decision held by a call-in on the dashboard and on the contract it concerns."""
        wait = DECISIONS_PUBLISHED_AFTER_WORKING_DAYS
        published = [day for day in self.plan.cabinet_days if self.working_days.add(day, wait) <= self.today]
        if not published:
            return
        meeting = self.meeting(self.cabinet, published[-1])
        running = [
            planned
            for planned in self.plan.contracts
            if planned.service_area == "Day opportunities" and planned.current_end and planned.current_end > self.today
        ]
        contracts = [self.contracts[running[0].reference]] if running else []
        item = self.item(
            meeting,
            "Day opportunities: consultation on the future service (demo)",
            report=None,
            minutes=f"The Cabinet considered the proposal to consult on the future of day opportunities. {FICTIONAL}",
        )
        part = self.part(
            meeting,
            item,
            Kind.APPROVE,
            "That a consultation on the future of day opportunities be approved.",
            links=[committee_services.LinkInput(contract=contract, effect=Effect.OTHER) for contract in contracts],
        )
        upcoming = [day for day in self.plan.scrutiny_days if day > self.today]
        committee_services.call_in_request(
            part=part,
            requested_by="Cllr D Example and Cllr E Sample (demo names)",
            requested_on=min(self.working_days.add(meeting.decisions_published_on, 1), self.today),
            reasons="The proposal did not say how people who use the service and their carers would be heard. (demo)",
            today=self.today,
            scrutiny_meeting=self.meeting(self.scrutiny, upcoming[0]) if upcoming else None,
        )


def load_demo_register(*, today: date) -> int:
    """Add the fictional Demoshire register as it stands on `today`; returns how many
    contracts it added (none when it is already loaded)."""
    if demo_register_loaded():
        return 0
    plan = plan_register(today, notice_months=settings.OPTION_NOTICE_MONTHS)
    writer = _Writer(plan)
    writer.save_contracts()
    delegations = writer.yearly_delegations()
    writer.exercise_options(delegations)
    writer.contract_change()
    writer.fee_uplifts()
    writer.record_spend()
    writer.kpis()
    writer.notices()
    writer.projects()
    writer.cabinet_agendas()
    writer.scrutiny_business()
    writer.call_in()
    return len(plan.contracts)
