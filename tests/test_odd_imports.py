"""The importer refuses input outside what a council could mean, naming the line,
and stores nothing from it (the forms and the query string: tests/test_odd_input.py).

Apart from that module because these tests start from an empty register, where
every test there starts from its `world`.
"""

import csv
import io

import pytest

from contracts.csv_format import IMPORT_COLUMNS
from contracts.importing import contracts_import
from contracts.models import Contract
from contracts.register_file import match_headers, read_table
from tests.conftest import TODAY
from tests.test_odd_input import assert_pages_still_render

pytestmark = pytest.mark.django_db


def _import(**overrides):
    table = read_table(_rows(**overrides).encode(), filename="odd.csv")
    return contracts_import(
        table=table, mapping=match_headers(table.headers).mapping, as_at=TODAY, value_basis="annual"
    )


def _errors(result) -> list[tuple[int, str]]:
    return [(outcome.line, reason) for outcome in result.preview.rejected for reason in outcome.reasons]


def _rows(**overrides) -> str:
    """A file of two rows: a good one on line 2, then one with `overrides` on line 3."""
    good = {
        "reference": "IMP-1",
        "title": "Imported service",
        "provider": "Hestia Housing and Support",
        "service_area": "Mental health",
        "contract_type": "block",
        "legislation": "pcr_2015",
        "route": "light_touch",
        "lead_commissioner": "London Borough of Bromley",
        "funding": "",
        "start_date": "2024-10-01",
        "term": "5+2+2",
        "options_exercised": "0",
        "annual_value": "100000",
        "approved_value": "",
    }
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=IMPORT_COLUMNS)
    writer.writeheader()
    writer.writerow({**good, "reference": "IMP-0"})
    writer.writerow({**good, **overrides})
    return buffer.getvalue()


def test_a_good_file_imports():
    result = _import()
    assert _errors(result) == []
    assert result.saved
    assert Contract.objects.count() == 2


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("annual_value", "1e30", "annual value 1e30 is not an amount of money"),
        ("annual_value", "NaN", "annual value NaN is not an amount of money"),
        ("annual_value", "Infinity", "annual value Infinity is not an amount of money"),
        ("annual_value", "-0", "annual value -0 is negative"),
        ("annual_value", "1,2,3", "annual value 1,2,3 is not an amount of money"),
        ("annual_value", "²", "annual value ² is not an amount of money"),
        ("annual_value", "1000000000000", "annual value 1000000000000 is more than £999,999,999,999.99"),
        ("approved_value", "1e30", "approved value 1e30 is not an amount of money"),
        ("approved_value", "99999999999999", "approved value 99999999999999 is more than £999,999,999,999.99"),
        ("start_date", "0001-01-01", "the start date 0001-01-01 is not a date between 1 Jan 1990 and 31 Dec 2100"),
        ("start_date", "31/12/2101", "the start date 2101-12-31 is not a date between 1 Jan 1990 and 31 Dec 2100"),
        ("title", "Odd\x00title", "the row holds a NUL character"),
        ("reference", "IMP\x00-1", "the row holds a NUL character"),
        ("options_exercised", "9" * 5000, "options exercised"),
        ("funding", "London Borough of Bromley:1e2", "funding"),
    ],
)
def test_the_importer_refuses_odd_values_with_the_line_number(column, value, message):
    result = _import(**{column: value})
    assert [line for line, _ in _errors(result)] == [3], _errors(result)
    assert message in _errors(result)[0][1]
    assert Contract.objects.count() == 0


def test_the_importer_keeps_a_huge_value_out_of_the_message():
    result = _import(title="x" * 10_000 + "\x00")
    assert len(_errors(result)[0][1]) < 300
    assert Contract.objects.count() == 0


def test_after_odd_imports_the_pages_still_render(client, manager):
    for value in ("1e30", "NaN", "-0"):
        _import(annual_value=value)
    _import(start_date="0001-01-01")
    assert Contract.objects.count() == 0
    assert_pages_still_render(client, manager)
