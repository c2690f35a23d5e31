import datetime
from decimal import Decimal

import pytest

from casework.audit.models import ChangeRecord
from casework.calendars.models import CalendarDate
from casework.discipline.models import Action, Incident
from casework.imports.models import ImportRun
from casework.imports.services import import_run
from casework.students.models import Enrollment, Student


def write(tmp_path, text, name="in.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def reasons(run_):
    return [(r.line, r.field, r.reason) for r in run_.rejected_rows.order_by("line")]


def bulk_models(run_):
    records = ChangeRecord.objects.filter(action="bulk", summary__startswith=f"Import run {run_.pk} ")
    return sorted(c.content_type.model for c in records)


STUDENTS = ("student_id,first_name,last_name,birth_date,grade,sex,state_id\n"
            "300003,Ana,Lopez,2013-04-02,6,F,1234567890\n"
            "100001,José,García,2014-05-17,05,,\n")


def test_students_create_update_unchanged(world, tmp_path):
    path = write(tmp_path, STUDENTS)
    r = import_run(actor=None, kind="students", paths=[path])
    assert r.status == ImportRun.Status.COMMITTED, reasons(r)
    assert (r.created, r.updated, r.unchanged) == (1, 0, 1)
    ana = Student.objects.get(district_id="300003")
    assert ana.grade == "06" and ana.sex == "F" and ana.search_text
    assert bulk_models(r) == ["student"]
    per_row = ChangeRecord.objects.filter(action="create", content_type__model="student").latest("id")
    assert per_row.source == "import"  # the services' own records carry the run's audit context
    again = import_run(actor=None, kind="students", paths=[path])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert bulk_models(again) == []
    moved = write(tmp_path, STUDENTS.replace("2013-04-02,6", "2013-04-02,7"), "b.csv")
    assert import_run(actor=None, kind="students", paths=[moved]).updated == 1


@pytest.mark.parametrize("row, field, words", [
    ("300003,Ana,Lopez,2013-02-30,06,F,", "birth_date", "not a real date"),
    ("300003,Ana,Lopez,2099-01-01,06,F,", "birth_date", "in the future"),
    ("300003,Ana,Lopez,,06,F,", "birth_date", "birth_date is required"),  # only OneRoster may leave it out
    ("300003,Ana,Lopez,2013-04-02,14,F,", "grade", "Unknown grade"),
    ("300003,Ana,Lopez,2013-04-02,06,Q,", "sex", "Unknown sex"),
    (",Ana,Lopez,2013-04-02,06,F,", "student_id", "required"),
    ("300003,,Lopez,2013-04-02,06,F,", "first_name", "required"),
])
def test_student_rejects(world, tmp_path, row, field, words):
    r = import_run(actor=None, kind="students", paths=[write(tmp_path, STUDENTS.splitlines()[0] + "\n" + row + "\n")])
    [(line, f, reason)] = reasons(r)
    assert (line, f) == (2, field) and words in reason
    assert not Student.objects.filter(district_id="300003").exists()


def test_enrollments(world, tmp_path):
    path = write(tmp_path, "student_id,school_id,entry_date,exit_date,grade,exit_code\n"
                 "100001,B200,2026-01-05,,05,\n"
                 "100001,A100,2025-08-25,2026-01-02,,W01\n"
                 "200002,A100,2025-09-10,2025-09-01,,\n"
                 "404,A100,2025-09-10,,,\n")
    r = import_run(actor=None, kind="enrollments", paths=[path], partial=True)
    assert (r.created, r.updated, r.unchanged, r.rejected) == (1, 1, 0, 2)
    assert [x[1] for x in reasons(r)] == ["exit_date", "student_id"]
    closed = Enrollment.objects.get(student=world.student_a, school=world.school_a)
    assert closed.exit_date == datetime.date(2026, 1, 2) and closed.exit_code == "W01"
    assert bulk_models(r) == ["enrollment"]
    good = write(tmp_path, "".join(path.read_text().splitlines(keepends=True)[:3]), "good.csv")
    again = import_run(actor=None, kind="enrollments", paths=[good])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_enrollment_overlap_rejected(world, tmp_path):
    r = import_run(actor=None, kind="enrollments", paths=[write(
        tmp_path, "student_id,school_id,entry_date\n100001,A100,2025-10-01\n")])
    [(line, field, reason)] = reasons(r)
    assert field == "entry_date" and "overlaps" in reason


def test_calendar(world, tmp_path):
    path = write(tmp_path, "school_id,date,kind,descriptor,note\n"
                 "A100,2025-09-02,instructional,,\n"
                 "A100,2025-09-01,,uri://ed-fi.org/CalendarEventDescriptor#Holiday,Labor Day\n"
                 "B200,2025-09-02,instructional,,\n")
    r = import_run(actor=None, kind="calendar", paths=[path])
    assert (r.created, r.updated, r.unchanged) == (3, 0, 0)
    assert CalendarDate.objects.get(date=datetime.date(2025, 9, 1)).kind == "holiday"
    assert bulk_models(r) == ["calendardate"]
    assert import_run(actor=None, kind="calendar", paths=[path]).unchanged == 3


def test_calendar_without_descriptor_or_note_columns_keeps_them(world, tmp_path):
    labor_day, monday = datetime.date(2025, 9, 1), datetime.date(2025, 9, 8)
    import_run(actor=None, kind="calendar", paths=[write(
        tmp_path, "school_id,date,descriptor,note\n"
                  "A100,2025-09-01,uri://ed-fi.org/CalendarEventDescriptor#Holiday,Labor Day\n"
                  "A100,2025-09-08,uri://ed-fi.org/CalendarEventDescriptor#Instructional day,Picture day\n")])
    # The same days from a plain file with kinds only: Labor Day as before, the 8th closed by weather.
    r = import_run(actor=None, kind="calendar", paths=[write(
        tmp_path, "school_id,date,kind\nA100,2025-09-01,holiday\nA100,2025-09-08,weather_closure\n", "b.csv")])
    assert (r.created, r.updated, r.unchanged) == (0, 1, 1)
    kept = CalendarDate.objects.get(school=world.school_a, date=labor_day)
    assert (kept.kind, kept.descriptor, kept.note) == (
        "holiday", "uri://ed-fi.org/CalendarEventDescriptor#Holiday", "Labor Day")
    # A changed kind drops the descriptor that described the old one; the note is the school's own.
    changed = CalendarDate.objects.get(school=world.school_a, date=monday)
    assert (changed.kind, changed.descriptor, changed.note) == ("weather_closure", "", "Picture day")
    # An empty cell in a column the file has does clear it.
    import_run(actor=None, kind="calendar", paths=[write(
        tmp_path, "school_id,date,kind,note\nA100,2025-09-01,holiday,\n", "c.csv")])
    assert CalendarDate.objects.get(school=world.school_a, date=labor_day).note == ""


def test_calendar_rejects(world, tmp_path):
    r = import_run(actor=None, kind="calendar", paths=[write(
        tmp_path, "school_id,date,kind\nA100,2025-09-02,instructional\nA100,2025-09-02,holiday\n"
                  "A100,2025-09-03,nap\nQ1,2025-09-04,holiday\n")])
    assert r.status == ImportRun.Status.REFUSED
    assert [(line, f) for line, f, _ in reasons(r)] == [(3, "date"), (4, "kind"), (5, "school_id")]
    assert not CalendarDate.objects.exists()


def test_a_student_twice_in_one_run_is_rejected_naming_the_first_line(world, tmp_path):
    head = STUDENTS.splitlines()[0] + "\n"
    first = write(tmp_path, head + "300060,Ana,Lopez,2013-04-02,08,F,\n300061,Bo,Li,2013-04-02,08,M,\n")
    second = write(tmp_path, head + "300060,Ana,Lopez,2013-04-02,09,F,\n", "b.csv")
    r = import_run(actor=None, kind="students", paths=[first, second])
    assert r.status == ImportRun.Status.REFUSED
    assert reasons(r) == [(2, "student_id", "Duplicate: student_id 300060 is already on line 2 of in.csv.")]
    assert not Student.objects.filter(district_id__in=["300060", "300061"]).exists()
    r = import_run(actor=None, kind="students", paths=[write(tmp_path, head + "300060,Ana,Lopez,2013-04-02,08,F,\n"
                                                                       "300060,Ana,Lopez,2013-04-02,09,F,\n", "c.csv")])
    assert reasons(r) == [(3, "student_id", "Duplicate: student_id 300060 is already on line 2.")]


DISCIPLINE = ("student_id,school_id,action_id,kind,descriptor,start_date,length_days,incident_id,behavior_code\n"
              "100001,A100,ACT-1,out_of_school_suspension,,2025-10-06,3,INC-9,Fighting\n"
              "200002,B200,ACT-2,,In School Suspension,2025-10-07,1,,\n")


def test_discipline(world, tmp_path):
    path = write(tmp_path, DISCIPLINE)
    r = import_run(actor=None, kind="discipline", paths=[path])
    assert r.status == ImportRun.Status.COMMITTED, reasons(r)
    assert (r.created, r.updated, r.unchanged) == (2, 0, 0)
    oss = Action.objects.get(action_id="ACT-1")
    assert oss.length_days == Decimal("3.0") and oss.incident.code == "Fighting"
    assert Action.objects.get(action_id="ACT-2").kind == "in_school_suspension"
    assert Incident.objects.count() == 1
    assert bulk_models(r) == ["action", "incident"]
    again = import_run(actor=None, kind="discipline", paths=[path])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_discipline_rejects(world, tmp_path):
    head = DISCIPLINE.splitlines()[0] + "\n"
    r = import_run(actor=None, kind="discipline", paths=[write(
        tmp_path, head + "100001,A100,ACT-1,nap,,2025-10-06,3,,\n"
                         "100001,A100,ACT-1,expulsion,,2025-10-06,x,,\n"
                         "100001,A100,ACT-1,expulsion,,2024-10-06,1,,\n"
                         "100001,A100,ACT-3,expulsion,,2025-10-06,1,,\n"
                         "100001,A100,ACT-3,expulsion,,2025-10-06,1,,\n")])
    assert [(line, f) for line, f, _ in reasons(r)] == [(2, "kind"), (3, "length_days"), (4, "start_date"),
                                                        (6, "action_id")]
    assert not Action.objects.exists()


def test_absent_columns_leave_stored_values_alone(world, tmp_path):
    import_run(actor=None, kind="enrollments", paths=[write(
        tmp_path, "student_id,school_id,entry_date,exit_date,grade\n100001,A100,2025-08-25,2026-01-02,04\n")])
    r = import_run(actor=None, kind="enrollments", paths=[write(
        tmp_path, "student_id,school_id,entry_date\n100001,A100,2025-08-25\n", "b.csv")])
    assert r.unchanged == 1
    e = Enrollment.objects.get(student=world.student_a, school=world.school_a)
    assert e.exit_date == datetime.date(2026, 1, 2) and e.grade == "04"


def test_discipline_file_without_length_or_incident_columns_leaves_them_alone(world, tmp_path):
    import_run(actor=None, kind="discipline", paths=[write(tmp_path, DISCIPLINE)])
    r = import_run(actor=None, kind="discipline", paths=[write(
        tmp_path, "student_id,school_id,action_id,kind,start_date\n"
                  "100001,A100,ACT-1,out_of_school_suspension,2025-10-06\n", "b.csv")])
    assert (r.status, r.updated, r.unchanged) == (ImportRun.Status.COMMITTED, 0, 1)
    oss = Action.objects.get(action_id="ACT-1")
    assert (oss.length_days, oss.incident.incident_id) == (Decimal("3.0"), "INC-9")


def test_a_failed_recompute_does_not_undo_or_misreport_the_import(db, tmp_path, monkeypatch):
    """The import commits first; if the recompute after it fails, the run still says committed and why
    the indicators are stale, instead of "nothing was written"."""
    from casework.imports.models import ImportRun
    from casework.indicators import services as indicator_services
    from casework.students.models import Student

    def broken(**kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(indicator_services, "indicators_recompute", broken)
    run = import_run(actor=None, kind="students", paths=[write(tmp_path, STUDENTS)])
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTED and run.created == Student.objects.count() > 0
    assert "the indicators were not recomputed (RuntimeError); run casework recompute" in run.message


def test_a_recompute_that_cannot_count_names_the_date_it_counted_through(db, tmp_path, monkeypatch):
    """With no attendance recorded the recompute counts through today, whose school year may not be the
    one just imported: the message says which date, so "no calendar" is not read as a failed import."""
    from casework.imports.models import ImportRun
    from casework.indicators import services as indicator_services
    from casework.indicators.inputs import IndicatorError

    def no_calendar(**kwargs):
        raise IndicatorError("No calendar for school(s) Z900 in the school year 2026-07-01 to 2027-06-30.")

    monkeypatch.setattr(indicator_services, "default_as_of", lambda: datetime.date(2026, 11, 25))
    monkeypatch.setattr(indicator_services, "indicators_recompute", no_calendar)
    run = import_run(actor=None, kind="students", paths=[write(tmp_path, STUDENTS)])
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTED
    assert "Indicators were not recomputed as of 11/25/2026: No calendar for school(s) Z900" in run.message


def test_a_large_change_is_followed_by_a_full_recompute(db, tmp_path, monkeypatch):
    from casework.imports import services
    from casework.indicators import services as indicator_services

    calls = []
    monkeypatch.setattr(services, "FULL_RECOMPUTE_ABOVE", 1)  # the file below changes 2 students: "most"
    monkeypatch.setattr(indicator_services, "indicators_recompute",
                        lambda **kw: calls.append(kw) or indicator_services.Recomputed(pairs=0, rows=0))
    import_run(actor=None, kind="students", paths=[write(tmp_path, STUDENTS)])
    assert len(calls) == 1 and "student_ids" not in calls[0] and "school_ids" not in calls[0]


@pytest.mark.parametrize(("last_full", "full"), [("2026.1", True), ("2026.2", False), (None, False)])
def test_rules_changed_since_the_last_full_recompute_make_it_full(db, tmp_path, monkeypatch, last_full, full):
    """After an upgrade to 2026.2 (or a district rule set taking effect) the last full recompute's summaries
    name another rule set than the one in force: an incremental pass would mix the two readings."""
    from casework.core.testing import factories as f
    from casework.indicators import services as indicator_services
    from casework.reports.models import SchoolGradeSummary
    from casework.rules.models import RuleSet

    if last_full:
        SchoolGradeSummary.objects.create(as_of=datetime.date(2025, 9, 26), school=f.school(code="Z900"), grade="05",
                                          rule_set=RuleSet.objects.get(rule_version=last_full),
                                          source=SchoolGradeSummary.Source.RECOMPUTE)
    calls = []
    monkeypatch.setattr(indicator_services, "indicators_recompute",
                        lambda **kw: calls.append(kw) or indicator_services.Recomputed(pairs=0, rows=0))
    run = import_run(actor=None, kind="students", paths=[write(tmp_path, STUDENTS)])
    assert calls and (len(calls) == 1 and "student_ids" not in calls[0] and "school_ids" not in calls[0]) is full
    assert ("(in full: the rules in force changed since the last full recompute)" in run.message) is full


@pytest.mark.parametrize("edited", [True, False])
def test_an_edit_to_the_rule_set_in_force_since_the_last_full_recompute_makes_it_full(db, tmp_path, monkeypatch,
                                                                                        edited):
    """`casework rules set` keeps the district set's id, so only its save time shows the values changed."""
    from casework.core.testing import factories as f
    from casework.indicators import services as indicator_services
    from casework.reports.models import SchoolGradeSummary
    from casework.rules.models import RuleSet
    from casework.rules.services import ruleset_copy, ruleset_update

    district = ruleset_copy(actor=None, source=RuleSet.objects.get(rule_version="2026.2"), name="District rules",
                            version="D1", effective_from=datetime.date(2017, 7, 1))
    SchoolGradeSummary.objects.create(as_of=datetime.date(2025, 9, 26), school=f.school(code="Z900"), grade="05",
                                      rule_set=district, source=SchoolGradeSummary.Source.RECOMPUTE)
    if edited:
        ruleset_update(actor=None, ruleset=district, values={"habitual_truant_rate": 0.15})
    calls = []
    monkeypatch.setattr(indicator_services, "indicators_recompute",
                        lambda **kw: calls.append(kw) or indicator_services.Recomputed(pairs=0, rows=0))
    run = import_run(actor=None, kind="students", paths=[write(tmp_path, STUDENTS)])
    assert len(calls) == 1 and ("student_ids" not in calls[0]) is edited
    assert ("(in full: the rules in force changed since the last full recompute)" in run.message) is edited


def test_the_last_full_recompute_is_the_latest_in_time_not_by_as_of_date(db, tmp_path, monkeypatch):
    """A full recompute as of 10/10 under a district set in force from 10/01, then one as of 09/26 (a report
    for September) under the default: every stored row now reads the default, so the next import, under the
    district set, recomputes in full rather than mix the two."""
    from casework.core.testing import factories as f
    from casework.indicators import services as indicator_services
    from casework.reports.models import SchoolGradeSummary
    from casework.rules.models import RuleSet
    from casework.rules.services import ruleset_copy

    default = RuleSet.objects.get(rule_version="2026.2")
    district = ruleset_copy(actor=None, source=default, name="District rules", version="D1",
                            effective_from=datetime.date(2025, 10, 1))
    school = f.school(code="Z900")
    for as_of, rule_set in ((datetime.date(2025, 10, 10), district), (datetime.date(2025, 9, 26), default)):
        SchoolGradeSummary.objects.create(as_of=as_of, school=school, grade="05", rule_set=rule_set,
                                          source=SchoolGradeSummary.Source.RECOMPUTE)
    calls = []
    monkeypatch.setattr(indicator_services, "indicators_recompute",
                        lambda **kw: calls.append(kw) or indicator_services.Recomputed(pairs=0, rows=0))
    run = import_run(actor=None, kind="students", paths=[write(tmp_path, STUDENTS)])
    assert len(calls) == 1 and "student_ids" not in calls[0]
    assert "(in full: the rules in force changed since the last full recompute)" in run.message


def test_a_value_the_record_refuses_is_rejected_naming_its_column(world, tmp_path):
    head = STUDENTS.splitlines()[0] + "\n"
    row = f"300080,{'A' * 101},Li,2013-04-02,08,,\n"
    r = import_run(actor=None, kind="students", paths=[write(tmp_path, head + row)])
    [(line, field, reason)] = reasons(r)
    assert (line, field) == (2, "first_name") and "at most 100 characters" in reason
