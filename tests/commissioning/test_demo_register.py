"""The fictional Demoshire register that `load_demo_data` adds around the day it runs."""

from collections import Counter
from datetime import date
from decimal import Decimal
from http import HTTPStatus
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from commissioning.overview.calendar_feed import ALL_KINDS, events_between, feed_window
from commissioning.overview.dashboard import dashboard
from commissioning.projects.demo_register import (
    CONTRACT_DETAILS,
    FICTIONAL,
    PAYMENTS_COMPLIANCE,
    PREFIX,
    TERMINATION,
    plan_register,
    under_the_act,
)
from commissioning.projects.demo_register_load import UNFORESEEABLE
from commissioning.projects.models import CommissioningProject
from commissioning.projects.selectors import pipeline
from committees.models import Action, ContractLink, Meeting
from contracts.demo import REGISTER_REFERENCES
from contracts.models import (
    Contract,
    ContractChange,
    ContractOption,
    FeeUplift,
    Kpi,
    KpiAssessment,
    NoticePublication,
    SpendRecord,
)
from contracts.money import to_money
from contracts.performance import RATING_LABELS
from contracts.procurement import PROCUREMENT_ACT_COMMENCEMENT
from contracts.selectors import notices_due
from contracts.terms import OptionStatus
from tests.conftest import on

DAY = date(2026, 11, 30)
OTHER_DAY = date(2027, 5, 17)

# The message each dashboard list shows when it is empty: none may show.
EMPTY_MESSAGES = (
    "No option decisions due in the next 90 days.",
    "No option decision is late.",
    "No gateway is overdue or due soon.",
    "No contract is projected above its approved value.",
    "No contract has spent more than its projection.",
    "No action is overdue.",
    "Every delegation has been used.",
)


def load(day: date, *extra: str) -> str:
    out = StringIO()
    call_command("load_demo_data", "--today", day.isoformat(), *extra, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list[dict]]:
    models = [
        model
        for label in ("contracts", "committees", "commissioning")
        for model in apps.get_app_config(label).get_models()
    ]
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


# --- the plan, without the database ---


def test_the_same_day_gives_the_same_plan_and_another_day_another():
    assert plan_register(DAY) == plan_register(DAY)
    assert plan_register(DAY).contracts != plan_register(OTHER_DAY).contracts


@pytest.mark.parametrize("day", [DAY, OTHER_DAY, date(2025, 2, 28)])
def test_the_plan_is_fictional_and_nothing_in_it_is_decided_after_the_day(day):
    plan = plan_register(day)

    assert 250 <= len(plan.contracts) <= 300
    assert len({c.reference for c in plan.contracts}) == len(plan.contracts)
    assert all(c.reference.startswith(PREFIX) and FICTIONAL in c.description for c in plan.contracts)
    assert all(FICTIONAL in p.notes for p in plan.projects)
    assert all(d <= day for c in plan.contracts for d in c.exercised)
    assert all(g.passed_on <= day for p in plan.projects for g in p.passed)
    assert len({c.service_area for c in plan.contracts}) >= 8
    assert {len(p.passed) for p in plan.projects} >= {0, 1, 2}


@pytest.mark.parametrize("day", [DAY, OTHER_DAY, date(2025, 2, 28)])
def test_the_plan_rates_and_publishes_only_under_the_act_and_by_the_day(day):
    plan = plan_register(day)
    contracts = {c.reference: c for c in plan.contracts}

    for kpi in plan.kpis:
        contract = contracts[kpi.reference]
        assert under_the_act(contract) and contract.start >= PROCUREMENT_ACT_COMMENCEMENT
        assert kpi.frequency == "quarterly" and FICTIONAL in kpi.assessments[0].note
        assert all(a.rating in RATING_LABELS for a in kpi.assessments)
        assert all(contract.start <= a.period_start < a.period_end < a.assessed_on <= day for a in kpi.assessments)
        ends = [a.period_end for a in kpi.assessments]
        assert ends == sorted(set(ends))
    assert len({(kpi.reference, kpi.name) for kpi in plan.kpis}) == len(plan.kpis)

    for notice in plan.notices:
        assert notice.published_on <= day
        if notice.kind == PAYMENTS_COMPLIANCE:
            assert notice.reference == "" and notice.period_end < notice.published_on
        else:
            assert notice.period_end is None and under_the_act(contracts[notice.reference])
            assert contracts[notice.reference].start <= notice.published_on
    assert len({(n.kind, n.reference, n.period_end) for n in plan.notices}) == len(plan.notices)


def test_on_the_day_some_contracts_under_the_act_are_rated_and_most_notices_published():
    plan = plan_register(DAY)

    assert len({kpi.reference for kpi in plan.kpis}) == 8
    assert len(plan.kpis) == 3 * 8
    ratings = Counter(a.rating for kpi in plan.kpis for a in kpi.assessments)
    assert {"good", "approaching", "requires_improvement", "other"} <= set(ratings)
    assert ratings["good"] + ratings["approaching"] > ratings.total() / 2
    kinds = Counter(notice.kind for notice in plan.notices)
    assert kinds[CONTRACT_DETAILS] > 10
    assert kinds[TERMINATION] >= 1
    # The half-years to 30 Sep 2025 and 31 Mar 2026; the one to 30 Sep 2026 is left to do.
    assert [n.period_end for n in plan.notices if n.kind == PAYMENTS_COMPLIANCE] == [
        date(2025, 9, 30),
        date(2026, 3, 31),
    ]


# --- loaded ---


@pytest.mark.django_db
def test_on_the_day_every_card_shows_something_and_loading_again_changes_nothing(client):
    assert load(DAY) == "Demo data ready: 6 seed contracts, 267 fictional contracts (267 added), 3 users.\n"

    # The seed cases are all there beside it.
    assert Contract.objects.filter(reference__in=REGISTER_REFERENCES).count() == 6
    board = dashboard(today=DAY)
    assert all(band.count > 0 for band in board.expiries.by_current_end)
    assert all(band.count > 0 for band in board.expiries.by_final_end)
    assert {key: listing.count > 0 for key, listing in board.lists.items()} == dict.fromkeys(board.lists, True)
    assert all(total > 0 for _, total in board.years)
    assert len(board.by_service_area) >= 8

    client.force_login(User.objects.get(username="manager"))
    page = client.get(reverse("home"), {"as_of": DAY.isoformat()})
    assert page.status_code == HTTPStatus.OK
    text = page.content.decode()
    assert [message for message in EMPTY_MESSAGES if message in text] == []
    assert "DEMO-" in text

    projects = pipeline(today=DAY)
    stages = Counter(summary.current.rule.number if summary.current else None for summary in projects)
    assert {None, 0, 1, 2} <= set(stages)
    response = client.get(reverse("commissioning:pipeline"), {"as_of": DAY.isoformat()})
    assert response.status_code == HTTPStatus.OK
    assert "Re-commissioning: " in response.content.decode()

    start, end = feed_window(DAY)
    kinds = Counter(event.kind for event in events_between(ALL_KINDS, start=start, end=end, today=DAY))
    assert set(kinds) == set(ALL_KINDS), kinds

    # Loading it once takes a while: the same load shows it keeps the register's rules,
    # holds the plan's KPIs and notices, and that loading again adds and changes nothing.
    assert_it_follows_the_rules()
    assert_it_holds_the_plans_performance_and_notices(client)
    assert_it_holds_a_change_and_the_fee_uplifts()
    before = snapshot()
    assert load(DAY) == "Demo data ready: 6 seed contracts, 267 fictional contracts (0 added), 3 users.\n"
    after = snapshot()
    assert {label: len(rows) for label, rows in after.items()} == {label: len(rows) for label, rows in before.items()}
    assert after == before


def assert_it_follows_the_rules():
    exercised = ContractOption.objects.filter(contract__reference__startswith=PREFIX, status=OptionStatus.EXERCISED)
    assert exercised.count() > 20
    # Every option exercised has the decision that authorised it.
    assert not exercised.exclude(
        decision_links__effect=ContractLink.Effect.EXERCISE_OPTION, decision_links__superseded_by__isnull=True
    ).exists()
    assert not exercised.filter(decided_on__gt=DAY).exists()
    assert SpendRecord.objects.filter(contract__reference__startswith=PREFIX, financial_year__gte=2026).count() == 0
    assert SpendRecord.objects.filter(contract__reference__startswith=PREFIX).count() > 200
    assert Meeting.objects.filter(starts_at__date__gt=DAY, status="scheduled").count() >= 3
    assert Meeting.objects.filter(starts_at__date__gt=DAY, agenda_published_on__isnull=True).exists()
    assert not Meeting.objects.filter(starts_at__date__gt=DAY, status="held").exists()
    assert Action.objects.filter(status="open", due_on__lt=DAY).exists()
    assert Action.objects.filter(status="open", due_on__gte=DAY).exists()
    assert CommissioningProject.objects.filter(title__endswith="(demo)").count() == 12


def assert_it_holds_the_plans_performance_and_notices(client):
    plan = plan_register(DAY)
    kpis = Kpi.objects.filter(contract__reference__startswith=PREFIX)
    assert set(kpis.values_list("contract__legislation", flat=True)) == {"pa_2023"}
    assert set(kpis.values_list("contract__reference", "name", "target")) == {
        (kpi.reference, kpi.name, kpi.target) for kpi in plan.kpis
    }
    stored = KpiAssessment.objects.filter(kpi__contract__reference__startswith=PREFIX).values_list(
        "kpi__contract__reference", "kpi__name", "period_start", "period_end", "assessed_on", "rating", "figures"
    )
    assert set(stored) == {
        (kpi.reference, kpi.name, a.period_start, a.period_end, a.assessed_on, a.rating, a.figures)
        for kpi in plan.kpis
        for a in kpi.assessments
    }

    assert set(NoticePublication.objects.values_list("kind", "contract__reference", "period_end", "published_on")) == {
        (notice.kind, notice.reference or None, notice.period_end, notice.published_on) for notice in plan.notices
    }
    rows = notices_due(today=DAY)
    statuses = Counter(row.status for row in rows)
    assert statuses["published"] == len(plan.notices)
    assert statuses["overdue"] > 0 and statuses["due"] > 0
    # The council's notice for the half-year to 30 Sep 2026, due 30 Oct 2026, is not yet recorded.
    council = [row for row in rows if row.kind == PAYMENTS_COMPLIANCE]
    assert [(row.period_end, row.status) for row in council] == [
        (date(2026, 9, 30), "overdue"),
        (date(2026, 3, 31), "published"),
        (date(2025, 9, 30), "published"),
    ]
    page = client.get(reverse("contracts:notice_list"), {"as_of": DAY.isoformat()}).content.decode()
    assert all(f'data-count="{status}">' in page for status in statuses)
    for status in ("overdue", "due", "published"):
        assert f"({statuses[status]})</a>" in page


def assert_it_holds_a_change_and_the_fee_uplifts():
    uplifts = list(FeeUplift.objects.order_by("effective_on"))
    assert [(u.effective_on, u.percent, u.basis, u.reversed_on) for u in uplifts] == [
        (date(2026, 4, 1), Decimal("6.70"), FeeUplift.Basis.NATIONAL_LIVING_WAGE, None),
        (date(2026, 12, 1), Decimal("3.00"), FeeUplift.Basis.OTHER, None),
    ]
    national_living_wage, supported_living = uplifts
    uplifted = ContractChange.objects.filter(uplift=national_living_wage)
    assert uplifted.count() > 100
    assert not uplifted.filter(contract__service_area__name="Carers' support").exists()
    assert not uplifted.filter(contract__annual_uplift_percent__gt=0).exists()
    assert set(
        ContractChange.objects.filter(uplift=supported_living).values_list("contract__service_area__name", flat=True)
    ) == {"Supported living"}
    # Every change has the decision that authorised it.
    changes = ContractChange.objects.filter(contract__reference__startswith=PREFIX)
    assert not changes.exclude(decision_links__effect=ContractLink.Effect.CHANGE_CONTRACT).exists()
    (own,) = changes.filter(uplift=None)
    assert own.effective_on == date(2026, 8, 1)
    assert own.contract.service_area.name == "Reablement"
    assert own.ground == UNFORESEEABLE[own.contract.legislation]
    # The figures follow the uplift from 1 Apr 2026, never before.
    change = uplifted.exclude(contract=own.contract).select_related("contract").first()
    before, after = on(change.contract, date(2026, 3, 31)), on(change.contract, date(2026, 4, 1))
    assert before.whole_life_value < after.whole_life_value
    assert change.annual_value_change == to_money(change.contract.annual_value * Decimal("0.067"))


@pytest.mark.django_db
def test_another_day_fills_the_dashboard_too():
    load(OTHER_DAY)

    board = dashboard(today=OTHER_DAY)
    assert {key: listing.count > 0 for key, listing in board.lists.items()} == dict.fromkeys(board.lists, True)
    assert all(band.count > 0 for band in board.expiries.by_current_end)
    assert len(pipeline(today=OTHER_DAY)) > 10


@pytest.mark.django_db
def test_seed_only_leaves_out_the_fictional_register():
    assert load(DAY, "--seed-only") == "Demo data ready: 6 contracts, 3 users.\n"

    assert not Contract.objects.filter(reference__startswith=PREFIX).exists()
    assert Contract.objects.count() == 6


@pytest.mark.django_db
@pytest.mark.parametrize("day", [date(2026, 1, 8), date(2026, 1, 29)])
def test_the_demo_loads_while_the_last_cabinet_s_call_in_period_runs(day):
    # Cabinet met on 6 and 27 Jan 2026: on these days its decisions cannot yet be acted
    # on (committees.call_in), so the demo's uplift and options cite an earlier meeting.
    load(day)
