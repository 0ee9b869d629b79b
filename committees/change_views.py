"""Recording a change to a contract, and withdrawing one before it takes effect:
the change is recorded with the decision that authorised it, so the pages live
in this layer rather than in contracts, which must not import committees."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from commissioning.core import dates
from commissioning.core.formatting import format_day
from commissioning.core.once import saves_once
from commissioning.core.permissions import get_for_user
from committees import services as committee_services
from committees.change_forms import ContractChangeForm
from contracts.forms import add_service_errors
from contracts.models import Contract, ContractChange
from contracts.selectors import contract_changes


@saves_once
def change_create(request, pk: int):
    contract = get_for_user(request.user, Contract.objects.prefetch_related("options"), action="change", pk=pk)
    today = dates.real_today()
    form = ContractChangeForm(request.POST or None, contract=contract)
    if request.method == "POST" and form.is_valid():
        try:
            change = committee_services.contract_change_authorise(
                contract=contract,
                authority=form.cleaned_data["authority"],
                today=today,
                **form.service_arguments(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            when = "takes effect" if change.effective_on > today else "took effect"
            messages.success(request, f"Change recorded: it {when} on {format_day(change.effective_on)}.")
            return redirect(change)
    return render(
        request,
        "committees/change_form.html",
        {
            "contract": contract,
            "form": form,
            "changes": contract_changes(contract=contract, today=today),
            "today": today,
        },
    )


@require_POST
def change_withdraw(request, pk: int):
    change = get_for_user(request.user, ContractChange.objects.select_related("contract"), action="delete", pk=pk)
    try:
        committee_services.contract_change_withdraw(change=change, today=dates.real_today())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The change from {format_day(change.effective_on)} was withdrawn.")
    return redirect(change.contract.get_absolute_url() + "#changes")
