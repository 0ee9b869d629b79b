"""Split the single `procurement_regime` into `legislation` and `route`.

Adds the two fields, fills them from the old value with `contracts.regime.split_regime`
(the history rows too, so the audit trail reads in the new terms), then removes the old field.
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
OLD_CHOICES = [
    ("light_touch", "Light touch regime"),
    ("pcr_2015", "Public Contracts Regulations 2015"),
    ("pa_2023", "Procurement Act 2023"),
    ("psr", "Provider Selection Regime"),
    ("below_threshold", "Below threshold"),
    ("waiver", "Waiver (exempt from tender)"),
]
MODELS = ("Contract", "HistoricalContract")


def split(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("contracts", name)
        rows = list(model.objects.only("pk", "procurement_regime", "start_date"))
        for row in rows:
            row.legislation, row.route = split_regime(row.procurement_regime, start_date=row.start_date)
        model.objects.bulk_update(rows, ["legislation", "route"], batch_size=500)


def join(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("contracts", name)
        rows = list(model.objects.only("pk", "legislation", "route"))
        for row in rows:
            row.procurement_regime = join_regime(row.legislation, row.route)
        model.objects.bulk_update(rows, ["procurement_regime"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0003_contract_spend_total"),
    ]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="legislation",
            field=models.CharField(choices=LEGISLATION_CHOICES, default="pa_2023", max_length=20),
        ),
        migrations.AddField(
            model_name="contract",
            name="route",
            field=models.CharField(choices=ROUTE_CHOICES, default="light_touch", max_length=20),
        ),
        migrations.AddField(
            model_name="historicalcontract",
            name="legislation",
            field=models.CharField(choices=LEGISLATION_CHOICES, default="pa_2023", max_length=20),
        ),
        migrations.AddField(
            model_name="historicalcontract",
            name="route",
            field=models.CharField(choices=ROUTE_CHOICES, default="light_touch", max_length=20),
        ),
        migrations.RunPython(split, join),
        migrations.RemoveField(model_name="contract", name="procurement_regime"),
        migrations.RemoveField(model_name="historicalcontract", name="procurement_regime"),
    ]
