"""Ed-Fi InterchangeStudentGrade: Grade records import as the `grades` kind, the same rows as the
equivalent plain CSV; the interchange's other records are counted and skipped; rejects name the element;
a file cut short refuses the run. Synthetic data only."""

import datetime
from decimal import Decimal

import pytest

from casework.grades.models import CourseGrade
from casework.imports.edfi import ORDER, edfi_stages
from casework.imports.models import ImportRun
from casework.imports.services import import_run
from casework.schools.models import School

from . import test_edfi_fixtures as sample
from .test_csv_grades import stored
from .test_edfi_import import edfi, rejects

pytestmark = pytest.mark.django_db
URI = sample.URI


def section_ref(sid, school, course, section):
    """Ed-Fi-Core.xsd: the association's identity holds the section's (course, school, year, section,
    session) and the student's."""
    return ("<StudentSectionAssociationReference><StudentSectionAssociationIdentity><BeginDate>2025-09-01</BeginDate>"
            f"<SectionReference><SectionIdentity><LocalCourseCode>{course}</LocalCourseCode><SchoolId>{school}"
            f"</SchoolId><SchoolYear>2025-2026</SchoolYear><SectionIdentifier>{section}</SectionIdentifier>"
            f"<SessionName>Fall {school}</SessionName></SectionIdentity></SectionReference>{sample.student_ref(sid)}"
            "</StudentSectionAssociationIdentity></StudentSectionAssociationReference>")


def period_ref(school, identity):
    return (f"<GradingPeriodReference><GradingPeriodIdentity>{identity}<SchoolId>{school}</SchoolId>"
            "<SchoolYear>2025-2026</SchoolYear></GradingPeriodIdentity></GradingPeriodReference>")


# v5: the period by its GradingPeriodName; Ed-Fi 4.x: by its descriptor and PeriodSequence.
V5_GRADE = ("<Grade><LetterGradeEarned>F</LetterGradeEarned><NumericGradeEarned>52.5</NumericGradeEarned>"
            "<CurrentGradeAsOfDate>2025-09-10</CurrentGradeAsOfDate>"
            f"<GradeType>{URI}GradeTypeDescriptor#Grading Period</GradeType>"
            + period_ref(100, "<GradingPeriodName>First Quarter</GradingPeriodName>")
            + section_ref("100001", 100, "MA-05", "MA-05-1") + "</Grade>\n")
V4_GRADE = ("<Grade><LetterGradeEarned>D</LetterGradeEarned>"
            f"<GradeType>{URI}GradeTypeDescriptor#Final</GradeType>"
            + period_ref(200, f"<GradingPeriod>{URI}GradingPeriodDescriptor#Second Quarter</GradingPeriod>"
                              "<PeriodSequence>2</PeriodSequence>")
            + section_ref("100002", 200, "SS-07", "SS-07-3") + "</Grade>\n")
OTHERS = ("<ReportCard><GradingPeriodReference/></ReportCard>\n"
          "<GradebookEntry><GradebookEntryIdentifier>HW-1</GradebookEntryIdentifier></GradebookEntry>\n"
          "<GradebookEntry><GradebookEntryIdentifier>HW-2</GradebookEntryIdentifier></GradebookEntry>\n")
SAME_AS_CSV = ("student_id,school_id,school_year,course_code,section_id,grading_period,grading_period_sequence,"
               "grade_type,letter_grade,numeric_grade,as_of_date\n"
               "100001,100,2026,MA-05,MA-05-1,First Quarter,,Grading Period,F,52.5,2025-09-10\n"
               "100002,200,2026,SS-07,SS-07-3,Second Quarter,2,Final,D,,\n")


def grade_set(tmp_path, body=OTHERS + V5_GRADE + V4_GRADE):
    folder = sample.write_edfi(tmp_path / "set")
    (folder / "StudentGrade.xml").write_text(sample.doc("InterchangeStudentGrade", body), encoding="utf-8")
    return folder


def test_grades_come_after_the_enrollments_and_grading_periods():
    assert ORDER.index("enrollments") < ORDER.index("grades") and ORDER.index("grading_periods") < ORDER.index(
        "grades")
    assert ORDER.index("discipline") < ORDER.index("grades")


def test_grade_records_import_the_same_rows_as_the_equivalent_csv(tmp_path):
    run = edfi(grade_set(tmp_path))
    assert run.status == ImportRun.Status.COMMITTED, rejects(run)
    assert "grades" in run.kind.split(", ")
    # The sample set's 43 rows and the two grades.
    assert (run.created, run.rejected) == (45, 0)
    assert ("StudentGrade.xml: 2 GradebookEntry, 1 ReportCard not read: Casework reads only the Grade records "
            "of InterchangeStudentGrade (course grades); skipped.") in run.message
    from_edfi = stored()
    assert from_edfi == [
        ("100001", "100", "First Quarter", "MA-05", "", "MA-05-1", "Grading Period", "F", Decimal("52.50"),
         datetime.date(2025, 9, 10)),
        ("100002", "200", "Second Quarter", "SS-07", "", "SS-07-3", "Final", "D", None, None),
    ]

    csv_path = tmp_path / "grades.csv"
    csv_path.write_text(SAME_AS_CSV, encoding="utf-8")
    same = import_run(actor=None, kind="grades", paths=[csv_path])
    assert (same.status, same.created, same.updated, same.unchanged) == (ImportRun.Status.COMMITTED, 0, 0, 2)

    CourseGrade.objects.all().delete()
    fresh = import_run(actor=None, kind="grades", paths=[csv_path])
    assert (fresh.created, fresh.rejected) == (2, 0)
    assert stored() == from_edfi

    again = edfi(grade_set(tmp_path))
    assert (again.status, again.created, again.updated) == (ImportRun.Status.COMMITTED, 0, 0)


def test_a_file_of_grades_alone_is_not_a_skipped_interchange(tmp_path):
    folder = grade_set(tmp_path)
    assert not [w for w in edfi_stages([folder]).warnings if "InterchangeStudentGrade" in w and "not read" in w]


def test_rejected_grades_name_the_element(tmp_path):
    no_type = V5_GRADE.replace(f"<GradeType>{URI}GradeTypeDescriptor#Grading Period</GradeType>", "")
    unknown_period = V5_GRADE.replace("First Quarter", "Fifth Quarter").replace("MA-05", "SCI-05")
    not_there = V4_GRADE.replace("<SchoolId>200</SchoolId>", "<SchoolId>100</SchoolId>")
    run = edfi(grade_set(tmp_path, V5_GRADE + no_type + unknown_period + not_there + V5_GRADE), partial=True)
    assert (run.status, run.rejected) == (ImportRun.Status.PARTIAL, 4)
    assert rejects(run) == [
        ("StudentGrade.xml", "Grade[2]", "GradeType", "Grade has no GradeType; it is required."),
        ("StudentGrade.xml", "Grade[3]", "GradingPeriodReference/GradingPeriodName",
         "Unknown grading period 'Fifth Quarter': school 100's grading periods in 2025-2026 are First Quarter "
         "(quarter 1), Second Quarter (quarter 2); give one of these names or an Ed-Fi GradingPeriodDescriptor "
         "(First Quarter)."),
        ("StudentGrade.xml", "Grade[4]", "StudentSectionAssociationReference/SchoolId",
         "The student has no enrollment at this school."),
        ("StudentGrade.xml", "Grade[5]", "StudentSectionAssociationReference/LocalCourseCode",
         "Duplicate: the same grade (course MA-05, section MA-05-1, grading period First Quarter, grade type "
         "Grading Period) of this student is already on line 3."),
    ]
    assert [r.student_ref for r in run.rejected_rows.order_by("id")] == ["100001", "100001", "100002", "100001"]
    assert CourseGrade.objects.count() == 1


def test_a_grade_file_cut_short_refuses_the_run(tmp_path):
    folder = grade_set(tmp_path)
    path = folder / "StudentGrade.xml"
    text = path.read_text()
    path.write_text(text[: text.index("</Grade>") + 30])
    run = edfi(folder)
    assert run.status == ImportRun.Status.REFUSED
    assert "StudentGrade.xml, line" in run.message
    assert "ends in the middle of an element; was the export cut short?" in run.message
    assert School.objects.count() == CourseGrade.objects.count() == 0
