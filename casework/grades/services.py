"""Every write to course grades. `grade_record` is the importers' idempotent upsert: the same row
imported twice changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.calendars.models import GradingPeriod
from casework.core.services import create_audited, update_audited
from casework.schools.models import School
from casework.students.models import Student

from .models import CourseGrade

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
_HUNDREDTH = Decimal("0.01")


class Recorded(NamedTuple):
    row: CourseGrade
    outcome: str


@transaction.atomic
def grade_record(*, actor, student: Student, school: School, grading_period: GradingPeriod, course_code: str,
                 grade_type: str, section_id: str = "", letter_grade: str = "",
                 numeric_grade: Decimal | None = None, as_of_date: datetime.date | None = None,
                 **fields: Any) -> Recorded:
    """Create or update the grade keyed by (student, school, period, course, section, grade type)."""
    if grading_period.school_id != school.pk:
        raise ValidationError({"grading_period": "The grading period belongs to another school."})
    letter_grade = letter_grade.strip()
    if not letter_grade and numeric_grade is None:
        raise ValidationError({"letter_grade": "Give a letter grade, a numeric grade or both."})
    if numeric_grade is not None:
        numeric_grade = Decimal(numeric_grade).quantize(_HUNDREDTH)  # 52 and 52.0 compare equal on re-import
    values = {"letter_grade": letter_grade, "numeric_grade": numeric_grade, "as_of_date": as_of_date, **fields}
    key = {"student": student, "school": school, "grading_period": grading_period,
           "course_code": course_code.strip(), "section_id": section_id.strip(), "grade_type": grade_type.strip()}
    current = CourseGrade.objects.select_for_update().filter(**key).first()
    if current is None:
        return Recorded(create_audited(CourseGrade, actor=actor, **key, **values), CREATED)
    version = current.version
    row = update_audited(current, actor=actor, **values)
    return Recorded(row, UNCHANGED if row.version == version else UPDATED)
