"""Reading a council's contract register from a file: no Django, no database.

A register comes as CSV (UTF-8, or Windows-1252 from older spreadsheets) or
XLSX, with our own export's columns, the Transparency Code's or Contracts
Finder's. `read_table` turns the bytes into text cells with the line each row
is on; `match_headers` says which column holds which of the app's fields;
`read_rows` reads every row into plain values, or the reasons it cannot be.
Saving is `contracts.importing`'s job.
"""

import csv
import hashlib
import html
import io
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Generic, Literal, TypeVar

from commissioning.core.formatting import format_day
from contracts.csv_format import COMPUTED_COLUMNS
from contracts.money import annual_value_for, check_shares, to_money
from contracts.regime import LEGISLATION_LABELS, OLD_REGIMES, ROUTE_LABELS, split_regime
from contracts.terms import TermError, months_between, parse_term

ValueBasis = Literal["whole", "annual"]
VALUE_BASES: tuple[ValueBasis, ...] = ("whole", "annual")

# --- the file -----------------------------------------------------------------------------------


class FileError(ValueError):
    """The file as a whole cannot be read; the message says why, for an officer."""


@dataclass(frozen=True)
class RegisterTable:
    encoding: str | None  # None: a spreadsheet, which has no text encoding
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (line as the officer sees it, cells)


_XLSX_SIGNATURE = b"PK\x03\x04"
# How often a long read reports its progress, in rows.
PROGRESS_ROWS = 200
_DELIMITERS = (",", ";", "\t")


def read_table(data: bytes, *, filename: str) -> RegisterTable:
    """The file's header and rows as text. Raises `FileError`."""
    if not data.strip():
        raise FileError("The file is empty.")
    name = filename.lower()
    if name.endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError("This is an old Excel (.xls) file: save it as .xlsx or as CSV and try again.")
    if name.endswith((".xlsx", ".xlsm")) or data.startswith(_XLSX_SIGNATURE):
        return _read_xlsx(data)
    return _read_csv(data)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileError("The file is UTF-16 text: save it from the spreadsheet as CSV UTF-8.")
    # A stray NUL is a bad cell (its row is refused); many of them are a file that is not text.
    if data[:4096].count(b"\x00") * 10 > len(data[:4096]):
        raise FileError("The file is not a CSV or XLSX file: it holds binary data.")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError:
            raise FileError("The file says it is UTF-8 but is not: save it again as CSV UTF-8.") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise FileError("The file's text is neither UTF-8 nor Windows-1252: save it again as CSV UTF-8.") from None


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    # Outside quotes only: a quoted header may hold a comma.
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _is_blank(cells: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _table(encoding: str | None, numbered: list[tuple[int, tuple[str, ...]]]) -> RegisterTable:
    numbered = [(line, cells) for line, cells in numbered if not _is_blank(cells)]
    if not numbered:
        raise FileError("The file has no header row: its first row must name the columns.")
    (_, headers), *rows = numbered
    headers = tuple(header.strip() for header in headers)
    # Spreadsheets pad rows with empty cells past the last column.
    while headers and not headers[-1]:
        headers = headers[:-1]
    return RegisterTable(encoding=encoding, headers=headers, rows=tuple(rows))


def _read_csv(data: bytes) -> RegisterTable:
    text, encoding = _decode(data)
    # strict: a quote left open is an error, not the rest of the file read as one cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    numbered = []
    line = 1
    try:
        for cells in reader:
            numbered.append((line, tuple(cells)))
            line = reader.line_num + 1
    except csv.Error as error:
        raise FileError(f"Line {reader.line_num}: the CSV cannot be read: {error}.") from None
    return _table(encoding, numbered)


def _read_xlsx(data: bytes) -> RegisterTable:
    # Imported here: only spreadsheets need it, and it is slow to import.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise FileError("The file is not a spreadsheet that can be read: save it as .xlsx or CSV.") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileError("The spreadsheet has no sheets.")
        numbered = [
            (line, tuple(cell_text(value) for value in values))
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
    return _table(None, numbered)


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text it shows: a date as its ISO day, a number without float noise."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value)


# --- the header ---------------------------------------------------------------------------------

FIELDS: dict[str, str] = {
    "reference": "Contract reference",
    "title": "Title",
    "description": "Description of goods and services",
    "provider": "Supplier (provider) name",
    "companies_house_number": "Supplier's Companies House number",
    "charity_number": "Supplier's charity number",
    "sme": "SME supplier",
    "vcse": "VCSE supplier",
    "service_area": "Service area",
    "directorate": "Directorate or service responsible",
    "procurement_classification": "Procurement classification",
    "contract_type": "Contract type",
    "legislation": "Legislation",
    "route": "Route (tender process type)",
    "regime": "Procurement regime (older files)",
    "lead_commissioner": "Lead commissioner (organisation)",
    "funding": "Funding shares",
    "start_date": "Start date",
    "end_date": "End date",
    "term": "Term",
    "review_date": "Review date",
    "last_extension_date": "Last extension date",
    "options_exercised": "Options exercised",
    "annual_value": "Annual value",
    "contract_value": "Contract value (whole contract)",
    "approved_value": "Approved value",
    "as_at": "Effective date of the register",
}
# A register without these cannot be read at all; every other field may be missing.
REQUIRED = ("title", "provider")
# The fields that, left blank, keep a row but mark it incomplete.
KEY_FIELDS = ("start_date", "end_date", "value")
IGNORE = ""

# Other names for each field: our export's columns, the Transparency Code's and
# Contracts Finder's. Compared by `normalise_header`, so case, spaces and punctuation do not matter.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "reference": (
        "reference",
        "contract reference",
        "contract reference number",
        "contract reference number / id",
        "contract ref",
        "contract id",
        "reference number",
        "ref",
        "notice identifier",
    ),
    "title": ("title", "title of the agreement", "contract title", "agreement title", "contract name"),
    "description": (
        "description",
        "description of goods and services",
        "description of goods / services",
        "contract description",
    ),
    "provider": (
        "provider",
        "providers",
        "supplier",
        "supplier name",
        "suppliers",
        "name of supplier",
        "awarded to",
        "contractor",
    ),
    "companies_house_number": (
        "companies house number",
        "supplier registered company number",
        "company number",
        "company registration number",
        "registered company number",
    ),
    "charity_number": (
        "charity number",
        "supplier registered charity number",
        "registered charity number",
    ),
    "sme": ("sme", "sme supplier", "is sme", "supplier is sme", "sme (y/n)"),
    "vcse": ("vcse", "vcse supplier", "is vcse", "supplier is vcse", "vcse (y/n)"),
    "service_area": ("service area", "service_area"),
    "directorate": (
        "directorate",
        "directorate / service responsible",
        "department / directorate / service responsible",
        "department",
        "service responsible",
        "responsible department",
    ),
    "procurement_classification": ("procurement classification", "classification", "cpv codes", "cpv code"),
    "contract_type": ("contract type", "contract_type", "type of contract"),
    "legislation": ("legislation",),
    "route": (
        "route",
        "tender process type",
        "procurement route",
        "procurement process",
        "procedure type",
        "invitation to quote / published tender",
    ),
    "regime": ("procurement regime", "procurement_regime", "regime"),
    "lead_commissioner": ("lead commissioner", "lead_commissioner", "organisation name", "organisation"),
    "funding": ("funding", "funding shares"),
    "start_date": ("start date", "start_date", "contract start date", "date of start", "contract start"),
    "end_date": ("end date", "contract end date", "expiry date", "contract end", "end_date"),
    "term": ("term",),
    "review_date": ("review date", "contract review date"),
    "last_extension_date": ("last extension date", "extension end date", "end date including extensions"),
    "options_exercised": ("options exercised", "options_exercised"),
    "annual_value": (
        "annual value",
        "annual_value",
        "estimated annual value",
        "value per annum",
        "annual contract value",
    ),
    "contract_value": (
        "contract value",
        "total contract value",
        "value of contract",
        "whole life value",
        "awarded value",
        "value",
    ),
    "approved_value": ("approved value", "approved_value"),
    "as_at": ("effective date", "as at", "as at date", "register date"),
    # Known columns the app does not keep: named so they are not reported as unknown.
    IGNORE: (
        # Our export's computed columns: the import works them out again.
        *COMPUTED_COLUMNS,
        # Transparency Code columns with nothing to hold them here.
        "organisation code",
        "fixed cost / estimated cost",
        "irrecoverable vat",
        "vat",
        "responsible officer",
        "contract manager",
        "extension period",
    ),
}


def normalise_header(text: str) -> str:
    """A column name without case, spacing or punctuation: "Contract Reference number / ID" → "contractreferencenumberid"."""
    text = html.unescape(text).lower().replace("&", "and")
    return re.sub(r"[^a-z0-9]", "", text)


_FIELD_OF: dict[str, str] = {normalise_header(name): key for key, names in _SYNONYMS.items() for name in names} | {
    normalise_header(label): key for key, label in FIELDS.items()
}


@dataclass(frozen=True)
class HeaderMatch:
    mapping: dict[str, str]  # header → field key
    unknown: tuple[str, ...]  # headers not recognised: ignored
    ignored: tuple[str, ...]  # headers recognised (or remembered) as not kept
    missing: tuple[str, ...]  # required fields no header holds
    repeated: tuple[str, ...]  # field keys more than one header holds (the first is used)

    @property
    def problems(self) -> list[str]:
        """What stops the file being read at all."""
        problems = []
        if self.missing:
            problems.append(f"no column holds the {_join(FIELDS[key].lower() for key in self.missing)}")
        if self.repeated:
            problems.append(f"more than one column holds the {_join(FIELDS[key].lower() for key in self.repeated)}")
        return problems


def _join(words) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def match_headers(headers: Sequence[str], *, remembered: Mapping[str, str] = {}) -> HeaderMatch:
    """Which column holds which field. `remembered` (normalised header → field key,
    or "" to ignore it) is what an officer chose before, and comes first."""
    mapping: dict[str, str] = {}
    unknown, ignored = [], []
    holders: dict[str, list[str]] = {}
    for header in headers:
        normal = normalise_header(header)
        key = remembered.get(normal, _FIELD_OF.get(normal))
        if key is None:
            if header.strip():
                unknown.append(header)
            continue
        if key == IGNORE or key not in FIELDS:
            ignored.append(header)
            continue
        mapping[header] = key
        holders.setdefault(key, []).append(header)
    # Several supplier columns are read together; any other field is held once.
    repeated = [key for key, names in holders.items() if len(names) > 1 and key != "provider"]
    # A file with both the old regime column and the new ones reads the new ones.
    if "regime" in holders and ("legislation" in holders or "route" in holders):
        repeated.append("regime")
    missing = [key for key in REQUIRED if key not in holders]
    return HeaderMatch(
        mapping=mapping,
        unknown=tuple(unknown),
        ignored=tuple(ignored),
        missing=tuple(missing),
        repeated=tuple(repeated),
    )


# --- cells --------------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read: the row is rejected with this message."""


_T = TypeVar("_T")


@dataclass(frozen=True)
class Read(Generic[_T]):
    """A cell's value and any warning about how it was read."""

    value: _T
    warning: str = ""


_SHOWN_LENGTH = 60


def shown(text: str) -> str:
    """A value as a message quotes it: short, and only printable characters."""
    printable = "".join(character for character in text if character.isprintable())
    return printable if len(printable) <= _SHOWN_LENGTH else printable[: _SHOWN_LENGTH - 1] + "…"


def clean_text(text: str) -> str:
    """HTML entities decoded ("&amp;" → "&"), spaces collapsed."""
    return " ".join(html.unescape(text).split())


# Dates a register writes when a contract has no fixed end (or start).
PLACEHOLDER_DATES = frozenset(
    {
        date(1899, 12, 31),
        date(1900, 1, 1),
        date(2000, 1, 1),
        date(2049, 12, 31),
        date(2050, 12, 31),
        date(2099, 12, 31),
        date(2999, 12, 31),
        date(9999, 12, 31),
    }
)
NO_FIXED_DATE = "no fixed date"

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
_NUMERIC_DATE = re.compile(r"(?P<day>[0-9]{1,2})[/.-](?P<month>[0-9]{1,2})[/.-](?P<year>[0-9]{4}|[0-9]{2})")
_NAMED_DATE = re.compile(r"(?P<day>[0-9]{1,2})[-/ ](?P<month>[a-z]{3,9})\.?[-/ ](?P<year>[0-9]{4}|[0-9]{2})", re.I)
_ISO_DATE = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?"
)
_DATE_FORMS = "DD/MM/YYYY, 01-Apr-2013 or YYYY-MM-DD"


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        # Two-digit years in registers are this century's, bar the very oldest.
        year += 2000 if year < 70 else 1900
    return year


def read_date(text: str, *, what: str) -> Read[date | None]:
    """A day written DD/MM/YYYY, D/M/YY, 01-Apr-2013, 1 April 2013 or ISO (a date-time
    keeps the day as written, never moved to another time zone). Blank is unknown;
    a placeholder such as 31/12/2099 is unknown too, with a warning."""
    text = clean_text(text)
    if not text:
        return Read(None)
    found = _ISO_DATE.fullmatch(text) or _NUMERIC_DATE.fullmatch(text)
    if found is not None:
        day, month, year = int(found["day"]), int(found["month"]), _year(found["year"])
    elif (found := _NAMED_DATE.fullmatch(text)) is not None:
        month = _MONTHS.get(found["month"][:3].lower())
        if month is None or (len(found["month"]) > 3 and not _is_month_name(found["month"])):
            raise CellError(f"{what} {shown(text)} is not a date: write it as {_DATE_FORMS}")
        day, year = int(found["day"]), _year(found["year"])
    else:
        raise CellError(f"{what} {shown(text)} is not a date: write it as {_DATE_FORMS}")
    try:
        day = date(year, month, day)
    except ValueError:
        raise CellError(f"{what} {shown(text)} is not a real date") from None
    if day in PLACEHOLDER_DATES:
        return Read(None, f"{what} {shown(text)} read as {NO_FIXED_DATE}")
    return Read(day)


def _is_month_name(text: str) -> bool:
    names = (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "sept",
    )
    return text.lower().rstrip(".") in names


_AMOUNT = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+")
_HUNDREDTH = Decimal("0.01")
MOST_MONEY = Decimal("999999999999.99")  # what the register's money columns hold


def read_money(text: str, *, what: str) -> Decimal | None:
    """Pounds: "2660000", "£2,660,000.00", "£ 2 660 000", "2660000.5". Blank is unknown.
    Negative amounts, "-5" or "(3728)", are refused: a contract's value is never below nothing."""
    text = clean_text(text)
    cleaned = text.replace("£", "").replace(" ", "").replace("\u00a0", "").upper().removeprefix("GBP")
    if not cleaned or cleaned in {"-", "N/A", "NA", "TBC", "UNKNOWN", "NONE", "NIL"}:
        return None
    negative = cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")"))
    digits = cleaned.strip("()").removeprefix("-").replace("£", "")
    if not _AMOUNT.fullmatch(digits):
        raise CellError(f"{what} {shown(text)} is not an amount of money")
    if negative:
        raise CellError(f"{what} {shown(text)} is negative: a value must be £0.00 or more")
    try:
        amount = Decimal(digits.replace(",", ""))
    except InvalidOperation:
        raise CellError(f"{what} {shown(text)} is not an amount of money") from None
    if amount != amount.quantize(_HUNDREDTH):
        raise CellError(f"{what} {shown(text)} has more than 2 decimal places")
    if amount > MOST_MONEY:
        raise CellError(f"{what} {shown(text)} is more than £{MOST_MONEY:,}")
    return amount


_SUPPLIER_SEPARATORS = re.compile(r"\s*(?:;|\n|\r|\s\|\s)\s*")


def read_suppliers(cells: Sequence[str]) -> tuple[str, ...]:
    """Supplier names from one or more cells, each cell split only where the split
    cannot be inside a name (";", a new line, " | "): never on a comma, "&" or "and"."""
    names: list[str] = []
    for cell in cells:
        for part in _SUPPLIER_SEPARATORS.split(html.unescape(cell)):
            name = clean_text(part)
            if name and name.lower() not in {known.lower() for known in names}:
                names.append(name)
    return tuple(names)


_CH_PREFIXED = re.compile(r"(?P<prefix>[A-Z]{2})(?P<digits>[0-9]{1,6})")
_CH_PREFIXES = frozenset(
    {
        "SC",
        "NI",
        "OC",
        "SO",
        "NC",
        "FC",
        "SF",
        "NF",
        "GE",
        "LP",
        "SL",
        "NL",
        "R0",
        "SE",
        "SG",
        "ES",
        "CE",
        "CS",
        "IC",
        "SI",
        "NO",
        "RC",
        "SA",
        "SP",
        "SR",
        "SZ",
        "ZC",
        "IP",
        "RS",
        "NP",
        "NR",
        "NZ",
    }
)
# Mutual societies are on the FCA's register, not Companies House: IP12345R, RS007777.
_MUTUAL = re.compile(r"(?:IP[0-9]+R?|RS[0-9]+|[0-9]+R)")
_MUTUAL_PREFIXES = ("IP", "RS")


def read_companies_house_number(text: str) -> Read[str]:
    """A Companies House number as 8 characters: 1234567 → 01234567, "SC 123456" → SC123456,
    "GB/01234567" → 01234567. A mutual society's number (IP12345R, RS007777) is not one:
    it is left out, with a warning."""
    original = clean_text(text)
    cleaned = re.sub(r"[\s.\-]", "", original.upper())
    cleaned = cleaned.removeprefix("GB/").removeprefix("GB")
    if not cleaned or cleaned in {"N/A", "NA", "NONE", "0"}:
        return Read("")
    if cleaned.isdigit() and len(cleaned) <= 8:
        return Read(cleaned.zfill(8))
    if _MUTUAL.fullmatch(cleaned) and cleaned.startswith(_MUTUAL_PREFIXES + tuple("0123456789")):
        return Read(
            "", f"company number {shown(original)} is a mutual society's number, not Companies House's: not kept"
        )
    found = _CH_PREFIXED.fullmatch(cleaned)
    if found and found["prefix"] in _CH_PREFIXES:
        return Read(found["prefix"] + found["digits"].zfill(6))
    return Read("", f"company number {shown(original)} is not a Companies House number: not kept")


_CHARITY = re.compile(r"(?P<number>[0-9]{6,8})(?:-(?P<part>[0-9]+))?")


def read_charity_number(text: str) -> Read[str]:
    """A registered charity number: 6 to 8 digits, with an optional "-1" for a linked charity."""
    original = clean_text(text)
    cleaned = re.sub(r"\s", "", original)
    if not cleaned or cleaned.upper() in {"N/A", "NA", "NONE", "0"}:
        return Read("")
    if _CHARITY.fullmatch(cleaned) and len(cleaned) <= 12:
        return Read(cleaned)
    return Read("", f"charity number {shown(original)} is not a charity number: not kept")


_YES = frozenset({"yes", "y", "true", "1", "x"})
_NO = frozenset({"no", "n", "false", "0"})


def read_flag(text: str, *, what: str) -> bool | None:
    """yes/no, y/n, true/false, 1/0; blank is unknown."""
    cleaned = clean_text(text).lower()
    if not cleaned or cleaned in {"n/a", "na", "unknown", "not known", "-"}:
        return None
    if cleaned in _YES:
        return True
    if cleaned in _NO:
        return False
    raise CellError(f"{what} {shown(text)} is not yes or no")


CONTRACT_TYPES = ("block", "framework", "spot", "grant")  # the model's choices, in its order
_CONTRACT_TYPES = {kind: kind for kind in CONTRACT_TYPES} | {
    "spot purchase": "spot",
    "block contract": "block",
    "framework agreement": "framework",
}
_LEGISLATIONS = (
    {key: key for key in LEGISLATION_LABELS}
    | {normalise_header(label): key for key, label in LEGISLATION_LABELS.items()}
    | {"pcr2015": "pcr_2015", "pcr": "pcr_2015", "pa2023": "pa_2023", "procurementact2023": "pa_2023", "psr": "psr"}
)
# Words in a "tender process type" cell, first match wins.
_ROUTE_WORDS = (
    ("light touch", "light_touch"),
    ("waiver", "waiver"),
    ("exempt", "waiver"),
    ("direct", "direct_award"),
    ("call off", "call_off"),
    ("call-off", "call_off"),
    ("mini competition", "call_off"),
    ("framework", "call_off"),
    ("dynamic", "call_off"),
    ("quot", "below_threshold"),
    ("below threshold", "below_threshold"),
    ("open", "open_tender"),
    ("restricted", "open_tender"),
    ("tender", "open_tender"),
    ("competitive", "open_tender"),
)
_ROUTES = {key: key for key in ROUTE_LABELS} | {normalise_header(label): key for key, label in ROUTE_LABELS.items()}
_OLD_REGIMES = {key: key for key in OLD_REGIMES} | {
    "lighttouchregime": "light_touch",
    "lighttouch": "light_touch",
    "publiccontractsregulations2015": "pcr_2015",
    "procurementact2023": "pa_2023",
    "providerselectionregime": "psr",
    "belowthreshold": "below_threshold",
    "waiverexemptfromtender": "waiver",
}


def read_contract_type(text: str) -> str | None:
    cleaned = clean_text(text).lower()
    if not cleaned:
        return None
    try:
        return _CONTRACT_TYPES[cleaned]
    except KeyError:
        raise CellError(f'contract type "{shown(text)}" is not one of {", ".join(CONTRACT_TYPES)}') from None


def read_legislation(text: str) -> str | None:
    if not clean_text(text):
        return None
    key = _LEGISLATIONS.get(clean_text(text).lower()) or _LEGISLATIONS.get(normalise_header(text))
    if key is None:
        raise CellError(f'legislation "{shown(text)}" is not one of {", ".join(LEGISLATION_LABELS)}')
    return key


_LAW_IN_BRACKETS = re.compile(r"\((?P<law>[^()]*)\)\s*$")


def _split_law(text: str) -> tuple[str, str | None]:
    """A tender process type without the law named in brackets at its end, and
    that law: "Published tender (PCR 2015)" → ("Published tender", "pcr_2015")."""
    cleaned = clean_text(text)
    found = _LAW_IN_BRACKETS.search(cleaned)
    if found is not None:
        key = _LEGISLATIONS.get(normalise_header(found["law"]))
        if key is not None:
            return cleaned[: found.start()].strip(), key
    return cleaned, None


def read_tender_law(text: str) -> str | None:
    """The legislation a "tender process type" names in brackets at its end, as
    our Transparency Code export writes it ("Direct award (Provider Selection
    Regime)"); None when it names none."""
    return _split_law(text)[1]


def read_route(text: str) -> Read[str | None]:
    """A route, from our values or a register's "tender process type" in words
    (any law named in brackets at its end is `read_tender_law`'s)."""
    text = _split_law(text)[0]
    cleaned = text.lower()
    if not cleaned:
        return Read(None)
    if (key := _ROUTES.get(cleaned) or _ROUTES.get(normalise_header(text))) is not None:
        return Read(key)
    for words, key in _ROUTE_WORDS:
        if words in cleaned:
            return Read(key)
    return Read(
        None, f'route "{shown(text)}" not recognised: the route is not changed (a new contract takes light touch)'
    )


def read_regime(text: str, *, start: date | None) -> tuple[str, str]:
    key = _OLD_REGIMES.get(clean_text(text).lower()) or _OLD_REGIMES.get(normalise_header(text))
    if key is None:
        raise CellError(f'regime "{shown(text)}" is not one of {", ".join(OLD_REGIMES)}')
    return split_regime(key, start_date=start)


_PERCENT = re.compile(r"[0-9]{1,3}(?:\.[0-9]+)?")
_FUNDING_EXAMPLE = '"London Borough of Bromley:50; South East London ICB:50"'


def read_funding(text: str) -> tuple[tuple[str, Decimal], ...]:
    """ "Organisation:percent; Organisation:percent"; empty for none (the lead commissioner pays)."""
    funding: list[tuple[str, Decimal]] = []
    for part in (part.strip() for part in clean_text(text).split(";")):
        if not part:
            continue
        organisation, colon, percent = part.rpartition(":")
        organisation = clean_text(organisation)
        if not colon or not organisation:
            raise CellError(f'funding "{shown(part)}" is not written as Organisation:percent (e.g. {_FUNDING_EXAMPLE})')
        if organisation.lower() in {known.lower() for known, _ in funding}:
            raise CellError(f"funding names {organisation} more than once")
        cleaned = percent.strip().removesuffix("%").strip()
        if not _PERCENT.fullmatch(cleaned):
            raise CellError(f'funding share "{shown(part)}": {shown(cleaned)} is not a percentage')
        share = Decimal(cleaned)
        if not 0 < share <= 100:
            raise CellError(f'funding share "{shown(part)}" must be more than 0% and at most 100%')
        if share != share.quantize(_HUNDREDTH):
            raise CellError(f'funding share "{shown(part)}" has more than 2 decimal places')
        funding.append((organisation, share))
    if funding:
        try:
            check_shares(funding)
        except ValueError as error:
            raise CellError(str(error)) from None
    return tuple(funding)


def read_whole_number(text: str, *, what: str) -> int | None:
    cleaned = clean_text(text)
    if not cleaned:
        return None
    if not re.fullmatch(r"[0-9]{1,3}", cleaned):
        raise CellError(f"{what} {shown(cleaned)} is not a whole number")
    return int(cleaned)


# --- rows ---------------------------------------------------------------------------------------

Outcome = Literal["accepted", "warnings", "incomplete", "rejected"]
OUTCOMES: tuple[Outcome, ...] = ("accepted", "warnings", "incomplete", "rejected")


@dataclass(frozen=True)
class RegisterRow:
    """One contract as the register gives it; None is unknown (or, for an existing
    contract, "not in the file": it keeps what it holds)."""

    reference: str
    reference_given: bool  # False: generated, as the register left it blank
    title: str
    description: str | None
    providers: tuple[str, ...]
    # One per supplier, in the order of `providers` ("" or None: not given); None: no such column.
    companies_house_number: tuple[str, ...] | None
    charity_number: tuple[str, ...] | None
    sme: tuple[bool | None, ...]
    vcse: tuple[bool | None, ...]
    service_area: str
    directorate: str | None
    procurement_classification: str | None
    contract_type: str | None
    legislation: str | None
    route: str | None
    lead_commissioner: str
    funding: tuple[tuple[str, Decimal], ...] | None
    start_date: date | None
    end_date: date | None
    term: str | None  # as given, checked; None: not in the file
    term_parts: tuple[int, ...] | None
    review_date: date | None
    last_extension_date: date | None
    options_exercised: int | None
    annual_value: Decimal | None
    approved_value: Decimal | None
    given: frozenset[str]  # the fields the file has a column for
    # The register, as at its date, lists the contract past its end date: the
    # option to the last extension date had been taken by then.
    extension_taken: bool = False


@dataclass
class RowOutcome:
    line: int
    outcome: Outcome
    reference: str
    row: RegisterRow | None = None
    warnings: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # key facts unknown: "start date", "end date", "value"
    reasons: list[str] = field(default_factory=list)  # why it is rejected

    def reject(self, reason: str) -> None:
        self.reasons.append(reason)
        self.outcome = "rejected"


def generated_reference(title: str, supplier: str, start: date | None) -> str:
    """A stable key for a row without a reference: the same row gives the same key at every import."""
    key = "|".join([normalise_header(title), normalise_header(supplier), start.isoformat() if start else ""])
    return "REG-" + hashlib.sha256(key.encode()).hexdigest()[:10].upper()


def annual_from_whole(whole: Decimal, lengths: Sequence) -> Read[Decimal]:
    """The annual value whose whole-life value over the periods of `lengths`
    (months, as `terms.months_between` gives them) is `whole`, to the penny, so
    that the register's value comes back unchanged; when no annual value to the
    penny does that, the nearest, with a warning."""
    try:
        return Read(annual_value_for(whole, lengths))
    except ValueError:
        months = sum(lengths, Fraction(0))
        annual = to_money(whole * 12 * months.denominator / months.numerator)
        return Read(
            annual,
            f"no annual value to the penny gives the contract value £{whole:,.2f} exactly; "
            f"£{annual:,.2f} a year is kept",
        )


class _Cells:
    """One row's cells by field key."""

    def __init__(self, headers: Sequence[str], cells: Sequence[str], mapping: Mapping[str, str]):
        self.by_field: dict[str, list[str]] = {}
        for index, header in enumerate(headers):
            key = mapping.get(header)
            if key:
                self.by_field.setdefault(key, []).append(cells[index] if index < len(cells) else "")

    def __contains__(self, key: str) -> bool:
        return key in self.by_field

    def get(self, key: str) -> str:
        # Repeated columns (several supplier columns) are read by `all`; others take the first.
        return (self.by_field.get(key) or [""])[0]

    def all(self, key: str) -> list[str]:
        return self.by_field.get(key, [])


def _exact_key(cells: Sequence[str]) -> tuple[str, ...]:
    key = tuple(clean_text(cell) for cell in cells)
    while key and not key[-1]:
        key = key[:-1]
    return key


@dataclass
class ReadResult:
    outcomes: list[RowOutcome]
    duplicates_dropped: int
    as_at: date | None


def read_rows(
    table: RegisterTable,
    mapping: Mapping[str, str],
    *,
    as_at: date | None,
    value_basis: ValueBasis,
    lead_commissioner: str = "",
) -> list[RowOutcome]:
    """Every row of the table read by `mapping` (header → field key); see `read_register`."""
    return read_register(
        table, mapping, as_at=as_at, value_basis=value_basis, lead_commissioner=lead_commissioner
    ).outcomes


def read_register(
    table: RegisterTable,
    mapping: Mapping[str, str],
    *,
    as_at: date | None,
    value_basis: ValueBasis,
    lead_commissioner: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> ReadResult:
    """Every row read, with exact duplicate rows dropped (and counted), blank references
    given a stable generated one, and a reference repeated for different contracts
    kept on both, the later ones as "REF (2)", "REF (3)". `as_at` (else the register's
    Effective Date column) is the day any "as at" message speaks of; `lead_commissioner`
    stands in for a row without one. `progress(done, total)` is called every
    PROGRESS_ROWS rows read."""
    if value_basis not in VALUE_BASES:
        raise ValueError(f"value_basis must be one of {', '.join(VALUE_BASES)}")
    headers = table.headers
    seen_rows: set[tuple[str, ...]] = set()
    duplicates = 0
    outcomes: list[RowOutcome] = []
    register_as_at = as_at
    for index, (line, cells) in enumerate(table.rows, start=1):
        if progress is not None and index % PROGRESS_ROWS == 0:
            progress(index, len(table.rows))
        key = _exact_key(cells)
        if key in seen_rows:
            duplicates += 1
            continue
        seen_rows.add(key)
        cells_by_field = _Cells(headers, cells, mapping)
        outcome = _read_row(line, cells, len(headers), cells_by_field, value_basis, lead_commissioner)
        if register_as_at is None and "as_at" in cells_by_field:
            try:
                register_as_at = read_date(cells_by_field.get("as_at"), what="effective date").value
            except CellError:
                pass
        outcomes.append(outcome)
    _settle_references(outcomes)
    for outcome in outcomes:
        _settle_outcome(outcome, as_at=register_as_at)
    return ReadResult(outcomes=outcomes, duplicates_dropped=duplicates, as_at=register_as_at)


def _settle_references(outcomes: list[RowOutcome]) -> None:
    by_reference: dict[str, list[RowOutcome]] = {}
    for outcome in outcomes:
        if outcome.reference:
            by_reference.setdefault(outcome.reference.lower(), []).append(outcome)
    for same in by_reference.values():
        if len(same) < 2:
            continue
        lines = ", ".join(str(outcome.line) for outcome in same)
        first = same[0].reference
        for number, outcome in enumerate(same, start=1):
            outcome.warnings.append(f"reference {first} is on lines {lines} for different contracts")
            if number > 1:
                outcome.reference = f"{first} ({number})"
                if outcome.row is not None:
                    outcome.row = _with_reference(outcome.row, outcome.reference)


def _with_reference(row: RegisterRow, reference: str) -> RegisterRow:
    return replace(row, reference=reference)


def _settle_outcome(outcome: RowOutcome, *, as_at: date | None) -> None:
    if outcome.reasons:
        outcome.outcome = "rejected"
        outcome.row = None
    elif outcome.missing:
        outcome.outcome = "incomplete"
    elif outcome.warnings:
        outcome.outcome = "warnings"
    else:
        outcome.outcome = "accepted"
    row = outcome.row
    if row is not None and as_at is not None and row.start_date is not None and row.start_date > as_at:
        outcome.warnings.append(f"starts after the register's date, {format_day(as_at)}")
        if outcome.outcome == "accepted":
            outcome.outcome = "warnings"
    if row is not None and as_at is not None and row.last_extension_date and row.end_date and row.end_date < as_at:
        # Judged on the register's date, never the day of the import: a contract
        # it still lists after its end date ran on into its option.
        outcome.row = replace(row, extension_taken=True)
        outcome.warnings.append(
            f"the register as at {format_day(as_at)} lists it after its end date, {format_day(row.end_date)}: "
            f"the option to {format_day(row.last_extension_date)} is recorded as exercised"
        )
        if outcome.outcome == "accepted":
            outcome.outcome = "warnings"


_REFERENCE_LENGTH = 50
_TITLE_LENGTH = 250
_NAME_LENGTH = 200


def _read_row(
    line: int,
    cells: Sequence[str],
    width: int,
    by_field: _Cells,
    value_basis: ValueBasis,
    default_lead: str,
) -> RowOutcome:
    outcome = RowOutcome(line=line, outcome="accepted", reference=clean_text(by_field.get("reference")))
    if any(cell.strip() for cell in cells[width:]):
        outcome.reject("the row has more values than the header has columns")
        return outcome
    if any("\x00" in cell for cell in cells):
        outcome.reject("the row holds a NUL character")
        return outcome

    def read(key: str, reader) -> object:
        try:
            return reader()
        except CellError as error:
            outcome.reject(str(error))
            return None

    def warned(result: Read) -> object:
        if result.warning:
            outcome.warnings.append(result.warning)
        return result.value

    def text(key: str, label: str, length: int) -> str | None:
        if key not in by_field:
            return None
        value = clean_text(by_field.get(key))
        if len(value) > length:
            outcome.reject(f"{label} is longer than {length} characters")
        return value

    title = clean_text(by_field.get("title"))
    if not title:
        outcome.reject("the title is empty")
    elif len(title) > _TITLE_LENGTH:
        outcome.reject(f"the title is longer than {_TITLE_LENGTH} characters")
    providers = read_suppliers(by_field.all("provider"))
    if not providers:
        outcome.reject("the supplier name is empty")
    elif any(len(name) > _NAME_LENGTH for name in providers):
        outcome.reject(f"a supplier name is longer than {_NAME_LENGTH} characters")
    if len(outcome.reference) > _REFERENCE_LENGTH:
        outcome.reject(f"the reference is longer than {_REFERENCE_LENGTH} characters")

    start = read("start_date", lambda: warned(read_date(by_field.get("start_date"), what="start date")))
    end = read("end_date", lambda: warned(read_date(by_field.get("end_date"), what="end date")))
    review = read("review_date", lambda: warned(read_date(by_field.get("review_date"), what="review date")))
    extension = read(
        "last_extension_date",
        lambda: warned(read_date(by_field.get("last_extension_date"), what="last extension date")),
    )
    if start and end and end < start:
        outcome.reject(f"the end date {format_day(end)} is before the start date {format_day(start)}")
    if extension and end and extension < end:
        outcome.warnings.append(
            f"last extension date {format_day(extension)} is before the end date {format_day(end)}: not kept"
        )
        extension = None
    elif extension and end is None:
        outcome.warnings.append("last extension date given without an end date: not kept")
        extension = None
    elif extension == end:
        extension = None

    term, term_parts = None, None
    if "term" in by_field:
        term = clean_text(by_field.get("term"))
        if term:
            try:
                term_parts = parse_term(term)
            except TermError as error:
                outcome.reject(f"term: {error}")
    exercised = read(
        "options_exercised", lambda: read_whole_number(by_field.get("options_exercised"), what="options exercised")
    )
    if exercised is not None and term_parts is not None and exercised > len(term_parts) - 1:
        available = len(term_parts) - 1
        outcome.reject(
            f"options exercised is {exercised}, but the term {term} has only {available} "
            f"{'option' if available == 1 else 'options'}"
        )

    annual = read("annual_value", lambda: read_money(by_field.get("annual_value"), what="annual value"))
    whole = read("contract_value", lambda: read_money(by_field.get("contract_value"), what="contract value"))
    approved = read("approved_value", lambda: read_money(by_field.get("approved_value"), what="approved value"))
    if "annual_value" not in by_field and "contract_value" in by_field and value_basis == "annual":
        # One money column whose meaning the officer chose: annual.
        annual, whole = whole, None
    if annual is None and whole is not None and not outcome.reasons:
        # The register's value is the whole life: the initial term and every option.
        if start and end:
            lengths = [months_between(start, end)]
            if extension:
                lengths.append(months_between(end + timedelta(days=1), extension))
            annual = warned(annual_from_whole(whole, lengths))
        elif start and term_parts:
            annual = warned(annual_from_whole(whole, term_parts))
        else:
            outcome.warnings.append(
                f"contract value £{whole:,.2f} cannot be made an annual value without the start and end dates"
            )

    contract_type = read("contract_type", lambda: read_contract_type(by_field.get("contract_type")))
    legislation = read("legislation", lambda: read_legislation(by_field.get("legislation")))
    route = read("route", lambda: warned(read_route(by_field.get("route"))))
    if "legislation" not in by_field and "route" in by_field:
        legislation = read_tender_law(by_field.get("route"))
    if "regime" in by_field and "legislation" not in by_field and "route" not in by_field:
        regime = by_field.get("regime")
        if clean_text(regime):
            pair = read("regime", lambda: read_regime(regime, start=start))
            if pair:
                legislation, route = pair
        else:
            outcome.reject("regime is empty")
    funding = read("funding", lambda: read_funding(by_field.get("funding"))) if "funding" in by_field else None

    def each_supplier(key: str, label: str, *, shared: bool = False) -> list[str]:
        # A details cell of a row with several suppliers holds one value per
        # supplier, separated by ";" (as the app's own export writes them); a
        # single yes or no (`shared`) is every supplier's.
        text = by_field.get(key) or ""
        if len(providers) < 2:
            return [text]
        parts = [part.strip() for part in text.split(";")]
        if len(parts) == len(providers):
            return parts
        if shared and len(parts) == 1:
            return parts * len(providers)
        if clean_text(text):
            outcome.warnings.append(
                f"{label} gives {len(parts)} value{'s' if len(parts) != 1 else ''} for {len(providers)} "
                "suppliers: not kept (give one per supplier, separated by ;)"
            )
        return [""] * len(providers)

    company = tuple(
        warned(read_companies_house_number(part))
        for part in each_supplier("companies_house_number", "the Companies House number")
    )
    charity = tuple(warned(read_charity_number(part)) for part in each_supplier("charity_number", "the charity number"))
    sme = read(
        "sme",
        lambda: tuple(
            read_flag(part, what="SME supplier") for part in each_supplier("sme", "SME supplier", shared=True)
        ),
    )
    vcse = read(
        "vcse",
        lambda: tuple(
            read_flag(part, what="VCSE supplier") for part in each_supplier("vcse", "VCSE supplier", shared=True)
        ),
    )

    description = clean_text(by_field.get("description")) if "description" in by_field else None
    directorate = text("directorate", "the directorate", _NAME_LENGTH)
    classification = text("procurement_classification", "the procurement classification", _NAME_LENGTH)
    service_area = clean_text(by_field.get("service_area")) or directorate or ""
    if len(service_area) > 120:
        outcome.reject("the service area is longer than 120 characters")
    lead = clean_text(by_field.get("lead_commissioner")) or clean_text(default_lead)
    if not lead:
        outcome.reject("the lead commissioner (organisation) is empty")
    elif len(lead) > _NAME_LENGTH:
        outcome.reject(f"the lead commissioner is longer than {_NAME_LENGTH} characters")

    if outcome.reasons:
        return outcome
    if start is None:
        outcome.missing.append("start date")
    if end is None and not term_parts:
        outcome.missing.append("end date")
    if annual is None:
        outcome.missing.append("value")
    if not outcome.reference:
        outcome.reference = generated_reference(title, providers[0], start)
    outcome.row = RegisterRow(
        reference=outcome.reference,
        reference_given=bool(clean_text(by_field.get("reference"))),
        title=title,
        description=description,
        providers=providers,
        companies_house_number=company if "companies_house_number" in by_field else None,
        charity_number=charity if "charity_number" in by_field else None,
        sme=sme,
        vcse=vcse,
        service_area=service_area,
        directorate=directorate,
        procurement_classification=classification,
        contract_type=contract_type,
        legislation=legislation,
        route=route,
        lead_commissioner=lead,
        funding=funding,
        start_date=start,
        end_date=end,
        term=term,
        term_parts=term_parts,
        review_date=review,
        last_extension_date=extension,
        options_exercised=exercised,
        annual_value=annual,
        approved_value=approved,
        given=frozenset(by_field.by_field),
    )
    return outcome
