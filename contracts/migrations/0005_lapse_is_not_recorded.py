"""A lapse follows from the date, so it is no longer recorded: options stored
as lapsed by the old daily job become available again (on any day after their
deadline they are shown as lapsed, as before; on earlier days, as open). The
old one-day year values are emptied: 0006 replaces them with values per span."""

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


class Migration(migrations.Migration):
    dependencies = [("contracts", "0004_legislation_and_route")]

    operations = [migrations.RunPython(forget_recorded_lapses, migrations.RunPython.noop)]
