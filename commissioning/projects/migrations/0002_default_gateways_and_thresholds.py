"""The default gateways (docs/domain.md) and the light touch threshold, as editable data."""

from django.db import migrations

from commissioning.projects.defaults import create_defaults


def forwards(apps, schema_editor):
    create_defaults(apps.get_model("commissioning", "Gateway"), apps.get_model("commissioning", "ProcurementThreshold"))


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
