"""OneRoster 1.2 bundles as the 1EdTech spec's acceptance checks build them: optional files left out, cut-short
rows, duplicates, references to rejected or unknown rows, CEDS grades and date formats."""

import datetime

import pytest

from casework.imports.models import ImportRun
from casework.students.models import Student

from .test_oneroster import (
    BUNDLE,
    DEMOGRAPHICS,
    ENROLLMENTS,
    MANIFEST,
    MANIFEST_WITH_ROLES,
    ORGS,
    ROLES_HEADER,
    USERS,
    changed,
    rejects,
    run,
    write_bundle,
)

D = datetime.date
WITHOUT_DEMOGRAPHICS = changed(**{
    "demographics.csv": None, "manifest.csv": MANIFEST.replace("file.demographics,bulk", "file.demographics,absent")})


def test_a_bundle_without_demographics_imports_with_birth_dates_not_recorded(db, tmp_path):
    """demographics.csv is optional in OneRoster: the students are imported, their birth date unknown."""
    r = run(write_bundle(tmp_path / "roster", WITHOUT_DEMOGRAPHICS))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    assert r.created == 36
    assert sorted(Student.objects.values_list("district_id", "date_of_birth", "sex")) == [
        ("500001", None, "U"), ("500002", None, "U"), ("500003", None, "U")]
    assert "3 student(s) came without a birth date: 3 new student(s) saved with the birth date not recorded" \
        in r.message
    assert "demographics.csv" not in r.encoding


def test_a_later_bundle_without_demographics_keeps_the_stored_birth_date(db, tmp_path):
    assert run(write_bundle(tmp_path / "full")).status == ImportRun.Status.COMMITTED
    again = run(write_bundle(tmp_path / "bare", WITHOUT_DEMOGRAPHICS))
    assert again.status == ImportRun.Status.COMMITTED, (again.message, rejects(again))
    assert (again.created, again.updated) == (0, 0)
    assert Student.objects.get(district_id="500001").date_of_birth == D(2017, 3, 14)
    assert "3 already in Casework kept the birth date stored" in again.message


def test_a_demographics_row_without_birth_date_is_not_recorded_either(db, tmp_path):
    demographics = DEMOGRAPHICS.replace("u-s3,,,2021-01-09,", "u-s3,,,,")
    r = run(write_bundle(tmp_path / "roster", changed(**{"demographics.csv": demographics})))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    sofia = Student.objects.get(district_id="500003")
    assert (sofia.date_of_birth, sofia.sex) == (None, "U")
    assert "1 student(s) came without a birth date" in r.message
    assert BUNDLE["demographics.csv"] == DEMOGRAPHICS


def test_a_short_row_is_rejected_naming_file_and_line(db, tmp_path):
    cut = ENROLLMENTS + "e6,,,c-e-3a,org-e,u-s3,student,false\n"  # cut short after primary: 8 of 10 values
    r = run(write_bundle(tmp_path / "roster", changed(**{"enrollments.csv": cut})))
    assert r.status == ImportRun.Status.REFUSED
    assert rejects(r) == [("enrollments.csv", 7, "", "Line 7 has 8 values; the header has 10: the file may be cut "
                                                     "short, or a value (or its comma) is missing.")]
    assert not Student.objects.exists()


def test_a_bundle_file_ending_inside_a_quote_is_refused(db, tmp_path):
    cut = ENROLLMENTS + 'e6,,,c-e-3a,org-e,u-s3,student,false,"2026-08-31\n'
    r = run(write_bundle(tmp_path / "roster", changed(**{"enrollments.csv": cut})))
    assert r.status == ImportRun.Status.REFUSED
    assert r.message.startswith("enrollments.csv, line 7: a quoted value that starts on this line is never closed")
    assert not Student.objects.exists()


def test_a_duplicate_enrollment_sourced_id_is_rejected(db, tmp_path):
    twice = ENROLLMENTS + "e2,,,c-m-7a,org-m,u-s3,student,false,2026-08-31,\n"
    r = run(write_bundle(tmp_path / "roster", changed(**{"enrollments.csv": twice})))
    assert r.status == ImportRun.Status.REFUSED
    assert rejects(r) == [("enrollments.csv", 7, "sourcedId",
                           "Duplicate: sourcedId e2 is already on line 3 of enrollments.csv.")]


def test_a_duplicate_role_sourced_id_is_rejected(db, tmp_path):
    roles = ROLES_HEADER + "r1,,,u-s1,primary,student,,,org-e,\nr1,,,u-s3,primary,student,,,org-x,\n"
    files = changed(**{"roles.csv": roles, "manifest.csv": MANIFEST_WITH_ROLES})
    r = run(write_bundle(tmp_path / "roster", files))
    assert r.status == ImportRun.Status.REFUSED
    assert rejects(r) == [("roles.csv", 3, "sourcedId", "Duplicate: sourcedId r1 is already on line 2 of roles.csv.")]


def test_rows_referring_to_a_rejected_student_name_its_line(db, tmp_path):
    """u-s1's users.csv row (line 2) is rejected, by the translation (a grade with no Casework grade) or by the
    students importer (no given name): its enrollment and guardian links say so, not "Unknown student"."""
    for folder, users in (("grade", USERS.replace(",03,,Mara", ",ZZ,,Mara")),
                          ("name", USERS.replace("Amara,Okafor", ",Okafor"))):
        r = run(write_bundle(tmp_path / folder, changed(**{"users.csv": users})))
        assert r.status == ImportRun.Status.REFUSED
        found = rejects(r)
        assert [row[:2] for row in found if row[0] == "users.csv"].count(("users.csv", 2)) == 3, found
        following = [row for row in found if row[3].startswith("Student 500001")]
        assert [(f, line, field) for f, line, field, _ in following] == [
            ("enrollments.csv", 2, "student_id"), ("users.csv", 2, "student_id"), ("users.csv", 2, "student_id")]
        assert {reason for *_, reason in following} == {
            "Student 500001 is on line 2 of users.csv, which was rejected: see that line's reason."}
        # The rejected users.csv row and the rows about it name the student by its identifier.
        assert {(x.file, x.line, x.student_ref) for x in r.rejected_rows.all()} == {
            ("users.csv", 2, "500001"), ("enrollments.csv", 2, "500001")}
        assert not any("Unknown student" in reason for *_, reason in found)


def test_a_roles_csv_org_not_in_orgs_is_rejected_on_roles_csv(db, tmp_path):
    roles = ROLES_HEADER + "r1,,,u-s1,primary,student,,,org-e,\nr2,,,u-s3,primary,student,,,org-nowhere,\n"
    r = run(write_bundle(tmp_path / "roster", changed(**{"roles.csv": roles, "manifest.csv": MANIFEST_WITH_ROLES})))
    assert r.status == ImportRun.Status.REFUSED
    assert rejects(r) == [("roles.csv", 3, "orgSourcedId",
                           "Unknown org org-nowhere: no row of orgs.csv has this sourcedId.")]


def test_a_primary_org_not_in_orgs_rejects_the_user(db, tmp_path):
    users = USERS.replace("u-s1,,,true,org-e,", "u-s1,,,true,,").replace(
        "preferredGivenName\n", "preferredGivenName,primaryOrgSourcedId\n").replace(",Mara\n", ",Mara,org-zz\n")
    r = run(write_bundle(tmp_path / "roster", changed(**{"users.csv": users})))
    assert r.status == ImportRun.Status.REFUSED
    assert ("users.csv", 2, "primaryOrgSourcedId", "Unknown org org-zz: no row of orgs.csv has this sourcedId.") \
        in rejects(r)
    assert all(reason.startswith("Student 500001 is on line 2 of users.csv") for f, line, field, reason in rejects(r)
               if field == "student_id")


CLASSES = """sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,\
schoolSourcedId,termSourcedIds
c-e-3a,,,Grade 3 A,03,co-3,3A,homeroom,,org-e,sy27
c-e-3b,,,Grade 3 B,03,co-3,3B,scheduled,,org-e,sy27
c-m-7a,,,Math 7,07,co-7,7A,scheduled,,org-m,sy27
c-m-7b,,,Science 7,07,co-7,7B,scheduled,,org-m,sy27
"""
WITH_CLASSES = {"manifest.csv": MANIFEST.replace("file.classes,absent", "file.classes,bulk"), "classes.csv": CLASSES}


def test_classes_csv_is_read_to_check_references(db, tmp_path):
    r = run(write_bundle(tmp_path / "good", changed(**WITH_CLASSES)))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    assert "classes.csv: UTF-8" in r.encoding
    classes = CLASSES.replace("Science 7,07,co-7,7B,scheduled,,org-m", "Science 7,07,co-7,7B,scheduled,,org-zz")
    enrollments = ENROLLMENTS.replace("e3,,,c-m-7a", "e3,,,c-m-9z")
    r = run(write_bundle(tmp_path / "bad", changed(**{**WITH_CLASSES, "classes.csv": classes,
                                                      "enrollments.csv": enrollments})))
    assert r.status == ImportRun.Status.REFUSED
    assert rejects(r) == [
        ("classes.csv", 5, "schoolSourcedId", "Unknown org org-zz: no row of orgs.csv has this sourcedId."),
        ("enrollments.csv", 4, "classSourcedId", "Unknown class c-m-9z: no row of classes.csv has this sourcedId."),
        # e4 names the class whose row was rejected: that line, not "unknown"
        ("enrollments.csv", 5, "classSourcedId", "Class c-m-7b is on line 5 of classes.csv, which was rejected: see "
                                                 "that line's reason."),
    ]


@pytest.mark.parametrize("code, grade", [("IT", "PK"), ("PR", "PK"), ("TK", "PK"), ("13", "UG"), ("PS", "UG"),
                                         ("Other", "UG"), ("3", "03"), ("kg", "KG")])
def test_every_ceds_grade_imports(db, tmp_path, code, grade):
    """A student the SIS rosters is imported whatever their CEDS grade (docs/imports.md has the mapping)."""
    r = run(write_bundle(tmp_path / "roster", changed(**{"users.csv": USERS.replace(",03,,Mara", f",{code},,Mara")})))
    assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
    assert Student.objects.get(district_id="500001").grade == grade


@pytest.mark.parametrize("value, reason", [
    ("2026-02-30", "beginDate 2026-02-30 is not a real date (no such day in the calendar)."),
    ("2026-9-8", "beginDate '2026-9-8' is not a date; OneRoster dates are YYYY-MM-DD."),
    ("09/08/2026", "beginDate '09/08/2026' is not a date; OneRoster dates are YYYY-MM-DD."),
])
def test_a_date_that_is_not_real_or_not_iso_says_which(db, tmp_path, value, reason):
    enrollments = ENROLLMENTS.replace("e1,,,c-e-3a,org-e,u-s1,student,false,2026-09-08",
                                      f"e1,,,c-e-3a,org-e,u-s1,student,false,{value}")
    r = run(write_bundle(tmp_path / "roster", changed(**{"enrollments.csv": enrollments})))
    assert rejects(r) == [("enrollments.csv", 2, "beginDate", reason)]


@pytest.mark.parametrize("value, ok", [
    ("2026-08-01T12:00:00.000Z", True), ("2026-08-01T12:00:00Z", True), ("2026-08-01T08:00:00-04:00", True),
    ("", True), ("2026-08-01", False), ("yesterday", False), ("2026-08-01T25:00:00Z", False),
    ("2026-02-30T12:00:00.000Z", False),
])
def test_date_last_modified_is_an_iso_date_time_when_given(db, tmp_path, value, ok):
    orgs = ORGS.replace("org-x,,,Oak", f"org-x,,{value},Oak")
    r = run(write_bundle(tmp_path / "roster", changed(**{"orgs.csv": orgs})))
    if ok:
        assert r.status == ImportRun.Status.COMMITTED, (r.message, rejects(r))
        return
    assert r.status == ImportRun.Status.REFUSED
    assert ("orgs.csv", 5, "dateLastModified") in [row[:3] for row in rejects(r)]
    assert f"dateLastModified {value!r} is not an ISO 8601 date-time" in rejects(r)[0][3] or \
        any(f"{value!r} is not an ISO 8601 date-time" in row[3] for row in rejects(r))


def test_date_last_modified_is_checked_in_enrollments_and_roles_too(db, tmp_path):
    enrollments = ENROLLMENTS.replace("e1,,,", "e1,,today,")
    roles = ROLES_HEADER + "r1,,2026-13-01T00:00:00Z,u-s1,primary,student,,,org-e,\n"
    files = changed(**{"enrollments.csv": enrollments, "roles.csv": roles, "manifest.csv": MANIFEST_WITH_ROLES})
    r = run(write_bundle(tmp_path / "roster", files))
    assert [row[:3] for row in rejects(r)] == [("enrollments.csv", 2, "dateLastModified"),
                                               ("roles.csv", 2, "dateLastModified")]


def test_a_missing_column_is_named_as_the_binding_spells_it(db, tmp_path):
    users = USERS.replace("givenName,familyName,", "givenName,surname,", 1)
    r = run(write_bundle(tmp_path / "roster", changed(**{"users.csv": users})))
    assert r.status == ImportRun.Status.REFUSED
    assert "users.csv: required column(s) missing: familyName. Found: sourcedId, status, dateLastModified," in r.message


def test_the_encoding_line_names_every_file_read(db, tmp_path):
    r = run(write_bundle(tmp_path / "roster"))
    assert r.encoding == ("orgs.csv: UTF-8, users.csv: UTF-8, academicSessions.csv: UTF-8, enrollments.csv: UTF-8, "
                          "demographics.csv: UTF-8")


def test_a_partial_run_that_changes_nothing_says_so(db, tmp_path):
    assert run(write_bundle(tmp_path / "first")).status == ImportRun.Status.COMMITTED
    text = ENROLLMENTS + "e6,,,c-e-3a,org-e,u-ghost,student,false,2026-08-31,\n"
    r = run(write_bundle(tmp_path / "again", changed(**{"enrollments.csv": text})), partial=True)
    assert (r.status, r.created, r.updated, r.rejected) == (ImportRun.Status.PARTIAL, 0, 0, 1)
    assert r.message.startswith("Nothing changed: every row that was not rejected matches what is stored.")
