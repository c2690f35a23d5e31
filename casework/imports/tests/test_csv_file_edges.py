"""What spreadsheets and other programs leave in CSV files: NUL bytes (refused, naming the line,
before the database sees them) and empty columns after the last one (ignored)."""

import pytest

from casework.attendance.models import AttendanceEvent
from casework.imports.models import ImportRun
from casework.imports.services import import_run
from casework.students.models import Student

STUDENTS = "student_id,first_name,last_name,birth_date,grade\n"
ATTENDANCE = "student_id,school_id,date,category\n"


def run(tmp_path, kind, data: bytes, name="in.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return import_run(actor=None, kind=kind, paths=[path])


@pytest.mark.parametrize(("kind", "data"), [
    ("students", (STUDENTS + "300070,Ana,Lopez,2013-04-02,08\n300071,Bo\x00,Li,2013-04-02,08\n").encode()),
    ("attendance", (ATTENDANCE + "100001,A100,2025-09-02,unexcused\n100001,A100,2025-09-03,unex\x00cused\n").encode()),
])
def test_a_nul_byte_refuses_the_file_naming_its_line(world, tmp_path, kind, data):
    r = run(tmp_path, kind, data)
    assert r.status == ImportRun.Status.REFUSED
    assert "in.csv, line 3: the file contains a NUL byte (0x00)" in r.message
    assert not Student.objects.filter(district_id="300070").exists()
    assert not AttendanceEvent.objects.exists()


def test_a_nul_byte_after_a_bom_is_refused_too(world, tmp_path):
    r = run(tmp_path, "students", b"\xef\xbb\xbf" + (STUDENTS + "300071,Bo\x00,Li,2013-04-02,08\n").encode())
    assert r.status == ImportRun.Status.REFUSED and "line 2: the file contains a NUL byte" in r.message


def test_empty_columns_after_the_last_are_ignored(world, tmp_path):
    r = run(tmp_path, "students", b"student_id,first_name,last_name,birth_date,grade,,\r\n"
                                  b"300070,Ana,Lopez,2013-04-02,08,,\r\n")
    assert r.status == ImportRun.Status.COMMITTED and r.created == 1
    assert "unknown column" not in r.message
    r = run(tmp_path, "attendance", (ATTENDANCE.rstrip("\n") + ",,\n" + "100001,A100,2025-09-02,unexcused,,\n"
                                     "100001,A100,2025-09-03,unexcused,,\n").encode(), name="att.csv")
    assert (r.status, r.created) == (ImportRun.Status.COMMITTED, 2), [x.reason for x in r.rejected_rows.all()]


def test_a_value_in_an_unnamed_column_is_still_more_values_than_the_header(world, tmp_path):
    r = run(tmp_path, "students", b"student_id,first_name,last_name,birth_date,grade,\n"
                                  b"300070,Ana,Lopez,2013-04-02,08,surprise\n")
    assert r.status == ImportRun.Status.REFUSED
    assert [x.reason for x in r.rejected_rows.all()][0].startswith("The row has more values than the header")


def test_an_unnamed_column_between_named_ones_is_refused(world, tmp_path):
    r = run(tmp_path, "students", b"student_id,,first_name,last_name,birth_date,grade\n"
                                  b"300070,x,Ana,Lopez,2013-04-02,08\n")
    assert r.status == ImportRun.Status.REFUSED
    assert "column 2 of the first line has no name" in r.message


@pytest.mark.parametrize(("kind", "data"), [
    ("students", STUDENTS + "300070,Ana,Lopez,2013-04-02,08\n300071,Bo,Li,2013-04-02\n"),
    ("attendance", ATTENDANCE + "100001,A100,2025-09-02,unexcused\n100001,A100,2025-09-03\n"),
])
def test_a_short_row_is_rejected_not_padded(world, tmp_path, kind, data):
    """A file cut short after a comma, or a row missing a value, is not read as if the values were empty."""
    r = run(tmp_path, kind, data.encode())
    assert r.status == ImportRun.Status.REFUSED
    assert [(x.file, x.line, x.reason) for x in r.rejected_rows.all()] == [
        ("in.csv", 3, f"Line 3 has {4 if kind == 'students' else 3} values; the header has "
                      f"{5 if kind == 'students' else 4}: the file may be cut short, or a value (or its comma) is "
                      "missing.")]
    assert not Student.objects.filter(district_id="300070").exists()
    assert not AttendanceEvent.objects.exists()


@pytest.mark.parametrize(("kind", "data"), [
    ("students", STUDENTS + '300070,Ana,Lopez,2013-04-02,08\n300071,"Bo,Li,2013-04-02,08\n'),
    ("attendance", ATTENDANCE + '100001,A100,2025-09-02,unexcused\n100001,A100,2025-09-03,"unexcused\n'),
])
def test_a_file_ending_inside_a_quoted_value_is_refused(world, tmp_path, kind, data):
    r = run(tmp_path, kind, data.encode())
    assert r.status == ImportRun.Status.REFUSED
    assert ("in.csv, line 3: a quoted value that starts on this line is never closed (the file ends inside it); "
            "the file may be cut short.") in r.message
    assert not Student.objects.filter(district_id="300070").exists()
    assert not AttendanceEvent.objects.exists()


def test_a_partial_plain_csv_run_that_changes_nothing_says_so(world, tmp_path):
    data = (STUDENTS + "300070,Ana,Lopez,2013-04-02,08\n").encode()
    assert run(tmp_path, "students", data).created == 1
    path = tmp_path / "again.csv"
    path.write_bytes(data + b"300071,Bo,Li,2013-02-30,08\n")
    r = import_run(actor=None, kind="students", paths=[path], partial=True)
    assert (r.status, r.created, r.updated, r.unchanged, r.rejected) == (ImportRun.Status.PARTIAL, 0, 0, 1, 1)
    assert "Nothing changed: every row that was not rejected matches what is stored." in r.message
