"""The register as a council publishes it: CSV, Excel, the Transparency Code register, OCDS."""

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path

import jsonschema
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from referencing import Registry, Resource

from commissioning.core import spreadsheets
from contracts import publishing, services
from contracts.csv_format import EXPORT_COLUMNS
from contracts.models import Contract, ContractOption, Provider
from contracts.publishing import TRANSPARENCY_COLUMNS, Quarter, parse_quarter
from contracts.selectors import contract_export_rows
from tests.conftest import ContractFactory, OrganisationFactory, ProviderFactory, ServiceAreaFactory
from tests.contracts.test_views import support_at_home

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "ocds_schema"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLD_COLUMNS = [
    "reference",
    "title",
    "provider",
    "service_area",
    "contract_type",
    "legislation",
    "route",
    "lead_commissioner",
    "funding",
    "start_date",
    "term",
    "options_exercised",
    "annual_value",
    "approved_value",
    "initial_end_date",
    "current_end_date",
    "final_end_date",
    "next_decision_deadline",
    "status",
    "initial_term_value",
    "committed_value",
    "whole_life_value",
    "approved_variance",
]


def _published(contract: Contract, **fields) -> Contract:
    """Sets the register fields that change no figure (the create service does not take them)."""
    Contract.objects.filter(pk=contract.pk).update(**fields)
    contract.refresh_from_db()
    return contract


def support_with_suppliers() -> Contract:
    """support@home with two suppliers, one a registered company (SME), one a charity (VCSE)."""
    company = ProviderFactory(name="Bromley Homecare Ltd")
    Provider.objects.filter(pk=company.pk).update(companies_house_number="01234567", is_sme=True)
    charity = ProviderFactory(name="Age Concern Bromley")
    Provider.objects.filter(pk=charity.pk).update(charity_number="1064342", is_vcse=True)
    contract = support_at_home(providers=[company, charity], description="Home support across the borough")
    return _published(
        contract,
        end_date=date(2029, 9, 30),
        review_date=date(2029, 3, 30),
        directorate="Adult Social Care",
        procurement_classification="Social care services",
    )


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "a byte order mark first, so Excel reads UTF-8"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _get(client, fmt: str, **params):
    name = "contracts:contract_export" if fmt == "csv" else "contracts:contract_export_as"
    return client.get(reverse(name, args=[] if fmt == "csv" else [fmt]), params)


# --- CSV ---------------------------------------------------------------------------


def test_the_csv_keeps_its_columns_and_appends_the_published_ones(client_for, officer):
    support_with_suppliers()

    response = _get(client_for(officer), "csv", as_of="2026-11-22")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="contracts-2026-11-22.csv"' in response["Content-Disposition"]
    [row] = _csv_rows(response.content)
    assert list(row)[: len(OLD_COLUMNS)] == OLD_COLUMNS
    assert list(row) == EXPORT_COLUMNS
    assert row["whole_life_value"] == "23940000.00"
    # Supplier columns follow the order of the provider column (names sorted).
    assert row["provider"] == "Age Concern Bromley; Bromley Homecare Ltd"
    assert row["companies_house_number"] == "; 01234567"
    assert row["charity_number"] == "1064342; "
    assert (row["sme"], row["vcse"]) == ("no; yes", "yes; no")
    assert (row["end_date"], row["review_date"]) == ("2029-09-30", "2029-03-30")
    assert (row["directorate"], row["procurement_classification"]) == ("Adult Social Care", "Social care services")
    assert row["description"] == "Home support across the borough"


def test_the_csv_shows_a_pound_sign_in_excel(client_for, officer):
    support_at_home(title="Support at home (£2.66m a year)")
    content = _get(client_for(officer), "csv").content
    assert "Support at home (£2.66m a year)".encode() in content
    assert content.startswith("\ufeff".encode())


def test_the_csv_neutralises_formulas_but_not_negative_amounts(client_for, officer):
    # Whole life £23,940,000 against £24,000,000 approved: £60,000 under, a negative variance.
    support_at_home(title='=HYPERLINK("http://evil.example","Click")', approved_value=Decimal("24000000"))
    _published(Contract.objects.get(), directorate="@SUM(1+1)", description="-2+3")

    [row] = _csv_rows(_get(client_for(officer), "csv").content)

    assert row["title"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row["directorate"] == "'@SUM(1+1)"
    assert row["description"] == "'-2+3"
    assert row["approved_variance"] == "-60000.00"


@pytest.mark.parametrize(
    ("text", "runs"),
    [("=1+1", True), ("+44 20", True), ("-x", True), ("@A1", True), ("\tx", True), ("\rx", True)]
    + [("-12.50", False), ("+3", False), ("Care Co", False), ("", False), ("a=b", False)],
)
def test_looks_like_formula(text, runs):
    assert spreadsheets.looks_like_formula(text) is runs
    assert spreadsheets.neutralised(text) == (f"'{text}" if runs else text)


# --- Excel -------------------------------------------------------------------------


def test_the_excel_download_has_typed_cells(client_for, officer):
    support_with_suppliers()
    Contract.objects.update(title="=cmd|' /C calc'!A0")

    response = _get(client_for(officer), "xlsx", as_of="2026-11-22")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == XLSX
    assert 'filename="contracts-2026-11-22.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Reference", "Title", "Provider"]
    assert len(header) == len(EXPORT_COLUMNS)
    cells = dict(zip(EXPORT_COLUMNS, sheet[2]))

    whole_life = cells["whole_life_value"]
    assert (whole_life.data_type, whole_life.value) == ("n", 23940000)
    assert whole_life.number_format == "£#,##0.00"
    assert Decimal(str(cells["annual_value"].value)) == Decimal("2660000")
    start = cells["start_date"]
    assert start.is_date and start.value == datetime(2024, 10, 1)
    assert start.number_format == "dd mmm yyyy"
    assert cells["final_end_date"].value == datetime(2033, 9, 30)
    assert cells["options_exercised"].value == 0
    # Words for people, not the stored codes.
    assert (cells["status"].value, cells["route"].value) == ("Live", "Light touch")
    # Text that would run as a formula stays text.
    title = cells["title"]
    assert (title.data_type, title.value, title.quotePrefix) == ("s", "=cmd|' /C calc'!A0", True)
    assert sheet.freeze_panes == "A2"
    assert 8 <= sheet.column_dimensions["B"].width <= 62


def test_a_control_character_in_text_does_not_break_the_workbook(client_for, officer):
    support_at_home(description="Line one\x0bline two")
    sheet = load_workbook(io.BytesIO(_get(client_for(officer), "xlsx").content)).active
    cells = dict(zip(EXPORT_COLUMNS, sheet[2]))
    assert cells["description"].value == "Line oneline two"


# --- contracts whose start, end or value is not known ------------------------------


def _unknown(**fields) -> Contract:
    contract = Contract.objects.create(
        reference="UNK-1",
        title="Day opportunities (terms not known)",
        service_area=ServiceAreaFactory(),
        lead_commissioner=OrganisationFactory(name="London Borough of Bromley"),
        start_date=None,
        term="",
        annual_value=None,
        **({"end_date": None} | fields),
    )
    contract.providers.set([ProviderFactory(name="Unknown Care Ltd")])
    return (
        Contract.objects.select_related("service_area", "lead_commissioner")
        .prefetch_related("providers", "funding_shares__organisation", "options")
        .get(pk=contract.pk)
    )


def test_a_contract_with_unknown_facts_exports_blanks():
    contract = _unknown()
    today = date(2026, 11, 22)

    row = dict(zip(EXPORT_COLUMNS, publishing.export_row(contract, today=today)))
    assert row["reference"] == "UNK-1"
    for column in ("start_date", "annual_value", "current_end_date", "final_end_date", "status", "whole_life_value"):
        assert row[column] == "", column

    register = dict(zip(TRANSPARENCY_COLUMNS, publishing.transparency_values(contract, today=today)))
    assert (register["Contract start date"], register["End date"], register["Contract value"]) == ("", "", "")
    assert register["Effective Date"] == "22/11/2026"

    values = publishing.register_values(contract, today=today)
    sheet = load_workbook(io.BytesIO(publishing.register_workbook([values], today=today))).active
    assert dict(zip(EXPORT_COLUMNS, sheet[2]))["whole_life_value"].value is None

    release = publishing.ocds_release(contract, today=today)
    assert "value" not in release["contracts"][0] and "period" not in release["contracts"][0]
    _validate_package(publishing.ocds_package([release], uri="https://example.org/c.json", today=today))


def test_a_known_end_is_published_without_a_start():
    contract = _unknown(end_date=date(2027, 3, 31))
    today = date(2026, 11, 22)

    register = dict(zip(TRANSPARENCY_COLUMNS, publishing.transparency_values(contract, today=today)))
    assert (register["Contract start date"], register["End date"]) == ("", "31/03/2027")
    assert register["Last extension date"] == ""
    release = publishing.ocds_release(contract, today=today)
    assert release["awards"][0]["contractPeriod"] == {"endDate": "2027-03-31T23:59:59+01:00"}
    _validate_package(publishing.ocds_package([release], uri="https://example.org/c.json", today=today))


# --- the Transparency Code register --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last", "label"),
    [
        ("2026-Q1", date(2026, 4, 1), date(2026, 6, 30), "2026/27 Q1"),
        ("2026-Q2", date(2026, 7, 1), date(2026, 9, 30), "2026/27 Q2"),
        ("2026-Q3", date(2026, 10, 1), date(2026, 12, 31), "2026/27 Q3"),
        ("2026-Q4", date(2027, 1, 1), date(2027, 3, 31), "2026/27 Q4"),
        ("2027/28 q4", date(2028, 1, 1), date(2028, 3, 31), "2027/28 Q4"),  # 2028 is a leap year: still 31 Mar
        ("1999-Q4", date(2000, 1, 1), date(2000, 3, 31), "1999/00 Q4"),
    ],
)
def test_financial_year_quarters(text, first, last, label):
    quarter = parse_quarter(text)
    assert (quarter.first_day, quarter.last_day, quarter.label) == (first, last, label)
    assert Quarter.holding(first) == Quarter.holding(last) == quarter


@pytest.mark.parametrize("text", ["2026-Q5", "2026 quarter 3", "Q3", "2026-13", "0001-Q1"])
def test_a_quarter_that_is_not_one_is_refused_with_a_message(text):
    with pytest.raises(ValueError, match="is not a quarter"):
        parse_quarter(text)


def _transparency(client, **params) -> dict[str, dict[str, str]]:
    response = _get(client, "transparency", **params)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv_rows(response.content)
    assert rows == [] or list(rows[0]) == TRANSPARENCY_COLUMNS
    return {row["Contract Reference number / ID"]: row for row in rows}


def test_the_transparency_register_lists_contracts_live_in_the_quarter_over_5000(client_for, officer):
    support_with_suppliers()
    # 1 year from 1 Oct 2025: ends 30 Sep 2026, the day before 2026/27 Q3.
    ContractFactory(reference="ENDED", start_date=date(2025, 10, 1), term="1", annual_value=Decimal("60000"))
    ContractFactory(reference="LAST-DAY", start_date=date(2025, 10, 2), term="1", annual_value=Decimal("60000"))
    ContractFactory(reference="STARTS-LATER", start_date=date(2027, 1, 1), term="1", annual_value=Decimal("60000"))
    ContractFactory(reference="FIRST-DAY", start_date=date(2026, 12, 31), term="1", annual_value=Decimal("60000"))
    # £5,000 over the life is not over £5,000; a penny more is.
    ContractFactory(reference="AT-5000", start_date=date(2026, 4, 1), term="1", annual_value=Decimal("5000"))
    ContractFactory(reference="OVER-5000", start_date=date(2026, 4, 1), term="1", annual_value=Decimal("5000.01"))

    rows = _transparency(client_for(officer), quarter="2026-Q3", as_of="2026-12-31")

    assert sorted(rows) == ["FIRST-DAY", "LAST-DAY", "LBB-SAH-2024", "OVER-5000"]
    support = rows["LBB-SAH-2024"]
    assert support["Title of the Agreement"] == "Support at home"
    assert support["Description of goods and services"] == "Home support across the borough"
    assert support["Directorate / service responsible"] == "Adult Social Care"
    assert support["Supplier name"] == "Age Concern Bromley; Bromley Homecare Ltd"
    assert support["Supplier registered company number"] == "; 01234567"
    assert support["Supplier registered charity number"] == "1064342; "
    assert (support["SME supplier"], support["VCSE supplier"]) == ("No; Yes", "Yes; No")
    assert support["Contract start date"] == "01/10/2024"
    assert support["End date"] == "30/09/2029"
    assert support["Review date"] == "30/03/2029"
    assert support["Last extension date"] == "30/09/2033"
    assert support["Contract value"] == "23940000.00"
    assert support["Irrecoverable VAT"] == ""
    assert support["Procurement classification"] == "Social care services"
    assert support["Tender process type"] == "Published tender (light touch regime) (PCR 2015)"
    assert support["Effective Date"] == "31/12/2026"
    # No option: no extension date.
    assert rows["OVER-5000"]["Last extension date"] == ""
    assert rows["OVER-5000"]["Contract value"] == "5000.01"


def test_the_transparency_register_keeps_the_pages_filters_and_defaults_to_the_days_quarter(client_for, officer):
    support_at_home()
    ContractFactory(reference="OTHER", title="Other service")

    rows = _transparency(client_for(officer), q="support at home", as_of="2026-05-01")

    assert list(rows) == ["LBB-SAH-2024"]
    assert rows["LBB-SAH-2024"]["Effective Date"] == "01/05/2026"
    response = _get(client_for(officer), "transparency", quarter="2026-Q1", as_of="2026-05-01")
    assert 'filename="contracts-register-2026-Q1-as-of-2026-05-01.csv"' in response["Content-Disposition"]


def test_an_option_declined_leaves_no_extension_date(client_for, officer):
    contract = support_at_home()
    first = contract.options.get(order=1)
    services.option_decline(
        option=first, decided_by="Chief Officer", decided_on=date(2026, 6, 1), today=date(2026, 6, 1)
    )
    row = _transparency(client_for(officer), quarter="2026-Q3", as_of="2026-12-31")["LBB-SAH-2024"]
    assert (row["End date"], row["Last extension date"]) == ("30/09/2029", "")
    assert row["Contract value"] == "13300000.00"


def test_a_bad_quarter_on_the_page_gives_a_message_not_a_500(client_for, officer):
    response = _get(client_for(officer), "transparency", quarter="2026-Q9", as_of="2026-05-01")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("contracts:contract_list") + "?as_of=2026-05-01"
    page = client_for(officer).get(response["Location"]).content.decode()
    assert "is not a quarter" in page


@pytest.mark.parametrize(
    ("legislation", "route", "expected"),
    [
        ("pa_2023", "open_tender", "Published tender (Procurement Act 2023)"),
        ("pcr_2015", "below_threshold", "Invitation to quote (PCR 2015)"),
        ("psr", "direct_award", "Direct award (Provider Selection Regime)"),
        ("none", "waiver", "Direct award under a waiver of standing orders"),
        ("pa_2023", "call_off", "Call-off from a framework or dynamic market (Procurement Act 2023)"),
    ],
)
def test_tender_process_type(legislation, route, expected):
    assert publishing.tender_process_type(legislation, route) == expected


# --- OCDS --------------------------------------------------------------------------


def _validate_package(package: dict) -> None:
    release = json.loads((SCHEMAS / "release-schema.json").read_text())
    registry = Registry().with_resource(release["id"], Resource.from_contents(release))
    schema = json.loads((SCHEMAS / "release-package-schema.json").read_text())
    validator = jsonschema.Draft4Validator(schema, registry=registry, format_checker=jsonschema.FormatChecker())
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(package)]
    assert errors == []


def test_the_ocds_package_validates_and_maps_the_contract(client_for, officer):
    contract = support_with_suppliers()
    first = contract.options.get(order=1)
    services.option_exercise(
        option=first, decided_by="Chief Officer, Adult Social Care", decided_on=date(2029, 2, 1), today=date(2029, 2, 1)
    )

    response = _get(client_for(officer), "ocds", as_of="2029-06-01")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    assert 'filename="contracts-ocds-2029-06-01.json"' in response["Content-Disposition"]
    package = json.loads(response.content)
    _validate_package(package)
    assert package["publishedDate"] == "2029-06-01T00:00:00+01:00"
    [release] = package["releases"]
    assert release["ocid"] == "ocds-xxxxxx-LBB-SAH-2024"
    assert release["tag"] == ["award", "contract"]
    parties = {party["name"]: party for party in release["parties"]}
    assert parties["London Borough of Bromley"]["roles"] == ["buyer", "funder"]
    assert parties["South East London ICB"]["roles"] == ["funder"]
    assert release["buyer"]["name"] == "London Borough of Bromley"
    company = parties["Bromley Homecare Ltd"]
    assert company["identifier"] == {"scheme": "GB-COH", "id": "01234567", "legalName": "Bromley Homecare Ltd"}
    assert company["details"] == {"scale": "sme", "vcse": False}
    charity = parties["Age Concern Bromley"]
    assert (charity["identifier"]["scheme"], charity["identifier"]["id"]) == ("GB-CHC", "1064342")
    assert charity["details"] == {"vcse": True}

    [agreement] = release["contracts"]
    assert Decimal(str(agreement["value"]["amount"])) == Decimal("23940000.00")
    assert agreement["value"]["currency"] == "GBP"
    assert agreement["status"] == "active"
    assert agreement["period"] == {
        "startDate": "2024-10-01T00:00:00+01:00",
        "endDate": "2031-09-30T23:59:59+01:00",
        "maxExtentDate": "2033-09-30T23:59:59+01:00",
    }
    [amendment] = agreement["amendments"]
    assert amendment["date"] == "2029-02-01T00:00:00+00:00"
    assert amendment["rationale"] == "Option 1 exercised"
    assert "2029-10-01 to 2031-09-30" in amendment["description"]
    [award] = release["awards"]
    assert {supplier["name"] for supplier in award["suppliers"]} == {"Bromley Homecare Ltd", "Age Concern Bromley"}
    assert award["contractPeriod"]["endDate"] == "2029-09-30T23:59:59+01:00"

    # On a day before the decision, the option is not an amendment.
    earlier = json.loads(_get(client_for(officer), "ocds", as_of="2029-01-31").content)
    assert earlier["releases"][0]["contracts"][0]["amendments"] == []


def test_an_amount_reads_back_as_the_same_money():
    for value in ("0.01", "1595000.01", "999999999999.99", "5988073.00"):
        text = publishing.ocds_document({"value": publishing._amount(Decimal(value))})
        assert f'"amount": {value},' in text  # a JSON number with the money's own digits
        assert json.loads(text, parse_float=Decimal)["value"]["amount"] == Decimal(value)


def test_the_ocds_document_is_written_as_json_writes_it():
    package = {
        "uri": "https://example.org/é",
        "releases": [{"tag": ["award", "contract"], "n": 3, "ok": True}],
        "x": [],
        "y": {},
        "z": None,
    }
    assert publishing.ocds_document(package) == json.dumps(package, ensure_ascii=False, indent=2) + "\n"


# --- every download: permissions and queries --------------------------------------------

FORMATS = ["csv", "xlsx", "transparency", "ocds"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_download_requires_login(client, fmt):
    response = _get(client, fmt)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_download_requires_a_role(client_for, nobody, fmt):
    assert _get(client_for(nobody), fmt).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("user", ["officer", "clerk", "manager"])
def test_every_role_may_download(client_for, request, user):
    support_at_home()
    response = _get(client_for(request.getfixturevalue(user)), "xlsx")
    assert response.status_code == HTTPStatus.OK


def test_an_unknown_format_is_not_found(client_for, officer):
    assert _get(client_for(officer), "pdf").status_code == HTTPStatus.NOT_FOUND


def test_the_list_offers_every_download_with_its_filters(client_for, officer):
    support_at_home()
    page = client_for(officer).get(reverse("contracts:contract_list"), {"q": "home", "as_of": "2026-11-22"})
    html = page.content.decode()
    assert reverse("contracts:contract_export_as", args=["xlsx"]) + "?q=home&amp;as_of=2026-11-22" in html
    assert reverse("contracts:contract_export_as", args=["ocds"]) + "?q=home&amp;as_of=2026-11-22" in html
    assert "?quarter=2026-Q3&amp;q=home&amp;as_of=2026-11-22" in html
    assert "2026/27 Q2" in html


@pytest.mark.parametrize("fmt", FORMATS)
def test_download_queries_do_not_grow_with_rows(client_for, officer, django_assert_max_num_queries, fmt):
    client = client_for(officer)

    def make(count):
        for _ in range(count):
            contract = ContractFactory(providers=[ProviderFactory(), ProviderFactory()])
            services.option_exercise(
                option=contract.options.get(order=1),
                decided_by="Chief Officer",
                decided_on=date(2026, 1, 5),
                today=date(2026, 1, 5),
            )

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = _get(client, fmt, as_of="2026-11-22")
            assert response.status_code == HTTPStatus.OK
        return len(captured)

    make(5)
    with_5 = queries()
    make(45)
    with django_assert_max_num_queries(with_5):
        response = _get(client, fmt, as_of="2026-11-22")
    assert response.status_code == HTTPStatus.OK
    assert _row_count(fmt, response.content) == 50


def _row_count(fmt: str, content: bytes) -> int:
    if fmt == "xlsx":
        return load_workbook(io.BytesIO(content)).active.max_row - 1
    if fmt == "ocds":
        return len(json.loads(content)["releases"])
    return len(_csv_rows(content))


# --- the command ------------------------------------------------------------------------


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("export_contracts", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_each_format_to_a_file(tmp_path):
    support_with_suppliers()

    path = tmp_path / "register.xlsx"
    message = _command("--format", "xlsx", "--as-of", "2026-11-22", str(path))
    assert message.strip() == f"Exported 1 contract as of 2026-11-22 to {path}."
    sheet = load_workbook(path).active
    assert sheet["A2"].value == "LBB-SAH-2024"

    path = tmp_path / "register.csv"
    _command("--format", "transparency", "--quarter", "2026-Q3", str(path))
    rows = _csv_rows(path.read_bytes())
    assert [row["Effective Date"] for row in rows] == ["31/12/2026"]  # the quarter's last day

    path = tmp_path / "ocds.json"
    _command("--format", "ocds", "--as-of", "2026-11-22", str(path))
    package = json.loads(path.read_text(encoding="utf-8"))
    _validate_package(package)
    assert package["uri"] == path.resolve().as_uri()


def test_the_command_writes_text_formats_to_standard_output():
    support_at_home()
    rows = list(csv.DictReader(io.StringIO(_command("--format", "transparency", "--as-of", "2026-11-22"))))
    assert [(row["Contract Reference number / ID"], row["Effective Date"]) for row in rows] == [
        ("LBB-SAH-2024", "22/11/2026")
    ]
    package = json.loads(_command("--format", "ocds", "--as-of", "2026-11-22"))
    assert [release["ocid"] for release in package["releases"]] == ["ocds-xxxxxx-LBB-SAH-2024"]


def test_the_command_writes_a_workbook_to_a_binary_standard_output():
    support_at_home()
    binary = io.BytesIO()
    out = io.TextIOWrapper(binary, encoding="utf-8")
    call_command("export_contracts", "--format", "xlsx", "--as-of", "2026-11-22", stdout=out)
    sheet = load_workbook(io.BytesIO(binary.getvalue())).active
    assert [cell.value for cell in sheet["A"]] == ["Reference", "LBB-SAH-2024"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2026-Q3"], "--quarter is for --format transparency only."),
        (["--format", "transparency", "--quarter", "26Q3"], '--quarter "26Q3" is not a quarter'),
        (["--format", "xlsx"], "An Excel workbook is binary: give a FILE"),
    ],
)
def test_the_command_refuses_what_it_cannot_do(args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(".", r"\.")):
        _command(*args)


def test_the_export_rows_load_their_options_once(django_assert_max_num_queries):
    for _ in range(3):
        ContractFactory()
    with django_assert_max_num_queries(6):
        for contract in contract_export_rows(filters={}, today=date(2026, 11, 22)):
            publishing.ocds_release(contract, today=date(2026, 11, 22))
    assert ContractOption.objects.count() == 6
