"""Importing the register from CSV: the columns of `contracts.csv_format`.

`parse_row` reads one row into plain values, with no database. `contracts_import`
saves the rows through `contracts.services` all or nothing: it collects every
row's errors, and saves none of the rows unless every one of them is good.
Nothing here prints; the `import_contracts` command reports the result.
"""

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction

from commissioning.core import dates
from contracts import services
from contracts.csv_format import EXPORT_COLUMNS, IMPORT_COLUMNS
from contracts.models import MONEY, Contract
from contracts.money import check_shares
from contracts.regime import OLD_REGIMES, split_regime
from contracts.terms import TermError, parse_term

HEADER_LINE = 1
_HUNDRED = Decimal("100")
_HUNDREDTH = Decimal("0.01")

_ISO_DATE = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})")
_UK_DATE = re.compile(r"(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})")
# A term has at most ten parts, so a few digits are always enough.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,6}")
_MONEY = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_PERCENT = re.compile(r"[0-9]{1,3}(?:\.[0-9]+)?")
# The largest amount a money column holds (14 digits, 2 of them pence).
_MOST_MONEY = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"]) - _HUNDREDTH
_SHOWN_LENGTH = 60

# Service errors name model fields; the file's reader knows the columns.
_COLUMN_OF_FIELD = {"providers": "provider"}


class CellError(ValueError):
    """One value in a row that cannot be read; the message names its column."""


@dataclass(frozen=True)
class FundingPart:
    organisation: str
    percent: Decimal


@dataclass(frozen=True)
class ParsedRow:
    line: int
    reference: str
    title: str
    providers: tuple[str, ...]
    service_area: str
    contract_type: str
    legislation: str
    route: str
    lead_commissioner: str
    funding: tuple[FundingPart, ...]  # empty: the lead commissioner pays it all
    start_date: date
    term: str
    options_exercised: int | None  # None: not given (a blank cell keeps what the register holds)
    annual_value: Decimal
    approved_value: Decimal | None


@dataclass(frozen=True)
class RowError:
    line: int
    reference: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated

    @property
    def lines_with_errors(self) -> int:
        return len({error.line for error in self.errors})


def _name(text: str) -> str:
    # The same spacing rule as the services' get_or_create, so duplicates are found here too.
    return " ".join(text.split())


def _choices(choices: type[models.TextChoices]) -> dict[str, str]:
    lookup = {}
    for value, label in choices.choices:
        lookup[value.lower()] = value
        lookup[_name(str(label)).lower()] = value
    return lookup


_CONTRACT_TYPES = _choices(Contract.ContractType)
_LEGISLATIONS = _choices(Contract.Legislation)
_ROUTES = _choices(Contract.Route)
# Files exported before legislation and route were split have one column for both.
OLD_REGIME_COLUMNS = ("procurement_regime", "regime")
_NEW_REGIME_COLUMNS = ("legislation", "route")
_OLD_REGIMES = {
    **{value: value for value in OLD_REGIMES},
    "light touch regime": "light_touch",
    "light touch": "light_touch",
    "public contracts regulations 2015": "pcr_2015",
    "procurement act 2023": "pa_2023",
    "provider selection regime": "psr",
    "below threshold": "below_threshold",
    "waiver (exempt from tender)": "waiver",
}


def _shown(text: str) -> str:
    """A value as an error message quotes it: short, and only printable characters."""
    printable = "".join(character for character in text if character.isprintable())
    return printable if len(printable) <= _SHOWN_LENGTH else printable[: _SHOWN_LENGTH - 1] + "…"


def _required(column: str, text: str) -> str:
    if not text:
        raise CellError(f"{column} is empty")
    return text


def _choice(column: str, text: str, lookup: dict[str, str], values: list[str]) -> str:
    allowed = ", ".join(values)
    if not text:
        raise CellError(f"{column} is empty: use one of {allowed}")
    try:
        return lookup[_name(text).lower()]
    except KeyError:
        raise CellError(f'{column} "{_shown(text)}" is not one of {allowed}') from None


def parse_date(column: str, text: str) -> date:
    """YYYY-MM-DD or DD/MM/YYYY."""
    if not text:
        raise CellError(f"{column} is empty")
    found = _ISO_DATE.fullmatch(text) or _UK_DATE.fullmatch(text)
    if found is None:
        raise CellError(f"{column} {_shown(text)} is not a date: write it as YYYY-MM-DD or DD/MM/YYYY")
    try:
        day = date(int(found["year"]), int(found["month"]), int(found["day"]))
    except ValueError:
        raise CellError(f"{column} {text} is not a real date") from None
    if not dates.in_range(day):
        raise CellError(f"{column} {text} is not a date {dates.RANGE_TEXT}")
    return day


def parse_money(column: str, text: str) -> Decimal:
    """Pounds: "2660000", "2,660,000.00" or "£2,660,000"; never negative, never more
    than the register can hold."""
    cleaned = text.replace("£", "").replace(" ", "")
    if cleaned.startswith("-") and _MONEY.fullmatch(cleaned[1:]):
        raise CellError(f"{column} {_shown(text)} is negative: it must be £0.00 or more")
    # Plain digits, commas only between thousands: never 1e30, NaN or 1,2,3.
    if not _MONEY.fullmatch(cleaned):
        raise CellError(f"{column} {_shown(text)} is not an amount of money")
    amount = Decimal(cleaned.replace(",", ""))
    if amount != amount.quantize(_HUNDREDTH):
        raise CellError(f"{column} {_shown(text)} has more than 2 decimal places")
    if amount > _MOST_MONEY:
        raise CellError(f"{column} {_shown(text)} is more than £{_MOST_MONEY:,}")
    return amount


def _percent(text: str, part: str) -> Decimal:
    cleaned = text.strip().removesuffix("%").strip()
    if not _PERCENT.fullmatch(cleaned):
        raise CellError(f'funding share "{_shown(part)}": {_shown(text.strip())} is not a percentage')
    percent = Decimal(cleaned)
    if not 0 < percent <= _HUNDRED:
        raise CellError(f'funding share "{_shown(part)}" must be more than 0% and at most 100%')
    if percent != percent.quantize(_HUNDREDTH):
        # A share is stored to 2 places; 33.333 would be stored as 33.33.
        raise CellError(f'funding share "{_shown(part)}" has more than 2 decimal places')
    return percent


def parse_funding(text: str) -> tuple[FundingPart, ...]:
    """ "Organisation:percent; Organisation:percent", adding up to 100; empty for none."""
    parts = [part.strip() for part in text.split(";") if part.strip()]
    funding = []
    seen = set()
    for part in parts:
        # Split on the last colon: an organisation's name may hold one.
        organisation, colon, percent = part.rpartition(":")
        organisation = _name(organisation)
        if not colon or not organisation:
            raise CellError(
                f'funding "{part}" is not written as Organisation:percent '
                '(e.g. "London Borough of Bromley:50; South East London ICB:50")'
            )
        if organisation.lower() in seen:
            raise CellError(f"funding names {organisation} more than once")
        seen.add(organisation.lower())
        funding.append(FundingPart(organisation=organisation, percent=_percent(percent, part)))
    if funding:
        try:
            check_shares([(part.organisation, part.percent) for part in funding])
        except ValueError as error:
            raise CellError(str(error)) from None
    return tuple(funding)


def _options_exercised(text: str, term_parts: tuple[int, ...] | None, term: str) -> int | None:
    if not text:
        return None
    if not _WHOLE_NUMBER.fullmatch(text):
        raise CellError(f"options_exercised {_shown(text)} is not a whole number")
    exercised = int(text)
    if exercised < 0:
        raise CellError(f"options_exercised {text} cannot be negative")
    if term_parts is not None:
        available = len(term_parts) - 1
        if exercised > available:
            noun = "option" if available == 1 else "options"
            raise CellError(f"options_exercised is {exercised}, but the term {term} has only {available} {noun}")
    return exercised


def _row_shape_errors(row: Mapping[str | None, object]) -> list[str]:
    # csv.DictReader files values beyond the header under None, and gives None
    # for the columns a short row leaves out.
    if row.get(None):
        return ["the row has more values than the header has columns"]
    columns = _columns_read(row)
    if missing := [column for column in columns if column not in row]:
        return [f"the row has no {_column_list(missing)}"]
    if any(row[column] is None for column in columns):
        return ["the row has fewer values than the header has columns"]
    return []


def _old_regime_column(names) -> str | None:
    """The old single regime column, when the file has it instead of legislation and route."""
    if any(name in names for name in _NEW_REGIME_COLUMNS):
        return None
    return next((name for name in OLD_REGIME_COLUMNS if name in names), None)


def _columns_read(names) -> list[str]:
    """The import's columns, with the old regime column in place of legislation and route
    when the file is an old one."""
    old = _old_regime_column(names)
    if old is None:
        return list(IMPORT_COLUMNS)
    return [column for column in IMPORT_COLUMNS if column not in _NEW_REGIME_COLUMNS] + [old]


def parse_row(row: Mapping[str | None, object], line: int) -> ParsedRow | list[str]:
    """One row of the file as plain values, or every reason it cannot be read."""
    if shape_errors := _row_shape_errors(row):
        return shape_errors
    values = {column: str(row[column]).strip() for column in _columns_read(row)}
    # No column can hold one, and PostgreSQL cannot store one in text.
    if nul := [column for column in values if "\x00" in values[column]]:
        return [f"{column} contains a NUL character" for column in nul]
    errors: list[str] = []
    parsed: dict[str, object] = {}

    def read(column: str, reader, *, into: str | None = None) -> None:
        try:
            parsed[into or column] = reader(values[column])
        except CellError as error:
            errors.append(str(error))

    read("reference", lambda text: _required("reference", text))
    read("title", lambda text: _required("title", text))
    read("provider", _providers, into="providers")
    read("service_area", lambda text: _name(_required("service_area", text)))
    read(
        "contract_type",
        lambda text: _choice("contract_type", text, _CONTRACT_TYPES, Contract.ContractType.values),
    )
    if (old := _old_regime_column(row)) is not None:
        read(old, lambda text: _choice(old, text, _OLD_REGIMES, list(OLD_REGIMES)), into="old_regime")
    else:
        read("legislation", lambda text: _choice("legislation", text, _LEGISLATIONS, Contract.Legislation.values))
        read("route", lambda text: _choice("route", text, _ROUTES, Contract.Route.values))
    read("lead_commissioner", lambda text: _name(_required("lead_commissioner", text)))
    read("funding", parse_funding)
    read("start_date", lambda text: parse_date("start_date", text))
    # The services read the term again; here it is checked, and counts the options.
    read("term", _term, into="term_parts")
    term_parts = parsed.pop("term_parts", None)
    read("options_exercised", lambda text: _options_exercised(text, term_parts, values["term"]))
    read("annual_value", lambda text: parse_money("annual_value", _required("annual_value", text)))
    read("approved_value", lambda text: parse_money("approved_value", text) if text else None)
    if errors:
        return errors
    if "old_regime" in parsed:
        # The same mapping as the migration that split the field.
        parsed["legislation"], parsed["route"] = split_regime(parsed.pop("old_regime"), start_date=parsed["start_date"])
    return ParsedRow(line=line, term=values["term"], **parsed)


def _providers(text: str) -> tuple[str, ...]:
    names = []
    for name in (_name(part) for part in text.split(";")):
        if name and name.lower() not in {known.lower() for known in names}:
            names.append(name)
    if not names:
        raise CellError("provider is empty: give at least one provider's name")
    return tuple(names)


def _term(text: str) -> tuple[int, ...]:
    try:
        return parse_term(text)
    except TermError as error:
        raise CellError(f"term: {error}") from None


def header_errors(columns: Iterable[str] | None) -> list[str]:
    """What is wrong with the header line: the import's columns are required,
    the export's computed columns are allowed (and ignored), nothing else."""
    if columns is None:
        return [f"the file is empty: its first line must be the header {','.join(IMPORT_COLUMNS)}"]
    names = [(column or "").strip().lower() for column in columns]
    problems = []
    if missing := [column for column in _columns_read(names) if column not in names]:
        problems.append(f"the header has no {_column_list(missing)}")
    old_allowed = list(OLD_REGIME_COLUMNS) if _old_regime_column(names) else []
    if unknown := [name or "(blank)" for name in names if name not in EXPORT_COLUMNS and name not in old_allowed]:
        problems.append(f"the header has unknown {_column_list(unknown)}")
    if repeated := sorted({name for name in names if name and names.count(name) > 1}):
        problems.append(f"the header repeats {_column_list(repeated)}")
    if not problems:
        return []
    return ["; ".join(problems) + f" (the columns are {','.join(IMPORT_COLUMNS)})"]


def _column_list(columns: list[str]) -> str:
    noun = "column" if len(columns) == 1 else "columns"
    return f"{noun} {', '.join(columns)}"


def _numbered(rows: Iterable[Mapping]) -> Iterator[tuple[int, Mapping]]:
    """Each row with the line of the file it starts on (the header is line 1).

    A `csv.DictReader` knows the line it has read to, which stays right past blank
    lines and values quoted over several lines; other rows are numbered from 2.
    """
    if not hasattr(rows, "line_num"):
        yield from enumerate(rows, start=HEADER_LINE + 1)
        return
    for row in rows:
        texts = [value for value in row.values() if isinstance(value, str)]
        texts += [value for value in row.get(None) or [] if isinstance(value, str)]
        yield rows.line_num - sum(text.count("\n") for text in texts), row


def _normalised(row: Mapping) -> dict:
    return {(key.strip().lower() if isinstance(key, str) else key): value for key, value in row.items()}


def _is_blank(row: Mapping) -> bool:
    # Spreadsheets often save rows of empty cells after the data.
    values = [value for key, value in row.items() if key is not None] + list(row.get(None) or [])
    return all(value is None or not str(value).strip() for value in values)


def _service_messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    messages = []
    for name, field_messages in error.message_dict.items():
        column = _COLUMN_OF_FIELD.get(name, name)
        for message in field_messages:
            messages.append(message if name == NON_FIELD_ERRORS else f"{column}: {message}")
    return messages


def _get_or_create(column: str, get_or_create, name: str):
    try:
        return get_or_create(name=name)
    except ValidationError as error:
        raise ValidationError({column: [f"{name}: {message}" for message in error.messages]}) from None


def _save(row: ParsedRow, *, today: date) -> bool:
    """Create or update the row's contract; True when it was created."""
    lead_commissioner = _get_or_create("lead_commissioner", services.organisation_get_or_create, row.lead_commissioner)
    facts = {
        "title": row.title,
        "service_area": _get_or_create("service_area", services.service_area_get_or_create, row.service_area),
        "lead_commissioner": lead_commissioner,
        "providers": [_get_or_create("provider", services.provider_get_or_create, name) for name in row.providers],
        "start_date": row.start_date,
        "term": row.term,
        "annual_value": row.annual_value,
        "approved_value": row.approved_value,
        "contract_type": row.contract_type,
        "legislation": row.legislation,
        "route": row.route,
        "funding": [
            services.Share(
                organisation=_get_or_create("funding", services.organisation_get_or_create, part.organisation),
                percent=part.percent,
            )
            for part in row.funding
        ]
        or [services.Share(organisation=lead_commissioner, percent=_HUNDRED)],
        "options_exercised": row.options_exercised,
    }
    contract = Contract.objects.filter(reference=row.reference).first()
    if contract is None:
        services.contract_create(reference=row.reference, **{**facts, "options_exercised": row.options_exercised or 0})
        return True
    # contract_update resets what it is not given; the file has no column for these.
    services.contract_update(
        contract=contract,
        annual_uplift_percent=contract.annual_uplift_percent,
        description=contract.description,
        notes=contract.notes,
        **facts,
    )
    return False


def contracts_import(*, rows: Iterable[Mapping], today: date, dry_run: bool) -> ImportResult:
    """Create or update (by reference) the contract of every row, or none of them.

    `rows` are the file's rows as dicts keyed by column, best a `csv.DictReader`
    (its header is checked even when the file has no rows, and its line numbers
    are exact). Every row is tried, so the result lists every row's errors; when
    there are any, or on a dry run, everything is rolled back.
    """
    result = ImportResult()
    if hasattr(rows, "fieldnames"):
        columns = rows.fieldnames
    else:
        rows = list(rows)
        columns = list(rows[0]) if rows else list(IMPORT_COLUMNS)
    if problems := header_errors(columns):
        result.errors = [RowError(line=HEADER_LINE, reference="", message=message) for message in problems]
        return result

    first_line_of: dict[str, int] = {}
    with transaction.atomic():
        for line, raw in _numbered(rows):
            row = _normalised(raw)
            if _is_blank(row):
                continue
            reference = str(row.get("reference") or "").strip()
            messages = []
            if reference in first_line_of:
                messages.append(f"reference {reference} is already on line {first_line_of[reference]}")
            elif reference:
                first_line_of[reference] = line
            parsed = parse_row(row, line)
            if isinstance(parsed, list):
                messages += parsed
            elif not messages:
                messages = _try_save(parsed, today=today, result=result)
            result.errors += [RowError(line=line, reference=_shown(reference), message=message) for message in messages]
        if result.errors or dry_run:
            transaction.set_rollback(True)
    return result


def _try_save(row: ParsedRow, *, today: date, result: ImportResult) -> list[str]:
    try:
        # A savepoint per row, so one row's failure leaves the others to be tried.
        with transaction.atomic():
            created = _save(row, today=today)
    except ValidationError as error:
        return _service_messages(error)
    except IntegrityError as error:
        # The services validate first, so this is a rule only the database caught.
        return [f"the database refused the row: {error}"]
    if created:
        result.created += 1
    else:
        result.updated += 1
    return []
