"""Every case a council register brings, from a small hand-written file, imported
both through the pages (upload, preview, confirm) and through the
`import_contracts` command: the preview's verdict on each row, and what the
database holds after."""

import html
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from contracts.models import Contract, Provider, RegisterImport
from contracts.register_file import generated_reference
from contracts.services import figures_of

pytestmark = pytest.mark.django_db

COUNCIL = "London Borough of Bromley"
HEADER = (
    "Contract Reference number / ID,Title of the Agreement,Supplier name,Contract start date,End date,Contract value"
)
# Three years: a whole-contract value of £1,200,000 is £400,000 a year.
TERM = "01/04/2023,31/03/2026"
NEGATIVE = "contract value (3728) is negative: a value must be £0.00 or more"


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> tuple[str, bytes]:
    return "register.csv", "\r\n".join([header, *rows, ""]).encode(encoding)


def xlsx_bytes(header: list[str], *rows: list[Any]) -> tuple[str, bytes]:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return "register.xlsx", out.getvalue()


@dataclass(frozen=True)
class Case:
    file: tuple[str, bytes]
    # Each row's outcome by line, and the messages (reasons or warnings) the report must give it.
    rows: dict[int, tuple[str, tuple[str, ...]]]
    # What the database holds after: contract reference → the fields checked (see `contract_state`).
    contracts: dict[str, dict[str, Any]]
    providers: dict[str, dict[str, Any]] = field(default_factory=dict)
    encoding: str | None = "UTF-8"
    value_basis: str = "whole"
    as_at: date | None = None
    skip_rejected: bool = False
    duplicates: int = 0
    twice: bool = False  # imported a second time: nothing more is created
    # reference → (day, schedule figures on that day)
    figures: dict[str, tuple[date, dict[str, Any]]] = field(default_factory=dict)


def case(name: str, *rows: str, **kwargs) -> Any:
    file = kwargs.pop("file", None) or csv_bytes(*rows, **kwargs.pop("csv", {}))
    return pytest.param(Case(file=file, **kwargs), id=name)


CASES = [
    # --- dates ---
    case(
        "date-dd/mm/yyyy",
        "A-1,Home care,Hestia,01/04/2023,31/03/2026,1200000",
        rows={2: ("accepted", ())},
        contracts={"A-1": {"start_date": date(2023, 4, 1), "end_date": date(2026, 3, 31)}},
    ),
    case(
        "date-dd-mon-yyyy",
        "A-1,Home care,Hestia,01-Apr-2024,15-Aug-2027,1200000",
        rows={2: ("accepted", ())},
        contracts={"A-1": {"start_date": date(2024, 4, 1), "end_date": date(2027, 8, 15)}},
    ),
    case(
        "date-iso",
        "A-1,Home care,Hestia,2024-04-01,2027-03-31,1200000",
        rows={2: ("accepted", ())},
        contracts={"A-1": {"start_date": date(2024, 4, 1), "end_date": date(2027, 3, 31)}},
    ),
    case(
        # The day as written: 23:30 UTC is not moved to the next day, nor 00:00 BST to the day before.
        "date-iso-date-time",
        "A-1,Home care,Hestia,2024-04-01T00:00:00+01:00,2027-03-31T23:30:00Z,1200000",
        rows={2: ("accepted", ())},
        contracts={"A-1": {"start_date": date(2024, 4, 1), "end_date": date(2027, 3, 31)}},
    ),
    case(
        "placeholder-31/12/2050",
        "A-1,Home care,Hestia,01/04/2023,31/12/2050,",
        rows={2: ("incomplete", ("end date 31/12/2050 read as no fixed date",))},
        contracts={"A-1": {"start_date": date(2023, 4, 1), "end_date": None}},
    ),
    case(
        "placeholder-31/12/2099",
        "A-1,Home care,Hestia,01/04/2023,31/12/2099,",
        rows={2: ("incomplete", ("end date 31/12/2099 read as no fixed date",))},
        contracts={"A-1": {"end_date": None, "annual_value": None}},
    ),
    case(
        "placeholder-01-Jan-2000",
        "A-1,Home care,Hestia,01-Jan-2000,31/03/2026,",
        rows={2: ("incomplete", ("start date 01-Jan-2000 read as no fixed date",))},
        contracts={"A-1": {"start_date": None, "end_date": date(2026, 3, 31)}},
    ),
    # --- money ---
    case(
        "money-spaces-and-pound",
        f"A-1,Home care,Hestia,{TERM},£ 1 200 000",
        rows={2: ("accepted", ())},
        contracts={"A-1": {"annual_value": Decimal("400000.00")}},
    ),
    case(
        "money-thousands-separators",
        f'A-1,Home care,Hestia,{TERM},"1,200,000.00"',
        rows={2: ("accepted", ())},
        contracts={"A-1": {"annual_value": Decimal("400000.00")}},
    ),
    case(
        "money-pound-and-separators-windows-1252",
        f'A-1,Home care,Hestia,{TERM},"£1,200,000"',
        csv={"encoding": "cp1252"},
        encoding="Windows-1252",
        rows={2: ("accepted", ())},
        contracts={"A-1": {"annual_value": Decimal("400000.00")}},
    ),
    case(
        "money-in-brackets-is-negative-and-rejected",
        f"A-1,Home care,Hestia,{TERM},(3728)",
        f"A-2,Day care,Hestia,{TERM},3600",
        skip_rejected=True,
        rows={2: ("rejected", (NEGATIVE,)), 3: ("accepted", ())},
        contracts={"A-2": {"annual_value": Decimal("1200.00")}},
    ),
    case(
        "money-blank-is-unknown",
        f"A-1,Home care,Hestia,{TERM},",
        rows={2: ("incomplete", ())},
        contracts={"A-1": {"annual_value": None, "end_date": date(2026, 3, 31), "options": []}},
    ),
    case(
        "value-annual-by-column",
        f"A-1,Home care,Hestia,{TERM},400000",
        csv={"header": HEADER.replace("Contract value", "Annual value")},
        rows={2: ("accepted", ())},
        contracts={"A-1": {"annual_value": Decimal("400000.00")}},
    ),
    case(
        "value-annual-column-wins-over-whole",
        f"A-1,Home care,Hestia,{TERM},1200000,250000",
        csv={"header": HEADER + ",Annual value"},
        rows={2: ("accepted", ())},
        contracts={"A-1": {"annual_value": Decimal("250000.00")}},
    ),
    case(
        "value-whole-by-officers-choice",
        f"A-1,Home care,Hestia,{TERM},1200000",
        csv={"header": HEADER.replace("Contract value", "Value")},
        value_basis="whole",
        rows={2: ("accepted", ())},
        contracts={"A-1": {"annual_value": Decimal("400000.00")}},
    ),
    case(
        "value-annual-by-officers-choice",
        f"A-1,Home care,Hestia,{TERM},1200000",
        csv={"header": HEADER.replace("Contract value", "Value")},
        value_basis="annual",
        rows={2: ("accepted", ())},
        contracts={"A-1": {"annual_value": Decimal("1200000.00")}},
    ),
    # --- term ---
    case(
        "term-by-dates-end-kept-exactly",
        "A-1,Home care,Hestia,01/04/2023,17/09/2026,",
        rows={2: ("incomplete", ())},
        contracts={"A-1": {"start_date": date(2023, 4, 1), "end_date": date(2026, 9, 17), "term": ""}},
        figures={"A-1": (date(2025, 1, 1), {"initial_end": date(2026, 9, 17), "final_end": date(2026, 9, 17)})},
    ),
    case(
        "last-extension-date-is-an-option-to-that-day",
        "A-1,Home care,Hestia,01/04/2023,31/03/2026,31/03/2028,",
        csv={"header": HEADER.replace("End date", "End date,Last extension date")},
        rows={2: ("incomplete", ())},
        contracts={"A-1": {"end_date": date(2026, 3, 31), "options": [(1, None, date(2028, 3, 31), "available")]}},
    ),
    case(
        "review-date-stored",
        f"A-1,Home care,Hestia,{TERM},01/10/2025,1200000",
        csv={"header": HEADER.replace("End date", "End date,Review date")},
        rows={2: ("accepted", ())},
        contracts={"A-1": {"review_date": date(2025, 10, 1)}},
    ),
    case(
        # Judged on the register's day, 30 Sep 2024, the option is open: on the
        # import day (22 Nov 2026) it would long have lapsed.
        "lapsing-judged-on-the-registers-as-at-date",
        "A-1,Home care,Hestia,01/04/2022,31/03/2025,31/03/2027,500000,30/09/2024",
        csv={"header": HEADER.replace("End date", "End date,Last extension date") + ",Effective Date"},
        rows={2: ("accepted", ())},
        contracts={"A-1": {"options": [(1, None, date(2027, 3, 31), "available")]}},
        figures={"A-1": (date(2024, 9, 30), {"current_end": date(2025, 3, 31), "final_end": date(2027, 3, 31)})},
    ),
    case(
        "lapsing-judged-on-the-as-at-the-officer-gives",
        "A-1,Home care,Hestia,01/04/2022,31/03/2025,31/03/2027,500000",
        csv={"header": HEADER.replace("End date", "End date,Last extension date")},
        as_at=date(2024, 9, 30),
        rows={2: ("accepted", ())},
        contracts={"A-1": {"options": [(1, None, date(2027, 3, 31), "available")]}},
        figures={"A-1": (date(2024, 9, 30), {"final_end": date(2027, 3, 31)})},
    ),
    case(
        # Still listed on its register's day, after its end date: it ran on into its option.
        "listed-after-its-end-date-as-at-the-register-the-option-was-taken",
        "A-1,Home care,Hestia,01/04/2022,31/03/2025,31/03/2027,500000,31/12/2025",
        csv={"header": HEADER.replace("End date", "End date,Last extension date") + ",Effective Date"},
        rows={
            2: (
                "warnings",
                (
                    "the register as at 31 Dec 2025 lists it after its end date, 31 Mar 2025: "
                    "the option to 31 Mar 2027 is recorded as exercised",
                ),
            )
        },
        contracts={"A-1": {"options": [(1, None, date(2027, 3, 31), "exercised")]}},
        figures={"A-1": (date(2025, 12, 31), {"current_end": date(2027, 3, 31), "final_end": date(2027, 3, 31)})},
    ),
    # --- references and rows ---
    case(
        "blank-reference-gets-a-stable-key",
        f",Day opportunities,Hestia,{TERM},1200000",
        twice=True,
        rows={2: ("accepted", ())},
        contracts={
            generated_reference("Day opportunities", "Hestia", date(2023, 4, 1)): {"title": "Day opportunities"}
        },
    ),
    case(
        "reference-repeated-for-different-contracts",
        f"A-1,Home care,Hestia,{TERM},1200000",
        f"A-1,Carers' support,Hestia,{TERM},360000",
        rows={
            2: ("warnings", ("reference A-1 is on lines 2, 3 for different contracts",)),
            3: ("warnings", ("reference A-1 is on lines 2, 3 for different contracts",)),
        },
        contracts={"A-1": {"title": "Home care"}, "A-1 (2)": {"title": "Carers' support"}},
    ),
    case(
        "exact-duplicate-rows-dropped-and-counted",
        f"A-1,Home care,Hestia,{TERM},1200000",
        f"A-1,Home care,Hestia,{TERM},1200000",
        duplicates=1,
        rows={2: ("accepted", ())},
        contracts={"A-1": {"title": "Home care"}},
    ),
    case(
        "html-entities-decoded",
        f"A-1,Home care &amp; reablement,Care &amp; Repair Ltd,{TERM},1200000",
        rows={2: ("accepted", ())},
        contracts={"A-1": {"title": "Home care & reablement", "providers": ["Care & Repair Ltd"]}},
    ),
    # --- suppliers ---
    case(
        "supplier-never-split-inside-a-name",
        f'A-1,Home care,"Smith, Jones and Partners LLP",{TERM},1200000',
        rows={2: ("accepted", ())},
        contracts={"A-1": {"providers": ["Smith, Jones and Partners LLP"]}},
    ),
    case(
        "several-suppliers-separated-by-semicolons",
        f"A-1,Advocacy,Certitude; Mencap,{TERM},1200000,Yes",
        csv={"header": HEADER + ",VCSE supplier"},
        rows={2: ("accepted", ())},
        contracts={"A-1": {"providers": ["Certitude", "Mencap"]}},
        providers={"Certitude": {"is_vcse": True}, "Mencap": {"is_vcse": True}},
    ),
    case(
        "companies-house-numbers-normalised",
        f"A-1,Home care,Hestia,{TERM},1200000,gb/1234567",
        f"A-2,Day care,Look Ahead,{TERM},1200000,SC 123456",
        f"A-3,Advocacy,Mutual Care Society,{TERM},1200000,IP12345R",
        csv={"header": HEADER + ",Supplier registered company number"},
        rows={
            2: ("accepted", ()),
            3: ("accepted", ()),
            4: ("warnings", ("company number IP12345R is a mutual society's number, not Companies House's: not kept",)),
        },
        contracts={"A-1": {}, "A-2": {}, "A-3": {}},
        providers={
            "Hestia": {"companies_house_number": "01234567"},
            "Look Ahead": {"companies_house_number": "SC123456"},
            "Mutual Care Society": {"companies_house_number": ""},
        },
    ),
    case(
        "charity-numbers",
        f"A-1,Day care,Age UK Example,{TERM},1200000,1064342-1",
        f"A-2,Advocacy,Mind,{TERM},1200000,1064342",
        csv={"header": HEADER + ",Supplier registered charity number"},
        rows={2: ("accepted", ()), 3: ("accepted", ())},
        contracts={"A-1": {}, "A-2": {}},
        providers={"Age UK Example": {"charity_number": "1064342-1"}, "Mind": {"charity_number": "1064342"}},
    ),
    case(
        "sme-and-vcse-flags",
        f"A-1,Home care,Hestia,{TERM},1200000,Yes,No",
        f"A-2,Advocacy,Mind,{TERM},1200000,no,yes",
        csv={"header": HEADER + ",SME supplier,VCSE supplier"},
        rows={2: ("accepted", ()), 3: ("accepted", ())},
        contracts={"A-1": {}, "A-2": {}},
        providers={"Hestia": {"is_sme": True, "is_vcse": False}, "Mind": {"is_sme": False, "is_vcse": True}},
    ),
    case(
        "description-directorate-and-route-kept",
        f"A-1,Home care,Hestia,{TERM},1200000,Home care in the north,Adult Social Care,Invitation to quote",
        csv={
            "header": HEADER
            + ",Description of goods and services,Directorate / service responsible,Tender process type"
        },
        rows={2: ("accepted", ())},
        contracts={
            "A-1": {
                "description": "Home care in the north",
                "directorate": "Adult Social Care",
                "route": "below_threshold",
            }
        },
    ),
    # --- encodings and spreadsheets ---
    case(
        "encoding-windows-1252",
        f"A-1,Café service,Hestia,{TERM},1200000",
        csv={"encoding": "cp1252"},
        encoding="Windows-1252",
        rows={2: ("accepted", ())},
        contracts={"A-1": {"title": "Café service"}},
    ),
    case(
        "encoding-utf-8",
        f"A-1,Café service – Lot 2,Hestia,{TERM},1200000",
        encoding="UTF-8",
        rows={2: ("accepted", ())},
        contracts={"A-1": {"title": "Café service – Lot 2"}},
    ),
    case(
        "encoding-utf-8-with-bom",
        f"A-1,Café service,Hestia,{TERM},1200000",
        csv={"encoding": "utf-8-sig"},
        encoding="UTF-8 with BOM",
        rows={2: ("accepted", ())},
        contracts={"A-1": {"title": "Café service"}},
    ),
    case(
        "xlsx-with-real-dates-and-numbers",
        file=xlsx_bytes(
            HEADER.split(",") + ["Review date"],
            ["A-1", "Home care", "Hestia", date(2023, 4, 1), datetime(2026, 3, 31, 0, 0), 1200000, date(2025, 10, 1)],
            ["A-2", "Day care", "Mind", "01/04/2023", "31/03/2026", 1200000.75, None],
        ),
        encoding=None,
        rows={2: ("accepted", ()), 3: ("accepted", ())},
        contracts={
            "A-1": {
                "start_date": date(2023, 4, 1),
                "end_date": date(2026, 3, 31),
                "review_date": date(2025, 10, 1),
                "annual_value": Decimal("400000.00"),
            },
            "A-2": {"end_date": date(2026, 3, 31), "review_date": None, "annual_value": Decimal("400000.25")},
        },
    ),
]


# --- the two ways in ------------------------------------------------------------------------------


@dataclass
class Imported:
    outcomes: dict[int, tuple[str, list[str]]]  # line → (outcome, messages), as the preview gave them
    created: int


def by_page(client, spec: Case, capture) -> Imported:
    name, data = spec.file
    client.post(
        reverse("contracts:import_list"),
        {
            "file": SimpleUploadedFile(name, data),
            "value_basis": spec.value_basis,
            "lead_commissioner": COUNCIL,
            "as_at": spec.as_at.isoformat() if spec.as_at else "",
        },
    )
    record = RegisterImport.objects.latest("pk")
    assert record.encoding == (spec.encoding or "")
    if spec.skip_rejected:
        data = {
            "version": record.version,
            "value_basis": spec.value_basis,
            "lead_commissioner": COUNCIL,
            "as_at": spec.as_at.isoformat() if spec.as_at else "",
            "skip_rejected": "on",
        }
        for index, column in enumerate(record.mapping):
            data[f"column_{index}"] = record.mapping[column]
        client.post(reverse("contracts:import_remap", args=[record.pk]), data)
        record.refresh_from_db()
    page = client.get(record.get_absolute_url()).content.decode()
    assert (f"read as {spec.encoding}" if spec.encoding else "an Excel spreadsheet") in page
    if spec.duplicates:
        assert f"{spec.duplicates} exact duplicate row{'s' if spec.duplicates > 1 else ''} dropped" in page
    for row in record.report:
        for message in row["messages"]:
            assert html.escape(message) in page
    outcomes = {row["line"]: (row["outcome"], row["messages"]) for row in record.report}
    # Each row's outcome as the page shows it.
    shown = re.findall(r'<tr class="outcome-(\w+)">\s*<td class="num">(\d+)</td>', page)
    assert {int(line): outcome for outcome, line in shown} == {line: outcome for line, (outcome, _) in outcomes.items()}
    with capture(execute=True):
        client.post(reverse("contracts:import_confirm", args=[record.pk]), {"version": record.version})
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.DONE, record.error
    assert record.counts["duplicates"] == spec.duplicates
    return Imported(outcomes=outcomes, created=record.counts["created"])


def by_command(tmp_path, spec: Case) -> Imported:
    name, data = spec.file
    path = tmp_path / name
    path.write_bytes(data)
    arguments = ["--lead-commissioner", COUNCIL, "--value-basis", spec.value_basis, "--verbosity", "2"]
    if spec.as_at:
        arguments += ["--as-at", spec.as_at.isoformat()]
    if spec.skip_rejected:
        arguments.append("--skip-rejected")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_contracts", str(path), *arguments, stdout=out, stderr=err)
    lines = out.getvalue().splitlines() + err.getvalue().splitlines()
    summary = lines[len(out.getvalue().splitlines()) - 1]
    assert (f"(read as {spec.encoding})" if spec.encoding else "(read from the spreadsheet)") in summary
    counted = {outcome: 0 for outcome in ("accepted", "warnings", "incomplete", "rejected")}
    for outcome, _ in spec.rows.values():
        counted[outcome] += 1
    duplicates = f"{spec.duplicates} duplicate row{'' if spec.duplicates == 1 else 's'} dropped"
    assert summary.endswith(
        f"{counted['accepted']} accepted, {counted['warnings']} with warnings, {counted['incomplete']} incomplete, "
        f"{counted['rejected']} rejected, {duplicates}."
    ), summary
    # The command gives each row's messages as "Line N (ref R): ..." (warnings with --verbosity 2).
    outcomes = {
        line: (outcome, [text for text in lines if text.startswith(f"Line {line} ")])
        for line, (outcome, _) in spec.rows.items()
    }
    created = int(summary.split(": ", 1)[1].split(" created")[0])
    return Imported(outcomes=outcomes, created=created)


def contract_state(contract: Contract) -> dict[str, Any]:
    return {
        "title": contract.title,
        "description": contract.description,
        "directorate": contract.directorate,
        "route": contract.route,
        "start_date": contract.start_date,
        "end_date": contract.end_date,
        "term": contract.term,
        "review_date": contract.review_date,
        "annual_value": contract.annual_value,
        "lead_commissioner": contract.lead_commissioner.name,
        "providers": sorted(contract.providers.values_list("name", flat=True)),
        "options": list(contract.options.order_by("order").values_list("order", "months", "end_date", "status")),
    }


def provider_state(provider: Provider) -> dict[str, Any]:
    return {
        "companies_house_number": provider.companies_house_number,
        "charity_number": provider.charity_number,
        "is_sme": provider.is_sme,
        "is_vcse": provider.is_vcse,
    }


@pytest.mark.parametrize("way", ["page", "command"])
@pytest.mark.parametrize("spec", CASES)
def test_each_case(spec: Case, way, client_for, officer, tmp_path, django_capture_on_commit_callbacks):
    def run() -> Imported:
        if way == "page":
            return by_page(client_for(officer), spec, django_capture_on_commit_callbacks)
        return by_command(tmp_path, spec)

    imported = run()

    # The preview's verdict on each row, and the messages that explain it.
    assert {line: outcome for line, (outcome, _) in imported.outcomes.items()} == {
        line: outcome for line, (outcome, _) in spec.rows.items()
    }
    for line, (_, messages) in spec.rows.items():
        given = imported.outcomes[line][1]
        for message in messages:
            assert any(message in text for text in given), (message, given)
        # No row is said to have lapsed or be otherwise wrong unless the case says so.
        assert len(given) >= len(messages)
        if not messages and imported.outcomes[line][0] == "accepted":
            assert given == []
    # What the database holds.
    assert sorted(Contract.objects.values_list("reference", flat=True)) == sorted(spec.contracts)
    assert imported.created == len(spec.contracts)
    for reference, expected in spec.contracts.items():
        contract = Contract.objects.get(reference=reference)
        held = contract_state(contract)
        assert {key: held[key] for key in expected} == expected
        assert held["lead_commissioner"] == COUNCIL
    for name, expected in spec.providers.items():
        held = provider_state(Provider.objects.get(name=name))
        assert {key: held[key] for key in expected} == expected
    for reference, (day, expected) in spec.figures.items():
        contract = Contract.objects.get(reference=reference)
        schedule = figures_of(contract, list(contract.options.order_by("order")), today=day).schedule
        assert {key: getattr(schedule, key) for key in expected} == expected
    if spec.twice:
        before = list(Contract.objects.values_list("pk", "reference", "version"))
        again = run()
        assert again.created == 0
        assert list(Contract.objects.values_list("pk", "reference", "version")) == before
