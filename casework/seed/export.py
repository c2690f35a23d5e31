"""`casework seed --export DIR`: the planned district as plain CSV (docs/imports.md) and Ed-Fi v5 XML.

Generated from the plan (never read back from the database), in one pass over the households, so a
district with a full year of attendance streams out without holding it in memory. `through` cuts
attendance, discipline, programs and course grades at that date (the seed's snapshot by default; up to
the end of the school year for import benchmarks): a grading period's grades once it has ended, the
progress reports of the period in progress at the snapshot once given."""

from __future__ import annotations

import csv
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .attendance_plan import student_year
from .calendar_plan import EDFI_SCHOOL_YEAR, plan_calendars
from .edfi_xml import INTERCHANGES, Interchanges
from .families import plan_households
from .grades_plan import student_grades
from .plan import AS_OF, GRADES, LEVEL_GRADES, Scale, plan_layout

CSV_COLUMNS = {
    "schools": ["school_id", "name", "level", "street", "city", "state", "postal_code", "phone"],
    "students": ["student_id", "first_name", "last_name", "birth_date", "grade", "state_id", "middle_name", "suffix",
                 "preferred_name", "sex", "home_language"],
    "enrollments": ["student_id", "school_id", "entry_date", "exit_date", "grade", "entry_code", "exit_code"],
    "calendar": ["school_id", "date", "kind", "note"],
    "sessions": ["school_id", "school_year", "name", "begin", "end", "term", "total_instructional_days"],
    "grading_periods": ["school_id", "school_year", "kind", "sequence", "name", "begin", "end", "descriptor",
                        "total_instructional_days"],
    "attendance": ["student_id", "school_id", "date", "category", "reason_code", "reason_text", "minutes_present",
                   "event_duration", "arrival_time", "departure_time"],
    "discipline": ["student_id", "school_id", "action_id", "start_date", "kind", "length_days", "actual_length_days",
                   "incident_id", "incident_date", "behavior_code", "location"],
    "programs": ["student_id", "program", "program_name", "begin", "end", "school_id", "nighttime_residence",
                 "unaccompanied_youth"],
    "grades": ["student_id", "school_id", "school_year", "course_code", "grading_period", "letter_grade",
               "numeric_grade", "course_title", "section_id", "grade_type", "grading_period_sequence", "as_of_date"],
}


@dataclass
class ExportSummary:
    folder: Path
    through: date
    rows: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [f"Exported to {self.folder} (attendance through {self.through.isoformat()}):"]
        for name in CSV_COLUMNS:
            path = self.folder / f"{name}.csv"
            out.append(f"  {name + '.csv':<22} {self.rows[name]:>11,} rows  {path.stat().st_size / 1e6:9.1f} MB")
        for root in INTERCHANGES.values():
            path = self.folder / f"{root}.xml"
            out.append(f"  {root + '.xml':<40} {path.stat().st_size / 1e6:9.1f} MB")
        out.append(f"  took {self.seconds:.1f} s")
        return out


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def export_district(folder: Path, *, scale: Scale, seed: int, through: date = AS_OF,
                    grades: bool = True) -> ExportSummary:
    """Write every CSV and interchange into `folder`; without `grades`, grades.csv has only its header and
    InterchangeStudentGrade no Grade."""
    started = time.monotonic()
    folder.mkdir(parents=True, exist_ok=True)
    summary = ExportSummary(folder, through)
    layout = plan_layout(scale, seed)
    calendars = plan_calendars(layout, seed)
    files = {name: open(folder / f"{name}.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115
             for name in CSV_COLUMNS}
    writers = {name: csv.writer(fh) for name, fh in files.items()}
    xml = Interchanges(folder)
    try:
        for name, columns in CSV_COLUMNS.items():
            writers[name].writerow(columns)

        def row(name: str, *values) -> None:
            writers[name].writerow([_fmt(v) for v in values])
            summary.rows[name] += 1

        for school in layout.schools:
            row("schools", school.code, school.name, school.level, school.street, school.city, "MD",
                school.postal_code, school.phone)
            xml.school(school, [g for g in GRADES if g in LEVEL_GRADES[school.level]])
            cal = calendars[school.code]
            xml.calendar(cal)
            for s in cal.sessions:
                row("sessions", school.code, EDFI_SCHOOL_YEAR, s.name, s.begin, s.end, s.term,
                    s.total_instructional_days)
            for p in cal.periods:
                row("grading_periods", school.code, EDFI_SCHOOL_YEAR, p.kind, p.sequence, p.name, p.begin, p.end,
                    p.descriptor, p.total_instructional_days)
            for d in cal.dates:
                row("calendar", school.code, d.day, d.kind, d.note)

        sessions = {code: cal.sessions for code, cal in calendars.items()}
        for household in plan_households(layout, scale, seed):
            for s in household.students:
                row("students", s.district_id, s.first_name, s.last_name, s.date_of_birth, s.grade, s.state_id,
                    s.middle_name, s.suffix, s.preferred_name, s.sex, s.home_language)
                xml.student(s)
                for e in s.enrollments:
                    row("enrollments", s.district_id, e.school, e.entry_date, e.exit_date, e.grade, e.entry_code,
                        e.exit_code)
                    xml.enrollment(s, e)
                year = student_year(s, household, calendars, seed).through(through)
                for e in year.events:
                    row("attendance", s.district_id, e.school, e.day, e.category, e.reason_code, e.reason_text,
                        e.minutes_present, e.event_duration, e.arrival_time, e.departure_time)
                    session = next(x.name for x in sessions[e.school] if x.begin <= e.day <= x.end)
                    xml.attendance(s.district_id, e, session)
                for a in year.actions:
                    row("discipline", s.district_id, a.school, a.action_id, a.start, a.kind, a.length_days,
                        a.length_days, a.incident_id, a.start, a.behavior, a.location)
                    xml.discipline(s.district_id, a)
                for p in year.programs:
                    row("programs", s.district_id, p.kind, p.name, p.begin, None, p.school, p.nighttime_residence,
                        p.unaccompanied_youth)
                    xml.program(s.district_id, p)
                for g in student_grades(s, year, calendars, seed, through=through) if grades else ():
                    row("grades", s.district_id, g.school, EDFI_SCHOOL_YEAR, g.course_code, g.period.name, g.letter,
                        g.numeric, g.course_title, g.section_id, g.grade_type, g.period.sequence, g.as_of_date)
                    xml.grade(s.district_id, g)
    finally:
        for fh in files.values():
            fh.close()
        xml.close()
    summary.seconds = time.monotonic() - started
    return summary
