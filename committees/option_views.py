"""Exercising or declining a contract's option: a decision this layer records
with the authority it was taken under (a resolution part or delegation), so the
page lives here rather than in contracts, which must not import committees."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from commissioning.core import dates
from commissioning.core.formatting import format_day
from commissioning.core.once import saves_once
from commissioning.core.permissions import get_for_user
from committees import services as committee_services
from committees.authority import (
    authority_candidates,
    authority_from_choice,
    choices_of,
    kpi_conditions,
    open_call_ins,
    option_early_action,
)
from contracts import performance
from contracts import services as contract_services
from contracts.forms import OptionDecisionForm, add_service_errors
from contracts.models import ContractOption
from contracts.selectors import contract_detail as select_contract_detail
from contracts.selectors import contract_kpis, contract_queryset_for_detail


@saves_once
def option_decide(request, pk: int, order: int, decision: str):
    contract = get_for_user(request.user, contract_queryset_for_detail(), action="change", pk=pk)
    option = get_for_user(request.user, ContractOption.objects.all(), action="change", contract=contract, order=order)
    today = dates.real_today()
    detail = select_contract_detail(contract=contract, today=today)
    row = next(row for row in detail.options if row.option.pk == option.pk)
    parts, officer_decisions = authority_candidates(contract=contract)
    form = OptionDecisionForm(request.POST or None, today=today, authority_choices=choices_of(parts, officer_decisions))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            committee_services.option_decide(
                option=option,
                exercise=decision == "exercise",
                decided_by=data["decided_by"],
                decided_on=data["decided_on"],
                note=data["note"],
                authority=authority_from_choice(data["authority"]),
                replace_authority=data["replace_authority"],
                today=today,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            early = option_early_action(option=option)
            if early:
                messages.warning(request, early)
            current_end = contract_services.contract_schedule(
                contract, list(contract.options.order_by("order")), today=today
            ).current_end
            if decision == "exercise":
                messages.success(
                    request, f"Option {order} exercised. The contract now runs to {format_day(current_end)}."
                )
            else:
                messages.success(request, f"Option {order} declined. The contract ends on {format_day(current_end)}.")
            return redirect(contract)
    return render(
        request,
        "contracts/option_decide.html",
        {
            "contract": contract,
            "detail": detail,
            "row": row,
            "decision": decision,
            "form": form,
            "is_open": row.is_next or row.lapsed_undecided,
            "call_in_warnings": open_call_ins(contract=contract, today=today) if row.is_next else [],
            **_performance(contract, parts, officer_decisions, today=today),
        },
    )


def _performance(contract, parts, officer_decisions, *, today) -> dict:
    """The KPIs' latest ratings on the day, and, when a delegation that could
    authorise the decision turns on them, whether they fall short of it."""
    kpis = contract_kpis(contract=contract, today=today)
    conditions = kpi_conditions(parts, officer_decisions)
    short = [row for row in kpis if row.latest is None or row.latest.rating not in performance.SATISFACTORY]
    return {
        "kpis": kpis,
        "kpi_conditions": conditions,
        # Unsatisfactory, or not known: no KPI set, or one not yet assessed.
        "kpis_short": bool(conditions) and (not kpis or bool(short)),
        "kpis_short_rows": short,
    }
