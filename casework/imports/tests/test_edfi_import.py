"""Ed-Fi XML imported end to end: every interchange of a small hand-written set, re-import unchanged,
refusals (truncated, unknown root, bad bytes), rejects with the element, and the same data as plain CSV
giving the same indicators."""

import datetime
import io

import pytest
from django.core.management import call_command

from casework.attendance.models import AttendanceEvent
from casework.calendars.models import GradingPeriod, Session
from casework.discipline.models import Action, Incident
from casework.imports.models import ImportRun
from casework.imports.services import import_bundle, import_run
from casework.programs.models import ProgramParticipation
from casework.schools.models import School
from casework.students.models import Enrollment, Guardian, Student, StudentGuardian

from . import test_edfi_fixtures as sample

pytestmark = pytest.mark.django_db
D = datetime.date


def edfi(*paths, **kw):
    return import_bundle(actor=None, fmt="edfi", paths=list(paths), **kw)


def rejects(run):
    return [(r.file, r.element, r.field, r.reason) for r in run.rejected_rows.order_by("file", "line", "id")]


def indicators(as_of="2025-09-26") -> str:
    out = io.StringIO()
    call_command("indicators", "--as-of", as_of, "--format", "csv", stdout=out)
    return out.getvalue()


def test_folder_imports_every_interchange(tmp_path):
    run = edfi(sample.write_edfi(tmp_path / "set"))
    assert run.status == ImportRun.Status.COMMITTED, rejects(run)
    assert run.kind == ("schools, calendar, sessions, grading_periods, students, guardians, student_guardians, "
                        "enrollments, attendance, discipline, programs")
    # 2 schools + 22 dates + 2 sessions + 4 periods + 2 students + 1 guardian + 1 link + 2 enrollments
    # + 4 events + 1 action + 2 programs = 43 rows.
    assert (run.created, run.updated, run.unchanged, run.rejected) == (43, 0, 0, 0)

    lakeside = School.objects.get(code="100")
    assert (lakeside.name, lakeside.level, lakeside.street, lakeside.state) == (
        "Lakeside Elementary", "elementary", "100 Main St", "MD")
    assert School.objects.get(code="200").level == "middle"
    assert {(s.school.code, s.calendar_source, s.total_instructional_days, s.term) for s in Session.objects.all()} == {
        ("100", "dates_listed", 20, "Fall Semester"), ("200", "periods_with_counts", 19, "Fall Semester")}
    q2 = GradingPeriod.objects.get(school=lakeside, sequence=2)
    assert (q2.kind, q2.begin, q2.name) == ("quarter", D(2025, 9, 15), "Second Quarter")

    avery = Student.objects.get(district_id="100001")
    assert (avery.first_name, avery.date_of_birth, avery.sex, avery.grade) == ("Avery", D(2014, 5, 17), "F", "05")
    assert Student.objects.get(district_id="100002").grade == "07"
    guardian = Guardian.objects.get(contact_id="G-1")
    assert (guardian.phone, guardian.email) == ("410-555-0100", "casey@example.org")
    link = StudentGuardian.objects.get(student=avery, guardian=guardian)
    assert (link.relationship, link.lives_with, link.has_custody, link.emergency_contact, link.contact_order) == (
        "grandmother", True, True, True, 1)
    assert Enrollment.objects.get(student=avery).school == lakeside

    tardy = AttendanceEvent.objects.get(student=avery, date=D(2025, 9, 4))
    assert (tardy.category, tardy.minutes_present, tardy.arrival_time) == ("tardy", 150, datetime.time(10, 30))
    assert tardy.descriptor == "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy"
    half = AttendanceEvent.objects.get(student__district_id="100002")
    assert (half.category, str(half.event_duration)) == ("unexcused", "0.50")

    action = Action.objects.get(action_id="OSS-1")
    assert (action.kind, action.student, action.incident.incident_id) == ("out_of_school_suspension", avery, "INC-1")
    assert Incident.objects.get().date == D(2025, 9, 5)

    homeless = ProgramParticipation.objects.get(kind="homeless")
    assert (homeless.nighttime_residence, homeless.unaccompanied_youth, homeless.program_name) == (
        "doubled_up", False, "McKinney-Vento")
    # A specialized association keeps its ProgramType as received.
    assert homeless.descriptor == "uri://ed-fi.org/ProgramTypeDescriptor#Homeless"
    assert ProgramParticipation.objects.get(kind="section_504").descriptor == \
        "uri://ed-fi.org/ProgramTypeDescriptor#Section 504 Placement"
    blake = Student.objects.get(district_id="100002")
    assert blake.homeless is True
    assert avery.has_504 is False  # the 504 participation ended 9/10: not open today


def test_reimport_is_all_unchanged(tmp_path):
    folder = sample.write_edfi(tmp_path / "set")
    edfi(folder)
    again = edfi(folder)
    assert again.status == ImportRun.Status.COMMITTED
    assert (again.created, again.updated, again.unchanged) == (0, 0, 43)
    assert "Nothing changed" in again.message


def test_files_may_be_given_one_by_one_in_any_order(tmp_path):
    folder = sample.write_edfi(tmp_path / "set")
    files = sorted(folder.iterdir(), reverse=True)
    run = edfi(*files)
    assert run.status == ImportRun.Status.COMMITTED, rejects(run)
    assert run.created == 43


def test_truncated_file_is_refused_and_nothing_written(tmp_path):
    folder = sample.write_edfi(tmp_path / "set")
    path = folder / "StudentAttendance.xml"
    text = path.read_text()
    path.write_text(text[: text.index("</StudentSchoolAttendanceEvent>") + 40])
    run = edfi(folder)
    assert run.status == ImportRun.Status.REFUSED
    assert "StudentAttendance.xml, line" in run.message
    assert "ends in the middle of an element; was the export cut short?" in run.message
    assert School.objects.count() == Student.objects.count() == AttendanceEvent.objects.count() == 0


def test_the_command_names_a_refused_set_without_an_empty_kind(tmp_path):
    from django.core.management.base import CommandError

    (tmp_path / "set").mkdir()
    (tmp_path / "set" / "Students.xml").write_text("<?xml version='1.0'?><Interchange", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="refused: nothing was written"):
        call_command("import", "edfi", str(tmp_path / "set"), "--no-progress", stdout=out, stderr=io.StringIO())
    header = out.getvalue().splitlines()[0]
    assert header.split(" ", 3)[3] == "(edfi): Refused (nothing written)", header


def test_a_root_that_is_no_interchange_is_refused_by_name(tmp_path):
    folder = sample.write_edfi(tmp_path / "set")
    (folder / "Page.xml").write_text(sample.doc("html", "<body/>\n"))
    run = edfi(folder)
    assert run.status == ImportRun.Status.REFUSED
    assert "Page.xml: the root element <html> is not an Ed-Fi interchange" in run.message
    assert School.objects.count() == 0


def test_only_interchanges_casework_does_not_read_are_refused(tmp_path):
    path = tmp_path / "Finance.xml"
    path.write_text(sample.doc("InterchangeFinance", "<LocalAccount/>\n"))
    run = edfi(path)
    assert run.status == ImportRun.Status.REFUSED
    assert "Finance.xml: InterchangeFinance is not read by Casework; skipped." in run.message
    assert "No file holds an Ed-Fi interchange Casework reads" in run.message


def test_undecodable_byte_is_refused_clearly(tmp_path):
    folder = sample.write_edfi(tmp_path / "set")
    path = folder / "Student.xml"
    path.write_bytes(path.read_bytes().replace(b"Avery", b"Av\xe9ry"))  # Latin-1 byte in a UTF-8 file
    run = edfi(folder)
    assert run.status == ImportRun.Status.REFUSED
    assert "Student.xml, line 3" in run.message and "does not decode" in run.message
    assert Student.objects.count() == 0


def test_declared_encoding_is_honoured(tmp_path):
    folder = sample.write_edfi(tmp_path / "set")
    path = folder / "Student.xml"
    text = path.read_text().replace('encoding="UTF-8"', 'encoding="windows-1252"').replace("Avery", "Avéry")
    path.write_bytes(text.encode("cp1252"))
    run = edfi(folder)
    assert run.status == ImportRun.Status.COMMITTED, run.message
    assert Student.objects.get(district_id="100001").first_name == "Avéry"


def test_unknown_student_and_missing_event_date_are_rejected_with_the_element(tmp_path):
    folder = sample.write_edfi(tmp_path / "set")
    rows = (*sample.ATTENDANCE, ("999999", "100", "2025-09-05", "Unexcused Absence", ""))
    body = sample.attendance(rows).replace("</InterchangeStudentAttendance>", sample.attendance_event(
        "100001", "100", "", "Tardy", "", date=False) + "</InterchangeStudentAttendance>")
    (folder / "StudentAttendance.xml").write_text(body)
    run = edfi(folder)
    assert run.status == ImportRun.Status.REFUSED
    assert rejects(run) == [
        ("StudentAttendance.xml", "StudentSchoolAttendanceEvent[5]", "StudentReference/StudentUniqueId",
         "Unknown student 999999: import the students file first."),
        ("StudentAttendance.xml", "StudentSchoolAttendanceEvent[6]", "EventDate",
         "StudentSchoolAttendanceEvent has no EventDate; it is required."),
    ]
    assert [r.line for r in run.rejected_rows.order_by("line")] == [7, 8]
    # The StudentUniqueId of each record, the unknown one too.
    assert [r.student_ref for r in run.rejected_rows.order_by("line")] == ["999999", "100001"]
    assert AttendanceEvent.objects.count() == 0
    partial = edfi(folder, partial=True)
    assert partial.status == ImportRun.Status.PARTIAL and AttendanceEvent.objects.count() == 4


def test_indicators_record_the_calendar_method_and_match_hand_counts(tmp_path):
    edfi(sample.write_edfi(tmp_path / "set"))
    rows = {r.split(",")[0]: r.split(",") for r in indicators().splitlines()[1:]}
    header = indicators().splitlines()[0].split(",")
    avery = dict(zip(header, rows["100001"], strict=True))
    blake = dict(zip(header, rows["100002"], strict=True))
    # 100001 at 100 (dates listed, 20 days): 9/2 unexcused 1 + 9/3 excused without a reason (presumed
    # unlawful) 1 + 9/4 tardy with 150 minutes (a half day) 0.5 = 2.5 absent, all unlawful; 17.5 / 20.
    assert (avery["days_enrolled"], avery["days_present"], avery["days_absent"], avery["days_unlawful"],
            avery["attendance_rate"], avery["suspensions"], avery["calendar_method"]) == (
        "20", "17.5", "2.5", "2.5", "0.8750", "1", "dates_listed")
    # 100002 at 200 (periods with counts: weekdays minus the 9/19 holiday = 19): half a day unexcused.
    assert (blake["days_enrolled"], blake["days_present"], blake["days_absent"], blake["attendance_rate"],
            blake["calendar_method"]) == ("19", "18.5", "0.5", "0.9737", "periods_with_counts")


def test_same_data_as_plain_csv_gives_identical_indicators(tmp_path):
    edfi(sample.write_edfi(tmp_path / "set"))
    from_edfi = indicators()
    for model in (AttendanceEvent, Action, Incident, ProgramParticipation, StudentGuardian, Guardian, Enrollment):
        model.objects.all().delete()
    Student.objects.all().delete()
    from casework.calendars.models import CalendarDate
    from casework.indicators.models import StudentIndicator

    StudentIndicator.objects.all().delete()
    for model in (GradingPeriod, Session, CalendarDate):
        model.objects.all().delete()
    School.objects.all().delete()
    assert not (Student.objects.exists() or School.objects.exists())  # nothing left of the Ed-Fi import
    for kind, path in sample.write_csv(tmp_path / "csv"):
        run = import_run(actor=None, kind=kind, paths=[path])
        assert run.status == ImportRun.Status.COMMITTED, (kind, rejects(run))
    assert indicators() == from_edfi


def test_a_student_without_birth_date_is_still_rejected(tmp_path):
    """Only a OneRoster bundle may leave the birth date out (demographics.csv is optional there)."""
    folder = sample.write_edfi(tmp_path / "set")
    path = folder / "Student.xml"
    path.write_text(path.read_text().replace("<BirthDate>2014-05-17</BirthDate>", ""))
    run = edfi(folder)
    assert run.status == ImportRun.Status.REFUSED
    assert [r[2:] for r in rejects(run) if r[0] == "Student.xml"] == [
        ("BirthDate", "Student has no BirthDate; it is required.")]
    # The rows about that student name the rejected record's line, not "Unknown student".
    line = run.rejected_rows.get(file="Student.xml").line
    following = {r[3] for r in rejects(run) if r[0] != "Student.xml"}
    assert following == {f"Student 100001 is on line {line} of Student.xml, which was rejected: see that line's "
                         "reason."}
    # The student record and every row about it (attendance's set-based check too) name the student.
    assert set(run.rejected_rows.values_list("student_ref", flat=True)) == {"100001"}
