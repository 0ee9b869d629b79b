"""Regime: the law a contract was procured under and the route it took (docs/domain.md "Regime").

Plain values and functions, no Django: the models' choices use these values, and
the migration that split the old single `procurement_regime`, the CSV import
(which still reads that old column) and the tests all call `split_regime`.
"""

from datetime import date

PROCUREMENT_ACT_COMMENCEMENT = date(2025, 2, 24)

# Legislation
PCR_2015 = "pcr_2015"
PA_2023 = "pa_2023"
PSR = "psr"
NONE = "none"

LEGISLATION_LABELS = {
    PCR_2015: "Public Contracts Regulations 2015",
    PA_2023: "Procurement Act 2023",
    PSR: "Provider Selection Regime",
    NONE: "None (not a regulated procurement)",
}

# Route
OPEN_TENDER = "open_tender"
LIGHT_TOUCH = "light_touch"
DIRECT_AWARD = "direct_award"
CALL_OFF = "call_off"
BELOW_THRESHOLD = "below_threshold"
WAIVER = "waiver"

ROUTE_LABELS = {
    OPEN_TENDER: "Open or competitive tender",
    LIGHT_TOUCH: "Light touch",
    DIRECT_AWARD: "Direct award",
    CALL_OFF: "Call-off from a framework or dynamic market",
    BELOW_THRESHOLD: "Below threshold",
    WAIVER: "Waiver / exemption",
}

# The values of the old single field, before legislation and route were split.
OLD_REGIMES = ("light_touch", "pcr_2015", "pa_2023", "psr", "below_threshold", "waiver")


def legislation_by_date(procurement_start: date) -> str:
    """Procurements started on or after 24 Feb 2025 fall under the Procurement Act 2023."""
    return PA_2023 if procurement_start >= PROCUREMENT_ACT_COMMENCEMENT else PCR_2015


def split_regime(regime: str, *, start_date: date | None) -> tuple[str, str]:
    """(legislation, route) for a value of the old single `procurement_regime` field.

    Light touch and below threshold said nothing about the law, so it is read from
    `start_date` (a contract's start stands in for the day its procurement started:
    the register holds no earlier day). Below-threshold contracts keep a law: both
    PCR 2015 (Part 4, regs 109-112) and the Procurement Act 2023 (ss 84-88) put
    duties on them. A waiver is an exemption from tender under standing orders, so
    no procurement law is recorded. `start_date` None (a commissioning project,
    whose law follows the day its procurement starts) gives "" for those two.
    Raises ValueError for a value that was never a regime.
    """
    by_date = legislation_by_date(start_date) if start_date is not None else ""
    mapping = {
        "light_touch": (by_date, LIGHT_TOUCH),
        "pcr_2015": (PCR_2015, OPEN_TENDER),
        "pa_2023": (PA_2023, OPEN_TENDER),
        "psr": (PSR, DIRECT_AWARD),
        "below_threshold": (by_date, BELOW_THRESHOLD),
        "waiver": (NONE, WAIVER),
    }
    try:
        return mapping[regime]
    except KeyError:
        raise ValueError(f'"{regime}" is not one of {", ".join(OLD_REGIMES)}') from None


def join_regime(legislation: str, route: str) -> str:
    """The old single value nearest to (legislation, route): for undoing the split."""
    if route in (LIGHT_TOUCH, BELOW_THRESHOLD, WAIVER):
        return route
    if legislation in (PCR_2015, PA_2023, PSR):
        return legislation
    return WAIVER
