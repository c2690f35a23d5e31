import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from casework.attendance.models import AttendanceEvent
from casework.audit.models import ChangeRecord
from casework.imports.models import ImportRun
from casework.imports.services import import_run

HEADER = ("student_id,school_id,date,category,reason_code,minutes_present,minutes_scheduled,"
          "arrival_time,departure_time\n")


def write(tmp_path, text, name="attendance.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(path, **kw):
    return import_run(actor=None, kind="attendance", paths=[path], **kw)


def reasons(run_):
    return [(r.line, r.field, r.reason) for r in run_.rejected_rows.order_by("line")]


@pytest.fixture
def good(tmp_path):
    return write(tmp_path, HEADER
                 + "100001,A100,2025-09-02,unexcused,,,,,\n"
                 + "100001,A100,09/03/2025,excused,b,,,,\n"
                 + "200002,B200,2025-09-02,tardy,,300,,08:40,15:00\n")


def test_import_creates_events_and_one_change_record(world, good):
    r = run(good)
    assert r.status == ImportRun.Status.COMMITTED
    assert (r.created, r.updated, r.unchanged, r.rejected) == (3, 0, 0, 0)
    assert AttendanceEvent.objects.count() == 3
    excused = AttendanceEvent.objects.get(category="excused")
    assert excused.date == datetime.date(2025, 9, 3) and excused.reason_code == "B"
    assert excused.import_run_id == r.pk
    tardy = AttendanceEvent.objects.get(category="tardy")
    assert tardy.minutes_present == 300 and tardy.arrival_time == datetime.time(8, 40)
    bulk = ChangeRecord.objects.filter(action="bulk")
    assert bulk.count() == 1
    assert bulk.get().source == "import"
    assert f"Import run {r.pk}" in bulk.get().summary


def test_reimport_is_unchanged_and_writes_nothing(world, good):
    run(good)
    records = ChangeRecord.objects.count()
    again = run(good)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert ChangeRecord.objects.count() == records
    assert set(AttendanceEvent.objects.values_list("import_run_id", flat=True)) != {again.pk}


def test_changed_row_is_updated(world, good, tmp_path):
    run(good)
    changed = write(tmp_path, HEADER + "200002,B200,2025-09-02,tardy,,280,,08:40,15:00\n", "b.csv")
    r = run(changed)
    assert (r.created, r.updated, r.unchanged) == (0, 1, 0)
    event = AttendanceEvent.objects.get(category="tardy")
    assert event.minutes_present == 280 and event.version == 2


@pytest.mark.parametrize("row, line_field, words", [
    ("999999,A100,2025-09-02,unexcused,,,,,", "student_id", "Unknown student 999999"),
    ("100001,Z999,2025-09-02,unexcused,,,,,", "school_id", "Unknown school Z999"),
    ("100001,A100,2026-02-30,unexcused,,,,,", "date", "not a real date"),
    ("100001,A100,yesterday,unexcused,,,,,", "date", "not a date"),
    ("100001,A100,2025-08-01,unexcused,,,,,", "date", "outside the student's enrollment"),
    ("100001,B200,2025-09-02,unexcused,,,,,", "school_id", "no enrollment at this school"),
    ("100001,A100,2025-09-02,sleepy,,,,,", "category", "Unknown attendance category"),
    ("100001,A100,2025-09-02,partial,,abc,,,", "minutes_present", "not a whole number"),
    ("100001,A100,2025-09-02,partial,,2000,,,", "minutes_present", "between 0 and 1440"),
    ("100001,A100,2025-09-02,partial,,,,25:99,", "arrival_time", "not a time"),
    ("100001,A100,2025-09-02,partial,,,,10:00,09:00", "departure_time", "before the arrival"),
    ("100001,A100,2025-09-02,excused,b!,,,,", "reason_code", "reason code"),
    # A well-formed code no rule set lists would count the excused absence as unlawful without a word.
    ("100001,A100,2025-09-02,excused,Z,,,,", "reason_code", "Unknown reason code 'Z': an absence is lawful only"),
    ("100001,A100,2025-09-02,unexcused,,,,,,extra", "", "more values than the header"),
])
def test_every_reject_reason(world, tmp_path, row, line_field, words):
    r = run(write(tmp_path, HEADER + row + "\n"))
    assert r.status == ImportRun.Status.REFUSED
    [(line, field, reason)] = reasons(r)
    assert line == 2 and field == line_field and words in reason
    assert AttendanceEvent.objects.count() == 0


def test_duplicate_event_within_the_file(world, tmp_path):
    r = run(write(tmp_path, HEADER + "100001,A100,2025-09-02,unexcused,,,,,\n"
                  + "200002,B200,2025-09-02,tardy,,,,,\n" + "100001,A100,2025-09-02,unexcused,,,,,\n"))
    [(line, field, reason)] = reasons(r)
    assert line == 4 and "already on line 2" in reason


def test_atomic_by_default_and_partial_commits_good_rows(world, tmp_path):
    path = write(tmp_path, HEADER + "100001,A100,2025-09-02,unexcused,,,,,\n" + "999,A100,2025-09-02,tardy,,,,,\n")
    refused = run(path)
    assert refused.status == ImportRun.Status.REFUSED and refused.rejected == 1 and refused.created == 0
    assert AttendanceEvent.objects.count() == 0
    assert not ChangeRecord.objects.filter(action="bulk").exists()
    partial = run(path, partial=True)
    assert partial.status == ImportRun.Status.PARTIAL
    assert (partial.created, partial.rejected) == (1, 1)
    assert AttendanceEvent.objects.count() == 1


def test_descriptor_column_resolves_through_the_mapping_table(world, tmp_path):
    path = write(tmp_path, "student_id,school_id,date,descriptor\n"
                 "100001,A100,2025-09-02,uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy\n"
                 "100001,A100,2025-09-03,Nonsense\n")
    r = run(path, partial=True)
    assert r.created == 1
    assert AttendanceEvent.objects.get().category == "tardy"
    [(line, field, reason)] = reasons(r)
    assert line == 3 and field == "descriptor" and "not mapped" in reason


def test_a_reason_code_a_district_rule_set_lists_is_accepted_and_a_coded_text_only_when_known(world, tmp_path):
    """A district's own lawful reason (COMAR .03J) is known once a rule set lists it; a free text led by
    an unknown code ("Z) ...") is just text: the absence stays presumed unlawful, and nothing is refused."""
    from casework.rules.models import RuleSet
    from casework.rules.services import ruleset_copy, ruleset_update

    district = ruleset_copy(actor=None, source=RuleSet.objects.get(rule_version="2026.2"), name="District",
                            version="D1", effective_from=datetime.date(2017, 7, 1))
    reasons_now = district.value("lawful_reasons")
    ruleset_update(actor=None, ruleset=district, values={"lawful_reasons": [
        *reasons_now, {"code": "L", "label": "Local: approved college visit"}]})
    path = write(tmp_path, "student_id,school_id,date,category,reason_code,reason_text\n"
                 "100001,A100,2025-09-02,excused,L,\n"
                 "100001,A100,2025-09-03,excused,,Z) parent called\n"
                 "100001,A100,2025-09-04,unexcused,U,\n")  # an SIS's own code on an unlawful absence: kept
    r = run(path)
    assert r.status == ImportRun.Status.COMMITTED, reasons(r)
    assert dict(AttendanceEvent.objects.values_list("date", "reason_code")) == {
        datetime.date(2025, 9, 2): "L", datetime.date(2025, 9, 3): None, datetime.date(2025, 9, 4): "U"}


def test_out_of_school_suspension_gets_reason_h(world, tmp_path):
    run(write(tmp_path, HEADER + "100001,A100,2025-09-02,out_of_school_suspension,,,,,\n"))
    assert AttendanceEvent.objects.get().reason_code == "H"


MIXED = (HEADER
         + "100001,A100,2025-09-02,unexcused,,,,,\n"          # 2 good
         + "999999,A100,2025-09-02,unexcused,,,,,\n"          # 3 unknown student
         + " 200002 ,B200,2025-09-02,tardy,,,,,\n"            # 4 good: ids are trimmed
         + "100001,A100,2025-09-02,unexcused,,,,,\n"          # 5 duplicate of line 2
         + "100001,A100,2025-08-01,unexcused,,,,,\n"          # 6 before the enrollment
         + "100001,A100,2025-09-03,sleepy,,,,,\n"             # 7 unknown category
         + ",,,,,,,,\n"                                       # 8 blank: skipped
         + "200002,B200,2025-09-04,tardy,,,,10:00,09:00\n")   # 9 departure before arrival
MIXED_REJECTS = [(3, "student_id", "999999", "Unknown student 999999: import the students file first."),
                 (5, "date", "2025-09-02", "Duplicate event: the same student, school, date and category are "
                                           "already on line 2."),
                 (6, "date", "2025-08-01", "The date is outside the student's enrollment at this school."),
                 (7, "category", "sleepy", "Unknown attendance category 'sleepy'; use one of present, excused, "
                                           "unexcused, tardy, early_departure, partial, in_school_suspension, "
                                           "out_of_school_suspension."),
                 (9, "departure_time", "09:00", "The departure time is before the arrival time.")]


def report(run_):
    return [(r.line, r.field, r.value, r.reason) for r in run_.rejected_rows.order_by("line")]


@pytest.mark.parametrize("bulk", [True, False], ids=["staged-by-bulk-path", "staged-row-by-row"])
def test_rejects_mixed_in_are_reported_line_by_line(world, tmp_path, monkeypatch, bulk):
    """The same report whether the file is loaded whole (COPY / executemany) or row by row."""
    from casework.imports.attendance_bulk import AttendanceLoad
    if not bulk:
        monkeypatch.setattr(AttendanceLoad, "load_csv", lambda self, f, report: False)
    path = write(tmp_path, MIXED)
    refused = run(path)
    assert (refused.status, refused.rejected) == (ImportRun.Status.REFUSED, 5)
    assert report(refused) == MIXED_REJECTS
    # Each reject names its row's student as the file gives it (the unknown one too), whatever field failed.
    assert [(r.line, r.student_ref) for r in refused.rejected_rows.order_by("line")] == [
        (3, "999999"), (5, "100001"), (6, "100001"), (7, "100001"), (9, "200002")]
    assert AttendanceEvent.objects.count() == 0
    partial = run(path, partial=True)
    assert (partial.created, partial.updated, partial.unchanged, partial.rejected) == (2, 0, 0, 5)
    assert report(partial) == MIXED_REJECTS
    assert sorted(AttendanceEvent.objects.values_list("student__district_id", "category")) == [
        ("100001", "unexcused"), ("200002", "tardy")]
    again = run(path, partial=True)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 5)


def test_line_numbers_after_a_file_the_bulk_path_could_not_take(world, tmp_path):
    """a.csv cannot be staged whole (a row with an extra value) and stages nothing; b.csv's lines
    still count from its own header."""
    a = write(tmp_path, HEADER + "100001,A100,2025-09-02,unexcused,,,,,,extra\n", "a.csv")
    b = write(tmp_path, HEADER + "100001,A100,2025-09-03,unexcused,,,,,\n999,A100,2025-09-02,tardy,,,,,\n", "b.csv")
    r = import_run(actor=None, kind="attendance", paths=[a, b], partial=True)
    assert r.created == 1
    assert [(x.file, x.line, x.field) for x in r.rejected_rows.order_by("file")] == [("a.csv", 2, ""),
                                                                                   ("b.csv", 3, "student_id")]


def test_large_load_rebuilds_indexes_and_still_catches_duplicates(world, tmp_path, monkeypatch):
    """A load large against the table drops the secondary indexes and builds them again; a duplicate
    key (found when the unique key is rebuilt, or by the unique index) is still reported by line."""
    from django.db import connection

    from casework.imports import attendance_bulk
    monkeypatch.setattr(attendance_bulk, "REBUILD_MIN_ROWS", 1)
    monkeypatch.setattr(attendance_bulk, "REBUILD_SHARE", 0)
    table = AttendanceEvent._meta.db_table

    def indexes():
        with connection.cursor() as c:
            return sorted(connection.introspection.get_constraints(c, table))

    before = indexes()
    days = [datetime.date(2025, 9, 1) + datetime.timedelta(days=i) for i in range(30)]
    path = write(tmp_path, HEADER + "".join(f"100001,A100,{d},unexcused,,,,,\n" for d in days))
    assert run(path).created == 30
    assert indexes() == before
    dup = write(tmp_path, HEADER + "200002,B200,2025-09-02,tardy,,,,,\n" * 2, "dup.csv")
    r = run(dup)
    assert report(r) == [(3, "date", "2025-09-02", "Duplicate event: the same student, school, date and category "
                                                   "are already on line 2.")]
    assert AttendanceEvent.objects.count() == 30 and indexes() == before
    assert run(path).unchanged == 30


# Reading the file ---------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, label", [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"),
                                             ("cp1252", "Windows-1252")])
def test_encodings(world, tmp_path, encoding, label):
    path = write(tmp_path, "student_id,school_id,date,category,reason_text\n"
                 "100001,A100,2025-09-02,excused,Señora García’s note\n", encoding=encoding)
    r = run(path)
    assert r.status == ImportRun.Status.COMMITTED, r.message
    assert label in r.encoding
    assert AttendanceEvent.objects.get().reason_text == "Señora García’s note"


@pytest.mark.parametrize("delimiter, label", [(";", "semicolon"), ("\t", "tab")])
def test_wrong_delimiter_refused(world, tmp_path, delimiter, label):
    path = write(tmp_path, delimiter.join(["student_id", "school_id", "date", "category"]) + "\n"
                 + delimiter.join(["100001", "A100", "2025-09-02", "tardy"]) + "\n")
    r = run(path)
    assert r.status == ImportRun.Status.REFUSED
    assert label in r.message and "not commas" in r.message


def test_missing_required_column_refused_naming_it(world, tmp_path):
    r = run(write(tmp_path, "student_id,category\n100001,tardy\n"))
    assert r.status == ImportRun.Status.REFUSED
    assert "school_id, date" in r.message


def test_missing_one_of_columns_refused(world, tmp_path):
    r = run(write(tmp_path, "student_id,school_id,date\n100001,A100,2025-09-02\n"))
    assert "category or descriptor" in r.message


def test_unknown_column_is_a_warning(world, tmp_path):
    r = run(write(tmp_path, "student_id,school_id,date,category,homeroom\n100001,A100,2025-09-02,tardy,12\n"))
    assert r.status == ImportRun.Status.COMMITTED
    assert "unknown column(s) ignored: homeroom" in r.message


def test_empty_and_missing_files_refused(world, tmp_path):
    assert "empty" in run(write(tmp_path, "")).message
    assert "no such file" in run(tmp_path / "nope.csv").message


def test_multiple_files_and_line_numbers_with_quoted_newlines(world, tmp_path):
    a = write(tmp_path, "student_id,school_id,date,category,reason_text\n"
              '100001,A100,2025-09-02,excused,"two\nlines"\n' "100001,A100,2025-13-01,excused,x\n", "a.csv")
    b = write(tmp_path, HEADER + "200002,B200,2025-09-02,tardy,,,,,\n", "b.csv")
    r = import_run(actor=None, kind="attendance", paths=[a, b], partial=True)
    assert r.created == 2
    rej = r.rejected_rows.get()
    assert (rej.file, rej.line) == ("a.csv", 4)


# CLI ----------------------------------------------------------------------------------------------

def test_cli_counts_and_exit_status(world, good, tmp_path):
    out, err = StringIO(), StringIO()
    call_command("import", "csv", "attendance", str(good), stdout=out, stderr=err)
    assert "created 3, updated 0, unchanged 0, rejected 0" in out.getvalue()
    bad = write(tmp_path, HEADER + "999,A100,2025-09-02,tardy,,,,,\n", "bad.csv")
    rejects = tmp_path / "rejects.csv"
    out = StringIO()
    with pytest.raises(CommandError, match="refused"):
        call_command("import", "csv", "attendance", str(bad), "--rejects", str(rejects), stdout=out)
    assert "rejected 1" in out.getvalue()
    # The command line names its own flag.
    assert "1 row(s) rejected: nothing was written (use --partial to commit the good rows)." in out.getvalue()
    text = rejects.read_text()
    assert text.startswith("file,line,element,field,value,reason,student_id\n")
    assert "bad.csv,2,,student_id,999,Unknown student 999: import the students file first.,999\n" in text


def test_cli_refuses_wrong_delimiter_and_unsupported_formats(world, tmp_path):
    path = write(tmp_path, "student_id;school_id;date;category\n")
    report = tmp_path / "rejects.csv"
    with pytest.raises(CommandError):
        call_command("import", "csv", "attendance", str(path), "--rejects", str(report), stdout=StringIO())
    # Refused as a whole: the rejects report still carries the reason, not only its header.
    lines = report.read_text().splitlines()
    assert lines[0] == "file,line,element,field,value,reason,student_id"
    assert lines[1].startswith("attendance.csv,,,,,") and "separated by semicolon (;)" in lines[1]
    with pytest.raises(CommandError, match="Unknown import kind"):
        call_command("import", "csv", "transcripts", str(path), stdout=StringIO())


def test_cli_template(db):
    out = StringIO()
    call_command("import", "--template", "attendance", stdout=out)
    assert out.getvalue().startswith("student_id,school_id,date,category,descriptor,")


def test_cli_user_must_be_allowed(world, good):
    with pytest.raises(CommandError, match="may not run imports"):
        call_command("import", "csv", "attendance", str(good), "--user", "t-ppw", stdout=StringIO())
    call_command("import", "csv", "attendance", str(good), "--user", "t-steward", stdout=StringIO())
    assert ImportRun.objects.get(status="committed").actor.username == "t-steward"
    assert ChangeRecord.objects.get(action="bulk").actor.username == "t-steward"


def test_cli_progress_on_stderr(world, good):
    err = StringIO()
    call_command("import", "csv", "attendance", str(good), stdout=StringIO(), stderr=err)
    assert "attendance.csv [" in err.getvalue() and "100%" in err.getvalue()
    err = StringIO()
    call_command("import", "csv", "attendance", str(good), "--no-progress", stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""


def test_every_column_round_trips_and_reimports_unchanged(world, tmp_path):
    path = write(tmp_path, "student_id,school_id,date,category,reason_code,reason_text,minutes_present,"
                 "minutes_scheduled,event_duration,arrival_time,departure_time,descriptor\n"
                 "100001,A100,2025-09-02,partial,,Dentist,200,360,0.5,08:00,11:20 AM,PD\n")
    first = run(path)
    assert first.created == 1, reasons(first)
    e = AttendanceEvent.objects.get()
    assert (e.reason_text, e.minutes_present, e.minutes_scheduled, str(e.event_duration), e.arrival_time,
            e.departure_time, e.descriptor, e.version) == ("Dentist", 200, 360, "0.50", datetime.time(8),
                                                           datetime.time(11, 20), "PD", 1)
    assert e.created_at is not None and e.updated_at is not None
    assert run(path).unchanged == 1
    assert run(write(tmp_path, "student_id,school_id,date,event_duration\n", "bad.csv")).status == "refused"


def test_bytes_neither_utf8_nor_cp1252_refused(world, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"student_id,school_id,date,category\n100001,A100,2025-09-02,tardy\x81\xff\n")
    r = run(path)
    assert r.status == "refused" and "neither UTF-8 nor Windows-1252" in r.message


def test_unreadable_csv_part_way_refused_and_nothing_kept(world, tmp_path):
    path = tmp_path / "x.csv"
    huge = b"x" * 200_000  # beyond the csv module's field size limit
    path.write_bytes(HEADER.encode() + b"100001,A100,2025-09-02,tardy,,,,,\n100001,A100,2025-09-03,tardy," + huge
                     + b",,,,\n")
    r = run(path, partial=True)
    assert r.status == "refused" and "line 3" in r.message and "cannot be read as CSV" in r.message
    assert AttendanceEvent.objects.count() == 0


def test_an_update_writes_only_what_changed(world, tmp_path):
    """A re-import that changes one field of an event rewrites that field (and the version), nothing else."""
    first = write(tmp_path, HEADER + "100001,A100,2025-09-02,excused,B,200,360,08:00,\n", "a.csv")
    import_run(actor=None, kind="attendance", paths=[first])
    event = AttendanceEvent.objects.get()
    created = event.created_at
    second = write(tmp_path, HEADER + "100001,A100,2025-09-02,excused,B,210,360,08:00,\n", "b.csv")
    run = import_run(actor=None, kind="attendance", paths=[second])
    assert (run.created, run.updated, run.unchanged) == (0, 1, 0)
    event.refresh_from_db()
    assert (event.minutes_present, event.minutes_scheduled, event.reason_code, event.arrival_time) == \
        (210, 360, "B", datetime.time(8))
    assert event.version == 2 and event.created_at == created and event.import_run_id == run.pk


def test_a_duplicate_in_a_second_file_names_the_first_file(world, tmp_path):
    first = write(tmp_path, HEADER + "100001,A100,2025-09-02,unexcused,,,,,\n", "week1.csv")
    second = write(tmp_path, HEADER + "200002,B200,2025-09-02,tardy,,,,,\n"
                   + "100001,A100,2025-09-02,unexcused,,,,,\n", "week2.csv")
    r = import_run(actor=None, kind="attendance", paths=[first, second])
    assert [(x.file, x.line, x.reason) for x in r.rejected_rows.all()] == [
        ("week2.csv", 3, "Duplicate event: the same student, school, date and category are already on line 2 "
                         "of week1.csv.")]
    assert AttendanceEvent.objects.count() == 0  # all or nothing


def test_an_event_duration_finer_than_hundredths_rounds_the_part_missed_up(world, tmp_path):
    """0.502 of a 240-minute day missed leaves 119.52 minutes present: under 2 hours. Stored as 0.51 (not
    0.50, which would leave exactly 2 hours, a half day)."""
    text = ("student_id,school_id,date,category,event_duration\n"
            "100001,A100,2025-09-02,unexcused,0.502\n100001,A100,2025-09-03,unexcused,0.001\n")
    assert run(write(tmp_path, text)).created == 2
    stored = dict(AttendanceEvent.objects.values_list("date", "event_duration"))
    assert stored == {datetime.date(2025, 9, 2): Decimal("0.51"), datetime.date(2025, 9, 3): Decimal("0.01")}
