import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from contracts.csv_format import EXPORT_COLUMNS, IMPORT_COLUMNS
from contracts.models import Contract, Organisation, Provider, ServiceArea
from contracts.querysets import with_figures
from contracts.register_file import read_money
from contracts.services import figures_of
from tests.conftest import TODAY, ContractFactory, OrganisationFactory, ProviderFactory, on

pytestmark = pytest.mark.django_db

HEADER = ",".join(IMPORT_COLUMNS)
SUPPORT_AT_HOME = (
    "SAH-2024,support@home,Care Co Ltd,Home support,block,pcr_2015,light_touch,London Borough of Bromley,"
    '"London Borough of Bromley:50; South East London ICB:50",2024-10-01,5+2+2,,"£2,660,000",23400000'
)
NOTTINGHAM_ILSS = (
    "NCC-ILSS,Independent Living Support Services,Framework Provider A; Framework Provider B,"
    "Mental health,framework,pcr_2015,open_tender,Nottingham City Council,,2019-07-01,3+2+2,2,855439,5988073"
)
MHFSS = (
    "LBB-MHFSS,Mental Health Flexible Support Service,Hestia Housing and Support,Mental health,"
    "block,pcr_2015,light_touch,London Borough of Bromley,,01/10/2019,3+2,1,319000,"
)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    # The import computes stored dates (and lapses) for the real today.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def csv_file(tmp_path):
    def write(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> str:
        path = tmp_path / "register.csv"
        path.write_text("\n".join([header, *lines]) + "\n", encoding=encoding)
        return str(path)

    return write


def run_import(path: str, *args: str) -> str:
    out = io.StringIO()
    call_command("import_contracts", path, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def failed_import(path: str, *args: str) -> tuple[str, list[str]]:
    """The CommandError's message and the lines reported before it."""
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_contracts", path, *args, stdout=io.StringIO(), stderr=err)
    return str(raised.value), err.getvalue().strip().splitlines()


def run_export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_contracts", *args, stdout=out)
    return out.getvalue()


def exported(as_of: str) -> dict[str, dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(run_export("--as-of", as_of))))
    return {row["reference"]: row for row in rows}


def import_seeds(csv_file) -> str:
    return run_import(csv_file(SUPPORT_AT_HOME, NOTTINGHAM_ILSS, MHFSS))


def test_it_imports_the_seed_cases(csv_file):
    assert import_seeds(csv_file) == (
        "Imported 3 contracts (read as UTF-8): 3 created, 0 updated; "
        "3 accepted, 0 with warnings, 0 incomplete, 0 rejected, 0 duplicate rows dropped."
    )

    support = Contract.objects.get(reference="SAH-2024")
    assert support.title == "support@home"
    assert support.start_date == date(2024, 10, 1)
    assert support.term == "5+2+2"
    assert support.annual_value == Decimal("2660000.00")
    assert support.approved_value == Decimal("23400000.00")
    assert support.lead_commissioner.name == "London Borough of Bromley"
    assert support.service_area.name == "Home support"
    assert (support.contract_type, support.legislation, support.route) == ("block", "pcr_2015", "light_touch")
    assert [p.name for p in support.providers.all()] == ["Care Co Ltd"]
    assert list(support.funding_shares.values_list("organisation__name", "percent")) == [
        ("London Borough of Bromley", Decimal("50.00")),
        ("South East London ICB", Decimal("50.00")),
    ]
    assert (on(support).final_end_date, on(support).whole_life_value) == (date(2033, 9, 30), Decimal("23940000.00"))
    assert list(support.options.values_list("status", flat=True)) == ["available", "available"]

    nottingham = Contract.objects.get(reference="NCC-ILSS")
    assert sorted(p.name for p in nottingham.providers.all()) == ["Framework Provider A", "Framework Provider B"]
    assert nottingham.contract_type == "framework"
    assert list(nottingham.options.values_list("status", flat=True)) == ["exercised", "exercised"]
    # Exercised in the register with no decision date: they count on every day.
    assert list(nottingham.options.values_list("decided_on", flat=True)) == [None, None]
    assert on(nottingham).committed_value == Decimal("5988073.00")
    assert on(nottingham, date(2019, 7, 1)).committed_value == Decimal("5988073.00")
    # No funding column: the lead commissioner pays it all.
    assert list(nottingham.funding_shares.values_list("organisation__name", "percent")) == [
        ("Nottingham City Council", Decimal("100.00"))
    ]

    mhfss = Contract.objects.get(reference="LBB-MHFSS")
    assert mhfss.start_date == date(2019, 10, 1)
    assert on(mhfss).current_end_date == date(2024, 9, 30)
    assert mhfss.approved_value is None
    # "London Borough of Bromley" was matched, not made twice.
    assert Organisation.objects.filter(name__iexact="London Borough of Bromley").count() == 1


def test_it_exports_the_seed_figures(csv_file):
    import_seeds(csv_file)

    rows = exported("2026-11-22")

    support = rows["SAH-2024"]
    assert (support["legislation"], support["route"]) == ("pcr_2015", "light_touch")
    assert (rows["NCC-ILSS"]["legislation"], rows["NCC-ILSS"]["route"]) == ("pcr_2015", "open_tender")
    assert support["funding"] == "London Borough of Bromley:50; South East London ICB:50"
    assert support["annual_value"] == "2660000.00"
    assert support["initial_end_date"] == "2029-09-30"
    assert support["current_end_date"] == "2029-09-30"
    assert support["final_end_date"] == "2033-09-30"
    assert support["next_decision_deadline"] == "2029-03-30"
    assert support["status"] == "live"
    assert support["initial_term_value"] == "13300000.00"
    assert support["committed_value"] == "13300000.00"
    assert support["whole_life_value"] == "23940000.00"
    assert support["approved_variance"] == "540000.00"

    nottingham = rows["NCC-ILSS"]
    assert nottingham["provider"] == "Framework Provider A; Framework Provider B"
    assert nottingham["options_exercised"] == "2"
    assert nottingham["current_end_date"] == nottingham["final_end_date"] == "2026-06-30"
    assert nottingham["committed_value"] == nottingham["whole_life_value"] == "5988073.00"
    assert nottingham["approved_variance"] == "0.00"
    assert nottingham["next_decision_deadline"] == ""
    # Its last option ended on 30 June 2026, so by 22 Nov 2026 it has expired.
    assert nottingham["status"] == "expired"
    assert exported("2025-11-22")["NCC-ILSS"]["status"] == "final_term"

    mhfss = rows["LBB-MHFSS"]
    assert mhfss["start_date"] == "2019-10-01"
    assert mhfss["current_end_date"] == "2024-09-30"
    assert mhfss["status"] == "expired"
    assert mhfss["whole_life_value"] == "1595000.00"
    assert mhfss["approved_value"] == mhfss["approved_variance"] == ""


def test_it_updates_a_contract_with_the_same_reference(csv_file):
    contract = ContractFactory(reference="SAH-2024", title="Old title", notes="Keep me", term="5+2+2")
    contract.annual_uplift_percent = Decimal("2.50")
    contract.save()

    assert run_import(csv_file(SUPPORT_AT_HOME)).startswith(
        "Imported 1 contract (read as UTF-8): 0 created, 1 updated;"
    )

    assert Contract.objects.count() == 1
    contract.refresh_from_db()
    assert contract.reference == "SAH-2024"
    assert contract.title == "support@home"
    assert contract.annual_value == Decimal("2660000.00")
    assert contract.lead_commissioner.name == "London Borough of Bromley"
    assert contract.funding_shares.count() == 2
    # What the file has no column for is kept.
    assert (contract.notes, contract.annual_uplift_percent) == ("Keep me", Decimal("2.50"))


def test_it_sets_options_exercised_on_update(csv_file):
    ContractFactory(reference="NCC-ILSS", start_date=date(2019, 7, 1), term="3+2+2")

    run_import(csv_file(NOTTINGHAM_ILSS))

    contract = Contract.objects.get(reference="NCC-ILSS")
    assert list(contract.options.values_list("status", flat=True)) == ["exercised", "exercised"]
    assert on(contract).current_end_date == date(2026, 6, 30)


def test_a_dry_run_saves_nothing(csv_file):
    ContractFactory(reference="SAH-2024", title="Old title")

    output = run_import(csv_file(SUPPORT_AT_HOME, NOTTINGHAM_ILSS, MHFSS), "--dry-run")

    assert output == (
        "Dry run (read as UTF-8): 2 contracts would be created and 1 updated; 3 accepted, 0 with warnings, "
        "0 incomplete, 0 rejected, 0 duplicate rows dropped; nothing was saved."
    )
    assert list(Contract.objects.values_list("reference", "title")) == [("SAH-2024", "Old title")]
    assert not Provider.objects.filter(name="Hestia Housing and Support").exists()


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"start_date": "31/02/2025"}, "start date 31/02/2025 is not a real date"),
        (
            {"start_date": "2025.02.01"},
            "start date 2025.02.01 is not a date: write it as DD/MM/YYYY, 01-Apr-2013 or YYYY-MM-DD",
        ),
        ({"start_date": "1989-12-31"}, "the start date 1989-12-31 is not a date between 1 Jan 1990 and 31 Dec 2100"),
        ({"term": "5+two"}, 'term: Cannot read the term "5+two": write it like 5+2+2 or 18m+6m.'),
        ({"funding": "A Council:50; B ICB:40"}, "Funding shares must add up to 100%; these add up to 90%."),
        ({"funding": "A Council 100"}, 'funding "A Council 100" is not written as Organisation:percent'),
        ({"annual_value": "-5"}, "annual value -5 is negative: a value must be £0.00 or more"),
        ({"annual_value": "(3728)"}, "annual value (3728) is negative: a value must be £0.00 or more"),
        ({"approved_value": "-£1,000"}, "approved value -£1,000 is negative: a value must be £0.00 or more"),
        ({"annual_value": "lots"}, "annual value lots is not an amount of money"),
        ({"annual_value": "319000.005"}, "annual value 319000.005 has more than 2 decimal places"),
        (
            {"funding": "A Council:33.333; B ICB:66.667"},
            'funding share "A Council:33.333" has more than 2 decimal places',
        ),
        ({"options_exercised": "3"}, "options exercised is 3, but the term 3+2 has only 1 option"),
        ({"options_exercised": "one"}, "options exercised one is not a whole number"),
        ({"contract_type": "lease"}, 'contract type "lease" is not one of block, framework, spot, grant'),
        ({"legislation": "gdpr"}, 'legislation "gdpr" is not one of pcr_2015, pa_2023, psr, none'),
        ({"provider": " ; "}, "the supplier name is empty"),
        ({"reference": "R" * 51}, "the reference is longer than 50 characters"),
    ],
)
def test_it_rejects_a_bad_row_after_good_rows(csv_file, cells, message):
    ContractFactory(reference="EXISTING")
    values = dict(zip(IMPORT_COLUMNS, next(csv.reader([MHFSS]))))
    values.update({"reference": "BAD-1", **cells})
    bad_row = io.StringIO()
    csv.writer(bad_row).writerow([values[column] for column in IMPORT_COLUMNS])

    summary, reported = failed_import(csv_file(SUPPORT_AT_HOME, bad_row.getvalue().strip(), NOTTINGHAM_ILSS))

    assert summary.startswith("Nothing was imported (read as UTF-8): 1 row is rejected; 2 accepted,")
    assert len(reported) == 1
    assert reported[0].startswith(f"Line 3 (ref {values['reference']}): {message}")
    assert list(Contract.objects.values_list("reference", flat=True)) == ["EXISTING"]
    assert not Organisation.objects.filter(name="London Borough of Bromley").exists()


def test_it_reports_every_bad_row(csv_file):
    path = csv_file(
        SUPPORT_AT_HOME.replace("2024-10-01", "2024-13-01"),
        NOTTINGHAM_ILSS,
        MHFSS.replace(",3+2,", ",3+2+,").replace(",319000,", ",-319000,"),
    )

    summary, reported = failed_import(path)

    assert summary.startswith("Nothing was imported (read as UTF-8): 2 rows are rejected;")
    assert reported == [
        "Line 2 (ref SAH-2024): start date 2024-13-01 is not a real date",
        'Line 4 (ref LBB-MHFSS): term: Cannot read the term "3+2+": write it like 5+2+2 or 18m+6m.; '
        "annual value -319000 is negative: a value must be £0.00 or more",
    ]
    assert Contract.objects.count() == 0


def test_a_reference_repeated_for_different_contracts_keeps_both(csv_file):
    output = run_import(csv_file(MHFSS, NOTTINGHAM_ILSS, MHFSS.replace("319000", "320000")))

    assert output.startswith("Imported 3 contracts (read as UTF-8): 3 created, 0 updated; 1 accepted, 2 with warnings,")
    assert list(
        Contract.objects.filter(reference__startswith="LBB-MHFSS").values_list("reference", "annual_value")
    ) == [
        ("LBB-MHFSS", Decimal("319000.00")),
        ("LBB-MHFSS (2)", Decimal("320000.00")),
    ]


def test_it_counts_lines_as_the_file_has_them(csv_file):
    # A blank line and a title quoted over two lines: the bad row is on line 6.
    two_line_title = NOTTINGHAM_ILSS.replace("Independent Living Support Services", '"Independent Living\nSupport"')
    _, reported = failed_import(
        csv_file(MHFSS, "", two_line_title, MHFSS.replace("LBB-MHFSS", "X").replace("01/10/2019", "31/09/2019"))
    )

    assert reported == ["Line 6 (ref X): start date 31/09/2019 is not a real date"]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (HEADER.replace(",title,", ",name,"), "header (line 1): no column holds the title."),
        (HEADER.replace("provider,", ""), "header (line 1): no column holds the supplier (provider) name."),
        (HEADER.replace(",term,", ",title,"), "header (line 1): more than one column holds the title."),
    ],
)
def test_it_rejects_a_header_without_a_title_or_supplier(csv_file, header, message):
    summary, reported = failed_import(csv_file(MHFSS, header=header))

    assert reported == []
    assert summary.startswith("Nothing was imported: ")
    assert summary.endswith(message)
    assert Contract.objects.count() == 0


def test_it_ignores_unknown_and_missing_columns_and_says_so(csv_file):
    header = HEADER.replace("funding,", "colour,").replace(",approved_value", "")
    row = MHFSS.replace(",London Borough of Bromley,,", ",London Borough of Bromley,blue,").removesuffix(",")

    output = run_import(csv_file(row, header=header))

    assert output.splitlines()[0] == "Columns ignored: colour."
    contract = Contract.objects.get(reference="LBB-MHFSS")
    assert contract.approved_value is None
    assert list(contract.funding_shares.values_list("organisation__name", "percent")) == [
        ("London Borough of Bromley", Decimal("100.00"))
    ]


def test_it_accepts_human_labels_and_a_byte_order_mark(csv_file):
    row = MHFSS.replace(",block,pcr_2015,light_touch,", ",Framework,procurement act 2023,Light  Touch,")

    run_import(csv_file(row, encoding="utf-8-sig"))

    contract = Contract.objects.get(reference="LBB-MHFSS")
    assert (contract.contract_type, contract.legislation, contract.route) == ("framework", "pa_2023", "light_touch")


def test_it_matches_names_without_regard_to_case(csv_file):
    provider = ProviderFactory(name="Hestia Housing and Support")
    council = OrganisationFactory(name="London Borough of Bromley")

    run_import(csv_file(MHFSS.replace("Hestia Housing and Support", "HESTIA housing  and support")))

    contract = Contract.objects.get(reference="LBB-MHFSS")
    assert list(contract.providers.all()) == [provider]
    assert contract.lead_commissioner == council


def test_it_needs_a_file_that_exists(tmp_path):
    with pytest.raises(CommandError, match="There is no file .*missing.csv"):
        call_command("import_contracts", str(tmp_path / "missing.csv"))


@pytest.mark.parametrize("text", ["2660000", "2,660,000.00", "£2,660,000", " £2660000.000 ", "£ 2 660 000"])
def test_money_is_read_with_or_without_pound_sign_and_commas(text):
    assert read_money(text, what="annual value") == Decimal("2660000")


def test_export_as_of_a_later_day_lapses_the_open_option(csv_file):
    run_import(csv_file(SUPPORT_AT_HOME))

    late = exported("2029-04-01")["SAH-2024"]
    lapsed = exported("2029-10-01")["SAH-2024"]

    # Past the decision deadline but not the current end: still open, late.
    assert (late["status"], late["next_decision_deadline"], late["final_end_date"]) == (
        "live",
        "2029-03-30",
        "2033-09-30",
    )
    # The day after the current end with no decision: both options lapse.
    assert lapsed["status"] == "expired"
    assert lapsed["next_decision_deadline"] == ""
    assert lapsed["final_end_date"] == lapsed["current_end_date"] == "2029-09-30"
    assert lapsed["whole_life_value"] == lapsed["committed_value"] == "13300000.00"
    assert lapsed["approved_variance"] == "-10100000.00"
    assert exported("2024-09-30")["SAH-2024"]["status"] == "not_started"


def _figures(row: dict[str, str]) -> tuple[str, ...]:
    return (
        row["status"],
        row["options_exercised"],
        row["current_end_date"],
        row["final_end_date"],
        row["next_decision_deadline"],
        row["committed_value"],
        row["whole_life_value"],
    )


def test_export_as_of_a_day_counts_only_the_facts_dated_on_or_before_it():
    from contracts.services import option_decline, option_exercise

    # docs/domain.md: 3+1+1 from 1 Oct 2023, nothing decided; it lapses on 1 Oct 2026.
    ContractFactory(reference="A-LAPSE", start_date=date(2023, 10, 1), term="3+1+1", annual_value=Decimal("120000"))
    # docs/domain.md: 1+1+1 from 31 Mar 2026, option 1 exercised on 20 Nov 2026 (recorded on 22 Nov).
    exercised = ContractFactory(
        reference="B-EXERCISE", start_date=date(2026, 3, 31), term="1+1+1", annual_value=Decimal("120000")
    )
    option_exercise(
        option=exercised.options.get(order=1), decided_by="Chief Officer", decided_on=date(2026, 11, 20), today=TODAY
    )
    # Support@home, option 1 declined on 1 Jun 2026.
    declined = ContractFactory(
        reference="C-DECLINE", start_date=date(2024, 10, 1), term="5+2+2", annual_value=Decimal("2660000")
    )
    option_decline(
        option=declined.options.get(order=1), decided_by="Chief Officer", decided_on=date(2026, 6, 1), today=TODAY
    )

    assert _figures(exported("2026-09-30")["A-LAPSE"]) == (
        "live",
        "0",
        "2026-09-30",
        "2028-09-30",
        "2026-03-30",
        "360000.00",
        "600000.00",
    )
    assert _figures(exported("2026-10-01")["A-LAPSE"]) == (
        "expired",
        "0",
        "2026-09-30",
        "2026-09-30",
        "",
        "360000.00",
        "360000.00",
    )
    assert _figures(exported("2026-11-19")["B-EXERCISE"]) == (
        "live",
        "0",
        "2027-03-30",
        "2029-03-30",
        "2026-09-30",
        "120000.00",
        "360000.00",
    )
    assert _figures(exported("2026-11-20")["B-EXERCISE"]) == (
        "live",
        "1",
        "2028-03-30",
        "2029-03-30",
        "2027-09-30",
        "240000.00",
        "360000.00",
    )
    assert _figures(exported("2026-05-31")["C-DECLINE"]) == (
        "live",
        "0",
        "2029-09-30",
        "2033-09-30",
        "2029-03-30",
        "13300000.00",
        "23940000.00",
    )
    assert _figures(exported("2026-06-01")["C-DECLINE"]) == (
        "final_term",
        "0",
        "2029-09-30",
        "2029-09-30",
        "",
        "13300000.00",
        "13300000.00",
    )


def test_export_as_of_a_day_agrees_with_the_list_for_that_day():
    from contracts.services import option_exercise

    ContractFactory(reference="A-LAPSE", start_date=date(2023, 10, 1), term="3+1+1", annual_value=Decimal("120000"))
    exercised = ContractFactory(
        reference="B-EXERCISE", start_date=date(2026, 3, 31), term="1+1+1", annual_value=Decimal("120000")
    )
    option_exercise(
        option=exercised.options.get(order=1), decided_by="Chief Officer", decided_on=date(2026, 11, 20), today=TODAY
    )
    for day in (date(2026, 3, 30), date(2026, 9, 30), date(2026, 10, 1), date(2026, 11, 19), date(2026, 11, 20)):
        rows = exported(day.isoformat())
        for contract in with_figures(Contract.objects.all(), today=day):
            row = rows[contract.reference]
            assert _figures(row) == (
                contract.status,
                str(contract.options_exercised),
                contract.current_end_date.isoformat(),
                contract.final_end_date.isoformat(),
                contract.next_decision_deadline.isoformat() if contract.next_decision_deadline else "",
                f"{contract.committed_value:.2f}",
                f"{contract.whole_life_value:.2f}",
            ), (day, contract.reference)


def test_export_writes_a_file_in_reference_order(csv_file, tmp_path, django_assert_max_num_queries):
    import_seeds(csv_file)
    path = tmp_path / "out.csv"

    out = io.StringIO()
    # The contracts, with their providers, funding, options, changes and notices: one query each.
    with django_assert_max_num_queries(6):
        call_command("export_contracts", str(path), "--as-of", "2026-11-22", stdout=out)

    assert out.getvalue().strip() == f"Exported 3 contracts as of 2026-11-22 to {path}."
    # A file starts with a byte order mark, so Excel reads it as UTF-8.
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline="")))
    assert rows[0] == EXPORT_COLUMNS
    assert [row[0] for row in rows[1:]] == ["LBB-MHFSS", "NCC-ILSS", "SAH-2024"]


def test_export_defaults_to_today():
    ContractFactory(reference="C1", start_date=date(2024, 10, 1), term="5+2+2")

    assert run_export() == run_export("--as-of", TODAY.isoformat())


def test_export_rejects_a_bad_as_of():
    with pytest.raises(CommandError, match="--as-of 2026-02-30 is not a date"):
        call_command("export_contracts", "--as-of", "2026-02-30", stdout=io.StringIO())


def test_export_then_import_changes_nothing(csv_file, tmp_path):
    import_seeds(csv_file)
    ContractFactory(
        reference="WAIVER-1",
        start_date=date(2017, 4, 1),
        term="18m+6m",
        annual_value=Decimal("1000.5"),
        legislation=Contract.Legislation.NONE,
        route=Contract.Route.WAIVER,
    )
    first = tmp_path / "first.csv"
    call_command("export_contracts", str(first), "--as-of", "2026-11-22", stdout=io.StringIO())
    columns = [
        "reference",
        "legislation",
        "route",
        "term",
        "start_date",
        "annual_value",
        "approved_value",
        "current_end_date",
        "final_end_date",
        "committed_value",
        "whole_life_value",
    ]

    def register():
        return list(with_figures(Contract.objects.all(), today=TODAY).values_list(*columns))

    before = register()

    assert run_import(str(first)).splitlines() == [
        "Columns ignored: initial_end_date, current_end_date, final_end_date, next_decision_deadline, status, "
        "initial_term_value, committed_value, whole_life_value, approved_variance.",
        "Imported 4 contracts (read as UTF-8 with BOM): 0 created, 4 updated; "
        "4 accepted, 0 with warnings, 0 incomplete, 0 rejected, 0 duplicate rows dropped.",
    ]

    assert register() == before
    second = tmp_path / "second.csv"
    call_command("export_contracts", str(second), "--as-of", "2026-11-22", stdout=io.StringIO())
    assert second.read_bytes() == first.read_bytes()


def test_it_moves_a_contract_start_past_its_old_end(csv_file):
    ContractFactory(reference="LBB-MHFSS", start_date=date(2015, 10, 1), term="3+2")

    run_import(csv_file(MHFSS))

    contract = Contract.objects.get(reference="LBB-MHFSS")
    assert (contract.start_date, on(contract).current_end_date) == (date(2019, 10, 1), date(2024, 9, 30))
    assert contract.initial_end_date == date(2022, 9, 30)


def test_a_row_the_database_refuses_is_reported_not_raised(csv_file, monkeypatch):
    def refuse(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: contracts_contract.reference")

    monkeypatch.setattr("contracts.services.contracts_save_many", refuse)

    message, reported = failed_import(csv_file(MHFSS))

    assert message == "Nothing was imported: the database refused it."
    assert reported == ["the database refused the import: UNIQUE constraint failed: contracts_contract.reference"]


# A file from before legislation and route were split: one regime column, mapped as the migration did.
OLD_HEADER = HEADER.replace("legislation,route", "procurement_regime")


def _old_row(row: str, regime: str) -> str:
    return row.replace(",pcr_2015,light_touch,", f",{regime},").replace(",pcr_2015,open_tender,", f",{regime},")


@pytest.mark.parametrize(
    ("column", "regime", "start", "legislation", "route"),
    [
        ("procurement_regime", "light_touch", "2024-10-01", "pcr_2015", "light_touch"),
        ("procurement_regime", "Light touch regime", "2025-02-24", "pa_2023", "light_touch"),
        ("regime", "pa_2023", "2025-06-01", "pa_2023", "open_tender"),
        ("regime", "psr", "2024-06-01", "psr", "direct_award"),
        ("procurement_regime", "below_threshold", "2025-03-01", "pa_2023", "below_threshold"),
        ("procurement_regime", "waiver", "2017-10-01", "none", "waiver"),
    ],
)
def test_it_imports_an_old_file_with_one_regime_column(csv_file, column, regime, start, legislation, route):
    row = _old_row(SUPPORT_AT_HOME, regime).replace("2024-10-01", start)

    run_import(csv_file(row, header=HEADER.replace("legislation,route", column)))

    contract = Contract.objects.get(reference="SAH-2024")
    assert (contract.legislation, contract.route) == (legislation, route)


def test_an_old_regime_column_is_checked(csv_file):
    message, lines = failed_import(csv_file(_old_row(MHFSS, "pcr"), header=OLD_HEADER))

    assert any('regime "pcr" is not one of light_touch, pcr_2015, pa_2023,' in line for line in lines)
    assert Contract.objects.count() == 0


def test_a_header_with_both_the_old_and_the_new_regime_columns_is_refused(csv_file):
    message, lines = failed_import(csv_file(header=HEADER + ",procurement_regime"))

    assert "header (line 1): more than one column holds the procurement regime (older files)." in message
    assert Contract.objects.count() == 0


def test_an_import_that_contradicts_a_dated_decision_is_reported_not_raised(csv_file):
    from contracts.services import option_exercise

    contract = ContractFactory(reference="NCC-ILSS", start_date=date(2019, 7, 1), term="3+2+2")
    option_exercise(
        option=contract.options.get(order=1), decided_by="Chief Officer", decided_on=date(2022, 5, 3), today=TODAY
    )

    message, reported = failed_import(csv_file(NOTTINGHAM_ILSS))

    assert reported and reported[0].startswith("Line 2 (ref NCC-ILSS)")
    assert list(contract.options.values_list("status", "decided_on")) == [
        ("exercised", date(2022, 5, 3)),
        ("available", None),
    ]


def test_importing_an_earlier_export_is_refused_and_keeps_decisions_dated_after_it(tmp_path):
    # The file has no "as at" date, so a number of options exercised that would
    # undo a decision recorded with its day is refused, never applied.
    from contracts.services import option_exercise

    contract = ContractFactory(reference="B-EXERCISE", start_date=date(2026, 3, 31), term="1+1+1")
    option_exercise(
        option=contract.options.get(order=1), decided_by="Chief Officer", decided_on=date(2026, 11, 20), today=TODAY
    )
    earlier = tmp_path / "earlier.csv"
    call_command("export_contracts", str(earlier), "--as-of", "2026-11-19", stdout=io.StringIO())

    message, lines = failed_import(str(earlier))

    assert any("would undo option 1, exercised on 20 Nov 2026" in line for line in lines), lines
    assert list(contract.options.values_list("order", "status", "decided_on")) == [
        (1, "exercised", date(2026, 11, 20)),
        (2, "available", None),
    ]


def test_a_blank_options_exercised_keeps_the_decisions_recorded(csv_file):
    from contracts.services import option_exercise

    contract = ContractFactory(reference="NCC-ILSS", start_date=date(2019, 7, 1), term="3+2+2")
    option_exercise(
        option=contract.options.get(order=1), decided_by="Chief Officer", decided_on=date(2022, 5, 3), today=TODAY
    )
    row = NOTTINGHAM_ILSS.split(",")
    row[HEADER.split(",").index("options_exercised")] = ""
    run_import(csv_file(",".join(row)))

    assert list(contract.options.values_list("order", "status", "decided_on")) == [
        (1, "exercised", date(2022, 5, 3)),
        (2, "available", None),
    ]


# --- the Transparency Code register, out and back ----------------------------------------------

QUARTER_END = date(2025, 12, 31)  # the last day of 2025-Q3


def _transparency_register() -> None:
    """A small register made as officers make it: through the services."""
    council = OrganisationFactory(name="London Borough of Bromley")
    home_support = ServiceArea.objects.create(name="Home support")
    ContractFactory(
        # Ends on an odd day, with an option to a given day.
        reference="HC-1",
        title="Home care & reablement",
        description="Home care in the north",
        directorate="Adult Social Care",
        procurement_classification="Social care",
        service_area=home_support,
        lead_commissioner=council,
        providers=[ProviderFactory(name="Caring Hands Ltd", companies_house_number="01234567", is_sme=True)],
        start_date=date(2023, 4, 1),
        term="",
        end_date=date(2026, 9, 17),
        option_end_dates=[date(2028, 3, 31)],
        review_date=date(2025, 10, 1),
        annual_value=Decimal("120000.00"),
        legislation=Contract.Legislation.PCR_2015,
        route=Contract.Route.LIGHT_TOUCH,
    )
    ContractFactory(
        # Two suppliers, each with its numbers and flags.
        reference="ADV-2",
        title="Advocacy",
        directorate="Adult Social Care",
        service_area=home_support,
        lead_commissioner=council,
        providers=[
            ProviderFactory(name="Certitude", companies_house_number="SC123456", charity_number="1064342"),
            ProviderFactory(name="Smith, Jones and Partners LLP", charity_number="222377-1", is_sme=True, is_vcse=True),
        ],
        start_date=date(2024, 10, 1),
        term="",
        end_date=date(2027, 9, 30),
        annual_value=Decimal("50000.00"),
        legislation=Contract.Legislation.PCR_2015,
        route=Contract.Route.BELOW_THRESHOLD,
    )
    ContractFactory(
        # No value known.
        reference="NV-3",
        title="Day opportunities",
        directorate="Adult Social Care",
        service_area=home_support,
        lead_commissioner=council,
        providers=[ProviderFactory(name="Hestia Housing and Support")],
        start_date=date(2024, 4, 1),
        term="",
        end_date=date(2027, 3, 31),
        annual_value=None,
        legislation=Contract.Legislation.PCR_2015,
        route=Contract.Route.DIRECT_AWARD,
    )
    ContractFactory(
        # A term in years, with an option in months.
        reference="TERM-4",
        title="Supported living",
        directorate="Adult Social Care",
        service_area=home_support,
        lead_commissioner=council,
        providers=[ProviderFactory(name="Look Ahead Care & Support")],
        start_date=date(2023, 7, 1),
        term="3+2",
        annual_value=Decimal("200000.00"),
        legislation=Contract.Legislation.PCR_2015,
        route=Contract.Route.OPEN_TENDER,
    )
    ContractFactory(
        # Let under the 2015 regulations though it starts after the Procurement Act came in.
        reference="PCR-5",
        title="Extra care",
        directorate="Adult Social Care",
        service_area=home_support,
        lead_commissioner=council,
        providers=[ProviderFactory(name="Anchor Hanover")],
        start_date=date(2025, 6, 1),
        term="",
        end_date=date(2028, 5, 31),
        annual_value=Decimal("80000.00"),
        legislation=Contract.Legislation.PCR_2015,
        route=Contract.Route.OPEN_TENDER,
    )
    ContractFactory(
        reference="PSR-6",
        title="Community support",
        directorate="Adult Social Care",
        service_area=home_support,
        lead_commissioner=council,
        providers=[ProviderFactory(name="Mind in Bromley")],
        start_date=date(2025, 4, 1),
        term="2",
        annual_value=Decimal("30000.00"),
        legislation=Contract.Legislation.PSR,
        route=Contract.Route.DIRECT_AWARD,
    )


_CONTRACT_FACTS = [
    "reference",
    "title",
    "description",
    "directorate",
    "procurement_classification",
    "service_area__name",
    "lead_commissioner__name",
    "contract_type",
    "legislation",
    "route",
    "start_date",
    "end_date",
    "term",
    "review_date",
    "annual_value",
    "approved_value",
]


def _facts_and_figures(day: date) -> dict[str, tuple]:
    held = {}
    for contract in Contract.objects.order_by("reference"):
        options = list(contract.options.order_by("order"))
        figures = figures_of(contract, options, today=day)
        held[contract.reference] = (
            Contract.objects.filter(pk=contract.pk).values(*_CONTRACT_FACTS).get(),
            [(o.order, o.months, o.end_date, o.status) for o in options],
            list(
                contract.providers.order_by("name").values_list(
                    "name", "companies_house_number", "charity_number", "is_sme", "is_vcse"
                )
            ),
            None
            if figures is None
            else (
                figures.schedule.initial_end,
                figures.schedule.current_end,
                figures.schedule.final_end,
                figures.schedule.option_statuses,
                figures.whole_life_value,
                figures.committed_value,
            ),
        )
    return held


def test_transparency_export_then_import_changes_nothing(tmp_path):
    _transparency_register()
    first = tmp_path / "first.csv"
    call_command(
        "export_contracts", str(first), "--format", "transparency", "--quarter", "2025-Q3", stdout=io.StringIO()
    )
    before = _facts_and_figures(QUARTER_END)
    versions = dict(Contract.objects.values_list("reference", "version"))

    out = run_import(str(first), "--as-at", QUARTER_END.isoformat(), "--lead-commissioner", "London Borough of Bromley")

    assert out.splitlines()[-1].startswith("Imported 6 contracts (read as UTF-8 with BOM): 0 created, 6 updated;")
    assert _facts_and_figures(QUARTER_END) == before
    assert dict(Contract.objects.values_list("reference", "version")) == versions

    # The same file into an empty register gives the same register back.
    for model in (Contract, Provider, ServiceArea, Organisation):
        model.objects.all().delete()
    out = run_import(str(first), "--as-at", QUARTER_END.isoformat(), "--lead-commissioner", "London Borough of Bromley")
    assert out.splitlines()[-1].startswith("Imported 6 contracts (read as UTF-8 with BOM): 6 created, 0 updated;")
    second = tmp_path / "second.csv"
    call_command(
        "export_contracts", str(second), "--format", "transparency", "--quarter", "2025-Q3", stdout=io.StringIO()
    )
    assert second.read_bytes() == first.read_bytes()
