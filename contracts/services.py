"""Writes to the contract register.

Every function here is keyword-only, atomic, and validates before it saves:
a `ValidationError` (keyed by field where there is one) leaves the database as
it was. After any change to a contract's facts, `_store_figures` rewrites the
figures kept for SQL from `contracts.figures.figure_spans`: the one writer.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import F, Prefetch, ProtectedError
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from commissioning.core import dates, versioning
from commissioning.core.formatting import format_day
from commissioning.core.search import index_refresh
from contracts import procurement
from contracts.changes import Change, beyond_limits, describe_months, grounds_for, percent_of, provided_for_ground
from contracts.figures import (
    VALUE,
    ContractFacts,
    Figures,
    FigureSpan,
    change_measures,
    contract_figures,
    figure_spans,
    missing_facts,
)
from contracts.models import (
    Contract,
    ContractChange,
    ContractFigures,
    ContractOption,
    ContractYearValue,
    FeeUplift,
    FundingShare,
    Kpi,
    KpiAssessment,
    MonitoringRecord,
    NoticePublication,
    Organisation,
    Provider,
    ServiceArea,
    SpendRecord,
)
from contracts.money import check_shares, format_money, split_by_shares, to_money
from contracts.regime import legislation_by_date
from contracts.register_file import RegisterRow, read_charity_number, read_companies_house_number
from contracts.search_index import CONTRACT, PROVIDER
from contracts.terms import (
    Decision,
    OptionStatus,
    Schedule,
    TermError,
    format_term,
    parse_term,
    period_end,
    periods,
)

_ONE_DAY = timedelta(days=1)
_CLOSED = (OptionStatus.DECLINED, OptionStatus.LAPSED)


@dataclass(frozen=True)
class Share:
    organisation: Organisation
    percent: Decimal


def contract_facts(
    contract: Contract,
    options: Sequence[ContractOption],
    *,
    spend: Sequence[SpendRecord] = (),
    shares: Sequence[FundingShare] = (),
    changes: Sequence[ContractChange] | None = None,
) -> ContractFacts:
    """The recorded facts of a contract, from rows already loaded. The initial
    term ends on `end_date` when the contract gives it, else by the term's first
    part; each option runs to its `end_date` when given, else for its months.
    `changes` are the contract's changes; when not given they are read from
    `contract.changes` (prefetched by the selectors that list contracts), so no
    figure is ever worked out without them. An option exercised, recorded as a
    change, counts through the option's decision."""
    if changes is None:
        changes = list(contract.changes.all()) if contract.pk else []
    initial = contract.end_date or (parse_term(contract.term)[0] if contract.term else None)
    return ContractFacts(
        start=contract.start_date,
        parts=(initial, *(option.end_date or option.months for option in options)),
        decisions=tuple(Decision(option.status, option.decided_on) for option in options),
        annual_value=contract.annual_value,
        uplift_percent=contract.annual_uplift_percent,
        approved_value=contract.approved_value,
        funding_percents=tuple(share.percent for share in shares),
        spend={record.financial_year: record.amount for record in spend},
        changes=tuple(change.fact for change in changes if change.has_figures),
    )


def figures_of(
    contract: Contract,
    options: Sequence[ContractOption],
    *,
    today: date,
    spend: Sequence[SpendRecord] = (),
    shares: Sequence[FundingShare] = (),
    changes: Sequence[ContractChange] | None = None,
) -> Figures | None:
    """Every figure of the contract on `today`, from the rows given; None for a
    contract whose start or end is not known (`missing_of` says which)."""
    facts = contract_facts(contract, options, spend=spend, shares=shares, changes=changes)
    return contract_figures(facts, today=today, notice_months=settings.OPTION_NOTICE_MONTHS)


def missing_of(contract: Contract, options: Sequence[ContractOption] = ()) -> tuple[str, ...]:
    """What the register does not know about the contract ("start date", "end
    date", "value"): `contracts.figures.missing_facts` of its facts."""
    return missing_facts(contract_facts(contract, options, changes=()))


def contract_schedule(
    contract: Contract,
    options: Sequence[ContractOption],
    *,
    today: date,
    changes: Sequence[ContractChange] | None = None,
) -> Schedule | None:
    """The contract's periods and dates on `today`, from its term, recorded
    options and changes; None when its start or end is not known."""
    figures = figures_of(contract, options, today=today, changes=changes)
    return figures.schedule if figures is not None else None


def parse_term_or_error(term: str, *, field: str = "term") -> tuple[int, ...]:
    """`parse_term` for a service: a term it cannot read is a ValidationError keyed by `field`."""
    try:
        return parse_term(term)
    except TermError as error:
        raise ValidationError({field: str(error)}) from None


def validate_funding(shares: Sequence[Share]) -> None:
    """Funding shares of a contract or project (anything with `organisation`
    and `percent`) by the one rule, `contracts.money.check_shares`."""
    try:
        check_shares([(str(share.organisation), share.percent) for share in shares])
    except ValueError as error:
        raise ValidationError({"funding": str(error)}) from None


def _set_funding(contract: Contract, shares: Sequence[Share] | None) -> None:
    if not shares:
        shares = [Share(organisation=contract.lead_commissioner, percent=Decimal("100"))]
    validate_funding(shares)
    existing = {share.organisation_id: share for share in contract.funding_shares.all()}
    wanted = {share.organisation.pk for share in shares}
    for organisation_id, share in existing.items():
        if organisation_id not in wanted:
            share.delete()
    for share in shares:
        row = existing.get(share.organisation.pk) or FundingShare(contract=contract, organisation=share.organisation)
        if row.pk is None or row.percent != share.percent:
            row.percent = share.percent
            row.save()


def _check_facts(
    contract: Contract,
    options: Sequence[ContractOption],
    *,
    field: str = NON_FIELD_ERRORS,
    changes: Sequence[ContractChange] | None = None,
) -> None:
    """Refuse contradictory facts: an end before the start, an option ending
    no later than the period before it, options taken out of order, a decision
    dated before the start, or a decision on an option that was not the one
    open on the day it is dated (the rule `_decide` applies). Facts that are
    missing are not contradictory: the contract is then incomplete.
    `field` is the one the error is shown against (what the change touched);
    `changes` are the contract's changes, read from it when not given."""
    if changes is None:
        changes = list(contract.changes.all()) if contract.pk else []
    start = contract.start_date
    if start is not None and contract.end_date is not None and contract.end_date < start:
        raise ValidationError(
            {
                "end_date": f"The initial term cannot end on {format_day(contract.end_date)}, "
                f"before the contract starts on {format_day(start)}."
            }
        )
    for earlier, later in zip(options, options[1:]):
        if earlier.end_date and later.end_date and later.end_date <= earlier.end_date:
            raise ValidationError(
                {
                    field: f"Option {later.order} ends on {format_day(later.end_date)}, not after option "
                    f"{earlier.order}, which ends on {format_day(earlier.end_date)}."
                }
            )
    for option in options:
        if start is not None and option.decided_on is not None and option.decided_on < start:
            raise ValidationError(
                {
                    field: f"Option {option.order} was {option.status} on {format_day(option.decided_on)}, "
                    f"before the contract starts on {format_day(start)}."
                }
            )
    try:
        _spans_of(contract, options, changes=changes)
    except ValueError as error:
        raise ValidationError({field: str(error)}) from None
    for option in options:
        if option.status == OptionStatus.AVAILABLE or option.decided_on is None:
            continue
        undecided = [
            ContractOption(order=o.order, months=o.months, end_date=o.end_date) if o.order == option.order else o
            for o in options
        ]
        on_the_day = contract_schedule(contract, undecided, today=option.decided_on, changes=changes)
        if on_the_day is None:
            continue  # dates not known: nothing to hold the decision against yet
        if option.status == OptionStatus.DECLINED and on_the_day.option_statuses[option.order - 1] in _CLOSED:
            continue  # closed already by an earlier option declined (rows written that way before)
        if on_the_day.next_option != option.order:
            raise ValidationError(
                {
                    field: f"Option {option.order} is recorded as {option.status} on "
                    f"{format_day(option.decided_on)}, when it was not the option open for a decision; "
                    "this change of start or term would contradict that decision."
                }
            )


def _spans_of(
    contract: Contract, options: Sequence[ContractOption], *, changes: Sequence[ContractChange] | None = None
) -> list[FigureSpan]:
    facts = contract_facts(contract, options, changes=changes)
    return figure_spans(facts, notice_months=settings.OPTION_NOTICE_MONTHS)


def _insert_figures(pairs: Sequence[tuple[Contract, list[FigureSpan]]]) -> None:
    rows = ContractFigures.objects.bulk_create(
        [
            ContractFigures(
                contract=contract,
                valid_from=span.valid_from,
                valid_to=span.valid_to,
                current_end_date=span.current_end,
                final_end_date=span.final_end,
                next_option=span.next_option,
                next_decision_deadline=span.next_decision_deadline,
                options_exercised=span.options_exercised,
                committed_value=span.committed_value,
                whole_life_value=span.whole_life_value,
                annual_value=span.annual_value,
            )
            for contract, spans in pairs
            for span in spans
        ],
        batch_size=1000,
    )
    spans = [span for _, contract_spans in pairs for span in contract_spans]
    ContractYearValue.objects.bulk_create(
        (
            ContractYearValue(figures=row, financial_year=year, amount=amount)
            for row, span in zip(rows, spans, strict=True)
            for year, amount in span.year_values
        ),
        batch_size=1000,
    )


def _store_figures(contract: Contract, options: Sequence[ContractOption]) -> None:
    """Rewrite the figures kept for SQL, for every span of days, from the facts.

    With `figures_store_many`, the only writer of `ContractFigures`,
    `ContractYearValue` and `Contract.initial_end_date`; it changes no fact.
    """
    # The changes as saved now, never a list read before this write.
    spans = _spans_of(contract, options, changes=list(ContractChange.objects.filter(contract=contract)))
    initial_end = _initial_end(spans)
    if contract.initial_end_date != initial_end:
        contract.initial_end_date = initial_end
        Contract.objects.filter(pk=contract.pk).update(initial_end_date=initial_end)
    ContractFigures.objects.filter(contract=contract).delete()
    _insert_figures([(contract, spans)])


def _initial_end(spans: Sequence[FigureSpan]) -> date | None:
    return spans[0].initial_end if spans else None


def initial_end_of(contract: Contract, options: Sequence[ContractOption]) -> date | None:
    """The end of the initial term, for a contract not yet saved (`figures_store_many`);
    None when its start or end is not known."""
    return _initial_end(_spans_of(contract, options))


def figures_store_many(contracts: Sequence[tuple[Contract, Sequence[ContractOption]]]) -> None:
    """Write the figures of contracts saved in bulk with their options (the
    benchmark's generator), by the same functions as every service: their
    `initial_end_date` must come from `initial_end_of`. Contracts just saved have
    no changes yet."""
    pairs = []
    for contract, options in contracts:
        spans = _spans_of(contract, options, changes=())
        if contract.initial_end_date != _initial_end(spans):
            raise ValueError(f"{contract.reference}: initial_end_date must come from initial_end_of().")
        pairs.append((contract, spans))
    _insert_figures(pairs)


def figures_are_current(contract: Contract, options: Sequence[ContractOption]) -> bool:
    """Whether the stored spans are exactly what the facts give (the daily check)."""
    spans = _spans_of(contract, options)
    wanted = [(span.valid_from, span.valid_to, *span.kept()) for span in spans]
    stored = [
        (
            row.valid_from,
            row.valid_to,
            row.current_end_date,
            row.final_end_date,
            row.next_option,
            row.next_decision_deadline,
            row.options_exercised,
            row.committed_value,
            row.whole_life_value,
            tuple((value.financial_year, value.amount) for value in row.year_values.all()),
            row.annual_value,
        )
        for row in contract.figures.all()
    ]
    return contract.initial_end_date == _initial_end(spans) and stored == wanted


def _full_clean(contract: Contract) -> None:
    # Providers are set after the first save; the stored values come from the term.
    contract.full_clean(exclude=["providers"])


def _validate_providers(providers: Sequence[Provider]) -> None:
    if not providers:
        raise ValidationError({"providers": "Choose at least one provider."})


def _option_parts(parts: Sequence[int], option_end_dates: Sequence[date]) -> list[tuple[int | None, date | None]]:
    """(months, end date) of each option: from the term, or from the end dates
    when the term gives no options."""
    if parts[1:] and option_end_dates:
        raise ValidationError({"option_end_dates": "Give the options by the term or by their end dates, not both."})
    if option_end_dates:
        dates.require_in_range(**{f"option {n}": d for n, d in enumerate(option_end_dates, start=1)})
        return [(None, end) for end in option_end_dates]
    return [(months, None) for months in parts[1:]]


def _read_term(term: str) -> tuple[int, ...]:
    """The parts of a term, or none for a blank term (end unknown, or given by an end date)."""
    return parse_term_or_error(term) if term.strip() else ()


@transaction.atomic
def contract_create(
    *,
    reference: str,
    title: str,
    service_area: ServiceArea,
    lead_commissioner: Organisation,
    providers: Sequence[Provider],
    start_date: date | None,
    term: str,
    annual_value: Decimal | None,
    contract_type: str = Contract.ContractType.BLOCK,
    legislation: str = Contract.Legislation.PA_2023,
    route: str = Contract.Route.LIGHT_TOUCH,
    annual_uplift_percent: Decimal = Decimal("0"),
    approved_value: Decimal | None = None,
    description: str = "",
    notes: str = "",
    funding: Sequence[Share] | None = None,
    options_exercised: int = 0,
    end_date: date | None = None,
    review_date: date | None = None,
    directorate: str = "",
    procurement_classification: str = "",
    option_end_dates: Sequence[date] = (),
) -> Contract:
    """Register a contract. `start_date`, `term` (blank) and `annual_value` may be
    unknown (None): the contract is then kept as incomplete (`missing_of`) and
    left out of the figures that need what it lacks. `end_date` is the last day
    of the initial term when the contract gives it, and wins over the term's
    first part. `option_end_dates` gives the options by their last days, in
    order, for a contract whose term gives no options (a register's "extension
    to 31 Mar 2025"); giving both is refused."""
    dates.require_in_range(start_date=start_date, end_date=end_date, review_date=review_date)
    parts = _read_term(term)
    _validate_providers(providers)
    option_parts = _option_parts(parts, option_end_dates)
    option_count = len(option_parts)
    if not 0 <= options_exercised <= option_count:
        raise ValidationError({"options_exercised": _too_many_options_message(options_exercised, option_count)})
    contract = Contract(
        reference=reference.strip(),
        title=title.strip(),
        description=description,
        service_area=service_area,
        contract_type=contract_type,
        legislation=legislation,
        route=route,
        lead_commissioner=lead_commissioner,
        directorate=directorate.strip(),
        procurement_classification=procurement_classification.strip(),
        start_date=start_date,
        term=format_term(parts) if parts else "",
        end_date=end_date,
        review_date=review_date,
        annual_value=annual_value,
        annual_uplift_percent=annual_uplift_percent,
        approved_value=approved_value,
        notes=notes,
    )
    options = [
        ContractOption(
            order=order,
            months=months,
            end_date=option_end,
            status=OptionStatus.EXERCISED if order <= options_exercised else OptionStatus.AVAILABLE,
            decision_note=_REGISTERED_AS_EXERCISED if order <= options_exercised else "",
        )
        for order, (months, option_end) in enumerate(option_parts, start=1)
    ]
    _check_facts(contract, options, field="option_end_dates" if option_end_dates else NON_FIELD_ERRORS)
    contract.initial_end_date = initial_end_of(contract, options)
    _full_clean(contract)
    # full_clean saw no other contract with this reference; one registered at
    # the same moment is refused here, as the same form error.
    versioning.save_or_refuse(
        contract, refusal=ValidationError({"reference": "A contract with this reference already exists."})
    )
    contract.providers.set(providers)
    for option in options:
        option.contract = contract
        option.save()
    _set_funding(contract, funding)
    _store_figures(contract, options)
    index_refresh(CONTRACT, [contract.pk])
    return contract


def _values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def _changed(instance, before: dict) -> bool:
    # Saving only what changed keeps the audit history to real changes.
    return _values(instance) != before


_REGISTERED_AS_EXERCISED = "Recorded as exercised when the contract was registered."


def _record_as_exercised(option: ContractOption) -> None:
    option.status = OptionStatus.EXERCISED
    option.decided_by = ""
    option.decided_on = None
    option.decision_note = _REGISTERED_AS_EXERCISED


def _reopen(option: ContractOption) -> None:
    option.status = OptionStatus.AVAILABLE
    option.decided_by = ""
    option.decided_on = None
    option.decision_note = ""


def _too_many_options_message(exercised: int, available: int) -> str:
    if exercised < 0:
        return "The number of options exercised cannot be negative."
    noun = "option" if available == 1 else "options"
    return f"{exercised} options exercised, but the term has only {available} {noun}."


class _Keep(enum.Enum):
    KEEP = "keep"


# The default of `contract_update`'s later facts: keep what is stored.
KEEP = _Keep.KEEP


@transaction.atomic
def contract_update(
    *,
    contract: Contract,
    title: str,
    service_area: ServiceArea,
    lead_commissioner: Organisation,
    providers: Sequence[Provider],
    start_date: date | None,
    term: str,
    annual_value: Decimal | None,
    contract_type: str,
    legislation: str,
    route: str,
    annual_uplift_percent: Decimal,
    approved_value: Decimal | None,
    description: str,
    notes: str,
    funding: Sequence[Share] | None = None,
    options_exercised: int | None = None,
    version: int | None = None,
    end_date: date | None | _Keep = KEEP,
    review_date: date | None | _Keep = KEEP,
    directorate: str | _Keep = KEEP,
    procurement_classification: str | _Keep = KEEP,
    option_end_dates: Sequence[date] | _Keep = KEEP,
) -> Contract:
    """Change a contract's facts. Every fact is given, so none is reset by omission. A changed term keeps the decisions already recorded
    on the options it still has; an option with a decision cannot be removed.
    `options_exercised`, when given, sets how many options (in order) are exercised.
    `version` is the version the edit form was read at: an older one raises `versioning.StaleEdit`.

    Start, term (blank) and value may be None: the contract is then incomplete.
    The facts after `version` keep what is stored when not given (`KEEP`), so a
    caller that does not know them (an older import) does not clear them.
    `option_end_dates` gives the options by their last days when the term gives
    none; kept, the options already given by end dates stay as they are."""
    dates.require_in_range(
        start_date=start_date,
        end_date=None if end_date is KEEP else end_date,
        review_date=None if review_date is KEEP else review_date,
    )
    parts = _read_term(term)
    _validate_providers(providers)
    # Compare with what the database holds, never with the object the caller
    # passed: a bound ModelForm has already copied the posted values onto it,
    # so comparing it with itself would find nothing to save.
    contract = versioning.lock_for_update(Contract, pk=contract.pk, version=version)
    options = list(contract.options.order_by("order"))
    if option_end_dates is KEEP:
        by_end_date = [option.end_date for option in options if option.end_date is not None]
        kept_end_dates = by_end_date if not parts[1:] and len(by_end_date) == len(options) else []
        option_parts = _option_parts(parts, kept_end_dates)
    else:
        option_parts = _option_parts(parts, option_end_dates)
    for option in options[len(option_parts) :]:
        if option.status != OptionStatus.AVAILABLE:
            raise ValidationError(
                {
                    "term": f"Option {option.order} is {option.status}, so the term must keep at least {option.order} options."
                }
            )
    if options_exercised is not None and not 0 <= options_exercised <= len(option_parts):
        raise ValidationError({"options_exercised": _too_many_options_message(options_exercised, len(option_parts))})
    contract_before = _values(contract)
    options_before = {option.pk: _values(option) for option in options}

    contract.title = title.strip()
    contract.description = description
    contract.service_area = service_area
    contract.lead_commissioner = lead_commissioner
    contract.start_date = start_date
    contract.term = format_term(parts) if parts else ""
    contract.annual_value = annual_value
    contract.contract_type = contract_type
    contract.legislation = legislation
    contract.route = route
    contract.annual_uplift_percent = annual_uplift_percent
    contract.approved_value = approved_value
    contract.notes = notes
    if end_date is not KEEP:
        contract.end_date = end_date
    if review_date is not KEEP:
        contract.review_date = review_date
    if directorate is not KEEP:
        contract.directorate = directorate.strip()
    if procurement_classification is not KEEP:
        contract.procurement_classification = procurement_classification.strip()

    by_order = {option.order: option for option in options}
    kept = []
    for order, (months, option_end) in enumerate(option_parts, start=1):
        option = by_order.get(order) or ContractOption(contract=contract, order=order)
        option.months = months
        option.end_date = option_end
        if options_exercised is not None:
            wanted = OptionStatus.EXERCISED if order <= options_exercised else OptionStatus.AVAILABLE
            changes = (option.status == OptionStatus.EXERCISED) != (wanted == OptionStatus.EXERCISED)
            if changes and option.pk is not None and (option.decided_on or option.status == OptionStatus.DECLINED):
                # A decision recorded on its own page is a fact with its day: a number of
                # options exercised (a form, an imported file) never overwrites it.
                when = f" on {format_day(option.decided_on)}" if option.decided_on else ""
                raise ValidationError(
                    {
                        "options_exercised": f"{options_exercised} options exercised would undo option "
                        f"{order}, {option.status}{when}; change a decision on the contract's page."
                    }
                )
            if wanted == OptionStatus.EXERCISED and option.status != OptionStatus.EXERCISED:
                _record_as_exercised(option)
            elif wanted == OptionStatus.AVAILABLE and option.status == OptionStatus.EXERCISED:
                _reopen(option)
        kept.append(option)
    if options_exercised is not None and options_exercised != sum(
        1 for option in options if option.status == OptionStatus.EXERCISED
    ):
        touched = "options_exercised"
    elif contract.start_date != contract_before["start_date"]:
        touched = "start_date"
    elif contract.end_date != contract_before["end_date"]:
        touched = "end_date"
    elif option_end_dates is not KEEP:
        touched = "option_end_dates"
    else:
        touched = "term"
    _check_facts(contract, kept, field=touched)
    contract.initial_end_date = initial_end_of(contract, kept)
    _full_clean(contract)
    if _changed(contract, contract_before):
        contract.version += 1
        contract.save()
    else:
        # Providers, options or funding may still change below: a form read before this save is stale.
        versioning.bump_version(Contract, contract)
    contract.providers.set(providers)
    try:
        ContractOption.objects.filter(contract=contract, order__gt=len(option_parts)).delete()
    except ProtectedError as refusal:
        # A decision that exercised or declined an option stands on it (committees' ContractLink).
        orders = sorted({link.option.order for link in refusal.protected_objects if getattr(link, "option_id", None)})
        named = ", ".join(str(order) for order in orders) or "a later option"
        raise ValidationError(
            {"term": f"The term drops option {named}, which has a decision recorded against it; keep it in the term."}
        ) from None
    for option in kept:
        if option.pk is None or _changed(option, options_before[option.pk]):
            option.save()
    _store_figures(contract, kept)
    if funding is not None:
        _set_funding(contract, funding)
    index_refresh(CONTRACT, [contract.pk])
    return contract


def _decide(*, option: ContractOption, status: OptionStatus, decided_by: str, decided_on: date, note: str, today: date):
    dates.require_in_range(decided_on=decided_on)
    contract = Contract.objects.select_for_update().get(pk=option.contract_id)
    options = list(contract.options.order_by("order"))
    target = next(o for o in options if o.pk == option.pk)
    verb = "exercised" if status == OptionStatus.EXERCISED else "declined"
    if decided_on > today:
        raise ValidationError({"decided_on": "The decision date cannot be in the future."})
    missing = [fact for fact in missing_of(contract, options) if fact != VALUE]
    if missing:
        raise ValidationError(
            f"Record the contract's {' and '.join(missing)} before deciding its options: "
            "without them no option is open on any day."
        )
    if decided_on < contract.start_date:
        raise ValidationError({"decided_on": "The decision date cannot be before the contract starts."})
    if target.status != OptionStatus.AVAILABLE:
        when = f" on {format_day(target.decided_on)}" if target.decided_on else ""
        raise ValidationError(f"Option {target.order} was already {target.status}{when}.")
    # The option must be the one open for a decision on the day it was decided,
    # as the facts recorded so far stand on that day.
    on_the_day = contract_schedule(contract, options, today=decided_on)
    if on_the_day.next_option != target.order:
        if on_the_day.next_option is not None:
            raise ValidationError(
                f"Option {target.order} cannot be {verb} on {format_day(decided_on)}: "
                f"option {on_the_day.next_option} must be decided first."
            )
        lapsed = on_the_day.option_statuses[target.order - 1] == OptionStatus.LAPSED
        if lapsed:
            raise ValidationError(
                {
                    "decided_on": f"Option {target.order} lapsed on {format_day(on_the_day.current_end + _ONE_DAY)}, "
                    f"the day after the term it would extend ended, so it cannot be {verb} on {format_day(decided_on)}."
                }
            )
        raise ValidationError(f"No option on this contract is open for a decision on {format_day(decided_on)}.")
    target.status = status
    target.decided_by = decided_by.strip()
    target.decided_on = decided_on
    target.decision_note = note
    target.save()
    # Declining an option closes the ones after it: that follows from the rule
    # (contracts.terms), so nothing else is written.
    _store_figures(contract, options)
    return target


@transaction.atomic
def option_exercise(
    *, option: ContractOption, decided_by: str, decided_on: date, note: str = "", today: date
) -> ContractOption:
    return _decide(
        option=option,
        status=OptionStatus.EXERCISED,
        decided_by=decided_by,
        decided_on=decided_on,
        note=note,
        today=today,
    )


@transaction.atomic
def option_decline(
    *, option: ContractOption, decided_by: str, decided_on: date, note: str = "", today: date
) -> ContractOption:
    return _decide(
        option=option,
        status=OptionStatus.DECLINED,
        decided_by=decided_by,
        decided_on=decided_on,
        note=note,
        today=today,
    )


@transaction.atomic
def spend_record(*, contract: Contract, financial_year: int, amount: Decimal, note: str = "") -> SpendRecord:
    """Record (or correct) the actual spend on a contract in one financial year."""
    # Two people recording the same year at once take turns: the second corrects the first.
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    record = SpendRecord.objects.filter(contract=contract, financial_year=financial_year).first()
    if record is None:
        record = SpendRecord(contract=contract, financial_year=financial_year)
    record.amount = amount
    record.note = note
    record.full_clean(exclude=["contract"])
    record.save()
    return record


@dataclass(frozen=True)
class SpendInput:
    contract: Contract
    financial_year: int
    amount: Decimal
    note: str = ""


@transaction.atomic
def spend_record_many(*, records: Sequence[SpendInput]) -> int:
    """Record the spend of many contracts' years at once (a ledger's outturn, the
    demo register): each checked as `spend_record` checks one, added in bulk with
    its history. A year already recorded for a contract is refused: correct it
    with `spend_record`. Returns how many were added."""
    rows = [
        SpendRecord(
            contract=record.contract, financial_year=record.financial_year, amount=record.amount, note=record.note
        )
        for record in records
    ]
    for row in rows:
        row.full_clean(exclude=["contract"], validate_unique=False, validate_constraints=False)
    keys = {(row.contract_id, row.financial_year) for row in rows}
    recorded = SpendRecord.objects.filter(contract_id__in={key[0] for key in keys}).values_list(
        "contract_id", "financial_year"
    )
    if len(keys) < len(rows) or keys & set(recorded):
        raise ValidationError("A year's spend is given twice, or is already recorded: correct it on its own.")
    bulk_create_with_history(rows, SpendRecord, batch_size=_SAVE_BATCH, default_change_reason="Recorded in bulk.")
    return len(rows)


@transaction.atomic
def contract_figures_refresh(*, contract: Contract) -> bool:
    """Rewrite the contract's stored figures if they are not what its facts give
    (after a change of the notice-period setting, say). Returns whether they were."""
    options = list(contract.options.order_by("order"))
    if figures_are_current(contract, options):
        return False
    _store_figures(contract, options)
    return True


def contracts_figures_refresh() -> int:
    """The daily job: check every contract's stored figures, each in its own
    transaction. They hold for every day already, so this only repairs."""
    repaired = 0
    for contract in Contract.objects.prefetch_related("figures__year_values", "changes").iterator(chunk_size=500):
        repaired += contract_figures_refresh(contract=contract)
    return repaired


def organisation_kind_for(name: str) -> str:
    """A sensible kind for an organisation known only by name (an officer can correct it)."""
    words = name.lower()
    if "integrated care board" in words or words.split()[-1:] == ["icb"] or " icb" in f" {words}":
        return Organisation.Kind.ICB
    if "council" in words or "borough" in words:
        return Organisation.Kind.COUNCIL
    if "nhs" in words and "trust" in words:
        return Organisation.Kind.NHS_TRUST
    return Organisation.Kind.OTHER


def _get_or_create_by_name(model, name: str, **defaults):
    """Match by name, ignoring case and repeated spaces, or create it (validated)."""
    name = " ".join(name.split())
    instance = model.objects.filter(name__iexact=name).first()
    if instance is None:
        instance = model(name=name, **defaults)
        instance.full_clean()
        instance.save()
    return instance


@transaction.atomic
def organisation_get_or_create(*, name: str, kind: str | None = None) -> Organisation:
    return _get_or_create_by_name(Organisation, name, kind=kind or organisation_kind_for(" ".join(name.split())))


@transaction.atomic
def provider_get_or_create(*, name: str) -> Provider:
    provider = _get_or_create_by_name(Provider, name)
    index_refresh(PROVIDER, [provider.pk])
    return provider


@transaction.atomic
def service_area_get_or_create(*, name: str) -> ServiceArea:
    return _get_or_create_by_name(ServiceArea, name)


# --- providers and organisations, added and edited on their pages -----------------------------


def companies_house_number_of(text: str) -> str:
    """A Companies House number as it is kept, 8 characters (1234567 → 01234567, "sc 123456" →
    SC123456, "GB/01234567" → 01234567), read by the same rule as a register file; blank for none."""
    read = read_companies_house_number(text)
    if read.warning:
        raise ValidationError(
            {
                "companies_house_number": "This is not a Companies House number: it is 8 digits, or 2 letters "
                "and 6 digits, such as 01234567 or SC123456."
            }
        )
    return read.value


def charity_number_of(text: str) -> str:
    """A registered charity number as it is kept (6 to 8 digits, "-1" for a linked charity); blank for none."""
    read = read_charity_number(text)
    if read.warning:
        raise ValidationError(
            {"charity_number": "This is not a charity number: it is 6 to 8 digits, such as 1064342 or 1064342-1."}
        )
    return read.value


def _name_refusal(noun: str, name: str) -> ValidationError:
    return ValidationError({"name": f"There is already {noun} named “{name}”: open it from the list instead."})


def _name_taken(model, instance, *, noun: str) -> ValidationError | None:
    """The refusal when another record has the instance's name, ignoring case (names come with spaces collapsed)."""
    existing = model.objects.filter(name__iexact=instance.name).exclude(pk=instance.pk).first()
    return _name_refusal(noun, existing.name) if existing is not None else None


def _provider_save(provider: Provider, **values) -> Provider:
    errors = {}
    for name, clean in (("companies_house_number", companies_house_number_of), ("charity_number", charity_number_of)):
        try:
            values[name] = clean(values[name])
        except ValidationError as error:
            errors.update(error.message_dict)
    values["name"] = " ".join(values["name"].split())
    for name, value in values.items():
        setattr(provider, name, value)
    if taken := _name_taken(Provider, provider, noun="a provider"):
        errors.update(taken.message_dict)
    if errors:
        raise ValidationError(errors)
    provider.full_clean(validate_unique=False)
    # A provider of the same name added at the same moment: the database refuses it.
    provider = versioning.save_or_refuse(provider, refusal=_name_refusal("a provider", provider.name))
    index_refresh(PROVIDER, [provider.pk])
    # Contracts are found by their providers' names too.
    index_refresh(CONTRACT, provider.contracts.values_list("pk", flat=True))
    return provider


@transaction.atomic
def provider_create(
    *,
    name: str,
    companies_house_number: str = "",
    charity_number: str = "",
    is_sme: bool = False,
    is_vcse: bool = False,
) -> Provider:
    """Add a provider. The numbers are kept as a register file's are read; a name already
    taken (ignoring case and spacing) is refused."""
    return _provider_save(
        Provider(),
        name=name,
        companies_house_number=companies_house_number,
        charity_number=charity_number,
        is_sme=is_sme,
        is_vcse=is_vcse,
    )


@transaction.atomic
def provider_update(
    *,
    provider: Provider,
    version: int | None,
    name: str,
    companies_house_number: str,
    charity_number: str,
    is_sme: bool,
    is_vcse: bool,
) -> Provider:
    """`version` is the version the edit form was read at: an older one raises `versioning.StaleEdit`."""
    provider = versioning.lock_for_update(Provider, pk=provider.pk, version=version)
    provider.version += 1
    return _provider_save(
        provider,
        name=name,
        companies_house_number=companies_house_number,
        charity_number=charity_number,
        is_sme=is_sme,
        is_vcse=is_vcse,
    )


def _organisation_save(organisation: Organisation, *, name: str, kind: str) -> Organisation:
    organisation.name = " ".join(name.split())
    organisation.kind = kind
    if taken := _name_taken(Organisation, organisation, noun="an organisation"):
        raise taken
    organisation.full_clean(validate_unique=False)
    return versioning.save_or_refuse(organisation, refusal=_name_refusal("an organisation", organisation.name))


@transaction.atomic
def organisation_create(*, name: str, kind: str) -> Organisation:
    """Add a council, ICB, NHS trust or other organisation; a name already taken is refused."""
    return _organisation_save(Organisation(), name=name, kind=kind)


@transaction.atomic
def organisation_update(*, organisation: Organisation, version: int | None, name: str, kind: str) -> Organisation:
    """`version` is the version the edit form was read at: an older one raises `versioning.StaleEdit`."""
    organisation = versioning.lock_for_update(Organisation, pk=organisation.pk, version=version)
    organisation.version += 1
    return _organisation_save(organisation, name=name, kind=kind)


# --- saving a register file in bulk -------------------------------------------------------------

_SAVE_BATCH = 500
# A chunk of names or references in one IN (...): well under every database's limit.
_LOOKUP_CHUNK = 500
NOT_RECORDED_SERVICE_AREA = "Not recorded"
_IMPORTED = "Imported from a register file."


@dataclass(frozen=True)
class SavedCounts:
    created: int
    updated: int


def _chunks(items: Sequence, size: int):
    for index in range(0, len(items), size):
        yield items[index : index + size]


def _by_name(model, names, **defaults_for) -> dict:
    """Every instance of `model` named (ignoring case and spacing) in `names`, created
    (validated, with history) when missing: a bounded number of queries."""
    wanted = {" ".join(name.split()).lower(): " ".join(name.split()) for name in names if name.strip()}
    found = {}
    keys = list(wanted)
    for chunk in _chunks(keys, _LOOKUP_CHUNK):
        for instance in model.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=chunk):
            found.setdefault(instance.lower_name, instance)
    new = []
    for key in keys:
        if key in found:
            continue
        defaults = {name: make(wanted[key]) for name, make in defaults_for.items()}
        instance = model(name=wanted[key], **defaults)
        try:
            # Fields only: the names were just looked up, ignoring case, all at once.
            instance.clean_fields()
        except ValidationError as error:
            raise ValidationError(f"{wanted[key]}: {' '.join(error.messages)}") from None
        new.append(instance)
        found[key] = instance
    if new:
        if hasattr(model, "history"):
            bulk_create_with_history(new, model, batch_size=_LOOKUP_CHUNK, default_change_reason=_IMPORTED)
        else:
            model.objects.bulk_create(new, batch_size=_LOOKUP_CHUNK)
    return found


def _key(name: str) -> str:
    return " ".join(name.split()).lower()


def _provider_details(providers: dict, rows) -> list[Provider]:
    """Companies House and charity numbers and the SME and VCSE flags the rows give,
    one for each supplier of a row; what a row leaves blank is kept as stored."""
    changed = {}
    for row in rows:
        count = len(row.providers)
        details = zip(
            row.providers,
            row.companies_house_number or ("",) * count,
            row.charity_number or ("",) * count,
            row.sme or (None,) * count,
            row.vcse or (None,) * count,
            strict=True,
        )
        for name, company, charity, sme, vcse in details:
            provider = providers[_key(name)]
            before = (provider.companies_house_number, provider.charity_number, provider.is_sme, provider.is_vcse)
            provider.companies_house_number = company or provider.companies_house_number
            provider.charity_number = charity or provider.charity_number
            provider.is_sme = provider.is_sme if sme is None else sme
            provider.is_vcse = provider.is_vcse if vcse is None else vcse
            if (provider.companies_house_number, provider.charity_number, provider.is_sme, provider.is_vcse) != before:
                changed[provider.pk] = provider
    return list(changed.values())


def _register_spans(contract: Contract, options: list[ContractOption], *, reference: str) -> list[FigureSpan]:
    """The figure spans of a contract saved from a register, computed once; none when
    its dates are not known. A fact the rules cannot read is a ValidationError."""
    try:
        if any(option.decided_on is not None or option.status == OptionStatus.DECLINED for option in options):
            _check_facts(contract, options)  # a decision with its day: the rules `_decide` applies
        return _spans_of(contract, options)
    except ValidationError as error:
        raise ValidationError(f"{reference}: {' '.join(error.messages)}") from None
    except ValueError as error:
        raise ValidationError(f"{reference}: {error}") from None


@dataclass
class _Plan:
    """What saving one register row does to its contract."""

    row: RegisterRow
    contract: Contract
    options: list[ContractOption]  # in order, saved or to be saved
    removed: list[ContractOption]  # to delete
    is_new: bool
    options_before: dict[int, dict]  # the saved options' values as loaded


def _last_day(contract: Contract, options: Sequence[ContractOption]) -> date | None:
    """The last day of the contract's last period, every option taken; None when
    its dates are not known or cannot be read."""
    facts = contract_facts(contract, options, changes=())
    if facts.start is None or facts.parts[0] is None:
        return None
    try:
        return periods(facts.start, facts.parts)[-1].end
    except ValueError:
        return None


def _ends_by_term(contract: Contract, row: RegisterRow) -> bool:
    """Whether the contract's own term already ends its initial period on the row's
    end date (as the register's export writes it), from the start it keeps."""
    if contract.end_date is not None or not contract.term or row.term_parts is not None:
        return False
    if contract.start_date is None or row.start_date not in (None, contract.start_date):
        return False
    return period_end(contract.start_date, parse_term(contract.term)[0]) == row.end_date


def _register_options(contract: Contract, existing: list[ContractOption], row: RegisterRow) -> tuple[list, list]:
    """The options the row gives the contract: (options to keep or add, options to delete).
    Decisions already recorded stay as they are (the import refuses a row that would undo one)."""
    by_order = {option.order: option for option in existing}
    if row.term_parts is not None:
        option_months = list(row.term_parts[1:])
    else:
        option_months = [option.months for option in existing if option.months is not None]
    kept: list[ContractOption] = []
    for order, months in enumerate(option_months, start=1):
        option = by_order.pop(order, None) or ContractOption(contract=contract, order=order)
        if option.pk is not None and option.months is None and option.status != OptionStatus.AVAILABLE:
            by_order[order] = option  # a decided option to a date stays; the file's term is checked first
            option = ContractOption(contract=contract, order=order)
        option.months = months
        option.end_date = None
        if row.options_exercised is not None:
            if order <= row.options_exercised and option.status != OptionStatus.EXERCISED:
                _record_as_exercised(option)
            elif order > row.options_exercised and option.status == OptionStatus.EXERCISED:
                _reopen(option)
        kept.append(option)
    # Options to a given day: one decided on a recorded day stays; one open, or
    # recorded as exercised by a register, follows the file's last extension date.
    dated = sorted(by_order.values(), key=lambda option: option.order)
    removed = []
    for option in dated:
        if option.months is None and option.status != OptionStatus.AVAILABLE and option.decided_on is not None:
            kept.append(option)
        elif option.months is None and row.last_extension_date is None and "last_extension_date" not in row.given:
            kept.append(option)
        else:
            removed.append(option)
    # A register's last extension date is an option to that day, unless the
    # options kept already run to it (a term's options, as the register's own export writes them).
    if (
        row.last_extension_date is not None
        and not any(o.end_date == row.last_extension_date for o in kept)
        and _last_day(contract, kept) != row.last_extension_date
    ):
        reuse = next((option for option in removed if option.months is None), None)
        if reuse is not None:
            removed.remove(reuse)
            option = reuse
        else:
            option = ContractOption(contract=contract)
        option.months = None
        option.end_date = row.last_extension_date
        kept.append(option)
    if row.extension_taken:
        to_the_day = [option for option in kept if option.end_date == row.last_extension_date]
        # Options of the contract's term that run to the day: it ran on into the first of them.
        taken = to_the_day or [option for option in kept if option.status != OptionStatus.EXERCISED][:1]
        for option in taken:
            if option.status == OptionStatus.AVAILABLE:
                _record_as_exercised(option)
    for order, option in enumerate(kept, start=1):
        option.order = order
    return kept, [option for option in removed if option.pk is not None]


def _apply_row(contract: Contract, row: RegisterRow, *, service_area, lead_commissioner, new: bool) -> None:
    """The row's facts on the contract; for an existing one, a fact the file does not
    give (or leaves blank) keeps what the register holds."""
    given = row.given
    contract.title = row.title
    if row.description is not None:
        contract.description = row.description
    # A new contract's service area may come from the directorate; an existing one
    # keeps its own unless the file has a service area column.
    if service_area is not None and (new or "service_area" in given):
        contract.service_area = service_area
    if lead_commissioner is not None and (new or "lead_commissioner" in given):
        contract.lead_commissioner = lead_commissioner
    if row.directorate is not None:
        contract.directorate = row.directorate
    if row.procurement_classification is not None:
        contract.procurement_classification = row.procurement_classification
    if row.contract_type is not None:
        contract.contract_type = row.contract_type
    if row.route is not None:
        contract.route = row.route
    if row.legislation is not None:
        contract.legislation = row.legislation
    elif new and contract.route == Contract.Route.WAIVER:
        contract.legislation = Contract.Legislation.NONE  # exempt from tender: no procurement law
    elif new and row.start_date is not None:
        contract.legislation = legislation_by_date(row.start_date)
    # The end date a term gives stays the term's: the contract keeps its own facts.
    keep_term_end = not new and _ends_by_term(contract, row)
    if row.start_date is not None:
        contract.start_date = row.start_date
    if row.end_date is not None and not keep_term_end:
        contract.end_date = row.end_date
    if row.term_parts is not None:
        contract.term = format_term(row.term_parts)
    if row.review_date is not None:
        contract.review_date = row.review_date
    if row.annual_value is not None:
        contract.annual_value = row.annual_value
    if "approved_value" in given:
        contract.approved_value = row.approved_value


_OPTION_FIELDS = ["order", "months", "end_date", "status", "decided_by", "decided_on", "decision_note"]


@transaction.atomic
def contracts_save_many(*, rows: Sequence[RegisterRow], progress=None) -> SavedCounts:
    """Create or update (by reference) the contract of every row of a register file
    (`contracts.register_file.RegisterRow`), in batches with a bounded number of
    queries each, then write their figures by `_insert_figures` (the writer
    `figures_store_many` uses) from spans computed once by `_spans_of`. Atomic: a
    ValidationError naming the row's reference leaves the database as it was.
    `progress(done, total)` is called after each batch."""
    return _contracts_save_many(rows, progress)


def _contracts_save_many(rows: Sequence[RegisterRow], progress) -> SavedCounts:
    organisations = _by_name(
        Organisation,
        [row.lead_commissioner for row in rows] + [name for row in rows for name, _ in row.funding or ()],
        kind=organisation_kind_for,
    )
    areas = _by_name(ServiceArea, [row.service_area or NOT_RECORDED_SERVICE_AREA for row in rows])
    providers = _by_name(Provider, [name for row in rows for name in row.providers])
    changed_providers = _provider_details(providers, rows)
    for provider in changed_providers:
        try:
            provider.clean_fields()
        except ValidationError as error:
            raise ValidationError(f"{provider.name}: {' '.join(error.messages)}") from None
    if changed_providers:
        bulk_update_with_history(
            changed_providers,
            Provider,
            ["companies_house_number", "charity_number", "is_sme", "is_vcse"],
            batch_size=_SAVE_BATCH,
            default_change_reason=_IMPORTED,
        )
    index_refresh(PROVIDER, [provider.pk for provider in providers.values()])
    created = updated = 0
    links = Contract.providers.through
    for batch_number, batch in enumerate(_chunks(list(rows), _SAVE_BATCH)):
        existing = {
            contract.reference: contract
            for contract in Contract.objects.filter(reference__in=[row.reference for row in batch]).prefetch_related(
                "options", "funding_shares", "changes"
            )
        }
        new_contracts, old_contracts, stale_figures, refigure = [], [], [], []
        plans = []
        for row in batch:
            contract = existing.get(row.reference)
            is_new = contract is None
            if is_new:
                contract = Contract(reference=row.reference, term="")
            current_options = [] if is_new else sorted(contract.options.all(), key=lambda option: option.order)
            before = None if is_new else _values(contract)
            options_before = {option.pk: _values(option) for option in current_options}
            _apply_row(
                contract,
                row,
                service_area=areas[_key(row.service_area or NOT_RECORDED_SERVICE_AREA)],
                lead_commissioner=organisations[_key(row.lead_commissioner)],
                new=is_new,
            )
            options, removed = _register_options(contract, current_options, row)
            spans = _register_spans(contract, options, reference=row.reference)
            contract.initial_end_date = spans[0].initial_end if spans else None
            try:
                # Fields only: the references, names and constraints were checked for the whole file
                # at once (a full_clean would query for each contract).
                contract.clean_fields(exclude=["providers", "service_area", "lead_commissioner"])
            except ValidationError as error:
                raise ValidationError(f"{row.reference}: {' '.join(error.messages)}") from None
            options_changed = bool(removed) or any(
                option.pk is None or _values(option) != options_before[option.pk] for option in options
            )
            if is_new:
                new_contracts.append(contract)
                refigure.append((contract, spans))
            else:
                changes = [name for name, value in _values(contract).items() if value != before[name]]
                if changes:
                    old_contracts.append((contract, changes))
                if changes or options_changed:
                    stale_figures.append(contract.pk)
                    refigure.append((contract, spans))
            plans.append(_Plan(row, contract, options, removed, is_new, options_before))
        if new_contracts:
            bulk_create_with_history(new_contracts, Contract, batch_size=_SAVE_BATCH, default_change_reason=_IMPORTED)
        _update_contracts(old_contracts)
        _save_options(plans)
        _save_links(plans, links, providers)
        _save_funding(plans, organisations)
        ContractFigures.objects.filter(contract_id__in=stale_figures).delete()
        # The one writer of the figures, given the spans computed once above (as
        # figures_store_many computes them: `_spans_of`).
        _insert_figures([(contract, spans) for contract, spans in refigure if spans])
        index_refresh(CONTRACT, [plan.contract.pk for plan in plans])
        created += len(new_contracts)
        updated += len(batch) - len(new_contracts)
        if progress is not None:
            progress(min((batch_number + 1) * _SAVE_BATCH, len(rows)), len(rows))
    return SavedCounts(created=created, updated=updated)


def _update_contracts(changed: list[tuple[Contract, list[str]]]) -> None:
    """Save what changed on each contract: one UPDATE for the contracts with the same
    fields changed (an UPDATE of every field of every contract is slow to build, and one
    field at a time could break a rule between two, such as the end after the start),
    a new version for each, and one history row each."""
    if not changed:
        return
    by_fields: dict[tuple[str, ...], list[Contract]] = {}
    for contract, names in changed:
        by_fields.setdefault(tuple(names), []).append(contract)
    for names, contracts in by_fields.items():
        fields = [Contract._meta.get_field(name).name for name in names]
        Contract.objects.bulk_update(contracts, fields, batch_size=_SAVE_BATCH)
    now = timezone.now()
    contracts = [contract for contract, _ in changed]
    Contract.objects.filter(pk__in=[contract.pk for contract in contracts]).update(
        version=F("version") + 1, updated_at=now
    )
    for contract in contracts:
        contract.version += 1
        contract.updated_at = now
    Contract.history.bulk_history_create(
        contracts, batch_size=_SAVE_BATCH, update=True, default_change_reason=_IMPORTED
    )


def _save_options(plans) -> None:
    removed = [option.pk for plan in plans for option in plan.removed]
    if removed:
        ContractOption.objects.filter(pk__in=removed).delete()
    new, changed = [], []
    for plan in plans:
        for option in plan.options:
            option.contract = plan.contract
            if option.pk is None:
                new.append(option)
            elif _changed(option, plan.options_before[option.pk]):
                changed.append(option)
    if changed:
        # Orders may move: out of the way first, so no two options share one on the way.
        ContractOption.objects.filter(pk__in=[option.pk for option in changed]).update(order=F("order") + 1000)
        bulk_update_with_history(changed, ContractOption, _OPTION_FIELDS, batch_size=_SAVE_BATCH)
    if new:
        bulk_create_with_history(new, ContractOption, batch_size=_SAVE_BATCH, default_change_reason=_IMPORTED)


def _save_links(plans, links, providers) -> None:
    old = [plan.contract.pk for plan in plans if not plan.is_new]
    current: dict[int, set[int]] = {}
    if old:
        for contract_id, provider_id in links.objects.filter(contract_id__in=old).values_list(
            "contract_id", "provider_id"
        ):
            current.setdefault(contract_id, set()).add(provider_id)
    stale, wanted_links = [], []
    for plan in plans:
        row, contract = plan.row, plan.contract
        wanted = {providers[_key(name)].pk for name in row.providers}
        have = current.get(contract.pk, set())
        if wanted != have:
            if have:
                stale.append(contract.pk)
            wanted_links += [links(contract_id=contract.pk, provider_id=pk) for pk in sorted(wanted)]
    if stale:
        links.objects.filter(contract_id__in=stale).delete()
    links.objects.bulk_create(wanted_links, batch_size=_SAVE_BATCH)


def _save_funding(plans, organisations) -> None:
    stale, new = [], []
    for plan in plans:
        row, contract, is_new = plan.row, plan.contract, plan.is_new
        if not is_new and row.funding is None and "lead_commissioner" not in row.given:
            continue
        parts = row.funding or ((contract.lead_commissioner.name, Decimal("100")),)
        wanted = {organisations[_key(name)].pk: percent for name, percent in parts}
        have = {} if is_new else {share.organisation_id: share.percent for share in contract.funding_shares.all()}
        if wanted == have:
            continue
        if have:
            stale.append(contract.pk)
        new += [
            FundingShare(contract=contract, organisation_id=organisation_id, percent=percent)
            for organisation_id, percent in wanted.items()
        ]
    if stale:
        FundingShare.objects.filter(contract_id__in=stale).delete()
    if new:
        bulk_create_with_history(new, FundingShare, batch_size=_SAVE_BATCH, default_change_reason=_IMPORTED)


def register_row_problems(*, contract: Contract, options: Sequence[ContractOption], row: RegisterRow) -> list[str]:
    """Why `contracts_save_many` would refuse to apply a register row to an existing
    contract (given with its options loaded), without saving anything: a row never
    undoes a decision recorded with its day, nor removes an option that has one."""
    problems = []
    decided = [option for option in options if option.decided_on is not None or option.status == OptionStatus.DECLINED]
    if row.term_parts is not None:
        for option in decided:
            if option.months is not None and option.order > len(row.term_parts) - 1:
                problems.append(
                    f"the term {format_term(row.term_parts)} would remove option {option.order}, {option.status}; "
                    "change a decision on the contract's page"
                )
    if row.options_exercised is not None:
        for option in decided:
            wanted = option.order <= row.options_exercised
            if option.months is not None and wanted != (option.status == OptionStatus.EXERCISED):
                when = f" on {format_day(option.decided_on)}" if option.decided_on else ""
                problems.append(
                    f"{row.options_exercised} options exercised would undo option {option.order}, "
                    f"{option.status}{when}; change a decision on the contract's page"
                )
    if problems:
        return problems
    copy = Contract(**{field.attname: getattr(contract, field.attname) for field in Contract._meta.concrete_fields})
    copies = [
        ContractOption(
            **{field.attname: getattr(option, field.attname) for field in ContractOption._meta.concrete_fields}
        )
        for option in options
    ]
    _apply_row(copy, row, service_area=None, lead_commissioner=None, new=False)
    if copy.start_date is not None and copy.end_date is not None and copy.end_date < copy.start_date:
        return [f"the end date {format_day(copy.end_date)} is before the start date {format_day(copy.start_date)}"]
    kept, _ = _register_options(copy, copies, row)
    try:
        _check_facts(copy, kept, changes=list(contract.changes.all()))
    except ValidationError as error:
        return list(error.messages)
    return []


# --- Procurement Act notices recorded as published --------------------------------------------


def _notices_owed(contract: Contract) -> set[str]:
    """The kinds of notice `contract` owes once: none unless it was procured under
    the Act; no termination notice below the threshold."""
    if not procurement.under_procurement_act(contract.legislation):
        return set()
    kinds = {NoticePublication.Kind.CONTRACT_DETAILS}
    if procurement.owes_termination_notice(contract.route):
        kinds.add(NoticePublication.Kind.TERMINATION)
    return kinds


def _performance_notice_due(contract: Contract, *, published_on: date, today: date) -> tuple[date | None, str]:
    """The day the performance notice to record now was due, as on `today`; or None
    and why the contract owes none (or none yet that could be published on `published_on`)."""
    if not procurement.under_procurement_act(contract.legislation):
        return None, "it was not procured under the Procurement Act 2023."
    figures = figures_of(contract, list(contract.options.all()), today=today)
    if figures is None:
        return None, "the register does not know its start and end, which the notices count from."
    kpi_duty = procurement.contract_kpi_duty(
        value=figures.whole_life_value,
        route=contract.route,
        contract_type=contract.contract_type,
        legislation=contract.legislation,
    )
    if not kpi_duty:
        return None, (
            "only a contract worth more than £5m, neither light touch nor a framework, has the KPIs "
            "the performance notice reports on."
        )
    recorded = list(
        NoticePublication.objects.filter(contract=contract, kind=NoticePublication.Kind.PERFORMANCE).values_list(
            "published_on", "period_end"
        )
    )
    latest = max((day for day, _ in recorded), default=None)
    if latest is not None and published_on < latest:
        return None, f"its last, published on {format_day(latest)}, is recorded: record them in the order published."
    due = procurement.next_performance_notice(
        kpi_duty=True, start=contract.start_date, end=figures.schedule.current_end, published=recorded
    )
    if due is None:
        return None, f"the notice at its end, {format_day(figures.schedule.current_end)}, is recorded."
    return due, ""


def _change_notice_refusal(contract: Contract, change: ContractChange | None) -> str:
    """Why no change notice can be recorded for `change` of `contract`; "" when one can."""
    if change is None or change.contract_id != contract.pk:
        return f"Choose the change of {contract.reference} whose contract change notice this is."
    when = f"the change from {format_day(change.effective_on)}"
    if NoticePublication.objects.filter(kind=NoticePublication.Kind.CHANGE, change=change).exists():
        return f"The contract change notice of {contract.reference} for {when} is already recorded."
    owes = next(
        notice
        for notice in change_notices_of(contract, list(contract.options.order_by("order")), _changes_of(contract))
        if notice.change.pk == change.pk
    )
    if owes.owed:
        return ""
    if not procurement.under_procurement_act(contract.legislation):
        why = "it was not procured under the Procurement Act 2023."
    elif contract.route == Contract.Route.LIGHT_TOUCH:
        why = "a light touch contract owes none."
    elif contract.route == Contract.Route.BELOW_THRESHOLD:
        why = "a contract below the threshold owes none."
    else:
        why = f"it is within 10% of the value and of the maximum term: {owes.reason}."
    return f"{contract.reference} owes no contract change notice for {when}: {why}"


@transaction.atomic
def notice_publish(
    *,
    kind: str,
    published_on: date,
    identifier: str,
    today: date,
    contract: Contract | None = None,
    period_end: date | None = None,
    change: ContractChange | None = None,
    url: str = "",
) -> NoticePublication:
    """Record a notice as published: a contract's contract details, performance or
    termination notice (`contract`), or the council's payments compliance notice
    for the half-year ending `period_end`. A performance notice answers for the
    next one due as on `today` (the day kept as its `period_end`, whatever is
    given). A change notice names the `change` of the contract it announces.
    Refused, with the reason, for a notice the contract does not owe, a
    half-year not yet ended or not under the Act, a day after `today`, or a
    notice already recorded."""
    Kind = NoticePublication.Kind
    errors: dict[str, list[str]] = {}
    if published_on > today:
        errors.setdefault("published_on", []).append(f"A notice cannot be published after today ({format_day(today)}).")
    if kind == Kind.PAYMENTS_COMPLIANCE:
        contract = None
        ended = {period.last_day for period in procurement.payments_compliance_periods(until=today)}
        if period_end not in ended:
            errors.setdefault("period_end", []).append(
                "Choose a half-year under the Act that has ended: to 31 Mar or to 30 Sep, from 30 Sep 2025."
            )
        elif NoticePublication.objects.filter(kind=kind, period_end=period_end, contract=None).exists():
            errors.setdefault("period_end", []).append(
                f"The notice for the half-year to {format_day(period_end)} is already recorded."
            )
    else:
        period_end = None
        if kind != Kind.CHANGE:
            change = None
        if contract is None:
            raise ValidationError({"contract": "Choose the contract whose notice this is."})
        # Two people recording the same notice at once take turns: the second is told it is recorded.
        Contract.objects.select_for_update().filter(pk=contract.pk).first()
        notice_name = Kind(kind).label.split(" (")[0].lower()  # "contract details notice"
        if kind == Kind.PERFORMANCE:
            period_end, why_not = _performance_notice_due(contract, published_on=published_on, today=today)
            if period_end is None:
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    f"{contract.reference} owes no {notice_name} to record: {why_not}"
                )
        elif kind == Kind.CHANGE:
            why_not = _change_notice_refusal(contract, change)
            if why_not:
                errors.setdefault(NON_FIELD_ERRORS, []).append(why_not)
        elif kind not in _notices_owed(contract):
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                f"{contract.reference} owes no {notice_name}: "
                + (
                    "it was not procured under the Procurement Act 2023."
                    if not procurement.under_procurement_act(contract.legislation)
                    else "a contract below the threshold owes no termination notice."
                )
            )
        elif NoticePublication.objects.filter(kind=kind, contract=contract).exists():
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                f"The {notice_name} of {contract.reference} is already recorded."
            )
    if errors:
        raise ValidationError(errors)
    notice = NoticePublication(
        contract=contract,
        kind=kind,
        change=change,
        period_end=period_end,
        published_on=published_on,
        identifier=" ".join(identifier.split()),
        url=url.strip(),
    )
    notice.full_clean(validate_constraints=False)
    notice.save()
    return notice


# --- KPIs and their assessments ----------------------------------------------------------------


def _kpi_save(kpi: Kpi, *, name: str, measure: str, target: str, frequency: str, evidence_source: str) -> Kpi:
    kpi.name = " ".join(name.split())
    kpi.measure = measure.strip()
    kpi.target = target.strip()
    kpi.frequency = frequency
    kpi.evidence_source = evidence_source.strip()
    refusal = ValidationError({"name": f"This contract already has a KPI called “{kpi.name}”."})
    if Kpi.objects.filter(contract_id=kpi.contract_id, name__iexact=kpi.name).exclude(pk=kpi.pk).exists():
        raise refusal
    kpi.full_clean(validate_unique=False, validate_constraints=False)
    return versioning.save_or_refuse(kpi, refusal=refusal)


@transaction.atomic
def kpi_create(
    *, contract: Contract, name: str, measure: str, target: str, frequency: str, evidence_source: str
) -> Kpi:
    """Set a KPI for a contract. A name the contract's KPIs already use (ignoring case) is refused."""
    return _kpi_save(
        Kpi(contract=contract),
        name=name,
        measure=measure,
        target=target,
        frequency=frequency,
        evidence_source=evidence_source,
    )


@transaction.atomic
def kpi_update(
    *,
    kpi: Kpi,
    version: int | None,
    name: str,
    measure: str,
    target: str,
    frequency: str,
    evidence_source: str,
) -> Kpi:
    """`version` is the version the edit form was read at: an older one raises `versioning.StaleEdit`."""
    kpi = versioning.lock_for_update(Kpi, pk=kpi.pk, version=version)
    kpi.version += 1
    return _kpi_save(
        kpi, name=name, measure=measure, target=target, frequency=frequency, evidence_source=evidence_source
    )


@transaction.atomic
def kpi_assessment_record(
    *,
    kpi: Kpi,
    period_start: date,
    period_end: date,
    rating: str,
    assessed_on: date,
    today: date,
    figures: str = "",
    note: str = "",
) -> KpiAssessment:
    """Record one period's rating of a KPI. The period must have ended by the day it
    is assessed, which cannot be after `today`, and a KPI is rated once for a period:
    a second rating of the same period is refused (a correction is made in the
    admin, where its history is kept)."""
    assessment = KpiAssessment(
        kpi=kpi,
        period_start=period_start,
        period_end=period_end,
        rating=rating,
        assessed_on=assessed_on,
        figures=figures.strip(),
        note=note.strip(),
    )
    assessment.full_clean(validate_unique=False, validate_constraints=False)
    if assessed_on > today:
        raise ValidationError(
            {
                "assessed_on": f"An assessment cannot be dated after today ({format_day(today)}): enter the day it was made."
            }
        )
    refusal = ValidationError(
        {
            "period_start": f"{kpi.name} already has an assessment for {format_day(period_start)} to "
            f"{format_day(period_end)}."
        }
    )
    if KpiAssessment.objects.filter(kpi=kpi, period_start=period_start, period_end=period_end).exists():
        raise refusal
    return versioning.save_or_refuse(assessment, refusal=refusal)


# --- Contract changes and fee uplifts -----------------------------------------------------------
#
# A change is a fact dated by the day it takes effect (contracts.changes); the figures follow it
# from that day through `contract_facts`, and `_store_figures` rewrites the spans kept for SQL.

_threshold_source = None


def threshold_source_set(source) -> None:
    """Called by the layer that keeps the procurement thresholds (commissioning.projects):
    `source(day)` gives the light touch threshold in force on `day`, or None. The
    below-threshold grounds for a change are checked against it."""
    global _threshold_source
    _threshold_source = source


def _threshold_on(day: date) -> Decimal | None:
    return _threshold_source(day) if _threshold_source is not None else None


def _changes_of(contract: Contract) -> list[ContractChange]:
    return list(ContractChange.objects.filter(contract=contract).order_by("effective_on", "pk"))


def change_measure(contract: Contract, change: ContractChange, *, options=None, changes=None):
    """The change measured against the contract as entered into (`figures.change_measures`),
    the other changes as recorded; None when the contract's dates or value are not known."""
    options = list(contract.options.order_by("order")) if options is None else options
    others = [c for c in (_changes_of(contract) if changes is None else changes) if c.pk != change.pk or c.pk is None]
    if change not in others:
        others.append(change)
    ordered = sorted(others, key=lambda c: (c.effective_on, c.pk is None, c.pk or 0))
    facts = contract_facts(contract, options, changes=ordered)
    measures = change_measures(facts, notice_months=settings.OPTION_NOTICE_MONTHS)
    if measures is None:
        return None
    counted_rows = [c for c in ordered if c.has_figures]
    if change not in counted_rows:
        return None
    return measures[counted_rows.index(change)]


@dataclass(frozen=True)
class ChangeNotice:
    """Whether a change owes a contract change notice (UK10), by which day, and why."""

    change: ContractChange
    owed: bool
    due: date
    reason: str  # what the notice's need was judged on, in words


RESTRUCTURING_GROUND = "pa_restructuring"
_NOTHING = Decimal("0.00")


def _share(part: Decimal, whole) -> str:
    percent = percent_of(part, whole)
    return f" ({percent.normalize():f}%)" if percent is not None else ""


def change_notices_of(
    contract: Contract, options: Sequence[ContractOption], changes: Sequence[ContractChange]
) -> list[ChangeNotice]:
    """Whether each of the contract's `changes` owes a contract change notice
    (`procurement.change_notice_required`): each measured by its own size, its
    change to the whole-life value against the value just before it and its
    change to the term against the maximum term on award (`figures.change_measures`).
    A change with figures the register cannot measure (the contract's value is not
    known) owes one: nothing shows it within the exemptions. Due the day before it
    takes effect. No query: `options` and `changes` are the contract's rows."""
    ordered = sorted(changes, key=lambda c: (c.effective_on, c.pk or 0))
    counted_rows = [c for c in ordered if c.has_figures]
    measures = change_measures(
        contract_facts(contract, options, changes=ordered), notice_months=settings.OPTION_NOTICE_MONTHS
    )
    result = []
    for change in ordered:
        rule = {
            "legislation": contract.legislation,
            "route": contract.route,
            "restructuring": change.ground == RESTRUCTURING_GROUND,
        }
        if change not in counted_rows:
            owed = procurement.change_notice_required(
                **rule, value_change=_NOTHING, value=_NOTHING, term_change_months=0, maximum_term_months=0
            )
            reason = (
                "a novation or assignment on a corporate restructuring owes one whatever its size"
                if owed
                else "it changes neither the value nor the term"
            )
        elif measures is None:
            owed = procurement.change_notice_required(
                **rule, value_change=Decimal(1), value=_NOTHING, term_change_months=0, maximum_term_months=0
            )
            reason = "the register does not know the contract's value, so nothing shows the change is within 10%"
        else:
            measure = measures[counted_rows.index(change)]
            owed = procurement.change_notice_required(
                **rule,
                value_change=measure.value_change,
                value=measure.value_before,
                term_change_months=change.term_change_months,
                maximum_term_months=measure.original_term_months,
            )
            maximum = Fraction(measure.original_term_months)
            reason = (
                f"{'+' if measure.value_change >= 0 else ''}{format_money(measure.value_change)} on the value of "
                f"{format_money(measure.value_before)}{_share(abs(measure.value_change), measure.value_before)}; "
                f"{change.term_change_months:+d} months on the maximum term of {describe_months(int(maximum))}"
                f"{_share(Decimal(abs(change.term_change_months)), Decimal(maximum.numerator) / maximum.denominator)}"
            )
        result.append(ChangeNotice(change, owed, procurement.change_notice_due(change.effective_on), reason))
    return result


def _check_change(contract: Contract, change: ContractChange, options: list[ContractOption]) -> list[str]:
    """Validate a change not yet saved against the contract; the reasons it goes beyond
    its ground's limits (empty when within them)."""
    errors: dict[str, list[str]] = {}
    grounds = {ground.code: ground for ground in grounds_for(contract.legislation)}
    if change.ground not in grounds:
        errors.setdefault("ground", []).append(
            f"Choose a ground for a contract procured under the {contract.get_legislation_display()}: "
            "it keeps that law until it ends."
        )
    if not change.what_changed:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            "Say what changed: the annual value, a one-off amount, the term, the scope or the supplier."
        )
    has_figures = change.has_figures
    figures = figures_of(contract, options, today=change.effective_on) if has_figures else None
    if has_figures and figures is None:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            "Record the contract's start and end dates before a change to its value or term."
        )
    if figures is not None:
        if change.effective_on < contract.start_date:
            errors.setdefault("effective_on", []).append(
                f"A change cannot take effect before the contract starts on {format_day(contract.start_date)}."
            )
        elif change.effective_on > figures.schedule.current_end + _ONE_DAY:
            errors.setdefault("effective_on", []).append(
                f"The contract ended on {format_day(figures.schedule.current_end)}: a change can take effect "
                "on the day after its end at the latest."
            )
        elif change.one_off_value_change and change.effective_on > figures.schedule.current_end:
            errors.setdefault("effective_on", []).append(
                f"The contract ends on {format_day(figures.schedule.current_end)}: a one-off amount is counted on "
                "the day it takes effect, so that day must be within the term."
            )
        if change.annual_value_change and figures.annual_value is None:
            errors.setdefault("annual_value_change", []).append("Record the contract's value before changing it.")
        if change.one_off_value_change and figures.annual_value is None:
            errors.setdefault("one_off_value_change", []).append("Record the contract's value before changing it.")
        elif change.annual_value_change and figures.annual_value + change.annual_value_change < 0:
            errors.setdefault("annual_value_change", []).append(
                f"The annual value is {format_money(figures.annual_value)} on {format_day(change.effective_on)}: "
                "it cannot be reduced below nothing."
            )
    if errors:
        raise ValidationError(errors)
    changes = _changes_of(contract)
    try:
        measure = change_measure(contract, change, options=options, changes=changes)
        # Every day from the change on must still have figures: a term cut short cannot end before it.
        if has_figures:
            facts = contract_facts(contract, options, changes=[*changes, change])
            contract_figures(facts, today=date.max, notice_months=settings.OPTION_NOTICE_MONTHS)
    except ValueError as error:
        raise ValidationError({"term_change_months": str(error)}) from None
    ground = grounds[change.ground]
    if measure is None or ground.provided_for:
        return []
    return beyond_limits(ground, measure, threshold=_threshold_on(change.effective_on))


def _change_save(contract: Contract, change: ContractChange, options: list[ContractOption]) -> ContractChange:
    change.description = change.description.strip()
    change.override_reason = change.override_reason.strip()
    change.full_clean(exclude=["contract"], validate_constraints=False)
    beyond = _check_change(contract, change, options)
    if beyond and not change.override_reason:
        raise ValidationError(
            {
                "override_reason": [
                    *beyond,
                    "Give the reason it stands to record it anyway, or choose another ground.",
                ]
            }
        )
    if not beyond:
        change.override_reason = ""
    change.save()
    _store_figures(contract, options)
    return change


@transaction.atomic
def contract_change_record(
    *,
    contract: Contract,
    effective_on: date,
    ground: str,
    description: str,
    annual_value_change: Decimal = Decimal("0.00"),
    one_off_value_change: Decimal = Decimal("0.00"),
    term_change_months: int = 0,
    scope_change: str = "",
    new_supplier: Provider | None = None,
    override_reason: str = "",
) -> ContractChange:
    """Record a change to a contract. Refused, with the reason, for a ground not of
    the contract's law, nothing changed, a day outside the contract, a value below
    nothing or a term cut short before the change; and, unless `override_reason`
    says why it stands, for a change beyond its ground's limits (`changes.beyond_limits`)."""
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    options = list(contract.options.order_by("order"))
    change = ContractChange(
        contract=contract,
        effective_on=effective_on,
        ground=ground,
        description=description,
        annual_value_change=annual_value_change or Decimal("0.00"),
        one_off_value_change=one_off_value_change or Decimal("0.00"),
        term_change_months=term_change_months or 0,
        scope_change=scope_change.strip(),
        new_supplier=new_supplier,
        override_reason=override_reason,
    )
    return _change_save(contract, change, options)


def _refuse_if_announced(changes) -> None:
    """A change whose contract change notice is recorded as published stays on record:
    the notice told the public it would be made. Another change undoes it."""
    announced = (
        NoticePublication.objects.filter(change__in=changes).select_related("contract", "change").order_by("pk").first()
    )
    if announced is not None:
        raise ValidationError(
            f"The contract change notice of {announced.contract.reference} for the change from "
            f"{format_day(announced.change.effective_on)} is recorded as published "
            f"({announced.identifier}): record another change to undo it."
        )


@transaction.atomic
def contract_change_withdraw(*, change: ContractChange, today: date) -> None:
    """Withdraw a change recorded in error, before it takes effect: the figures for
    every day up to then never counted it. One taking effect today or earlier, an
    option's or a fee uplift's, is refused with the reason."""
    if change.effective_on <= today:
        raise ValidationError(
            f"This change took effect on {format_day(change.effective_on)}: record another change to undo it."
        )
    if change.uplift_id is not None:
        raise ValidationError("A fee uplift's change is withdrawn by reversing the uplift.")
    _refuse_if_announced(ContractChange.objects.filter(pk=change.pk))
    contract = change.contract
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    change.delete()
    _store_figures(contract, list(contract.options.order_by("order")))


@dataclass(frozen=True)
class UpliftLine:
    """One contract of a fee uplift: what it adds, or why it is left out."""

    contract: Contract
    excluded: str  # why it is left out; "" when the uplift applies
    annual_value: Decimal | None = None  # on the day the uplift takes effect, before it
    annual_change: Decimal = Decimal("0.00")
    whole_life_change: Decimal = Decimal("0.00")
    by_year: dict | None = None  # financial year -> what it adds that year; None when left out
    by_funder: tuple = ()  # (organisation name, {financial year: amount}) by the funding shares


@dataclass(frozen=True)
class UpliftPlan:
    lines: tuple[UpliftLine, ...]

    @property
    def included(self) -> list[UpliftLine]:
        return [line for line in self.lines if not line.excluded]

    @property
    def excluded(self) -> list[UpliftLine]:
        return [line for line in self.lines if line.excluded]

    @property
    def years(self) -> list[int]:
        return sorted({year for line in self.included for year in line.by_year})

    @property
    def annual_change(self) -> Decimal:
        return sum((line.annual_change for line in self.included), Decimal("0.00"))

    @property
    def whole_life_change(self) -> Decimal:
        return sum((line.whole_life_change for line in self.included), Decimal("0.00"))

    @property
    def by_year(self) -> dict[int, Decimal]:
        totals: dict[int, Decimal] = {}
        for line in self.included:
            for year, amount in line.by_year.items():
                totals[year] = totals.get(year, Decimal("0.00")) + amount
        return dict(sorted(totals.items()))

    @property
    def by_funder(self) -> list[tuple[str, dict[int, Decimal], Decimal]]:
        """(funder, {financial year: amount}, total) for every funder, largest first."""
        totals: dict[str, dict[int, Decimal]] = {}
        for line in self.included:
            for funder, years in line.by_funder:
                funder_years = totals.setdefault(funder, {})
                for year, amount in years.items():
                    funder_years[year] = funder_years.get(year, Decimal("0.00")) + amount
        rows = [(funder, years, sum(years.values(), Decimal("0.00"))) for funder, years in totals.items()]
        return sorted(rows, key=lambda row: (-row[2], row[0]))


def uplift_plan(
    contracts: Sequence[Contract],
    *,
    percent: Decimal,
    effective_on: date,
    exclude_indexed: bool = True,
    changed_since: date | None = None,
    excluded_ids: Sequence[int] = (),
) -> UpliftPlan:
    """What a fee uplift of `percent` from `effective_on` does to each of `contracts`
    (with their options, changes and funding shares prefetched): the annual value on
    that day (its changes counted) raised by the percentage, to the penny, from that
    day, and what that adds to each financial year, split by the funding shares.
    Left out, with the reason: contracts named in `excluded_ids`, those with their own
    indexation (`exclude_indexed`), those changed on or after `changed_since`, those not
    running on the day, and those whose dates or value are not recorded."""
    lines = []
    notice_months = settings.OPTION_NOTICE_MONTHS
    for contract in contracts:
        options = sorted(contract.options.all(), key=lambda option: option.order)
        changes = list(contract.changes.all())
        recent = [c.effective_on for c in changes if changed_since is not None and changed_since <= c.effective_on]
        facts = contract_facts(contract, options, changes=changes)
        before = contract_figures(facts, today=effective_on, notice_months=notice_months)
        if contract.pk in set(excluded_ids):
            reason = "Left out by name."
        elif exclude_indexed and contract.annual_uplift_percent:
            reason = f"Has its own indexation ({contract.annual_uplift_percent.normalize():f}% a year)."
        elif recent:
            reason = f"Changed recently (a change from {format_day(max(recent))})."
        elif before is None or before.annual_value is None:
            reason = "Its dates or value are not recorded."
        elif contract.start_date > effective_on:
            reason = f"Starts after the uplift, on {format_day(contract.start_date)}."
        elif before.schedule.current_end < effective_on:
            reason = f"Ended before the uplift, on {format_day(before.schedule.current_end)}."
        else:
            reason = ""
        if reason:
            lines.append(UpliftLine(contract=contract, excluded=reason))
            continue
        annual_change = to_money(before.annual_value * percent / 100)
        after = contract_figures(
            replace(facts, changes=(*facts.changes, Change(effective_on, annual_change))),
            today=effective_on,
            notice_months=notice_months,
        )
        by_year = {
            year: after.year_values[year] - before.year_values.get(year, Decimal("0.00"))
            for year in after.year_values
            if after.year_values[year] != before.year_values.get(year, Decimal("0.00"))
        }
        shares = list(contract.funding_shares.all())
        percents = [share.percent for share in shares]
        by_funder = []
        if percents:
            split = {year: split_by_shares(amount, percents) for year, amount in by_year.items()}
            for index, share in enumerate(shares):
                by_funder.append((share.organisation.name, {year: parts[index] for year, parts in split.items()}))
        else:
            by_funder.append((contract.lead_commissioner.name, dict(by_year)))
        lines.append(
            UpliftLine(
                contract=contract,
                excluded="",
                annual_value=before.annual_value,
                annual_change=annual_change,
                whole_life_change=after.whole_life_value - before.whole_life_value,
                by_year=by_year,
                by_funder=tuple(by_funder),
            )
        )
    return UpliftPlan(lines=tuple(lines))


def uplift_contracts(ids: Sequence[int]):
    """The contracts of an uplift with what `uplift_plan` reads, in a fixed number of queries."""
    return (
        Contract.objects.filter(pk__in=list(ids))
        .select_related("lead_commissioner")
        .prefetch_related(
            "options",
            "changes",
            Prefetch("funding_shares", queryset=FundingShare.objects.select_related("organisation")),
        )
        .order_by("reference")
    )


@transaction.atomic
def fee_uplift_apply(
    *,
    title: str,
    basis: str,
    percent: Decimal,
    effective_on: date,
    contract_ids: Sequence[int],
    exclude_indexed: bool = True,
    changed_since: date | None = None,
    excluded_ids: Sequence[int] = (),
    selection: str = "",
) -> tuple[FeeUplift, UpliftPlan]:
    """Apply a fee uplift: one `FeeUplift` and, for each contract it applies to (as
    `uplift_plan` works it out, read again here with the contracts locked), one
    change of the annual value from `effective_on`, on the ground the contract
    provides for (its price review clause). All or nothing."""
    uplift = FeeUplift(
        title=" ".join(title.split()),
        basis=basis,
        percent=percent,
        effective_on=effective_on,
        selection=selection.strip(),
    )
    uplift.full_clean()
    list(Contract.objects.select_for_update().filter(pk__in=list(contract_ids)).order_by("pk").values_list("pk"))
    plan = uplift_plan(
        list(uplift_contracts(contract_ids)),
        percent=percent,
        effective_on=effective_on,
        exclude_indexed=exclude_indexed,
        changed_since=changed_since,
        excluded_ids=excluded_ids,
    )
    if not plan.included:
        raise ValidationError("The uplift applies to none of the contracts chosen: see why each is left out.")
    uplift.contract_count = len(plan.included)
    uplift.annual_change = plan.annual_change
    uplift.whole_life_change = plan.whole_life_change
    uplift.money = {
        "years": plan.years,
        "funders": [
            [funder, {str(year): str(amount) for year, amount in years.items()}] for funder, years, _ in plan.by_funder
        ],
    }
    uplift.save()
    for line in plan.included:
        contract = line.contract
        change = ContractChange(
            contract=contract,
            effective_on=effective_on,
            annual_value_change=line.annual_change,
            ground=provided_for_ground(contract.legislation).code,
            description=f"{uplift.title}: {percent.normalize():f}% on the annual value of "
            f"{format_money(line.annual_value)}.",
            uplift=uplift,
        )
        change.full_clean(exclude=["contract", "uplift"], validate_constraints=False)
        change.save()
        _store_figures(contract, sorted(contract.options.all(), key=lambda option: option.order))
    return uplift, plan


@transaction.atomic
def fee_uplift_reverse(*, uplift: FeeUplift, today: date, reason: str) -> FeeUplift:
    """Reverse a fee uplift before it takes effect: its changes are removed and the
    figures of its contracts are as they were; the uplift stays on record as reversed.
    Refused for an uplift that has taken effect or is reversed already."""
    uplift = FeeUplift.objects.select_for_update().get(pk=uplift.pk)
    if uplift.reversed_on is not None:
        raise ValidationError(f"This uplift was reversed on {format_day(uplift.reversed_on)}.")
    if uplift.effective_on <= today:
        raise ValidationError(
            f"This uplift took effect on {format_day(uplift.effective_on)}: it can no longer be reversed. "
            "Record another change to undo it."
        )
    if not reason.strip():
        raise ValidationError({"reversal_reason": "Say why the uplift is reversed."})
    _refuse_if_announced(ContractChange.objects.filter(uplift=uplift))
    contracts = list(Contract.objects.filter(changes__uplift=uplift).prefetch_related("options").order_by("pk"))
    ContractChange.objects.filter(uplift=uplift).delete()
    for contract in contracts:
        _store_figures(contract, sorted(contract.options.all(), key=lambda option: option.order))
    uplift.reversed_on = today
    uplift.reversal_reason = reason.strip()
    uplift.save(update_fields=["reversed_on", "reversal_reason"])
    return uplift


# --- monitoring visits and contract monitoring reports ------------------------------------------


@transaction.atomic
def monitoring_record_create(
    *,
    contract: Contract,
    kind: str,
    held_on: date,
    title: str,
    carried_out_by: str,
    today: date,
    summary: str = "",
    findings: str = "",
) -> MonitoringRecord:
    """Record a monitoring visit to the contract's service, or a contract monitoring
    report on it. Refused for a day after `today`: a visit is recorded once made."""
    return _monitoring_record_save(
        MonitoringRecord(contract=contract),
        kind=kind,
        held_on=held_on,
        title=title,
        carried_out_by=carried_out_by,
        summary=summary,
        findings=findings,
        today=today,
    )


@transaction.atomic(durable=True)
def monitoring_record_update(
    *,
    record: MonitoringRecord,
    version: int | None,
    kind: str,
    held_on: date,
    title: str,
    carried_out_by: str,
    summary: str,
    findings: str,
    today: date,
) -> MonitoringRecord:
    """Correct a monitoring record; it stays the same contract's. `version` is the version
    the edit form was read at: an older one raises `versioning.StaleEdit`."""
    record = versioning.lock_for_update(MonitoringRecord, pk=record.pk, version=version)
    record.version += 1
    return _monitoring_record_save(
        record,
        kind=kind,
        held_on=held_on,
        title=title,
        carried_out_by=carried_out_by,
        summary=summary,
        findings=findings,
        today=today,
    )


def _monitoring_record_save(
    record: MonitoringRecord,
    *,
    kind: str,
    held_on: date,
    title: str,
    carried_out_by: str,
    summary: str,
    findings: str,
    today: date,
) -> MonitoringRecord:
    """Refused for a day after `today`: a visit is recorded once made."""
    if held_on > today:
        raise ValidationError({"held_on": f"Enter a day on or before today ({format_day(today)})."})
    record.kind = kind
    record.held_on = held_on
    record.title = " ".join(title.split())
    record.carried_out_by = " ".join(carried_out_by.split())
    record.summary = summary.strip()
    record.findings = findings.strip()
    record.full_clean()
    record.save()
    return record
