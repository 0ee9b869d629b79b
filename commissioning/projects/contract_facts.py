"""Procurement facts for one registered contract, for the contract page.

The rules are those of `contracts.procurement`; this module only finds the
contract's figures and the thresholds stored in the database.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from commissioning.core.formatting import format_day
from commissioning.projects.models import ProcurementThreshold
from contracts.figures import Figures
from contracts.models import Contract
from contracts.money import format_money_short
from contracts.procurement import (
    KPI_DUTY_VALUE,
    PROCUREMENT_ACT_COMMENCEMENT,
    ActNotices,
    Threshold,
    above_threshold,
    act_notices,
    kpi_duty_applies,
    threshold_on,
    under_procurement_act,
)
from contracts.regime import LEGISLATION_LABELS, NONE, PCR_2015, PSR
from contracts.selectors import NoticeRow, change_notice_rows, contract_notice_publications


def kpi_duty_reason(*, value: Decimal, light_touch: bool, framework: bool, legislation: str | None) -> str:
    """Why the Procurement Act 2023 KPI duty applies or not, in a sentence."""
    if kpi_duty_applies(value=value, light_touch=light_touch, framework=framework, legislation=legislation):
        return (
            f"Worth {format_money_short(value)}, more than {format_money_short(KPI_DUTY_VALUE)}, under the "
            "Procurement Act 2023, neither light touch nor a framework: at least 3 KPIs, assessed at least once a year."
        )
    if not under_procurement_act(legislation):
        if legislation in LEGISLATION_LABELS:
            return (
                f"Procured under {_law(legislation)}, not the Procurement Act 2023, so the Act's duty does not apply."
            )
        return (
            "Not procured under the Procurement Act 2023 (procurements started before "
            f"{format_day(PROCUREMENT_ACT_COMMENCEMENT)} fall under the Public Contracts Regulations 2015)."
        )
    if light_touch:
        return "Light touch contracts are exempt from the Procurement Act 2023 KPI duty."
    if framework:
        return "Frameworks are exempt from the Procurement Act 2023 KPI duty."
    return f"Worth {format_money_short(value)}: the duty starts above {format_money_short(KPI_DUTY_VALUE)}."


def _law(legislation: str) -> str:
    if legislation == NONE:
        return "no procurement law (not a regulated procurement)"
    return f"the {LEGISLATION_LABELS[legislation]}"


@dataclass(frozen=True)
class ContractProcurementFacts:
    whole_life_value: Decimal
    threshold: Threshold | None  # the light touch threshold in force on the start date
    above_light_touch_threshold: bool | None  # None: no threshold stored for that day
    legislation_label: str
    under_procurement_act: bool
    kpi_duty: bool
    kpi_duty_reason: str
    light_touch: bool
    # The Act's notices, None unless the contract's legislation is the Act. The details
    # notice counts from the start date, standing in for the day of signing; the
    # termination notice from the current end.
    notices: ActNotices | None
    details_notice_passed: bool
    termination_notice_passed: bool
    # The notices recorded as published by the day that a contract owes once, by kind
    # ("contract_details", "termination").
    published: dict
    # The performance notices recorded by the day, then the next one due: none without the KPI duty.
    performance_notices: list[NoticeRow]
    # A change notice for each change that owes one (or whose notice is recorded), and
    # why the contract's changes owe none when they cannot.
    change_notices: list[NoticeRow]
    change_notices_none: str
    changes_exempt: int  # changes of a contract that can owe one, within the exemptions


def change_notices_none_reason(*, legislation: str | None, route: str) -> str:
    """Why none of a contract's changes owes a contract change notice (UK10); "" when they can."""
    if not under_procurement_act(legislation):
        if legislation == PCR_2015:
            return (
                "changed under regulation 72 of the Public Contracts Regulations 2015, which asks for no change notice."
            )
        if legislation == PSR:
            return "changed under regulation 13 of the Provider Selection Regime, which asks for no change notice."
        return "not procured under the Procurement Act 2023."
    if route == Contract.Route.LIGHT_TOUCH:
        return "a light touch contract is exempt (Procurement Act 2023, s 75(6))."
    if route == Contract.Route.BELOW_THRESHOLD:
        return (
            "a contract below the threshold is not a public contract; the Act asks a change notice of public contracts."
        )
    return ""


def contract_procurement_facts(*, contract: Contract, figures: Figures, today: date) -> ContractProcurementFacts:
    """Two queries: the stored thresholds, and for a contract under the Act its
    notices recorded as published. `figures` are the contract's on `today`;
    `contract` comes with its options and changes (`contract_queryset_for_detail`)."""
    thresholds = ProcurementThreshold.as_rules()
    light_touch = contract.route == Contract.Route.LIGHT_TOUCH
    framework = contract.contract_type == Contract.ContractType.FRAMEWORK
    # A registered contract records its law, which it keeps until it ends.
    legislation = contract.legislation
    value = figures.whole_life_value
    end = figures.schedule.current_end
    notices = act_notices(legislation=legislation, route=contract.route, signed=contract.start_date, ended=end)
    kpi_duty = kpi_duty_applies(value=value, light_touch=light_touch, framework=framework, legislation=legislation)
    published = contract_notice_publications(contract=contract, today=today) if notices is not None else None
    none_reason = change_notices_none_reason(legislation=legislation, route=contract.route)
    change_notices = []
    changes = list(contract.changes.all())
    if published is not None:
        # The contract page's contract comes with its options and changes (`contract_queryset_for_detail`).
        change_notices = change_notice_rows(
            today,
            contract=contract,
            options=sorted(contract.options.all(), key=lambda option: option.order),
            changes=changes,
            recorded=published.by_change,
        )
    return ContractProcurementFacts(
        whole_life_value=value,
        threshold=threshold_on(thresholds, contract.start_date),
        above_light_touch_threshold=above_threshold(value, thresholds, contract.start_date),
        legislation_label=contract.get_legislation_display(),
        under_procurement_act=under_procurement_act(legislation),
        kpi_duty=kpi_duty,
        kpi_duty_reason=kpi_duty_reason(
            value=value, light_touch=light_touch, framework=framework, legislation=legislation
        ),
        light_touch=light_touch,
        notices=notices,
        details_notice_passed=notices is not None and today > notices.details_due,
        termination_notice_passed=notices is not None
        and notices.termination_due is not None
        and today > notices.termination_due,
        published=published.once if published is not None else {},
        performance_notices=published.performance_rows(
            today=today, start=contract.start_date, end=end, kpi_duty=kpi_duty
        )
        if published is not None
        else [],
        change_notices=change_notices,
        change_notices_none=none_reason,
        changes_exempt=0 if none_reason else len(changes) - len(change_notices),
    )
