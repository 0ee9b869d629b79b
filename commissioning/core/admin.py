"""What the apps' admin pages share: records whose rules live in services are
read (and deleted) in the admin, and added and changed on the app's own pages."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from simple_history.admin import SimpleHistoryAdmin


class KeepsSearchCurrentAdmin:
    """Mixin for a register record's admin. The admin saves and deletes records
    without the services, which keep the search index current as they write; so
    once a change or a deletion made here is committed, a job writes the index
    again (`commissioning.core.tasks.rebuild_search_index`)."""

    def _index_after_commit(self) -> None:
        from commissioning.core import jobs, tasks

        transaction.on_commit(lambda: jobs.enqueue(tasks.rebuild_search_index))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._index_after_commit()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._index_after_commit()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._index_after_commit()


class ReadMostlyAdmin(KeepsSearchCurrentAdmin, SimpleHistoryAdmin):
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


def linked_records(obj: models.Model, *, limit: int = 5) -> list[models.Model]:
    """Records that stand on `obj` and would be lost or left pointing nowhere if it
    were deleted: those whose link PROTECTs it (decisions on a contract, contracts
    led by an organisation), and those naming it in a many-to-many list (the
    contracts of a provider, the reports on a contract). At most `limit` of each kind."""
    collector = Collector(using=router.db_for_write(type(obj)))
    linked: list[models.Model] = []
    try:
        collector.collect([obj])
    except (ProtectedError, RestrictedError) as refusal:
        linked += list(
            refusal.protected_objects if isinstance(refusal, ProtectedError) else refusal.restricted_objects
        )[:limit]
    for relation in obj._meta.related_objects:
        if relation.many_to_many:
            linked += list(getattr(obj, relation.get_accessor_name()).all()[:limit])
    return linked


class KeepsLinkedRecordsAdmin:
    """Mixin for a record other register records stand on: it cannot be deleted
    while they do, one at a time or in a batch. The database refuses too (PROTECT
    on the links); this says why before anything is tried."""

    def has_delete_permission(self, request, obj=None):
        if obj is not None and linked_records(obj, limit=1):
            return False
        return super().has_delete_permission(request, obj)

    def _refuse(self, request, objs) -> None:
        names = []
        for obj in objs:
            linked = linked_records(obj, limit=3)
            if linked:
                names.append(f"{obj} (linked to {', '.join(str(record) for record in linked)})")
        if names:
            message = f"Nothing was deleted: other records are linked to {'; '.join(names)}."
            messages.error(request, message)
            raise PermissionDenied(message)

    def delete_model(self, request, obj):
        self._refuse(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._refuse(request, queryset)
        super().delete_queryset(request, queryset)
