"""What a council publishes from its register, every figure computed for one day.

- the register as CSV or Excel (`register_values`, the columns of `csv_format`);
- the Local Government Transparency Code 2015 contracts register for a quarter
  (`TRANSPARENCY_COLUMNS`, which the importer of such registers reads too);
- an OCDS 1.1 release package, one release per contract (`ocds_package`).

Figures come from `contracts.services.figures_of`. A contract whose start, term
or annual value the register does not know has no figures: its computed cells
are blank and it is never a reason to fail.

The CSV and Excel files are written by `commissioning.core.spreadsheets`, the
one rule for every download: formula-like text neutralised, money and dates
typed. The register CSV keeps its machine column names (`csv_format`): it is
also the import format.
"""

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from commissioning.core.spreadsheets import Cell, Column, Kind, csv_document, csv_text, workbook
from contracts import performance, regime
from contracts.csv_format import EXPORT_COLUMNS
from contracts.figures import Figures
from contracts.models import Contract, ContractChange, Provider
from contracts.money import format_money
from contracts.services import figures_of
from contracts.terms import OptionStatus

MONEY_COLUMNS = frozenset(
    {
        "annual_value",
        "approved_value",
        "initial_term_value",
        "committed_value",
        "whole_life_value",
        "approved_variance",
    }
)

# The register's columns in words, for the Excel download.
EXPORT_HEADINGS = {
    "reference": "Reference",
    "title": "Title",
    "provider": "Provider",
    "service_area": "Service area",
    "contract_type": "Type",
    "legislation": "Legislation",
    "route": "Route",
    "lead_commissioner": "Lead commissioner",
    "funding": "Funding (organisation:percent)",
    "start_date": "Start date",
    "term": "Term",
    "options_exercised": "Options exercised",
    "annual_value": "Annual value",
    "approved_value": "Approved value",
    "initial_end_date": "Initial end date",
    "current_end_date": "Current end date",
    "final_end_date": "Final end date",
    "next_decision_deadline": "Next option decision deadline",
    "status": "Status",
    "initial_term_value": "Initial term value",
    "committed_value": "Committed value",
    "whole_life_value": "Whole-life value",
    "approved_variance": "Whole-life value over approved",
    "end_date": "End date of the initial term (as given)",
    "review_date": "Review date",
    "directorate": "Directorate or service responsible",
    "procurement_classification": "Procurement classification",
    "description": "Description",
    "companies_house_number": "Companies House number",
    "charity_number": "Charity number",
    "sme": "SME",
    "vcse": "VCSE",
}

# The contracts register as real Transparency Code registers head it. The
# importer of such registers reads these names: change them only together.
TRANSPARENCY_COLUMNS = [
    "Contract Reference number / ID",
    "Title of the Agreement",
    "Description of goods and services",
    "Directorate / service responsible",
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
    "Irrecoverable VAT",
    "Procurement classification",
    "Tender process type",
    "Effective Date",
]

# The Code asks for every contract worth more than this over its life.
TRANSPARENCY_THRESHOLD = Decimal("5000")

_TENDER_PROCESS = {
    regime.OPEN_TENDER: "Published tender",
    regime.LIGHT_TOUCH: "Published tender (light touch regime)",
    regime.CALL_OFF: "Call-off from a framework or dynamic market",
    regime.DIRECT_AWARD: "Direct award",
    regime.BELOW_THRESHOLD: "Invitation to quote",
    regime.WAIVER: "Direct award under a waiver of standing orders",
}
_LEGISLATION_SHORT = {
    regime.PCR_2015: "PCR 2015",
    regime.PA_2023: "Procurement Act 2023",
    regime.PSR: "Provider Selection Regime",
}

DATE_COLUMNS = frozenset(
    {
        "start_date",
        "initial_end_date",
        "current_end_date",
        "final_end_date",
        "next_decision_deadline",
        "end_date",
        "review_date",
    }
)


def _kind(column: str) -> Kind:
    if column in MONEY_COLUMNS:
        return Kind.MONEY
    if column in DATE_COLUMNS:
        return Kind.DATE
    return Kind.NUMBER if column == "options_exercised" else Kind.TEXT


# The register's columns: headers in words for Excel; the CSV heads them with `EXPORT_COLUMNS`.
REGISTER_COLUMNS = [Column(EXPORT_HEADINGS[name], _kind(name)) for name in EXPORT_COLUMNS]
TRANSPARENCY_SHEET = [Column(name) for name in TRANSPARENCY_COLUMNS]


# --- Financial-year quarters --------------------------------------------------


@dataclass(frozen=True)
class Quarter:
    """A quarter of a UK financial year: Q1 is April to June, Q4 January to March.

    `year` is the year the financial year starts in (2026 for 2026/27), as
    spend records count it, so 2026 Q3 is October to December 2026."""

    year: int
    number: int

    @property
    def first_day(self) -> date:
        month = 4 + 3 * (self.number - 1)
        return date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def last_day(self) -> date:
        following = Quarter(self.year + (self.number == 4), self.number % 4 + 1).first_day
        return date.fromordinal(following.toordinal() - 1)

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d} Q{self.number}"

    @property
    def slug(self) -> str:
        return f"{self.year}-Q{self.number}"

    @classmethod
    def holding(cls, day: date) -> "Quarter":
        year = day.year if day.month >= 4 else day.year - 1
        return cls(year, (day.month - 4) % 12 // 3 + 1)


_QUARTER = re.compile(r"([0-9]{4})(?:/[0-9]{2})?[ -]?Q([1-4])", re.IGNORECASE)


def parse_quarter(text: str) -> Quarter:
    """ "2026-Q3" (or "2026/27 Q3"): the financial year's start year, then the quarter.
    Raises ValueError with a message for people."""
    match = _QUARTER.fullmatch(text.strip())
    if not match:
        raise ValueError(
            f'"{text}" is not a quarter: write the year the financial year starts in and the quarter, '
            "e.g. 2026-Q3 for October to December 2026 (Q1 is April to June)."
        )
    year = int(match.group(1))
    if not 1990 <= year <= 2099:
        raise ValueError(f'"{text}" is not a quarter between 1990-Q1 and 2099-Q4.')
    return Quarter(year, int(match.group(2)))


# --- One contract's cells ------------------------------------------------------


def figures_for(contract: Contract, *, today: date) -> Figures | None:
    """The contract's figures on `today`, or None while the register does not know
    what they need (its money figures are None while its value is not known).
    Expects its options prefetched."""
    return figures_of(contract, list(contract.options.all()), today=today)


def _suppliers(contract: Contract) -> list[Provider]:
    return list(contract.providers.all())


def _joined(values) -> str:
    return "; ".join(values)


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _figure(holder, name: str):
    """A figure, or None when there are no figures or the figure is not known."""
    return getattr(holder, name) if holder is not None else None


def _text_or_none(value) -> str | None:
    return str(value) if value is not None else None


def register_values(contract: Contract, *, today: date) -> list[Cell]:
    """One contract as `EXPORT_COLUMNS`, typed, computed for `today`.

    Expects providers, funding shares (with organisations) and options prefetched."""
    figures = figures_for(contract, today=today)
    schedule = _figure(figures, "schedule")
    suppliers = _suppliers(contract)
    variance = _figure(figures, "approved_variance")
    values: dict[str, Cell] = {
        "reference": contract.reference,
        "title": contract.title,
        "provider": _joined(provider.name for provider in suppliers),
        "service_area": contract.service_area.name,
        "contract_type": contract.contract_type,
        "legislation": contract.legislation,
        "route": contract.route,
        "lead_commissioner": contract.lead_commissioner.name,
        "funding": _joined(
            f"{share.organisation.name}:{share.percent.normalize():f}" for share in contract.funding_shares.all()
        ),
        "start_date": contract.start_date,
        "term": contract.term,
        "options_exercised": _figure(schedule, "options_exercised"),
        "annual_value": contract.annual_value,
        "approved_value": contract.approved_value,
        "initial_end_date": _figure(schedule, "initial_end"),
        "current_end_date": _figure(schedule, "current_end"),
        "final_end_date": _figure(schedule, "final_end"),
        "next_decision_deadline": _figure(schedule, "next_decision_deadline"),
        "status": _text_or_none(_figure(schedule, "status")),
        "initial_term_value": _figure(figures, "initial_value"),
        "committed_value": _figure(figures, "committed_value"),
        "whole_life_value": _figure(figures, "whole_life_value"),
        "approved_variance": variance.amount if variance is not None else None,
        "end_date": contract.end_date,
        "review_date": contract.review_date,
        "directorate": contract.directorate,
        "procurement_classification": contract.procurement_classification,
        "description": contract.description,
        "companies_house_number": _joined(provider.companies_house_number for provider in suppliers),
        "charity_number": _joined(provider.charity_number for provider in suppliers),
        "sme": _joined(_yes_no(provider.is_sme) for provider in suppliers),
        "vcse": _joined(_yes_no(provider.is_vcse) for provider in suppliers),
    }
    return [values[column] for column in EXPORT_COLUMNS]


def export_row(contract: Contract, *, today: date) -> list[str]:
    """One contract as the CSV's `EXPORT_COLUMNS`, computed for `today`."""
    values = register_values(contract, today=today)
    return [csv_text(value, column.kind) for value, column in zip(values, REGISTER_COLUMNS, strict=True)]


def transparency_values(contract: Contract, *, today: date) -> list[str]:
    """One contract as `TRANSPARENCY_COLUMNS` on `today`: dates DD/MM/YYYY, values
    with 2 places and no £ or commas, several suppliers joined with "; "."""
    figures = figures_for(contract, today=today)
    schedule = _figure(figures, "schedule")
    suppliers = _suppliers(contract)
    end = _figure(schedule, "initial_end") or contract.end_date
    # The last day an option open or exercised on the day runs to.
    final = _figure(schedule, "final_end")
    last_extension = final if final is not None and end is not None and final > end else None
    whole_life = _figure(figures, "whole_life_value")
    return [
        contract.reference,
        contract.title,
        contract.description,
        contract.directorate,
        _joined(provider.name for provider in suppliers),
        _joined(provider.companies_house_number for provider in suppliers),
        _joined(provider.charity_number for provider in suppliers),
        _joined(_yes_no(provider.is_sme).title() for provider in suppliers),
        _joined(_yes_no(provider.is_vcse).title() for provider in suppliers),
        _dmy(contract.start_date),
        _dmy(end),
        _dmy(contract.review_date),
        _dmy(last_extension),
        f"{whole_life:.2f}" if whole_life is not None else "",
        "",  # irrecoverable VAT: the register does not hold it
        contract.procurement_classification,
        tender_process_type(contract.legislation, contract.route),
        _dmy(today),
    ]


def _dmy(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def tender_process_type(legislation: str, route: str) -> str:
    """How the contract was let, in the words registers use, with its law."""
    process = _TENDER_PROCESS.get(route, "")
    law = _LEGISLATION_SHORT.get(legislation)
    return f"{process} ({law})" if process and law else process


# --- Files ---------------------------------------------------------------------


_LABELS = {
    "contract_type": dict(Contract.ContractType.choices),
    "legislation": dict(Contract.Legislation.choices),
    "route": dict(Contract.Route.choices),
    "status": dict(Contract.Status.choices),
}


def register_workbook(rows: list[list[Cell]], *, today: date) -> bytes:
    """The register as an Excel workbook: headings in words, choices in words,
    money and dates as typed cells."""
    labels = [_LABELS.get(column, {}) for column in EXPORT_COLUMNS]
    worded = ([label.get(value, value) for label, value in zip(labels, row)] for row in rows)
    return workbook(REGISTER_COLUMNS, worded, title=f"Contracts {today:%d %b %Y}")


# --- OCDS ------------------------------------------------------------------------

OCDS_VERSION = "1.1"
_CONTRACT_STATUS = {
    Contract.Status.NOT_STARTED: "pending",
    Contract.Status.LIVE: "active",
    Contract.Status.FINAL_TERM: "active",
    Contract.Status.EXPIRED: "terminated",
}
_PROCUREMENT_METHOD = {
    regime.OPEN_TENDER: "open",
    regime.DIRECT_AWARD: "direct",
    regime.WAIVER: "direct",
    regime.CALL_OFF: "selective",
}


def ocid_of(contract: Contract) -> str:
    return f"{settings.OCDS_OCID_PREFIX}{contract.reference}"


def _moment(day: date, *, end_of_day: bool = False) -> str:
    """A day as OCDS dates are written: its first (or last) second, in the council's time zone."""
    clock = time(23, 59, 59) if end_of_day else time(0, 0)
    return datetime.combine(day, clock, tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat()


def _amount(value: Decimal) -> dict:
    # Kept a Decimal: `ocds_document` writes it as a JSON number with its exact digits.
    return {"amount": value, "currency": "GBP"}


def _supplier_party(provider: Provider) -> dict:
    identifiers = []
    if provider.companies_house_number:
        identifiers.append({"scheme": "GB-COH", "id": provider.companies_house_number, "legalName": provider.name})
    if provider.charity_number:
        identifiers.append({"scheme": "GB-CHC", "id": provider.charity_number, "legalName": provider.name})
    party: dict = {
        "id": f"{identifiers[0]['scheme']}-{identifiers[0]['id']}" if identifiers else f"provider-{provider.pk}",
        "name": provider.name,
        "roles": ["supplier"],
        # The register records SME as yes or no, so only "sme" is known; no means not recorded as SME.
        "details": {"scale": "sme", "vcse": provider.is_vcse} if provider.is_sme else {"vcse": provider.is_vcse},
    }
    if identifiers:
        party["identifier"] = identifiers[0]
        party["additionalIdentifiers"] = identifiers[1:]
    return party


def ocds_release(contract: Contract, *, today: date) -> dict:
    """One contract as an OCDS release: its buyer, funders and suppliers, the
    award and the contract with their values and periods on `today`, and an
    amendment for each option exercised and each change in effect by then."""
    figures = figures_for(contract, today=today)
    schedule = _figure(figures, "schedule")
    ocid = ocid_of(contract)
    lead = contract.lead_commissioner
    organisations = {lead.pk: {"id": f"organisation-{lead.pk}", "name": lead.name, "roles": ["buyer"]}}
    for share in contract.funding_shares.all():
        party = organisations.setdefault(
            share.organisation.pk,
            {"id": f"organisation-{share.organisation.pk}", "name": share.organisation.name, "roles": []},
        )
        party["roles"].append("funder")
    suppliers = [_supplier_party(provider) for provider in _suppliers(contract)]
    references = [{"id": party["id"], "name": party["name"]} for party in suppliers]

    tender = {
        "id": f"{contract.reference}-tender",
        "title": contract.title,
        "mainProcurementCategory": "services",
        "procurementMethodDetails": tender_process_type(contract.legislation, contract.route),
    }
    if contract.route in _PROCUREMENT_METHOD:
        tender["procurementMethod"] = _PROCUREMENT_METHOD[contract.route]

    award: dict = {"id": f"{contract.reference}-award", "title": contract.title, "status": "active"}
    award["suppliers"] = references
    agreement: dict = {"id": contract.reference, "awardID": award["id"], "title": contract.title}
    if contract.description:
        agreement["description"] = contract.description
    whole_life = _figure(figures, "whole_life_value")
    if whole_life is not None:
        award["value"] = agreement["value"] = _amount(whole_life)
    start = _figure(schedule, "start") or contract.start_date
    initial_end = _figure(schedule, "initial_end") or contract.end_date
    final_end = _figure(schedule, "final_end")
    if contract_period := _period(start, initial_end, final_end):
        award["contractPeriod"] = contract_period
    if period := _period(start, _figure(schedule, "current_end"), final_end):
        agreement["period"] = period
    if (status := _figure(schedule, "status")) is not None:
        agreement["status"] = _CONTRACT_STATUS[status]
    if schedule is not None:
        agreement["amendments"] = _amendments(contract, schedule) + [
            _change_amendment(contract, change) for change in _changes(contract) if change.effective_on <= today
        ]

    return {
        "ocid": ocid,
        "id": f"{ocid}-{today.isoformat()}",
        "date": _moment(today),
        "tag": ["award", "contract"],
        "initiationType": "tender",
        "language": "en",
        "parties": [*organisations.values(), *suppliers],
        "buyer": {"id": organisations[lead.pk]["id"], "name": lead.name},
        "tender": tender,
        "awards": [award],
        "contracts": [agreement],
    }


def _period(start: date | None, end: date | None, max_extent: date | None) -> dict:
    """An OCDS period of the days known (an end runs to the end of its day)."""
    period = {}
    if start is not None:
        period["startDate"] = _moment(start)
    if end is not None:
        period["endDate"] = _moment(end, end_of_day=True)
    if max_extent is not None:
        period["maxExtentDate"] = _moment(max_extent, end_of_day=True)
    return period


def _amendments(contract: Contract, schedule) -> list[dict]:
    amendments = []
    for option, status in zip(contract.options.all(), schedule.option_statuses):
        if status != OptionStatus.EXERCISED:
            continue
        period = schedule.periods[option.order]
        amendment = {
            "id": f"{contract.reference}-option-{option.order}",
            "rationale": f"Option {option.order} exercised",
            "description": (
                f"Option {option.order} exercised"
                + (f" by {option.decided_by}" if option.decided_by else "")
                + f": the contract runs {period.start.isoformat()} to {period.end.isoformat()}."
            ),
        }
        if option.decided_on is not None:
            amendment["date"] = _moment(option.decided_on)
        amendments.append(amendment)
    return amendments


def _changes(contract: Contract) -> list[ContractChange]:
    return sorted(contract.changes.all(), key=lambda change: (change.effective_on, change.pk))


def _end(figures: Figures | None) -> date | None:
    return figures.schedule.final_end if figures is not None else None


def _change_amendment(contract: Contract, change: ContractChange) -> dict:
    """A change as an OCDS amendment: the day it takes effect, its legal ground and
    what it does, with the whole-life value and the latest end (every option taken)
    before it and after it. Expects the contract's options and changes prefetched."""
    options = list(contract.options.all())
    others = [other for other in _changes(contract) if other.pk != change.pk]
    before = figures_of(contract, options, today=change.effective_on, changes=others)
    after = figures_of(contract, options, today=change.effective_on, changes=[*others, change])
    what = [change.description.strip()]
    if change.annual_value_change:
        what.append(f"The annual value changes by {format_money(change.annual_value_change)} a year.")
    if change.one_off_value_change:
        what.append(
            f"A one-off amount of {format_money(change.one_off_value_change)}, "
            f"once, on {change.effective_on.isoformat()}."
        )
    if before is not None and after is not None and before.value_known and after.value_known:
        if before.whole_life_value != after.whole_life_value:
            what.append(
                f"Whole-life value from {format_money(before.whole_life_value)} "
                f"to {format_money(after.whole_life_value)}."
            )
    if change.term_change_months:
        what.append(f"The term changes by {change.term_change_months:+d} months.")
        if _end(before) is not None and _end(after) is not None and _end(before) != _end(after):
            what.append(f"Latest end from {_end(before).isoformat()} to {_end(after).isoformat()}.")
    if change.scope_change.strip():
        what.append(f"Scope: {change.scope_change.strip()}")
    if change.new_supplier_id:
        what.append(f"The contract passes to {change.new_supplier.name}.")
    return {
        "id": f"{contract.reference}-change-{change.pk}",
        "date": _moment(change.effective_on),
        "rationale": f"{change.ground_label}: {change.description.strip()}",
        "description": " ".join(what),
    }


# The release each Procurement Act notice is, by its tag (OCDS 1.1.5's closed releaseTag
# codelist): a contract details notice publishes the contract; a performance notice
# updates what is known of its implementation (the KPIs' assessment); a termination
# notice its ending.
NOTICE_TAGS = {
    "contract_details": "contract",
    "performance": "implementationUpdate",
    "change": "contractAmendment",
    "termination": "contractTermination",
}


def _performance_contents(contract: Contract, *, today: date) -> dict[date, performance.NoticeContents]:
    """What each of the contract's performance notices published by `today` publishes:
    its KPIs' assessments made by then, by `performance.notice_for`, as the pages show them.
    OCDS 1.1.5 has no field for a rating, so the notice's document says them in words."""
    due_days = [
        notice.period_end
        for notice in contract.notice_publications.all()
        if notice.kind == "performance" and notice.published_on <= today
    ]
    kpis = list(contract.kpis.all())
    ratings = [
        performance.KpiRating(kpi.name, assessment.period_end, assessment.rating)
        for kpi in kpis
        for assessment in kpi.assessments.all()
        if assessment.assessed_on <= today
    ]
    return performance.notice_contents(due_days, ratings, [kpi.name for kpi in kpis])


def notice_releases(contract: Contract, *, today: date) -> list[dict]:
    """The contract's Procurement Act notices recorded as published by `today`, each
    an OCDS release dated the day it was published: the contract (tag "contract")
    for its contract details notice, with the notice as the contract's document;
    an implementation update (tag "implementationUpdate") for each performance
    notice, with the notice as a progress report of the implementation; a contract
    amendment (tag "contractAmendment") for each change notice, with the contract's
    value and period once the change takes effect and the change as an amendment
    that names the release before it (`amendsReleaseID`, the contract's previous
    notice release, where there is one) and this one (`releaseID`); and the
    contract ended (tag "contractTermination", status "terminated", its period to
    the day it ended) for its termination notice. The council's payments
    compliance notice is about no one contracting process, so it has none.
    The performance notice's document says what the notice publishes ("3
    assessments: 2 Good, 1 Requires improvement"). `contract` must come with its
    `notice_publications`, its KPIs and their assessments (`contract_export_rows(kpis=True)`),
    and what `ocds_release` reads."""
    releases = []
    contents = None  # what the performance notices publish, read for the first of them
    for notice in contract.notice_publications.all():
        if notice.kind not in NOTICE_TAGS or notice.published_on > today:
            continue
        change = notice.change if notice.kind == "change" else None
        # A change notice is published before the change: the release shows the contract once it takes effect.
        as_on = max(today, change.effective_on) if change is not None else today
        release = ocds_release(contract, today=as_on)
        release["id"] = f"{release['ocid']}-{notice.kind.replace('_', '-')}"
        if notice.period_end is not None:  # a notice owed more than once: one release for each
            release["id"] += f"-{notice.period_end.isoformat()}"
        if change is not None:
            release["id"] += f"-{change.pk}"
        release["date"] = _moment(notice.published_on)
        release["tag"] = [NOTICE_TAGS[notice.kind]]
        agreement = release["contracts"][0]
        document = {"id": notice.identifier, "title": notice.get_kind_display()}
        if notice.url:
            document["url"] = notice.url
        document["datePublished"] = _moment(notice.published_on)
        if notice.kind == "performance":
            document["documentType"] = "physicalProgressReport"
            if contents is None:
                contents = _performance_contents(contract, today=today)
            document["description"] = (
                f"The KPIs' assessment, due by {notice.period_end.isoformat()}. {contents[notice.period_end].summary}."
            )
            agreement["implementation"] = {"documents": [document]}
        else:
            document["documentType"] = "contractNotice"
            agreement["documents"] = [document]
        if change is not None:
            amendment = _change_amendment(contract, change)
            if releases:
                amendment["amendsReleaseID"] = releases[-1]["id"]
            amendment["releaseID"] = release["id"]
            others = [a for a in agreement.get("amendments", []) if a["id"] != amendment["id"]]
            agreement["amendments"] = [*others, amendment]
            document["description"] = amendment["description"]
        if notice.kind == "termination":
            agreement["status"] = "terminated"
            if (ended := agreement.get("period", {}).get("endDate")) is not None:
                document["description"] = f"The contract ended on {ended[:10]}."
        releases.append(release)
    return releases


def ocds_package(releases: list[dict], *, uri: str, today: date) -> dict:
    """An OCDS release package of `releases`, published as of `today`."""
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": _moment(today),
        "publisher": {"name": settings.OCDS_PUBLISHER_NAME},
        "releases": releases,
    }


def ocds_document(package: dict) -> str:
    return _json(package) + "\n"


def _json(value, depth: int = 0) -> str:
    """JSON as `json.dumps(..., ensure_ascii=False, indent=2)` writes it, except that a
    Decimal is written as a number with its own digits (money never passes through a
    float, which JSON's encoder would need)."""
    inner, outer = "  " * (depth + 1), "  " * depth
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = (
            f"{inner}{json.dumps(str(key), ensure_ascii=False)}: {_json(item, depth + 1)}"
            for key, item in value.items()
        )
        return "{\n" + ",\n".join(items) + f"\n{outer}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(f"{inner}{_json(item, depth + 1)}" for item in value) + f"\n{outer}]"
    return json.dumps(value, ensure_ascii=False)


# --- One download or file, for the list's views and the command ---------------------


def register_document(fmt: str, contracts, *, today: date, uri: str, bom: bool) -> str | bytes:
    """The contracts (from `selectors.contract_export_rows`) as "csv", "xlsx", "ocds",
    or "ocds_notices" (their Procurement Act notices recorded as published)."""
    if fmt == "csv":
        rows = (register_values(contract, today=today) for contract in contracts)
        return csv_document(REGISTER_COLUMNS, rows, bom=bom, headers=EXPORT_COLUMNS)
    if fmt == "xlsx":
        return register_workbook([register_values(contract, today=today) for contract in contracts], today=today)
    if fmt == "ocds":
        releases = [ocds_release(contract, today=today) for contract in contracts]
        return ocds_document(ocds_package(releases, uri=uri, today=today))
    if fmt == "ocds_notices":
        releases = [release for contract in contracts for release in notice_releases(contract, today=today)]
        return ocds_document(ocds_package(releases, uri=uri, today=today))
    raise ValueError(f"No register format {fmt!r}.")


def transparency_document(contracts, *, today: date, bom: bool) -> str:
    """The contracts (from `selectors.transparency_rows`) as the Transparency Code register."""
    rows = [transparency_values(contract, today=today) for contract in contracts]
    return csv_document(TRANSPARENCY_SHEET, rows, bom=bom)
