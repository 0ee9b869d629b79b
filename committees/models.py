"""Committees, meetings, reports and the decisions taken on them.

A decision is either a numbered part of a resolution on an agenda item, or an
officer decision taken under a delegation. Either can act on contracts through
`ContractLink`, so "which decision authorised this extension?" has an answer.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from commissioning.core.dates import DatesInRange
from commissioning.core.uploads import validate_document
from committees.exempt import PARAGRAPH_CHOICES, exemption_errors
from contracts.models import Contract, ContractChange, ContractOption, MonitoringRecord, Organisation


class Committee(models.Model):
    class Kind(models.TextChoices):
        EXECUTIVE = "executive", "Executive"
        PDS = "pds", "Policy development and scrutiny"
        OVERVIEW_SCRUTINY = "overview_scrutiny", "Overview and scrutiny"
        PORTFOLIO_HOLDER = "portfolio_holder", "Portfolio holder"
        OFFICER = "officer", "Officer"

    council = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="committees")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    quorum = models.PositiveSmallIntegerField(
        default=3, help_text="How many voting members must be present for it to do business (its constitution)."
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save of its edit form; a form read at an older one is refused.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["council__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "name"],
                name="committee_name_unique_per_council",
                violation_error_message="This council already has a committee with this name.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("committees:committee_detail", args=[self.pk])


class Meeting(DatesInRange, models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    agenda_published_on = models.DateField(
        null=True, blank=True, help_text="The day the agenda and reports were published."
    )
    decisions_published_on = models.DateField(
        null=True, blank=True, help_text="The day the decisions were published; call-in runs from it."
    )
    minutes_approved_at = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_minutes_of",
        help_text="The meeting that approved these minutes.",
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save of its edit form; a form read at an older one is refused.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.committee}, {timezone.localtime(self.starts_at):%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("committees:meeting_detail", args=[self.pk])

    @property
    def date(self):
        return timezone.localtime(self.starts_at).date()


def meetings_after(committee, starts_at) -> models.QuerySet:
    """Later meetings of the same committee that are not cancelled, soonest first:
    the first of them approves the minutes. Takes values or OuterRefs."""
    return (
        Meeting.objects.filter(committee=committee, starts_at__gt=starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at")
    )


class Report(DatesInRange, models.Model):
    class Kind(models.TextChoices):
        GATEWAY = "gateway", "Gateway"
        CONTRACT_MONITORING = "contract_monitoring", "Contract monitoring"
        EXTENSION = "extension", "Extension"
        WAIVER = "waiver", "Waiver"
        OTHER = "other", "Other"

    council = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="reports")
    reference = models.CharField(max_length=60, help_text='Such as ACH22-035, CS17121 or Document "D".')
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.OTHER)
    gateway_number = models.PositiveSmallIntegerField(null=True, blank=True)
    author = models.CharField(max_length=200, blank=True)
    author_role = models.CharField(max_length=200, blank=True)
    report_date = models.DateField(null=True, blank=True)
    is_exempt = models.BooleanField("exempt information", default=False)
    exempt_paragraph = models.CharField(
        max_length=20,
        blank=True,
        choices=PARAGRAPH_CHOICES,
        help_text="Paragraph of Schedule 12A to the Local Government Act 1972.",
    )
    exempt_reason = models.TextField(
        "public interest test",
        blank=True,
        help_text="Why the public interest in keeping it exempt outweighs the public interest in disclosing it.",
    )
    contracts = models.ManyToManyField(Contract, blank=True, related_name="reports")
    # The monitoring visits and contract monitoring reports it put before the committee:
    # each of one of the report's contracts.
    monitoring_records = models.ManyToManyField(MonitoringRecord, blank=True, related_name="committee_reports")
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save of its edit form; a form read at an older one is refused.",
    )

    history = HistoricalRecords(m2m_fields=[contracts, monitoring_records])

    class Meta:
        ordering = ["council__name", "reference"]
        # Exempt text (an exempt item's minutes, an exempt report's files): the clerks' (committees.exempt).
        permissions = [("read_exempt_report", "Can read exempt information")]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "reference"],
                name="report_reference_unique_per_council",
                violation_error_message="This council already has a report with this reference.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="gateway") | Q(gateway_number__isnull=False),
                name="report_gateway_has_number",
                violation_error_message="A gateway report needs its gateway number.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("committees:report_detail", args=[self.pk])

    def clean(self):
        if errors := exemption_errors(
            is_exempt=self.is_exempt, paragraph=self.exempt_paragraph, reason=self.exempt_reason
        ):
            raise ValidationError(errors)


class ReportFile(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="reports/%Y/", validators=[validate_document])
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # An appendix may be exempt when the report is not (committees.exempt).
    is_exempt = models.BooleanField("exempt information", default=False)
    exempt_paragraph = models.CharField(max_length=20, blank=True, choices=PARAGRAPH_CHOICES)
    exempt_reason = models.TextField("public interest test", blank=True)

    class Meta:
        ordering = ["report", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if errors := exemption_errors(
            is_exempt=self.is_exempt, paragraph=self.exempt_paragraph, reason=self.exempt_reason
        ):
            raise ValidationError(errors)

    @property
    def exempt_by(self) -> "ReportFile | Report | None":
        """What makes the file exempt: itself, else its report when that is exempt."""
        if self.is_exempt:
            return self
        return self.report if self.report.is_exempt else None


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.CharField(max_length=12, help_text='As the agenda numbers it, such as "79" or "5a".')
    title = models.CharField(max_length=300)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, null=True, blank=True, related_name="items")
    minutes = models.TextField(blank=True)
    # Its minutes are exempt information (committees.exempt): shown to clerks only, never in a public print.
    is_exempt = models.BooleanField("exempt information", default=False)
    exempt_paragraph = models.CharField(max_length=20, blank=True, choices=PARAGRAPH_CHOICES)
    exempt_reason = models.TextField("public interest test", blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save of its edit form; a form read at an older one is refused.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                name="item_number_unique_per_meeting",
                violation_error_message="This meeting already has an item with this number.",
            )
        ]

    def __str__(self) -> str:
        return f"Item {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#item-{self.pk}"

    def clean(self):
        if errors := exemption_errors(
            is_exempt=self.is_exempt, paragraph=self.exempt_paragraph, reason=self.exempt_reason
        ):
            raise ValidationError(errors)


class ResolutionPart(models.Model):
    """One numbered part of what was RESOLVED on an agenda item."""

    class Kind(models.TextChoices):
        APPROVE = "approve", "Approve"
        NOTE = "note", "Note"
        RECOMMEND = "recommend", "Recommend to another decision maker"
        DELEGATE = "delegate", "Delegate"
        DEFER = "defer", "Defer"
        REJECT = "reject", "Reject"

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="parts")
    number = models.CharField(max_length=12, help_text="As the minutes number it: i, ii or 1, 2.")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField()
    recommended_to = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations_received",
        help_text="For a recommendation: the decision maker it goes to.",
    )
    takes_up = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="taken_up_by",
        help_text="The recommendation this decision takes up.",
    )
    is_key_decision = models.BooleanField(default=False)
    is_urgent = models.BooleanField(default=False, help_text="Urgent decisions are exempt from call-in.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "number"],
                name="part_number_unique_per_item",
                violation_error_message="This item already has a resolution part with this number.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="recommend") | Q(recommended_to__isnull=False),
                name="recommendation_names_its_decision_maker",
                violation_error_message="A recommendation must say which decision maker it goes to.",
            ),
        ]

    def __str__(self) -> str:
        return f"Item {self.item.number} ({self.number})"

    def get_absolute_url(self) -> str:
        return f"{self.item.meeting.get_absolute_url()}#part-{self.pk}"


class Delegation(DatesInRange, models.Model):
    resolution_part = models.OneToOneField(ResolutionPart, on_delete=models.CASCADE, related_name="delegation")
    to_whom = models.CharField("delegated to", max_length=200)
    in_consultation_with = models.CharField(max_length=200, blank=True)
    scope = models.TextField(help_text="What the delegate may decide.")
    condition = models.TextField(blank=True, help_text="Such as: on satisfactory achievement of the KPIs.")
    expires_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["resolution_part"]

    def __str__(self) -> str:
        return f"Delegation to {self.to_whom}"


class OfficerDecision(DatesInRange, models.Model):
    decision_maker = models.CharField(max_length=200)
    decided_on = models.DateField()
    text = models.TextField()
    delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, null=True, blank=True, related_name="officer_decisions"
    )
    published_on = models.DateField(null=True, blank=True)
    # The record the Openness of Local Government Bodies Regulations 2014 (reg 7) ask for.
    # Blank on records made before these fields; required of new ones (committees.services).
    reasons = models.TextField(blank=True)
    alternatives_rejected = models.TextField("alternatives considered and rejected", blank=True)
    conflicts_of_interest = models.TextField(
        "conflicts of interest declared", blank=True, help_text="By any member consulted; blank when none."
    )
    dispensations = models.TextField("dispensations granted", blank=True, help_text="Blank when none.")
    # An officer's key decision needs the same notice as the executive's (SI 2012/2089 reg 9):
    # marked here, it is checked against the forward plan whether or not an entry names it.
    is_key_decision = models.BooleanField("key decision", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        permissions = [
            (
                "record_without_delegation_officerdecision",
                "Can record an officer decision not taken under a delegation",
            )
        ]

    def __str__(self) -> str:
        return f"Officer decision of {self.decided_on:%d %b %Y} by {self.decision_maker}"

    def get_absolute_url(self) -> str:
        return reverse("committees:officer_decision_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """How a form that takes a decision by typing names this one (committees.pickers)."""
        return f"OD-{self.pk}"


class Action(DatesInRange, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    resolution_part = models.ForeignKey(ResolutionPart, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField()
    owner = models.CharField(max_length=200)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.text[:60]


class ContractLink(models.Model):
    """A decision acting on a contract: exactly one of a resolution part or an officer decision."""

    class Effect(models.TextChoices):
        APPROVE_TENDER = "approve_tender", "Approve a tender"
        AWARD = "award", "Award"
        EXERCISE_OPTION = "exercise_option", "Exercise an option"
        DECLINE_OPTION = "decline_option", "Decline an option"
        APPROVE_WAIVER = "approve_waiver", "Approve a waiver"
        NOTE_MONITORING = "note_monitoring", "Note a monitoring report"
        CHANGE_VALUE = "change_value", "Change the value"
        CHANGE_CONTRACT = "change_contract", "Change the contract"
        OTHER = "other", "Other"

    # PROTECT on every side: a decision that acted on a contract is part of the
    # record, so neither the contract, its option nor the decision can be deleted
    # while the link stands.
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="decision_links")
    resolution_part = models.ForeignKey(
        ResolutionPart, on_delete=models.PROTECT, null=True, blank=True, related_name="contract_links"
    )
    officer_decision = models.ForeignKey(
        OfficerDecision, on_delete=models.PROTECT, null=True, blank=True, related_name="contract_links"
    )
    effect = models.CharField(max_length=20, choices=Effect.choices)
    option = models.ForeignKey(
        ContractOption, on_delete=models.PROTECT, null=True, blank=True, related_name="decision_links"
    )
    # The change to the contract this decision authorised (a change of its own, or a fee uplift's).
    change = models.ForeignKey(
        ContractChange, on_delete=models.PROTECT, null=True, blank=True, related_name="decision_links"
    )
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        help_text="The later decision confirmed as the option's authority instead of this one.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(resolution_part__isnull=False) & Q(officer_decision__isnull=True))
                | (Q(resolution_part__isnull=True) & Q(officer_decision__isnull=False)),
                name="contract_link_has_one_decision",
                violation_error_message="A link comes from a resolution part or an officer decision, not both.",
            ),
            models.CheckConstraint(
                condition=~Q(effect="change_contract") | Q(change__isnull=False),
                name="change_link_names_its_change",
                violation_error_message="Say which change the decision authorised.",
            ),
            models.CheckConstraint(
                condition=~Q(effect__in=["exercise_option", "decline_option"]) | Q(option__isnull=False),
                name="option_link_names_its_option",
                violation_error_message="Say which option the decision exercises or declines.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_effect_display()}: {self.contract.reference}"

    @property
    def decision(self):
        return self.resolution_part or self.officer_decision


# --- Call-in and officer decision records (issue 13, slice "callin") ------------------------------


class CallIn(DatesInRange, models.Model):
    """Councillors' request that a scrutiny committee review a decision before it
    is implemented: made within the call-in period, considered at a meeting of an
    overview and scrutiny committee, and resolved by its outcome."""

    class Outcome(models.TextChoices):
        NO_FURTHER_ACTION = "no_further_action", "No further action: the decision may be implemented"
        REFERRED_BACK = "referred_back", "Referred back to the decision maker"
        REFERRED_TO_COUNCIL = "referred_to_council", "Referred to full council"

    resolution_part = models.ForeignKey(ResolutionPart, on_delete=models.PROTECT, related_name="call_ins")
    requested_by = models.CharField(
        "called in by", max_length=300, help_text="The councillors who signed the request, such as Cllr A and Cllr B."
    )
    members = models.ManyToManyField(
        "Member",
        blank=True,
        related_name="call_ins_signed",
        verbose_name="councillors who signed",
        help_text="The council's members who signed the request; `requested_by` stays the text printed.",
    )
    requested_on = models.DateField("called in on")
    reasons = models.TextField(help_text="The reasons the councillors gave.")
    scrutiny_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_ins_considered",
        help_text="The meeting of the scrutiny committee that considers it.",
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save of its edit form; a form read at an older one is refused.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resolution_part"],
                name="one_call_in_per_part",
                violation_error_message="This decision has already been called in.",
            ),
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(outcome_on__isnull=True)) | (~Q(outcome="") & Q(outcome_on__isnull=False)),
                name="call_in_outcome_has_its_date",
                violation_error_message="An outcome needs its date, and a date its outcome.",
            ),
        ]

    def __str__(self) -> str:
        return f"Call-in of {self.resolution_part}"

    def get_absolute_url(self) -> str:
        return reverse("committees:call_in_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return not self.outcome

    def is_pending_on(self, day: date) -> bool:
        """Pending on `day`: no outcome yet, or one decided after it."""
        return not self.outcome or self.outcome_on > day

    @staticmethod
    def pending_on_q(day: date) -> Q:
        """`is_pending_on(day)` as a query."""
        return Q(outcome="") | Q(outcome_on__gt=day)


# --- attendance and declarations of interest (issue 13, slice "attend") -------------------------


class Member(models.Model):
    """A councillor (or co-opted member) of a council, who sits on its committees."""

    council = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(max_length=200, help_text='As the minutes name them, such as "Councillor Jane Smith".')
    party = models.CharField(max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["council__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "name"],
                name="member_name_unique_per_council",
                violation_error_message="This council already has a member with this name.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.party})" if self.party else self.name

    def get_absolute_url(self) -> str:
        return reverse("committees:member_detail", args=[self.pk])


class CommitteeMembership(DatesInRange, models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="memberships")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    from_date = models.DateField()
    to_date = models.DateField(null=True, blank=True, help_text="Blank while they still sit on the committee.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["committee", "from_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__isnull=True) | Q(to_date__gte=F("from_date")),
                name="membership_ends_after_it_starts",
                violation_error_message="A membership cannot end before it starts.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member.name}: {self.get_role_display()} of {self.committee}"

    def clean(self):
        if self.member_id and self.committee_id and self.member.council_id != self.committee.council_id:
            raise ValidationError({"committee": "A member sits only on their own council's committees."})


class Attendance(models.Model):
    """A member at a meeting: present (perhaps as a substitute for another member), or
    sent apologies. A member of the committee with no row for a held meeting was absent."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(max_length=10, choices=Status.choices)
    substitute_for = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="substituted_by",
        help_text="For a substitute: the member of the committee they sat in place of.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                name="attendance_once_per_member",
                violation_error_message="This member is already recorded at this meeting.",
            ),
            models.CheckConstraint(
                condition=Q(substitute_for__isnull=True) | Q(status="present"),
                name="substitute_is_present",
                violation_error_message="Only a member who is present can be a substitute.",
            ),
            models.CheckConstraint(
                condition=~Q(substitute_for=F("member")),
                name="substitute_for_another",
                violation_error_message="A member cannot substitute for themselves.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name}: {self.get_status_display()}"


class OfficerPresent(models.Model):
    """An officer at a meeting, named as the minutes name them."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="officers_present")
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.name, self.role) if part)


class Declaration(models.Model):
    """A member's declaration of interest on an agenda item (the Localism Act 2011 and
    the council's code of conduct; the kinds are those of the LGA model code)."""

    class Kind(models.TextChoices):
        DISCLOSABLE_PECUNIARY = "dpi", "Disclosable pecuniary interest"
        OTHER_REGISTRABLE = "other_registrable", "Other registrable interest"
        NON_REGISTRABLE = "non_registrable", "Non-registrable interest"

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="declarations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="declarations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField()
    provider = models.ForeignKey(
        "contracts.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations",
        help_text="The provider the interest concerns, if any.",
    )
    left_room = models.BooleanField("left the room", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "member__name", "pk"]

    def __str__(self) -> str:
        return f"{self.member.name}: {self.get_kind_display()} (item {self.item.number})"

    @property
    def description_sentence(self) -> str:
        """The description as the minutes print it: ending with a full stop."""
        text = self.description.strip()
        return text if text.endswith((".", "!", "?")) else f"{text}."


# --- forward plan of key decisions (issue 13, item 1) ------------------------------------------------
# The re-commissioning project a decision concerns is not linked here: projects are a
# higher layer (commissioning.projects) that committees may not import; the contracts are.


class ForwardPlanEntry(DatesInRange, models.Model):
    """A key decision on the forward plan: notice of it, 28 clear days before it is
    taken (SI 2012/2089 reg 9), or one of the urgency routes (regs 10 and 11)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        TAKEN = "taken", "Taken"
        DEFERRED = "deferred", "Deferred"
        WITHDRAWN = "withdrawn", "Withdrawn"

    council = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="forward_plan_entries")
    title = models.CharField("decision", max_length=300, help_text="The matter to be decided.")
    description = models.TextField(blank=True, help_text="What is proposed, as the notice puts it.")
    decision_maker = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forward_plan_entries",
        help_text="The committee that takes it, or leave blank for an officer.",
    )
    decision_maker_officer = models.CharField(
        "officer taking it", max_length=200, blank=True, help_text="Such as Chief Officer, Adult Social Care."
    )
    expected_on = models.DateField("expected decision date")
    contracts = models.ManyToManyField(Contract, blank=True, related_name="forward_plan_entries")
    is_exempt = models.BooleanField("exempt information expected", default=False)
    exempt_paragraph = models.CharField(
        max_length=20,
        blank=True,
        choices=PARAGRAPH_CHOICES,
        help_text="Paragraph of Schedule 12A to the Local Government Act 1972.",
    )
    published_on = models.DateField("first published on", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    general_exception_notice_on = models.DateField(
        "general exception notice on",
        null=True,
        blank=True,
        help_text="Reg 10: the day the notice went to the scrutiny chair and was published.",
    )
    special_urgency_agreed_by = models.CharField(
        "special urgency agreed by",
        max_length=200,
        blank=True,
        help_text="Reg 11: the scrutiny chair, or the chair or vice-chair of the council.",
    )
    special_urgency_agreed_on = models.DateField("special urgency agreed on", null=True, blank=True)
    special_urgency_notice_on = models.DateField(
        "special urgency notice on", null=True, blank=True, help_text="Reg 11: the notice published after."
    )
    # The decision that was taken on it: a resolution part or an officer decision.
    resolution_part = models.ForeignKey(
        ResolutionPart, on_delete=models.SET_NULL, null=True, blank=True, related_name="forward_plan_entries"
    )
    officer_decision = models.ForeignKey(
        OfficerDecision, on_delete=models.SET_NULL, null=True, blank=True, related_name="forward_plan_entries"
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save of its edit form; a form read at an older one is refused.",
    )

    history = HistoricalRecords(m2m_fields=[contracts])

    class Meta:
        verbose_name_plural = "forward plan entries"
        ordering = ["expected_on", "pk"]
        indexes = [models.Index(fields=["expected_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolution_part__isnull=True) | Q(officer_decision__isnull=True),
                name="forward_plan_entry_one_decision",
                violation_error_message="An entry is taken by a resolution part or an officer decision, not both.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("committees:forward_plan_detail", args=[self.pk])

    @property
    def decision(self):
        """The decision taken on it, if any."""
        return self.resolution_part or self.officer_decision

    @property
    def decision_maker_text(self) -> str:
        return " / ".join(
            text
            for text in (self.decision_maker.name if self.decision_maker else "", self.decision_maker_officer)
            if text
        )

    def clean(self):
        errors = {}
        if self.is_exempt and not self.exempt_paragraph:
            errors["exempt_paragraph"] = "Give the paragraph of Schedule 12A expected to make it exempt."
        if self.decision_maker_id is None and not self.decision_maker_officer.strip():
            errors["decision_maker"] = "Say who takes the decision: a committee or an officer."
        if self.decision_maker_id and self.decision_maker.council_id != self.council_id:
            errors["decision_maker"] = "The committee must be the council's own."
        if bool(self.special_urgency_agreed_by.strip()) != bool(self.special_urgency_agreed_on):
            errors["special_urgency_agreed_on"] = "Special urgency needs both who agreed it and the day they did."
        if errors:
            raise ValidationError(errors)
