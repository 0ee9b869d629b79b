"""The import of a generated Transparency Code register: how long `contracts_import` takes.

`transparency_code_csv` writes a plausible council register in memory, as a
council publishes it: Windows-1252, 39 columns, dates in several forms, values
with pound signs and commas, some blank or repeated references, placeholder end
dates, HTML entities, a few exact duplicate rows and a few negative values in
brackets (rejected, and skipped).
"""

import csv
import io
import random
import time
from dataclasses import dataclass
from datetime import date, timedelta

from contracts.importing import contracts_import
from contracts.register_file import match_headers, read_table

COUNCIL = "Example Borough Council"
HEADERS = (
    "Organisation Name",
    "Organisation Code",
    "Contract Reference number / ID",
    "Title of the Agreement",
    "Description of goods and services",
    "Directorate / service responsible",
    "Procurement classification",
    "Supplier name",
    "Supplier registered company number",
    "Supplier registered charity number",
    "SME supplier",
    "VCSE supplier",
    "Contract start date",
    "End date",
    "Review date",
    "Last extension date",
    "Contract value",
    "Fixed cost / estimated cost",
    "Irrecoverable VAT",
    "Tender process type",
    "Effective Date",
    "Responsible officer",
    "Contract manager",
    "Extension period",
    "Supplier address",
    "Supplier postcode",
    "Framework used",
    "Payment terms",
    "Contract status",
    "Notes",
    "Category",
    "Sub category",
    "Ward",
    "Budget code",
    "Cost centre",
    "Funding source",
    "Lot",
    "Number of bidders",
    "Published",
)
_SERVICES = (
    "Home support",
    "Supported living",
    "Extra care housing",
    "Day opportunities",
    "Residential care",
    "Nursing care",
    "Advocacy",
    "Carers' support",
    "Reablement",
    "Mental health recovery",
)
_SUPPLIERS = (
    "Hestia Housing and Support",
    "Care &amp; Repair Ltd",
    "Smith, Jones and Partners LLP",
    "Age UK Example",
    "Mencap",
    "Home Instead (North)",
    "Bluebird Care",
    "St Mungo's",
    "Certitude",
    "Look Ahead Care & Support",
)
_ROUTES = ("Open", "Restricted", "Invitation to quote", "Direct award", "Waiver", "Call-off from framework", "")
_DIRECTORATES = ("Adult Social Care", "Public Health", "Housing", "Adult Social Care &amp; Health")
_COMPANY_NUMBERS = ("gb/1234567", "SC 123456", "IP12345R", "01234567", "", "", "OC301234")


def _day(rng: random.Random, day: date) -> str:
    form = rng.randrange(4)
    if form == 0:
        return day.strftime("%d/%m/%Y")
    if form == 1:
        return day.strftime("%d-%b-%Y")
    if form == 2:
        return day.isoformat()
    return f"{day.day}/{day.month}/{day.year}"


def _money(rng: random.Random, amount: int) -> str:
    return rng.choice((f"£{amount:,}", f"{amount:,}", f" {amount} ", f"£ {amount}", f"{amount}.00"))


def transparency_code_csv(rows: int, *, seed: int = 1) -> bytes:
    """`rows` rows of a council's Transparency Code register, as Windows-1252 CSV bytes."""
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    written = []
    for number in range(1, rows + 1):
        if number % 150 == 40:
            writer.writerow(rng.choice(written))  # an exact duplicate, as registers have
            continue
        start = date(2016, 4, 1) + timedelta(days=rng.randrange(3000))
        years = rng.choice((1, 2, 3, 3, 5))
        end = date(start.year + years, start.month, 1) - timedelta(days=1) if rng.random() < 0.6 else None
        end = end or start + timedelta(days=rng.randrange(200, 2000))
        end_text = "31/12/2099" if rng.random() < 0.03 else _day(rng, end)
        extension = (
            _day(rng, date(end.year + 1, end.month, end.day if end.day < 29 else 28)) if rng.random() < 0.2 else ""
        )
        value = rng.randrange(5_000, 5_000_000)
        # Every so many rows, a mess a real register has (fixed, so any size has some).
        value_text = "(3728)" if number % 250 == 17 else ("" if number % 40 == 9 else _money(rng, value))
        reference = "" if number % 50 == 7 else f"ASC-{number - 1 if number % 90 == 3 else number:05d}"
        service = rng.choice(_SERVICES)
        row = [
            COUNCIL,
            "E09000999",
            reference,
            f"{service} &amp; support, lot {number % 7 + 1}",
            f"{service} for adults in the borough",
            rng.choice(_DIRECTORATES),
            "Social care",
            rng.choice(_SUPPLIERS) if rng.random() < 0.9 else "; ".join(rng.sample(_SUPPLIERS, 2)),
            rng.choice(_COMPANY_NUMBERS),
            rng.choice(("", "", "1064342", "1064342-1", "2O1O")),
            rng.choice(("Yes", "No", "Y", "N", "")),
            rng.choice(("Yes", "No", "")),
            _day(rng, start),
            end_text,
            _day(rng, end - timedelta(days=180)) if rng.random() < 0.5 else "",
            extension,
            value_text,
            rng.choice(("Fixed", "Estimated")),
            "0",
            rng.choice(_ROUTES),
            "31/03/2025",
            "J. Officer",
            "A. Manager",
            rng.choice(("", "12 months", "2 x 12 months")),
            "1 High Street, Example",
            "EX1 1AA",
            rng.choice(("", "Home Care Framework 2019")),
            "30 days",
            "Live",
            rng.choice(("", "Café provision included", "Price per hour £18.50")),
            "Care",
            service,
            "All wards",
            "ASC100",
            "C1234",
            "General fund",
            str(number % 7 + 1),
            str(rng.randrange(1, 9)),
            "Yes",
        ]
        writer.writerow(row)
        written.append(row)
    return buffer.getvalue().encode("cp1252")


@dataclass(frozen=True)
class ImportTiming:
    rows: int
    seconds: float
    created: int
    rejected: int
    encoding: str | None


def measure_import(rows: int, *, seed: int = 1) -> ImportTiming:
    """Read and import a generated register of `rows` rows, skipping rejected rows; timed from the bytes."""
    data = transparency_code_csv(rows, seed=seed)
    started = time.perf_counter()
    table = read_table(data, filename="register.csv")
    result = contracts_import(
        table=table,
        mapping=match_headers(table.headers).mapping,
        as_at=None,
        value_basis="whole",
        skip_rejected=True,
    )
    seconds = time.perf_counter() - started
    if not result.saved:
        raise RuntimeError(f"The generated register was not imported: {'; '.join(result.errors)}")
    return ImportTiming(
        rows=rows,
        seconds=seconds,
        created=result.created,
        rejected=len(result.preview.rejected),
        encoding=table.encoding,
    )
