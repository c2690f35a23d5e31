"""The seed's course grades: who gets them, for which periods, how they follow attendance, and their export
as the `grades` CSV kind and an Ed-Fi InterchangeStudentGrade."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET  # noqa: S405 - parses files this test wrote
from collections import defaultdict
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from casework.attendance.models import AttendanceEvent
from casework.calendars.models import GradingPeriod
from casework.grades.models import CourseGrade
from casework.seed.calendar_plan import district_days
from casework.seed.edfi_xml import NAMESPACE
from casework.seed.export import CSV_COLUMNS, export_district
from casework.seed.grades_plan import GRADED, PERIOD_GRADE, PROGRESS_REPORT, letter, student_grades
from casework.seed.plan import AS_OF, SCALES
from casework.seed.writer import seed_database
from casework.students.models import Enrollment, Student

from .test_year import ABSENT, TINY, years

# Big enough for a few dozen severe absentees among the grade 06-12 students; no recompute (not under test).
SCALE, SEED = replace(SCALES["demo"], students=1_200), 7
NS = f"{{{NAMESPACE}}}"


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """The district seeded once for the class, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        summary = seed_database(scale=SCALE, seed=SEED, recompute=False)
        yield summary
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    return folder, export_district(folder, scale=SCALE, seed=SEED)


def missed_share() -> dict[int, float]:
    """Per student, the share of the school days enrolled through the snapshot missed (half days count half),
    from the stored events and enrollments."""
    days, _ = district_days()
    days = [d for d in days if d <= AS_OF]
    enrolled: dict[int, int] = defaultdict(int)
    for sid, entry, exit_ in Enrollment.objects.values_list("student_id", "entry_date", "exit_date"):
        enrolled[sid] += sum(1 for d in days if entry <= d and (exit_ is None or d <= exit_))
    missed: dict[int, float] = defaultdict(float)
    for sid, duration in AttendanceEvent.objects.filter(category__in=ABSENT, date__lte=AS_OF).values_list(
            "student_id", "event_duration"):
        missed[sid] += float(duration if duration is not None else 1)
    return {sid: missed[sid] / n for sid, n in enrolled.items() if n}


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded")
class TestSeededGrades:
    def test_grades_only_for_grades_06_to_12_at_their_school_in_ended_or_current_periods(self):
        grades = list(CourseGrade.objects.select_related("grading_period"))
        assert len(grades) > 1_000
        enrollments = defaultdict(list)
        for e in Enrollment.objects.all():
            enrollments[e.student_id, e.school_id].append(e)
        for g in grades:
            p = g.grading_period
            assert p.school_id == g.school_id  # every grade's period belongs to its school
            day = g.as_of_date or p.end
            assert day <= AS_OF
            if g.grade_type == PERIOD_GRADE:
                assert g.as_of_date is None and p.end <= AS_OF  # the period has ended
            else:
                assert g.grade_type == PROGRESS_REPORT and p.begin <= g.as_of_date <= AS_OF < p.end
            # Enrolled at that school in grade 06-12 on the day the grade was given.
            assert any(e.grade in GRADED and e.entry_date <= day and (e.exit_date is None or day <= e.exit_date)
                       for e in enrollments[g.student_id, g.school_id])
            assert g.letter_grade == letter(int(g.numeric_grade)) and 40 <= g.numeric_grade <= 100
        graded_students = {g.student_id for g in grades}
        younger = set(Student.objects.filter(grade__in=["PK", "KG", "01", "02", "03", "04", "05"])
                      .values_list("pk", flat=True))
        assert younger and not graded_students & younger
        # Most secondary students are graded (the rest arrived too recently), in 4 to 7 courses.
        secondary = set(Student.objects.filter(grade__in=GRADED).values_list("pk", flat=True))
        assert len(graded_students) >= 0.9 * len(secondary)
        courses = defaultdict(set)
        for g in grades:
            if g.grade_type == PERIOD_GRADE:
                courses[g.student_id].add(g.course_code)
        assert {len(c) for c in courses.values()} <= {4, 5, 6, 7}
        # Only the first quarter has ended by the snapshot; the second is in progress.
        ended = set(GradingPeriod.objects.filter(end__lte=AS_OF).values_list("name", flat=True))
        assert ended == {"Q1"}
        assert {g.grading_period.name for g in grades if g.grade_type == PERIOD_GRADE} == ended
        assert {g.grading_period.name for g in grades if g.grade_type == PROGRESS_REPORT} == {"Q2"}

    def test_severe_absentees_fail_more_often_than_good_attenders(self):
        share = missed_share()
        failed: dict[int, bool] = {}
        for sid, letter_grade in CourseGrade.objects.filter(grade_type=PERIOD_GRADE).values_list(
                "student_id", "letter_grade"):
            failed[sid] = failed.get(sid, False) or letter_grade == "E"
        good = [failed[s] for s in failed if share[s] < 0.05]
        severe = [failed[s] for s in failed if share[s] >= 0.20]
        assert len(good) >= 100 and len(severe) >= 20
        good_rate, severe_rate = sum(good) / len(good), sum(severe) / len(severe)
        assert severe_rate >= 3 * good_rate and severe_rate - good_rate >= 0.15, (good_rate, severe_rate)

    def test_summary_counts_and_one_change_record(self, seeded):
        assert seeded.year["grades"] == CourseGrade.objects.count()
        assert any("course grades" in line for line in seeded.lines())

    def test_export_has_the_documented_columns_and_every_stored_grade(self, exported):
        folder, summary = exported
        with open(folder / "grades.csv", encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == CSV_COLUMNS["grades"] == [
                "student_id", "school_id", "school_year", "course_code", "grading_period", "letter_grade",
                "numeric_grade", "course_title", "section_id", "grade_type", "grading_period_sequence", "as_of_date"]
            rows = list(reader)
        assert len(rows) == summary.rows["grades"] == CourseGrade.objects.count()
        stored = sorted(CourseGrade.objects.values_list(
            "student__district_id", "school__code", "course_code", "grading_period__name", "letter_grade",
            "numeric_grade", "section_id", "grade_type", "as_of_date"))
        written = sorted((r["student_id"], r["school_id"], r["course_code"], r["grading_period"], r["letter_grade"],
                          Decimal(r["numeric_grade"]), r["section_id"], r["grade_type"],
                          date.fromisoformat(r["as_of_date"]) if r["as_of_date"] else None) for r in rows)
        assert written == stored

    def test_edfi_export_has_one_grade_element_per_stored_grade(self, exported):
        folder, _ = exported
        root = ET.parse(folder / "InterchangeStudentGrade.xml").getroot()  # noqa: S314
        assert root.tag == f"{NS}InterchangeStudentGrade"
        assert len(root) == CourseGrade.objects.count()
        assert {el.tag for el in root} == {f"{NS}Grade"}
        # Ed-Fi-Core.xsd 5.0 Grade: grades earned, GradeType, then the section association and period references.
        progress = next(el for el in root if el.find(f"{NS}CurrentGradeAsOfDate") is not None)
        assert [c.tag.removeprefix(NS) for c in progress] == [
            "LetterGradeEarned", "NumericGradeEarned", "GradeType", "StudentSectionAssociationReference",
            "GradingPeriodReference", "CurrentGradeIndicator", "CurrentGradeAsOfDate"]
        identity = progress.find(f"{NS}StudentSectionAssociationReference/{NS}StudentSectionAssociationIdentity")
        assert [c.tag.removeprefix(NS) for c in identity] == ["StudentReference", "SectionReference", "BeginDate"]
        offering = identity.find(f"{NS}SectionReference/{NS}SectionIdentity/{NS}CourseOfferingReference/"
                                 f"{NS}CourseOfferingIdentity")
        assert offering.findtext(f"{NS}LocalCourseCode") and offering.find(f"{NS}SessionReference") is not None
        assert progress.findtext(f"{NS}GradeType").endswith("#Progress Report")
        period = progress.find(f"{NS}GradingPeriodReference/{NS}GradingPeriodIdentity")
        assert period.findtext(f"{NS}GradingPeriodName") == "Q2"


def test_a_later_cut_adds_grades_and_changes_none_given_by_the_snapshot():
    later = date(2027, 6, 15)
    for s, calendars, year in years(TINY, 5, later):
        whole = student_grades(s, year, calendars, 5, through=later)
        snapshot = student_grades(s, year.through(AS_OF), calendars, 5, through=AS_OF)
        assert snapshot == [g for g in whole if g.given_on <= AS_OF]
        if whole:
            # A semester's grade is its quarters' mean, so it sits between them.
            by = defaultdict(dict)
            for g in whole:
                if g.grade_type == PERIOD_GRADE:
                    by[g.course_code][g.period.name] = g.numeric
            for marks in by.values():
                if {"Q1", "Q2", "S1"} <= marks.keys():
                    assert min(marks["Q1"], marks["Q2"]) - 1 <= marks["S1"] <= max(marks["Q1"], marks["Q2"]) + 1


@pytest.mark.django_db
def test_no_grades_leaves_them_out_of_the_database_and_the_export(tmp_path):
    call_command("seed", scale="demo", students=120, no_recompute=True, no_grades=True, export=str(tmp_path),
                 stdout=io.StringIO())
    assert Student.objects.filter(grade__in=GRADED).exists() and not CourseGrade.objects.exists()
    with open(tmp_path / "grades.csv", encoding="utf-8") as fh:
        assert fh.read().splitlines() == [",".join(CSV_COLUMNS["grades"])]
    root = ET.parse(tmp_path / "InterchangeStudentGrade.xml").getroot()  # noqa: S314
    assert root.tag == f"{NS}InterchangeStudentGrade" and len(root) == 0
