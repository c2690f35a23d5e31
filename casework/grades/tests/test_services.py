"""Writes of course grades: the single upsert with its change record, and the import's bulk load."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from casework.audit.models import ChangeRecord
from casework.calendars.services import grading_period_create
from casework.core.testing import factories as f
from casework.grades.models import CourseGrade
from casework.grades.services import CREATED, UNCHANGED, UPDATED, grade_record, grades_load

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def q1():
    school = f.school(code="A100")
    period = grading_period_create(actor=None, school=school, school_year=2026, kind="quarter", sequence=1,
                                   name="Q1", begin=D(2025, 8, 25), end=D(2025, 11, 7))
    return school, period, f.student(school=school, entry_date=D(2025, 8, 25))


def test_grade_record_is_idempotent_and_audited(q1):
    school, period, kid = q1
    args = {"actor": None, "student": kid, "school": school, "grading_period": period, "course_code": "ALG1",
            "grade_type": "Grading Period"}
    first = grade_record(**args, letter_grade="E", numeric_grade=Decimal("52"))
    assert first.outcome == CREATED
    assert grade_record(**args, letter_grade="E", numeric_grade=Decimal("52.0")).outcome == UNCHANGED
    assert grade_record(**args, letter_grade="D", numeric_grade=Decimal("61")).outcome == UPDATED
    assert ChangeRecord.objects.filter(content_type__model="coursegrade").count() == 2
    with pytest.raises(ValidationError, match="Give a letter grade"):
        grade_record(**{**args, "course_code": "BIO"})
    other = f.school(code="B200")
    with pytest.raises(ValidationError, match="another school"):
        grade_record(**{**args, "school": other}, letter_grade="A")


def test_bulk_load_creates_updates_and_keeps_what_a_file_leaves_out(q1):
    school, period, kid = q1
    alg = (kid.pk, school.pk, period.pk, "ALG1", "", "Grading Period")
    eng = (kid.pk, school.pk, period.pk, "ENG9", "", "Grading Period")
    out = grades_load(grades={alg: {"letter_grade": "E", "numeric_grade": Decimal("52.5"), "course_title": "Algebra"},
                              eng: {"letter_grade": "B"}}, import_run_id=7)
    assert out == {alg: CREATED, eng: CREATED}
    g = CourseGrade.objects.get(course_code="ALG1")
    assert (g.letter_grade, g.numeric_grade, g.course_title, g.import_run_id, g.version) == (
        "E", Decimal("52.50"), "Algebra", 7, 1)
    # Run 8: ALG1 unchanged (52.50 is 52.5) keeps run 7; ENG9's letter changes; a file without
    # course_title or numeric_grade leaves them as stored.
    out = grades_load(grades={alg: {"letter_grade": "E", "numeric_grade": Decimal("52.50")},
                              eng: {"letter_grade": "C"}}, import_run_id=8)
    assert out == {alg: UNCHANGED, eng: UPDATED}
    alg_row, eng_row = CourseGrade.objects.get(course_code="ALG1"), CourseGrade.objects.get(course_code="ENG9")
    assert (alg_row.import_run_id, alg_row.version, alg_row.course_title) == (7, 1, "Algebra")
    assert (eng_row.letter_grade, eng_row.import_run_id, eng_row.version) == ("C", 8, 2)
    assert eng_row.updated_at > eng_row.created_at
