from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from commissioning.core.admin import KeepsLinkedRecordsAdmin, KeepsSearchCurrentAdmin, ReadMostlyAdmin, ReadOnlyInline
from commissioning.core.versioning import VersionedAdminMixin
from contracts.models import (
    ColumnMapping,
    Contract,
    ContractChange,
    ContractOption,
    FeeUplift,
    FundingShare,
    Kpi,
    KpiAssessment,
    MonitoringRecord,
    NoticePublication,
    Organisation,
    Provider,
    RegisterImport,
    ServiceArea,
    SpendRecord,
)


@admin.register(Organisation)
class OrganisationAdmin(KeepsSearchCurrentAdmin, KeepsLinkedRecordsAdmin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Provider)
class ProviderAdmin(KeepsSearchCurrentAdmin, KeepsLinkedRecordsAdmin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "companies_house_number", "charity_number", "is_sme", "is_vcse"]
    list_filter = ["is_sme", "is_vcse"]
    search_fields = ["name", "companies_house_number", "charity_number"]


@admin.register(ServiceArea)
class ServiceAreaAdmin(KeepsSearchCurrentAdmin, admin.ModelAdmin):
    search_fields = ["name"]


class OptionInline(ReadOnlyInline):
    model = ContractOption
    fields = ["order", "months", "status", "decided_by", "decided_on"]


class FundingInline(ReadOnlyInline):
    model = FundingShare
    fields = ["organisation", "percent"]


class SpendInline(ReadOnlyInline):
    model = SpendRecord
    fields = ["financial_year", "amount", "note"]


class ChangeInline(ReadOnlyInline):
    model = ContractChange
    fields = ["effective_on", "annual_value_change", "one_off_value_change", "term_change_months", "ground", "uplift"]


@admin.register(Contract)
class ContractAdmin(KeepsLinkedRecordsAdmin, ReadMostlyAdmin):
    """Read-only here: contracts change through the register's pages, whose
    services keep dates, options and funding consistent."""

    list_display = ["reference", "title", "lead_commissioner", "start_date", "term", "annual_value"]
    list_filter = ["service_area", "legislation", "route", "contract_type"]
    search_fields = ["reference", "title"]
    inlines = [OptionInline, FundingInline, SpendInline, ChangeInline]


class RecordedThroughThePagesAdmin(ReadMostlyAdmin):
    """Shown only: a change or an uplift is recorded, withdrawn or reversed on the
    app's pages, whose services keep the contracts' stored figures with it."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContractChange)
class ContractChangeAdmin(RecordedThroughThePagesAdmin):
    list_display = [
        "contract",
        "effective_on",
        "annual_value_change",
        "one_off_value_change",
        "term_change_months",
        "ground",
        "uplift",
    ]
    list_filter = ["ground"]
    search_fields = ["contract__reference", "description"]


@admin.register(FeeUplift)
class FeeUpliftAdmin(RecordedThroughThePagesAdmin):
    list_display = ["title", "basis", "percent", "effective_on", "reversed_on"]
    list_filter = ["basis"]


@admin.register(RegisterImport)
class RegisterImportAdmin(KeepsSearchCurrentAdmin, admin.ModelAdmin):
    """The record of each import: read here, made only by the import pages."""

    list_display = ["file_name", "uploaded_by", "uploaded_at", "status"]
    list_filter = ["status"]
    exclude = ["data"]
    readonly_fields = [field.name for field in RegisterImport._meta.fields if field.name != "data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ColumnMapping)
class ColumnMappingAdmin(KeepsSearchCurrentAdmin, SimpleHistoryAdmin):
    """Headers matched by hand on the import page; delete one to match it afresh."""

    list_display = ["header", "field", "updated_by", "updated_at"]
    search_fields = ["header"]


@admin.register(NoticePublication)
class NoticePublicationAdmin(KeepsSearchCurrentAdmin, SimpleHistoryAdmin):
    list_display = ["kind", "contract", "change", "period_end", "published_on", "identifier"]
    list_filter = ["kind"]
    search_fields = ["identifier", "contract__reference"]
    raw_id_fields = ["contract", "change"]


@admin.register(Kpi)
class KpiAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    """Set and edited on the contract's pages; corrected or removed here."""

    list_display = ["name", "contract", "target", "frequency"]
    list_filter = ["frequency"]
    search_fields = ["name", "contract__reference"]
    raw_id_fields = ["contract"]


@admin.register(KpiAssessment)
class KpiAssessmentAdmin(SimpleHistoryAdmin):
    """Recorded on the contract's pages; a rating entered wrongly is corrected here, with its history kept."""

    list_display = ["kpi", "period_start", "period_end", "rating", "assessed_on"]
    list_filter = ["rating"]
    search_fields = ["kpi__name", "kpi__contract__reference"]
    raw_id_fields = ["kpi"]


@admin.register(MonitoringRecord)
class MonitoringRecordAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    """Recorded and corrected on the contract's pages; removed here, with its history kept."""

    list_display = ["contract", "kind", "held_on", "title", "carried_out_by"]
    list_filter = ["kind"]
    search_fields = ["title", "contract__reference"]
    raw_id_fields = ["contract"]
