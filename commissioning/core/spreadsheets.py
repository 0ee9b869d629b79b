"""Every CSV and Excel file the app gives out is written here, by one rule.

A download is a list of `Column`s (a header in words and a kind) and rows of
typed values: text, `Decimal` money or percent, `date`, `int` count, or None
for a blank. Then:

- text a spreadsheet would run as a formula (starting =, +, -, @, a tab or a
  carriage return) is neutralised: in CSV with a leading apostrophe, in Excel
  as a text cell marked with a quote prefix (what Excel itself does when
  someone types '=…), so the cell shows the text as it is. A plain number such
  as -12.50 is not a formula and is left alone;
- numbers stay numbers: money is written with 2 places in CSV and as a number
  formatted £#,##0.00 in Excel; a percent as its number (12.5) in CSV and as a
  fraction formatted 0.0% in Excel; a count as a whole number;
- dates are ISO (2029-09-30) in CSV, which every spreadsheet reads as a date,
  and typed dates formatted "dd mmm yyyy" (30 Sep 2029) in Excel;
- CSV starts with a byte order mark, so Excel reads it as UTF-8 (£, é);
- the Excel sheet has its header row in bold and frozen, and columns as wide
  as what they hold.

Pure: no Django, so the export command and the views write the same bytes.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}

MONEY_FORMAT = "£#,##0.00"
DATE_FORMAT = "dd mmm yyyy"
PERCENT_FORMAT = "0.0%"

# What a cell holds before it is written.
Cell = str | date | Decimal | int | None


class Kind(StrEnum):
    TEXT = "text"
    MONEY = "money"
    DATE = "date"
    NUMBER = "number"
    PERCENT = "percent"


@dataclass(frozen=True)
class Column:
    header: str  # in words, as a manager reads it
    kind: Kind = Kind.TEXT


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet would run rather than show: a number such as -12.50 is not."""
    return text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text)


def neutralised(text: str) -> str:
    """Text for a CSV cell, with an apostrophe first where it would run as a formula."""
    return f"'{text}" if looks_like_formula(text) else text


def csv_text(value: Cell, kind: Kind = Kind.TEXT) -> str:
    """One value as a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}" if kind is Kind.MONEY else f"{value.normalize():f}"
    if isinstance(value, int):
        return str(value)
    return neutralised(str(value))


def csv_document(
    columns: Sequence[Column], rows: Iterable[Sequence[Cell]], *, bom: bool = True, headers: Sequence[str] = ()
) -> str:
    """CSV text: the columns' headers (or `headers`, for a file whose column names
    are a machine format), then the rows. With `bom`, a byte order mark first."""
    buffer = io.StringIO(newline="")
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(headers or [column.header for column in columns])
    kinds = [column.kind for column in columns]
    writer.writerows([csv_text(value, kind) for value, kind in zip(row, kinds, strict=True)] for row in rows)
    return buffer.getvalue()


def workbook(columns: Sequence[Column], rows: Iterable[Sequence[Cell]], *, title: str) -> bytes:
    """An Excel workbook of one sheet: headers in bold and frozen, typed cells, fitted widths."""
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(title)
    sheet.append([column.header for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(column.header) for column in columns]
    for row_number, row in enumerate(rows, start=2):
        for index, (column, value) in enumerate(zip(columns, row, strict=True)):
            shown = _write_cell(sheet.cell(row=row_number, column=index + 1), value, column.kind)
            widths[index] = max(widths[index], shown)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8) + 2, 60)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def document(fmt: str, columns: Sequence[Column], rows: Iterable[Sequence[Cell]], *, title: str) -> str | bytes:
    """The rows as "csv" (with a byte order mark) or "xlsx"."""
    if fmt == "csv":
        return csv_document(columns, rows)
    if fmt == "xlsx":
        return workbook(columns, rows, title=title)
    raise ValueError(f"No spreadsheet format {fmt!r}.")


# A sheet's title: at most 31 characters, none of []:*?/\ (Excel refuses them).
_TITLE_REFUSED = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str) -> str:
    return _TITLE_REFUSED.sub(" ", ILLEGAL_CHARACTERS_RE.sub("", title))[:31].strip() or "Sheet"


def _write_cell(cell, value: Cell, kind: Kind) -> int:
    """Writes one typed value; returns about how many characters it shows."""
    if value is None:
        return 0
    if isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return 11
    if isinstance(value, Decimal) and kind is Kind.PERCENT:
        cell.value = value / 100
        cell.number_format = PERCENT_FORMAT
        return len(f"{value:.1f}%")
    if isinstance(value, Decimal) and kind is Kind.MONEY:
        cell.value = value
        cell.number_format = MONEY_FORMAT
        return len(f"£{value:,.2f}")
    if isinstance(value, (int, Decimal)):
        cell.value = value
        return len(str(value))
    # Control characters (a pasted line break, say) cannot be stored in a worksheet.
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text
    if looks_like_formula(text):
        cell.data_type = "s"  # openpyxl took the leading "=" for a formula: keep it text
        cell.quotePrefix = True
    return max((len(line) for line in text.splitlines()), default=0)
