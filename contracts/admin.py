from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from commissioning.core.admin import ReadMostlyAdmin, ReadOnlyInline
from contracts.models import Contract, ContractOption, FundingShare, Organisation, Provider, ServiceArea, SpendRecord


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["name", "companies_house_number", "charity_number", "is_sme", "is_vcse"]
    list_filter = ["is_sme", "is_vcse"]
    search_fields = ["name", "companies_house_number", "charity_number"]


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
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


@admin.register(Contract)
class ContractAdmin(ReadMostlyAdmin):
    """Read-only here: contracts change through the register's pages, whose
    services keep dates, options and funding consistent."""

    list_display = ["reference", "title", "lead_commissioner", "start_date", "term", "annual_value"]
    list_filter = ["service_area", "legislation", "route", "contract_type"]
    search_fields = ["reference", "title"]
    inlines = [OptionInline, FundingInline, SpendInline]
