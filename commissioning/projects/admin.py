"""The council's set-up as data: gateways, approval routes, required steps and
thresholds are edited here. Projects and waivers are read here and changed on
their own pages, whose services keep the rules."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from commissioning.core.admin import KeepsSearchCurrentAdmin, ReadMostlyAdmin, ReadOnlyInline
from commissioning.projects.models import (
    AppraisedOption,
    ApprovalRoute,
    CommissioningProject,
    Gateway,
    GatewayDecision,
    ProcurementThreshold,
    ProjectFundingShare,
    ProjectStep,
    RequiredStep,
    Waiver,
)


@admin.register(Gateway)
class GatewayAdmin(KeepsSearchCurrentAdmin, SimpleHistoryAdmin):
    """`Gateway.clean` refuses lead times that would put a later gateway before an earlier one."""

    list_display = ["number", "name", "decision", "stage", "lead_months"]
    list_display_links = ["number", "name"]
    ordering = ["number"]


@admin.register(ApprovalRoute)
class ApprovalRouteAdmin(KeepsSearchCurrentAdmin, admin.ModelAdmin):
    list_display = ["gateway", "min_value", "max_value", "decision_maker", "committee_kind"]
    list_filter = ["gateway", "committee_kind"]


@admin.register(RequiredStep)
class RequiredStepAdmin(KeepsSearchCurrentAdmin, admin.ModelAdmin):
    list_display = ["name", "kind", "above_value", "before_gateway", "days_before", "council", "source"]
    list_filter = ["kind", "before_gateway", "council"]
    search_fields = ["name", "source"]


@admin.register(ProcurementThreshold)
class ProcurementThresholdAdmin(KeepsSearchCurrentAdmin, admin.ModelAdmin):
    list_display = ["regime", "amount", "applies_from"]
    list_filter = ["regime"]


class GatewayDecisionInline(ReadOnlyInline):
    model = GatewayDecision
    fields = ["gateway", "passed_on", "resolution_part", "officer_decision"]
    readonly_fields = ["passed_on"]


class StepInline(ReadOnlyInline):
    model = ProjectStep
    fields = ["rule", "done_on", "resolution_part", "note"]


class AppraisedOptionInline(ReadOnlyInline):
    model = AppraisedOption
    fields = ["position", "description", "outcome", "reason"]


class FundingInline(ReadOnlyInline):
    model = ProjectFundingShare
    fields = ["organisation", "percent"]


@admin.register(CommissioningProject)
class CommissioningProjectAdmin(ReadMostlyAdmin):
    """Changed on the project pages, whose services keep one active project per
    incumbent contract, terms that parse and no step dated in the future."""

    list_display = ["title", "service_area", "status", "lead_officer"]
    list_filter = ["status", "service_area"]
    search_fields = ["title", "incumbent_contracts__reference"]
    inlines = [GatewayDecisionInline, StepInline, AppraisedOptionInline, FundingInline]


@admin.register(Waiver)
class WaiverAdmin(ReadMostlyAdmin):
    list_display = ["service", "service_area", "start_date", "term", "value", "approver", "approved_on"]
    list_filter = ["service_area"]
    search_fields = ["service", "approver", "reason"]
    date_hierarchy = "start_date"
