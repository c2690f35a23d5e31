"""Ed-Fi Data Standard v5 XML interchanges, read in a stream (reader.py) and translated into rows of
the plain-CSV vocabulary (translate.py), so the same importers write every format.

`edfi_stages(paths)` identifies each file's interchange by its root element and returns one stage per
(file, kind), every kind's stages consecutive and in dependency order. A file holding several kinds
(the calendar interchange: dates, sessions, grading periods) is read once per kind, each time as a
stream that builds only that kind's records.

The stages come with warnings for the run's message (`EdfiStages.warnings`): files holding an Ed-Fi
interchange Casework does not read (descriptors, staff, assessments, gradebooks, ...) are skipped, files in
the namespace of another Ed-Fi version are read as v5 and named, program associations saying the
student is not eligible are counted. Of InterchangeStudentGrade only the Grade records are read; the
grades stage says, once read, how many other records (ReportCard, ...) it passed over (`Stage.notes`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from casework.imports.csvfile import Refused
from casework.imports.parsing import RowError, parse_date

from . import translate as t
from .reader import records, root_element

# Interchange root -> the kinds its records feed, each with the record names read for it.
INTERCHANGES: dict[str, dict[str, tuple[str, ...]]] = {
    "InterchangeEducationOrganization": {"schools": ("School",)},
    "InterchangeEducationOrgCalendar": {"calendar": ("CalendarDate",), "sessions": ("Session",),
                                        "grading_periods": ("GradingPeriod",)},
    "InterchangeStudent": {"students": ("Student",)},
    "InterchangeContact": {"guardians": ("Contact",), "student_guardians": ("StudentContactAssociation",)},
    "InterchangeStudentEnrollment": {"enrollments": ("StudentSchoolAssociation",)},
    "InterchangeStudentAttendance": {"attendance": ("StudentSchoolAttendanceEvent",)},
    "InterchangeStudentDiscipline": {"discipline": ("DisciplineAction",)},
    "InterchangeStudentGrade": {"grades": ("Grade",)},
    "InterchangeStudentProgram": {"programs": tuple(t.PROGRAM_ELEMENTS)},
}
# Dependency order: dates before sessions (a session's calendar_source looks at the listed dates),
# students before their contacts, enrollments and events; grades after the enrollments and grading
# periods they are checked against.
ORDER = ("schools", "calendar", "sessions", "grading_periods", "students", "guardians", "student_guardians",
         "enrollments", "attendance", "discipline", "grades", "programs")

_SIMPLE: dict[str, Callable] = {
    "schools": t.school, "calendar": t.calendar_date, "sessions": t.session, "grading_periods": t.grading_period,
    "guardians": t.contact, "student_guardians": t.student_contact, "attendance": t.attendance,
}
# Ed-Fi 3.x/4.x names of interchanges v5 renamed: the v5 name, said in the skip warning.
RENAMED = {"InterchangeParent": "InterchangeContact"}
_V5_NAMESPACE = re.compile(r"http://ed-fi\.org/5(\.|/|$)")


class EdfiStages(list):
    """The run's stages, and the warnings its message shows (each a line naming the file)."""

    def __init__(self, stages=(), warnings=()):
        super().__init__(stages)
        self.warnings: list[str] = list(warnings)


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".xml"))
        elif path.is_file():
            found.append(path)
        else:
            raise Refused(f"{path}: no such file or folder.")
    if not found:
        raise Refused("No Ed-Fi XML files (*.xml) were found in " + ", ".join(str(p) for p in paths) + ".")
    return found


def _rows(path: Path, kind: str, build: Callable, report) -> Iterator[tuple[int, str, dict]]:
    for line, element_path, element in records(path, INTERCHANGES_BY_KIND[kind], report):
        yield line, element_path, build(element, element_path.split("[", 1)[0])


INTERCHANGES_BY_KIND = {kind: names for kinds in INTERCHANGES.values() for kind, names in kinds.items()}


def _grades(enrollment_files: list[Path]) -> dict[str, str]:
    """Each student's grade from their latest enrollment (Ed-Fi keeps grade on StudentSchoolAssociation,
    Casework on the student as well). A first streaming pass over the enrollment files."""
    latest: dict[str, tuple[str, str]] = {}
    for path in enrollment_files:
        for _line, _path, element in records(path, ("StudentSchoolAssociation",)):
            sid = t.ref(element, "StudentReference", "StudentUniqueId")
            entry = t.text(element, "EntryDate") or ""
            level = t.grade(t.first(element, "EntryGradeLevel", "EntryGradeLevelDescriptor"))
            if sid and level and (sid not in latest or entry >= latest[sid][0]):
                latest[sid] = (entry, level)
    return {sid: level for sid, (_entry, level) in latest.items()}


def _student_rows(path: Path, enrollment_files: list[Path], report):
    from casework.students.models import Student

    # Without an enrollment in the set, a student keeps the grade stored (UG for a new one).
    grades = dict(Student.objects.values_list("district_id", "grade"))
    grades.update(_grades(enrollment_files))
    for line, element_path, element in records(path, ("Student",), report):
        yield line, element_path, t.student(element, "Student", grades)


def _enrollment_rows(path: Path, seen: dict[tuple[str, str, str], tuple[str, int]], report):
    """Enrollments, a second StudentSchoolAssociation with the same identity (student, school, EntryDate)
    in the run rejected as a duplicate, as the CSV kinds do: the last would silently win."""
    for line, element_path, element in records(path, ("StudentSchoolAssociation",), report):
        row = t.enrollment(element, "StudentSchoolAssociation")
        key = tuple(dict.get(row, k) for k in ("student_id", "school_id", "entry_date"))
        if all(key):
            if key in seen:
                first_file, first_line = seen[key]
                where = f"line {first_line}" if first_file == path.name else f"line {first_line} of {first_file}"
                # Named as student_id (the field the import page logs an access for), the id not in the text.
                yield line, element_path, RowError(
                    "student_id", key[0], f"Duplicate: the same student's StudentSchoolAssociation at school "
                                          f"{key[1]} entering {key[2]} is already on {where}.", student=key[0])
                continue
            seen[key] = (path.name, line)
        yield line, element_path, row


def _stored_participation(row: t.EdfiRow, kind: str) -> bool:
    from casework.programs.models import ProgramParticipation

    sid = dict.get(row, "student_id")
    try:
        begin = parse_date(dict(row), "begin")
    except RowError:
        return True  # fed to the importer, which rejects it naming the date
    return sid is None or ProgramParticipation.objects.filter(student__district_id=sid, kind=kind,
                                                              begin=begin).exists()


def _program_rows(path: Path, report):
    """Programs. An association saying the student is not eligible (Section504Eligibility or
    IdeaEligibility false) is not a participation: it is left out, not rejected, unless Casework holds
    one for the same student, program and begin date (imported while the SIS said eligible), which it
    then ends (translate.program sets the end to the begin date)."""
    for line, element_path, element in records(path, tuple(t.PROGRAM_ELEMENTS), report):
        row = t.program(element, element.tag)
        if isinstance(row, t.EdfiRow) and row.not_eligible \
                and not _stored_participation(row, t.PROGRAM_ELEMENTS[element.tag]):
            continue
        yield line, element_path, row


def _not_eligible_note(path: Path) -> str:
    """A warning line counting the file's associations that say the student is not eligible (a pass
    over the specialized associations only)."""
    counts: dict[str, int] = {}
    for _line, _path, element in records(path, tuple(t.ELIGIBILITY)):
        try:
            if t.eligibility(element, element.tag) is False:
                counts[t.ELIGIBILITY[element.tag]] = counts.get(t.ELIGIBILITY[element.tag], 0) + 1
        except RowError:
            pass  # rejected with its record during the run
    if not counts:
        return ""
    said = " and ".join(f"{n} with {name} false" for name, n in sorted(counts.items()))
    return (f"{path.name}: {said}: the student did not qualify, so no participation is imported for them (one "
            "stored for the same student, program and BeginDate is ended on that date).")


def _discipline_rows(path: Path, report):
    incidents = {t.incident_key(e): t.incident(e) for _l, _p, e in records(path, ("DisciplineIncident",))}
    for line, element_path, element in records(path, ("DisciplineAction",), report):
        yield line, element_path, t.discipline_action(element, "DisciplineAction", incidents)


def _grade_rows(path: Path, skipped: dict[str, int], report):
    """Grades; the interchange's other records (ReportCard, GradebookEntry, ...) are counted, not read."""
    for line, element_path, element in records(path, ("Grade",), report, skipped=skipped):
        yield line, element_path, t.course_grade(element, "Grade")


def _skipped_records_note(path: Path, skipped: dict[str, int]) -> list[str]:
    if not skipped:
        return []
    counted = ", ".join(f"{n} {name}" for name, n in sorted(skipped.items()))
    return [f"{path.name}: {counted} not read: Casework reads only the Grade records of InterchangeStudentGrade "
            "(course grades); skipped."]


def _version_warnings(namespaces: dict[str, list[str]]) -> list[str]:
    return [f"{', '.join(names)}: the namespace {ns} is not Ed-Fi Data Standard v5 (http://ed-fi.org/5.x); read as "
            "v5, so records or elements that version names differently are skipped or rejected."
            for ns, names in namespaces.items()]


def _skipped(path: Path, root: str, namespace: str) -> str:
    if root in RENAMED:
        return (f"{path.name}: {root} is the Ed-Fi 3.x/4.x name" + (f" (namespace {namespace})" if namespace else "")
                + f"; Ed-Fi v5 calls it {RENAMED[root]}, the interchange Casework reads. Export it as Ed-Fi v5; "
                "skipped.")
    return f"{path.name}: {root} is not read by Casework; skipped."


def edfi_stages(paths: list[Path]) -> EdfiStages:
    """The stages of an Ed-Fi import, in dependency order, with their warnings; raises Refused."""
    from casework.imports.services import Stage

    by_kind: dict[str, list[Path]] = {kind: [] for kind in ORDER}
    skipped: list[str] = []
    other_versions: dict[str, list[str]] = {}
    for path in _files([Path(p) for p in paths]):
        namespace, root = root_element(path)
        if root not in INTERCHANGES:
            if not root.startswith("Interchange"):
                raise Refused(f"{path.name}: the root element <{root}> is not an Ed-Fi interchange; expected one "
                              f"of {', '.join(sorted(INTERCHANGES))} (other Ed-Fi interchanges are skipped).")
            skipped.append(_skipped(path, root, namespace))
            continue
        if namespace.startswith("http://ed-fi.org/") and not _V5_NAMESPACE.match(namespace):
            other_versions.setdefault(namespace, []).append(path.name)
        for kind in INTERCHANGES[root]:
            by_kind[kind].append(path)
    if not any(by_kind.values()):
        raise Refused("\n".join([*skipped, "No file holds an Ed-Fi interchange Casework reads: "
                                            f"{', '.join(sorted(INTERCHANGES))}."]))
    warnings = [*skipped, *_version_warnings(other_versions)]
    stages = EdfiStages()
    enrollments_seen: dict[tuple[str, str, str], tuple[str, int]] = {}
    for kind in ORDER:
        for path in by_kind[kind]:
            if kind == "students":
                rows = partial(_student_rows, path, by_kind["enrollments"])
            elif kind == "discipline":
                rows = partial(_discipline_rows, path)
            elif kind == "enrollments":
                rows = partial(_enrollment_rows, path, enrollments_seen)
            elif kind == "programs":
                rows = partial(_program_rows, path)
                warnings.append(_not_eligible_note(path))
            elif kind == "grades":
                skipped_records: dict[str, int] = {}
                rows = partial(_grade_rows, path, skipped_records)
                stages.append(Stage(kind, path.name, rows,
                                    notes=partial(_skipped_records_note, path, skipped_records)))
                continue
            else:
                rows = partial(_rows, path, kind, _SIMPLE[kind])
            stages.append(Stage(kind, path.name, rows))
    stages.warnings = [w for w in warnings if w]
    return stages
