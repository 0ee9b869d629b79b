"""Importing a real council register through the command: what the database holds afterwards."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from commissioning.benchmark.register_import import transparency_code_csv
from contracts.importing import contracts_import, import_preview
from contracts.models import Contract, ContractFigures, ContractOption, FundingShare, Provider
from contracts.register_file import generated_reference, match_headers, read_table
from contracts.services import figures_are_current, figures_of, option_exercise
from tests.conftest import TODAY, ContractFactory, ProviderFactory

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "transparency_code_register.csv"
COUNCIL = "Example Borough Council"
IMPORTED = (
    "Imported 6 contracts (read as Windows-1252): 6 created, 0 updated; "
    "1 accepted, 3 with warnings, 2 incomplete, 1 rejected, 1 duplicate row dropped."
)
BLANK_REFERENCE = generated_reference("Day opportunities", "Smith, Jones and Partners LLP", date(2021, 4, 1))


def run(path, *args) -> tuple[list[str], list[str]]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_contracts", str(path), *args, stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue().splitlines()


def refused(path, *args) -> tuple[CommandError, list[str]]:
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_contracts", str(path), *args, stdout=io.StringIO(), stderr=err)
    return raised.value, err.getvalue().splitlines()


def write(tmp_path, text: str, *, encoding="utf-8", name="register.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- the Transparency Code fixture ------------------------------------------------------------


def test_a_rejected_row_saves_nothing_and_is_listed_with_its_line():
    error, reported = refused(FIXTURE)

    assert error.returncode == 1
    assert str(error) == (
        "Nothing was imported (read as Windows-1252): 1 row is rejected; 1 accepted, 3 with warnings, "
        "2 incomplete, 1 rejected, 1 duplicate row dropped."
    )
    assert reported == ["Line 9 (ref ASC-008): contract value (3728) is negative: a value must be £0.00 or more"]
    assert not Contract.objects.exists()
    assert not Provider.objects.exists()


def test_skip_rejected_saves_the_rest_and_ends_with_one_summary_line():
    out, reported = run(FIXTURE, "--skip-rejected")

    assert out == ["Columns ignored: Irrecoverable VAT, Notes.", IMPORTED]
    assert reported == ["Line 9 (ref ASC-008): contract value (3728) is negative: a value must be £0.00 or more"]
    assert sorted(Contract.objects.values_list("reference", flat=True)) == sorted(
        ["ASC-001", "ASC-001 (2)", "ASC-002", "ASC-003", "ASC-007", BLANK_REFERENCE]
    )


def test_a_whole_contract_value_is_stored_as_the_annual_value_with_the_registers_dates():
    run(FIXTURE, "--skip-rejected")

    home = Contract.objects.get(reference="ASC-001")
    assert home.title == "Home Support & Reablement"
    assert home.description == "Home support for adults"
    assert (home.start_date, home.end_date, home.review_date) == (
        date(2019, 4, 1),
        date(2022, 3, 31),
        date(2021, 10, 1),
    )
    assert home.term == ""
    # £300,000 over the whole life: three years and the option to 31 Mar 2024, five in all.
    assert home.annual_value == Decimal("60000.00")
    assert (home.directorate, home.procurement_classification) == ("Adult Social Care", "Social care")
    assert home.service_area.name == "Adult Social Care"
    assert home.lead_commissioner.name == COUNCIL
    assert (home.legislation, home.route) == ("pcr_2015", "open_tender")
    assert list(FundingShare.objects.filter(contract=home).values_list("organisation__name", "percent")) == [
        (COUNCIL, Decimal("100.00"))
    ]
    # The last extension date, after the end: an option to that day. The register,
    # as at 31 Mar 2023, lists the contract a year after its end: the option was taken.
    assert list(home.options.values_list("order", "months", "end_date", "status", "decided_on")) == [
        (1, None, date(2024, 3, 31), "exercised", None)
    ]


def test_suppliers_and_their_numbers_and_flags():
    run(FIXTURE, "--skip-rejected")

    repair = Provider.objects.get(name="Care & Repair Ltd")
    assert (repair.companies_house_number, repair.is_sme, repair.is_vcse) == ("01234567", True, False)
    look_ahead = Provider.objects.get(name="Look Ahead Care & Support")
    assert (look_ahead.companies_house_number, look_ahead.charity_number, look_ahead.is_vcse) == (
        "SC123456",
        "1064342",
        True,
    )
    # A comma inside a name never splits it; a mutual society's number is not kept.
    smith = Provider.objects.get(name="Smith, Jones and Partners LLP")
    assert (smith.companies_house_number, smith.is_sme) == ("", True)
    assert Provider.objects.get(name="Age UK Example").charity_number == "1064342-1"
    # Two suppliers in one cell: both linked; a single yes or no is both suppliers'.
    advocacy = Contract.objects.get(reference="ASC-002")
    assert sorted(advocacy.providers.values_list("name", flat=True)) == ["Certitude", "Mencap"]
    assert list(
        Provider.objects.filter(name__in=["Certitude", "Mencap"]).values_list("is_sme", "is_vcse").order_by("name")
    ) == [(False, True), (False, True)]
    assert advocacy.route == "below_threshold"
    assert advocacy.annual_value == Decimal("50000.00")


def test_placeholder_dates_and_blank_facts_are_kept_unknown():
    run(FIXTURE, "--skip-rejected")

    living = Contract.objects.get(reference="ASC-003")
    assert living.title == "Supported living – Lot 2"
    assert (living.start_date, living.end_date, living.annual_value) == (date(2020, 10, 1), None, None)
    assert living.route == "direct_award"
    nursing = Contract.objects.get(reference="ASC-007")
    assert (nursing.start_date, nursing.end_date, nursing.annual_value) == (None, None, None)
    assert not nursing.options.exists()
    # No figures can be computed without the dates and the value.
    assert not ContractFigures.objects.filter(contract__in=[living, nursing]).exists()


def test_a_blank_reference_and_a_repeated_one():
    run(FIXTURE, "--skip-rejected")

    day = Contract.objects.get(reference=BLANK_REFERENCE)
    assert day.title == "Day opportunities"
    assert day.annual_value == Decimal("30000.00")
    carers = Contract.objects.get(reference="ASC-001 (2)")
    assert carers.title == "Carers' support"
    assert (carers.legislation, carers.route) == ("none", "waiver")
    assert carers.annual_value == Decimal("12000.00")


def test_importing_the_same_register_again_updates_and_creates_nothing():
    run(FIXTURE, "--skip-rejected")
    before = list(Contract.objects.order_by("reference").values("reference", "version", "annual_value", "end_date"))

    out, _ = run(FIXTURE, "--skip-rejected")

    assert out[-1].startswith("Imported 6 contracts (read as Windows-1252): 0 created, 6 updated;")
    # Nothing changed, so nothing was saved: versions are as they were.
    assert list(Contract.objects.order_by("reference").values("reference", "version", "annual_value", "end_date")) == (
        before
    )
    assert ContractOption.objects.count() == 1
    assert Provider.objects.count() == 7


def test_a_changed_register_updates_what_changed(tmp_path):
    run(FIXTURE, "--skip-rejected")
    changed = FIXTURE.read_bytes().replace(b"31/03/2024", b"30/09/2024").replace(b"\xa3300,000", b"\xa3360,000")
    path = tmp_path / "changed.csv"
    path.write_bytes(changed)

    run(path, "--skip-rejected")

    home = Contract.objects.get(reference="ASC-001")
    # £360,000 over 66 months, to the new last extension date.
    assert home.annual_value == Decimal("65454.55")
    assert home.version == 2
    assert list(home.options.values_list("order", "end_date")) == [(1, date(2024, 9, 30))]
    assert home.history.count() == 2


def test_a_dry_run_says_what_would_happen_and_saves_nothing():
    ContractFactory(reference="ASC-002")

    out, _ = run(FIXTURE, "--dry-run", "--skip-rejected")

    assert out[-1] == (
        "Dry run (read as Windows-1252): 5 contracts would be created and 1 updated; 1 accepted, "
        "3 with warnings, 2 incomplete, 1 rejected, 1 duplicate row dropped; nothing was saved."
    )
    assert Contract.objects.count() == 1


def test_a_spreadsheet_imports_as_the_csv_does(tmp_path):
    text = FIXTURE.read_bytes().decode("cp1252")
    table = read_table(FIXTURE.read_bytes(), filename="register.csv")
    book = Workbook()
    sheet = book.active
    sheet.append(list(table.headers))
    for _, cells in table.rows:
        # Dates as the spreadsheet's own dates, where the CSV writes them DD/MM/YYYY.
        sheet.append([_spreadsheet_cell(cell) for cell in cells])
    path = tmp_path / "register.xlsx"
    book.save(path)
    assert "01/04/2019" in text

    out, _ = run(path, "--skip-rejected")

    assert out[-1] == IMPORTED.replace("read as Windows-1252", "read from the spreadsheet")
    home = Contract.objects.get(reference="ASC-001")
    assert (home.start_date, home.end_date, home.annual_value) == (date(2019, 4, 1), date(2022, 3, 31), 60000)
    assert Contract.objects.filter(reference=BLANK_REFERENCE).exists()


def _spreadsheet_cell(text: str):
    if len(text) == 10 and text[2] == "/" and text[5] == "/":
        return date(int(text[6:]), int(text[3:5]), int(text[:2]))
    return text or None


# ASC-001 runs five years to its last extension date: £300,000 is £60,000 a year of it.
@pytest.mark.parametrize(("basis", "annual"), [("whole", Decimal("60000.00")), ("annual", Decimal("300000.00"))])
def test_the_value_basis_decides_what_one_value_column_means(basis, annual):
    run(FIXTURE, "--skip-rejected", "--value-basis", basis)

    assert Contract.objects.get(reference="ASC-001").annual_value == annual


def test_as_at_is_checked():
    error, _ = refused(FIXTURE, "--as-at", "31/03/2023")

    assert str(error) == "--as-at 31/03/2023 is not a date: write it as YYYY-MM-DD."


# --- smaller files ----------------------------------------------------------------------------


def test_a_register_without_an_organisation_needs_the_lead_commissioner(tmp_path):
    path = write(tmp_path, "Title,Supplier name,Start date\r\nHome care,Hestia,01/04/2024\r\n")

    _, reported = refused(path)
    out, _ = run(path, "--lead-commissioner", "London Borough of Bromley")

    assert reported == ["Line 2: the lead commissioner (organisation) is empty"]
    contract = Contract.objects.get()
    assert contract.lead_commissioner.name == "London Borough of Bromley"
    assert contract.service_area.name == "Not recorded"
    assert out[-1].endswith("0 accepted, 0 with warnings, 1 incomplete, 0 rejected, 0 duplicate rows dropped.")


@pytest.mark.parametrize(
    ("encoding", "name"), [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("cp1252", "Windows-1252")]
)
def test_the_summary_says_which_encoding_was_used(tmp_path, encoding, name):
    path = write(tmp_path, "Title;Supplier name;Organisation\r\nCafé service;Hestia;LBB\r\n", encoding=encoding)

    out, _ = run(path)

    assert out[-1].startswith(f"Imported 1 contract (read as {name}): 1 created")
    assert Contract.objects.get().title == "Café service"


def test_a_file_that_is_not_a_register_is_refused_with_a_message(tmp_path):
    path = write(tmp_path, "", name="empty.csv")

    error, _ = refused(path)

    assert str(error) == f"{path}: The file is empty."


def test_an_existing_providers_numbers_are_filled_in(tmp_path):
    provider = ProviderFactory(name="Hestia Housing and Support")
    path = write(
        tmp_path,
        "Title,Supplier name,Organisation,Supplier registered company number,SME supplier\r\n"
        "Home care,HESTIA housing and support,LBB,1234567,yes\r\n",
    )

    run(path)

    provider.refresh_from_db()
    assert (provider.companies_house_number, provider.is_sme) == ("01234567", True)
    assert provider.history.count() == 2


def test_our_own_columns_with_a_term_still_get_their_figures(tmp_path):
    path = write(
        tmp_path,
        "reference,title,provider,service_area,lead_commissioner,start_date,term,annual_value\r\n"
        "LBB-1,Home care,Hestia,Home support,LBB,2024-10-01,3+2,100000\r\n",
    )

    run(path)

    contract = Contract.objects.get()
    assert figures_are_current(contract, list(contract.options.order_by("order")))
    assert contract.initial_end_date == date(2027, 9, 30)
    assert list(contract.options.values_list("months", "end_date")) == [(24, None)]
    assert contract.figures.filter(valid_from__lte=TODAY, valid_to__gte=TODAY).get().final_end_date == date(2029, 9, 30)


def test_a_row_that_would_undo_a_dated_decision_is_rejected(tmp_path):
    contract = ContractFactory(reference="LBB-1", start_date=date(2019, 7, 1), term="3+2+2")
    option_exercise(
        option=contract.options.get(order=1), decided_by="Chief Officer", decided_on=date(2022, 5, 3), today=TODAY
    )
    path = write(tmp_path, "reference,title,provider,lead_commissioner,term\r\nLBB-1,X,Hestia,LBB,3\r\n")

    _, reported = refused(path)

    assert reported == [
        "Line 2 (ref LBB-1): the term 3 would remove option 1, exercised; change a decision on the contract's page"
    ]
    assert contract.options.count() == 2


# --- fast: queries per batch, progress ----------------------------------------------------------


def _import(data: bytes, **arguments):
    table = read_table(data, filename="register.csv")
    return contracts_import(
        table=table, mapping=match_headers(table.headers).mapping, as_at=None, value_basis="whole", **arguments
    )


def test_the_queries_do_not_grow_with_the_rows():
    captured = []
    for rows in (45, 450):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                result = _import(transparency_code_csv(rows), skip_rejected=True)
            transaction.set_rollback(True)
        assert result.saved
        captured.append([query["sql"] for query in queries.captured_queries])
    small, large = captured

    # Ten times the rows, the same reads and updates; SQLite splits a long INSERT by its
    # limit on parameters, so only the inserts may be more.
    def reads_and_updates(statements):
        return [sql.split(" WHERE ")[0] for sql in statements if not sql.startswith("INSERT")]

    assert len(reads_and_updates(large)) == len(reads_and_updates(small))
    assert len(large) <= 80, len(large)


def test_the_preview_reads_in_a_bounded_number_of_queries(django_assert_max_num_queries):
    _import(transparency_code_csv(300), skip_rejected=True)
    table = read_table(transparency_code_csv(300), filename="register.csv")

    # The contracts of the file, with their options and their changes: one query each.
    with django_assert_max_num_queries(4):
        preview = import_preview(
            table=table, mapping=match_headers(table.headers).mapping, as_at=None, value_basis="whole"
        )

    assert len(preview.updates) == len(preview.rows) > 250
    assert Contract.objects.count() == len(preview.rows)


def test_progress_is_reported_per_batch():
    calls = []

    result = _import(
        transparency_code_csv(1100), skip_rejected=True, progress=lambda done, total: calls.append((done, total))
    )

    total = result.imported
    assert calls == [(500, total), (1000, total), (total, total)]
    assert Contract.objects.count() == total


def test_a_term_whose_options_reach_the_last_extension_date_keeps_them_and_takes_the_first(tmp_path):
    contract = ContractFactory(reference="LBB-1", start_date=date(2021, 4, 1), term="3+1+1", annual_value=None)
    path = write(
        tmp_path,
        "Contract Reference number / ID,Title of the Agreement,Supplier name,Contract start date,End date,"
        "Last extension date,Effective Date\r\n"
        f"LBB-1,{contract.title},Hestia,01/04/2021,31/03/2024,31/03/2026,31/12/2024\r\n",
    )

    out, _ = run(path, "--lead-commissioner", COUNCIL, "-v", "2")

    contract.refresh_from_db()
    # Listed after its end date as at 31 Dec 2024: it ran on into its first option, the second still open.
    assert "the option to 31 Mar 2026 is recorded as exercised" in out[0]
    assert (contract.term, contract.end_date) == ("3+1+1", None)
    assert list(contract.options.values_list("order", "months", "end_date", "status")) == [
        (1, 12, None, "exercised"),
        (2, 12, None, "available"),
    ]
    schedule = figures_of(contract, list(contract.options.order_by("order")), today=date(2024, 12, 31)).schedule
    assert (schedule.current_end, schedule.final_end) == (date(2025, 3, 31), date(2026, 3, 31))
