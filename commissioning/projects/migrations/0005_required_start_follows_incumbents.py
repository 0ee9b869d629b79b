"""A project's required start is stored only when set by hand; otherwise it is
worked out for each day from the incumbents' figures, so it can no longer drift
from them. The copies worked out earlier are cleared; 0006 drops the flag."""

from django.db import migrations, models


def clear_worked_out_starts(apps, schema_editor):
    Project = apps.get_model("commissioning", "CommissioningProject")
    Project.objects.filter(required_start_set_by_hand=False).update(required_start_date=None)


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0004_legislation_and_route"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="commissioningproject",
            options={"ordering": ["title"]},
        ),
        migrations.AlterField(
            model_name="commissioningproject",
            name="required_start_date",
            field=models.DateField(
                blank=True,
                help_text="The day the new service must start, when it is not the day after the incumbents' latest final end.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="historicalcommissioningproject",
            name="required_start_date",
            field=models.DateField(
                blank=True,
                help_text="The day the new service must start, when it is not the day after the incumbents' latest final end.",
                null=True,
            ),
        ),
        migrations.RunPython(clear_worked_out_starts, migrations.RunPython.noop),
    ]
