"""Stored indicators: the engine's results per student x school x period as of a date, so lists and
dashboards read rows instead of recomputing, and the flag crossings that feed the PPW's worklist.
Derived data, written only by `services.indicators_recompute` (in bulk, without change records: the
inputs carry the audit trail, and recomputing gives the same rows)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet
from casework.students.models import scope_enrollments

YEAR_TO_DATE = "year_to_date"


class Flags(models.TextChoices):
    CHRONIC_ABSENT = "chronic_absent", "Chronically absent"
    HABITUAL_TRUANT = "habitual_truant", "Habitual truant"
    TRUANT_7_302_2 = "truant_7_302_2", "Truant (Educ. Art. 7-302.2)"
    ABC_ATTENDANCE = "abc_attendance", "ABC: attendance under 90%"
    ABC_BEHAVIOR = "abc_behavior", "ABC: suspended"
    ABC_COURSE = "abc_course", "ABC: course failure"


class _SchoolAndStudentQuerySet(ScopedQuerySet):
    """Rows owned by a school about one student: in scope when the school is one of the user's and the
    student is enrolled at *that* school in the user's sense (a PPW keeps a child who left for the grace
    period; the school's own staff see its current students only, so a principal never sees the flags of
    a child who left, even one now at another of their schools)."""

    def in_schools(self, school_ids):
        return self._reach(school_ids, recent_exits=True)

    def in_current_schools(self, school_ids):
        return self._reach(school_ids, recent_exits=False)

    def _reach(self, school_ids, *, recent_exits: bool):
        # The enrollments are narrowed to the schools as well (the same rows): PostgreSQL does not carry the
        # outer IN into the subquery, and otherwise hashes every enrollment of the district for a PPW's page.
        enrolled_here = scope_enrollments(recent_exits=recent_exits).filter(
            student_id=OuterRef("student_id"), school_id=OuterRef("school_id"), school_id__in=school_ids)
        return self.filter(Exists(enrolled_here), school_id__in=school_ids)


class StudentIndicatorQuerySet(_SchoolAndStudentQuerySet):
    def year_to_date(self):
        return self.filter(period_key=YEAR_TO_DATE)


class StoredJSONField(models.JSONField):
    """JSON kept as written (PostgreSQL `json`, not `jsonb`). A full recompute writes 160,000 of these
    documents at once and nothing queries inside them; turning each into `jsonb` was a fifth of the
    recompute (docs/performance.md). SQLite stores text either way."""

    def db_type(self, connection):
        return "json" if connection.vendor == "postgresql" else super().db_type(connection)

    def from_db_value(self, value, expression, connection):
        if value is not None and not isinstance(value, str):  # psycopg decodes `json` itself
            return value
        return super().from_db_value(value, expression, connection)


class StudentIndicator(AuditedModel):
    """One student's indicators at one school for one period (`period_key` "year_to_date", or the
    grading period's name such as "Q1"), counted through `as_of`.

    The columns repeat the values lists filter and sort on (so a school's list is an indexed read);
    `values` holds everything, with each flag's explanation. On the year-to-date row the flag columns
    are the student-level flags (habitual truancy in any period, 7-302.2 in any quarter/semester/year)."""

    # No database-level foreign keys (Django still cascades and protects): the table is derived, every
    # row written by a recompute from enrollments that hold the keys, and a full recompute writes 160,000
    # rows at once, whose row-by-row key checks cost a quarter of its time and lock every student row
    # they touch (FOR KEY SHARE). Dropping and re-adding the keys instead locks the students table.
    # No single-column indexes: the unique key leads with the student, (school, as_of) with the school.
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="indicators",
                                db_constraint=False, db_index=False)
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="student_indicators",
                               db_constraint=False, db_index=False)
    as_of = models.DateField()
    period_key = models.CharField(max_length=80, help_text='"year_to_date" or the grading period\'s name')
    period_kind = models.CharField(max_length=20, help_text="quarter, marking_period, semester or year")
    rule_set = models.ForeignKey("rules.RuleSet", on_delete=models.PROTECT, related_name="indicators",
                                 db_constraint=False)
    calendar_method = models.CharField(max_length=30)
    days_enrolled = models.PositiveSmallIntegerField(default=0)
    days_absent = models.FloatField(default=0)
    days_unlawful = models.FloatField(default=0)
    attendance_rate = models.FloatField(null=True, blank=True, help_text="None under the minimum days enrolled")
    band = models.CharField(max_length=30, blank=True)
    chronic_absent = models.BooleanField(default=False)
    habitual_truant = models.BooleanField(default=False)
    truant_7_302_2 = models.BooleanField(default=False)
    abc_attendance = models.BooleanField(default=False)
    abc_behavior = models.BooleanField(default=False)
    abc_course = models.BooleanField(default=False, help_text="Courses failed this school year at or over the "
                                                              "rule set's minimum (grades given by as_of)")
    course_failures = models.PositiveSmallIntegerField(default=0, help_text="Distinct courses failed")
    suspensions = models.PositiveSmallIntegerField(default=0)
    values = StoredJSONField(help_text="The period's counts, rates, band and flags with explanations")

    objects = StudentIndicatorQuerySet.as_manager()
    audit_exclude = ("created_at", "updated_at", "version", "values")

    class Meta:
        ordering = ["school_id", "student_id", "as_of", "period_key"]
        indexes = [
            models.Index(fields=["school", "as_of"], name="indicators_school_asof_idx"),
            models.Index(fields=["school", "period_key", "attendance_rate"], name="indicators_school_rate_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["student", "school", "as_of", "period_key"],
                                    name="indicators_student_period_unique"),
        ]

    def __str__(self) -> str:
        return f"indicators of student {self.student_id} at school {self.school_id} ({self.period_key}, {self.as_of})"

    @property
    def rate_percent(self) -> str | None:
        """The attendance rate as the pages write it, "75.0%"; None when the student has no days enrolled."""
        return None if self.attendance_rate is None else f"{self.attendance_rate * 100:.1f}%"


class FlagCrossingQuerySet(_SchoolAndStudentQuerySet):
    def open(self):
        return self.filter(cleared_on__isnull=True)


class FlagCrossing(models.Model):
    """A student newly crossing a threshold at a school: written by the recompute that first sees the
    flag raised (`crossed_on` = that recompute's as-of date), cleared by the one that sees it lowered.
    The PPWs of the school see open crossings in their worklist until one of them acknowledges it."""

    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="flag_crossings")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="flag_crossings")
    flag = models.CharField(max_length=30, choices=Flags.choices)
    crossed_on = models.DateField(help_text="As-of date of the recompute that first saw the flag raised")
    cleared_on = models.DateField(null=True, blank=True)
    rule_set = models.ForeignKey("rules.RuleSet", on_delete=models.PROTECT, related_name="+")
    explanation = models.TextField(blank=True, help_text="The flag's explanation when it was raised")
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    objects = FlagCrossingQuerySet.as_manager()

    class Meta:
        ordering = ["-crossed_on", "school_id", "student_id", "flag"]
        indexes = [models.Index(fields=["school", "crossed_on"], name="indicators_crossing_school_idx")]
        constraints = [
            models.UniqueConstraint(fields=["student", "school", "flag"], condition=Q(cleared_on__isnull=True),
                                    name="indicators_one_open_crossing"),
        ]

    def __str__(self) -> str:
        return f"{self.flag} crossing of student {self.student_id} at school {self.school_id} on {self.crossed_on}"
