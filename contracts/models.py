"""The contract register.

Contracts, options, funding shares and spend are facts. Every figure comes
from `contracts.figures.contract_figures`; `ContractFigures` and
`ContractYearValue` keep what lists filter and sort on in SQL, for every span
of days, written only by `contracts.services` through `figure_spans`.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from commissioning.core.dates import DatesInRange
from contracts import changes, performance, regime

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
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save of its edit form; a form read at an older one is refused.",
    )

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
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save of its edit form; a form read at an older one is refused.",
    )

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

    class Legislation(models.TextChoices):
        """The law the contract was procured under; it keeps it until it ends."""

        PCR_2015 = regime.PCR_2015, regime.LEGISLATION_LABELS[regime.PCR_2015]
        PA_2023 = regime.PA_2023, regime.LEGISLATION_LABELS[regime.PA_2023]
        PSR = regime.PSR, regime.LEGISLATION_LABELS[regime.PSR]
        NONE = regime.NONE, regime.LEGISLATION_LABELS[regime.NONE]

    class Route(models.TextChoices):
        OPEN_TENDER = regime.OPEN_TENDER, regime.ROUTE_LABELS[regime.OPEN_TENDER]
        LIGHT_TOUCH = regime.LIGHT_TOUCH, regime.ROUTE_LABELS[regime.LIGHT_TOUCH]
        DIRECT_AWARD = regime.DIRECT_AWARD, regime.ROUTE_LABELS[regime.DIRECT_AWARD]
        CALL_OFF = regime.CALL_OFF, regime.ROUTE_LABELS[regime.CALL_OFF]
        BELOW_THRESHOLD = regime.BELOW_THRESHOLD, regime.ROUTE_LABELS[regime.BELOW_THRESHOLD]
        WAIVER = regime.WAIVER, regime.ROUTE_LABELS[regime.WAIVER]

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
    # New procurements fall under the Procurement Act 2023; most adult social care is light touch.
    legislation = models.CharField(max_length=20, choices=Legislation.choices, default=Legislation.PA_2023)
    route = models.CharField(max_length=20, choices=Route.choices, default=Route.LIGHT_TOUCH)
    lead_commissioner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="led_contracts")
    providers = models.ManyToManyField(Provider, related_name="contracts")
    directorate = models.CharField(
        "directorate or service responsible",
        max_length=200,
        blank=True,
        help_text="As the council's register names it.",
    )
    procurement_classification = models.CharField(max_length=200, blank=True)
    # A register may not know the start, the end or the value: such a contract is
    # kept, shown with what is missing, and left out of the figures that need it.
    start_date = models.DateField(null=True, blank=True)
    term = models.CharField(max_length=60, blank=True, help_text="Years, or months with m: 5+2+2, 3+2, 18m+6m.")
    end_date = models.DateField(
        "end date of the initial term",
        null=True,
        blank=True,
        help_text="The last day of the initial term when the contract gives it; blank to count it from the term.",
    )
    review_date = models.DateField(null=True, blank=True)
    annual_value = models.DecimalField(**MONEY, null=True, blank=True)
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

    # Does not depend on the day: kept by contracts.services with the spans below.
    initial_end_date = models.DateField(null=True, editable=False)

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save of its edit form; a form read at an older one is refused.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_value__isnull=True) | Q(annual_value__gte=0),
                name="contract_annual_value_not_negative",
            ),
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
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="contract_end_date_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:contract_detail", args=[self.pk])


class ContractOption(DatesInRange, models.Model):
    """An option to extend, taken in order after the initial term."""

    class Status(models.TextChoices):
        # Only decisions are recorded; a lapse follows from the date (contracts.terms).
        AVAILABLE = "available", "Available"
        EXERCISED = "exercised", "Exercised"
        DECLINED = "declined", "Declined"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    # An option runs for a number of months, or to a day the contract gives.
    months = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    end_date = models.DateField(null=True, blank=True, help_text="The option's last day, when given as a date.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.AVAILABLE)
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
            models.CheckConstraint(
                condition=Q(months__isnull=False) | Q(end_date__isnull=False), name="option_months_or_end_date"
            ),
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


# The kinds of notice a contract owes once, and those it owes once for each day one falls
# due (kept in `NoticePublication.period_end`); the council's is once for each half-year.
NOTICES_ONCE_PER_CONTRACT = ("contract_details", "termination")
NOTICES_PER_CONTRACT_PERIOD = ("performance",)
# The kinds of notice owed once for each change of a contract (kept in `NoticePublication.change`).
NOTICES_PER_CHANGE = ("change",)


class NoticePublication(DatesInRange, models.Model):
    """A Procurement Act 2023 notice recorded as published: a contract's contract
    details (UK7) or termination (UK11) notice, once each; its contract performance
    notices (UK9), one for each day one fell due; its contract change notices (UK10),
    one for each change that owes one (`change`); or the council's payments
    compliance notice (UK17) for a half-year. When each falls due is a rule of
    `contracts.procurement`; this records the fact that it was published."""

    class Kind(models.TextChoices):
        CONTRACT_DETAILS = "contract_details", "Contract details notice (UK7)"
        PERFORMANCE = "performance", "Contract performance notice (UK9)"
        CHANGE = "change", "Contract change notice (UK10)"
        TERMINATION = "termination", "Contract termination notice (UK11)"
        PAYMENTS_COMPLIANCE = "payments_compliance", "Payments compliance notice (UK17)"

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="notice_publications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # For a contract change notice, the change it announces (of `contract`). A change
    # whose notice is recorded cannot be deleted: another change undoes it.
    change = models.ForeignKey(
        "ContractChange", on_delete=models.PROTECT, null=True, blank=True, related_name="notice_publications"
    )
    # The period the notice answers for, by its last day: the payments compliance notice's
    # half-year (31 Mar or 30 Sep); for a performance notice, the day it fell due.
    period_end = models.DateField(null=True, blank=True)
    published_on = models.DateField()
    identifier = models.CharField(
        max_length=100, help_text="The notice's identifier on the central digital platform, e.g. 2025/S 000-012345."
    )
    url = models.URLField(blank=True, help_text="Where the notice can be read.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["published_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind"],
                condition=Q(kind__in=NOTICES_ONCE_PER_CONTRACT),
                name="notice_once_per_contract",
            ),
            models.UniqueConstraint(
                fields=["contract", "kind", "period_end"],
                condition=Q(kind__in=NOTICES_PER_CONTRACT_PERIOD),
                name="notice_once_per_contract_period",
            ),
            models.UniqueConstraint(
                fields=["kind", "period_end"], condition=Q(contract__isnull=True), name="notice_once_per_period"
            ),
            models.UniqueConstraint(
                fields=["change"], condition=Q(kind__in=NOTICES_PER_CHANGE), name="notice_once_per_change"
            ),
            # The council's notice is for a half-year and names no contract; a performance
            # notice names its contract and the day it fell due; a change notice its contract
            # and the change; the others their contract only. Only a change notice names a change.
            models.CheckConstraint(
                condition=Q(kind="payments_compliance", contract__isnull=True, period_end__isnull=False)
                | Q(kind__in=NOTICES_PER_CONTRACT_PERIOD, contract__isnull=False, period_end__isnull=False)
                | Q(kind__in=NOTICES_ONCE_PER_CONTRACT, contract__isnull=False, period_end__isnull=True)
                | Q(kind__in=NOTICES_PER_CHANGE, contract__isnull=False, period_end__isnull=True),
                name="notice_names_its_contract_or_period",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NOTICES_PER_CHANGE, change__isnull=False)
                | (~Q(kind__in=NOTICES_PER_CHANGE) & Q(change__isnull=True)),
                name="notice_names_its_change",
            ),
        ]

    def __str__(self) -> str:
        whose = self.contract.reference if self.contract_id else f"half-year to {self.period_end:%d %b %Y}"
        if self.kind == self.Kind.PERFORMANCE:
            whose += f", due {self.period_end:%d %b %Y}"
        if self.kind == self.Kind.CHANGE and self.change_id:
            whose += f", change from {self.change.effective_on:%d %b %Y}"
        return f"{self.get_kind_display()}, {whose}: {self.identifier}"


class ContractFigures(models.Model):
    """A contract's figures over days ``valid_from`` to ``valid_to``: a cache of
    ``contracts.figures.figure_spans``, so lists "as of" any day filter and sort
    in SQL. Written only by ``contracts.services``; derived data, no history."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="figures")
    valid_from = models.DateField()
    valid_to = models.DateField()
    current_end_date = models.DateField()
    final_end_date = models.DateField()
    next_option = models.PositiveSmallIntegerField(null=True)
    next_decision_deadline = models.DateField(null=True)
    options_exercised = models.PositiveSmallIntegerField()
    # Unknown when the register does not know the value.
    committed_value = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    whole_life_value = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    # The annual value with the changes in effect on these days (`Figures.annual_value`).
    annual_value = models.DecimalField(max_digits=14, decimal_places=2, null=True)

    class Meta:
        ordering = ["contract", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "valid_from"], name="figures_one_span_per_start"),
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="figures_span_in_order"),
            models.CheckConstraint(
                condition=Q(final_end_date__gte=F("current_end_date")), name="figures_end_dates_in_order"
            ),
        ]
        indexes = [
            models.Index(fields=["valid_from", "valid_to"]),
            models.Index(fields=["current_end_date"]),
            models.Index(fields=["next_decision_deadline"]),
        ]


class ContractYearValue(models.Model):
    """The projected value in one financial year of what a span's whole-life
    value covers, so totals by year "as of" any day are sums in SQL."""

    figures = models.ForeignKey(ContractFigures, on_delete=models.CASCADE, related_name="year_values")
    financial_year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["figures", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["figures", "financial_year"], name="year_value_once_per_span"),
        ]
        indexes = [models.Index(fields=["financial_year"])]


class RegisterImport(DatesInRange, models.Model):
    """One upload of a council's register: the file as uploaded, how its columns
    were read, every row's outcome, and what the import saved. Kept as the
    record of who brought what into the register, and when."""

    class Status(models.TextChoices):
        READING = "reading", "Being read"
        PREVIEW = "preview", "Previewed, not confirmed"
        QUEUED = "queued", "Waiting to run"
        RUNNING = "running", "Running"
        DONE = "done", "Imported"
        REFUSED = "refused", "Nothing saved: rows were rejected"
        FAILED = "failed", "Failed"

    class ValueBasis(models.TextChoices):
        WHOLE = "whole", "Whole-contract value"
        ANNUAL = "annual", "Annual value"

    uploaded_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="register_imports")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    data = models.BinaryField(editable=False)
    encoding = models.CharField(max_length=40, blank=True, help_text="Blank for a spreadsheet (XLSX).")
    as_at = models.DateField(
        "register as at", null=True, blank=True, help_text="The day the register describes (its effective date)."
    )
    as_at_read = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The day the import judges the register on: as at, else its Effective Date.",
    )
    value_basis = models.CharField(max_length=10, choices=ValueBasis.choices, default=ValueBasis.WHOLE)
    lead_commissioner = models.CharField(
        max_length=200,
        blank=True,
        help_text="The organisation for rows that name none: the council whose register it is.",
    )
    skip_rejected = models.BooleanField(default=False)
    problems = models.JSONField(
        default=list, blank=True, help_text="What stops the whole file being imported, as its columns are read."
    )
    mapping = models.JSONField(
        default=dict, blank=True, help_text="Each header of the file, and the field it is read into."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    counts = models.JSONField(default=dict, blank=True)
    report = models.JSONField(
        default=list, blank=True, help_text="Every row's outcome: line, reference, outcome, messages."
    )
    error = models.TextField(blank=True)
    confirmed_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="confirmed_register_imports"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%d %b %Y %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("contracts:import_detail", args=[self.pk])


class ColumnMapping(models.Model):
    """A header an officer matched by hand, remembered for next quarter's file.
    `header` is normalised (case, spacing and punctuation ignored); a blank
    `field` means the column is ignored."""

    header = models.CharField(max_length=200, unique=True)
    field = models.CharField(max_length=40, blank=True)
    updated_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["header"]

    def __str__(self) -> str:
        return f"{self.header} → {self.field or '(ignored)'}"


class Kpi(models.Model):
    """A key performance indicator set for a contract (Procurement Act 2023 s52
    for contracts worth more than £5m; set by choice on others)."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", performance.FREQUENCY_LABELS["monthly"]
        QUARTERLY = "quarterly", performance.FREQUENCY_LABELS["quarterly"]
        SIX_MONTHLY = "six_monthly", performance.FREQUENCY_LABELS["six_monthly"]
        YEARLY = "yearly", performance.FREQUENCY_LABELS["yearly"]

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=200)
    measure = models.TextField("what is measured", help_text="What is counted, and how.")
    target = models.CharField(max_length=200, help_text="For example: 95% of visits on time.")
    frequency = models.CharField(
        "how often it is assessed", max_length=12, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    evidence_source = models.CharField(
        "source of the evidence",
        max_length=200,
        help_text="Where the figures come from, for example: the provider's monthly monitoring return.",
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save of its edit form; a form read at an older one is refused.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"
        ordering = ["contract", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "name"], name="kpi_name_unique_per_contract"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.contract.reference})"

    def get_absolute_url(self) -> str:
        return reverse("contracts:contract_detail", args=[self.contract_id]) + "#performance"


class KpiAssessment(DatesInRange, models.Model):
    """One period's assessment of a KPI, on the statutory rating scale."""

    class Rating(models.TextChoices):
        GOOD = performance.GOOD, performance.RATING_LABELS[performance.GOOD]
        APPROACHING = performance.APPROACHING, performance.RATING_LABELS[performance.APPROACHING]
        REQUIRES_IMPROVEMENT = (
            performance.REQUIRES_IMPROVEMENT,
            performance.RATING_LABELS[performance.REQUIRES_IMPROVEMENT],
        )
        INADEQUATE = performance.INADEQUATE, performance.RATING_LABELS[performance.INADEQUATE]
        OTHER = performance.OTHER, performance.RATING_LABELS[performance.OTHER]

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="assessments")
    period_start = models.DateField("first day of the period")
    period_end = models.DateField("last day of the period")
    rating = models.CharField(max_length=24, choices=Rating.choices)
    figures = models.TextField(blank=True, help_text="The figures behind the rating, for example: 93% on time.")
    note = models.TextField(blank=True)
    assessed_on = models.DateField("assessed on", help_text="The day the assessment was made.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "period_end", "period_start", "assessed_on"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period_start", "period_end"], name="kpi_assessment_one_per_period"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="kpi_assessment_period_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(assessed_on__gte=F("period_end")), name="kpi_assessment_after_period_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi.name}, {self.period_start} to {self.period_end}: {self.get_rating_display()}"

    def clean(self) -> None:
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = "The period cannot end before it starts."
        elif self.period_end and self.assessed_on and self.assessed_on < self.period_end:
            errors["assessed_on"] = "A period is assessed once it has ended: enter a day on or after its last day."
        if errors:
            raise ValidationError(errors)


class FeeUplift(DatesInRange, models.Model):
    """An annual fee uplift: one decision applying a percentage to many contracts
    from one day (National Living Wage, CPI). Its contracts' changes
    (`ContractChange.uplift`) carry the money; it is reversible until it takes effect."""

    class Basis(models.TextChoices):
        NATIONAL_LIVING_WAGE = "national_living_wage", "National Living Wage"
        CPI = "cpi", "Consumer Prices Index (CPI)"
        OTHER = "other", "Other"

    title = models.CharField(max_length=200, help_text="For example: Care fee uplift 2027/28.")
    basis = models.CharField(max_length=24, choices=Basis.choices, default=Basis.NATIONAL_LIVING_WAGE)
    percent = models.DecimalField(
        "uplift (%)",
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01"), "Enter an uplift of more than 0%%."),
            MaxValueValidator(Decimal("100"), "The uplift cannot be more than 100%%."),
        ],
    )
    effective_on = models.DateField("takes effect on")
    selection = models.TextField(blank=True, help_text="Which contracts it was applied to, in words.")
    # The money as worked out when it was decided (`services.UpliftPlan`), kept after a reversal
    # takes its changes away: how many contracts, what it adds a year and over their lives, and
    # by funder and financial year as {"years": [2027, ...], "funders": [[name, {"2027": "1.00"}], ...]}.
    contract_count = models.PositiveIntegerField(default=0, editable=False)
    annual_change = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"), editable=False)
    whole_life_change = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"), editable=False)
    money = models.JSONField(default=dict, blank=True, editable=False)
    reversed_on = models.DateField(null=True, blank=True)
    reversal_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-effective_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__gt=0) & Q(percent__lte=100), name="fee_uplift_percent_range"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.percent.normalize():f}% from {self.effective_on:%d %b %Y})"


class ContractChange(DatesInRange, models.Model):
    """A change to a contract (a modification or variation): what changed, by how
    much, from when and on which legal ground (`contracts.changes.GROUNDS`). The
    decision that authorised it is linked from the committees' record
    (`committees.ContractLink.change`). An option exercised is a change provided
    for in the contract too, but its fact is the option's decision: the list of a
    contract's changes shows it from there (`selectors.contract_changes`), never
    from a copy here."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="changes")
    effective_on = models.DateField("takes effect on")
    annual_value_change = models.DecimalField(
        "change to the annual value (£ a year)",
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text="Added from the day it takes effect; negative to reduce it.",
    )
    one_off_value_change = models.DecimalField(
        "one-off change to the value (£)",
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text="Paid (or, negative, credited) once, in full, on the day it takes effect.",
    )
    term_change_months = models.SmallIntegerField(
        "change to the term (months)",
        default=0,
        help_text="Months added to the period the contract is in; negative to shorten it.",
    )
    scope_change = models.TextField("change to the scope", blank=True)
    new_supplier = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes_taken_on",
        help_text="The supplier taking the contract on, for a change of supplier.",
    )
    ground = models.CharField("legal ground", max_length=30, choices=[(g.code, g.label) for g in changes.GROUNDS])
    description = models.TextField("what changed and why")
    override_reason = models.TextField(
        blank=True, help_text="Why the change stands although it goes beyond its ground's limits."
    )
    uplift = models.ForeignKey(FeeUplift, on_delete=models.PROTECT, null=True, blank=True, related_name="changes")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["contract", "effective_on", "pk"]
        indexes = [models.Index(fields=["effective_on"])]
        constraints = [
            models.UniqueConstraint(fields=["contract", "uplift"], name="one_change_per_contract_per_uplift"),
            models.CheckConstraint(
                condition=Q(term_change_months__gte=-1200) & Q(term_change_months__lte=1200),
                name="change_term_within_a_century",
            ),
        ]

    def __str__(self) -> str:
        return f"Change to {self.contract.reference} from {self.effective_on:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:contract_detail", args=[self.contract_id]) + "#changes"

    @property
    def fact(self) -> changes.Change:
        """The change as the figures count it (`contracts.changes.Change`)."""
        return changes.Change(
            self.effective_on,
            annual_value_change=self.annual_value_change,
            term_change_months=self.term_change_months,
            one_off_value_change=self.one_off_value_change,
        )

    @property
    def has_figures(self) -> bool:
        """Whether it changes the value or the term (`contracts.changes.Change.has_figures`)."""
        return self.fact.has_figures

    @property
    def what_changed(self) -> list[str]:
        """ "value", "term", "scope", "supplier": what this change changes."""
        what = []
        if self.annual_value_change or self.one_off_value_change:
            what.append("value")
        if self.term_change_months:
            what.append("term")
        if self.scope_change.strip():
            what.append("scope")
        if self.new_supplier_id:
            what.append("supplier")
        return what

    @property
    def ground_label(self) -> str:
        ground = changes.GROUND_BY_CODE.get(self.ground)
        return ground.label if ground else self.ground


class MonitoringRecord(DatesInRange, models.Model):
    """A monitoring visit to a contract's service, or a contract monitoring report
    on it: what was found, and who found it. The committee reports that considered
    it link to it from the committees layer (`committees.models.Report.monitoring_records`)."""

    class Kind(models.TextChoices):
        VISIT = "visit", "Monitoring visit"
        REPORT = "report", "Contract monitoring report"

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="monitoring_records")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    held_on = models.DateField("date", help_text="The day of the visit, or of the report.")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="What was looked at.")
    findings = models.TextField(blank=True, help_text="What was found, and what is to be done.")
    carried_out_by = models.CharField(
        "by whom", max_length=200, help_text="Who visited or wrote the report, e.g. Contract Compliance Officer."
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save of its edit form; a form read at an older one is refused.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "-held_on", "-pk"]
        indexes = [models.Index(fields=["contract", "held_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%d %b %Y}: {self.title} ({self.contract.reference})"

    def get_absolute_url(self) -> str:
        return reverse("contracts:contract_detail", args=[self.contract_id]) + f"#monitoring-{self.pk}"
