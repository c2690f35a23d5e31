"""The same district imported as Ed-Fi XML and as plain CSV gives identical records and indicators.

The synthetic district's export (`casework seed --export`) writes both formats from one plan, with every
kind of record the rules read: two calendar methods (listed dates, and sessions with day counts), half
days by minutes, lawful reasons (as COMAR codes in CSV, as Ed-Fi AttendanceEventReason labels in XML),
out-of-school suspensions, tardies, discipline actions, programs and course grades. Each format is imported into an
empty district through `casework import`; `casework indicators` must then print byte-identical output."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.management import call_command

from casework.attendance.models import AttendanceEvent
from casework.calendars.models import CalendarDate, GradingPeriod, Session
from casework.discipline.models import Action, Incident
from casework.grades.models import CourseGrade
from casework.imports.models import ImportRun
from casework.indicators.models import FlagCrossing, StudentIndicator
from casework.programs.models import ProgramParticipation
from casework.schools.models import School
from casework.seed.export import export_district
from casework.seed.plan import AS_OF, SCALES
from casework.students.models import Enrollment, Guardian, Student, StudentGuardian

pytestmark = pytest.mark.django_db
CSV_ORDER = ("schools", "students", "enrollments", "calendar", "sessions", "grading_periods", "attendance",
             "discipline", "programs", "grades")
MODELS = (Student, Enrollment, CalendarDate, Session, GradingPeriod, AttendanceEvent, Action, ProgramParticipation,
          CourseGrade)


def indicators() -> str:
    out = io.StringIO()
    call_command("indicators", "--as-of", AS_OF.isoformat(), stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def period_names() -> list[tuple]:
    """What the two formats must also agree on beyond the indicators: period names (flag explanations
    name them) and the schools' levels and phones."""
    return sorted(GradingPeriod.objects.values_list("school__code", "name")) + sorted(
        School.objects.values_list("code", "level", "phone"))


def wipe_all_but_schools() -> None:
    for model in (StudentIndicator, FlagCrossing, CourseGrade, AttendanceEvent, Action, Incident, ProgramParticipation,
                  StudentGuardian, Guardian, Enrollment, Student, CalendarDate, GradingPeriod, Session):
        model.objects.all().delete()


def test_edfi_and_csv_give_identical_indicators(tmp_path: Path):
    export_district(tmp_path, scale=replace(SCALES["demo"], students=240), seed=11)
    call_command("import", "edfi", str(tmp_path), "--no-progress", stdout=io.StringIO())
    run = ImportRun.objects.latest("pk")
    assert run.status == ImportRun.Status.COMMITTED, (run.message, list(run.rejected_rows.values_list(
        "element", "reason")[:5]))
    from_edfi, edfi_counts = indicators(), counts()
    edfi_periods = period_names()
    assert edfi_counts["AttendanceEvent"] > 500 and edfi_counts["Action"] > 0 and edfi_counts["Session"] > 0
    rows = from_edfi.splitlines()
    assert len(rows) > 200
    assert any(",true," in r for r in rows[1:])  # somebody is flagged: the comparison is not of empty rows

    wipe_all_but_schools()
    for kind in CSV_ORDER:
        call_command("import", "csv", kind, str(tmp_path / f"{kind}.csv"), "--no-progress", stdout=io.StringIO())
        run = ImportRun.objects.latest("pk")
        assert run.status == ImportRun.Status.COMMITTED, (kind, run.message)
    assert counts() == edfi_counts
    assert indicators() == from_edfi
    # The grades reached the rules both ways: some students are flagged for a failed course.
    flagged = [r for r in csv.DictReader(io.StringIO(from_edfi)) if r["abc_course"] == "true"]
    assert flagged and all(int(r["course_failures"]) >= 1 for r in flagged)
    assert period_names() == edfi_periods  # flag explanations name the periods: "Raised in Q1" either way
