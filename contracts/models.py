"""The contract register.

The arithmetic lives in `contracts.terms` and `contracts.money`; the dates and
values stored here (`initial_end_date` … `whole_life_value`) are copies kept in
step by `contracts.services`, so that lists filter and sort on them in SQL.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from commissioning.dates import DatesInRange
from contracts.terms import OptionStatus

MONEY = {
    "max_digits": 14,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0"), "Enter an amount of £0.00 or more.")],
}


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        ICB = "icb", "Integrated care board"
        NHS_TRUST = "nhs_trust", "NHS trust"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COUNCIL)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contracts:organisation_detail", args=[self.pk])


class Provider(models.Model):
    name = models.CharField(max_length=200, unique=True)
    companies_house_number = models.CharField(
        "Companies House number",
        max_length=8,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9]{8}$",
                "A Companies House number is 8 letters or digits, such as 01234567 or SC123456.",
            )
        ],
    )
    charity_number = models.CharField(
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{6,8}(-[0-9]+)?$", "A charity number is 6 to 8 digits, such as 1064342.")],
    )
    is_sme = models.BooleanField("SME", default=False, help_text="Small or medium-sized enterprise.")
    is_vcse = models.BooleanField("VCSE", default=False, help_text="Voluntary, community or social enterprise.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contracts:provider_detail", args=[self.pk])


class ServiceArea(models.Model):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contract(DatesInRange, models.Model):
    class ContractType(models.TextChoices):
        BLOCK = "block", "Block"
        FRAMEWORK = "framework", "Framework"
        SPOT = "spot", "Spot"
        GRANT = "grant", "Grant"

    class Regime(models.TextChoices):
        LIGHT_TOUCH = "light_touch", "Light touch regime"
        PCR_2015 = "pcr_2015", "Public Contracts Regulations 2015"
        PA_2023 = "pa_2023", "Procurement Act 2023"
        PSR = "psr", "Provider Selection Regime"
        BELOW_THRESHOLD = "below_threshold", "Below threshold"
        WAIVER = "waiver", "Waiver (exempt from tender)"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        LIVE = "live", "Live"
        FINAL_TERM = "final_term", "In final term"
        EXPIRED = "expired", "Expired"

    reference = models.CharField(
        max_length=50,
        unique=True,
        error_messages={"unique": "A contract with this reference already exists."},
    )
    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="contracts")
    contract_type = models.CharField(max_length=20, choices=ContractType.choices, default=ContractType.BLOCK)
    procurement_regime = models.CharField(max_length=20, choices=Regime.choices, default=Regime.LIGHT_TOUCH)
    lead_commissioner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="led_contracts")
    providers = models.ManyToManyField(Provider, related_name="contracts")
    start_date = models.DateField()
    term = models.CharField(max_length=60, help_text="Years, or months with m: 5+2+2, 3+2, 18m+6m.")
    annual_value = models.DecimalField(**MONEY)
    annual_uplift_percent = models.DecimalField(
        "annual uplift (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[
            MinValueValidator(Decimal("0"), "The uplift cannot be negative."),
            MaxValueValidator(Decimal("100"), "The uplift cannot be more than 100%%."),
        ],
        help_text="Inflation uplift, compounding each contract year. 0 for none.",
    )
    approved_value = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="The total value a resolution approved."
    )
    notes = models.TextField(blank=True)

    # Kept in step by contracts.services from the term and the options.
    initial_end_date = models.DateField(editable=False)
    current_end_date = models.DateField(editable=False)
    final_end_date = models.DateField(editable=False)
    next_decision_deadline = models.DateField(null=True, blank=True, editable=False)
    committed_value = models.DecimalField(**MONEY, editable=False)
    whole_life_value = models.DecimalField(**MONEY, editable=False)
    spend_total = models.DecimalField(
        **MONEY, default=Decimal("0"), editable=False, help_text="The spend recorded, all years."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(condition=Q(annual_value__gte=0), name="contract_annual_value_not_negative"),
            models.CheckConstraint(
                condition=Q(approved_value__isnull=True) | Q(approved_value__gte=0),
                name="contract_approved_value_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(annual_uplift_percent__gte=0) & Q(annual_uplift_percent__lte=100),
                name="contract_uplift_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(initial_end_date__gte=F("start_date")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(current_end_date__gte=F("initial_end_date")) & Q(final_end_date__gte=F("current_end_date")),
                name="contract_end_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["current_end_date"]),
            models.Index(fields=["final_end_date"]),
            models.Index(fields=["next_decision_deadline"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:contract_detail", args=[self.pk])


class ContractOption(DatesInRange, models.Model):
    """An option to extend, taken in order after the initial term."""

    Status = models.TextChoices("Status", [(s.value, s.value.capitalize()) for s in OptionStatus])

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    months = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    status = models.CharField(max_length=12, choices=Status.choices, default=OptionStatus.AVAILABLE)
    decided_by = models.CharField(
        max_length=200, blank=True, help_text="Who took the decision, e.g. Chief Officer, Adult Social Care."
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "order"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "order"], name="option_order_unique_per_contract"),
            models.CheckConstraint(condition=Q(months__gte=1), name="option_at_least_one_month"),
            models.CheckConstraint(condition=Q(order__gte=1), name="option_order_from_one"),
        ]

    def __str__(self) -> str:
        return f"Option {self.order} of {self.contract.reference}"


class FundingShare(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="funding_shares")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="funding_shares")
    percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01"), "A share must be more than 0%%."),
            MaxValueValidator(Decimal("100"), "A share cannot be more than 100%%."),
        ],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "-percent", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "organisation"], name="funding_share_unique_organisation"),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="funding_share_percent_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.percent}%"


class SpendRecord(models.Model):
    """Actual spend in one UK financial year (1 April to 31 March)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="spend_records")
    financial_year = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(1990, "Enter a financial year from 1990/91 on."),
            MaxValueValidator(2100, "Enter a financial year before 2100/01."),
        ],
        help_text="The year it starts in: 2024 for 2024/25.",
    )
    amount = models.DecimalField(**MONEY)
    note = models.CharField(max_length=250, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "financial_year"], name="spend_one_record_per_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="spend_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} {self.financial_year}: {self.amount}"


class ContractYearValue(models.Model):
    """The projected value of a contract in one financial year (initial term,
    exercised and open options), kept in step by contracts.services so that
    charts and totals by year are sums in SQL. Derived data: no history."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="year_values")
    financial_year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["contract", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "financial_year"], name="year_value_once_per_year"),
        ]
        indexes = [models.Index(fields=["financial_year"])]
