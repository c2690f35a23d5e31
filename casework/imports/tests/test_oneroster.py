"""OneRoster 1.2 CSV bundles imported end to end through the shared importers. The bundle is synthetic and
hand-written; the expected records are worked out by hand in the comments."""

import datetime
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casework.calendars.models import GradingPeriod, Session
from casework.imports.models import ImportRun
from casework.imports.services import import_bundle
from casework.schools.models import School
from casework.students.models import Enrollment, Guardian, Student, StudentGuardian

D = datetime.date

MANIFEST = """propertyName,value
manifest.version,1.0
oneroster.version,1.2
file.academicSessions,bulk
file.categories,absent
file.classes,absent
file.courses,absent
file.demographics,bulk
file.enrollments,bulk
file.lineItems,absent
file.orgs,bulk
file.results,absent
file.roles,absent
file.users,bulk
source.systemName,Synthetic SIS
"""

ORGS = """sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
org-d,,,Synthetic County Public Schools,district,,
org-e,,,Cedar Elementary,school,0301,org-d
org-m,,,Birch Middle School,school,0402,org-d
org-x,,,Oak Academy,school,,org-d
"""

SESSIONS = """sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear
sy27,,,2026-2027,schoolYear,2026-08-31,2027-06-15,,2027
s2,,,Spring 2027,semester,2027-01-25,2027-06-15,sy27,2027
s1,,,Fall 2026,semester,2026-08-31,2027-01-22,sy27,2027
q1,,,Q1,gradingPeriod,2026-08-31,2026-11-06,s1,2027
q2,,,Q2,gradingPeriod,2026-11-09,2027-01-22,s1,2027
"""

USERS = """sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,\
middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,preferredGivenName
u-s1,,,true,org-e,student,s1,{SASID:1234567890},Amara,Okafor,Ngozi,500001,,,,"u-p1,u-g1",03,,Mara
u-s2,,,true,org-m,student,s2,,Liam,Brennan,,500002,,,,,7,,
u-s3,,,true,"org-d,org-x",student,s3,,Sofía,Peña,,500003,,,,,KG,,
u-p1,,,true,org-e,parent,p1,,Chidi,Okafor,,G-9001,c.okafor@example.org,,410-555-0101,u-s1,,,
u-g1,,,true,org-e,guardian,g1,,Ruth,Adeyemi,,G-9002,,410-555-0199,,,,,
u-r1,,,true,org-m,relative,r1,,Tomás,Brennan,,,,,,u-s2,,,
u-t1,,,true,org-e,teacher,t1,,Pat,Teacher,,T-1,,,,,,,
"""

DEMOGRAPHICS = """sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian
u-s1,,,2017-03-14,female,false,false
u-s2,,,2013-11-02,male,false,false
u-s3,,,2021-01-09,unspecified,false,false
u-p1,,,1985-06-01,male,false,false
"""

ENROLLMENTS = """sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,\
beginDate,endDate
e1,,,c-e-3a,org-e,u-s1,student,false,2026-09-08,2027-06-15
e2,,,c-e-3b,org-e,u-s1,student,false,2026-08-31,2027-01-22
e3,,,c-m-7a,org-m,u-s2,student,false,2026-08-31,
e4,,,c-m-7b,org-m,u-s2,student,false,2026-09-02,2026-10-30
e5,,,c-e-3a,org-e,u-t1,teacher,true,2026-08-31,2027-06-15
"""

# Liam's sourcedId is a GUID, as many SIS exports write them: too long for a student id, so his identifier is used.
S2 = "u-s2-5b1c0d2e-7a41-4c2f-9e0b-3d6f8a9c1e42"
USERS, DEMOGRAPHICS, ENROLLMENTS = (text.replace("u-s2", S2) for text in (USERS, DEMOGRAPHICS, ENROLLMENTS))
BUNDLE = {"manifest.csv": MANIFEST, "orgs.csv": ORGS, "academicSessions.csv": SESSIONS, "users.csv": USERS,
          "demographics.csv": DEMOGRAPHICS, "enrollments.csv": ENROLLMENTS}


# The OneRoster 1.2 way: users.csv without the 1.1 role and orgSourcedIds columns, roles.csv declared.
USERS_WITHOUT_ROLES = "\n".join(
    ",".join(v for i, v in enumerate(line.split(",")) if i not in (4, 5))
    for line in USERS.replace('"u-p1,u-g1"', "u-p1;u-g1").replace('"org-d,org-x"', "x").splitlines()
).replace("u-p1;u-g1", '"u-p1,u-g1"') + "\n"
ROLES_HEADER = ("sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,"
                "userProfileSourcedId\n")
MANIFEST_WITH_ROLES = MANIFEST.replace("file.roles,absent", "file.roles,bulk")

def write_bundle(folder, files=None, encoding="utf-8"):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (BUNDLE if files is None else files).items():
        (folder / name).write_bytes(text.encode(encoding))
    return folder


def zip_bundle(path, files=None, prefix=""):
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in (BUNDLE if files is None else files).items():
            archive.writestr(prefix + name, text)
    return path


def changed(**replacements):
    files = dict(BUNDLE)
    files.update(replacements)
    return {k: v for k, v in files.items() if v is not None}


def run(path, **kwargs):
    return import_bundle(actor=None, fmt="oneroster", paths=[path], recompute=False, **kwargs)


def rejects(r):
    return [(x.file, x.line, x.field, x.reason) for x in r.rejected_rows.order_by("file", "line", "id")]


def assert_bundle_imported():
    schools = {s.code: (s.name, s.level) for s in School.objects.all()}
    assert schools == {"0301": ("Cedar Elementary", "elementary"), "0402": ("Birch Middle School", "middle"),
                       "org-x": ("Oak Academy", "other")}
    # Three district-wide sessions for each school.
    fall = Session.objects.get(school__code="0402", name="Fall 2026")
    assert (fall.school_year, fall.term, fall.begin, fall.end) == (2027, "Fall Semester", D(2026, 8, 31),
                                                                   D(2027, 1, 22))
    assert Session.objects.get(school__code="0301", name="Spring 2027").term == "Spring Semester"
    assert Session.objects.get(school__code="org-x", name="2026-2027").term == "Year Round"
    periods = sorted(GradingPeriod.objects.filter(school__code="0301").values_list("kind", "sequence", "name",
                                                                                    "begin"))
    assert periods == [("quarter", 1, "Q1", D(2026, 8, 31)), ("quarter", 2, "Q2", D(2026, 11, 9)),
                       ("semester", 1, "Fall 2026", D(2026, 8, 31)), ("semester", 2, "Spring 2027", D(2027, 1, 25))]
    amara = Student.objects.get(district_id="500001")
    assert (amara.first_name, amara.last_name, amara.middle_name, amara.preferred_name, amara.grade, amara.sex,
            amara.date_of_birth, amara.state_id) == ("Amara", "Okafor", "Ngozi", "Mara", "03", "F",
                                                     D(2017, 3, 14), "1234567890")
    assert Student.objects.get(district_id="500002").grade == "07"
    sofia = Student.objects.get(district_id="500003")
    assert (sofia.first_name, sofia.last_name, sofia.grade, sofia.sex) == ("Sofía", "Peña", "KG", "U")
    assert not Student.objects.filter(district_id="T-1").exists()
    ruth = Guardian.objects.get(contact_id="G-9002")
    assert (ruth.first_name, ruth.phone, ruth.email) == ("Ruth", "410-555-0199", "")
    assert Guardian.objects.get(contact_id="G-9001").email == "c.okafor@example.org"
    links = sorted(StudentGuardian.objects.values_list("student__district_id", "guardian__contact_id",
                                                       "relationship", "contact_order"))
    # u-s1 names u-p1 then u-g1; u-r1 names u-s2 from the guardian's side.
    assert links == [("500001", "G-9001", "father", 1), ("500001", "G-9002", "legal_guardian", 2),
                     ("500002", "u-r1", "other", 1)]
    enrollments = sorted(Enrollment.objects.values_list("student__district_id", "school__code", "entry_date",
                                                        "exit_date"))
    # u-s1: earliest beginDate 08-31 (e2), latest endDate 06-15 (e1); u-s2: e3 has no endDate, so open;
    # u-s3: no class enrollment, so the school year at org-x (org-d is the district, not a school).
    assert enrollments == [("500001", "0301", D(2026, 8, 31), D(2027, 6, 15)),
                           ("500002", "0402", D(2026, 8, 31), None),
                           ("500003", "org-x", D(2026, 8, 31), D(2027, 6, 15))]


def test_folder_bundle_end_to_end_then_unchanged(db, tmp_path):
    folder = write_bundle(tmp_path / "roster")
    r = run(folder)
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    # 3 schools, 9 sessions, 12 grading periods, 3 students, 3 guardians, 3 links, 3 enrollments
    assert (r.created, r.updated, r.unchanged, r.rejected) == (36, 0, 0, 0)
    assert r.kind == "schools, sessions, grading_periods, students, guardians, student_guardians, enrollments"
    assert_bundle_imported()
    again = run(folder)
    assert again.status == ImportRun.Status.COMMITTED
    assert (again.created, again.updated, again.unchanged) == (0, 0, 36)
    assert "Nothing changed" in again.message


def test_zip_bundle_in_a_folder_inside_the_zip(db, tmp_path):
    r = run(zip_bundle(tmp_path / "roster.zip", prefix="export-2026/"))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    assert r.created == 36
    assert_bundle_imported()


def test_an_update_in_the_sis_updates_the_record(db, tmp_path):
    run(write_bundle(tmp_path / "a"))
    r = run(write_bundle(tmp_path / "b", changed(**{"users.csv": USERS.replace(",7,,", ",8,,")})))
    assert (r.created, r.updated, r.unchanged) == (0, 1, 35)
    assert Student.objects.get(district_id="500002").grade == "08"


def test_windows_1252_names(db, tmp_path):
    folder = write_bundle(tmp_path / "roster", encoding="cp1252")
    assert "Sofía".encode("cp1252") in (folder / "users.csv").read_bytes()
    r = run(folder)
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    assert Student.objects.get(district_id="500003").last_name == "Peña"
    assert Guardian.objects.get(contact_id="u-r1").first_name == "Tomás"
    assert "users.csv: Windows-1252" in r.encoding  # the run says how each file was read


def test_utf8_with_bom(db, tmp_path):
    folder = write_bundle(tmp_path / "roster")
    (folder / "users.csv").write_bytes(b"\xef\xbb\xbf" + USERS.encode())
    r = run(folder)
    assert r.created == 36
    assert "users.csv: UTF-8 with BOM" in r.encoding and "orgs.csv: UTF-8" in r.encoding


def test_enrollment_for_unknown_user_rejected_with_file_line_reason(db, tmp_path):
    text = ENROLLMENTS + "e6,,,c-e-3a,org-e,u-ghost,student,false,2026-08-31,\n" \
                         "e7,,,c-e-3a,org-nowhere,u-s1,student,false,2026-08-31,\n"
    r = run(write_bundle(tmp_path / "roster", changed(**{"enrollments.csv": text})))
    assert r.status == ImportRun.Status.REFUSED
    assert rejects(r) == [
        ("enrollments.csv", 7, "userSourcedId", "Unknown user u-ghost: no row of users.csv has this sourcedId."),
        ("enrollments.csv", 8, "schoolSourcedId", "Unknown org org-nowhere: no row of orgs.csv has this sourcedId."),
    ]
    # Line 8's user is a student of users.csv: named by its identifier; u-ghost names none.
    assert list(r.rejected_rows.order_by("line").values_list("student_ref", flat=True)) == ["", "500001"]
    assert not School.objects.exists() and not Student.objects.exists()  # atomic: nothing written


def test_partial_commits_the_good_rows(db, tmp_path):
    text = ENROLLMENTS + "e6,,,c-e-3a,org-e,u-ghost,student,false,2026-08-31,\n"
    r = run(write_bundle(tmp_path / "roster", changed(**{"enrollments.csv": text})), partial=True)
    assert r.status == ImportRun.Status.PARTIAL
    assert (r.created, r.rejected) == (36, 1)


@pytest.mark.parametrize("replace, file, line, field, words", [
    (("users.csv", ",03,,Mara", ",14,,Mara"), "users.csv", 2, "grades", "Grade '14' is not a CEDS grade code"),
    (("users.csv", ",03,,Mara", ",,,Mara"), "users.csv", 2, "grades", "grades is empty"),
    (("demographics.csv", "2017-03-14", "2017-02-30"), "users.csv", 2, "birthDate",
     "demographics.csv, line 2: birthDate 2017-02-30 is not a real date"),
    (("demographics.csv", f"{S2},,,2013-11-02,male", f"{S2},,,2013-11-02,boy"), "users.csv", 3, "sex",
     "sex 'boy' is not male, female"),
    (("users.csv", '"u-p1,u-g1"', '"u-p1,u-zz"'), "users.csv", 2, "agentSourcedIds", "Unknown user u-zz"),
    (("academicSessions.csv", "Q2,gradingPeriod,2026-11-09,2027-01-22,s1,2027",
      "Q2,gradingPeriod,2026-11-09,2026-11-01,s1,2027"), "academicSessions.csv", 6, "endDate", "before startDate"),
    (("orgs.csv", "org-x,,,Oak", "org-x,tobedeleted,,Oak"), "orgs.csv", 5, "status", "a bulk export leaves deleted"),
    (("users.csv", "u-t1,,,true", f"{S2},,,true"), "users.csv", 8, "sourcedId", "already on line 3"),
    (("users.csv", "Liam,Brennan,,500002", "Liam,Brennan,,"), "users.csv", 3, "sourcedId", "give the user its SIS"),
    (("orgs.csv", "Oak Academy,school,,", "Oak Academy,school,0123456789-0123456789,"), "orgs.csv", 5, "identifier",
     "longer than 20 characters"),
])
def test_row_problems_name_file_line_field(db, tmp_path, replace, file, line, field, words):
    name, old, new = replace
    assert old in BUNDLE[name]
    r = run(write_bundle(tmp_path / "roster", changed(**{name: BUNDLE[name].replace(old, new, 1)})))
    assert r.status == ImportRun.Status.REFUSED
    found = [(f, ln, fd) for f, ln, fd, reason in rejects(r) if words in reason]
    assert found == [(file, line, field)], rejects(r)


def test_roles_csv_instead_of_role_column(db, tmp_path):
    """The OneRoster 1.2 way: no role or orgSourcedIds in users.csv, roles.csv says who is what where."""
    users = USERS_WITHOUT_ROLES
    roles = (ROLES_HEADER +
             "r1,,,u-s1,primary,student,,,org-e,\n"
             f"r2,,,{S2},primary,student,,,org-m,\n"
             "r3,,,u-s3,primary,student,2026-09-14,,org-x,\n"
             "r4,,,u-p1,primary,parent,,,org-e,\n"
             "r5,,,u-g1,primary,guardian,,,org-e,\n"
             "r6,,,u-r1,primary,relative,,,org-m,\n"
             "r7,,,u-t1,primary,teacher,,,org-e,\n")
    manifest = MANIFEST_WITH_ROLES
    r = run(write_bundle(tmp_path / "roster", changed(**{"users.csv": users, "roles.csv": roles,
                                                         "manifest.csv": manifest})))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    assert r.created == 36
    # roles.csv dates the enrollment of a student without class enrollments: from 09-14, open.
    sofia = Enrollment.objects.get(student__district_id="500003")
    assert (sofia.school.code, sofia.entry_date, sofia.exit_date) == ("org-x", D(2026, 9, 14), None)
    assert StudentGuardian.objects.count() == 3

    ghost = roles + "r8,,,u-ghost,primary,student,,,org-e,\n"
    bad = run(write_bundle(tmp_path / "ghost", changed(**{"users.csv": users, "roles.csv": ghost,
                                                          "manifest.csv": manifest})))
    assert rejects(bad) == [("roles.csv", 9, "userSourcedId",
                             "Unknown user u-ghost: no row of users.csv has this sourcedId.")]


@pytest.mark.parametrize("files, words", [
    (changed(**{"users.csv": None}), "manifest.csv declares users.csv (bulk) but the bundle has no users.csv"),
    (changed(**{"manifest.csv": MANIFEST.replace("oneroster.version,1.2", "oneroster.version,1.1")}),
     "oneroster.version is 1.1; Casework reads OneRoster 1.2"),
    (changed(**{"manifest.csv": MANIFEST.replace("manifest.version,1.0", "manifest.version,2.0")}),
     "manifest.version is 2.0"),
    (changed(**{"manifest.csv": MANIFEST.replace("file.users,bulk", "file.users,delta"), "users.csv": None}),
     "manifest.csv declares users.csv (delta) but the bundle has no users.csv"),
    (changed(**{"manifest.csv": MANIFEST.replace("file.demographics,bulk", "file.demographics,absent")}),
     "demographics.csv is in the bundle but manifest.csv declares it absent"),
    (changed(**{"manifest.csv": MANIFEST.replace("file.orgs,bulk", "file.orgs,absent"), "orgs.csv": None}),
     "needs orgs.csv and users.csv"),
    (changed(**{"manifest.csv": None}), "no manifest.csv"),
    (changed(**{"users.csv": USERS.replace("givenName,", "firstName,", 1)}),
     "users.csv: required column(s) missing: givenName"),
    (changed(**{"users.csv": USERS.replace(",role,", ",kind,", 1), "enrollments.csv": None,
                "manifest.csv": MANIFEST.replace("file.enrollments,bulk", "file.enrollments,absent")}),
     "users.csv has no role column and manifest.csv declares neither roles.csv nor enrollments.csv"),
])
def test_bundle_refused(db, tmp_path, files, words):
    r = run(write_bundle(tmp_path / "roster", files))
    assert r.status == ImportRun.Status.REFUSED
    assert words in r.message
    assert not School.objects.exists()


def test_not_a_zip_and_two_paths_refused(db, tmp_path):
    junk = tmp_path / "roster.zip"
    junk.write_text("not a zip")
    assert "not a zip file" in run(junk).message
    folder = write_bundle(tmp_path / "roster")
    r = import_bundle(actor=None, fmt="oneroster", paths=[folder, folder], recompute=False)
    assert r.status == ImportRun.Status.REFUSED and "Give one OneRoster bundle" in r.message


def test_zip_names_cannot_escape(db, tmp_path):
    path = zip_bundle(tmp_path / "roster.zip", prefix="x/")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("x/../../evil.csv", "boom")
    assert run(path).status == ImportRun.Status.COMMITTED
    assert not (tmp_path / "evil.csv").exists()


def test_command_line(db, tmp_path, capsys):
    path = zip_bundle(tmp_path / "roster.zip")
    call_command("import", "oneroster", str(path), "--no-progress")
    out = capsys.readouterr().out
    assert "created 36, updated 0, unchanged 0, rejected 0" in out
    bad = zip_bundle(tmp_path / "old.zip", changed(**{"manifest.csv": MANIFEST.replace("1.2", "1.1")}))
    with pytest.raises(CommandError, match="refused"):
        call_command("import", "oneroster", str(bad), "--no-progress")


def test_a_schedule_change_in_the_next_bundle_updates_the_enrollment(db, tmp_path):
    """The next day's bundle no longer holds u-s1's first class (e2, from 08-31) and e1 now starts 10-01:
    its earliest beginDate moved, but it is still the enrollment stored since 08-31, not a second one."""
    assert run(write_bundle(tmp_path / "day1")).status == ImportRun.Status.COMMITTED
    moved = "\n".join(line for line in ENROLLMENTS.splitlines() if not line.startswith("e2,"))
    moved = moved.replace("e1,,,c-e-3a,org-e,u-s1,student,false,2026-09-08,2027-06-15",
                          "e1,,,c-e-3a,org-e,u-s1,student,false,2026-10-01,2027-06-30") + "\n"
    r = run(write_bundle(tmp_path / "day2", changed(**{"enrollments.csv": moved})))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    assert r.updated == 1  # the exit date: e1 now ends 06-30
    amara = Enrollment.objects.filter(student__district_id="500001").values_list("school__code", "entry_date",
                                                                                  "exit_date")
    assert list(amara) == [("0301", D(2026, 8, 31), D(2027, 6, 30))]


def test_a_student_with_last_years_and_this_years_role_at_one_school_has_both_enrollments(db, tmp_path):
    users = USERS_WITHOUT_ROLES
    roles = (ROLES_HEADER +
             "r1,,,u-s1,primary,student,,,org-e,\n"
             f"r2,,,{S2},primary,student,,,org-m,\n"
             "r3,,,u-s3,primary,student,2026-08-31,,org-x,\n"
             "r3b,,,u-s3,primary,student,2025-08-25,2026-06-12,org-x,\n")
    manifest = MANIFEST_WITH_ROLES
    r = run(write_bundle(tmp_path / "roster", changed(**{"users.csv": users, "roles.csv": roles,
                                                         "manifest.csv": manifest})))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    sofia = sorted(Enrollment.objects.filter(student__district_id="500003").values_list("entry_date", "exit_date"))
    assert sofia == [(D(2025, 8, 25), D(2026, 6, 12)), (D(2026, 8, 31), None)]


def test_a_parent_known_only_by_a_guid_sourced_id_is_imported(db, tmp_path):
    guid = "7d9f2c1e-4b3a-4e8f-9a6b-2c1d0e9f8a7b"
    users = USERS.replace("u-p1,,,true,org-e,parent,p1,,Chidi,Okafor,,G-9001,",
                          f"{guid},,,true,org-e,parent,p1,,Chidi,Okafor,,,").replace('"u-p1,u-g1"', f'"{guid},u-g1"')
    demographics = DEMOGRAPHICS.replace("u-p1,", f"{guid},")
    r = run(write_bundle(tmp_path / "roster", changed(**{"users.csv": users, "demographics.csv": demographics})))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    chidi = Guardian.objects.get(contact_id=guid)
    assert StudentGuardian.objects.get(guardian=chidi).student.district_id == "500001"


def test_a_reference_to_a_rejected_user_names_the_rejected_line(db, tmp_path):
    """A tobedeleted user is rejected on its own line; its enrollments say where, not "unknown"."""
    users = USERS.replace(f"{S2},,,true", f"{S2},tobedeleted,,true")
    r = run(write_bundle(tmp_path / "roster", changed(**{"users.csv": users})))
    assert r.status == ImportRun.Status.REFUSED
    found = rejects(r)
    assert ("users.csv", 3, "status") in [row[:3] for row in found]
    on_enrollments = [row for row in found if row[0] == "enrollments.csv"]
    assert [row[1:3] for row in on_enrollments] == [(4, "userSourcedId"), (5, "userSourcedId")]
    assert all(f"User {S2} is on line 3 of users.csv, which was rejected" in row[3] for row in on_enrollments)


def _without_role_column(text: str) -> str:
    """users.csv as the 1.2 binding writes it: no role column (roles.csv holds roles)."""
    lines = text.splitlines()
    at = lines[0].split(",").index("role")
    return "\n".join(",".join(v for i, v in enumerate(_cells(line)) if i != at) for line in lines) + "\n"


def _cells(line: str) -> list[str]:
    import csv
    import io

    return ['"' + v + '"' if "," in v else v for v in next(csv.reader(io.StringIO(line)))]


def test_the_five_core_files_with_a_1_2_users_csv_import_students_from_enrollments(db, tmp_path):
    """manifest, orgs, users, enrollments and academicSessions only, users.csv without a role column (the
    1.2 binding moved roles to roles.csv, which this bundle lacks). enrollments.csv's role `student` makes
    Amara (u-s1) and Liam students; Sofía (u-s3) has no class enrollment, so nothing says she is one. The
    agents of a student (Chidi and Ruth in Amara's agentSourcedIds; Tomás, who lists Liam) are guardians
    of unknown relationship (other); the teacher is not imported."""
    manifest = MANIFEST.replace("file.demographics,bulk", "file.demographics,absent")
    files = changed(**{"manifest.csv": manifest, "demographics.csv": None, "users.csv": _without_role_column(USERS)})
    assert "role" not in files["users.csv"].splitlines()[0].split(",")
    r = run(write_bundle(tmp_path / "five", files))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    assert sorted(Student.objects.values_list("district_id", flat=True)) == ["500001", "500002"]
    assert sorted(Guardian.objects.values_list("first_name", flat=True)) == ["Chidi", "Ruth", "Tomás"]
    assert sorted(StudentGuardian.objects.values_list("student__district_id", "guardian__first_name",
                                                      "relationship")) == [
        ("500001", "Chidi", "other"), ("500001", "Ruth", "other"), ("500002", "Tomás", "other")]
    assert sorted(Enrollment.objects.values_list("student__district_id", "school__code")) == [
        ("500001", "0301"), ("500002", "0402")]
