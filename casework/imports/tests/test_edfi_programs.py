"""Ed-Fi program associations: Section504Eligibility / IdeaEligibility false is not a participation
(Ed-Fi-Core.xsd: "FALSE ... is equivalent to marking student as 'Did Not Qualify'"), and a specialized
association keeps its ProgramType descriptor."""

import datetime

import pytest

from casework.imports.edfi import edfi_stages
from casework.imports.models import ImportRun
from casework.programs.models import ProgramParticipation
from casework.students.models import Student

from . import test_edfi_fixtures as sample
from .test_edfi_import import edfi, rejects

pytestmark = pytest.mark.django_db
D = datetime.date
URI = sample.URI
ELEMENT = {"section_504": ("StudentSection504ProgramAssociation", "Section504Eligibility", "Section 504 Placement"),
           "special_education": ("StudentSpecialEducationProgramAssociation", "IdeaEligibility", "Special Education")}


def association(kind, sid, eligible=None, begin="2025-09-01"):
    element, flag, program_type = ELEMENT[kind]
    program_ref = (f"<ProgramReference><ProgramIdentity><ProgramName>{kind}</ProgramName>"
                   f"<ProgramType>{URI}ProgramTypeDescriptor#{program_type}</ProgramType></ProgramIdentity>"
                   "</ProgramReference>")
    said = "" if eligible is None else f"<{flag}>{eligible}</{flag}>"
    return f"<{element}>{sample.student_ref(sid)}{program_ref}<BeginDate>{begin}</BeginDate>{said}</{element}>\n"


def programs_folder(tmp_path, *associations, name="set"):
    folder = sample.write_edfi(tmp_path / name)
    (folder / "StudentProgram.xml").write_text(sample.doc("InterchangeStudentProgram", "".join(associations)))
    return folder


def flags(sid):
    student = Student.objects.get(district_id=sid)
    return student.has_504, student.has_iep


def test_eligibility_false_is_no_participation_and_no_flag(tmp_path):
    folder = programs_folder(tmp_path, association("section_504", "100001", "false"),
                             association("special_education", "100002", "0"))
    run = edfi(folder)
    assert run.status == ImportRun.Status.COMMITTED, rejects(run)
    assert run.rejected == 0
    assert not ProgramParticipation.objects.filter(kind__in=["section_504", "special_education"]).exists()
    assert flags("100001") == flags("100002") == (False, False)


def test_eligibility_true_or_absent_is_an_open_participation_with_its_descriptor(tmp_path):
    folder = programs_folder(tmp_path, association("section_504", "100001", "true"),
                             association("special_education", "100002"))
    run = edfi(folder)
    assert run.status == ImportRun.Status.COMMITTED, rejects(run)
    assert flags("100001") == (True, False)
    assert flags("100002") == (False, True)
    stored = dict(ProgramParticipation.objects.values_list("kind", "descriptor"))
    assert stored == {"section_504": f"{URI}ProgramTypeDescriptor#Section 504 Placement",
                      "special_education": f"{URI}ProgramTypeDescriptor#Special Education"}


def test_a_participation_the_sis_now_says_ineligible_is_ended_and_the_flag_cleared(tmp_path):
    edfi(programs_folder(tmp_path, association("section_504", "100001", "true"),
                         association("special_education", "100002", "true"), name="before"))
    assert flags("100001") == (True, False) and flags("100002") == (False, True)

    run = edfi(programs_folder(tmp_path, association("section_504", "100001", "false"),
                               association("special_education", "100002", "false"), name="after"))
    assert run.status == ImportRun.Status.COMMITTED, rejects(run)
    assert flags("100001") == flags("100002") == (False, False)
    ended = {p.kind: (p.begin, p.end) for p in ProgramParticipation.objects.exclude(kind="homeless")}
    assert ended == {"section_504": (D(2025, 9, 1), D(2025, 9, 1)),
                     "special_education": (D(2025, 9, 1), D(2025, 9, 1))}


def test_an_eligibility_that_is_not_a_boolean_is_rejected_by_name(tmp_path):
    run = edfi(programs_folder(tmp_path, association("section_504", "100001", "maybe")))
    assert run.status == ImportRun.Status.REFUSED
    assert rejects(run) == [("StudentProgram.xml", "StudentSection504ProgramAssociation[1]", "Section504Eligibility",
                             "StudentSection504ProgramAssociation has Section504Eligibility 'maybe'; it is true or "
                             "false (or 1 or 0).")]


def test_the_run_is_told_how_many_associations_said_not_eligible(tmp_path):
    folder = programs_folder(tmp_path, association("section_504", "100001", "false"),
                             association("special_education", "100002", "false"),
                             association("section_504", "100002", "true"))
    [note] = [w for w in edfi_stages([folder]).warnings if w.startswith("StudentProgram.xml")]
    assert note.startswith("StudentProgram.xml: 1 with IdeaEligibility false and 1 with Section504Eligibility "
                           "false: the student did not qualify, so no participation is imported")
