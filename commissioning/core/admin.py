"""What the apps' admin pages share: records whose rules live in services are
read (and deleted) in the admin, and added and changed on the app's own pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin


class ReadMostlyAdmin(SimpleHistoryAdmin):
    """Read and delete only: adding and changing go through the app's pages,
    whose services check the rules."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """The rows that belong to a read-mostly record, shown but not edited."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
