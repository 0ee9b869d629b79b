"""Writes to the contract register.

Every function here is keyword-only, atomic, and validates before it saves:
a `ValidationError` (keyed by field where there is one) leaves the database as
it was. After any change to a contract's term or options, `_sync` recomputes
the stored dates and values from `contracts.terms` and `contracts.money`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.formats import date_format

from commissioning import dates
from contracts.models import (
    Contract,
    ContractOption,
    ContractYearValue,
    FundingShare,
    Organisation,
    Provider,
    ServiceArea,
    SpendRecord,
)
from contracts.money import financial_year_spread, whole_value
from contracts.terms import OptionStatus, Schedule, TermError, format_term, parse_term, schedule


@dataclass(frozen=True)
class Share:
    organisation: Organisation
    percent: Decimal


def contract_schedule(contract: Contract, options: Sequence[ContractOption], *, today: date) -> Schedule:
    """The contract's periods and dates on `today`, from its term and recorded options."""
    initial_months = parse_term(contract.term)[0]
    return schedule(
        contract.start_date,
        [initial_months, *(option.months for option in options)],
        [OptionStatus(option.status) for option in options],
        today=today,
        notice_months=settings.OPTION_NOTICE_MONTHS,
    )


def _parse_term_or_error(term: str) -> tuple[int, ...]:
    try:
        return parse_term(term)
    except TermError as error:
        raise ValidationError({"term": str(error)}) from None


def _validate_funding(shares: Sequence[Share]) -> None:
    organisations = [share.organisation.pk for share in shares]
    if len(set(organisations)) != len(organisations):
        raise ValidationError({"funding": "Each organisation can have only one funding share."})
    for share in shares:
        if share.percent.as_tuple().exponent < -2:
            raise ValidationError({"funding": f"{share.organisation}'s share can have at most two decimal places."})
        if share.percent <= 0 or share.percent > 100:
            raise ValidationError({"funding": f"{share.organisation}'s share must be more than 0% and at most 100%."})
    total = sum((share.percent for share in shares), Decimal("0"))
    if total != Decimal("100"):
        raise ValidationError(
            {"funding": f"Funding shares must add up to 100%; these add up to {total.normalize():f}%."}
        )


def _set_funding(contract: Contract, shares: Sequence[Share] | None) -> None:
    if not shares:
        shares = [Share(organisation=contract.lead_commissioner, percent=Decimal("100"))]
    _validate_funding(shares)
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


def _apply_schedule(contract: Contract, options: Sequence[ContractOption], *, today: date) -> list[ContractOption]:
    """Set the contract's stored dates and values from its term and options.

    Returns the options that have lapsed by `today` (their status is set here;
    the caller saves them). Nothing is saved.
    """
    try:
        result = contract_schedule(contract, options, today=today)
    except ValueError as error:
        raise ValidationError({NON_FIELD_ERRORS: str(error)}) from None
    lapsed = []
    for option, effective in zip(options, result.option_statuses, strict=True):
        if option.status == OptionStatus.AVAILABLE and effective == OptionStatus.LAPSED:
            option.status = OptionStatus.LAPSED
            option.decision_note = option.decision_note or (
                f"Lapsed: not decided by the end of the period before it ({date_format(result.current_end, 'j M Y')})."
            )
            lapsed.append(option)
    uplift = contract.annual_uplift_percent
    contract.term = format_term([parse_term(contract.term)[0], *(option.months for option in options)])
    contract.initial_end_date = result.initial_end
    contract.current_end_date = result.current_end
    contract.final_end_date = result.final_end
    contract.next_decision_deadline = result.next_decision_deadline
    contract.committed_value = whole_value(contract.annual_value, result.committed_months, uplift_percent=uplift)
    contract.whole_life_value = whole_value(contract.annual_value, result.included_months, uplift_percent=uplift)
    return lapsed


_STORED = (
    "term",
    "initial_end_date",
    "current_end_date",
    "final_end_date",
    "next_decision_deadline",
    "committed_value",
    "whole_life_value",
)


def _sync(contract: Contract, *, today: date) -> None:
    """Recompute the stored dates and values from the saved options, saving only what changed."""
    options = list(contract.options.order_by("order"))
    before = [getattr(contract, name) for name in _STORED]
    lapsed = _apply_schedule(contract, options, today=today)
    for option in lapsed:
        option.save(update_fields=["status", "decision_note"])
    if lapsed or before != [getattr(contract, name) for name in _STORED]:
        contract.save()
        _store_year_values(contract, options)


def _store_year_values(contract: Contract, options: Sequence[ContractOption]) -> None:
    """Replace the contract's value per financial year (what the whole-life value covers)."""
    included = parse_term(contract.term)[0] + sum(
        option.months for option in options if option.status in (OptionStatus.EXERCISED, OptionStatus.AVAILABLE)
    )
    spread = financial_year_spread(
        contract.start_date, contract.annual_value, included, uplift_percent=contract.annual_uplift_percent
    )
    ContractYearValue.objects.filter(contract=contract).delete()
    ContractYearValue.objects.bulk_create(
        ContractYearValue(contract=contract, financial_year=year, amount=amount) for year, amount in spread.items()
    )


def _full_clean(contract: Contract) -> None:
    # Providers are set after the first save; the stored values come from the term.
    contract.full_clean(exclude=["providers"])


def _validate_providers(providers: Sequence[Provider]) -> None:
    if not providers:
        raise ValidationError({"providers": "Choose at least one provider."})


@transaction.atomic
def contract_create(
    *,
    reference: str,
    title: str,
    service_area: ServiceArea,
    lead_commissioner: Organisation,
    providers: Sequence[Provider],
    start_date: date,
    term: str,
    annual_value: Decimal,
    contract_type: str = Contract.ContractType.BLOCK,
    procurement_regime: str = Contract.Regime.LIGHT_TOUCH,
    annual_uplift_percent: Decimal = Decimal("0"),
    approved_value: Decimal | None = None,
    description: str = "",
    notes: str = "",
    funding: Sequence[Share] | None = None,
    options_exercised: int = 0,
    today: date,
) -> Contract:
    dates.require_in_range(start_date=start_date)
    parts = _parse_term_or_error(term)
    _validate_providers(providers)
    option_count = len(parts) - 1
    if not 0 <= options_exercised <= option_count:
        raise ValidationError({"options_exercised": _too_many_options_message(options_exercised, option_count)})
    contract = Contract(
        reference=reference.strip(),
        title=title.strip(),
        description=description,
        service_area=service_area,
        contract_type=contract_type,
        procurement_regime=procurement_regime,
        lead_commissioner=lead_commissioner,
        start_date=start_date,
        term=format_term(parts),
        annual_value=annual_value,
        annual_uplift_percent=annual_uplift_percent,
        approved_value=approved_value,
        notes=notes,
    )
    options = [
        ContractOption(
            order=order,
            months=months,
            status=OptionStatus.EXERCISED if order <= options_exercised else OptionStatus.AVAILABLE,
            decision_note=_REGISTERED_AS_EXERCISED if order <= options_exercised else "",
        )
        for order, months in enumerate(parts[1:], start=1)
    ]
    _apply_schedule(contract, options, today=today)
    _full_clean(contract)
    contract.save()
    contract.providers.set(providers)
    for option in options:
        option.contract = contract
        option.save()
    _set_funding(contract, funding)
    _store_year_values(contract, options)
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


@transaction.atomic
def contract_update(
    *,
    contract: Contract,
    title: str,
    service_area: ServiceArea,
    lead_commissioner: Organisation,
    providers: Sequence[Provider],
    start_date: date,
    term: str,
    annual_value: Decimal,
    contract_type: str,
    procurement_regime: str,
    annual_uplift_percent: Decimal,
    approved_value: Decimal | None,
    description: str,
    notes: str,
    funding: Sequence[Share] | None = None,
    options_exercised: int | None = None,
    today: date,
) -> Contract:
    """Change a contract's facts. Every fact is given, so none is reset by omission. A changed term keeps the decisions already recorded
    on the options it still has; an option with a decision cannot be removed.
    `options_exercised`, when given, sets how many options (in order) are exercised."""
    dates.require_in_range(start_date=start_date)
    parts = _parse_term_or_error(term)
    _validate_providers(providers)
    option_parts = parts[1:]
    options = list(contract.options.order_by("order"))
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
    contract.term = format_term(parts)
    contract.annual_value = annual_value
    contract.contract_type = contract_type
    contract.procurement_regime = procurement_regime
    contract.annual_uplift_percent = annual_uplift_percent
    contract.approved_value = approved_value
    contract.notes = notes

    by_order = {option.order: option for option in options}
    kept = []
    for order, months in enumerate(option_parts, start=1):
        option = by_order.get(order) or ContractOption(contract=contract, order=order)
        option.months = months
        if options_exercised is not None:
            if order <= options_exercised and option.status != OptionStatus.EXERCISED:
                _record_as_exercised(option)
            elif order > options_exercised and option.status == OptionStatus.EXERCISED:
                _reopen(option)
        kept.append(option)
    _apply_schedule(contract, kept, today=today)
    _full_clean(contract)
    if _changed(contract, contract_before):
        contract.save()
    contract.providers.set(providers)
    ContractOption.objects.filter(contract=contract, order__gt=len(option_parts)).delete()
    for option in kept:
        if option.pk is None or _changed(option, options_before[option.pk]):
            option.save()
    _store_year_values(contract, kept)
    if funding is not None:
        _set_funding(contract, funding)
    return contract


def _decide(*, option: ContractOption, status: OptionStatus, decided_by: str, decided_on: date, note: str, today: date):
    dates.require_in_range(decided_on=decided_on)
    contract = Contract.objects.select_for_update().get(pk=option.contract_id)
    options = list(contract.options.order_by("order"))
    current = contract_schedule(contract, options, today=today)
    verb = "exercised" if status == OptionStatus.EXERCISED else "declined"
    if current.next_option != option.order:
        if current.next_option is None:
            raise ValidationError("No option on this contract is open for a decision.")
        raise ValidationError(
            f"Option {option.order} cannot be {verb}: option {current.next_option} must be decided first."
        )
    if decided_on > today:
        raise ValidationError({"decided_on": "The decision date cannot be in the future."})
    if decided_on < contract.start_date:
        raise ValidationError({"decided_on": "The decision date cannot be before the contract starts."})
    target = next(o for o in options if o.pk == option.pk)
    target.status = status
    target.decided_by = decided_by.strip()
    target.decided_on = decided_on
    target.decision_note = note
    target.save()
    if status == OptionStatus.DECLINED:
        # Options are taken in order: declining one closes the ones after it.
        for later in options:
            if later.order > target.order and later.status == OptionStatus.AVAILABLE:
                later.status = OptionStatus.DECLINED
                later.decided_by = target.decided_by
                later.decided_on = decided_on
                later.decision_note = f"Closed when option {target.order} was declined."
                later.save()
    _sync(contract, today=today)
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
    record = SpendRecord.objects.filter(contract=contract, financial_year=financial_year).first()
    if record is None:
        record = SpendRecord(contract=contract, financial_year=financial_year)
    record.amount = amount
    record.note = note
    record.full_clean(exclude=["contract"])
    record.save()
    _store_spend_total(contract)
    return record


@transaction.atomic
def spend_delete(*, record: SpendRecord) -> None:
    contract = record.contract
    record.delete()
    _store_spend_total(contract)


def _store_spend_total(contract: Contract) -> None:
    # Kept on the contract so "spend above projection" is a column comparison in SQL.
    total = contract.spend_records.order_by().aggregate(total=Sum("amount"))["total"] or Decimal("0")
    Contract.objects.filter(pk=contract.pk).update(spend_total=total)
    contract.spend_total = total


@transaction.atomic
def contract_refresh(*, contract: Contract, today: date) -> Contract:
    """Apply lapses due by `today` and recompute the stored dates and values."""
    _sync(contract, today=today)
    return contract


def contracts_refresh(*, today: date) -> int:
    """The daily job: every contract, each in its own transaction."""
    count = 0
    for contract in Contract.objects.all().iterator():
        contract_refresh(contract=contract, today=today)
        count += 1
    return count


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
    return _get_or_create_by_name(Provider, name)


@transaction.atomic
def service_area_get_or_create(*, name: str) -> ServiceArea:
    return _get_or_create_by_name(ServiceArea, name)
