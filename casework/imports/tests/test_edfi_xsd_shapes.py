"""Ed-Fi records as Ed-Fi-Core.xsd 5.0 shapes them, and as older and hand-made files flatten them: both
read the same. The common types (`Name`, `BirthData`, `AttendanceEvent`, `Behavior`), an action with
several Discipline descriptors, xs:date values with a time zone, decimal attendance minutes."""

import datetime

import pytest

from casework.attendance.models import AttendanceEvent
from casework.discipline.models import Action, Incident
from casework.imports.models import ImportRun
from casework.students.models import Guardian, Student

from . import test_edfi_fixtures as sample
from .test_edfi_import import edfi, indicators, rejects

pytestmark = pytest.mark.django_db
D = datetime.date
URI = sample.URI


def test_the_xsd_shape_is_read_and_the_flattened_shape_reads_the_same(tmp_path):
    folder = sample.write_edfi(tmp_path / "xsd")
    assert "<Name><FirstName>Avery</FirstName>" in (folder / "Student.xml").read_text()
    assert "<AttendanceEvent><EventDate>2025-09-02</EventDate>" in (folder / "StudentAttendance.xml").read_text()
    run = edfi(folder)
    assert run.status == ImportRun.Status.COMMITTED, rejects(run)
    avery = Student.objects.get(district_id="100001")
    assert (avery.first_name, avery.last_name, avery.date_of_birth, avery.sex) == ("Avery", "Testcase",
                                                                                   D(2014, 5, 17), "F")
    assert (Guardian.objects.get().first_name, Guardian.objects.get().last_name) == ("Casey", "Testcase")
    tardy = AttendanceEvent.objects.get(student=avery, date=D(2025, 9, 4))
    assert (tardy.category, tardy.minutes_present, tardy.arrival_time) == ("tardy", 150, datetime.time(10, 30))
    assert str(AttendanceEvent.objects.get(student__district_id="100002").event_duration) == "0.50"
    before = indicators()

    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "Student.xml").write_text(sample.students(flat=True))
    (flat / "Contact.xml").write_text(sample.contacts(flat=True))
    (flat / "StudentAttendance.xml").write_text(sample.attendance(flat=True))
    again = edfi(flat)
    # 2 students + 1 contact + 1 link + 4 events, every one the same as the XSD shape stored.
    assert (again.status, again.created, again.updated, again.unchanged) == (ImportRun.Status.COMMITTED, 0, 0, 8)
    assert indicators() == before


def _discipline(actions: str, behavior: str) -> str:
    return sample.doc("InterchangeStudentDiscipline",
                      f"<DisciplineIncident><IncidentIdentifier>INC-1</IncidentIdentifier>"
                      f"<IncidentDate>2025-09-05</IncidentDate>{behavior}{sample.school_ref(100)}"
                      "</DisciplineIncident>\n" + actions)


def _action(action_id: str, disciplines: list[str], link: str) -> str:
    return (f"<DisciplineAction><DisciplineActionIdentifier>{action_id}</DisciplineActionIdentifier>"
            + "".join(f"<Discipline>{URI}DisciplineDescriptor#{d}</Discipline>" for d in disciplines)
            + f"<DisciplineDate>2025-09-08</DisciplineDate><DisciplineActionLength>2</DisciplineActionLength>"
            f"{sample.student_ref('100001')}{link}{sample.school_ref(100, 'ResponsibilitySchoolReference')}"
            "</DisciplineAction>\n")


INCIDENT_LINK = ("<StudentDisciplineIncidentAssociationReference><StudentDisciplineIncidentAssociationIdentity>"
                 f"{sample.student_ref('100001')}<DisciplineIncidentReference><DisciplineIncidentIdentity>"
                 f"<IncidentIdentifier>INC-1</IncidentIdentifier>{sample.school_ref(100)}"
                 "</DisciplineIncidentIdentity></DisciplineIncidentReference>"
                 "</StudentDisciplineIncidentAssociationIdentity></StudentDisciplineIncidentAssociationReference>")


def test_behavior_common_type_and_the_gravest_of_several_disciplines(tmp_path):
    folder = sample.write_edfi(tmp_path / "set")
    behavior = (f"<Behavior><BehaviorDetailedDescription>Pushed a classmate</BehaviorDetailedDescription>"
                f"<Behavior>{URI}BehaviorDescriptor#School Code of Conduct</Behavior></Behavior>")
    (folder / "StudentDiscipline.xml").write_text(_discipline(
        _action("A-1", ["Removal from Classroom", "Out of School Suspension", "In School Suspension"],
                INCIDENT_LINK)
        + _action("A-2", ["Removal from Classroom"], ""), behavior))
    run = edfi(folder)
    assert run.status == ImportRun.Status.COMMITTED, rejects(run)
    assert Incident.objects.get().code == "School Code of Conduct"
    # A-1 removes from class, suspends in school and out of school: the out-of-school suspension counts.
    gravest = Action.objects.get(action_id="A-1")
    assert (gravest.kind, gravest.incident.incident_id) == ("out_of_school_suspension", "INC-1")
    assert Action.objects.get(action_id="A-2").kind == "other"
    avery = dict(zip(indicators().splitlines()[0].split(","), indicators().splitlines()[1].split(","), strict=True))
    assert (avery["student_id"], avery["suspensions"], avery["days_suspended"]) == ("100001", "1", "2")


def test_zoned_dates_and_decimal_minutes_are_read(tmp_path):
    folder = sample.write_edfi(tmp_path / "set")
    def minutes(value):
        return f"<SchoolAttendanceDuration>{value}</SchoolAttendanceDuration>"
    rows = (("100001", "100", "2025-09-02Z", "Unexcused Absence", ""),
            ("100001", "100", "2025-09-03-04:00", "Tardy", minutes("150.0")),
            ("100001", "100", "2025-09-04+05:30", "Tardy", minutes("239.6")))
    (folder / "StudentAttendance.xml").write_text(sample.attendance(rows))
    run = edfi(folder)
    assert run.status == ImportRun.Status.COMMITTED, rejects(run)
    stored = dict(AttendanceEvent.objects.filter(student__district_id="100001").values_list("date", "minutes_present"))
    # 239.6 minutes are 239 whole minutes: under the four hours of a full day (COMAR: "4 hours or more").
    assert stored == {D(2025, 9, 2): None, D(2025, 9, 3): 150, D(2025, 9, 4): 239}


def test_decimal_minutes_that_are_not_a_number_are_rejected_by_name(tmp_path):
    folder = sample.write_edfi(tmp_path / "set")
    rows = (("100001", "100", "2025-09-03", "Tardy", "<SchoolAttendanceDuration>1.5.0</SchoolAttendanceDuration>"),)
    (folder / "StudentAttendance.xml").write_text(sample.attendance(rows))
    run = edfi(folder)
    assert run.status == ImportRun.Status.REFUSED
    [(_file, _element, field, reason)] = rejects(run)
    assert field == "SchoolAttendanceDuration" and "1.5.0" in reason  # named as the XSD names it


def test_the_recompute_after_an_import_counts_each_pair_once(tmp_path):
    """The set changes schools' calendars (their every student recomputed) and students: the students'
    pass then covers only their other schools, not the same pairs again."""
    run = edfi(sample.write_edfi(tmp_path / "set"))
    # Two students, each at one school, both schools' calendars imported: two pairs.
    assert "for 2 student x school pair(s)" in run.message
