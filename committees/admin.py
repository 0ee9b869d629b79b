from pathlib import PurePath

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from commissioning.core.admin import KeepsLinkedRecordsAdmin, KeepsSearchCurrentAdmin
from commissioning.core.versioning import VersionedAdminMixin
from committees.models import (
    Action,
    AgendaItem,
    Committee,
    CommitteeMembership,
    ContractLink,
    Declaration,
    Delegation,
    Meeting,
    Member,
    OfficerDecision,
    Report,
    ReportFile,
    ResolutionPart,
)

# The clerk pages write through committees.services, which check the rules that
# span records (an item of another meeting, an action due before its meeting).
# The admin is for looking things up and correcting a typo.


@admin.register(Committee)
class CommitteeAdmin(KeepsSearchCurrentAdmin, KeepsLinkedRecordsAdmin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "council", "kind", "quorum"]
    list_filter = ["kind", "council"]
    search_fields = ["name"]


@admin.register(Meeting)
class MeetingAdmin(KeepsSearchCurrentAdmin, KeepsLinkedRecordsAdmin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["committee", "starts_at", "status", "agenda_published_on", "decisions_published_on"]
    list_filter = ["status", "committee"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["minutes_approved_at"]


class ReportFileInline(admin.TabularInline):
    """Files are added on the report page, which checks them; here they are only
    listed, with the link that checks who may download them (nothing is served
    from MEDIA_URL)."""

    model = ReportFile
    extra = 0
    fields = ["title", "download", "uploaded_at"]
    readonly_fields = ["download", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="File")
    def download(self, report_file):
        url = reverse("committees:report_file_download", args=[report_file.pk])
        return format_html('<a href="{}">{}</a>', url, PurePath(report_file.file.name).name)


@admin.register(Report)
class ReportAdmin(KeepsSearchCurrentAdmin, KeepsLinkedRecordsAdmin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["reference", "title", "council", "kind", "gateway_number", "report_date"]
    list_filter = ["kind", "council"]
    search_fields = ["reference", "title", "author"]
    filter_horizontal = ["contracts"]
    inlines = [ReportFileInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(KeepsSearchCurrentAdmin, KeepsLinkedRecordsAdmin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "title", "meeting", "report"]
    search_fields = ["title", "number", "report__reference"]
    raw_id_fields = ["meeting", "report"]


class DelegationInline(admin.StackedInline):
    model = Delegation
    extra = 0


@admin.register(ResolutionPart)
class ResolutionPartAdmin(KeepsSearchCurrentAdmin, KeepsLinkedRecordsAdmin, SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "is_key_decision", "is_urgent"]
    list_filter = ["kind", "is_key_decision", "is_urgent"]
    search_fields = ["text"]
    raw_id_fields = ["item", "takes_up", "recommended_to"]
    inlines = [DelegationInline]


@admin.register(Delegation)
class DelegationAdmin(KeepsSearchCurrentAdmin, KeepsLinkedRecordsAdmin, SimpleHistoryAdmin):
    list_display = ["to_whom", "in_consultation_with", "expires_on"]
    search_fields = ["to_whom", "scope"]
    raw_id_fields = ["resolution_part"]


@admin.register(OfficerDecision)
class OfficerDecisionAdmin(KeepsSearchCurrentAdmin, KeepsLinkedRecordsAdmin, SimpleHistoryAdmin):
    list_display = ["decided_on", "decision_maker", "published_on", "is_key_decision"]
    list_filter = ["is_key_decision"]
    search_fields = ["decision_maker", "text"]
    raw_id_fields = ["delegation"]
    date_hierarchy = "decided_on"


@admin.register(Action)
class ActionAdmin(KeepsSearchCurrentAdmin, SimpleHistoryAdmin):
    list_display = ["text", "owner", "due_on", "status", "completed_on"]
    list_filter = ["status"]
    search_fields = ["text", "owner"]
    raw_id_fields = ["resolution_part"]


@admin.register(ContractLink)
class ContractLinkAdmin(KeepsSearchCurrentAdmin, SimpleHistoryAdmin):
    list_display = ["contract", "effect", "resolution_part", "officer_decision"]
    list_filter = ["effect"]
    raw_id_fields = ["contract", "resolution_part", "officer_decision", "option"]


# --- attendance and declarations of interest (issue 13, slice "attend") -------------------------


class CommitteeMembershipInline(admin.TabularInline):
    model = CommitteeMembership
    extra = 0
    autocomplete_fields = ["committee"]


@admin.register(Member)
class MemberAdmin(KeepsLinkedRecordsAdmin, SimpleHistoryAdmin):
    list_display = ["name", "party", "council"]
    list_filter = ["council"]
    search_fields = ["name", "party"]
    inlines = [CommitteeMembershipInline]


@admin.register(Declaration)
class DeclarationAdmin(SimpleHistoryAdmin):
    list_display = ["member", "item", "kind", "provider", "left_room"]
    list_filter = ["kind", "left_room"]
    raw_id_fields = ["item", "member", "provider"]
