"""District trend data: counts per school x grade as of a date, kept so the director's dashboard can
draw the year's trend without recomputing it. Aggregates only (no student ids). Derived data, written in
bulk by `services.summaries_record` / `summaries_backfill`; recording the same date again replaces it."""

from __future__ import annotations

from django.db import models

from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet


class SchoolGradeSummaryQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        return self.filter(school_id__in=school_ids)


class SchoolGradeSummary(AuditedModel):
    class Source(models.TextChoices):
        RECOMPUTE = "recompute", "Stored indicators (recompute)"
        BACKFILL = "backfill", "Computed for the trend (backfill)"

    as_of = models.DateField()
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="grade_summaries")
    grade = models.CharField(max_length=2, help_text="The student's grade (Student.grade)")
    rule_set = models.ForeignKey("rules.RuleSet", null=True, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices)
    students = models.PositiveIntegerField(default=0, help_text="Enrolled at the school in the year to date")
    students_counted = models.PositiveIntegerField(
        default=0, help_text="Enrolled at least the rule set's minimum days: the denominator of every rate")
    chronic = models.PositiveIntegerField(default=0)
    habitual = models.PositiveIntegerField(default=0)
    truant_7_302_2 = models.PositiveIntegerField(default=0)
    bands = models.JSONField(default=dict, help_text="{band name: students counted in it}")
    mean_attendance_rate = models.FloatField(null=True, blank=True, help_text="Among students counted, 0-1")

    objects = SchoolGradeSummaryQuerySet.as_manager()

    class Meta:
        ordering = ["as_of", "school_id", "grade"]
        constraints = [
            models.UniqueConstraint(fields=["as_of", "school", "grade"], name="reports_summary_unique"),
        ]
        indexes = [models.Index(fields=["school", "as_of"], name="reports_summary_school_idx")]

    def __str__(self) -> str:
        return f"summary of school {self.school_id} grade {self.grade} as of {self.as_of}"
