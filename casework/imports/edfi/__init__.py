"""Ed-Fi Data Standard v5 XML interchanges, read in a stream (reader.py) and translated into rows of
the plain-CSV vocabulary (translate.py), so the same importers write every format.

`edfi_stages(paths)` identifies each file's interchange by its root element and returns one stage per
(file, kind), every kind's stages consecutive and in dependency order. A file holding several kinds
(the calendar interchange: dates, sessions, grading periods) is read once per kind, each time as a
stream that builds only that kind's records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from casework.imports.csvfile import Refused

from . import translate as t
from .reader import records, root_name

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
    "InterchangeStudentProgram": {"programs": tuple(t.PROGRAM_ELEMENTS)},
}
# Dependency order: dates before sessions (a session's calendar_source looks at the listed dates),
# students before their contacts, enrollments and events.
ORDER = ("schools", "calendar", "sessions", "grading_periods", "students", "guardians", "student_guardians",
         "enrollments", "attendance", "discipline", "programs")

_SIMPLE: dict[str, Callable] = {
    "schools": t.school, "calendar": t.calendar_date, "sessions": t.session, "grading_periods": t.grading_period,
    "guardians": t.contact, "student_guardians": t.student_contact, "enrollments": t.enrollment,
    "attendance": t.attendance, "programs": t.program,
}


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


def _discipline_rows(path: Path, report):
    incidents = {t.incident_key(e): t.incident(e) for _l, _p, e in records(path, ("DisciplineIncident",))}
    for line, element_path, element in records(path, ("DisciplineAction",), report):
        yield line, element_path, t.discipline_action(element, "DisciplineAction", incidents)


def edfi_stages(paths: list[Path]) -> list:
    """The stages of an Ed-Fi import, in dependency order; raises Refused."""
    from casework.imports.services import Stage

    by_kind: dict[str, list[Path]] = {kind: [] for kind in ORDER}
    for path in _files([Path(p) for p in paths]):
        root = root_name(path)
        if root not in INTERCHANGES:
            raise Refused(f"{path.name}: the root element <{root}> is not an Ed-Fi interchange Casework reads; "
                          f"expected one of {', '.join(sorted(INTERCHANGES))}.")
        for kind in INTERCHANGES[root]:
            by_kind[kind].append(path)
    stages = []
    for kind in ORDER:
        for path in by_kind[kind]:
            if kind == "students":
                rows = partial(_student_rows, path, by_kind["enrollments"])
            elif kind == "discipline":
                rows = partial(_discipline_rows, path)
            else:
                rows = partial(_rows, path, kind, _SIMPLE[kind])
            stages.append(Stage(kind, path.name, rows))
    return stages
