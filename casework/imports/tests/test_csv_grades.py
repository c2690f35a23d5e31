"""The `grades` kind as plain CSV (course grades, Ed-Fi Grade): created, unchanged on re-import, updated,
the grading period found by name or Ed-Fi descriptor, the enrollment checked against the period, rejects
with reasons, all or nothing unless --partial. Synthetic data only."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from casework.core.testing import factories as f
from casework.grades.models import CourseGrade
from casework.imports.models import ImportRun
from casework.imports.services import import_run, template

from .test_csv_kinds import bulk_models, reasons, write

D = datetime.date
PERIODS = ("school_id,school_year,kind,sequence,name,begin,end,descriptor\n"
           "A100,2026,quarter,1,Q1,2025-08-25,2025-11-07,uri://ed-fi.org/GradingPeriodDescriptor#First Quarter\n"
           "A100,2026,quarter,2,Q2,2025-11-10,2026-01-23,uri://ed-fi.org/GradingPeriodDescriptor#Second Quarter\n")
HEAD = "student_id,school_id,school_year,course_code,grading_period,letter_grade,numeric_grade\n"
GRADES = ("student_id,school_id,school_year,course_code,course_title,section_id,grading_period,grade_type,"
          "letter_grade,numeric_grade,as_of_date\n"
          "100001,A100,2026,MA-05,Math 5,MA-05-1,Q1,,F,52.5,\n"
          "100001,A100,2025-2026,ELA-05,English 5,ELA-05-2,Q1,,C,,\n"
          "100001,A100,2025-26,SCI-05,,,Q2,uri://ed-fi.org/GradeTypeDescriptor#Progress Report,,71,2025-12-05\n")


@pytest.fixture
def periods(world, tmp_path):
    run = import_run(actor=None, kind="grading_periods", paths=[write(tmp_path, PERIODS, "periods.csv")])
    assert run.status == ImportRun.Status.COMMITTED, reasons(run)
    return world


def grades(tmp_path, text, *, name="grades.csv", partial=False):
    return import_run(actor=None, kind="grades", paths=[write(tmp_path, text, name)], partial=partial)


def stored():
    return sorted((g.student.district_id, g.school.code, g.grading_period.name, g.course_code, g.course_title,
                   g.section_id, g.grade_type, g.letter_grade, g.numeric_grade, g.as_of_date)
                  for g in CourseGrade.objects.select_related("student", "school", "grading_period"))


def test_template_and_command_line_know_the_kind(db):
    header = ("student_id,school_id,school_year,course_code,grading_period,letter_grade,numeric_grade,course_title,"
              "section_id,grade_type,grading_period_sequence,as_of_date\n")
    assert template("grades") == header
    out = io.StringIO()
    call_command("import", "--template", "grades", stdout=out)
    assert out.getvalue() == header


def test_grades_are_created_with_their_fields_and_a_reimport_changes_nothing(periods, tmp_path):
    run = grades(tmp_path, GRADES)
    assert run.status == ImportRun.Status.COMMITTED, reasons(run)
    assert (run.created, run.updated, run.unchanged, run.rejected) == (3, 0, 0, 0)
    assert stored() == [
        ("100001", "A100", "Q1", "ELA-05", "English 5", "ELA-05-2", "Grading Period", "C", None, None),
        ("100001", "A100", "Q1", "MA-05", "Math 5", "MA-05-1", "Grading Period", "F", Decimal("52.50"), None),
        ("100001", "A100", "Q2", "SCI-05", "", "", "Progress Report", "", Decimal("71.00"), D(2025, 12, 5)),
    ]
    assert set(CourseGrade.objects.values_list("import_run_id", flat=True)) == {run.pk}
    assert bulk_models(run) == ["coursegrade"]

    again = grades(tmp_path, GRADES, name="again.csv")
    assert (again.status, again.created, again.updated, again.unchanged) == (ImportRun.Status.COMMITTED, 0, 0, 3)
    assert "Nothing changed: every row matches what is stored." in again.message
    assert bulk_models(again) == []
    assert set(CourseGrade.objects.values_list("import_run_id", flat=True)) == {run.pk}  # unchanged rows keep it


def test_a_changed_grade_is_updated(periods, tmp_path):
    grades(tmp_path, GRADES)
    run = grades(tmp_path, GRADES.replace("Q1,,F,52.5", "Q1,,D,62"), name="fixed.csv")
    assert (run.status, run.created, run.updated, run.unchanged) == (ImportRun.Status.COMMITTED, 0, 1, 2)
    math = CourseGrade.objects.get(course_code="MA-05")
    assert (math.letter_grade, math.numeric_grade, math.version, math.import_run_id) == ("D", Decimal("62.00"), 2,
                                                                                         run.pk)


def test_a_changed_grade_recomputes_that_students_indicators(periods, tmp_path, monkeypatch):
    from casework.indicators import services as indicator_services

    calls = []
    monkeypatch.setattr(indicator_services, "indicators_recompute",
                        lambda **kw: calls.append(kw) or indicator_services.Recomputed(pairs=0, rows=0))
    grades(tmp_path, GRADES)
    assert [c.get("student_ids") for c in calls] == [[periods.student_a.pk]]
    calls.clear()
    grades(tmp_path, GRADES, name="again.csv")
    assert calls == []  # nothing changed, nothing to recompute


def test_absent_columns_leave_stored_values_alone(periods, tmp_path):
    grades(tmp_path, GRADES)
    run = grades(tmp_path, HEAD.replace(",numeric_grade", "") + "100001,A100,2026,MA-05,Q1,F\n", name="letters.csv")
    assert run.status == ImportRun.Status.COMMITTED, reasons(run)
    # No section_id column: the key's section is empty, another grade than MA-05-1's.
    assert run.created == 1
    run = grades(tmp_path, "student_id,school_id,school_year,course_code,section_id,grading_period,letter_grade\n"
                           "100001,A100,2026,MA-05,MA-05-1,Q1,F\n", name="same.csv")
    assert (run.created, run.updated, run.unchanged) == (0, 0, 1)
    math = CourseGrade.objects.get(course_code="MA-05", section_id="MA-05-1")
    assert (math.numeric_grade, math.course_title) == (Decimal("52.50"), "Math 5")


@pytest.mark.parametrize("given, sequence, name", [
    ("q1", "", "Q1"),
    ("First Quarter", "", "Q1"),
    ("uri://ed-fi.org/GradingPeriodDescriptor#Second Quarter", "", "Q2"),
    ("uri://district.example.org/GradingPeriodDescriptor#Q2", "", "Q2"),
    ("quarter", "2", "Q2"),
    ("First Quarter", "2", "Q2"),  # Ed-Fi 4.x: the reference's PeriodSequence decides
])
def test_the_grading_period_is_found_by_name_or_descriptor(periods, tmp_path, given, sequence, name):
    run = grades(tmp_path, "student_id,school_id,school_year,course_code,grading_period,grading_period_sequence,"
                           f"letter_grade\n100001,A100,2026,MA-05,{given},{sequence},B\n")
    assert run.status == ImportRun.Status.COMMITTED, reasons(run)
    assert CourseGrade.objects.get().grading_period.name == name


def test_an_unknown_grading_period_names_the_schools_periods(periods, tmp_path):
    f.enrollment(student=periods.student_b, school=periods.school_a)
    run = grades(tmp_path, HEAD + "100001,A100,2026,MA-05,Q9,F,\n"
                                  "200002,B200,2026,MA-07,Q1,F,\n"
                                  "100001,A100,2027,MA-05,Q1,F,\n")
    assert run.status == ImportRun.Status.REFUSED
    assert reasons(run) == [
        (2, "grading_period", "Unknown grading period 'Q9': school A100's grading periods in 2025-2026 are "
                              "Q1 (quarter 1), Q2 (quarter 2); give one of these names or an Ed-Fi "
                              "GradingPeriodDescriptor (First Quarter)."),
        (3, "grading_period", "Unknown grading period 'Q1': school B200 has no grading periods in school year "
                              "2025-2026. Import the school's calendar (the Ed-Fi calendar interchange) or a "
                              "grading_periods file first."),
        (4, "grading_period", "Unknown grading period 'Q1': school A100 has no grading periods in school year "
                              "2026-2027. Import the school's calendar (the Ed-Fi calendar interchange) or a "
                              "grading_periods file first."),
    ]


def test_the_student_must_be_enrolled_at_the_school_during_the_period(periods, tmp_path):
    f.student(school=periods.school_a, district_id="100003", entry_date=D(2025, 11, 10))  # from Q2 on
    left = f.student(school=periods.school_a, district_id="100004", exit_date=D(2025, 9, 30))  # left in Q1
    run = grades(tmp_path, HEAD + "100003,A100,2026,MA-05,Q1,F,\n"
                                  "200002,A100,2026,MA-05,Q1,F,\n"
                                  "100003,A100,2026,MA-05,Q2,F,\n"
                                  "100004,A100,2026,MA-05,Q1,F,\n", partial=True)
    assert (run.status, run.created, run.rejected) == (ImportRun.Status.PARTIAL, 2, 2)
    assert reasons(run) == [
        (2, "grading_period", "The student is not enrolled at this school during grading period Q1 "
                              "(2025-08-25 to 2025-11-07)."),
        (3, "school_id", "The student has no enrollment at this school."),
    ]
    assert CourseGrade.objects.filter(student=left).exists()  # enrolled for part of Q1: graded for it


def test_a_second_row_for_the_same_grade_is_a_duplicate(periods, tmp_path):
    run = grades(tmp_path, HEAD + "100001,A100,2026,MA-05,Q1,F,\n"
                                  "100001,A100,2026,MA-05,First Quarter,D,\n"
                                  "100001,A100,2026,MA-05,Q2,D,\n")
    assert reasons(run) == [(3, "course_code", "Duplicate: the same grade (course MA-05, section (none), grading "
                                               "period Q1, grade type Grading Period) of this student is already "
                                               "on line 2.")]
    assert not CourseGrade.objects.exists()


@pytest.mark.parametrize("row, field, reason", [
    ("100001,A100,2026,MA-05,Q1,,abc", "numeric_grade", "'abc' is not a number."),
    ("100001,A100,2026,MA-05,Q1,,1000", "numeric_grade", "numeric_grade must be between 0 and 999.99."),
    ("100001,A100,2026,MA-05,Q1,,-1", "numeric_grade", "numeric_grade must be between 0 and 999.99."),
    ("100001,A100,2026,MA-05,Q1,,", "letter_grade", "The row has no grade: give a letter grade, a numeric grade "
                                                    "or both."),
    ("100001,A100,2026,MA-05,Q1,ABCDEFGHIJKLMNOPQRSTU,", "letter_grade", "letter_grade is longer than 20 "
                                                                         "characters."),
    ("100001,A100,2026,,Q1,F,", "course_code", "course_code is required (the SIS's local course code)."),
    ("100001,A100,2026,MA-05,,F,", "grading_period", "grading_period is required (the grading period's name, e.g. "
                                                     "Q1, or an Ed-Fi GradingPeriodDescriptor)."),
    ("100001,A100,,MA-05,Q1,F,", "school_year", "school_year is required (the year the school year ends, e.g. "
                                                "2027)."),
    ("999999,A100,2026,MA-05,Q1,F,", "student_id", "Unknown student 999999: import the students file first."),
    ("100001,Z999,2026,MA-05,Q1,F,", "school_id", "Unknown school Z999: no school has this code."),
])
def test_rejects_name_the_column_and_the_reason(periods, tmp_path, row, field, reason):
    run = grades(tmp_path, HEAD + row + "\n")
    assert reasons(run) == [(2, field, reason)]


def test_a_bad_as_of_date_is_rejected(periods, tmp_path):
    run = grades(tmp_path, HEAD.replace("\n", ",as_of_date\n") + "100001,A100,2026,MA-05,Q1,F,,2025-02-30\n")
    assert reasons(run) == [(2, "as_of_date", "2025-02-30 is not a real date (no such day in the calendar).")]


def test_a_file_without_either_grade_column_is_refused(periods, tmp_path):
    run = grades(tmp_path, "student_id,school_id,school_year,course_code,grading_period\n100001,A100,2026,MA-05,Q1\n")
    assert run.status == ImportRun.Status.REFUSED and "letter_grade" in run.message


def test_all_or_nothing_unless_partial(periods, tmp_path):
    text = HEAD + "100001,A100,2026,MA-05,Q1,F,\n100001,A100,2026,ELA-05,Q1,,x\n100001,A100,2026,SCI-05,Q2,B,\n"
    refused = grades(tmp_path, text)
    assert (refused.status, refused.created, refused.rejected) == (ImportRun.Status.REFUSED, 0, 1)
    assert "1 row(s) rejected: nothing was written" in refused.message
    assert not CourseGrade.objects.exists()
    partial = grades(tmp_path, text, name="again.csv", partial=True)
    assert (partial.status, partial.created, partial.rejected) == (ImportRun.Status.PARTIAL, 2, 1)
    assert sorted(CourseGrade.objects.values_list("course_code", flat=True)) == ["MA-05", "SCI-05"]
