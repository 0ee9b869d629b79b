"""The benchmark: its data set follows the register's rules, and its report
names every page with a time and a query count. Tiny sizes, so it runs in seconds."""

import io
import json
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commissioning.benchmark import generate, measure, register_import
from commissioning.projects.models import CommissioningProject, GatewayDecision
from committees.models import Action, AgendaItem, Delegation, Meeting, ResolutionPart
from contracts.importing import import_preview
from contracts.models import Contract, ContractFigures, FundingShare
from contracts.register_file import match_headers, read_table
from contracts.services import contract_schedule, contracts_figures_refresh, figures_are_current
from contracts.terms import OptionStatus
from tests.conftest import TODAY, ContractFactory

pytestmark = pytest.mark.django_db

TINY = generate.Sizes(contracts=50, meetings=10, parts=60, actions=30)
TINY_ARGS = [
    "--contracts",
    "50",
    "--meetings",
    "10",
    "--parts",
    "60",
    "--actions",
    "30",
    "--requests",
    "2",
    "--import-rows",
    "200",
]
PAGES = [
    ("manager", measure.BASELINE),
    ("manager", "dashboard"),
    ("manager", "contract list"),
    ("manager", "contract list, filtered"),
    ("manager", "pipeline"),
    ("manager", "actions"),
    ("manager", "search"),
    ("manager", "search, no match"),
    ("manager", "contract page"),
    ("manager", "project page"),
    ("officer", measure.BASELINE),
    ("officer", "dashboard"),
    ("officer", "contract list, filtered"),
    ("officer", "contract page"),
    ("officer", "contract edit form"),
    ("officer", "contract create form"),
    ("officer", "project page"),
    ("officer", "project edit form"),
    ("officer", "project create form"),
    ("officer", "import upload and preview, 500 rows"),
    ("officer", "import preview page"),
    ("clerk", measure.BASELINE),
    ("clerk", "meeting page"),
    ("clerk", "actions"),
    ("clerk", "search"),
]


@pytest.fixture
def generated():
    return generate.generate(sizes=TINY, today=TODAY, seed=1)


def test_it_makes_the_numbers_asked_for(generated):
    assert Contract.objects.count() == 50
    assert Meeting.objects.count() == 10
    assert ResolutionPart.objects.count() == 60
    assert Action.objects.count() == 30
    assert AgendaItem.objects.count() >= 10
    assert Delegation.objects.count() == ResolutionPart.objects.filter(kind=ResolutionPart.Kind.DELEGATE).count() > 0
    assert CommissioningProject.objects.count() == TINY.projects
    assert generated.counts["contracts"] == 50
    assert generated.counts["resolution parts"] == 60


def test_stored_figures_are_those_of_the_services(generated):
    # Generated in bulk, yet through the services' own functions: what is stored
    # for every span of days is what contracts.figures gives from the facts.
    contracts = list(Contract.objects.prefetch_related("options", "figures__year_values"))
    assert any(c.options.all() for c in contracts)
    for contract in contracts:
        options = sorted(contract.options.all(), key=lambda option: option.order)
        assert figures_are_current(contract, options)
        # Only decisions are recorded: a lapse is never stored.
        assert {option.status for option in options} <= {"available", "exercised", "declined"}
    lapsed_today = [
        contract
        for contract in contracts
        if OptionStatus.LAPSED
        in contract_schedule(
            contract, sorted(contract.options.all(), key=lambda o: o.order), today=TODAY
        ).option_statuses
    ]
    assert lapsed_today, "the generated register should hold options lapsed by today"


def test_the_daily_check_finds_nothing_to_rewrite(generated):
    before = list(ContractFigures.objects.order_by("pk").values())
    assert contracts_figures_refresh() == 0
    assert list(ContractFigures.objects.order_by("pk").values()) == before


def test_options_decided_have_a_date_and_the_rest_are_open_or_closed(generated):
    for contract in Contract.objects.prefetch_related("options"):
        for option in contract.options.all():
            decided = option.status in (OptionStatus.EXERCISED, OptionStatus.DECLINED)
            assert (option.decided_on is not None) == decided
            if decided:
                assert contract.start_date <= option.decided_on <= TODAY


def test_funding_shares_add_up_to_a_hundred(generated):
    totals = defaultdict(Decimal)
    for share in FundingShare.objects.all():
        totals[share.contract_id] += share.percent
    assert len(totals) == 50
    assert set(totals.values()) == {Decimal("100")}


def test_decisions_come_after_their_meetings(generated):
    for action in Action.objects.select_related("resolution_part__item__meeting"):
        assert action.due_on >= action.resolution_part.item.meeting.date
    for part in ResolutionPart.objects.filter(takes_up__isnull=False).select_related(
        "item__meeting", "takes_up__item__meeting"
    ):
        assert part.takes_up.recommended_to_id == part.item.meeting.committee_id
        assert part.takes_up.item.meeting.starts_at < part.item.meeting.starts_at
    for decision in GatewayDecision.objects.select_related("resolution_part__item__meeting"):
        assert decision.passed_on == decision.resolution_part.item.meeting.date <= TODAY


def test_it_refuses_a_database_that_holds_a_register():
    ContractFactory()
    with pytest.raises(generate.BenchmarkError):
        generate.generate(sizes=TINY, today=TODAY)


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 21))
    assert measure.percentile(values, 0.95) == 19
    assert measure.percentile(values, 0.5) == 10
    assert measure.percentile([7.0], 0.95) == 7.0


def test_the_command_reports_every_page_and_leaves_nothing_behind(tmp_path):
    out = io.StringIO()
    figures = tmp_path / "figures.json"
    call_command("benchmark", "--in-place", *TINY_ARGS, "--json", str(figures), stdout=out, stderr=io.StringIO())

    report = json.loads(figures.read_text())
    assert [(page["role"], page["name"]) for page in report["pages"]] == PAGES
    for page in report["pages"]:
        assert page["queries"] >= 3, page  # at least the session, the user and the user's groups
        assert 0 < page["median_ms"] <= page["p95_ms"]
        assert page["first_ms"] > 0
        assert page["requests"] == 2
    assert report["counts"]["contracts"] == 50
    imported = report["register_import"]
    assert (imported["rows"], imported["encoding"]) == (200, "Windows-1252")
    assert imported["seconds"] > 0
    # Every row but the exact duplicates and the rejected ones made a contract.
    assert 190 <= imported["created"] < 200
    text = out.getvalue()
    assert f"Import of 200 generated Transparency Code rows (Windows-1252): {imported['seconds']:.1f} s" in text
    assert "Database: " in text
    for _, name in PAGES:
        assert name in text
    # --in-place rolls everything back.
    assert not Contract.objects.exists()
    assert not Meeting.objects.exists()


def test_the_generated_register_is_messy_and_imports_with_its_rejected_rows_skipped():
    data = register_import.transparency_code_csv(300, seed=2)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    table = read_table(data, filename="register.csv")
    assert len(table.headers) == 39

    timed = register_import.measure_import(300, seed=2)

    preview = import_preview(table=table, mapping=match_headers(table.headers).mapping, as_at=None, value_basis="whole")
    counts = preview.counts
    assert counts["rejected"] == timed.rejected > 0
    assert counts["incomplete"] > 0 and counts["warnings"] > 0 and preview.duplicates_dropped > 0
    assert Contract.objects.count() == timed.created == 300 - preview.duplicates_dropped - timed.rejected
    assert Contract.objects.filter(lead_commissioner__name=register_import.COUNCIL).count() == timed.created


def test_the_command_refuses_in_place_when_the_database_holds_a_register():
    ContractFactory()
    with pytest.raises(CommandError, match="--in-place"):
        call_command("benchmark", "--in-place", *TINY_ARGS, stdout=io.StringIO(), stderr=io.StringIO())
    assert Contract.objects.count() == 1


def test_the_command_rejects_sizes_that_make_no_sense():
    with pytest.raises(CommandError, match="parts"):
        call_command(
            "benchmark", "--in-place", "--parts", "0", "--actions", "5", stdout=io.StringIO(), stderr=io.StringIO()
        )


def test_options_are_authorised_only_by_what_may_authorise_them_and_once(generated):
    from committees.decisions import Power, can_authorise
    from committees.models import ContractLink

    links = list(
        ContractLink.objects.filter(effect=ContractLink.Effect.EXERCISE_OPTION).select_related("resolution_part")
    )
    assert links
    for link in links:
        assert link.resolution_part is None or can_authorise(link.resolution_part.kind, Power.DECIDE_OPTION)
    options = [link.option_id for link in links]
    assert len(options) == len(set(options))


def test_the_dashboards_spend_above_projection_is_the_contract_figures(generated):
    # The dashboard reads each row's excess from the day's stored year values;
    # contracts.figures works it out from the facts. On a register of any shape they agree.
    from commissioning.overview.dashboard import spend_over, with_overspend
    from contracts.services import figures_of

    rows = with_overspend(list(spend_over(today=TODAY)), today=TODAY)
    assert rows, "the generated register should hold contracts spending above projection"
    for contract in rows:
        figures = figures_of(
            contract, list(contract.options.all()), today=TODAY, spend=list(contract.spend_records.all())
        )
        assert contract.overspend == figures.spend.excess > 0, contract.reference


def _timing(role, name, median, target):
    return measure.Timing(
        role=role, name=name, url="/", median_ms=median, p95_ms=median, queries=5, requests=2, target=target
    )


def test_the_report_marks_the_pages_over_their_target_against_their_own_roles_baseline():
    from commissioning.benchmark.report import BenchmarkReport

    report = BenchmarkReport(
        database="test",
        debug=False,
        today=TODAY,
        sizes=TINY,
        generated=generate.Generated(seconds=1.0, counts={"contracts": 50}),
        timings=[
            _timing("manager", measure.BASELINE, 10.0, None),
            _timing("manager", "dashboard", 51.0, 5),
            _timing("manager", "contract page", 99.0, 10),
            _timing("clerk", measure.BASELINE, 20.0, None),
            _timing("clerk", "meeting page", 150.0, 10),
            _timing("clerk", "actions", 120.0, 5),
        ],
        measured_seconds=3.0,
    )
    over = [(t.role, t.name) for t in report.timings if report.over_target(t)]
    assert over == [("manager", "dashboard"), ("clerk", "actions")]
    lines = report.as_text().splitlines()
    rows = [line.split() for line in lines if line.startswith(("manager ", "clerk "))]
    assert len(rows) == 6
    marked = [row[:2] for row in rows if "OVER" in row]
    assert marked == [["manager", "dashboard"], ["clerk", "actions"]]
    assert "2 of 4 pages over target." in lines
    pages = json.loads(report.as_json())["pages"]
    assert [(p["times_baseline"], p["over_target"]) for p in pages][1:3] == [(5.1, True), (9.9, False)]


def test_a_run_reuses_the_register_the_database_holds(generated):
    from commissioning.benchmark.report import run

    before = generate.counted()
    report = run(sizes=TINY, today=TODAY, seed=1, requests=1, reuse=True)
    assert report.generated.reused
    assert report.generated.counts == before == generate.counted()
    assert report.measured_seconds > 0
    assert "found in the kept benchmark database" in report.as_text()
    assert [(t.role, t.name) for t in report.timings] == PAGES
    # The register uploads made on the way are gone.
    from contracts.models import RegisterImport

    assert not RegisterImport.objects.exists()
