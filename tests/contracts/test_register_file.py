"""Reading a register file: no database. Each messy form a real register has,
by a small hand-written example."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from contracts.money import whole_value
from contracts.register_file import (
    FIELDS,
    PLACEHOLDER_DATES,
    CellError,
    FileError,
    annual_from_whole,
    generated_reference,
    match_headers,
    normalise_header,
    read_charity_number,
    read_companies_house_number,
    read_date,
    read_flag,
    read_money,
    read_register,
    read_route,
    read_rows,
    read_suppliers,
    read_table,
    read_tender_law,
)
from contracts.terms import months_between

TC_HEADER = (
    "Contract Reference number / ID,Title of the Agreement,Supplier name,Contract start date,End date,Contract value"
)


def table_of(*lines: str, encoding: str = "utf-8", header: str = TC_HEADER):
    return read_table(("\r\n".join([header, *lines]) + "\r\n").encode(encoding), filename="register.csv")


def outcomes_of(*lines: str, header: str = TC_HEADER, value_basis: str = "whole", as_at=None):
    table = table_of(*lines, header=header)
    return read_rows(
        table, match_headers(table.headers).mapping, as_at=as_at, value_basis=value_basis, lead_commissioner="LBB"
    )


# --- the file ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("ref,title\r\nA1,Café\r\n".encode(), "UTF-8"),
        (b"\xef\xbb\xbf" + "ref,title\r\nA1,Café\r\n".encode(), "UTF-8 with BOM"),
        ("ref,title\r\nA1,Café – £5\r\n".encode("cp1252"), "Windows-1252"),
    ],
)
def test_it_reads_each_encoding(data, encoding):
    table = read_table(data, filename="register.csv")

    assert table.encoding == encoding
    assert table.headers == ("ref", "title")
    assert table.rows[0][1][1].startswith("Café")


def test_windows_1252_keeps_the_pound_sign_and_dashes():
    table = read_table("ref,value\r\nA1,£5 – “quoted”\r\n".encode("cp1252"), filename="r.csv")

    assert table.rows == ((2, ("A1", "£5 – “quoted”")),)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_it_finds_the_delimiter(delimiter):
    text = delimiter.join(["Reference", "Title", '"Supplier, name"']) + "\n" + delimiter.join(["A1", "T", "S"]) + "\n"

    table = read_table(text.encode(), filename="register.csv")

    assert table.headers == ("Reference", "Title", "Supplier, name")
    assert table.rows == ((2, ("A1", "T", "S")),)


def test_lines_are_those_of_the_file_past_blank_lines_and_quoted_new_lines():
    table = read_table(b'ref,title\n\nA1,"two\nlines"\nA2,x\n,\n,\n', filename="r.csv")

    assert table.rows == ((3, ("A1", "two\nlines")), (5, ("A2", "x")))


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "r.csv", "The file is empty."),
        (b"  \r\n ", "r.csv", "The file is empty."),
        (b",,,\r\n,,\r\n", "r.csv", "The file has no header row"),
        (b"\x00\x01\x02\x00" * 50, "r.csv", "holds binary data"),
        (b"\xff\xfer\x00e\x00f\x00", "r.csv", "UTF-16"),
        (b"PK\x03\x04 not really a zip", "r.xlsx", "is not a spreadsheet that can be read"),
        (b"a,b\r\n1,2", "r.xls", "old Excel (.xls) file"),
        (b'a,b\r\n"1,2\r\n', "r.csv", "cannot be read"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data, filename, message):
    with pytest.raises(FileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_table(data, filename=filename)


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_it_reads_a_spreadsheet_with_dates_and_numbers_as_written():
    data = xlsx(
        [
            ["Contract Reference number / ID", "Contract start date", "Contract value", "SME supplier", None],
            ["A1", datetime(2019, 4, 1, 0, 0), 319000, True],
            ["A2", date(2020, 10, 1), 1234.5, False],
            [None, None, None, None],
            ["A3", "01/04/2021", 0.1, None],
            [None, None],
        ]
    )

    table = read_table(data, filename="register.xlsx")

    assert table.encoding is None
    assert table.headers == ("Contract Reference number / ID", "Contract start date", "Contract value", "SME supplier")
    assert table.rows == (
        (2, ("A1", "2019-04-01", "319000", "yes", "")),
        (3, ("A2", "2020-10-01", "1234.5", "no", "")),
        (5, ("A3", "01/04/2021", "0.1", "", "")),
    )


# --- the header -------------------------------------------------------------------------------


def test_normalise_header_ignores_case_spacing_and_punctuation():
    assert normalise_header(" Contract Reference number / ID ") == "contractreferencenumberid"
    assert normalise_header("Care &amp; support") == normalise_header("care and support")


@pytest.mark.parametrize(
    ("header", "key"),
    [
        # Our own export's columns keep importing.
        ("reference", "reference"),
        ("service_area", "service_area"),
        ("annual_value", "annual_value"),
        ("options_exercised", "options_exercised"),
        ("procurement_regime", "regime"),
        # The Transparency Code's.
        ("Contract Reference number / ID", "reference"),
        ("Title of the Agreement", "title"),
        ("Description of goods and services", "description"),
        ("Supplier name", "provider"),
        ("Supplier registered company number", "companies_house_number"),
        ("Supplier registered charity number", "charity_number"),
        ("SME supplier", "sme"),
        ("VCSE supplier", "vcse"),
        ("Directorate / service responsible", "directorate"),
        ("Procurement classification", "procurement_classification"),
        ("Contract start date", "start_date"),
        ("End date", "end_date"),
        ("Review date", "review_date"),
        ("Last extension date", "last_extension_date"),
        ("Contract value", "contract_value"),
        ("Tender process type", "route"),
        ("Effective Date", "as_at"),
        ("Organisation Name", "lead_commissioner"),
        # Contracts Finder's.
        ("Notice Identifier", "reference"),
        ("Awarded To", "provider"),
        ("Awarded Value", "contract_value"),
        # Spacing and case do not matter; the field's own label is a name too.
        ("CONTRACT  start-date", "start_date"),
        (FIELDS["approved_value"], "approved_value"),
    ],
)
def test_it_knows_each_column_name(header, key):
    assert match_headers([header]).mapping == {header: key}


def test_it_lists_unknown_ignored_missing_and_repeated_columns():
    match = match_headers(["Title", "Colour", "Irrecoverable VAT", "Start date", "Contract start date"])

    assert match.mapping == {"Title": "title", "Start date": "start_date", "Contract start date": "start_date"}
    assert match.unknown == ("Colour",)
    assert match.ignored == ("Irrecoverable VAT",)
    assert match.missing == ("provider",)
    assert match.repeated == ("start_date",)
    assert match.problems == [
        "no column holds the supplier (provider) name",
        "more than one column holds the start date",
    ]


def test_several_supplier_columns_are_not_a_repeat():
    match = match_headers(["Title", "Supplier", "Supplier name"])

    assert match.problems == []


def test_a_remembered_choice_comes_first():
    match = match_headers(
        ["Title", "Supplier", "Colour", "End date"],
        remembered={"colour": "service_area", "enddate": ""},
    )

    assert match.mapping == {"Title": "title", "Supplier": "provider", "Colour": "service_area"}
    assert match.ignored == ("End date",)


# --- cells ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("01/04/2019", date(2019, 4, 1)),
        ("1/4/2019", date(2019, 4, 1)),
        ("01-Apr-2013", date(2013, 4, 1)),
        ("1 April 2013", date(2013, 4, 1)),
        ("01-Apr-13", date(2013, 4, 1)),
        ("31/03/99", date(1999, 3, 31)),
        ("2019-04-01", date(2019, 4, 1)),
        # A date-time keeps its day as written, whatever its zone.
        ("2019-04-01T23:30:00Z", date(2019, 4, 1)),
        ("2019-04-01T00:30:00+01:00", date(2019, 4, 1)),
        ("2019-04-01 00:00:00", date(2019, 4, 1)),
        (" 01/04/2019 ", date(2019, 4, 1)),
        ("", None),
    ],
)
def test_it_reads_each_date_form(text, day):
    assert read_date(text, what="start date").value == day


@pytest.mark.parametrize("text", ["31/12/2050", "31/12/2099", "01/01/2000", "01-Jan-1900", "31/12/9999", "2099-12-31"])
def test_a_placeholder_date_is_no_fixed_date(text):
    read = read_date(text, what="end date")

    assert read.value is None
    assert read.warning == f"end date {text} read as no fixed date"


def test_the_placeholders_are_kept_in_one_list():
    assert {date(2050, 12, 31), date(2099, 12, 31), date(2000, 1, 1), date(1900, 1, 1)} <= PLACEHOLDER_DATES


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2025", "start date 31/02/2025 is not a real date"),
        ("01-Foo-2013", "start date 01-Foo-2013 is not a date: write it as DD/MM/YYYY, 01-Apr-2013 or YYYY-MM-DD"),
        ("next year", "start date next year is not a date"),
    ],
)
def test_a_date_that_cannot_be_read_says_why(text, message):
    with pytest.raises(CellError, match=message):
        read_date(text, what="start date")


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("319000", Decimal("319000")),
        ("£319,000.00", Decimal("319000.00")),
        (" £ 319 000 ", Decimal("319000")),
        ("319,000", Decimal("319000")),
        ("0.50", Decimal("0.50")),
        ("", None),
        ("TBC", None),
    ],
)
def test_it_reads_each_money_form(text, amount):
    assert read_money(text, what="contract value") == amount


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(3728)", "contract value (3728) is negative: a value must be £0.00 or more"),
        ("-£5", "contract value -£5 is negative"),
        ("1e30", "contract value 1e30 is not an amount of money"),
        ("12.345", "contract value 12.345 has more than 2 decimal places"),
        ("1,2,3", "is not an amount of money"),
    ],
)
def test_money_that_cannot_be_read_says_why(text, message):
    with pytest.raises(CellError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_money(text, what="contract value")


@pytest.mark.parametrize(
    ("cells", "names"),
    [
        (["Care &amp; Repair Ltd"], ("Care & Repair Ltd",)),
        (["Smith, Jones and Partners LLP"], ("Smith, Jones and Partners LLP",)),
        (["Hestia; Certitude"], ("Hestia", "Certitude")),
        (["Hestia\nCertitude"], ("Hestia", "Certitude")),
        (["Hestia | Certitude"], ("Hestia", "Certitude")),
        (["Hestia", "Certitude", ""], ("Hestia", "Certitude")),
        (["Hestia", "HESTIA "], ("Hestia",)),
        (["Look Ahead Care & Support"], ("Look Ahead Care & Support",)),
    ],
)
def test_it_splits_suppliers_only_where_no_name_could_be_split(cells, names):
    assert read_suppliers(cells) == names


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1234567", "01234567"),
        ("01234567", "01234567"),
        ("gb/1234567", "01234567"),
        ("GB 01234567", "01234567"),
        ("SC 123456", "SC123456"),
        ("sc12345", "SC012345"),
        ("OC301234", "OC301234"),
        ("NI012345", "NI012345"),
        ("FC012345", "FC012345"),
        ("", ""),
    ],
)
def test_it_normalises_companies_house_numbers(text, number):
    read = read_companies_house_number(text)

    assert (read.value, read.warning) == (number, "")


@pytest.mark.parametrize("text", ["IP12345R", "RS007777", "IP00123"])
def test_a_mutual_societys_number_is_not_a_companies_house_number(text):
    read = read_companies_house_number(text)

    assert read.value == ""
    assert read.warning == f"company number {text} is a mutual society's number, not Companies House's: not kept"


def test_a_company_number_that_is_none_at_all_warns():
    read = read_companies_house_number("ZZ99")

    assert (read.value, read.warning) == ("", "company number ZZ99 is not a Companies House number: not kept")


@pytest.mark.parametrize(
    ("text", "number", "warned"),
    [("1064342", "1064342", False), ("216250-1", "216250-1", False), ("12345", "", True), ("", "", False)],
)
def test_it_reads_charity_numbers(text, number, warned):
    read = read_charity_number(text)

    assert read.value == number
    assert bool(read.warning) == warned


@pytest.mark.parametrize(
    ("text", "flag"),
    [("Yes", True), ("y", True), ("TRUE", True), ("1", True), ("No", False), ("n", False), ("false", False)]
    + [("0", False), ("", None), ("N/A", None)],
)
def test_it_reads_sme_and_vcse_flags(text, flag):
    assert read_flag(text, what="SME supplier") is flag


def test_a_flag_that_is_neither_yes_nor_no_says_so():
    with pytest.raises(CellError, match="SME supplier maybe is not yes or no"):
        read_flag("maybe", what="SME supplier")


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("Open", "open_tender"),
        ("Invitation to quote", "below_threshold"),
        ("Direct Award", "direct_award"),
        ("Call-off from framework", "call_off"),
        ("light_touch", "light_touch"),
        ("", None),
    ],
)
def test_it_reads_the_tender_process_type_as_a_route(text, route):
    assert read_route(text).value == route


@pytest.mark.parametrize(
    ("text", "route", "law"),
    [
        ("Published tender (PCR 2015)", "open_tender", "pcr_2015"),
        ("Published tender (light touch regime) (Procurement Act 2023)", "light_touch", "pa_2023"),
        ("Direct award (Provider Selection Regime)", "direct_award", "psr"),
        ("Published tender (light touch regime)", "light_touch", None),
        ("Invitation to quote", "below_threshold", None),
    ],
)
def test_a_law_in_brackets_after_the_tender_process_type_is_the_legislation(text, route, law):
    assert (read_route(text).value, read_tender_law(text)) == (route, law)


def test_a_route_it_does_not_know_warns_and_is_not_read():
    read = read_route("Lottery")

    assert (read.value, read.warning) == (
        None,
        'route "Lottery" not recognised: the route is not changed (a new contract takes light touch)',
    )


# --- rows -------------------------------------------------------------------------------------


def test_an_accepted_row_holds_its_facts_and_html_entities_are_decoded():
    (outcome,) = outcomes_of('A1,Care &amp; support,Hestia,01/04/2019,31/03/2022,"£300,000"')

    assert (outcome.line, outcome.outcome, outcome.reference) == (2, "accepted", "A1")
    row = outcome.row
    assert row.title == "Care & support"
    assert row.providers == ("Hestia",)
    assert (row.start_date, row.end_date) == (date(2019, 4, 1), date(2022, 3, 31))
    # Whole-contract value over three years.
    assert row.annual_value == Decimal("100000.00")


def test_a_row_with_a_placeholder_end_is_incomplete_and_warned():
    (outcome,) = outcomes_of("A1,Care,Hestia,01/04/2019,31/12/2099,5000")

    assert outcome.outcome == "incomplete"
    assert outcome.missing == ["end date", "value"]
    assert outcome.warnings == [
        "end date 31/12/2099 read as no fixed date",
        "contract value £5,000.00 cannot be made an annual value without the start and end dates",
    ]
    assert outcome.row.end_date is None


def test_a_row_without_start_end_or_value_is_incomplete_not_rejected():
    (outcome,) = outcomes_of("A1,Care,Hestia,,,")

    assert outcome.outcome == "incomplete"
    assert outcome.missing == ["start date", "end date", "value"]


def test_a_negative_value_in_brackets_rejects_the_row():
    (outcome,) = outcomes_of("A1,Care,Hestia,01/04/2019,31/03/2022,(3728)")

    assert outcome.outcome == "rejected"
    assert outcome.reasons == ["contract value (3728) is negative: a value must be £0.00 or more"]
    assert outcome.row is None


def test_a_rejected_row_lists_every_reason():
    (outcome,) = outcomes_of("A1,,,31/02/2019,31/03/2022,lots")

    assert outcome.reasons == [
        "the title is empty",
        "the supplier name is empty",
        "start date 31/02/2019 is not a real date",
        "contract value lots is not an amount of money",
    ]


def test_an_end_before_the_start_is_rejected():
    (outcome,) = outcomes_of("A1,Care,Hestia,01/04/2019,31/03/2019,5000")

    assert outcome.reasons == ["the end date 31 Mar 2019 is before the start date 1 Apr 2019"]


def test_a_blank_reference_gets_a_stable_generated_one():
    first = outcomes_of(",Care,Hestia,01/04/2019,31/03/2022,5000")[0]
    again = outcomes_of("X,Y,Z,,,", ",care ,HESTIA,1/4/2019,31/03/2022,5000")[1]

    assert first.reference == again.reference == generated_reference("Care", "Hestia", date(2019, 4, 1))
    assert first.reference.startswith("REG-") and len(first.reference) == 14
    assert first.row.reference_given is False
    assert outcomes_of(",Care,Hestia,01/04/2020,31/03/2022,5000")[0].reference != first.reference


def test_a_reference_repeated_for_different_contracts_keeps_both_and_warns_on_both():
    first, other, second = outcomes_of(
        "A1,Care,Hestia,01/04/2019,31/03/2022,3600",
        "B1,Other,Mencap,01/04/2019,31/03/2022,3600",
        "A1,Advocacy,Certitude,01/04/2020,31/03/2022,2400",
    )

    assert (first.reference, second.reference) == ("A1", "A1 (2)")
    assert first.row.title == "Care" and second.row.reference == "A1 (2)"
    assert first.warnings == second.warnings == ["reference A1 is on lines 2, 4 for different contracts"]
    assert (first.outcome, other.outcome, second.outcome) == ("warnings", "accepted", "warnings")


def test_exact_duplicate_rows_are_dropped_and_counted():
    table = table_of(
        "A1,Care,Hestia,01/04/2019,31/03/2022,5000",
        "A1,Care,Hestia,01/04/2019,31/03/2022,5000",
        "A1,Care ,Hestia,01/04/2019,31/03/2022,5000,",
    )

    read = read_register(
        table, match_headers(table.headers).mapping, as_at=None, value_basis="whole", lead_commissioner="LBB"
    )

    assert [outcome.line for outcome in read.outcomes] == [2]
    assert read.duplicates_dropped == 2


def test_a_last_extension_date_after_the_end_is_an_option_to_that_day():
    header = TC_HEADER + ",Last extension date,Review date"

    (outcome,) = outcomes_of("A1,Care,Hestia,01/04/2019,31/03/2022,5000,31/03/2024,01/10/2021", header=header)

    assert outcome.row.last_extension_date == date(2024, 3, 31)
    assert outcome.row.review_date == date(2021, 10, 1)


def test_a_last_extension_date_before_the_end_is_not_kept():
    header = TC_HEADER + ",Last extension date"

    (outcome,) = outcomes_of("A1,Care,Hestia,01/04/2019,31/03/2022,3600,31/03/2021", header=header)

    assert outcome.row.last_extension_date is None
    assert outcome.warnings == ["last extension date 31 Mar 2021 is before the end date 31 Mar 2022: not kept"]


@pytest.mark.parametrize(("basis", "annual"), [("whole", Decimal("100000.00")), ("annual", Decimal("300000"))])
def test_one_unclear_value_column_is_read_by_the_officers_choice(basis, annual):
    (outcome,) = outcomes_of("A1,Care,Hestia,01/04/2019,31/03/2022,300000", value_basis=basis)

    assert outcome.row.annual_value == annual


def test_an_annual_value_column_is_annual_whatever_the_choice():
    header = TC_HEADER.replace("Contract value", "Estimated annual value")

    (outcome,) = outcomes_of("A1,Care,Hestia,01/04/2019,31/03/2022,300000", header=header, value_basis="whole")

    assert outcome.row.annual_value == Decimal("300000")


def months(start: date, end: date):
    return months_between(start, end)


def test_a_whole_value_gives_the_annual_value_that_gives_it_back():
    whole = annual_from_whole(Decimal("300000"), [months(date(2019, 4, 1), date(2022, 3, 31))])
    assert (whole.value, whole.warning) == (Decimal("100000.00"), "")
    assert annual_from_whole(Decimal("150000"), [months(date(2019, 10, 1), date(2021, 3, 31))]).value == Decimal(
        "100000.00"
    )
    # 1 Apr 2019 to 15 Apr 2020: 12 months and 15 of April's 30 days.
    assert annual_from_whole(Decimal("381000"), [months(date(2019, 4, 1), date(2020, 4, 15))]).value == Decimal(
        "365760.00"
    )
    assert whole_value(Decimal("365760.00"), [months(date(2019, 4, 1), date(2020, 4, 15))]) == Decimal("381000.00")


def test_a_whole_value_covers_the_options_to_the_last_extension_date():
    header = "Contract reference,Title,Supplier name,Contract start date,End date,Last extension date,Contract value"
    (outcome,) = outcomes_of(
        "A1,Care,Hestia,01/04/2022,31/03/2025,31/03/2027,1500000", header=header, value_basis="whole"
    )
    assert outcome.row.annual_value == Decimal("300000.00")


def test_a_whole_value_no_annual_penny_gives_back_is_kept_nearest_with_a_warning():
    read = annual_from_whole(Decimal("1000000.05"), [120])
    assert read.value == Decimal("100000.01")
    assert "no annual value to the penny" in read.warning


def test_a_whole_value_without_dates_cannot_be_made_annual_and_says_so():
    (outcome,) = outcomes_of("A1,Care,Hestia,01/04/2019,,300000")

    assert outcome.row.annual_value is None
    assert outcome.missing == ["end date", "value"]
    assert "contract value £300,000.00 cannot be made an annual value" in outcome.warnings[0]


def test_company_and_charity_numbers_and_flags_are_read_with_the_row():
    header = TC_HEADER + ",Supplier registered company number,Supplier registered charity number,SME supplier,VCSE"

    (outcome,) = outcomes_of("A1,Care,Hestia,01/04/2019,31/03/2022,5000,IP12345R,1064342,Y,n", header=header)

    row = outcome.row
    assert (row.companies_house_number, row.charity_number, row.sme, row.vcse) == (
        ("",),
        ("1064342",),
        (True,),
        (False,),
    )
    assert outcome.outcome == "warnings"


def test_the_as_at_day_is_the_registers_effective_date_unless_given():
    header = TC_HEADER + ",Effective Date"
    table = table_of("A1,Care,Hestia,01/04/2025,31/03/2027,5000,31/12/2024", header=header)
    mapping = match_headers(table.headers).mapping

    read = read_register(table, mapping, as_at=None, value_basis="whole", lead_commissioner="LBB")
    given = read_register(table, mapping, as_at=date(2025, 6, 30), value_basis="whole", lead_commissioner="LBB")

    assert read.as_at == date(2024, 12, 31)
    assert read.outcomes[0].warnings == ["starts after the register's date, 31 Dec 2024"]
    assert given.as_at == date(2025, 6, 30)
    assert given.outcomes[0].outcome == "accepted"


def test_a_row_longer_than_the_header_is_rejected():
    (outcome,) = outcomes_of("A1,Care,Hestia,01/04/2019,31/03/2022,5000,surplus")

    assert outcome.reasons == ["the row has more values than the header has columns"]


@pytest.mark.parametrize(
    ("as_at", "taken"),
    [
        (None, False),  # no register date: the option is open, and lapses by the dates alone
        (date(2022, 3, 31), False),  # the last day of the term: still to be decided
        (date(2022, 4, 1), True),  # listed the day after the end: it ran on into its option
        (date(2025, 6, 30), True),
    ],
)
def test_an_option_is_judged_on_the_registers_date_never_the_import_day(as_at, taken):
    header = TC_HEADER + ",Last extension date"

    (outcome,) = outcomes_of("A1,Care,Hestia,01/04/2019,31/03/2022,3600,31/03/2024", header=header, as_at=as_at)

    assert outcome.row.extension_taken is taken
    notes = [warning for warning in outcome.warnings if "recorded as exercised" in warning]
    if taken:
        assert notes == [
            f"the register as at {as_at.day} {as_at:%b %Y} lists it after its end date, 31 Mar 2022: "
            "the option to 31 Mar 2024 is recorded as exercised"
        ]
    else:
        assert notes == []


def test_the_effective_date_column_is_the_date_an_option_is_judged_on():
    header = TC_HEADER + ",Last extension date,Effective Date"

    open_, taken = outcomes_of(
        "A1,Care,Hestia,01/04/2019,31/03/2022,3600,31/03/2024,31/12/2021",
        "A2,Care,Mencap,01/04/2019,31/03/2022,3600,31/03/2024,31/12/2021",
        header=header,
    )
    assert not open_.row.extension_taken and not taken.row.extension_taken
    (later,) = outcomes_of("A1,Care,Hestia,01/04/2019,31/03/2022,3600,31/03/2024,30/06/2022", header=header)
    assert later.row.extension_taken
