"""Every CSV and Excel download, found from the URL resolver: text a spreadsheet
would run as a formula is neutralised, money and dates are typed, and the
number of queries does not grow with the rows."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from commissioning.core.spreadsheets import Column, Kind
from commissioning.overview.dashboard_export import EXPORTS
from commissioning.projects import services as project_services
from commissioning.projects.models import CommissioningProject
from committees import forward_plan_views
from committees import services as committee_services
from committees.models import Action, CallIn, Committee, Delegation, ForwardPlanEntry, ResolutionPart
from committees.services import ActionInput, DelegationInput
from contracts import publishing
from contracts import services as contract_services
from contracts.models import Contract, RegisterImport
from tests.committees.factories import MeetingFactory, ResolutionPartFactory, at
from tests.conftest import ContractFactory, ServiceAreaFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 22)
# What a spreadsheet runs: text starting =, +, -, @, a tab or a carriage return.
PAYLOADS = {
    "equals": '=HYPERLINK("http://evil.example","Click")',
    "plus": "+1+2 cmd",
    "minus": "-2+3 cmd",
    "at": "@SUM(1+1)",
    "tab": "\t=1+2",
    "cr": "\r=1+2",
}


@dataclass(frozen=True)
class Case:
    """One download: its URL's arguments, its format, and the columns it declares."""

    name: str
    fmt: str
    kwargs: dict = field(default_factory=dict)
    columns: list[Column] = field(default_factory=list)
    # The import report is a record's: its pk is known once the record is made.
    needs_import: bool = False

    def url(self, data: "Data") -> str:
        kwargs = {**self.kwargs, "pk": data.import_record.pk} if self.needs_import else self.kwargs
        return reverse(self.name, kwargs=kwargs)

    def __str__(self) -> str:
        return "-".join([self.name, *map(str, self.kwargs.values())] + ([] if "fmt" in self.kwargs else [self.fmt]))


CASES = [
    Case("contracts:contract_export", "csv", columns=publishing.REGISTER_COLUMNS),
    Case("contracts:contract_export_as", "xlsx", {"fmt": "xlsx"}, columns=publishing.REGISTER_COLUMNS),
    Case("contracts:contract_export_as", "csv", {"fmt": "transparency"}, columns=publishing.TRANSPARENCY_SHEET),
    Case("contracts:import_report", "csv", needs_import=True),
    *[
        Case("committees:forward_plan_export", fmt, {"fmt": fmt}, columns=forward_plan_views.EXPORT_COLUMNS)
        for fmt in ("csv", "xlsx")
    ],
    *[
        Case("dashboard_export", fmt, {"key": key, "fmt": fmt}, columns=export.columns)
        for key, export in EXPORTS.items()
        for fmt in ("csv", "xlsx")
    ],
]
# Downloads that are not spreadsheets: the OCDS package is JSON, which nothing runs.
NOT_SPREADSHEETS = {("contracts:contract_export_as", "ocds"), ("contracts:contract_export_as", "ocds_notices")}


def _download_urls() -> set[str]:
    """The names of every URL whose view gives out files (`web.download`)."""
    found = set()

    def walk(patterns, prefix: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif getattr(pattern.callback, "is_download", False):
                found.add(prefix + pattern.name)

    walk(get_resolver().url_patterns, "")
    return found


def test_every_download_is_checked():
    assert _download_urls() == {case.name for case in CASES}
    from contracts.views import EXPORT_FORMATS

    checked = {case.kwargs["fmt"] for case in CASES if case.name == "contracts:contract_export_as"}
    assert set(EXPORT_FORMATS) == checked | {fmt for _, fmt in NOT_SPREADSHEETS} | {"csv"}


# Where a file may be written or sent: every download goes through core.
_WRITERS = re.compile(r"csv\.writer|csv\.DictWriter|Workbook\(|text/csv|spreadsheetml|attachment;")
_MAY_WRITE = {
    "commissioning/core/spreadsheets.py",
    "commissioning/core/web.py",
    # Sends a report's uploaded file back as it came (a checked format, never a spreadsheet written here).
    "commissioning/core/uploads.py",
    # Writes a council-sized register for the import benchmark to read: not a download.
    "commissioning/benchmark/register_import.py",
    # Uploads that generated register to the import page, as an officer would: not a download.
    "commissioning/benchmark/measure.py",
}


def test_only_core_writes_spreadsheets_or_sends_files():
    root = Path(__file__).resolve().parent.parent
    writers = {
        path.relative_to(root).as_posix()
        for package in ("contracts", "committees", "commissioning")
        for path in (root / package).rglob("*.py")
        if _WRITERS.search(path.read_text(encoding="utf-8"))
    }
    assert writers <= _MAY_WRITE


# --- the records every download holds ---------------------------------------------------


@dataclass
class Data:
    import_record: RegisterImport
    texts: list[str]  # the hostile text written into each kind of record


def _records(user, *, copies: int, texts: list[str]) -> Data:
    """On 22 Nov 2026, for each text: a contract whose option is due within 90 days,
    above its approved value and its spend projection; one whose option decision is
    late; one without a value; an overdue action, an unused delegation, a project
    with a gateway overdue and an import report row, each carrying the text."""
    area = ServiceAreaFactory()
    meeting = MeetingFactory(starts_at=at(date(2026, 3, 4)))
    # Key decisions are the executive's: the one taken without notice is at the Executive.
    executive = MeetingFactory(
        committee__council=meeting.committee.council,
        committee__kind=Committee.Kind.EXECUTIVE,
        starts_at=at(date(2026, 3, 5)),
        decisions_published_on=date(2026, 3, 6),
    )
    for copy in range(copies):
        text = texts[copy % len(texts)]
        # 2+1 from 16 Jul 2025: ends 15 Jul 2027, option decided by 15 Jan 2027.
        due = ContractFactory(start_date=date(2025, 7, 16), term="2+1", approved_value=Decimal("1"))
        contract_services.spend_record(contract=due, financial_year=2025, amount=Decimal("999999.00"))
        # 2+1 from 1 Apr 2025: ends 31 Mar 2027, option decision late since 30 Sep 2026.
        late = ContractFactory(start_date=date(2025, 4, 1), term="2+1")
        unknown = ContractFactory(start_date=None, term="", annual_value=None, legislation="pa_2023")
        Contract.objects.filter(pk__in=[due.pk, late.pk, unknown.pk]).update(title=f"{text} title")
        part = ResolutionPartFactory(
            item__meeting=meeting,
            kind="delegate",
            text="Delegated.",
            delegation=DelegationInput(to_whom="Chief Officer", scope="Extend the contract"),
            actions=[ActionInput(text="Report back", owner="Director", due_on=date(2026, 6, 1))],
        )
        Action.objects.filter(resolution_part=part).update(text=f"{text} action", owner=f"{text} owner")
        Delegation.objects.filter(resolution_part=part).update(to_whom=f"{text} officer", scope=f"{text} scope")
        # A key decision taken with no forward plan notice, and a forward plan entry.
        key = ResolutionPartFactory(item__meeting=executive, kind="approve", text="Approved.", is_key_decision=True)
        ResolutionPart.objects.filter(pk=key.pk).update(text=f"{text} key decision")
        entry = committee_services.forward_plan_entry_create(
            council=meeting.committee.council,
            title="Decision",
            decision_maker_officer="Chief Officer",
            expected_on=DAY + timedelta(days=40),
            published_on=DAY,
            contracts=[due],
        )
        ForwardPlanEntry.objects.filter(pk=entry.pk).update(title=f"{text} decision")
        # A decision called in and not yet resolved.
        called = ResolutionPartFactory(item__meeting=executive, kind="approve", text="Approved the award.")
        call_in = committee_services.call_in_request(
            part=called, requested_by="Cllr A", requested_on=date(2026, 3, 9), reasons="Reasons.", today=DAY
        )
        CallIn.objects.filter(pk=call_in.pk).update(requested_by=f"{text} councillors", reasons=f"{text} reasons")
        project = project_services.project_create(
            title="Re-commissioning", service_area=area, required_start_date=DAY + timedelta(days=400)
        )
        CommissioningProject.objects.filter(pk=project.pk).update(title=f"{text} project")
    record = RegisterImport.objects.create(
        uploaded_by=user,
        file_name="register.csv",
        data=b"",
        status=RegisterImport.Status.REFUSED,
        report=[
            {"line": line + 2, "reference": text, "outcome": "rejected", "messages": [f"{text} message"]}
            for line, text in enumerate(texts[copy % len(texts)] for copy in range(copies))
        ],
    )
    return Data(import_record=record, texts=texts)


@pytest.fixture
def signed_in(client, django_user_model):
    user = django_user_model.objects.create_superuser("auditor", "auditor@example.org", "pw")
    client.force_login(user)
    return client, user


def _get(client, case: Case, data: Data):
    response = client.get(case.url(data), {"as_of": DAY.isoformat()})
    assert response.status_code == HTTPStatus.OK, case
    assert response["Content-Disposition"].startswith("attachment;")
    return response


def _csv_cells(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


_RUNS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_formula_like_text_is_neutralised_and_figures_are_typed(signed_in, case):
    client, user = signed_in
    data = _records(user, copies=len(PAYLOADS), texts=list(PAYLOADS.values()))
    response = _get(client, case, data)
    if case.fmt == "csv":
        _check_csv(_csv_cells(response.content), case)
    else:
        _check_xlsx(load_workbook(io.BytesIO(response.content)).active, case)


def _check_csv(rows: list[list[str]], case: Case):
    header, *body = rows
    assert body, case
    cells = [cell for row in body for cell in row]
    for payload in PAYLOADS.values():
        # Each text is there, with an apostrophe first, in one cell or more.
        assert any(cell.startswith(f"'{payload}") for cell in cells), (case, payload)
    ran = [cell for cell in cells if cell.startswith(_RUNS) and not _NUMBER.fullmatch(cell)]
    assert ran == [], case
    if case.columns and case.name != "contracts:contract_export":  # the register CSV keeps its machine names
        assert header == [column.header for column in case.columns]
    for row in body:
        for column, cell in zip(case.columns, row):
            if cell and column.kind is Kind.MONEY:
                assert re.fullmatch(r"-?[0-9]+\.[0-9]{2}", cell), (column.header, cell)
            if cell and column.kind is Kind.DATE:
                date.fromisoformat(cell)


def _check_xlsx(sheet, case: Case):
    header, *body = list(sheet.iter_rows())
    assert [cell.value for cell in header] == [column.header for column in case.columns]
    assert all(cell.font.bold for cell in header) and sheet.freeze_panes == "A2"
    assert body, case
    texts = []
    typed = set()
    for row in body:
        for column, cell in zip(case.columns, row, strict=True):
            assert cell.data_type != "f", (column.header, cell.value)
            if cell.value is None:
                continue
            if isinstance(cell.value, str):
                assert cell.data_type == "s"
                texts.append(cell.value)
                if cell.value.startswith(_RUNS):
                    assert cell.quotePrefix, cell.value
            if column.kind is Kind.MONEY:
                assert isinstance(cell.value, (int, float)) and cell.number_format == "£#,##0.00", column.header
            elif column.kind is Kind.DATE:
                assert isinstance(cell.value, datetime) and cell.number_format == "dd mmm yyyy", column.header
            elif column.kind is Kind.PERCENT:
                assert isinstance(cell.value, (int, float)) and cell.number_format == "0.0%", column.header
            elif column.kind is Kind.NUMBER:
                assert isinstance(cell.value, int), column.header
            typed.add(column.kind)
    for payload in PAYLOADS.values():
        # A worksheet keeps a carriage return as a line break.
        assert any(text.startswith(payload.replace("\r", "\n")) for text in texts), (case, payload)
    declared = {column.kind for column in case.columns} & {Kind.MONEY, Kind.DATE}
    assert declared <= typed, case


def test_the_register_csv_keeps_its_machine_column_names(signed_in):
    client, user = signed_in
    data = _records(user, copies=1, texts=["Plain"])
    header = _csv_cells(_get(client, CASES[0], data).content)[0]
    assert header[:3] == ["reference", "title", "provider"]


def _rows(response, case: Case) -> int:
    if case.fmt == "csv":
        return len(_csv_cells(response.content)) - 1
    return load_workbook(io.BytesIO(response.content)).active.max_row - 1


def test_download_queries_do_not_grow_with_rows(signed_in, django_assert_max_num_queries):
    client, user = signed_in
    data = _records(user, copies=5, texts=["Plain"])
    counted = {}
    for case in CASES:
        with CaptureQueriesContext(connection) as captured:
            _get(client, case, data)
        counted[str(case)] = len(captured)
    data = _records(user, copies=45, texts=["Plain"])  # 50 of each now; the new import report has 45 rows
    for case in CASES:
        with django_assert_max_num_queries(counted[str(case)]):
            response = _get(client, case, data)
        assert _rows(response, case) >= 45, case
