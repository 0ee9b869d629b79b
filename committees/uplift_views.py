"""Annual fee uplifts: one decision applying a percentage to many contracts from
one day. The pages live here rather than in contracts, as each uplift is
authorised by a decision this layer records (a resolution part or an officer
decision), linked to every contract's change."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from commissioning.core import dates
from commissioning.core.formatting import format_day
from commissioning.core.once import saves_once
from commissioning.core.permissions import can, get_for_user, require
from commissioning.core.web import page_of, query_without
from committees import services as committee_services
from committees.forms import add_errors
from committees.selectors import uplift_changes, uplift_decisions, uplift_selection
from committees.uplift_forms import FeeUpliftForm, FeeUpliftReverseForm
from contracts import services as contract_services
from contracts.models import FeeUplift
from contracts.money import financial_year_label, format_money

# The contracts a preview lists, of those included and of those left out: the rest are counted.
PREVIEW_ROWS = 50
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class MoneyTable:
    """The money an uplift adds: funders as rows, financial years as columns, with totals."""

    years: list[str]
    rows: list[tuple[str, list[Decimal], Decimal]]
    year_totals: list[Decimal]
    total: Decimal


def money_table(years: list[int], funders: list[tuple[str, dict[int, Decimal]]]) -> MoneyTable:
    rows = []
    for funder, amounts in funders:
        cells = [amounts.get(year, ZERO) for year in years]
        rows.append((funder, cells, sum(cells, ZERO)))
    year_totals = [sum((row[1][index] for row in rows), ZERO) for index in range(len(years))]
    return MoneyTable(
        years=[financial_year_label(year) for year in years],
        rows=rows,
        year_totals=year_totals,
        total=sum(year_totals, ZERO),
    )


def _stored_table(uplift: FeeUplift) -> MoneyTable:
    """The table from the money kept with the uplift when it was decided."""
    money = uplift.money or {}
    funders = [
        (name, {int(year): Decimal(amount) for year, amount in amounts.items()})
        for name, amounts in money.get("funders", [])
    ]
    return money_table(list(money.get("years", [])), funders)


def uplift_status(uplift: FeeUplift, *, today: date) -> str:
    if uplift.reversed_on is not None:
        return f"Reversed on {format_day(uplift.reversed_on)}"
    if uplift.effective_on > today:
        return f"Takes effect on {format_day(uplift.effective_on)}"
    return "In effect"


def _reversible(uplift: FeeUplift, *, today: date) -> bool:
    return uplift.reversed_on is None and uplift.effective_on > today


def fee_uplift_list(request):
    require(request.user, FeeUplift)
    today = dates.real_today()
    page = page_of(request, FeeUplift.objects.order_by("-effective_on", "-pk"))
    decisions = uplift_decisions([uplift.pk for uplift in page])
    rows = [(uplift, decisions.get(uplift.pk), uplift_status(uplift, today=today)) for uplift in page]
    return render(
        request,
        "committees/fee_uplift_list.html",
        {
            "page": page,
            "rows": rows,
            "query_without_page": query_without(request, "page"),
            "can_add": can(request.user, FeeUplift, "add"),
        },
    )


@dataclass(frozen=True)
class Preview:
    chosen: int
    included: list
    included_more: int
    excluded: list
    excluded_more: int
    included_count: int
    excluded_count: int
    money: MoneyTable
    annual_change: Decimal
    whole_life_change: Decimal
    fingerprint: str


def _preview(plan: contract_services.UpliftPlan, *, fingerprint: str) -> Preview:
    included, excluded = plan.included, plan.excluded
    return Preview(
        chosen=len(plan.lines),
        included=included[:PREVIEW_ROWS],
        included_more=max(len(included) - PREVIEW_ROWS, 0),
        excluded=excluded[:PREVIEW_ROWS],
        excluded_more=max(len(excluded) - PREVIEW_ROWS, 0),
        included_count=len(included),
        excluded_count=len(excluded),
        money=money_table(plan.years, [(funder, years) for funder, years, _ in plan.by_funder]),
        annual_change=plan.annual_change,
        whole_life_change=plan.whole_life_change,
        fingerprint=fingerprint,
    )


@saves_once
def fee_uplift_create(request):
    """Fill in the uplift, preview what it does to each contract and the money by
    funder and year, then confirm: the confirm saves only what the preview showed."""
    require(request.user, FeeUplift, "add")
    today = dates.real_today()
    form = FeeUpliftForm(request.POST or None)
    preview = None
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contract_ids = uplift_selection(
            service_areas=data["service_areas"],
            contract_types=data["contract_types"],
            provider=data["provider"],
            contracts=data["contracts"],
        )
        arguments = form.plan_arguments()
        fingerprint = form.fingerprint(contract_ids)
        if request.POST.get("action") == "confirm":
            if request.POST.get("preview_of") != fingerprint:
                stale = True
            else:
                try:
                    uplift, plan = committee_services.fee_uplift_decide(
                        authority=data["authority"],
                        today=today,
                        title=data["title"],
                        basis=data["basis"],
                        contract_ids=contract_ids,
                        selection=form.selection_text(),
                        **arguments,
                    )
                except ValidationError as error:
                    add_errors(form, error)
                else:
                    messages.success(
                        request,
                        f"Fee uplift “{uplift.title}” applied to {len(plan.included)} "
                        f"contract{'s' if len(plan.included) != 1 else ''} from {format_day(uplift.effective_on)}: "
                        f"{format_money(plan.annual_change)} a year.",
                    )
                    return redirect("committees:fee_uplift_detail", pk=uplift.pk)
        plan = contract_services.uplift_plan(list(contract_services.uplift_contracts(contract_ids)), **arguments)
        preview = _preview(plan, fingerprint=fingerprint)
    return render(
        request,
        "committees/fee_uplift_form.html",
        {"form": form, "preview": preview, "stale": stale, "preview_rows": PREVIEW_ROWS},
    )


def _detail(request, uplift: FeeUplift, *, form: FeeUpliftReverseForm):
    today = dates.real_today()
    decision = uplift_decisions([uplift.pk]).get(uplift.pk)
    reversible = _reversible(uplift, today=today)
    return render(
        request,
        "committees/fee_uplift_detail.html",
        {
            "uplift": uplift,
            "decision": decision,
            "status": uplift_status(uplift, today=today),
            "money": _stored_table(uplift),
            "page": page_of(request, uplift_changes(uplift)),
            "query_without_page": query_without(request, "page"),
            "reversible": reversible,
            "can_reverse": reversible and can(request.user, FeeUplift, "change"),
            "form": form,
        },
    )


def fee_uplift_detail(request, pk: int):
    uplift = get_for_user(request.user, FeeUplift.objects.all(), pk=pk)
    return _detail(request, uplift, form=FeeUpliftReverseForm())


@require_POST
def fee_uplift_reverse(request, pk: int):
    uplift = get_for_user(request.user, FeeUplift.objects.all(), action="change", pk=pk)
    form = FeeUpliftReverseForm(request.POST)
    if form.is_valid():
        try:
            committee_services.fee_uplift_reverse(
                uplift=uplift, today=dates.real_today(), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_errors(form, error, renames={"reversal_reason": "reason"})
        else:
            messages.success(
                request,
                f"Fee uplift “{uplift.title}” reversed: its changes are taken off {uplift.contract_count} "
                f"contract{'s' if uplift.contract_count != 1 else ''}.",
            )
            return redirect("committees:fee_uplift_detail", pk=uplift.pk)
    uplift.refresh_from_db()
    return _detail(request, uplift, form=form)
