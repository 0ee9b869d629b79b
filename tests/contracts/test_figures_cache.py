"""The figures kept for SQL are a cache of `contracts.figures.contract_figures`.

Contracts are made and decided through the services (as officers do), then for
random days the row `with_figures` gives is compared with the pure function of
the same facts: dates, values, the financial-year spread, and the rules SQL
applies itself (status, lateness, spend above projection).
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts import services
from contracts.figures import contract_figures
from contracts.models import Contract, ContractFigures
from contracts.querysets import with_figures, year_values_on
from contracts.terms import format_term, period_end
from tests.conftest import ContractFactory, on

pytestmark = pytest.mark.django_db

ONE_DAY = timedelta(days=1)
# A day far enough ahead that no decision in these tests is in the future.
LATER = date(2100, 1, 1)


@st.composite
def contracts(draw):
    start = draw(st.dates(min_value=date(1995, 1, 1), max_value=date(2045, 12, 31)))
    parts = tuple(draw(st.lists(st.integers(min_value=1, max_value=48), min_size=1, max_size=4)))
    options = len(parts) - 1
    undated = draw(st.integers(min_value=0, max_value=options)) if draw(st.booleans()) else 0
    # Then some decisions with dates, in order, each some days after the one before (mostly
    # before the option lapses); the services refuse the ones the rules do not allow.
    gaps = st.one_of(st.integers(min_value=0, max_value=500), st.integers(min_value=-50, max_value=3000))
    dated = draw(
        st.lists(
            st.tuples(st.sampled_from(["exercise", "exercise", "decline"]), gaps),
            min_size=options - undated,
            max_size=options - undated,
        )
    )
    # A register may not know the value; the dates are kept all the same.
    annual = draw(st.sampled_from([Decimal("0"), Decimal("1000.01"), Decimal("319000"), Decimal("333333.33"), None]))
    # And may give the initial term's last day, some days after the term's first part would end.
    end_days_after = draw(st.none() | st.integers(min_value=-20, max_value=60))
    uplift = draw(st.sampled_from([Decimal("0"), Decimal("2.5")]))
    spend = draw(
        st.dictionaries(
            st.integers(min_value=start.year - 1, max_value=start.year + sum(parts) // 12 + 1),
            st.sampled_from([Decimal("0"), Decimal("0.5"), Decimal("1"), Decimal("1.2")]),
            max_size=4,
        )
    )
    offsets = draw(st.lists(st.integers(min_value=-400, max_value=sum(parts) * 31 + 400), min_size=1, max_size=6))
    return start, parts, end_days_after, undated, dated, annual, uplift, spend, offsets


def _make(start, parts, end_days_after, undated, dated, annual, uplift, spend) -> Contract:
    end_date = None
    if end_days_after is not None:
        end_date = max(period_end(start, parts[0]) + timedelta(days=end_days_after), start)
    contract = ContractFactory(
        start_date=start,
        term=format_term(parts),
        end_date=end_date,
        annual_value=annual,
        annual_uplift_percent=uplift,
        options_exercised=undated,
    )
    day = start
    for kind, gap in dated:
        option = contract.options.filter(status="available").order_by("order").first()
        decide = services.option_exercise if kind == "exercise" else services.option_decline
        day += timedelta(days=gap)
        try:
            decide(option=option, decided_by="Chief Officer", decided_on=day, today=LATER)
        except ValidationError:
            # Refused (a lapsed option, say): nothing was written, and nothing later can be decided.
            break
        if kind == "decline":
            break
    for year, share in spend.items():
        base = annual if annual is not None else Decimal("1000")
        services.spend_record(contract=contract, financial_year=year, amount=(base * share).quantize(Decimal("0.01")))
    return contract


def _days(contract: Contract, offsets) -> set[date]:
    days = {contract.start_date + timedelta(days=n) for n in offsets}
    edges = {contract.start_date}
    for row in ContractFigures.objects.filter(contract=contract):
        edges |= {row.valid_from, row.valid_to}
        if row.next_decision_deadline:
            edges.add(row.next_decision_deadline)
        edges.add(row.current_end_date)
    for year in contract.spend_records.values_list("financial_year", flat=True):
        edges |= {date(year, 4, 1), date(year + 1, 3, 31)}
    for edge in edges:
        if date(1990, 1, 1) <= edge <= date(2100, 12, 31):
            days |= {edge - ONE_DAY, edge, edge + ONE_DAY}
    return days


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contracts())
def test_the_figures_in_sql_are_the_figures_of_the_function_on_every_day(contract_spec):
    start, parts, end_days_after, undated, dated, annual, uplift, spend, offsets = contract_spec
    contract = _make(start, parts, end_days_after, undated, dated, annual, uplift, spend)
    options = list(contract.options.order_by("order"))
    records = list(contract.spend_records.all())
    facts = services.contract_facts(contract, options, spend=records)
    assert services.figures_are_current(contract, options)

    for day in sorted(_days(contract, offsets)):
        expected = contract_figures(facts, today=day, notice_months=django_settings.OPTION_NOTICE_MONTHS)
        schedule = expected.schedule
        row = with_figures(Contract.objects.filter(pk=contract.pk), today=day).get()
        assert (
            row.current_end_date,
            row.final_end_date,
            row.next_option,
            row.next_decision_deadline,
            row.options_exercised,
            row.committed_value,
            row.whole_life_value,
        ) == (
            schedule.current_end,
            schedule.final_end,
            schedule.next_option,
            schedule.next_decision_deadline,
            schedule.options_exercised,
            expected.committed_value,
            expected.whole_life_value,
        ), day
        # The rules SQL applies itself agree with the pure ones.
        assert row.status == str(schedule.status), day
        assert row.option_late is schedule.next_option_late, day
        assert row.spend_over == (expected.spend is not None and expected.spend.is_over), day
        years = dict(year_values_on(day).filter(figures__contract=contract).values_list("financial_year", "amount"))
        assert years == expected.year_values, day


def test_sql_status_is_each_status_of_the_function():
    # docs/domain.md: 3+1+1 from 1 Oct 2023, nothing decided.
    contract = ContractFactory(start_date=date(2023, 10, 1), term="3+1+1")

    assert on(contract, date(2023, 9, 30)).status == "not_started"
    assert on(contract, date(2026, 9, 30)).status == "live"
    assert on(contract, date(2026, 10, 1)).status == "expired"
    option = contract.options.get(order=1)
    services.option_exercise(option=option, decided_by="Chief Officer", decided_on=date(2026, 9, 1), today=LATER)
    second = contract.options.get(order=2)
    services.option_exercise(option=second, decided_by="Chief Officer", decided_on=date(2027, 1, 4), today=LATER)
    assert on(contract, date(2027, 1, 3)).status == "live"
    assert on(contract, date(2027, 1, 4)).status == "final_term"
    assert on(contract, date(2028, 9, 30)).status == "final_term"
    assert on(contract, date(2028, 10, 1)).status == "expired"


def test_option_late_is_false_not_null_when_no_option_is_open():
    contract = ContractFactory(start_date=date(2023, 10, 1), term="3+1+1")
    day = date(2026, 10, 1)  # option 1 has lapsed: nothing is open, so nothing is late

    assert on(contract, day).option_late is False
    assert with_figures(Contract.objects.filter(pk=contract.pk), today=day).filter(option_late=False).exists()


@pytest.mark.parametrize(
    ("spend", "over"),
    [
        # Two years of spend equal to those two years' projection: not over, whatever the whole life is.
        ({2024: "1330000", 2025: "2660000"}, False),
        # One year above its own projection is flagged, though the total is under.
        ({2024: "1400000", 2025: "2000000"}, True),
        # A year not yet begun on the day does not count.
        ({2024: "1330000", 2027: "9999999"}, False),
    ],
)
def test_spend_over_in_sql_compares_the_same_years_only(spend, over):
    contract = ContractFactory(start_date=date(2024, 10, 1), term="5+2+2", annual_value=Decimal("2660000"))
    for year, amount in spend.items():
        services.spend_record(contract=contract, financial_year=year, amount=Decimal(amount))
    day = date(2026, 11, 22)
    facts = services.contract_facts(
        contract, list(contract.options.order_by("order")), spend=list(contract.spend_records.all())
    )

    assert on(contract, day).spend_over is over
    assert contract_figures(facts, today=day, notice_months=6).spend.is_over is over
    flagged = with_figures(Contract.objects.all(), today=day).filter(spend_over=True)
    assert list(flagged.values_list("pk", flat=True)) == ([contract.pk] if over else [])
