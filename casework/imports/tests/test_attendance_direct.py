"""PostgreSQL's direct load of a clean first file of the year (attendance_direct.py): the rows it writes
are the staging path's, value for value, and anything short of plainly good goes to the staging path,
which names the rejected rows. Other tests of the attendance import run through it too."""

import pytest
from django.db import connection

from casework.attendance.models import AttendanceEvent
from casework.imports import attendance_bulk, attendance_direct
from casework.imports.models import ImportRun

from .test_csv_attendance import reasons, run, write

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the direct load is PostgreSQL's")

FIELDS = ("student__district_id", "school__code", "date", "category", "reason_code", "reason_text",
          "minutes_present", "minutes_scheduled", "event_duration", "arrival_time", "departure_time", "descriptor")
HEADER = "student_id,school_id,date,category,reason_code,reason_text,minutes_present,event_duration," \
         "arrival_time,departure_time,descriptor\n"
CLEAN = (HEADER
         + "100001,A100,2025-09-02,unexcused,,,,,,,\n"
         + "100001,A100, 09/03/2025 ,Excused,b,Dentist\\ visit\tnote,,,,,\n"
         + "100001,A100,2025-09-04,,,,,,,,uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy\n"
         + "200002,B200,2025-09-02,tardy,,,300,,8:40 AM,15:00,\n"
         + "200002,B200,2025-09-03,excused,,Illness (B),,0.5,,,\r\n")


@pytest.fixture
def outcomes(monkeypatch):
    """What each direct attempt returned: (rows, students) or None."""
    seen = []
    real = attendance_direct.load_direct

    def spy(*args, **kwargs):
        seen.append(real(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(attendance_bulk, "load_direct", spy)
    return seen


def stored():
    return sorted(AttendanceEvent.objects.values_list(*FIELDS), key=lambda r: (r[0], r[2], r[3]))


def test_a_clean_file_goes_in_directly_with_the_staging_paths_values(two_schools, tmp_path, outcomes, monkeypatch):
    path = write(tmp_path, CLEAN)
    direct = run(path)
    assert (direct.status, direct.created, reasons(direct)) == (ImportRun.Status.COMMITTED, 5, [])
    assert outcomes[0] is not None and outcomes[0][0] == 5 and len(outcomes[0][1]) == 2
    by_direct = stored()
    assert [r[5] for r in by_direct if r[2].day == 3] == ["Dentist\\ visit\tnote", "Illness (B)"]

    AttendanceEvent.objects.all().delete()
    monkeypatch.setattr(attendance_bulk, "load_direct", lambda *a, **k: None)  # the staging path alone
    staged = run(path)
    assert (staged.status, staged.created) == (ImportRun.Status.COMMITTED, 5)
    assert stored() == by_direct

    # The same file again: the year's events are stored, so the staging path compares them.
    outcomes.clear()
    monkeypatch.undo()
    monkeypatch.setattr(attendance_bulk, "load_direct", lambda *a, **k: outcomes.append("tried"))
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


@pytest.mark.parametrize(("last_line", "expected"), [
    ("200002,B200,2025-09-04,holiday,,,,,,,\n", [(7, "category", "Unknown attendance category 'holiday'; use one of "
                                                 "present, excused, unexcused, tardy, early_departure, partial, "
                                                 "in_school_suspension, out_of_school_suspension.")]),
    ("200002,A100,2025-09-04,unexcused,,,,,,,\n", [(7, "school_id", "The student has no enrollment at this school.")]),
    ("999999,A100,2025-09-04,unexcused,,,,,,,\n", [(7, "student_id",
                                                    "Unknown student 999999: import the students file first.")]),
    ("100001,A100,2025-09-02,unexcused,,,,,,,\n", [(7, "date", "Duplicate event: the same student, school, date "
                                                    "and category are already on line 2.")]),
])
def test_a_bad_last_row_undoes_the_direct_load_and_is_named(two_schools, tmp_path, outcomes, last_line, expected):
    r = run(write(tmp_path, CLEAN + last_line))
    assert outcomes == [None]
    assert (r.status, reasons(r)) == (ImportRun.Status.REFUSED, expected)
    assert AttendanceEvent.objects.count() == 0

    partial = run(write(tmp_path, CLEAN + last_line, name="again.csv"), partial=True)
    assert (partial.status, partial.created, reasons(partial)) == (ImportRun.Status.PARTIAL, 5, expected)
