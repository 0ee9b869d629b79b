"""The default gateways (DOMAIN.md) and the light touch threshold, as editable data."""

from datetime import date
from decimal import Decimal

from django.db import migrations

GATEWAYS = [
    (0, "Gateway 0", "Options appraisal / commissioning strategy", "analyse", 24),
    (1, "Gateway 1", "Procurement strategy: approval to go to tender", "plan", 18),
    (2, "Gateway 2", "Contract award", "do", 6),
    (3, "Gateway 3", "Variation or extension of a live contract", "review", None),
]


def create_defaults(apps, schema_editor):
    Gateway = apps.get_model("commissioning", "Gateway")
    for number, name, decision, stage, lead_months in GATEWAYS:
        Gateway.objects.get_or_create(
            number=number, defaults={"name": name, "decision": decision, "stage": stage, "lead_months": lead_months}
        )
    Threshold = apps.get_model("commissioning", "ProcurementThreshold")
    Threshold.objects.get_or_create(
        regime="light_touch", applies_from=date(2024, 1, 1), defaults={"amount": Decimal("663540.00")}
    )


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
