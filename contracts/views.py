import csv

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from commissioning import dates
from commissioning.contract_facts import contract_procurement_facts
from commissioning.permissions import can, get_for_user, require
from committees import services as committee_services
from committees.authority import authority_choices, authority_from_choice, contract_decisions
from contracts import services
from contracts.csv_format import EXPORT_COLUMNS, export_row
from contracts.forms import ContractForm, OptionDecisionForm, SpendForm, add_service_errors, funding_formset
from contracts.models import Contract, ContractOption, Organisation, Provider, SpendRecord
from contracts.money import financial_year_label, format_money
from contracts.selectors import (
    contract_detail as select_contract_detail,
)
from contracts.selectors import (
    contract_export_rows,
    contract_queryset_for_detail,
    contracts_of_organisation,
    contracts_of_provider,
    register_totals,
)
from contracts.selectors import (
    contract_list as select_contract_list,
)
from contracts.selectors import (
    organisation_list as select_organisation_list,
)
from contracts.selectors import (
    provider_list as select_provider_list,
)
from contracts.timeline import timeline


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def contract_list(request):
    require(request.user, Contract)
    today = dates.as_of(request)
    queryset, filterset = select_contract_list(filters=request.GET, today=today)
    page = Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "contracts/contract_list.html",
        {
            "page": page,
            "filterset": filterset,
            "totals": register_totals(queryset),
            "today": today,
            "sort": request.GET.get("sort", ""),
            "query_without_page": _query_without(request, "page"),
            "query_without_sort": _query_without(request, "page", "sort"),
            "query": _query_without(request),
            "can_add": can(request.user, Contract, "add"),
            "filtered": any(v for k, v in request.GET.items() if k not in {"page", "sort", "as_of"}),
        },
    )


def contract_export(request):
    """The filtered list as CSV: exactly the rows the list shows, every page."""
    require(request.user, Contract)
    today = dates.as_of(request, warn=False)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="contracts-{today:%Y-%m-%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    for contract in contract_export_rows(filters=request.GET, today=today):
        writer.writerow(export_row(contract, today=today))
    return response


def contract_detail(request, pk: int):
    contract = get_for_user(request.user, contract_queryset_for_detail(), pk=pk)
    today = dates.as_of(request)
    detail = select_contract_detail(contract=contract, today=today)
    can_change = can(request.user, Contract, "change")
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "detail": detail,
            "decisions": contract_decisions(contract=contract),
            "procurement_facts": contract_procurement_facts(contract=contract, today=today),
            "contract": contract,
            "today": today,
            "is_real_today": today == dates.real_today(),
            "timeline": timeline(detail.schedule.periods, detail.schedule.option_statuses, today=today),
            "can_change": can_change,
            "spend_form": SpendForm(contract=contract, today=today) if can_change else None,
        },
    )


def _contract_form_page(request, *, contract: Contract | None):
    form = ContractForm(request.POST or None, instance=contract)
    funding = funding_formset(data=request.POST or None, contract=contract)
    if request.method == "POST" and form.is_valid() & funding.is_valid():
        arguments = form.service_arguments()
        try:
            if contract is None:
                contract = services.contract_create(
                    reference=form.cleaned_data["reference"],
                    funding=funding.shares(),
                    today=dates.real_today(),
                    **arguments,
                )
                messages.success(request, f"Contract {contract.reference} registered.")
            else:
                services.contract_update(
                    contract=contract, funding=funding.shares(), today=dates.real_today(), **arguments
                )
                messages.success(request, f"Contract {contract.reference} saved.")
        except ValidationError as error:
            funding_errors: list = []
            add_service_errors(form, error, extra_targets={"funding": funding_errors})
            for errors in funding_errors:
                funding._non_form_errors.extend(errors)
        else:
            return redirect(contract)
    return render(
        request,
        "contracts/contract_form.html",
        {"form": form, "funding": funding, "contract": contract if contract and contract.pk else None},
    )


def contract_create(request):
    require(request.user, Contract, "add")
    return _contract_form_page(request, contract=None)


def contract_update(request, pk: int):
    contract = get_for_user(request.user, Contract.objects.all(), action="change", pk=pk)
    return _contract_form_page(request, contract=contract)


def option_decide(request, pk: int, order: int, decision: str):
    contract = get_for_user(request.user, contract_queryset_for_detail(), action="change", pk=pk)
    option = get_for_user(request.user, ContractOption.objects.all(), action="change", contract=contract, order=order)
    today = dates.real_today()
    detail = select_contract_detail(contract=contract, today=today)
    row = next(row for row in detail.options if row.option.pk == option.pk)
    form = OptionDecisionForm(request.POST or None, today=today, authority_choices=authority_choices(contract=contract))
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
                today=today,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            contract.refresh_from_db()
            if decision == "exercise":
                messages.success(
                    request,
                    f"Option {order} exercised. The contract now runs to {date_format(contract.current_end_date, 'j M Y')}.",
                )
            else:
                messages.success(
                    request,
                    f"Option {order} declined. The contract ends on {date_format(contract.current_end_date, 'j M Y')}.",
                )
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
            "is_open": row.is_next,
        },
    )


@require_POST
def spend_create(request, pk: int):
    contract = get_for_user(request.user, Contract.objects.all(), action="change", pk=pk)
    require(request.user, SpendRecord, "add")
    form = SpendForm(request.POST, contract=contract, today=dates.real_today())
    if form.is_valid():
        try:
            record = services.spend_record(contract=contract, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Spend of {format_money(record.amount)} recorded for {financial_year_label(record.financial_year)}.",
            )
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect(f"{contract.get_absolute_url()}#spend")


def provider_list(request):
    require(request.user, Provider)
    page = Paginator(select_provider_list(), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contracts/provider_list.html", {"page": page})


def provider_detail(request, pk: int):
    provider = get_for_user(request.user, Provider.objects.all(), pk=pk)
    today = dates.as_of(request)
    return render(
        request,
        "contracts/provider_detail.html",
        {"provider": provider, "contracts": contracts_of_provider(provider=provider, today=today), "today": today},
    )


def organisation_list(request):
    require(request.user, Organisation)
    page = Paginator(select_organisation_list(), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contracts/organisation_list.html", {"page": page})


def organisation_detail(request, pk: int):
    organisation = get_for_user(request.user, Organisation.objects.all(), pk=pk)
    today = dates.as_of(request)
    return render(
        request,
        "contracts/organisation_detail.html",
        {
            "organisation": organisation,
            "contracts": contracts_of_organisation(organisation=organisation, today=today),
            "today": today,
        },
    )
