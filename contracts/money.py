"""Money: period and whole-life values, variance, financial years, funding shares.

Every amount is a ``Decimal`` in pounds; floats are refused. ``to_money`` is the
one place that rounds to the penny. Totals are worked out exactly (as fractions)
and rounded once, so a value that is exactly half a penny rounds up as it should
rather than falling just short through a repeating twelfth.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from fractions import Fraction

from contracts.terms import Part, next_start, periods

PENNY = Decimal("0.01")
_PERCENT_PLACES = Decimal("0.1")
_HUNDRED = Decimal(100)
# Ample for any council budget and for compounding an uplift over decades.
_CONTEXT = Context(prec=60)
_ONE_DAY = timedelta(days=1)
# How far either side of the rounded quotient `annual_value_for` looks.
_SEARCH_PENNIES = 5


def _as_decimal(value: Decimal | int | str, *, what: str = "An amount") -> Decimal:
    if isinstance(value, float):
        raise TypeError(f"{what} must be a Decimal, never a float: got {value!r}.")
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise TypeError(f"{what} must be a Decimal, an int or a str: got {value!r}.")
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except ArithmeticError:
            raise ValueError(f'{what} must be a number: got "{value}".') from None
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{what} must be a finite number: got {value}.")
    return value


def to_money(value: Decimal | int | str) -> Decimal:
    """Pounds to the penny, rounded half-up. The only rounding helper."""
    return _as_decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP, context=_CONTEXT)


def _fraction_to_money(value: Fraction) -> Decimal:
    # A fraction that is exactly a half penny divides exactly at this precision.
    with localcontext(_CONTEXT):
        return to_money(Decimal(value.numerator) / Decimal(value.denominator))


def _uplift_factor(uplift_percent: Decimal | int | str) -> Fraction:
    uplift = _as_decimal(uplift_percent, what="The uplift")
    if uplift <= -_HUNDRED:
        raise ValueError("An uplift must be more than -100%.")
    return 1 + Fraction(uplift) / 100


# A length in months: whole, or with the part-month of a period given by its last day.
Months = int | Fraction


def _check_months(months: Months, first_month_index: Months = 0) -> None:
    if months < 0:
        raise ValueError("The number of months cannot be negative.")
    if first_month_index < 0:
        raise ValueError("The first month index cannot be negative.")


def _exact_total(annual: Decimal, months: Months, uplift_percent: Decimal, first_month_index: Months) -> Fraction:
    _check_months(months, first_month_index)
    annual_exact = Fraction(_as_decimal(annual, what="The annual value"))
    return _exact_stretch(annual_exact, _uplift_factor(uplift_percent), first_month_index, months)


def _exact_stretch(annual_exact: Fraction, factor: Fraction, first_month_index: Months, months: Months) -> Fraction:
    """The exact value of ``months`` from ``first_month_index`` (both counted in
    months from the contract's start, either may hold a part-month): annual / 12
    a month, uplifted once per contract year, so a stretch crossing a contract
    anniversary is priced at each year's rate."""
    twelfths = Fraction(0)
    month = first_month_index
    end = first_month_index + months
    while month < end:
        contract_year = month // 12
        in_this_year = min(end, (contract_year + 1) * 12) - month
        twelfths += annual_exact * in_this_year * factor**contract_year
        month += in_this_year
    return twelfths / 12


def period_value(
    annual: Decimal,
    months: Months,
    *,
    uplift_percent: Decimal = Decimal(0),
    first_month_index: Months = 0,
) -> Decimal:
    """The value of ``months`` contract months from month ``first_month_index``
    (each annual / 12, uplifted once per contract year counted from the
    contract's start: month 60 is in year 5), summed exactly and rounded to the penny.

    A period given by its last day has a part-month (``terms.months_between``):
    1 Apr 2020 to 15 Aug 2023 is 40 + 15/31 months, so at £120,000 a year it is
    worth £120,000 × (40 + 15/31) / 12 = £404,838.71."""
    return _fraction_to_money(_exact_total(annual, months, uplift_percent, first_month_index))


def period_values(
    annual: Decimal, parts: Sequence[Months], *, uplift_percent: Decimal = Decimal(0)
) -> tuple[Decimal, ...]:
    """The rounded value of each period of a term (initial term, then each
    option) from its length in months (``Period.months``), the uplift counted
    in contract years from the contract's start."""
    values = []
    first_month_index = 0
    for months in parts:
        values.append(period_value(annual, months, uplift_percent=uplift_percent, first_month_index=first_month_index))
        first_month_index += months
    return tuple(values)


def whole_value(annual: Decimal, parts: Sequence[Months], *, uplift_percent: Decimal = Decimal(0)) -> Decimal:
    """The sum of the rounded values of ``parts``, the first periods of a term:
    the committed value with the committed periods, the whole-life value with
    the included ones. Being a sum of rounded parts, the parts a page shows
    always add up to it (18m+6m at £333,333.33: £500,000.00 + £166,666.67)."""
    return sum(period_values(annual, parts, uplift_percent=uplift_percent), Decimal("0.00"))


@dataclass(frozen=True)
class Variance:
    amount: Decimal
    percent: Decimal | None  # of the base, 1 dp half-up; None when the base is zero

    @property
    def is_over(self) -> bool:
        return self.amount > 0


def variance(actual: Decimal, base: Decimal) -> Variance:
    """How far ``actual`` is above (positive) or below ``base``."""
    actual = _as_decimal(actual)
    base = _as_decimal(base)
    with localcontext(_CONTEXT):
        difference = actual - base
        percent = None
        if base != 0:
            percent = (difference * _HUNDRED / abs(base)).quantize(_PERCENT_PLACES, rounding=ROUND_HALF_UP)
    return Variance(amount=to_money(difference), percent=percent)


def saving(baseline: Decimal, new: Decimal) -> Decimal:
    """What the new cost saves against the baseline (negative when it costs more)."""
    with localcontext(_CONTEXT):
        return to_money(_as_decimal(baseline) - _as_decimal(new))


def financial_year_of(d: date) -> int:
    """Start year of the UK financial year (1 April to 31 March) holding ``d``."""
    return d.year if d.month >= 4 else d.year - 1


def financial_year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def _period_year_spread(period, value_of, first_month_index: Months, total: Decimal) -> dict[int, Decimal]:
    """One period's value by financial year. Month ``i`` runs from
    ``next_start(period.start, i)`` to the day before the next; a period given
    by its last day ends in a part-month, worth its share of a whole month by
    days. A month that crosses 31 March is split by days."""
    exact: dict[int, Fraction] = {}
    month = 0
    while month < period.months:
        first = next_start(period.start, month)
        after = next_start(period.start, month + 1)
        length = min(Fraction(1), period.months - month)
        last = min(after - _ONE_DAY, period.end)
        month_value = value_of(first_month_index + month, length)
        year, last_year = financial_year_of(first), financial_year_of(last)
        if year == last_year:
            exact[year] = exact.get(year, Fraction(0)) + month_value
        else:
            days = (last - first).days + 1
            days_before_april = (date(last_year, 4, 1) - first).days
            before = month_value * days_before_april / days
            exact[year] = exact.get(year, Fraction(0)) + before
            exact[last_year] = exact.get(last_year, Fraction(0)) + month_value - before
        month += 1
    years = sorted(exact)
    spread = {year: _fraction_to_money(exact[year]) for year in years[:-1]}
    if years:
        spread[years[-1]] = total - sum(spread.values(), Decimal("0.00"))
    return spread


def financial_year_spread(
    start: date,
    annual: Decimal,
    parts: Sequence[Part],
    *,
    uplift_percent: Decimal = Decimal(0),
) -> dict[int, Decimal]:
    """Value per financial year (keyed by its start year, in order) of ``parts``,
    the first periods of a term that starts on ``start`` (each in months or by
    its last day, as ``terms.periods`` reads them).

    Months are counted from each period's own start: month ``i`` of a period
    runs from ``next_start(period_start, i)`` to the day before the next, so a
    period never lends days to a year it does not touch; a month that crosses
    31 March is split by days, and so is a period's final part-month. Each
    period's years are rounded to the penny and its last year takes the
    remainder, so they add up to the period's value, and all years to
    ``whole_value`` exactly.
    """
    annual_exact = Fraction(_as_decimal(annual, what="The annual value"))
    factor = _uplift_factor(uplift_percent)

    def value_of(first_month_index: Months, months: Months) -> Fraction:
        return _exact_stretch(annual_exact, factor, first_month_index, months)

    if not parts:
        return {}
    all_periods = periods(start, parts)
    values = period_values(annual, [period.months for period in all_periods], uplift_percent=uplift_percent)
    spread: dict[int, Decimal] = {}
    first_month_index: Months = 0
    for period, total in zip(all_periods, values):
        for year, amount in _period_year_spread(period, value_of, first_month_index, total).items():
            spread[year] = spread.get(year, Decimal("0.00")) + amount
        first_month_index += period.months
    return dict(sorted(spread.items()))


def annual_value_for(whole: Decimal, lengths: Sequence[Months], *, uplift_percent: Decimal = Decimal(0)) -> Decimal:
    """The annual value whose ``whole_value`` over ``lengths`` (the periods'
    months, ``Period.months``) is exactly ``whole``: for a register that gives
    a contract's total value rather than its annual value. The rounded quotient
    is tried first, then the pennies either side of it, nearest first; raises
    ValueError when no annual value to the penny gives ``whole`` back."""
    whole = to_money(whole)
    if whole < 0:
        raise ValueError("A contract's value cannot be negative.")
    factor = _uplift_factor(uplift_percent)
    total_months = sum(lengths, Fraction(0))
    if total_months <= 0:
        raise ValueError("A value can be spread only over at least one day.")
    # The value of an annual £1 over the periods, exactly: every period is linear in the annual value.
    per_pound = _exact_stretch(Fraction(1), factor, 0, total_months)
    guess = _fraction_to_money(Fraction(whole) / per_pound)
    for pennies in sorted(range(-_SEARCH_PENNIES, _SEARCH_PENNIES + 1), key=abs):
        annual = guess + pennies * PENNY
        if annual >= 0 and whole_value(annual, lengths, uplift_percent=uplift_percent) == whole:
            return annual
    raise ValueError(
        f"No annual value to the penny gives a whole value of {format_money(whole)} over these periods; "
        "enter the annual value instead."
    )


def check_shares(shares: Sequence[tuple[str, Decimal]]) -> None:
    """The one rule for funding shares, given as (organisation, percent) pairs:
    one share per organisation, each more than 0% and at most 100% with at most
    two decimal places, adding up to exactly 100%. Raises ValueError saying what
    is wrong, in words an officer can act on."""
    seen = set()
    for name, percent in shares:
        if name.lower() in seen:
            raise ValueError(f"Each organisation can have only one funding share; {name} has two.")
        seen.add(name.lower())
        percent = _as_decimal(percent, what="A share")
        if not 0 < percent <= _HUNDRED:
            raise ValueError(f"{name}'s share must be more than 0% and at most 100%.")
        if percent.as_tuple().exponent < -2:
            raise ValueError(f"{name}'s share can have at most two decimal places.")
    total = sum((_as_decimal(percent) for _, percent in shares), Decimal(0))
    if total != _HUNDRED:
        raise ValueError(f"Funding shares must add up to 100%; these add up to {total.normalize():f}%.")


def split_by_shares(amount: Decimal, percents: Sequence[Decimal]) -> list[Decimal]:
    """Split ``amount`` by percentage shares into pennies that add up exactly.

    Largest remainder: every share is floored to the penny, then the pennies
    left over go one each to the largest remainders (ties to the earlier share).
    """
    shares = [_as_decimal(percent, what="A share") for percent in percents]
    check_shares([(f"Share {n}", share) for n, share in enumerate(shares, start=1)])

    total = to_money(amount)
    sign = -1 if total < 0 else 1
    pennies = int(abs(total).scaleb(2))
    exact = [pennies * Fraction(share) / 100 for share in shares]
    parts = [math.floor(part) for part in exact]
    remainders = [part - floored for part, floored in zip(exact, parts)]
    leftover = pennies - sum(parts)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-remainders[i], i))
    for i in by_remainder[:leftover]:
        parts[i] += 1
    return [Decimal(sign * part) * PENNY for part in parts]


def _money_for_display(value: Decimal) -> Decimal:
    if isinstance(value, float):
        raise TypeError(f"Money must be a Decimal, never a float: got {value!r}.")
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"Money must be a Decimal: got {value!r}.")
    return to_money(value)


def format_money(value: Decimal) -> str:
    """For tables: "£2,660,000.00", "-£540,000.00"."""
    money = _money_for_display(value)
    sign = "-" if money < 0 else ""
    return f"{sign}£{abs(money):,.2f}"


def _trim(number: Decimal) -> str:
    text = f"{number:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_money_short(value: Decimal) -> str:
    """For summaries: "£2.66m", "£23.4m", "£319k", "£950"."""
    money = _money_for_display(value)
    size = abs(money)
    thousands = (size / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    pounds = size.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if size >= 1_000_000 or thousands >= 1000:
        millions = (size / 1_000_000).quantize(PENNY, rounding=ROUND_HALF_UP)
        text = f"£{_trim(millions)}m"
    elif size >= 1000 or pounds >= 1000:
        text = f"£{thousands:,}k"
    else:
        text = f"£{pounds}"
    if text != "£0" and money < 0:
        text = "-" + text
    return text
