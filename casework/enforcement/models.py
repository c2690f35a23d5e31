"""The compulsory-attendance escalation ladder: the district's steps (versioned by effective date, like
the rule sets), each case's progress along them (LadderEvent) and the director's petition overrides.

Maryland's default ladder ships in a data migration (0002); see ../shared/domain/maryland-pps-rules.md §1
for the law each step answers to (§7-301, §7-302.2, COMAR 13A.08.01.04)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.cases.models import CaseRecordQuerySet
from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet

from .choices import OPEN_EVENT, Acts, EventStatus, Trigger


class LadderQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        return self  # district configuration: no school owns the ladder

    def in_force(self, day):
        """The ladder that applies on `day`: the latest effective one (a district copy beats the default
        from the same date)."""
        return self.filter(effective_from__lte=day).order_by("-effective_from", "is_default", "-id").first()


class Ladder(AuditedModel):
    """One version of the district's ladder. The shipped Maryland default is read-only; a director copies
    it to a new version with an effective date and edits the copy's steps."""

    name = models.CharField(max_length=120)
    effective_from = models.DateField(help_text="The first day this ladder applies")
    is_default = models.BooleanField(default=False, help_text="Shipped Maryland default (read-only; copy to change)")
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="copies")
    notes = models.TextField(blank=True)

    objects = LadderQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.name} (from {self.effective_from:%m/%d/%Y})"


class LadderStepQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        return self


class LadderStep(AuditedModel):
    ladder = models.ForeignKey(Ladder, on_delete=models.CASCADE, related_name="steps")
    key = models.SlugField(max_length=40, help_text="Stable name (tier1_letter); tasks are tagged ladder:<key>")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    trigger = models.CharField(max_length=30, choices=Trigger.choices)
    trigger_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For 'unlawful absences reach N': N (days this school year)")
    also_after_previous = models.BooleanField(
        default=False, help_text="Also due as soon as the previous step is done (e.g. referral after conference)")
    letter_template = models.CharField(max_length=40, blank=True,
                                       help_text="Key of the letter template sent at this step (tier1_letter)")
    acts = models.CharField("who acts", max_length=20, choices=Acts.choices)
    deadline_school_days = models.PositiveSmallIntegerField(
        default=10, help_text="School days to complete the step once it is due (0: the same day)")
    required_before_petition = models.BooleanField(
        default=False, help_text="Must be done (or skipped with a reason) before a guarded step")
    guarded = models.BooleanField(
        default=False, help_text="Cannot be done until every required earlier step is, unless the director overrides")
    repeatable = models.BooleanField(default=False)
    citation = models.CharField(max_length=200, blank=True, help_text="The law or policy behind the step")
    # Retired, not deleted: cases that reached it keep their record; it is never made due again.
    retired = models.BooleanField(default=False, help_text="No longer part of the ladder (kept for the cases "
                                                           "that reached it)")

    objects = LadderStepQuerySet.as_manager()

    class Meta:
        ordering = ["ladder", "order"]
        constraints = [
            models.UniqueConstraint(fields=["ladder", "key"], name="enforcement_step_key_unique"),
            models.UniqueConstraint(fields=["ladder", "order"], name="enforcement_step_order_unique"),
            models.CheckConstraint(condition=~Q(trigger=Trigger.UNLAWFUL_DAYS) | Q(trigger_days__gte=1),
                                   name="enforcement_step_days_given"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}" + (" (retired)" if self.retired else "")


class LadderEventQuerySet(CaseRecordQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_EVENT)


class LadderEvent(AuditedModel):
    """One step on one case: due (by the ladder's evaluation or by hand), then done, skipped, or due again."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="ladder_events")
    step = models.ForeignKey(LadderStep, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(max_length=10, choices=EventStatus.choices, default=EventStatus.DUE)
    reached_on = models.DateField(help_text="The day the step became due (or was recorded)")
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", help_text="Who recorded the outcome")
    outcome = models.TextField(blank=True)
    reason = models.CharField(max_length=300, blank=True, help_text="Why it was skipped or repeated")
    rate_at_start = models.FloatField(null=True, blank=True, help_text="Attendance rate when the step became due")
    task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Optional evidence: the letter or contact that carried the step out ("contacts.contact", 42).
    source_model = models.CharField(max_length=60, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)

    objects = LadderEventQuerySet.as_manager()

    class Meta:
        ordering = ["reached_on", "step__order", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(status=EventStatus.DONE) | Q(done_on__isnull=False),
                                   name="enforcement_done_has_date"),
            models.CheckConstraint(condition=~Q(status=EventStatus.SKIPPED) | ~Q(reason=""),
                                   name="enforcement_skip_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.step.name} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_EVENT


class LadderOverride(AuditedModel):
    """The director's decision that a case may go to the review board or court without every required
    earlier step: recorded with its reason and shown on the case's Ladder tab."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="ladder_overrides")
    reason = models.TextField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    granted_on = models.DateField()

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["granted_on", "id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="enforcement_override_has_reason")]

    def __str__(self) -> str:
        return f"Override on {self.case.number} ({self.granted_on:%m/%d/%Y})"
