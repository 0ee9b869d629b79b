from dataclasses import replace
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from commissioning.core import dates, query, register_cache
from commissioning.core.formatting import format_day
from commissioning.core.once import not_saved, saves_once
from commissioning.core.panels import contract_sections, provider_sections
from commissioning.core.permissions import can, get_for_user, require
from commissioning.core.pickers import choices_response, query_of
from commissioning.core.versioning import StaleEdit
from commissioning.core.web import Attachment, download, is_filtered, kept_page, page_of, query_without
from contracts import publishing, services
from contracts.forms import (
    KpiAssessmentForm,
    KpiForm,
    MonitoringRecordForm,
    NoticePublicationForm,
    OrganisationForm,
    ProviderForm,
    SpendForm,
    add_service_errors,
    contract_form,
    funding_formset,
)
from contracts.history import full_history_requested
from contracts.models import (
    Contract,
    ContractChange,
    Kpi,
    KpiAssessment,
    MonitoringRecord,
    NoticePublication,
    Organisation,
    Provider,
    SpendRecord,
)
from contracts.money import financial_year_label, format_money
from contracts.pickers import contract_matches, provider_matches
from contracts.selectors import (
    contract_changes,
    contract_export_rows,
    contract_history,
    contract_kpis,
    contract_monitoring,
    contract_queryset_for_detail,
    contracts_of_organisation,
    contracts_of_provider,
    contracts_to_complete,
    organisation_history,
    performance_links,
    provider_history,
    register_totals,
    to_complete_rows,
    transparency_rows,
)
from contracts.selectors import (
    contract_detail as select_contract_detail,
)
from contracts.selectors import (
    contract_list as select_contract_list,
)
from contracts.selectors import notices_due as select_notices_due
from contracts.selectors import (
    organisation_list as select_organisation_list,
)
from contracts.selectors import (
    provider_list as select_provider_list,
)
from contracts.timeline import timeline


def contract_list(request):
    require(request.user, Contract)
    today = dates.as_of(request)
    queryset, filterset = select_contract_list(filters=request.GET, today=today)
    # Counting and adding up every matching row: kept until the register changes.
    totals = register_cache.remember(
        "contract-totals",
        lambda: register_totals(queryset),
        today=today,
        question=register_cache.question_of(request.GET, leave_out=["page", "sort"]),
    )
    page = kept_page(request, queryset, name="contracts", today=today, count=totals["count"])
    return render(
        request,
        "contracts/contract_list.html",
        {
            "page": page,
            "filterset": filterset,
            "totals": totals,
            "today": today,
            "sort": request.GET.get("sort", ""),
            "query_without_page": query_without(request, "page"),
            "query_without_sort": query_without(request, "page", "sort"),
            "query": query_without(request),
            "can_add": can(request.user, Contract, "add"),
            "filtered": is_filtered(request),
            "quarters": _quarters_around(today),
        },
    )


def to_complete(request):
    """Contracts with a start date, an end date or a value still to record."""
    require(request.user, Contract)
    page = page_of(request, contracts_to_complete())
    return render(
        request,
        "contracts/to_complete.html",
        {"page": page, "rows": to_complete_rows(page), "can_change": can(request.user, Contract, "change")},
    )


EXPORT_FORMATS = ("csv", "xlsx", "transparency", "ocds", "ocds_notices")
# File name and extension of the register's downloads; the transparency register names its quarter.
_DOWNLOADS = {
    "csv": ("contracts", "csv"),
    "xlsx": ("contracts", "xlsx"),
    "ocds": ("contracts-ocds", "json"),
    "ocds_notices": ("notices-ocds", "json"),
}


def _quarters_around(today) -> list[publishing.Quarter]:
    """The quarter holding the day and the one before it (often the one being published)."""
    current = publishing.Quarter.holding(today)
    return [current, publishing.Quarter.holding(current.first_day - timedelta(days=1))]


@download
def contract_export(request, fmt: str = "csv"):
    """The filtered list for its day, every page of it: as CSV, as an Excel
    workbook, as the Transparency Code register of a quarter, or as OCDS."""
    require(request.user, Contract)
    if fmt not in EXPORT_FORMATS:
        raise Http404("No such download.")
    today = dates.as_of(request, warn=False)
    if fmt == "transparency":
        return _transparency_download(request, today=today)
    contracts = contract_export_rows(filters=request.GET, today=today, kpis=fmt == "ocds_notices")
    content = publishing.register_document(fmt, contracts, today=today, uri=request.build_absolute_uri(), bom=True)
    name, extension = _DOWNLOADS[fmt]
    return Attachment(content, f"{name}-{today:%Y-%m-%d}.{extension}")


def _transparency_download(request, *, today):
    """The quarter asked for with `?quarter=2026-Q3` (default: the one holding the
    day), with its figures on the list's day."""
    raw = request.GET.get("quarter", "").strip()
    try:
        quarter = publishing.parse_quarter(raw) if raw else publishing.Quarter.holding(today)
    except ValueError as error:
        messages.error(request, str(error))
        query = query_without(request, "quarter")
        return redirect(reverse("contracts:contract_list") + (f"?{query}" if query else ""))
    contracts = transparency_rows(
        filters=request.GET, first_day=quarter.first_day, last_day=quarter.last_day, today=today
    )
    content = publishing.transparency_document(contracts, today=today, bom=True)
    filename = f"contracts-register-{quarter.slug}-as-of-{today:%Y-%m-%d}.csv"
    return Attachment(content, filename)


def contract_detail(request, pk: int):
    contract = get_for_user(request.user, contract_queryset_for_detail(), pk=pk)
    today = dates.as_of(request)
    detail = select_contract_detail(contract=contract, today=today)
    can_change = can(request.user, Contract, "change")
    show_all = full_history_requested(request)
    schedule = detail.schedule
    # The sections above work from complete figures; an incomplete contract shows what it lacks instead.
    sections = contract_sections(contract=contract, figures=detail.figures, today=today) if detail.is_complete else {}
    # The KPIs with their ratings known on the day: kept until the register changes.
    kpis = register_cache.remember(
        "contract-kpis", lambda: contract_kpis(contract=contract, today=today), today=today, question=[contract.pk]
    )
    # Each assessment with the performance notice that publishes it, and each notice with what it
    # publishes: the notices are the procurement section's (a layer above), so they are joined here.
    if (facts := sections.get("procurement_facts")) is not None:
        kpis, notices = performance_links(kpis=kpis, notices=facts.performance_notices)
        sections["procurement_facts"] = replace(facts, performance_notices=notices)
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "detail": detail,
            "contract": contract,
            "today": today,
            "is_real_today": today == dates.real_today(),
            "timeline": timeline(schedule.periods, schedule.option_statuses, today=today) if schedule else None,
            "can_change": can_change,
            "can_add_monitoring": can(request.user, MonitoringRecord, "add"),
            "can_change_monitoring": can(request.user, MonitoringRecord, "change"),
            "spend_form": (
                SpendForm(contract=contract, final_end=schedule.final_end, today=today)
                if can_change and schedule
                else None
            ),
            # Who changed what, read over six kinds of record: kept until the register changes.
            "history": register_cache.remember(
                "contract-history",
                lambda: contract_history(contract=contract, show_all=show_all),
                today=today,
                question=[contract.pk, show_all],
            ),
            "kpis": kpis,
            # Monitoring visits and reports, each with the committee reports that considered it
            # (a section the committees layer adds: {record pk: [reports]}).
            "monitoring": [
                (record, sections.get("monitoring_considered", {}).get(record.pk, []))
                for record in contract_monitoring(contract=contract, today=today)
            ],
            # Changes to the value, term, scope or supplier, and the options exercised, as on the day.
            "changes": contract_changes(contract=contract, today=today),
            # Sections the layers above add: committee decisions, procurement facts.
            **sections,
        },
    )


NEW_PROVIDER = "new_provider"


def _new_provider_form(request) -> ProviderForm | None:
    """The contract form's "provider not listed" fields, bound when a name was typed in them."""
    if not can(request.user, Provider, "add"):
        return None
    typed = request.method == "POST" and request.POST.get(f"{NEW_PROVIDER}-name", "").strip()
    form = ProviderForm(request.POST if typed else None, prefix=NEW_PROVIDER)
    # Optional as a whole: its fields are read only once a name is typed.
    form.fields["name"].required = False
    form.fields["name"].label = "Name of the new provider"
    return form


class _NotSaved(Exception):
    """A save refused part-way: the transaction is rolled back, the errors are on the forms."""


def _contract_form_page(request, *, contract: Contract | None):
    new_provider = _new_provider_form(request)
    adding_provider = new_provider is not None and new_provider.is_bound
    form = contract_form(request.POST or None, contract=contract, adding_provider=adding_provider)
    funding = funding_formset(data=request.POST or None, contract=contract)
    if request.method == "POST" and form.is_valid() & funding.is_valid() & (
        not adding_provider or new_provider.is_valid()
    ):
        arguments = form.service_arguments()
        try:
            # The new provider and the contract are saved together, or neither is.
            with transaction.atomic():
                if adding_provider:
                    try:
                        arguments["providers"].append(services.provider_create(**new_provider.fields_data()))
                    except ValidationError as error:
                        add_service_errors(new_provider, error)
                        raise _NotSaved from error
                if contract is None:
                    contract = services.contract_create(
                        reference=form.cleaned_data["reference"],
                        funding=funding.shares(),
                        **arguments,
                    )
                    messages.success(request, f"Contract {contract.reference} registered.")
                else:
                    services.contract_update(
                        contract=contract,
                        funding=funding.shares(),
                        version=form.read_version,
                        **arguments,
                    )
                    messages.success(request, f"Contract {contract.reference} saved.")
        except _NotSaved:
            pass
        except StaleEdit:
            form.refuse_as_stale(contract_form(contract=Contract.objects.get(pk=contract.pk)), noun="contract")
        except ValidationError as error:
            add_service_errors(form, error, formsets={"funding": funding})
        else:
            return redirect(contract)
    return render(
        request,
        "contracts/contract_form.html",
        {
            "form": form,
            "funding": funding,
            "new_provider": new_provider,
            "contract": contract if contract and contract.pk else None,
        },
    )


@saves_once
def contract_create(request):
    require(request.user, Contract, "add")
    return _contract_form_page(request, contract=None)


def contract_update(request, pk: int):
    contract = get_for_user(request.user, Contract.objects.all(), action="change", pk=pk)
    return _contract_form_page(request, contract=contract)


@require_POST
@saves_once
def spend_create(request, pk: int):
    contract = get_for_user(request.user, Contract.objects.all(), action="change", pk=pk)
    require(request.user, SpendRecord, "add")
    today = dates.real_today()
    schedule = services.contract_schedule(contract, list(contract.options.order_by("order")), today=today)
    if schedule is None:
        messages.error(request, "Record the contract's start and end dates before its spend.")
        not_saved(request)
        return redirect(f"{contract.get_absolute_url()}#spend")
    final_end = schedule.final_end
    form = SpendForm(request.POST, contract=contract, final_end=final_end, today=today)
    if form.is_valid():
        try:
            record = services.spend_record(contract=contract, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            not_saved(request)
        else:
            messages.success(
                request,
                f"Spend of {format_money(record.amount)} recorded for {financial_year_label(record.financial_year)}.",
            )
    else:
        not_saved(request)
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect(f"{contract.get_absolute_url()}#spend")


def provider_list(request):
    require(request.user, Provider)
    page = page_of(request, select_provider_list())
    return render(
        request, "contracts/provider_list.html", {"page": page, "can_add": can(request.user, Provider, "add")}
    )


def provider_detail(request, pk: int):
    provider = get_for_user(request.user, Provider.objects.all(), pk=pk)
    today = dates.as_of(request)
    return render(
        request,
        "contracts/provider_detail.html",
        {
            "provider": provider,
            "contracts": contracts_of_provider(provider=provider, today=today),
            "today": today,
            "can_change": can(request.user, Provider, "change"),
            "history": provider_history(provider=provider, show_all=full_history_requested(request)),
            **provider_sections(provider=provider, today=today),
        },
    )


def organisation_list(request):
    require(request.user, Organisation)
    page = page_of(request, select_organisation_list())
    return render(
        request,
        "contracts/organisation_list.html",
        {"page": page, "can_add": can(request.user, Organisation, "add")},
    )


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
            "can_change": can(request.user, Organisation, "change"),
            "history": organisation_history(organisation=organisation, show_all=full_history_requested(request)),
        },
    )


def _next_page(request) -> str | None:
    """Where to go back to after adding a record (`?next=`), when it is a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


def _reference_form_page(request, *, form_class, instance, create, update, noun: str, template: str):
    """The add and edit pages of a provider or an organisation: one service call, then its page."""
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            if instance is None:
                saved = create(**form.fields_data())
                messages.success(request, f"{saved.name} added.")
            else:
                saved = update(version=form.read_version, **form.fields_data())
                messages.success(request, f"{saved.name} saved.")
        except StaleEdit:
            form.refuse_as_stale(form_class(instance=type(instance).objects.get(pk=instance.pk)), noun=noun)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect((instance is None and _next_page(request)) or saved)
    return render(request, template, {"form": form, noun: instance, "next": _next_page(request) or ""})


def provider_create(request):
    require(request.user, Provider, "add")
    return _reference_form_page(
        request,
        form_class=ProviderForm,
        instance=None,
        create=services.provider_create,
        update=None,
        noun="provider",
        template="contracts/provider_form.html",
    )


def provider_update(request, pk: int):
    provider = get_for_user(request.user, Provider.objects.all(), action="change", pk=pk)
    return _reference_form_page(
        request,
        form_class=ProviderForm,
        instance=provider,
        create=None,
        update=lambda **values: services.provider_update(provider=provider, **values),
        noun="provider",
        template="contracts/provider_form.html",
    )


def organisation_create(request):
    require(request.user, Organisation, "add")
    return _reference_form_page(
        request,
        form_class=OrganisationForm,
        instance=None,
        create=services.organisation_create,
        update=None,
        noun="organisation",
        template="contracts/organisation_form.html",
    )


def organisation_update(request, pk: int):
    organisation = get_for_user(request.user, Organisation.objects.all(), action="change", pk=pk)
    return _reference_form_page(
        request,
        form_class=OrganisationForm,
        instance=organisation,
        create=None,
        update=lambda **values: services.organisation_update(organisation=organisation, **values),
        noun="organisation",
        template="contracts/organisation_form.html",
    )


# --- KPIs and their assessments ----------------------------------------------------------------


def _kpi_page(request, *, contract: Contract, kpi: Kpi | None):
    form = KpiForm(request.POST or None, instance=kpi)
    if request.method == "POST" and form.is_valid():
        try:
            if kpi is None:
                saved = services.kpi_create(contract=contract, **form.fields_data())
                messages.success(request, f"KPI “{saved.name}” added.")
            else:
                saved = services.kpi_update(kpi=kpi, version=form.read_version, **form.fields_data())
                messages.success(request, f"KPI “{saved.name}” saved.")
        except StaleEdit:
            form.refuse_as_stale(KpiForm(instance=Kpi.objects.get(pk=kpi.pk)), noun="KPI")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(saved)
    return render(request, "contracts/kpi_form.html", {"form": form, "contract": contract, "kpi": kpi})


@saves_once
def kpi_create(request, pk: int):
    contract = get_for_user(request.user, Contract.objects.all(), action="change", pk=pk)
    require(request.user, Kpi, "add")
    return _kpi_page(request, contract=contract, kpi=None)


def kpi_update(request, pk: int):
    kpi = get_for_user(request.user, Kpi.objects.select_related("contract"), action="change", pk=pk)
    return _kpi_page(request, contract=kpi.contract, kpi=kpi)


@saves_once
def kpi_assessment_create(request, pk: int):
    kpi = get_for_user(request.user, Kpi.objects.select_related("contract"), pk=pk)
    require(request.user, KpiAssessment, "add")
    form = KpiAssessmentForm(request.POST or None, kpi=kpi, initial={"assessed_on": dates.real_today()})
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.kpi_assessment_record(kpi=kpi, today=dates.real_today(), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{kpi.name}: {assessment.get_rating_display()} recorded for "
                f"{format_day(assessment.period_start)} to {format_day(assessment.period_end)}.",
            )
            return redirect(kpi)
    return render(
        request,
        "contracts/kpi_assessment_form.html",
        {"form": form, "kpi": kpi, "contract": kpi.contract, "ratings": KpiAssessment.Rating.choices},
    )


# --- monitoring visits and contract monitoring reports ------------------------------------------


@saves_once
def monitoring_create(request, pk: int):
    contract = get_for_user(request.user, Contract.objects.all(), pk=pk)
    require(request.user, MonitoringRecord, "add")
    today = dates.real_today()
    form = MonitoringRecordForm(request.POST or None, contract=contract, initial={"held_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            record = services.monitoring_record_create(contract=contract, today=today, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{record.get_kind_display()} of {format_day(record.held_on)} recorded.")
            return redirect(record)
    return render(request, "contracts/monitoring_form.html", {"form": form, "contract": contract})


def monitoring_update(request, pk: int):
    record = get_for_user(request.user, MonitoringRecord.objects.select_related("contract"), action="change", pk=pk)
    contract = record.contract
    form = MonitoringRecordForm(request.POST or None, contract=contract, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.monitoring_record_update(
                record=record, version=form.read_version, today=dates.real_today(), **form.fields_data()
            )
        except StaleEdit:
            current = MonitoringRecord.objects.get(pk=record.pk)
            form.refuse_as_stale(MonitoringRecordForm(contract=contract, instance=current), noun="monitoring record")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{record.get_kind_display()} of {format_day(record.held_on)} saved.")
            return redirect(record)
    return render(request, "contracts/monitoring_form.html", {"form": form, "contract": contract, "record": record})


# --- what the pickers offer (commissioning.core.pickers) ----------------------------------------


@require_GET
def contract_choices(request):
    require(request.user, Contract)
    return choices_response(contract_matches(query_of(request)))


@require_GET
def provider_choices(request):
    require(request.user, Provider)
    return choices_response(provider_matches(query_of(request)))


# --- Procurement Act notices ---------------------------------------------------------------

NOTICE_STATUSES = {"overdue": "Overdue", "due": "Due", "published": "Published"}


def notice_list(request):
    """Every Procurement Act notice owed as on the day: overdue first."""
    require(request.user, NoticePublication)
    today = dates.as_of(request)
    every = register_cache.remember("notices", lambda: select_notices_due(today=today, publishes=True), today=today)
    counts = {status: sum(1 for row in every if row.status == status) for status in NOTICE_STATUSES}
    shown = request.GET.get("status", "")
    if shown not in NOTICE_STATUSES:
        shown = ""
    rows = [row for row in every if row.status == shown] if shown else every
    return render(
        request,
        "contracts/notice_list.html",
        {
            "page": page_of(request, rows),
            "today": today,
            "is_real_today": today == dates.real_today(),
            "shown": shown,
            "statuses": NOTICE_STATUSES,
            "counts": counts,
            "query_without_page": query_without(request, "page"),
            "can_add": can(request.user, NoticePublication, "add"),
        },
    )


@saves_once
def notice_publish(request):
    """Record a notice as published: which one comes in the query string (or the form)."""
    require(request.user, NoticePublication, "add")
    today = dates.real_today()
    form = NoticePublicationForm(request.POST or None, initial={**request.GET.dict(), "published_on": today})
    source = request.POST if request.method == "POST" else request.GET
    contract = _notice_contract(request, source.get("contract"))
    change = _notice_change(contract, source.get("change"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_publish(
                kind=data["kind"],
                contract=contract,
                period_end=data["period_end"],
                change=change,
                published_on=data["published_on"],
                identifier=data["identifier"],
                url=data["url"],
                today=today,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{notice.get_kind_display()} recorded as published on {format_day(notice.published_on)}."
            )
            return redirect(
                contract.get_absolute_url() + "#procurement" if contract else reverse("contracts:notice_list")
            )
    kind = form["kind"].value()
    try:
        period_end = form.fields["period_end"].to_python(form["period_end"].value())
    except ValidationError:
        period_end = None
    return render(
        request,
        "contracts/notice_form.html",
        {
            "form": form,
            "contract": contract,
            "kind_label": dict(NoticePublication.Kind.choices).get(kind, ""),
            "period_end": period_end,
            "change": change,
        },
    )


def _notice_change(contract: Contract | None, value) -> ContractChange | None:
    """The change a change notice announces, one of `contract`'s: 404 when it is not."""
    if not value:
        return None
    pk = query.plain_id(value)
    if pk is None or contract is None:
        raise Http404("No change found.")
    change = ContractChange.objects.filter(pk=pk, contract=contract).first()  # the contract is checked already
    if change is None:
        raise Http404("No change found.")
    return change


def _notice_contract(request, value) -> Contract | None:
    """The contract a notice is for, checked like every record: 404 when it cannot be found."""
    pk = query.plain_id(value) if value else None
    if value and pk is None:
        raise Http404("No contract found.")
    return get_for_user(request.user, Contract.objects.all(), pk=pk) if pk is not None else None
