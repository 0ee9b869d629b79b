"""A lapse follows from the date, so it is no longer recorded: options stored
as lapsed by the old daily job become available again (on any day after their
deadline they are shown as lapsed, as before; on earlier days, as open). The
old one-day year values are emptied: 0006 replaces them with values per span.

Decisions now count from their date, so the dates must read in order: the old
service checked an option against the day it was recorded, not the day it was
decided, and could store option 2 decided before option 1. Such a date is moved
to the earlier option's (never before the start), with the original kept in
the note, so that on every day the options stand in order."""

from django.db import migrations

_AUTOMATIC_NOTE = "Lapsed: not decided by the end of the period before it"


def forget_recorded_lapses(apps, schema_editor):
    ContractOption = apps.get_model("contracts", "ContractOption")
    for option in ContractOption.objects.filter(status="lapsed"):
        option.status = "available"
        if option.decision_note.startswith(_AUTOMATIC_NOTE):
            option.decision_note = ""
        option.save(update_fields=["status", "decision_note"])
    apps.get_model("contracts", "ContractYearValue").objects.all().delete()
    Contract = apps.get_model("contracts", "Contract")
    for contract in Contract.objects.prefetch_related("options").iterator(chunk_size=500):
        latest = None
        for option in sorted(contract.options.all(), key=lambda o: o.order):
            if option.status not in ("exercised", "declined"):
                continue
            wanted = option.decided_on
            if wanted is not None and wanted < contract.start_date:
                wanted = contract.start_date
            if latest is not None and (wanted is None or wanted < latest):
                wanted = latest
            if wanted != option.decided_on:
                was = option.decided_on.strftime("%d %b %Y") if option.decided_on else "no date"
                option.decision_note = (
                    option.decision_note + f" (Recorded as decided on {was}; "
                    "moved to keep the options in order.)"
                ).strip()
                option.decided_on = wanted
                option.save(update_fields=["decided_on", "decision_note"])
            latest = option.decided_on if option.decided_on is not None else latest


class Migration(migrations.Migration):
    dependencies = [("contracts", "0004_legislation_and_route")]

    operations = [migrations.RunPython(forget_recorded_lapses, migrations.RunPython.noop)]
