from datetime import date, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from committees.clock import WorkingDays, call_in_end
from committees.demo import load_committees_demo
from committees.models import (
    Action,
    AgendaItem,
    CallIn,
    Committee,
    ContractLink,
    Meeting,
    OfficerDecision,
    Report,
    ResolutionPart,
)
from contracts.demo import load_register_demo
from contracts.models import Contract
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

BROMLEY = "London Borough of Bromley"


def load(today: date = TODAY) -> None:
    call_command("load_demo_data", "--today", today.isoformat(), "--seed-only", stdout=StringIO())


def snapshot() -> dict[str, list[dict]]:
    """Every row of the committees and contracts apps, history tables included."""
    models = [*apps.get_app_config("committees").get_models(), *apps.get_app_config("contracts").get_models()]
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


def part(committee: str, day: date, item_number: str, number: str) -> ResolutionPart:
    return ResolutionPart.objects.get(
        item__meeting__committee__name=committee,
        item__meeting__starts_at__date=day,
        item__number=item_number,
        number=number,
    )


def links(decision) -> list[tuple[str, str]]:
    return sorted(decision.contract_links.values_list("contract__reference", "effect"))


def test_the_command_runs_it_after_the_register():
    load()

    assert Committee.objects.count() == 5
    assert ContractLink.objects.filter(contract__reference="LBB-SAH-2024").exists()


def test_loading_again_changes_nothing():
    load()
    before = snapshot()
    assert sum(len(rows) for label, rows in before.items() if label.startswith("committees.")) > 0

    load()

    after = snapshot()
    assert {label: len(rows) for label, rows in after.items()} == {label: len(rows) for label, rows in before.items()}
    assert after == before


def test_it_records_the_meetings_of_the_seed_cases():
    load()

    meetings = [
        (meeting.committee.council.name, meeting.committee.name, meeting.date, meeting.status)
        for meeting in Meeting.objects.select_related("committee__council").order_by("starts_at")
    ]
    assert meetings == [
        (BROMLEY, "Adult Care and Health Policy Development and Scrutiny Committee", date(2017, 3, 21), "held"),
        (BROMLEY, "Care Services Portfolio Holder", date(2017, 3, 28), "held"),
        (
            "City of Bradford Metropolitan District Council",
            "Health and Social Care Overview and Scrutiny Committee",
            date(2018, 3, 8),
            "held",
        ),
        ("Nottingham City Council", "Executive Board", date(2019, 2, 19), "held"),
        (BROMLEY, "Executive", date(2022, 6, 29), "held"),
        (BROMLEY, "Adult Care and Health Policy Development and Scrutiny Committee", date(2022, 11, 15), "held"),
        (BROMLEY, "Executive", date(2022, 11, 30), "held"),
        # Considers the demo's call-in of the Executive's support@home decision (committees.demo_call_in).
        (BROMLEY, "Adult Care and Health Policy Development and Scrutiny Committee", date(2022, 12, 13), "held"),
        (BROMLEY, "Executive", date(2026, 12, 16), "scheduled"),
    ]
    assert sorted(Report.objects.values_list("reference", "kind", "gateway_number")) == [
        ("ACH22-018", "gateway", 0),
        ("ACH22-035", "gateway", 1),
        ("ACH22-044", "contract_monitoring", None),
        ("CS17121", "waiver", None),
        ('Document "D"', "other", None),
        ("NCC-EB-2019-ILSS", "other", None),
    ]


def test_the_waiver_is_recommended_then_agreed_then_its_option_taken():
    load()

    pds = "Adult Care and Health Policy Development and Scrutiny Committee"
    recommendation = part(pds, date(2017, 3, 21), "79", "1")
    assert recommendation.item.report.reference == "CS17121"
    assert recommendation.kind == "recommend"
    assert recommendation.recommended_to.name == "Care Services Portfolio Holder"
    assert recommendation.text.startswith("that the Portfolio Holder be recommended to agree a waiver")
    assert recommendation.text.endswith("in consultation with the Portfolio Holder for Care Services.")
    assert links(recommendation) == [("LBB-MHFS-WAIVER-2017", "approve_waiver")]

    agreed, delegated = recommendation.taken_up_by.order_by("position")
    assert agreed.item.meeting.date == date(2017, 3, 28)
    assert links(agreed) == [("LBB-MHFS-WAIVER-2017", "approve_waiver")]
    assert delegated.delegation.to_whom == "Chief Officer"

    option = Contract.objects.get(reference="LBB-MHFS-WAIVER-2017").options.get(order=1)
    decision = option.decision_links.get(effect="exercise_option").officer_decision
    assert decision.delegation == delegated.delegation
    assert decision.decided_on == option.decided_on == date(2018, 9, 20)


def test_the_support_at_home_chain_runs_from_recommendation_to_delegation():
    load()

    pds = "Adult Care and Health Policy Development and Scrutiny Committee"
    tender_recommended = part(pds, date(2022, 11, 15), "8", "i")
    delegation_recommended = part(pds, date(2022, 11, 15), "8", "ii")
    assert tender_recommended.item.report.reference == "ACH22-035"
    assert (tender_recommended.kind, tender_recommended.recommended_to.name) == ("recommend", "Executive")
    assert (delegation_recommended.kind, delegation_recommended.recommended_to.name) == ("recommend", "Executive")
    assert "£23.4m" in tender_recommended.text
    assert "1st October 2024 to 30th September 2029" in tender_recommended.text
    assert links(tender_recommended) == [("LBB-SAH-2024", "approve_tender")]

    tender = tender_recommended.taken_up_by.get()
    assert tender.item.meeting.committee.name == "Executive"
    assert tender.item.meeting.date == date(2022, 11, 30)
    assert (tender.kind, tender.is_key_decision) == ("approve", True)
    assert tender.item.report.reference == "ACH22-035"
    assert links(tender) == [("LBB-SAH-2024", "approve_tender")]

    delegation_part = delegation_recommended.taken_up_by.get()
    assert delegation_part.item == tender.item
    assert delegation_part.kind == "delegate"
    delegation = delegation_part.delegation
    assert (delegation.to_whom, delegation.in_consultation_with) == ("Chief Officer", "Portfolio Holder")
    assert delegation.scope == "approve the contract extension period(s)"
    assert delegation.condition == "on satisfactory achievement of the contract performance indicators"


def test_the_executive_published_on_time_and_call_in_ended_on_9_december():
    load()

    meeting = Meeting.objects.get(committee__name="Executive", starts_at__date=date(2022, 11, 30))
    assert meeting.agenda_published_on == date(2022, 11, 22)
    assert meeting.decisions_published_on == date(2022, 12, 2)
    assert call_in_end(meeting.decisions_published_on, working_days=WorkingDays()) == date(2022, 12, 9)


def test_gateway_0_approves_the_new_model_and_names_the_contracts_it_replaces():
    load()

    gateway_0 = part("Executive", date(2022, 6, 29), "10", "1")
    assert gateway_0.kind == "approve"
    assert gateway_0.item.report.reference == "ACH22-018"
    assert "support@home" in gateway_0.text
    assert links(gateway_0) == [
        ("LBB-MHFSS-2019", "other"),
        ("LBB-SAH-2024", "other"),
        ("SELICB-AMH-RSA-2019", "other"),
    ]


def test_the_monitoring_report_is_noted_against_the_mhfss_contract():
    load()

    noted = part("Adult Care and Health Policy Development and Scrutiny Committee", date(2022, 11, 15), "9", "1")
    assert noted.item.report.reference == "ACH22-044"
    assert noted.kind == "note"
    assert "Hestia Housing Support Ltd be noted" in noted.text
    assert links(noted) == [("LBB-MHFSS-2019", "note_monitoring")]
    # The report put the contract's monitoring report before the committee: linked both ways.
    considered = noted.item.report.monitoring_records.get()
    assert (considered.contract.reference, considered.kind, considered.held_on) == (
        "LBB-MHFSS-2019",
        "report",
        date(2022, 11, 15),
    )
    assert "performed well over the life of the contract" in considered.findings
    assert considered.carried_out_by == "Integrated Strategic Commissioning Officer"


def test_nottingham_options_were_exercised_under_delegation_4():
    load()

    resolutions = ResolutionPart.objects.filter(item__meeting__committee__name="Executive Board").order_by("position")
    assert [(resolution.number, resolution.kind) for resolution in resolutions] == [
        ("1", "approve"),
        ("2", "approve"),
        ("3", "delegate"),
        ("4", "delegate"),
    ]
    assert "£5,988,073" in resolutions[0].text
    assert links(resolutions[1]) == [("NCC-ILSS-2019", "approve_tender"), ("NCC-ILSS-2019", "award")]
    minutes = resolutions[0].item.minutes
    assert "Reasons for decision" in minutes and "Other options considered" in minutes
    assert minutes.count("Therefore this option has been rejected.") == 3

    delegation = resolutions[3].delegation
    assert delegation.condition == "on the basis of performance and budget availability"
    options = Contract.objects.get(reference="NCC-ILSS-2019").options.order_by("order")
    decisions = []
    for option in options:
        link = option.decision_links.get()
        assert link.effect == "exercise_option"
        decisions.append(link.officer_decision)
    assert [(decision.decided_on, decision.delegation) for decision in decisions] == [
        (date(2021, 11, 30), delegation),
        (date(2023, 11, 28), delegation),
    ]
    assert {decision.decision_maker for decision in decisions} == {"Provider Performance and Development Manager"}


def test_the_bradford_progress_report_is_an_overdue_action():
    load()

    resolutions = ResolutionPart.objects.filter(item__report__reference='Document "D"').order_by("position")
    assert [resolution.text for resolution in resolutions] == [
        "That the report be noted.",
        "That a progress report on Home Support Services be submitted to Members in December 2019.",
    ]
    action = Action.objects.get()
    assert action.resolution_part == resolutions[1]
    assert action.owner == "Strategic Director, Health and Wellbeing"
    assert action.due_on == date(2019, 12, 31)
    assert action.status == "open"
    assert action.due_on < TODAY
    assert links(resolutions[1]) == [("CBMDC-HS-2016", "other")]


def test_it_records_nothing_dated_after_today():
    load(today=date(2022, 1, 1))

    assert not Meeting.objects.filter(starts_at__date__gt=date(2022, 1, 1), status="held").exists()
    assert not Report.objects.filter(reference__startswith="ACH22").exists()
    assert list(OfficerDecision.objects.values_list("decided_on", flat=True)) == [
        date(2021, 11, 30),
        date(2018, 9, 20),
    ]
    upcoming = Meeting.objects.get(status="scheduled")
    assert upcoming.date == date(2022, 1, 26)


def test_a_later_load_adds_the_meetings_held_since_but_follows_the_register_on_options():
    load(today=date(2022, 1, 1))

    load()

    assert part("Executive", date(2022, 11, 30), "12", "i").takes_up.item.meeting.date == date(2022, 11, 15)
    # The register keeps contracts it already holds, so option 2 is still open
    # there: no decision is recorded as having exercised it.
    assert Contract.objects.get(reference="NCC-ILSS-2019").options.get(order=2).status == "available"
    assert not OfficerDecision.objects.filter(decided_on=date(2023, 11, 28)).exists()


def test_one_executive_meeting_is_scheduled_a_few_weeks_ahead_without_an_agenda():
    load()
    load(today=TODAY + timedelta(days=7))

    upcoming = Meeting.objects.get(starts_at__date__gt=TODAY)
    assert upcoming.committee.name == "Executive"
    assert upcoming.status == "scheduled"
    assert upcoming.date.weekday() == 2
    assert timedelta(weeks=3) <= upcoming.date - TODAY < timedelta(weeks=4)
    assert upcoming.agenda_published_on is None
    assert not upcoming.items.exists()


def test_it_leaves_records_a_clerk_already_entered():
    load_register_demo(today=TODAY)
    load_committees_demo(today=TODAY)
    report = Report.objects.get(reference="ACH22-035")
    report.title = "Retitled by a clerk"
    report.save()
    AgendaItem.objects.filter(report=report, meeting__committee__name="Executive").update(minutes="Edited.")

    load_committees_demo(today=TODAY)

    assert Report.objects.get(reference="ACH22-035").title == "Retitled by a clerk"
    assert AgendaItem.objects.get(report=report, meeting__committee__name="Executive").minutes == "Edited."


def test_the_support_at_home_tender_was_called_in_and_not_upheld():
    load()
    call_in = CallIn.objects.select_related(
        "resolution_part__item__meeting__committee", "scrutiny_meeting__committee"
    ).get()
    part = call_in.resolution_part
    assert (part.item.meeting.committee.name, part.item.meeting.date, part.item.number, part.number) == (
        "Executive",
        date(2022, 11, 30),
        "12",
        "i",
    )
    assert call_in.requested_on == date(2022, 12, 7)  # within the period: published 2 Dec, ends 9 Dec 2022
    assert (call_in.scrutiny_meeting.committee.kind, call_in.scrutiny_meeting.date) == ("pds", date(2022, 12, 13))
    assert (call_in.outcome, call_in.outcome_on) == (CallIn.Outcome.NO_FURTHER_ACTION, date(2022, 12, 13))
    assert "illustrative" in call_in.reasons


def test_the_demo_officer_decisions_carry_reasons_and_alternatives():
    load()
    decisions = list(OfficerDecision.objects.all())
    assert decisions
    assert all(decision.reasons and decision.alternatives_rejected for decision in decisions)
