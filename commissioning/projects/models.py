"""Commissioning projects: replacing contracts before they run out.

A project plans backwards from the day its new service must start to the
gateway decisions it needs (`commissioning.projects.gateways`), and records the
decisions that passed them. Gateways, approval routes, required steps and
procurement thresholds are data a council edits in the admin.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from commissioning.core.dates import DatesInRange
from committees.models import Committee, OfficerDecision, ResolutionPart
from contracts.models import MONEY, Contract, Organisation, ServiceArea
from contracts.procurement import Threshold


class Gateway(models.Model):
    class Stage(models.TextChoices):
        ANALYSE = "analyse", "Analyse"
        PLAN = "plan", "Plan"
        DO = "do", "Do"
        REVIEW = "review", "Review"

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=100)
    decision = models.CharField(
        max_length=200, help_text="What is decided, e.g. procurement strategy: approval to tender."
    )
    stage = models.CharField(max_length=10, choices=Stage.choices)
    lead_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Months before the new service's required start that this gateway is due. Empty: not back-planned.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from commissioning.projects.gateways import GatewayRule, check_lead_times

        others = [GatewayRule(g.number, g.name, g.lead_months) for g in Gateway.objects.exclude(pk=self.pk)]
        try:
            check_lead_times(
                [*others, GatewayRule(self.number, self.name or f"Gateway {self.number}", self.lead_months)]
            )
        except ValueError as error:
            raise ValidationError({"lead_months": str(error)}) from None


class CommissioningProject(DatesInRange, models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=250)
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="projects")
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_projects"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    incumbent_contracts = models.ManyToManyField(Contract, blank=True, related_name="replacing_projects")
    successor_contracts = models.ManyToManyField(Contract, blank=True, related_name="source_projects")
    # Set by hand only. Empty: the day after the incumbents' latest final end,
    # worked out for each day from their figures (commissioning.selectors).
    required_start_date = models.DateField(
        null=True,
        blank=True,
        help_text="The day the new service must start, when it is not the day after the incumbents' latest final end.",
    )
    estimated_annual_value = models.DecimalField(**MONEY, null=True, blank=True)
    estimated_term = models.CharField(max_length=60, blank=True, help_text="Such as 5+2+2.")
    # Blank: the law follows the day the procurement starts (PCR 2015 before 24 Feb 2025, then the Act).
    legislation = models.CharField(max_length=20, choices=Contract.Legislation.choices, blank=True, default="")
    route = models.CharField(max_length=20, choices=Contract.Route.choices, default=Contract.Route.LIGHT_TOUCH)
    contract_type = models.CharField(
        max_length=20, choices=Contract.ContractType.choices, default=Contract.ContractType.BLOCK
    )
    baseline_annual_cost = models.DecimalField(**MONEY, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The financial year the baseline comes from: 2018 for 2018/19."
    )
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save of its edit form; a form read at an older one is refused.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("commissioning:project_detail", args=[self.pk])


class AppraisedOption(models.Model):
    """An option appraised for the future service, recommended or rejected and why."""

    class Outcome(models.TextChoices):
        RECOMMENDED = "recommended", "Recommended"
        REJECTED = "rejected", "Rejected"
        CONSIDERED = "considered", "Considered"

    project = models.ForeignKey(CommissioningProject, on_delete=models.CASCADE, related_name="appraised_options")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(max_length=300)
    pros = models.TextField(blank=True)
    cons = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.CONSIDERED)
    reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "position", "pk"]

    def __str__(self) -> str:
        return self.description


class ProjectFundingShare(models.Model):
    project = models.ForeignKey(CommissioningProject, on_delete=models.CASCADE, related_name="funding_shares")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="project_shares")
    percent = models.DecimalField(max_digits=5, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "-percent"]
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="project_share_unique_organisation"),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="project_share_percent_0_to_100"
            ),
        ]


class GatewayDecision(DatesInRange, models.Model):
    """The decision that passed a project's gateway: a resolution part or an officer decision."""

    project = models.ForeignKey(CommissioningProject, on_delete=models.CASCADE, related_name="gateway_decisions")
    gateway = models.ForeignKey(Gateway, on_delete=models.PROTECT, related_name="decisions")
    resolution_part = models.ForeignKey(
        ResolutionPart, on_delete=models.PROTECT, null=True, blank=True, related_name="gateway_decisions"
    )
    officer_decision = models.ForeignKey(
        OfficerDecision, on_delete=models.PROTECT, null=True, blank=True, related_name="gateway_decisions"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "gateway__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "gateway"],
                name="gateway_passed_once_per_project",
                violation_error_message="This project has already passed this gateway.",
            ),
            models.CheckConstraint(
                condition=(Q(resolution_part__isnull=False) & Q(officer_decision__isnull=True))
                | (Q(resolution_part__isnull=True) & Q(officer_decision__isnull=False)),
                name="gateway_decision_has_one_decision",
                violation_error_message="A gateway is passed by a resolution part or an officer decision.",
            ),
        ]

    @property
    def decision(self):
        return self.resolution_part or self.officer_decision

    @property
    def passed_on(self) -> date:
        """The day of the decision: its meeting's, or the officer's. Never a copy, so
        it follows a meeting that moves. Load the decision with select_related."""
        if self.officer_decision is not None:
            return self.officer_decision.decided_on
        return self.resolution_part.item.meeting.date


class ApprovalRoute(models.Model):
    """Who decides a gateway for a value band, such as the Executive above £1m."""

    gateway = models.ForeignKey(Gateway, on_delete=models.CASCADE, null=True, blank=True, related_name="routes")
    min_value = models.DecimalField(**MONEY, default=Decimal("0"), help_text="From this whole-life value (inclusive).")
    max_value = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="Up to this value (exclusive). Empty: no limit."
    )
    decision_maker = models.CharField(
        max_length=200, help_text="Such as the Executive, a Portfolio Holder, a Chief Officer."
    )
    committee_kind = models.CharField(max_length=20, choices=Committee.Kind.choices, blank=True)

    class Meta:
        ordering = ["gateway__number", "min_value"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_value__isnull=True) | Q(max_value__gt=models.F("min_value")),
                name="route_band_in_order",
                violation_error_message="The top of a value band must be above its bottom.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.gateway or 'Any gateway'}: {self.decision_maker}"


class RequiredStep(models.Model):
    """A local rule as data: above a value, before a gateway, a step must be taken.

    Bradford Standing Order 4.7.1: contracts over £2m are reported to the
    Overview and Scrutiny Committee before inviting tenders (before Gateway 1).
    Key decisions above £500k need a forward-plan notice 28 clear days before.
    """

    class Kind(models.TextChoices):
        SCRUTINY_REPORT = "scrutiny_report", "Report to a scrutiny committee"
        FORWARD_PLAN_NOTICE = "forward_plan_notice", "Forward-plan (key decision) notice"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    source = models.CharField(max_length=200, blank=True, help_text="Such as Standing Order 4.7.1.")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    above_value = models.DecimalField(**MONEY, help_text="Applies to projects worth more than this (whole life).")
    before_gateway = models.ForeignKey(Gateway, on_delete=models.PROTECT, related_name="required_steps")
    days_before = models.PositiveSmallIntegerField(
        default=0, help_text="Clear days before the gateway's decision the step must be done."
    )
    council = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="required_steps",
        help_text="The council whose rule this is. Empty: every council.",
    )

    class Meta:
        ordering = ["before_gateway__number", "name"]

    def __str__(self) -> str:
        return self.name


class ProjectStep(DatesInRange, models.Model):
    """A required step a project has taken, with the decision that took it."""

    project = models.ForeignKey(CommissioningProject, on_delete=models.CASCADE, related_name="steps")
    rule = models.ForeignKey(RequiredStep, on_delete=models.PROTECT, related_name="project_steps")
    resolution_part = models.ForeignKey(
        ResolutionPart, on_delete=models.PROTECT, null=True, blank=True, related_name="project_steps"
    )
    done_on = models.DateField()
    note = models.CharField(max_length=250, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "rule"], name="project_step_once")]


class ProcurementThreshold(DatesInRange, models.Model):
    class Regime(models.TextChoices):
        LIGHT_TOUCH = "light_touch", "Light touch regime"

    regime = models.CharField(max_length=20, choices=Regime.choices, default=Regime.LIGHT_TOUCH)
    amount = models.DecimalField(**MONEY, help_text="Including VAT.")
    applies_from = models.DateField()

    class Meta:
        ordering = ["regime", "-applies_from"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "applies_from"], name="threshold_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_regime_display()} from {self.applies_from:%d %b %Y}: £{self.amount:,.2f}"

    @classmethod
    def as_rules(cls) -> list:
        """The thresholds stored, as `contracts.procurement.Threshold` for its rules (one query)."""
        return [Threshold(t.amount, t.applies_from) for t in cls.objects.all()]


class Waiver(DatesInRange, models.Model):
    """An exemption from tender: why, for how long, and who approved it."""

    service = models.CharField(max_length=250, help_text="The service exempted from tender.")
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="waivers")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="waivers")
    reason = models.TextField()
    start_date = models.DateField()
    term = models.CharField(max_length=60, help_text="Initial period and optional extension, such as 18m+6m.")
    value = models.DecimalField(**MONEY)
    approver = models.CharField(max_length=200)
    resolution_part = models.ForeignKey(
        ResolutionPart, on_delete=models.PROTECT, null=True, blank=True, related_name="waivers"
    )
    officer_decision = models.ForeignKey(
        OfficerDecision, on_delete=models.PROTECT, null=True, blank=True, related_name="waivers"
    )
    approved_on = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return f"Waiver: {self.service} from {self.start_date:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("commissioning:waiver_detail", args=[self.pk])


class CalendarFeed(models.Model):
    """A user's private iCalendar feed: its URL holds a secret token they can revoke."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_live_calendar_feed_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class ReminderSent(models.Model):
    """What a reminder email told a user about, so the same thing is never sent twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders_sent")
    key = models.CharField(max_length=120, help_text="What fell due, such as option-deadline:42:2029-03-30.")
    due_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="reminder_sent_once")]
