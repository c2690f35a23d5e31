"""The direct load of a clean first file of the year (attendance_direct.py), on both databases: the
rows it writes are the staging path's, value for value and as stored, and anything short of plainly
good goes to the staging path, which names the rejected rows. Other tests of the attendance import run
through it too."""

import pytest
from django.db import connection

from casework.attendance.models import AttendanceEvent
from casework.imports import attendance_bulk, attendance_direct
from casework.imports.models import ImportRun

from .test_csv_attendance import reasons, run, write

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


def raw_rows():
    """The rows as the database holds them (SQLite keeps what it was given: text, a number, NULL)."""
    columns = ("student_id", "school_id", "date", "category", "reason_code", "reason_text", "minutes_present",
               "minutes_scheduled", "event_duration", "arrival_time", "departure_time", "descriptor", "version")
    with connection.cursor() as c:
        c.execute(f"SELECT {', '.join(columns)}{', typeof(event_duration), typeof(date)' if connection.vendor == 'sqlite' else ''} "  # noqa: S608, E501
                  f"FROM {AttendanceEvent._meta.db_table} ORDER BY student_id, date, category")
        return c.fetchall()


def test_a_clean_file_goes_in_directly_with_the_staging_paths_values(two_schools, tmp_path, outcomes, monkeypatch):
    from django.utils import timezone

    path = write(tmp_path, CLEAN)
    table = AttendanceEvent._meta.db_table
    with connection.cursor() as c:
        keys_before = connection.introspection.get_constraints(c, table)
    started = timezone.now()
    direct = run(path)
    assert (direct.status, direct.created, reasons(direct)) == (ImportRun.Status.COMMITTED, 5, [])
    assert outcomes[0] is not None and outcomes[0][0] == 5 and len(outcomes[0][1]) == 2
    # The load drops the indexes and keys (on PostgreSQL the primary key too) and builds them again.
    with connection.cursor() as c:
        assert connection.introspection.get_constraints(c, table) == keys_before
    # The times the COPY leaves to the columns' default (PostgreSQL) or the load sets (SQLite).
    times = set(AttendanceEvent.objects.values_list("created_at", "updated_at"))
    assert len(times) == 1 and started <= min(times.pop()) <= timezone.now()
    by_direct, raw_direct = stored(), raw_rows()
    assert [r[5] for r in by_direct if r[2].day == 3] == ["Dentist\\ visit\tnote", "Illness (B)"]

    AttendanceEvent.objects.all().delete()
    monkeypatch.setattr(attendance_bulk, "load_direct", lambda *a, **k: None)  # the staging path alone
    staged = run(path)
    assert (staged.status, staged.created) == (ImportRun.Status.COMMITTED, 5)
    assert stored() == by_direct
    assert raw_rows() == raw_direct

    # The same file again: the year's events are stored, so the staging path compares them.
    outcomes.clear()
    monkeypatch.undo()
    monkeypatch.setattr(attendance_bulk, "load_direct", lambda *a, **k: outcomes.append("tried"))
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


@pytest.mark.parametrize(("last_line", "expected", "student"), [
    ("200002,B200,2025-09-04,holiday,,,,,,,\n", [(7, "category", "Unknown attendance category 'holiday'; use one of "
                                                 "present, excused, unexcused, tardy, early_departure, partial, "
                                                 "in_school_suspension, out_of_school_suspension.")], "200002"),
    ("200002,A100,2025-09-04,unexcused,,,,,,,\n", [(7, "school_id", "The student has no enrollment at this school.")],
     "200002"),
    ("999999,A100,2025-09-04,unexcused,,,,,,,\n", [(7, "student_id",
                                                    "Unknown student 999999: import the students file first.")],
     "999999"),
    ("100001,A100,2025-09-02,unexcused,,,,,,,\n", [(7, "date", "Duplicate event: the same student, school, date "
                                                    "and category are already on line 2.")], "100001"),
])
def test_a_bad_last_row_undoes_the_direct_load_and_is_named(two_schools, tmp_path, outcomes, last_line, expected,
                                                            student):
    r = run(write(tmp_path, CLEAN + last_line))
    assert outcomes == [None]
    assert (r.status, reasons(r)) == (ImportRun.Status.REFUSED, expected)
    assert list(r.rejected_rows.values_list("student_ref", flat=True)) == [student]
    assert AttendanceEvent.objects.count() == 0

    partial = run(write(tmp_path, CLEAN + last_line, name="again.csv"), partial=True)
    assert (partial.status, partial.created, reasons(partial)) == (ImportRun.Status.PARTIAL, 5, expected)


def many_rows(order: str) -> str:
    """Three students, two events a school day from September to December 2025 (more than one of the
    SQLite writer's 200-row statements): by student, as SIS exports often are, or by date."""
    import datetime

    days = [datetime.date(2025, 9, 1) + datetime.timedelta(days=i) for i in range(110)]
    days = [d for d in days if d.weekday() < 5]
    rows = [(student, school, day, category, minutes)
            for student, school in (("100001", "A100"), ("200002", "B200"), ("300003", "A100"))
            for day in days for category, minutes in (("tardy", "300"), ("excused", ""))]
    if order == "date":
        rows.sort(key=lambda r: (r[2], r[1], r[0]))
    return HEADER + "".join(f"{s},{sc},{d.isoformat()},{c},,,{m},,,,\n" for s, sc, d, c, m in rows)


@pytest.mark.parametrize("order", ["student", "date"])
def test_a_large_file_in_any_order_goes_in_directly_as_the_staging_path_writes_it(two_schools, tmp_path, outcomes,
                                                                                  monkeypatch, order):
    from casework.core.testing import factories as f
    from casework.schools.models import School

    f.student(school=School.objects.get(code="A100"), district_id="300003")
    path = write(tmp_path, many_rows(order))
    direct = run(path)
    assert (direct.status, direct.created) == (ImportRun.Status.COMMITTED, 480)
    assert outcomes[0] is not None and outcomes[0][0] == 480
    by_direct = raw_rows()

    AttendanceEvent.objects.all().delete()
    monkeypatch.setattr(attendance_bulk, "load_direct", lambda *a, **k: None)
    assert run(path).created == 480
    assert raw_rows() == by_direct


@pytest.mark.parametrize("first_line_end", ["\r", "\n"])
def test_lines_ended_by_carriage_returns_go_to_the_staging_path_whole(two_schools, tmp_path, outcomes,
                                                                      first_line_end):
    """Old Mac line ends, from the start or after a first line feed: the direct load hands the file
    over (it would otherwise read the rest as one line held whole in memory), and the staging path
    reads every row with the csv module. Before, PostgreSQL's staging COPY skipped the whole file as
    its "header" and the run committed nothing."""
    rows = [f"100001,A100,2025-09-{day:02d},unexcused,,,,,,,{'x' * 50_000}" for day in range(2, 30)]
    text = HEADER.replace("\n", first_line_end) + rows[0] + first_line_end + "\r".join(rows[1:]) + "\r"
    path = write(tmp_path, text)
    assert path.stat().st_size > 1 << 20
    r = run(path)
    assert outcomes == [None]
    assert (r.status, r.created, reasons(r)) == (ImportRun.Status.COMMITTED, 28, [])
    assert {len(d) for d in AttendanceEvent.objects.values_list("descriptor", flat=True)} == {306}
