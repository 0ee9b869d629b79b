"""The dashboard against the demo data, with every figure worked out by hand."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from http import HTTPStatus
from operator import attrgetter

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from commissioning.overview.dashboard import dashboard, remaining_value
from commissioning.overview.dashboard_export import EXPORTS
from commissioning.projects.models import CommissioningProject, GatewayDecision, ProjectStep, RequiredStep, Waiver
from committees.call_in import part_label
from committees.models import Action, CallIn, Delegation
from committees.selectors import KeyDecisionRow
from contracts import services
from contracts.models import Contract
from contracts.selectors import NoticeRow
from tests.conftest import TODAY, ContractFactory

# Every test here stands on the demo data, loaded once for the module.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]
DEMO_DAY = TODAY  # the day `demo_data` loads the demo on


@pytest.fixture
def as_demo(client, django_user_model):
    """A client signed in as one of the demo users (officer, clerk, manager)."""

    def sign_in(username):
        client.force_login(django_user_model.objects.get(username=username))
        return client

    return sign_in


def test_remaining_value_is_pro_rata_by_day():
    # 15 Jan to 30 Sep 2024 inclusive is 260 days (2024 is a leap year): 17 + 29 + 31 + 30 + 31 + 30 + 31 + 31 + 30.
    assert remaining_value(Decimal("319000"), today=date(2024, 1, 15), end=date(2024, 9, 30)) == Decimal("227232.88")
    assert remaining_value(Decimal("1432000"), today=date(2024, 1, 15), end=date(2024, 9, 30)) == Decimal("1020054.79")
    assert remaining_value(Decimal("1000"), today=date(2024, 10, 1), end=date(2024, 9, 30)) == Decimal("0.00")


def test_expiry_bands_on_15_jan_2024():
    # The MHFSS (£319k) and SEL ICB (£1,432k) contracts end on 30 Sep 2024 with no option left: within 12
    # months of 15 Jan 2024 (to 14 Jan 2025) but not 6 (to 14 Jul 2024). Nottingham ends 30 Jun 2026, beyond
    # 24 months (14 Jan 2026); support@home ends 30 Sep 2029.
    board = dashboard(today=date(2024, 1, 15))
    for bands in (board.expiries.by_current_end, board.expiries.by_final_end):
        assert [(band.months, band.count) for band in bands] == [(6, 0), (12, 2), (18, 2), (24, 2)]
        assert [band.annual for band in bands] == [Decimal("0.00")] + [Decimal("1751000.00")] * 3
        assert bands[1].remaining == Decimal("227232.88") + Decimal("1020054.79")


def test_every_figure_on_the_demo_day():
    board = dashboard(today=DEMO_DAY)
    # Every seed contract but support@home has ended by 22 Nov 2026, and support@home runs to 30 Sep 2029.
    assert [band.count for band in board.expiries.by_current_end] == [0, 0, 0, 0]
    assert [band.count for band in board.expiries.by_final_end] == [0, 0, 0, 0]
    lists = board.lists
    # support@home's first option is due 30 Mar 2029: not within 90 days, not late.
    assert (lists["decisions_due"].count, lists["decisions_late"].count) == (0, 0)
    # support@home: Gateway 2 was due 1 Apr 2024 (6 months before 1 Oct 2024) and no award is recorded.
    assert lists["gateways"].count == 1
    summary, gateway = lists["gateways"].rows[0]
    assert (summary.project.title, gateway.rule.number, gateway.due, gateway.status) == (
        "Adult mental health recovery and rehabilitation support@home",
        2,
        date(2024, 4, 1),
        "overdue",
    )
    # Bradford's progress report was due in December 2019 and is still open.
    assert [action.owner for action in lists["actions"].rows] == ["Strategic Director, Health and Wellbeing"]
    # Unused: the Executive's delegation of support@home extensions and Nottingham's delegation (3) to sign.
    assert sorted(d.to_whom for d in lists["delegations"].rows) == [
        "Chief Officer",
        "Provider Performance and Development Manager",
    ]
    # support@home: £2.66m x 9 years = £23,940,000 against £23,400,000 approved.
    assert [(c.reference, c.overrun) for c in lists["over_approved"].rows] == [("LBB-SAH-2024", Decimal("540000.00"))]
    # MHFSS: £1,890,000 spent against £319,000 x 5 years = £1,595,000.
    assert [(c.reference, c.overspend) for c in lists["spend_over"].rows] == [("LBB-MHFSS-2019", Decimal("295000.00"))]
    # 2026/27: support@home £2,660,000 + Nottingham's last quarter (Apr-Jun 2026) £855,439 / 4 = £213,859.75.
    assert board.years == [
        ("2026/27", Decimal("2873859.75")),
        ("2027/28", Decimal("2660000.00")),
        ("2028/29", Decimal("2660000.00")),
        ("2029/30", Decimal("2660000.00")),
        ("2030/31", Decimal("2660000.00")),
    ]
    assert board.by_service_area == [
        ("Mental health", Decimal("2660000.00")),
        ("Independent living support", Decimal("213859.75")),
    ]


def test_the_page_shows_the_figures_and_links_to_the_lists(as_demo):
    client = as_demo("manager")
    response = client.get(reverse("home"), {"as_of": "2024-01-15"})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'data-count="current-12">2</a>' in html
    assert 'data-count="final-6">0</a>' in html
    assert "?ends_within=12&amp;sort=current_end&amp;as_of=2024-01-15" in html
    assert "£1.75m" in html  # annual value in the 12-month band
    assert "£1.25m" in html  # remaining value: £1,247,287.67
    listing = client.get("/contracts/", {"ends_within": 12, "as_of": "2024-01-15"})
    assert [c.reference for c in listing.context["page"].object_list] == ["LBB-MHFSS-2019", "SELICB-AMH-RSA-2019"]


def test_each_role_sees_the_dashboard_in_its_own_order(as_demo):
    assert as_demo("clerk").get(reverse("home")).context["sections"][0] == "committees"
    assert as_demo("officer").get(reverse("home")).context["sections"][0] == "expiries"


def test_a_user_without_a_role_may_not_see_it(client_for, nobody):
    assert client_for(nobody).get(reverse("home")).status_code == HTTPStatus.FORBIDDEN


def _download(client, key: str, fmt: str, day: date | None = None):
    response = client.get(reverse("dashboard_export", args=[key, fmt]), {"as_of": day.isoformat()} if day else {})
    assert response.status_code == HTTPStatus.OK
    return response


def _csv_records(response) -> list[dict[str, str]]:
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_contracts_ending_downloads_the_contracts_with_their_band_and_remaining_value(as_demo):
    # On 15 Jan 2024 the MHFSS (£319k) and SEL ICB (£1,432k) contracts end on 30 Sep 2024, with
    # no option left: within 12 months, not 6. Remaining value: 260 days of each annual value.
    response = _download(as_demo("manager"), "expiries", "xlsx", date(2024, 1, 15))
    assert 'filename="expiries-2024-01-15.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = sheet.iter_rows()
    columns = [cell.value for cell in header]
    assert columns[:2] == ["Reference", "Title"]
    found = [{name: cell for name, cell in zip(columns, row, strict=True)} for row in rows]
    assert [
        (
            row["Reference"].value,
            row["Current end"].value,
            row["Ends within (months)"].value,
            row["Option left open"].value,
            row["Annual value"].value,
            row["Remaining value to current end"].value,
        )
        for row in found
    ] == [
        ("LBB-MHFSS-2019", datetime(2024, 9, 30), 12, "No", 319000, 227232.88),
        ("SELICB-AMH-RSA-2019", datetime(2024, 9, 30), 12, "No", 1432000, 1020054.79),
    ]
    first = found[0]
    assert first["Current end"].number_format == "dd mmm yyyy"
    assert first["Remaining value to current end"].number_format == "£#,##0.00"
    assert sheet.freeze_panes == "A2"
    assert header[0].font.bold


def test_spend_above_projection_downloads_the_figures_that_put_each_contract_there(as_demo):
    # MHFSS, £319k a year from 1 Oct 2019 to 30 Sep 2024: half a year in 2019/20 and 2024/25,
    # a whole one between, £1,595,000 projected; £1,890,000 spent, each year above its projection.
    [row] = _csv_records(_download(as_demo("manager"), "spend_over", "csv", DEMO_DAY))
    assert row["Reference"] == "LBB-MHFSS-2019"
    assert (row["Spent"], row["Projected"], row["Spent above projected"]) == ("1890000.00", "1595000.00", "295000.00")
    assert row["Years over"] == "2019/20, 2020/21, 2021/22, 2022/23, 2023/24, 2024/25"
    # 2019/20: £172,500 spent against £159,500; 2024/25: £204,300 against £159,500; ...
    assert row["Spent above projection in the years over"] == "295000.00"


def test_above_approved_downloads_whole_life_approved_and_the_variance(as_demo):
    # support@home: £23,940,000 whole-life against £23,400,000 approved, £540,000 (2.3%) above.
    client = as_demo("manager")
    [row] = _csv_records(_download(client, "over_approved", "csv", DEMO_DAY))
    assert (row["Reference"], row["Whole-life value"], row["Approved value"]) == (
        "LBB-SAH-2024",
        "23940000.00",
        "23400000.00",
    )
    assert (row["Above approved"], row["Above approved (%)"]) == ("540000.00", "2.3")
    sheet = load_workbook(io.BytesIO(_download(client, "over_approved", "xlsx", DEMO_DAY).content)).active
    percent = sheet.cell(row=2, column=[cell.value for cell in sheet[1]].index("Above approved (%)") + 1)
    assert (percent.value, percent.number_format) == (pytest.approx(0.023), "0.0%")


def test_an_unknown_download_is_not_found(as_demo):
    assert as_demo("manager").get("/dashboard/nothing.csv").status_code == HTTPStatus.NOT_FOUND
    assert as_demo("manager").get("/dashboard/expiries.ods").status_code == HTTPStatus.NOT_FOUND


def test_the_dashboard_query_count_does_not_grow_with_the_data(as_demo):
    client = as_demo("manager")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == HTTPStatus.OK
        return len(captured)

    before = count()
    for _ in range(30):
        ContractFactory(start_date=date(2025, 4, 1), term="2+1", approved_value=Decimal("1"))
    assert count() == before


def test_the_demo_projects_load_once():
    counts = [m.objects.count() for m in (CommissioningProject, GatewayDecision, ProjectStep, RequiredStep, Waiver)]
    call_command("load_demo_data", "--today", DEMO_DAY.isoformat(), "--seed-only", stdout=io.StringIO())
    assert [
        m.objects.count() for m in (CommissioningProject, GatewayDecision, ProjectStep, RequiredStep, Waiver)
    ] == counts
    assert counts == [3, 5, 1, 2, 1]
    nottingham = CommissioningProject.objects.get(title__startswith="Independent Living")
    assert nottingham.appraised_options.filter(outcome="rejected").count() == 3
    assert nottingham.baseline_annual_cost - nottingham.estimated_annual_value == Decimal("95049.00")


DAYS = [date(2019, 6, 1), date(2022, 1, 1), date(2024, 1, 15), date(2024, 10, 1), DEMO_DAY, date(2029, 6, 1)]


def _list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return response.context["page"].paginator.count


def _incomplete_contracts():
    """Contracts a council's register holds without a start, an end or a value: one with no
    dates at all, and one with dates but no value that ends inside the bands, with spend
    recorded and an approved value, so it would be counted by a money figure if one let it in."""
    ContractFactory(reference="INC-NO-DATES", start_date=None, term="", annual_value=None, legislation="pa_2023")
    no_value = ContractFactory(
        reference="INC-NO-VALUE",
        start_date=date(2023, 4, 1),
        term="",
        end_date=date(2024, 12, 31),
        option_end_dates=[date(2025, 3, 31)],
        annual_value=None,
        approved_value=Decimal("1.00"),
        legislation="pa_2023",
    )
    services.spend_record(contract=no_value, financial_year=2023, amount=Decimal("5000.00"))
    ContractFactory(reference="INC-NO-START", start_date=None, term="3", legislation="pa_2023")


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_each_number_is_the_rows_behind_its_link(as_demo, day):
    # One rule, one place: every list on the dashboard is its list page's own
    # selector, so the number on the card and the rows behind the link agree on any day.
    _incomplete_contracts()
    client = as_demo("manager")
    board = dashboard(today=day)
    assert board.lists["incomplete"].count == 3
    checked = 0
    for key, listing in board.lists.items():
        if key == "gateways":
            continue  # its link is the pipeline, which shows every project
        assert listing.url.endswith(f"as_of={day.isoformat()}") or f"as_of={day.isoformat()}" in listing.url
        assert _list_count(client, listing.url) == listing.count, key
        checked += 1
    for band in board.expiries.by_current_end + board.expiries.by_final_end:
        assert _list_count(client, band.url) == band.count, band.url
        checked += 1
    assert checked == 10 + 8


def _page_keys(client, url: str) -> list[str]:
    """The first thing each row of a list page names (every page of it)."""
    rows = client.get(url).context["page"].paginator.object_list
    return [str(_FIRST_FIELD[type(row)](row)) for row in rows]


_FIRST_FIELD = {
    Contract: attrgetter("reference"),
    Action: attrgetter("text"),
    Delegation: attrgetter("to_whom"),
    NoticeRow: attrgetter("label"),
    KeyDecisionRow: attrgetter("decision_maker"),
    CallIn: lambda call_in: part_label(call_in.resolution_part),
}


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_each_download_holds_the_rows_behind_its_number(as_demo, day):
    _incomplete_contracts()
    client = as_demo("manager")
    board = dashboard(today=day)
    assert set(EXPORTS) == set(board.lists) | {"expiries"}
    for key, listing in board.lists.items():
        rows = _csv_records(_download(client, key, "csv", day))
        assert len(rows) == listing.count, key
        if key != "gateways":  # the pipeline shows every project, not only these gateways
            first = EXPORTS[key].columns[0].header
            assert [row[first] for row in rows] == _page_keys(client, listing.url), key
    ending = _csv_records(_download(client, "expiries", "csv", day))
    assert [row["Reference"] for row in ending] == _page_keys(client, board.expiries.by_current_end[-1].url)
    for band, final in zip(board.expiries.by_current_end, board.expiries.by_final_end, strict=True):
        within = [row for row in ending if int(row["Ends within (months)"]) <= band.months]
        assert sorted(row["Reference"] for row in within) == sorted(_page_keys(client, band.url))
        no_option = [row["Reference"] for row in within if row["Option left open"] == "No"]
        assert sorted(no_option) == sorted(_page_keys(client, final.url))
        assert sum(Decimal(row["Remaining value to current end"] or "0") for row in within) == band.remaining


def test_an_excel_download_keeps_a_title_with_a_control_character(as_demo):
    ContractFactory(reference="CTRL-1", title="Line one\x0bline two", approved_value=Decimal("1"))
    response = as_demo("manager").get(reverse("dashboard_export", args=["over_approved", "xlsx"]))
    assert response.status_code == HTTPStatus.OK
    titles = [row[1] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert "Line oneline two" in titles
