"""Intervention plans: goals a PPW can measure week by week, the interventions tried, and every
revision ("program change") kept with a snapshot of what the plan said before."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from casework.cases.models import CaseRecordQuerySet
from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet

from .choices import METRIC_UNITS, Comparator, FamilyResponse, Metric, PlanStatus, PointSource, Tier


def fmt_value(value: Decimal | float | None) -> str:
    """90.00 -> "90", 87.5 -> "87.5": how a PPW writes a number."""
    if value is None:
        return ""
    d = Decimal(str(value)).quantize(Decimal("0.1"))
    return f"{d.normalize():f}"


class InterventionQuerySet(ScopedQuerySet):
    """The library is district configuration, not student data: every school's staff pick from it."""

    def in_schools(self, school_ids):
        return self.all()

    def active(self):
        return self.filter(active=True)


class Intervention(AuditedModel):
    name = models.CharField(max_length=120, unique=True)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.TWO)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True, help_text="Retired interventions stay on old plans but are not offered")

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["tier", "name"]

    def __str__(self) -> str:
        return f"{self.name} (tier {self.tier})"


class PlanQuerySet(CaseRecordQuerySet):
    def active(self):
        return self.filter(status=PlanStatus.ACTIVE)


class Plan(AuditedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="owned_plans", help_text="Who carries the plan out (usually the PPW)")
    start_on = models.DateField()
    review_on = models.DateField(help_text="When the team looks at progress and decides what changes")
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    revision = models.PositiveIntegerField(default=1)
    # The open "Plan review due" task that follows review_on (a new one once a review is done).
    review_task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(review_on__gte=models.F("start_on")), name="plans_review_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (rev {self.revision})"


class _PlanPartQuerySet(CaseRecordQuerySet):
    student_path = "plan__case__student_id"
    case_path = "plan__case"


class GoalQuerySet(_PlanPartQuerySet):
    def current(self):
        return self.filter(dropped_in__isnull=True)


class Goal(AuditedModel):
    """Measurable: the metric, compared with a target, held for N consecutive school weeks."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    metric = models.CharField(max_length=30, choices=Metric.choices, default=Metric.ATTENDANCE_RATE)
    other_metric = models.CharField(max_length=120, blank=True, help_text='For "Other": what is measured')
    comparator = models.CharField(max_length=10, choices=Comparator.choices, default=Comparator.AT_LEAST)
    target = models.DecimalField(max_digits=7, decimal_places=2)
    weeks = models.PositiveSmallIntegerField(default=4, validators=[MinValueValidator(1), MaxValueValidator(40)])
    # A goal dropped in a revision keeps its progress points (the history), but is no longer worked.
    dropped_in = models.PositiveIntegerField(null=True, blank=True, help_text="The revision that dropped it")

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(metric=Metric.OTHER) | ~Q(other_metric=""),
                                   name="plans_other_goal_named"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def metric_label(self) -> str:
        return self.other_metric if self.metric == Metric.OTHER else self.get_metric_display()

    @property
    def unit(self) -> str:
        return METRIC_UNITS.get(self.metric, "")

    @property
    def text(self) -> str:
        """The goal in words, from its fields: "Attendance rate at least 90% for 4 consecutive weeks"."""
        weeks = "1 week" if self.weeks == 1 else f"{self.weeks} consecutive weeks"
        return (f"{self.metric_label} {Comparator(self.comparator).label} {fmt_value(self.target)}{self.unit} "
                f"for {weeks}")

    def meets(self, value: Decimal | float) -> bool:
        value = Decimal(str(value))
        return value >= self.target if self.comparator == Comparator.AT_LEAST else value <= self.target

    @property
    def pulled(self) -> bool:
        from .choices import PULLED_METRICS

        return self.metric in PULLED_METRICS


class PlanIntervention(AuditedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="interventions")
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="+")
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    frequency = models.CharField(max_length=120, blank=True, help_text='e.g. "daily, first period"')
    responsible = models.CharField(max_length=120, blank=True, help_text="Who does it (a role or a name of staff)")
    start_on = models.DateField(help_text="When the service was offered to the family")
    end_on = models.DateField(null=True, blank=True)
    # The family's answer to the offer (plans.services.intervention_respond): evidence for the packet.
    family_response = models.CharField("family's answer", max_length=10, choices=FamilyResponse.choices, blank=True)
    family_response_on = models.DateField("answered on", null=True, blank=True)
    family_response_note = models.CharField("reason or note", max_length=300, blank=True)

    objects = _PlanPartQuerySet.as_manager()

    class Meta:
        ordering = ["start_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                                   name="plans_intervention_dates_ordered"),
            # An answer has its date, and no date without an answer.
            models.CheckConstraint(condition=Q(family_response="", family_response_on__isnull=True)
                                   | (~Q(family_response="") & Q(family_response_on__gte=models.F("start_on"))),
                                   name="plans_intervention_answer_dated"),
            # A refusal (or a drop-out) is only evidence with the family's reason.
            models.CheckConstraint(condition=~Q(family_response__in=["refused", "stopped"])
                                   | ~Q(family_response_note=""),
                                   name="plans_intervention_refusal_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.intervention.name} (tier {self.tier})"

    @property
    def response_words(self) -> str:
        """"Refused 10/20/2025: mother declined counseling", or "" when no answer is recorded."""
        if not self.family_response:
            return ""
        words = f"{self.get_family_response_display()} {self.family_response_on:%m/%d/%Y}"
        return f"{words}: {self.family_response_note}" if self.family_response_note else words


class PlanRevision(models.Model):
    """A program change: what the plan said before (snapshot), why it changed, and what changed.
    Written once by plan_revise, never edited."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(help_text="The revision this change made")
    reason = models.TextField()
    changes = models.TextField(blank=True, help_text="What changed, in words")
    snapshot = models.JSONField(help_text="The plan, its goals and interventions before the change")
    revised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    revised_at = models.DateTimeField(auto_now_add=True)
    revised_on = models.DateField(help_text="When the change takes effect (marked on the progress chart)")

    objects = _PlanPartQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_revision_once")]

    def __str__(self) -> str:
        return f"rev {self.number}: {self.reason[:60]}"


class ProgressPoint(AuditedModel):
    """One school week's value for one goal. `week_of` is the Monday of the week."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="points")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="points")
    week_of = models.DateField()
    value = models.DecimalField(max_digits=7, decimal_places=2)
    source = models.CharField(max_length=12, choices=PointSource.choices, default=PointSource.MANUAL)
    note = models.CharField(max_length=300, blank=True)

    objects = _PlanPartQuerySet.as_manager()

    class Meta:
        ordering = ["week_of", "source"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "week_of", "source"], name="plans_point_once_a_week"),
        ]

    def __str__(self) -> str:
        return f"week of {self.week_of:%m/%d/%Y}: {fmt_value(self.value)}"
