"""OneRoster 1.2 bundles as the 1EdTech spec's acceptance checks build them: optional files left out, cut-short
rows, duplicates, references to rejected or unknown rows, CEDS grades and date formats."""

import datetime

from casework.imports.models import ImportRun
from casework.students.models import Student

from .test_oneroster import BUNDLE, DEMOGRAPHICS, MANIFEST, changed, rejects, run, write_bundle

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
