"""Writes the planned calendars and each student's year (attendance, discipline, programs, course grades)
with the seed's bulk path (`bulk.BulkTable`: COPY on PostgreSQL, executemany on SQLite; no ORM per row).

Called by `writer.seed_database` inside its one transaction: calendars once, then one call per chunk of
households right after their students are inserted, so the student ids are known.

Course grades bypass `grades.services.grade_record` like every other row here: it locks and looks up each
row and writes a change record per row (about 750,000 grades at district scale, minutes of work), for an
empty table whose every reference the plan already resolved; the seed writes one summary change record
per model instead, and the plan keeps the service's rules (a period of the grade's own school, a letter
and a numeric grade, numeric grades to the hundredth, one row per student, school, period, course,
section and grade type)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from casework.attendance.choices import EDFI_NAMESPACE
from casework.attendance.models import AttendanceEvent
from casework.calendars.models import CalendarDate, GradingPeriod, Session
from casework.core.bulk import BulkTable
from casework.discipline.models import Action, Incident
from casework.grades.models import CourseGrade
from casework.programs.models import ProgramParticipation

from .attendance_plan import StudentYear
from .calendar_plan import CALENDAR_EVENT_NS, EDFI_EVENT, EDFI_SCHOOL_YEAR, GRADING_PERIOD_NS, CalendarPlan
from .grades_plan import GradePlan

# Casework category -> the Ed-Fi AttendanceEventCategoryDescriptor an SIS would have sent.
EDFI_CATEGORY = {"excused": "Excused Absence", "unexcused": "Unexcused Absence", "tardy": "Tardy",
                 "early_departure": "Early departure", "partial": "Partial",
                 "out_of_school_suspension": "Excused Absence"}
EDFI_DISCIPLINE = {"in_school_suspension": "In School Suspension",
                   "out_of_school_suspension": "Out of School Suspension", "expulsion": "Expulsion",
                   "other": "Removal from Classroom"}
PROGRAM_TYPE_NS = "uri://ed-fi.org/ProgramTypeDescriptor"
PROGRAM_TYPE = {"homeless": "Homeless", "section_504": "Section 504 Placement",
                "special_education": "Special Education"}


def category_descriptor(category: str) -> str:
    return f"{EDFI_NAMESPACE}#{EDFI_CATEGORY[category]}"


def _text(value) -> str | None:
    """Times and decimals as text: both databases parse them (sqlite3 has no adapter for time)."""
    return None if value is None else str(value)


class YearTables:
    def __init__(self, now: datetime):
        self.event = BulkTable(AttendanceEvent, [
            "student_id", "school_id", "date", "category", "reason_code", "reason_text", "minutes_present",
            "event_duration", "arrival_time", "departure_time", "descriptor"], now=now)
        self.incident = BulkTable(Incident, ["school_id", "incident_id", "date", "code", "location"], now=now)
        self.action = BulkTable(Action, [
            "student_id", "school_id", "incident_id", "action_id", "kind", "descriptor", "start_date", "length_days",
            "actual_length_days"], now=now)
        self.program = BulkTable(ProgramParticipation, [
            "student_id", "kind", "program_name", "descriptor", "begin", "nighttime_residence",
            "unaccompanied_youth"], now=now)
        self.grade = BulkTable(CourseGrade, [
            "student_id", "school_id", "grading_period_id", "course_code", "course_title", "section_id", "grade_type",
            "letter_grade", "numeric_grade", "as_of_date"], now=now)
        self.counts: Counter = Counter()

    def write(self, years: list[tuple[int, StudentYear, list[GradePlan]]], school_ids: dict[str, int],
              period_ids: dict[tuple[str, str], int]) -> None:
        events, incidents, actions, programs, grades = [], [], [], [], []
        for sid, year, student_grades in years:
            for e in year.events:
                events.append((sid, school_ids[e.school], e.day, e.category, e.reason_code, e.reason_text,
                               e.minutes_present, _text(e.event_duration), _text(e.arrival_time),
                               _text(e.departure_time),
                               "" if e.category == "out_of_school_suspension" else category_descriptor(e.category)))
            for a in year.actions:
                incidents.append((school_ids[a.school], a.incident_id, a.start, a.behavior, a.location))
                actions.append((sid, a))
            for p in year.programs:
                programs.append((sid, p.kind, p.name, f"{PROGRAM_TYPE_NS}#{PROGRAM_TYPE[p.kind]}", p.begin,
                                 p.nighttime_residence, p.unaccompanied_youth))
            for g in student_grades:
                grades.append((sid, school_ids[g.school], period_ids[g.school, g.period.name], g.course_code,
                               g.course_title, g.section_id, g.grade_type, g.letter, f"{g.numeric}.00", g.as_of_date))
        self.event.insert(events)
        incident_ids = self.incident.insert(incidents)
        self.action.insert([(sid, school_ids[a.school], iid, a.action_id, a.kind,
                             f"uri://ed-fi.org/DisciplineDescriptor#{EDFI_DISCIPLINE[a.kind]}", a.start,
                             str(a.length_days), str(a.length_days))
                            for (sid, a), iid in zip(actions, incident_ids, strict=True)])
        self.program.insert(programs)
        self.grade.insert(grades)
        self.counts.update(events=len(events), incidents=len(incidents), actions=len(actions),
                           programs=len(programs), grades=len(grades))


def write_calendars(calendars: dict[str, CalendarPlan], school_ids: dict[str, int],
                    now: datetime) -> tuple[Counter, dict[tuple[str, str], int]]:
    """Sessions, grading periods and dates; returns their counts and the periods' ids by (school, name)."""
    sessions = BulkTable(Session, ["school_id", "school_year", "name", "term", "begin", "end",
                                   "total_instructional_days", "calendar_source"], now=now)
    periods = BulkTable(GradingPeriod, ["school_id", "school_year", "kind", "sequence", "name", "descriptor", "begin",
                                        "end", "total_instructional_days"], now=now)
    dates = BulkTable(CalendarDate, ["school_id", "date", "kind", "descriptor", "note"], now=now)
    rows_s, rows_p, rows_d, keys_p = [], [], [], []
    for code, cal in calendars.items():
        sid = school_ids[code]
        rows_s += [(sid, EDFI_SCHOOL_YEAR, s.name, s.term, s.begin, s.end, s.total_instructional_days, cal.source)
                   for s in cal.sessions]
        rows_p += [(sid, EDFI_SCHOOL_YEAR, p.kind, p.sequence, p.name, f"{GRADING_PERIOD_NS}#{p.descriptor}", p.begin,
                    p.end, p.total_instructional_days) for p in cal.periods]
        keys_p += [(code, p.name) for p in cal.periods]
        rows_d += [(sid, d.day, d.kind, f"{CALENDAR_EVENT_NS}#{EDFI_EVENT[d.kind]}", d.note) for d in cal.dates]
    sessions.insert(rows_s)
    period_ids = dict(zip(keys_p, periods.insert(rows_p), strict=True))
    dates.insert(rows_d)
    return Counter(sessions=len(rows_s), grading_periods=len(rows_p), calendar_dates=len(rows_d)), period_ids

