"""The directory and calendar kinds as plain CSV: schools, sessions, grading periods, guardians,
student-guardian links and programs (created, unchanged on re-import, rejects with reasons)."""

import datetime

import pytest

from casework.calendars.models import GradingPeriod, Session
from casework.imports.models import ImportRun
from casework.imports.services import import_run, template
from casework.programs.models import ProgramParticipation
from casework.schools.models import School
from casework.students.models import Guardian, Student, StudentGuardian


def write(tmp_path, text, name="in.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(tmp_path, kind, text):
    return import_run(actor=None, kind=kind, paths=[write(tmp_path, text, f"{kind}.csv")])


def reasons(run_):
    return [(r.line, r.field, r.reason) for r in run_.rejected_rows.order_by("line")]


def test_templates_use_the_agreed_columns():
    assert template("schools") == "school_id,name,level,street,city,state,postal_code,phone\n"
    assert template("sessions") == "school_id,school_year,name,begin,end,term,total_instructional_days\n"
    assert template("grading_periods") == ("school_id,school_year,begin,end,kind,descriptor,sequence,name,"
                                           "total_instructional_days\n")
    assert template("guardians") == "guardian_id,first_name,last_name,phone,email,preferred_language\n"
    assert template("student_guardians") == ("student_id,guardian_id,relationship,lives_with,has_custody,"
                                             "emergency_contact,contact_order,receives_mail\n")
    assert template("programs") == ("student_id,program,begin,program_name,end,school_id,nighttime_residence,"
                                    "unaccompanied_youth\n")


def test_schools_create_update_unchanged(db, tmp_path):
    text = "school_id,name,level,city\n300,Cedar High,high,Sampleton\n"
    r = run(tmp_path, "schools", text)
    assert (r.status, r.created) == (ImportRun.Status.COMMITTED, 1)
    assert School.objects.get(code="300").level == "high"
    assert run(tmp_path, "schools", text).unchanged == 1
    assert run(tmp_path, "schools", text.replace("Sampleton", "Elsewhere")).updated == 1
    bad = run(tmp_path, "schools", "school_id,name,level\n301,Oak,college\n")
    assert reasons(bad) == [(2, "level", "Unknown school level 'college'; use one of elementary, middle, high, "
                                         "alternative, special, other.")]


def test_session_calendar_source_follows_the_listing(world, tmp_path):
    run(tmp_path, "calendar", "school_id,date,kind\nA100,2025-09-02,instructional\nB200,2025-09-19,holiday\n")
    r = run(tmp_path, "sessions", "school_id,school_year,name,begin,end,total_instructional_days\n"
                                  "A100,2026,Fall,2025-09-01,2025-12-19,75\nB200,2026,Fall,2025-09-01,2025-12-19,74\n"
                                  "B200,2026,Spring,2026-01-05,2026-06-12,\n")
    assert r.status == ImportRun.Status.COMMITTED, reasons(r)
    sources = {(s.school.code, s.name): s.calendar_source for s in Session.objects.all()}
    # A100 listed a school day in the span; B200 listed only a holiday and sent a count; Spring has no count.
    assert sources == {("A100", "Fall"): "dates_listed", ("B200", "Fall"): "periods_with_counts",
                       ("B200", "Spring"): "dates_listed"}
    # The declared counts checked against the days found (hand count: 80 weekdays from Mon 9/1 to Fri 12/19,
    # less B200's listed 9/19 holiday): the steward is told where days off are missing.
    assert r.message.splitlines()[:2] == [
        "School A100, session Fall (2025-09-01 to 2025-12-19) declares 75 instructional days; its listed "
        "instructional dates give 1. Check that every instructional date of the session is listed.",
        "School B200, session Fall (2025-09-01 to 2025-12-19) declares 74 instructional days; its weekdays minus "
        "the days off listed so far give 79. List the session's days off (holidays, breaks) as calendar dates, or "
        "Casework counts them as school days."]
    holidays = "".join(f"B200,2025-{d},holiday\n" for d in ("11-26", "11-27", "11-28", "10-13", "09-02"))
    fixed = run(tmp_path, "calendar", "school_id,date,kind\n" + holidays)
    assert "School B200" not in fixed.message, fixed.message
    bad = run(tmp_path, "sessions", "school_id,school_year,name,begin,end\nA100,2026,X,2025-09-10,2025-09-01\n"
                                    "Z9,2026,Y,2025-09-01,2025-09-10\n")
    assert reasons(bad) == [(2, "end", "The end date is before the begin date."),
                            (3, "school_id", "Unknown school Z9: no school has this code.")]


def test_grading_periods_from_kind_or_descriptor(world, tmp_path):
    r = run(tmp_path, "grading_periods", "school_id,school_year,kind,descriptor,sequence,begin,end\n"
                                         "A100,2026,,uri://ed-fi.org/GradingPeriodDescriptor#Second Semester,,"
                                         "2026-01-20,2026-06-12\nA100,2026,quarter,,1,2025-09-01,2025-11-07\n"
                                         "A100,2026,decade,,1,2025-09-01,2025-11-07\n")
    assert reasons(r) == [(4, "kind", "Unknown grading period kind 'decade'; use one of quarter, marking_period, "
                                      "semester, trimester, year or an Ed-Fi GradingPeriodDescriptor.")]
    r = import_run(actor=None, kind="grading_periods", paths=[tmp_path / "grading_periods.csv"], partial=True)
    assert sorted(GradingPeriod.objects.values_list("kind", "sequence")) == [("quarter", 1), ("semester", 2)]


def test_guardians_and_links(world, tmp_path):
    r = run(tmp_path, "guardians", "guardian_id,first_name,last_name,email\nG-7,Robin,Sample,robin@example.org\n"
                                   "G-8,Sam,Sample,not-an-email\n")
    assert [(line, reason) for line, _f, reason in reasons(r)] == [(3, "Enter a valid email address.")]
    run_ok = run(tmp_path, "guardians", "guardian_id,first_name,last_name\nG-7,Robin,Sample\n")
    assert run_ok.created == 1 and Guardian.objects.get(contact_id="G-7").first_name == "Robin"
    links = "student_id,guardian_id,relationship,lives_with,contact_order\n100001,G-7,Foster mother,yes,2\n"
    assert run(tmp_path, "student_guardians", links).created == 1
    link = StudentGuardian.objects.get(guardian__contact_id="G-7")
    assert (link.relationship, link.lives_with, link.contact_order) == ("foster_parent", True, 2)
    assert run(tmp_path, "student_guardians", links).unchanged == 1
    bad = run(tmp_path, "student_guardians", "student_id,guardian_id,lives_with\n100001,G-404,maybe\n")
    assert reasons(bad) == [(2, "guardian_id", "Unknown guardian G-404: import the guardians file first.")]


def test_programs_keep_the_student_flags_in_step(world, tmp_path):
    text = ("student_id,program,begin,end,nighttime_residence\n"
            "100001,uri://ed-fi.org/ProgramTypeDescriptor#Special Education,2024-09-01,,\n"
            "100001,homeless,2024-09-01,,Hotels/motels\n")
    r = run(tmp_path, "programs", text)
    assert r.status == ImportRun.Status.COMMITTED, reasons(r)
    student = Student.objects.get(district_id="100001")
    assert (student.has_iep, student.homeless, student.has_504) == (True, True, False)
    assert ProgramParticipation.objects.get(kind="homeless").nighttime_residence == "hotels_motels"
    assert run(tmp_path, "programs", text).unchanged == 2
    ended = run(tmp_path, "programs", text.replace("2024-09-01,,Hotels", "2024-09-01,2024-12-20,Hotels"))
    assert ended.updated == 1
    assert Student.objects.get(district_id="100001").homeless is False
    bad = run(tmp_path, "programs", "student_id,program,begin,nighttime_residence\n100001,title_i,2024-09-01,"
                                    "shelters\n100001,chess club,2024-09-01,\n")
    assert reasons(bad) == [
        (2, "nighttime_residence", "Nighttime residence and unaccompanied youth apply only to McKinney-Vento "
                                   "(homeless)."),
        (3, "program", "Unknown program 'chess club'; use one of homeless, section_504, special_education, "
                       "english_learner, title_i, foster_care, home_and_hospital, other, an Ed-Fi ProgramType "
                       "descriptor, or map it: casework descriptors set 'chess club' <kind> --family program "
                       "--user <you>."),
    ]


@pytest.mark.parametrize("kind", ["schools", "sessions", "grading_periods", "guardians", "student_guardians",
                                  "programs"])
def test_missing_required_column_refuses(db, tmp_path, kind):
    r = run(tmp_path, kind, "nothing\nx\n")
    assert r.status == ImportRun.Status.REFUSED and "required column(s) missing" in r.message


@pytest.mark.parametrize("given, stored", [("2026", 2026), ("2025-2026", 2026), ("2025-26", 2026),
                                           ("1999-00", 2000)])
def test_school_year_as_a_number_or_as_ed_fi_writes_it(world, tmp_path, given, stored):
    r = run(tmp_path, "sessions", f"school_id,school_year,name,begin,end\nA100,{given},Fall,2025-09-01,2025-12-19\n")
    assert r.status == ImportRun.Status.COMMITTED, reasons(r)
    assert Session.objects.get().school_year == stored


def test_school_year_spanning_two_years_is_refused(world, tmp_path):
    r = run(tmp_path, "sessions", "school_id,school_year,name,begin,end\nA100,2025-2027,Fall,2025-09-01,2025-12-19\n")
    assert reasons(r) == [(2, "school_year", "'2025-2027' is not one school year: the second year must follow the "
                                             "first (2026-2027).")]


def test_dates_listed_after_the_session_move_it_to_dates_listed(world, tmp_path):
    """Sessions first, then a calendar listing every school day (and no holidays): the session counts the
    listed days, not every weekday of its span."""
    run(tmp_path, "sessions", "school_id,school_year,name,begin,end,total_instructional_days\n"
                              "A100,2026,Fall,2025-09-01,2025-09-12,9\n")
    assert Session.objects.get().calendar_source == "periods_with_counts"
    # A Saturday make-up day and a short day are listed on such calendars too: no sign of listed dates.
    run(tmp_path, "calendar", "school_id,date,kind\nA100,2025-09-06,make_up\nA100,2025-09-05,short_day\n")
    assert Session.objects.get().calendar_source == "periods_with_counts"
    listed = "".join(f"A100,2025-09-{d:02d},instructional\n" for d in (2, 3, 4, 5, 8, 9, 10, 11, 12))
    r = run(tmp_path, "calendar", "school_id,date,kind\n" + listed)
    assert r.status == ImportRun.Status.COMMITTED, reasons(r)
    assert Session.objects.get().calendar_source == "dates_listed"
    from casework.calendars.schooldays import instructional_days
    days = instructional_days(School.objects.get(code="A100"), datetime.date(2025, 9, 1), datetime.date(2025, 9, 12))
    # The nine listed days and the make-up Saturday; Labor Day is not listed, so not a school day.
    assert len(days) == 10 and datetime.date(2025, 9, 6) in days and datetime.date(2025, 9, 1) not in days


def test_end_of_year_needs_no_sequence(world, tmp_path):
    """Ed-Fi's "End of Year" grading period is the year: one a school year, sequence 1. A quarter with no
    sequence and no ordinal in its descriptor is still refused."""
    r = run(tmp_path, "grading_periods", "school_id,school_year,descriptor,begin,end\n"
                                         "A100,2026,uri://ed-fi.org/GradingPeriodDescriptor#End of Year,"
                                         "2025-09-01,2026-06-12\n"
                                         "A100,2026,uri://ed-fi.org/GradingPeriodDescriptor#Quarter,"
                                         "2025-09-01,2025-11-07\n")
    assert reasons(r) == [(3, "sequence", "sequence is required (1 for the first quarter, ...).")]
    import_run(actor=None, kind="grading_periods", paths=[tmp_path / "grading_periods.csv"], partial=True)
    assert list(GradingPeriod.objects.values_list("kind", "sequence")) == [("year", 1)]
