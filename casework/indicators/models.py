"""Stored indicators: the engine's results per student x school x period as of a date, so lists and
dashboards read rows instead of recomputing. Derived data, written only by `services.indicators_recompute`
(in bulk, without change records: the inputs carry the audit trail, and recomputing gives the same rows)."""

from __future__ import annotations

from django.db import models

from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet

YEAR_TO_DATE = "year_to_date"


class StudentIndicatorQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        return self.filter(school_id__in=school_ids)


class StudentIndicator(AuditedModel):
    """One student's indicators at one school for one period (`period_key` "year_to_date", or the
    grading period's name such as "Q1"), counted through `as_of`."""

    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="indicators")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="student_indicators")
    as_of = models.DateField()
    period_key = models.CharField(max_length=80, help_text='"year_to_date" or the grading period\'s name')
    period_kind = models.CharField(max_length=20, help_text="quarter, marking_period, semester or year")
    rule_set = models.ForeignKey("rules.RuleSet", on_delete=models.PROTECT, related_name="indicators")
    calendar_method = models.CharField(max_length=30)
    values = models.JSONField(help_text="The period's counts, rates, band and flags with explanations")

    objects = StudentIndicatorQuerySet.as_manager()
    audit_exclude = ("created_at", "updated_at", "version", "values")

    class Meta:
        ordering = ["school_id", "student_id", "as_of", "period_key"]
        indexes = [models.Index(fields=["school", "as_of"], name="indicators_school_asof_idx")]
        constraints = [
            models.UniqueConstraint(fields=["student", "school", "as_of", "period_key"],
                                    name="indicators_student_period_unique"),
        ]

    def __str__(self) -> str:
        return f"indicators of student {self.student_id} at school {self.school_id} ({self.period_key}, {self.as_of})"
