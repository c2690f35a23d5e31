"""An Ed-Fi export folder as a SIS writes it: interchanges Casework does not read are skipped with a
warning, files of another Ed-Fi version are read with a warning naming their namespace, a repeated
StudentSchoolAssociation is a duplicate, an unmapped attendance descriptor says how to map it."""

import pytest

from casework.attendance.models import AttendanceEvent
from casework.imports.edfi import edfi_stages
from casework.imports.models import ImportRun
from casework.students.models import Enrollment, Student

from . import test_edfi_fixtures as sample
from .test_edfi_import import edfi, rejects

pytestmark = pytest.mark.django_db
V3 = "http://ed-fi.org/3.3.1-b"
UNREAD = {"Descriptors.xml": "InterchangeDescriptors", "StaffAssociation.xml": "InterchangeStaffAssociation",
          "AssessmentMetadata.xml": "InterchangeAssessmentMetadata",
          "StudentGradebook.xml": "InterchangeStudentGradebook"}


def export_folder(tmp_path):
    folder = sample.write_edfi(tmp_path / "export")
    for name, root in UNREAD.items():
        (folder / name).write_text(sample.doc(root, "<Anything><CodeValue>X</CodeValue></Anything>\n"))
    return folder


def in_namespace(text, namespace):
    return text.replace(f'xmlns="{sample.NS}"', f'xmlns="{namespace}"')


def test_interchanges_casework_does_not_read_are_skipped_with_a_warning(tmp_path):
    folder = export_folder(tmp_path)
    warnings = edfi_stages([folder]).warnings
    assert warnings == [f"{name}: {root} is not read by Casework; skipped." for name, root in sorted(UNREAD.items())]
    run = edfi(folder)
    assert run.status == ImportRun.Status.COMMITTED, rejects(run)
    assert (run.created, run.rejected) == (43, 0)


def test_the_warnings_are_in_the_run_message(tmp_path):
    run = edfi(export_folder(tmp_path))
    assert "Descriptors.xml: InterchangeDescriptors is not read by Casework; skipped." in run.message


def test_a_v5_namespace_gives_no_version_warning(tmp_path):
    folder = sample.write_edfi(tmp_path / "v5")
    (folder / "Student.xml").write_text(in_namespace(sample.students(), "http://ed-fi.org/5.2.0"))
    assert edfi_stages([folder]).warnings == []


def test_another_ed_fi_version_is_read_with_a_warning_naming_its_namespace(tmp_path):
    folder = sample.write_edfi(tmp_path / "v3")
    for name in ("Student.xml", "StudentEnrollment.xml"):
        (folder / name).write_text(in_namespace((folder / name).read_text(), V3))
    assert edfi_stages([folder]).warnings == [
        f"Student.xml, StudentEnrollment.xml: the namespace {V3} is not Ed-Fi Data Standard v5 (http://ed-fi.org/5.x); "
        "read as v5, so records or elements that version names differently are skipped or rejected."]
    run = edfi(folder)
    assert run.status == ImportRun.Status.COMMITTED, rejects(run)
    assert Student.objects.count() == 2


def test_the_3x_parent_interchange_is_skipped_naming_its_v5_name(tmp_path):
    folder = sample.write_edfi(tmp_path / "v3")
    (folder / "Parent.xml").write_text(in_namespace(sample.doc("InterchangeParent", "<Parent/>\n"), V3))
    [warning] = edfi_stages([folder]).warnings
    assert warning == (f"Parent.xml: InterchangeParent is the Ed-Fi 3.x/4.x name (namespace {V3}); Ed-Fi v5 calls "
                       "it InterchangeContact, the interchange Casework reads. Export it as Ed-Fi v5; skipped.")


def test_the_same_student_school_association_twice_is_a_duplicate(tmp_path):
    folder = sample.write_edfi(tmp_path / "set")
    path = folder / "StudentEnrollment.xml"
    text = path.read_text()
    first = text[text.index("<StudentSchoolAssociation>"):text.index("</StudentSchoolAssociation>\n") + 28]
    path.write_text(text.replace(first, first * 2))
    run = edfi(folder)
    assert run.status == ImportRun.Status.REFUSED
    # Named by the element of the student's id (whose value the import page logs an access for), not in the text.
    assert rejects(run) == [("StudentEnrollment.xml", "StudentSchoolAssociation[2]", "StudentReference/StudentUniqueId",
                             "Duplicate: the same student's StudentSchoolAssociation at school 100 entering "
                             "2025-09-01 is already on line 3.")]
    assert Enrollment.objects.count() == 0


def test_a_duplicate_in_another_file_names_that_file(tmp_path):
    folder = sample.write_edfi(tmp_path / "set")
    (folder / "MoreEnrollment.xml").write_text(sample.enrollments())
    run = edfi(folder, partial=True)
    assert run.status == ImportRun.Status.PARTIAL
    assert {(r.file, r.value, r.reason) for r in run.rejected_rows.all()} == {
        ("StudentEnrollment.xml", sid, f"Duplicate: the same student's StudentSchoolAssociation at school {school} "
                                       f"entering 2025-09-01 is already on line {line} of MoreEnrollment.xml.")
        for sid, school, line in (("100001", "100", 3), ("100002", "200", 4))}
    assert Enrollment.objects.count() == 2


def test_an_unmapped_attendance_descriptor_names_the_command_that_maps_it(tmp_path):
    folder = sample.write_edfi(tmp_path / "set")
    (folder / "StudentAttendance.xml").write_text(sample.attendance(
        [("100001", 100, "2025-09-02", "Field Trip", "")]))
    run = edfi(folder)
    assert run.status == ImportRun.Status.REFUSED
    [(_file, element, field, reason)] = rejects(run)
    assert (element, field) == ("StudentSchoolAttendanceEvent[1]", "AttendanceEventCategory")
    assert "casework descriptors set 'uri://ed-fi.org/AttendanceEventCategoryDescriptor#Field Trip' <category> " \
           "--user <you>" in reason
    assert "excused" in reason and len(reason) <= 300
    assert AttendanceEvent.objects.count() == 0


@pytest.mark.parametrize("descriptor", [
    "UA", "uri://district.example.org/AttendanceEventCategoryDescriptor#" + "x" * 100, "y" * 306])
def test_the_unmapped_descriptor_reason_fits_a_rejected_row(descriptor):
    from casework.imports.attendance_values import unmapped_descriptor

    reason = unmapped_descriptor(descriptor)
    assert len(reason) <= 300 and "not mapped to a category; map it with: casework descriptors set " in reason
    if descriptor == "UA":
        assert reason == ("Descriptor 'UA' is not mapped to a category; map it with: casework descriptors set UA "
                          "<category> --user <you> (category: present, excused, unexcused, tardy, early_departure, "
                          "partial, in_school_suspension, out_of_school_suspension).")
