"""OneRoster delta bundles (manifest file.X = delta) on top of the bulk bundle of test_oneroster: listed rows
upsert as bulk rows do, a tobedeleted enrollment ends the school enrollment, Casework deletes nothing else."""

import datetime

from django.utils import timezone

from casework.calendars.models import Session
from casework.imports.models import ImportRun
from casework.students.models import Enrollment, Student

from .test_oneroster import ENROLLMENTS, MANIFEST, ROLES_HEADER, S2, USERS, rejects, run, write_bundle

D = datetime.date
USERS_HEADER = USERS.splitlines()[0] + "\n"
ENROLLMENTS_HEADER = ENROLLMENTS.splitlines()[0] + "\n"
ORGS_HEADER = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
BIRCH = "org-m,,,Birch Middle School,school,0402,org-d\n"
CEDAR = "org-e,,,Cedar Elementary,school,0301,org-d\n"


def manifest(**modes):
    """Every file absent but those given (delta unless said)."""
    lines = [line for line in MANIFEST.splitlines() if not line.startswith("file.")]
    lines += [f"file.{name},{mode}" for name, mode in modes.items()]
    return "\n".join(lines) + "\n"


THREE = manifest(users="delta", enrollments="delta", orgs="delta")


def line_of(text, start):
    return next(line for line in text.splitlines() if line.startswith(start)) + "\n"


def imported(tmp_path):
    r = run(write_bundle(tmp_path / "bulk"))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))


def test_a_users_delta_updates_the_listed_student_only(db, tmp_path):
    imported(tmp_path)
    changed_user = line_of(USERS, f"{S2},").replace(",7,,", ",8,,")
    r = run(write_bundle(tmp_path / "delta", {"manifest.csv": manifest(users="delta"),
                                               "users.csv": USERS_HEADER + changed_user}))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    assert (r.created, r.updated) == (0, 1)
    assert Student.objects.get(district_id="500002").grade == "08"
    # Not listed: not gone. Liam keeps his birth date and enrollment; the others are untouched.
    assert Student.objects.get(district_id="500002").date_of_birth == D(2013, 11, 2)
    assert Student.objects.count() == 3 and Enrollment.objects.count() == 3


def test_a_users_delta_without_a_role_column_knows_students_by_what_is_stored(db, tmp_path):
    imported(tmp_path)
    header = USERS_HEADER.replace(",orgSourcedIds,role,", ",")
    row = line_of(USERS, f"{S2},").replace(",org-m,student,", ",").replace(",7,,", ",8,,")
    stranger = "u-new,,,true,n1,,New,Person,,900009,,,,,05,,\n"
    r = run(write_bundle(tmp_path / "delta", {"manifest.csv": manifest(users="delta"),
                                               "users.csv": header + row + stranger}))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    assert Student.objects.get(district_id="500002").grade == "08"
    assert not Student.objects.filter(district_id="900009").exists()
    assert "users.csv (delta): 1 user(s) with no role, and not students Casework holds, were not imported; " \
           "line(s) 3." in r.message


def test_a_tobedeleted_enrollment_ends_the_school_enrollment(db, tmp_path):
    imported(tmp_path)
    # u-s2 at org-m: both classes marked deleted, e3 on 2026-11-20 and e4 without a date (today).
    ended = ENROLLMENTS_HEADER + (f"e3,tobedeleted,2026-11-20T15:04:05.000Z,c-m-7a,org-m,{S2},student,false,"
                                  "2026-08-31,\n")
    users = USERS_HEADER + line_of(USERS, f"{S2},")
    # Casework keeps no sourcedId: the delta lists the org (stored as 0402) for its school to be found.
    r = run(write_bundle(tmp_path / "delta", {"manifest.csv": THREE,
                                               "users.csv": users, "enrollments.csv": ended,
                                               "orgs.csv": ORGS_HEADER + BIRCH}))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    liam = Enrollment.objects.get(student__district_id="500002")
    assert (liam.entry_date, liam.exit_date) == (D(2026, 8, 31), D(2026, 11, 20))
    assert Student.objects.filter(district_id="500002").exists()
    # The same delta again: the enrollment it ended (exit 11/20, inclusive) is the one it ends; nothing changes.
    again = run(write_bundle(tmp_path / "delta2", {"manifest.csv": THREE,
                                                    "users.csv": users, "enrollments.csv": ended,
                                                    "orgs.csv": ORGS_HEADER + BIRCH}))
    assert (again.created, again.updated) == (0, 0) and "end nothing" not in again.message


def test_a_tobedeleted_enrollment_without_a_date_ends_today_and_one_with_nothing_open_is_said(db, tmp_path):
    imported(tmp_path)
    rows = (ENROLLMENTS_HEADER + f"e3,tobedeleted,,c-m-7a,org-m,{S2},student,false,2026-08-31,\n"
            "e9,tobedeleted,,c-e-3a,org-e,u-s1,student,false,2026-08-31,\n"
            "e8,tobedeleted,,c-m-7a,org-m,u-s1,student,false,2026-08-31,\n")  # u-s1 was never at 0402
    users = USERS_HEADER + line_of(USERS, f"{S2},") + line_of(USERS, "u-s1,")
    r = run(write_bundle(tmp_path / "delta", {"manifest.csv": THREE,
                                               "users.csv": users, "enrollments.csv": rows,
                                               "orgs.csv": ORGS_HEADER + BIRCH + CEDAR}))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    assert Enrollment.objects.get(student__district_id="500002").exit_date == timezone.localdate()
    # u-s1's enrollment at 0301 ended 2027-06-15, after today: it is ended today as well.
    assert Enrollment.objects.get(student__district_id="500001").exit_date == timezone.localdate()
    assert "enrollments.csv (delta): 1 tobedeleted enrollment(s) end nothing" in r.message and "line(s) 4." in r.message


def test_a_tobedeleted_user_keeps_the_student_and_says_so(db, tmp_path):
    imported(tmp_path)
    gone = line_of(USERS, "u-s3,").replace("u-s3,,,", "u-s3,tobedeleted,2026-11-20T00:00:00Z,")
    r = run(write_bundle(tmp_path / "delta", {"manifest.csv": manifest(users="delta"),
                                               "users.csv": USERS_HEADER + gone}))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    assert Student.objects.filter(district_id="500003").exists()
    assert Enrollment.objects.get(student__district_id="500003").exit_date == D(2027, 6, 15)
    assert "users.csv (delta): 1 user(s) marked tobedeleted are kept with their records" in r.message


def test_a_delta_enrollment_of_an_unlisted_user_is_found_by_id_or_rejected(db, tmp_path):
    imported(tmp_path)
    # u-s1 is stored as 500001 (its identifier): the delta must list the user to say so.
    rows = ENROLLMENTS_HEADER + "e7,,,c-m-7a,org-m,u-s1,student,false,2027-01-25,\n"
    r = run(write_bundle(tmp_path / "delta", {"manifest.csv": manifest(enrollments="delta"),
                                               "enrollments.csv": rows}))
    assert rejects(r) == [("enrollments.csv", 2, "userSourcedId", "Unknown user u-s1: not in this delta users.csv, "
                                                                  "and no student has this id; include the user's "
                                                                  "row in the export.")]
    # org-m is stored as 0402: found through a listed org row; 500001 through a listed user row.
    listed = {"manifest.csv": THREE,
              "users.csv": USERS_HEADER + line_of(USERS, "u-s1,"),
              "orgs.csv": ORGS_HEADER + BIRCH,
              "enrollments.csv": rows}
    r = run(write_bundle(tmp_path / "listed", listed))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    assert set(Enrollment.objects.filter(student__district_id="500001").values_list("school__code", flat=True)) \
        == {"0301", "0402"}


def test_a_changed_session_is_updated_where_it_is_and_roles_may_be_delta(db, tmp_path):
    imported(tmp_path)
    sessions = ("sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\n"
                "s2,,,Spring 2027,semester,2027-01-26,2027-06-15,sy27,2027\n")
    roles = ROLES_HEADER + "r1,tobedeleted,,u-s1,primary,student,,,org-e,\n"
    r = run(write_bundle(tmp_path / "delta", {"manifest.csv": manifest(academicSessions="delta", roles="delta"),
                                               "academicSessions.csv": sessions, "roles.csv": roles}))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    assert set(Session.objects.filter(name="Spring 2027").values_list("school__code", "begin")) == {
        ("0301", D(2027, 1, 26)), ("0402", D(2027, 1, 26)), ("org-x", D(2027, 1, 26))}
    assert "roles.csv (delta): 1 role(s) marked tobedeleted are kept" in r.message


def test_a_new_session_with_no_school_to_go_to_is_said(db, tmp_path):
    imported(tmp_path)
    sessions = ("sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\n"
                "sy28,,,2027-2028,schoolYear,2027-08-30,2028-06-14,,2028\n")
    r = run(write_bundle(tmp_path / "delta", {"manifest.csv": manifest(academicSessions="delta"),
                                               "academicSessions.csv": sessions}))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    assert not Session.objects.filter(school_year=2028).exists()
    assert "academicSessions.csv (delta): 1 session(s) went to no school" in r.message
