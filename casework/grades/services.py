"""Every write to course grades. `grade_record` is the idempotent upsert of one grade (with its change
record); `grades_load` the import's bulk upsert of a whole file (a district's quarter is hundreds of
thousands of grades: the run writes one bulk change record, and each grade carries its import run)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

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


GradeKey = tuple[int, int, int, str, str, str]  # student, school, grading period, course, section, grade type
VALUE_FIELDS = ("letter_grade", "numeric_grade", "as_of_date", "course_title")
_CHUNK = 1000


def _stored(keys: list[GradeKey]) -> dict[GradeKey, CourseGrade]:
    students = sorted({k[0] for k in keys})
    found: dict[GradeKey, CourseGrade] = {}
    for start in range(0, len(students), _CHUNK):
        for g in CourseGrade.objects.filter(student_id__in=students[start:start + _CHUNK]).only(
                "id", "version", "student_id", "school_id", "grading_period_id", "course_code", "section_id",
                "grade_type", *VALUE_FIELDS):
            found[(g.student_id, g.school_id, g.grading_period_id, g.course_code, g.section_id, g.grade_type)] = g
    return found


@transaction.atomic
def grades_load(*, grades: Mapping[GradeKey, Mapping[str, Any]], import_run_id: int | None) -> dict[GradeKey, str]:
    """Create or update many grades at once; return each key's outcome. A grade's values give only the
    columns its file had (`VALUE_FIELDS`): the others keep what is stored (empty for a new grade). The
    caller has checked the values (the importer's row checks); the database's keys still hold."""
    stored = _stored(list(grades))
    now = timezone.now()
    created: list[CourseGrade] = []
    changed: list[CourseGrade] = []
    outcomes: dict[GradeKey, str] = {}
    for key, values in grades.items():
        values = {k: (v.quantize(_HUNDREDTH) if k == "numeric_grade" and v is not None else v)
                  for k, v in values.items()}
        current = stored.get(key)
        if current is None:
            student, school, period, course, section, grade_type = key
            created.append(CourseGrade(student_id=student, school_id=school, grading_period_id=period,
                                       course_code=course, section_id=section, grade_type=grade_type,
                                       letter_grade=values.get("letter_grade") or "",
                                       numeric_grade=values.get("numeric_grade"),
                                       as_of_date=values.get("as_of_date"),
                                       course_title=values.get("course_title") or "", import_run_id=import_run_id))
            outcomes[key] = CREATED
            continue
        if all(getattr(current, k) == v for k, v in values.items()):
            outcomes[key] = UNCHANGED  # keeps the run that last wrote it
            continue
        for k, v in values.items():
            setattr(current, k, v)
        current.version += 1
        current.updated_at = now
        current.import_run_id = import_run_id
        changed.append(current)
        outcomes[key] = UPDATED
    CourseGrade.objects.bulk_create(created, batch_size=_CHUNK)
    CourseGrade.objects.bulk_update(changed, [*VALUE_FIELDS, "version", "updated_at", "import_run_id"],
                                    batch_size=200)
    return outcomes
