"""Course grades from the SIS (Ed-Fi Grade): the "C" of the ABC early-warning flags. Imported, written
only through services. Whether a grade is failing is the rule set's call (its failing letters and numeric
mark), not stored here, so a district that changes its grading scale recomputes without re-importing."""

from __future__ import annotations

import datetime

from django.db import models

from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet


class CourseGradeQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        return self.filter(school_id__in=school_ids)


class CourseGrade(AuditedModel):
    """One grade a student earned in a course section for a grading period (Ed-Fi Grade: the
    StudentSectionAssociation's course and section, the GradingPeriod, the GradeTypeDescriptor)."""

    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="course_grades")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="course_grades")
    grading_period = models.ForeignKey("calendars.GradingPeriod", on_delete=models.PROTECT, related_name="grades")
    course_code = models.CharField(max_length=60, help_text="Ed-Fi LocalCourseCode")
    course_title = models.CharField(max_length=120, blank=True)
    section_id = models.CharField("section", max_length=255, blank=True, help_text="Ed-Fi SectionIdentifier")
    grade_type = models.CharField(max_length=60, help_text='Ed-Fi GradeTypeDescriptor: "Grading Period", "Final", ...')
    letter_grade = models.CharField(max_length=20, blank=True, help_text="Ed-Fi LetterGradeEarned")
    numeric_grade = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True,
                                        help_text="Ed-Fi NumericGradeEarned")
    as_of_date = models.DateField(null=True, blank=True,
                                  help_text="Ed-Fi CurrentGradeAsOfDate: a grade given before its period ends")
    import_run_id = models.PositiveBigIntegerField(null=True, blank=True)

    objects = CourseGradeQuerySet.as_manager()
    audit_exclude = ("created_at", "updated_at", "version", "import_run_id")

    class Meta:
        ordering = ["student_id", "course_code", "grading_period_id"]
        indexes = [models.Index(fields=["school", "grading_period"], name="grades_school_period_idx")]
        constraints = [
            models.UniqueConstraint(fields=["student", "school", "grading_period", "course_code", "section_id",
                                            "grade_type"], name="grades_grade_unique",
                                    violation_error_message="This student already has this grade for this "
                                                            "course section, grading period and grade type."),
        ]

    def __str__(self) -> str:
        return f"{self.grade_type} grade of student {self.student_id} in {self.course_code}"

    def given_on(self, period_end: datetime.date | None = None) -> datetime.date:
        """The day the grade counts from: its as-of date, else the end of its grading period."""
        return self.as_of_date or period_end or self.grading_period.end
