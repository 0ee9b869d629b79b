"""Procurement facts for one registered contract, for the contract page.

The rules are those of `commissioning.procurement`; this module only finds the
contract's figures and the thresholds stored in the database.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format

from commissioning.models import ProcurementThreshold
from commissioning.procurement import (
    KPI_DUTY_VALUE,
    PROCUREMENT_ACT_COMMENCEMENT,
    Threshold,
    above_threshold,
    contract_details_notice_due,
    kpi_duty_applies,
    termination_notice_due,
    threshold_on,
)
from contracts.figures import Figures
from contracts.models import Contract
from contracts.money import format_money_short


def kpi_duty_reason(*, value: Decimal, light_touch: bool, framework: bool, legislation: str) -> str:
    """Why the Procurement Act 2023 KPI duty applies or not, in a sentence."""
    if kpi_duty_applies(value=value, light_touch=light_touch, framework=framework, legislation=legislation):
        return (
            f"Worth {format_money_short(value)}, more than {format_money_short(KPI_DUTY_VALUE)}, under the "
            "Procurement Act 2023, neither light touch nor a framework: at least 3 KPIs, assessed at least once a year."
        )
    if light_touch:
        return "Light touch contracts are exempt from the Procurement Act 2023 KPI duty."
    if framework:
        return "Frameworks are exempt from the Procurement Act 2023 KPI duty."
    if value <= KPI_DUTY_VALUE:
        return f"Worth {format_money_short(value)}: the duty starts above {format_money_short(KPI_DUTY_VALUE)}."
    return (
        "Not procured under the Procurement Act 2023 (procurements started before "
        f"{date_format(PROCUREMENT_ACT_COMMENCEMENT, 'j M Y')} fall under the Public Contracts Regulations 2015)."
    )


@dataclass(frozen=True)
class ContractProcurementFacts:
    whole_life_value: Decimal
    threshold: Threshold | None  # the light touch threshold in force on the start date
    above_light_touch_threshold: bool | None  # None: no threshold stored for that day
    under_procurement_act: bool
    kpi_duty: bool
    kpi_duty_reason: str
    light_touch: bool
    details_notice_days: int
    details_notice_due: date  # counted from the start date, standing in for the day of signing
    details_notice_passed: bool
    termination_notice_due: date  # counted from the current end
    termination_notice_passed: bool


def contract_procurement_facts(*, contract: Contract, figures: Figures, today: date) -> ContractProcurementFacts:
    """One query: the stored thresholds. `figures` are the contract's on `today`."""
    thresholds = [Threshold(t.amount, t.applies_from) for t in ProcurementThreshold.objects.all()]
    light_touch = contract.procurement_regime == Contract.Regime.LIGHT_TOUCH
    framework = contract.contract_type == Contract.ContractType.FRAMEWORK
    # A registered contract records its regime, not the day its procurement started.
    legislation = "pa_2023" if contract.procurement_regime == Contract.Regime.PA_2023 else "pcr_2015"
    value = figures.whole_life_value
    details_due = contract_details_notice_due(contract.start_date, light_touch=light_touch)
    termination_due = termination_notice_due(figures.schedule.current_end)
    return ContractProcurementFacts(
        whole_life_value=value,
        threshold=threshold_on(thresholds, contract.start_date),
        above_light_touch_threshold=above_threshold(value, thresholds, contract.start_date),
        under_procurement_act=legislation == "pa_2023",
        kpi_duty=kpi_duty_applies(value=value, light_touch=light_touch, framework=framework, legislation=legislation),
        kpi_duty_reason=kpi_duty_reason(
            value=value, light_touch=light_touch, framework=framework, legislation=legislation
        ),
        light_touch=light_touch,
        details_notice_days=(details_due - contract.start_date).days,
        details_notice_due=details_due,
        details_notice_passed=today > details_due,
        termination_notice_due=termination_due,
        termination_notice_passed=today > termination_due,
    )
