"""The default gateways and thresholds (docs/domain.md), shared by the data migration
and by set-up code that needs them in an empty database (such as tests that
flush it). Councils edit the rows afterwards; nothing here overrides them."""

from datetime import date
from decimal import Decimal

GATEWAYS = [
    # number, name, decision, stage, lead months before the required start
    (0, "Gateway 0", "Options appraisal / commissioning strategy", "analyse", 24),
    (1, "Gateway 1", "Procurement strategy: approval to go to tender", "plan", 18),
    (2, "Gateway 2", "Contract award", "do", 6),
    (3, "Gateway 3", "Variation or extension of a live contract", "review", None),
]
LIGHT_TOUCH_THRESHOLDS = [(date(2024, 1, 1), Decimal("663540.00"))]


def create_defaults(gateway_model, threshold_model) -> None:
    """Create the defaults that are missing; rows already there are left alone."""
    for number, name, decision, stage, lead_months in GATEWAYS:
        gateway_model.objects.get_or_create(
            number=number, defaults={"name": name, "decision": decision, "stage": stage, "lead_months": lead_months}
        )
    for applies_from, amount in LIGHT_TOUCH_THRESHOLDS:
        threshold_model.objects.get_or_create(
            regime="light_touch", applies_from=applies_from, defaults={"amount": amount}
        )
