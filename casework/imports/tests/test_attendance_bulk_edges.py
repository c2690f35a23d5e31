"""The set-based attendance load reads a file as the row-by-row path and every other kind do (review
findings: COPY's quoting, Unicode padding of ids), on SQLite and PostgreSQL."""


from casework.attendance.models import AttendanceEvent
from casework.imports.models import ImportRun

from .test_csv_attendance import reasons, run, write


def test_nbsp_padded_ids_match_as_other_kinds(two_schools, tmp_path):
    # Excel on Windows pads with NBSP (0xA0); CsvFile.rows strips it (str.strip), so the row-by-row
    # path (and every other kind) finds the student and school.
    p = write(tmp_path, "student_id,school_id,date,category\n100001\xa0,A100\xa0,2025-09-02,unexcused\n",
              encoding="cp1252")
    r = run(p)
    assert reasons(r) == []
    assert r.created == 1


def test_quote_inside_unquoted_value_kept_as_csv_module_reads_it(two_schools, tmp_path):
    p = write(tmp_path, 'student_id,school_id,date,category,reason_text\n'
                        '100001,A100,2025-09-02,excused,He said "sick" today\n')
    r = run(p)
    assert r.status == ImportRun.Status.COMMITTED, reasons(r)
    assert AttendanceEvent.objects.get().reason_text == 'He said "sick" today'


def test_quoted_comma_inside_unquoted_value_rejected_like_row_path(two_schools, tmp_path):
    p = write(tmp_path, 'student_id,school_id,date,category,reason_text\n'
                        '100001,A100,2025-09-02,excused,said "sick, cough" ok\n')
    r = run(p)
    # csv.reader: 6 values for 5 columns -> "more values than the header" reject; nothing written
    assert r.status == ImportRun.Status.REFUSED, (r.status, AttendanceEvent.objects.values_list("reason_text"))
    assert AttendanceEvent.objects.count() == 0


def test_reimport_with_duration_and_times_unchanged(two_schools, tmp_path):
    p = write(tmp_path, "student_id,school_id,date,category,event_duration,arrival_time,departure_time\n"
                        "100001,A100,2025-09-02,excused,0.5,8:40 AM,15:00\n"
                        "100001,A100,2025-09-03,excused,1,,\n")
    first = run(p)
    assert first.created == 2, reasons(first)
    again = run(p)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
