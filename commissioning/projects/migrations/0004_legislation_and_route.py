"""Split a project's single `procurement_regime` into `legislation` and `route`,
as the register's contracts do (contracts 0004). A light touch or below-threshold
project gets a blank legislation: its law follows the day its procurement starts.
"""

from django.db import migrations, models

from contracts.regime import join_regime, split_regime

LEGISLATION_CHOICES = [
    ("pcr_2015", "Public Contracts Regulations 2015"),
    ("pa_2023", "Procurement Act 2023"),
    ("psr", "Provider Selection Regime"),
    ("none", "None (not a regulated procurement)"),
]
ROUTE_CHOICES = [
    ("open_tender", "Open or competitive tender"),
    ("light_touch", "Light touch"),
    ("direct_award", "Direct award"),
    ("call_off", "Call-off from a framework or dynamic market"),
    ("below_threshold", "Below threshold"),
    ("waiver", "Waiver / exemption"),
]
MODELS = ("CommissioningProject", "HistoricalCommissioningProject")


def split(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("commissioning", name)
        rows = list(model.objects.only("pk", "procurement_regime"))
        for row in rows:
            row.legislation, row.route = split_regime(row.procurement_regime, start_date=None)
        model.objects.bulk_update(rows, ["legislation", "route"], batch_size=500)


def join(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("commissioning", name)
        rows = list(model.objects.only("pk", "legislation", "route"))
        for row in rows:
            row.procurement_regime = join_regime(row.legislation, row.route)
        model.objects.bulk_update(rows, ["procurement_regime"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0003_calendar_feeds_and_reminders"),
        ("contracts", "0004_legislation_and_route"),
    ]

    operations = [
        migrations.AddField(
            model_name="commissioningproject",
            name="legislation",
            field=models.CharField(blank=True, choices=LEGISLATION_CHOICES, default="", max_length=20),
        ),
        migrations.AddField(
            model_name="commissioningproject",
            name="route",
            field=models.CharField(choices=ROUTE_CHOICES, default="light_touch", max_length=20),
        ),
        migrations.AddField(
            model_name="historicalcommissioningproject",
            name="legislation",
            field=models.CharField(blank=True, choices=LEGISLATION_CHOICES, default="", max_length=20),
        ),
        migrations.AddField(
            model_name="historicalcommissioningproject",
            name="route",
            field=models.CharField(choices=ROUTE_CHOICES, default="light_touch", max_length=20),
        ),
        migrations.RunPython(split, join),
        migrations.RemoveField(model_name="commissioningproject", name="procurement_regime"),
        migrations.RemoveField(model_name="historicalcommissioningproject", name="procurement_regime"),
    ]
