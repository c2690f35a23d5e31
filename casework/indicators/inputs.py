"""The bridge from stored data to the pure rules engine (`casework/rules/engine.py`).

`indicators_as_of(as_of=..., school_ids=...)` gathers, in a fixed number of queries whatever the number
of students, everything the engine needs per student x school, then calls `engine.compute` once per
student x school:

1. the schools (by id, or every school);
2. the rule set in force on the as-of date (`rules.selectors.ruleset_in_force`, one or two queries);
3. each school's instructional days for the school year (`calendars.schooldays`, one UNION query);
4. the schools' grading periods of that school year (one query);
5. the enrollments at those schools that overlap the school year up to the as-of date, with the SIS
   student id (one query);
6. the attendance events recorded at those schools from the first day of the year to the as-of date
   (one query);
7. the discipline actions the schools are responsible for in the same window (one query);
8. the course grades given at those schools in grading periods of that school year (one query).

The school year is Maryland's: 1 July to 30 June (Educ. Art. §1-101), so the year of 2026-03-15 runs
from 2025-07-01 to 2026-06-30; the engine's "year to date" starts at the school's first instructional day
in it.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time

from django.core.exceptions import ImproperlyConfigured

from casework.attendance.models import AttendanceEvent
from casework.calendars.periods import periods_by_school
from casework.calendars.schooldays import instructional_days_by_school
from casework.discipline.models import Action
from casework.grades.models import CourseGrade
from casework.rules import engine
from casework.rules.models import RuleSet
from casework.rules.selectors import ruleset_in_force
from casework.schools.models import School
from casework.students.models import Enrollment


class IndicatorError(ValueError):
    """The indicators cannot be computed; the message says why, for a person to act on."""


# calendars.PeriodKind -> engine.PeriodKind. A trimester is a marking period: checked for habitual
# truancy, with no §7-302.2 limit (that applies to quarters only).
PERIOD_KINDS = {
    "quarter": engine.PeriodKind.QUARTER,
    "marking_period": engine.PeriodKind.MARKING_PERIOD,
    "trimester": engine.PeriodKind.MARKING_PERIOD,
    "semester": engine.PeriodKind.SEMESTER,
    "year": engine.PeriodKind.YEAR,
}

# attendance.AttendanceCategory -> engine.Mark. A "partial" day is a part-day attendance mark counted by
# its minutes (without minutes it is a full day present, like a tardy).
MARKS = {
    "present": engine.Mark.PRESENT,
    "excused": engine.Mark.EXCUSED,
    "unexcused": engine.Mark.UNEXCUSED,
    "tardy": engine.Mark.TARDY,
    "early_departure": engine.Mark.EARLY_DEPARTURE,
    "partial": engine.Mark.EARLY_DEPARTURE,
    "in_school_suspension": engine.Mark.IN_SCHOOL_SUSPENSION,
    "out_of_school_suspension": engine.Mark.SUSPENSION,
}

ABSENCE_CATEGORIES = frozenset({"excused", "unexcused", "out_of_school_suspension"})

# The engine takes one record per day; a school may record two categories on one day (unique per
# category). The one that keeps the student out of school longest decides the day.
_DAY_PRECEDENCE = ("unexcused", "excused", "out_of_school_suspension", "partial", "early_departure", "tardy",
                   "in_school_suspension", "present")
_RANK = {c: i for i, c in enumerate(_DAY_PRECEDENCE)}


def school_year_bounds(as_of: date) -> tuple[date, date]:
    """1 July to 30 June of the school year `as_of` falls in."""
    start_year = as_of.year if as_of.month >= 7 else as_of.year - 1
    return date(start_year, 7, 1), date(start_year + 1, 6, 30)


@dataclass
class StudentSchoolInputs:
    """Everything the engine takes for one student at one school."""

    student_pk: int
    student_id: str  # SIS id (Student.district_id)
    school_pk: int
    school_code: str
    enrollments: list[engine.EnrollmentSpan] = field(default_factory=list)
    attendance: list[engine.AttendanceRecord] = field(default_factory=list)
    discipline: list[engine.DisciplineAction] = field(default_factory=list)
    grades: list[engine.CourseGradeRecord] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)  # days recorded twice, and which record decided


@dataclass(frozen=True)
class SchoolCalendar:
    school_pk: int
    school_code: str
    days: tuple[date, ...]
    method: str
    periods: tuple[engine.Period, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndicatorRow:
    student_id: str
    school_id: str
    student_pk: int
    school_pk: int
    calendar_method: str
    result: engine.StudentIndicators
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Inputs:
    as_of: date
    year_start: date
    year_end: date
    ruleset: RuleSet
    rules: engine.Rules
    calendars: dict[int, SchoolCalendar]
    students: list[StudentSchoolInputs]
    left_out: tuple[str, ...] = ()  # codes of schools left out for want of a calendar (leave_out_uncalendared)


def _minutes_between(arrival: time, departure: time) -> int:
    """Whole minutes from arrival to departure, the seconds dropped (never rounded up across a line)."""
    seconds = (departure.hour - arrival.hour) * 3600 + (departure.minute - arrival.minute) * 60 \
        + departure.second - arrival.second
    return seconds // 60


def _minutes_together(rows: Sequence[tuple]) -> int | None:
    """Minutes present on a day the student attended with several records (a late arrival and an early
    departure): the fewest any record gives (its minutes, else its own arrival to departure), and the
    latest arrival to the earliest departure across them (10:30 on the tardy, 12:00 on the early
    departure: 90 minutes). None when no record says: a full day, as for one record."""
    bounds = []
    for _category, _reason, minutes, _scheduled, _duration, arrival, departure in rows:
        if minutes is not None:
            bounds.append(minutes)
        elif arrival is not None and departure is not None:
            bounds.append(_minutes_between(arrival, departure))
    arrivals = [r[5] for r in rows if r[5] is not None]
    departures = [r[6] for r in rows if r[6] is not None]
    if arrivals and departures:
        bounds.append(_minutes_between(max(arrivals), min(departures)))
    return max(0, min(bounds)) if bounds else None


def _record(rows: Sequence[tuple], school_day_minutes: int) -> tuple[engine.AttendanceRecord, str | None]:
    """One engine record from the day's events (category, reason, minutes, scheduled, duration, arrival,
    departure)."""
    rows = sorted(rows, key=lambda r: _RANK.get(r[0], len(_RANK)))
    category, reason, minutes, scheduled, duration, arrival, departure = rows[0]
    if len(rows) > 1 and not any(r[0] in ABSENCE_CATEGORIES for r in rows):
        minutes = _minutes_together(rows)
    elif minutes is None and arrival is not None and departure is not None:
        # The SIS sent when the student came and left but not the minutes (Ed-Fi ArrivalTime and
        # DepartureTime without SchoolAttendanceDuration): the time between is the time in attendance.
        minutes = _minutes_between(arrival, departure)
    elif minutes is None and duration is not None and category in ABSENCE_CATEGORIES:
        # Ed-Fi EventDuration: the part of the school day missed (0.5 = half a day absent), of the
        # scheduled minutes or else the rule set's school day. Whole minutes present, a fraction dropped
        # (never rounded up across the 4 h / 2 h lines); the 1e-6 absorbs the binary float's error
        # (240 x 0.7 is 167.99999999999997), far below a hundredth of a day's minutes.
        full = scheduled if scheduled else school_day_minutes
        minutes = math.floor(full * (1 - float(duration)) + 1e-6)
    note = None
    if len(rows) > 1 and category not in ABSENCE_CATEGORIES:
        note = (f"{len(rows)} attendance records on one day ({', '.join(r[0] for r in rows)}); counted as {category}"
                + (f", {minutes} minutes present by all of them" if minutes is not None else ", a full day present"))
    elif len(rows) > 1:
        note = f"{len(rows)} attendance records on one day; counted as {category} (" + ", ".join(
            r[0] for r in rows[1:]) + " not counted)"
    return engine.AttendanceRecord(day=date.min, mark=MARKS[category], reason_code=reason or None,
                                   minutes_present=minutes, minutes_scheduled=scheduled), note


def gather(*, as_of: date, school_ids: Iterable[int] | None = None,
           student_ids: Iterable[int] | None = None) -> Inputs:
    """Load everything the engine needs for the given schools (all when None) as of `as_of`; only the
    given students (primary keys) when `student_ids` is not None."""
    only = None if student_ids is None else sorted(set(student_ids))
    year_start, year_end = school_year_bounds(as_of)
    schools_qs = School.objects.order_by("code")
    if school_ids is not None:
        schools_qs = schools_qs.filter(pk__in=list(school_ids))
    schools = dict(schools_qs.values_list("pk", "code"))
    if not schools:
        raise IndicatorError("No schools to compute indicators for.")
    try:
        ruleset = ruleset_in_force(as_of)
    except ImproperlyConfigured as exc:
        raise IndicatorError(f"No rule set is in force on {as_of.isoformat()}: {exc}") from None
    rules = ruleset.rules()

    ids = sorted(schools)
    days_by_school = instructional_days_by_school(ids, year_start, year_end)
    periods: dict[int, list[engine.Period]] = defaultdict(list)
    for sid, school_periods in periods_by_school(ids, year_start, year_end).items():
        periods[sid] = [engine.Period(name=p.name, kind=PERIOD_KINDS[p.kind], begin=p.begin, end=p.end)
                        for p in school_periods if p.kind in PERIOD_KINDS]
    calendars = {
        sid: SchoolCalendar(sid, schools[sid], tuple(days_by_school[sid]), days_by_school[sid].method,
                            tuple(periods[sid]), tuple(days_by_school[sid].notes))
        for sid in ids
    }

    def narrowed(qs):
        return qs if only is None else qs.filter(student_id__in=only)

    pairs: dict[tuple[int, int], StudentSchoolInputs] = {}
    for student_pk, district_id, sid, entry, exit_ in (
        narrowed(Enrollment.objects.filter(school_id__in=ids, entry_date__lte=min(as_of, year_end)))
        .exclude(exit_date__lt=year_start)
        .order_by("school_id", "student__district_id", "entry_date")
        .values_list("student_id", "student__district_id", "school_id", "entry_date", "exit_date")
    ):
        key = (student_pk, sid)
        if key not in pairs:
            pairs[key] = StudentSchoolInputs(student_pk, district_id, sid, schools[sid])
        pairs[key].enrollments.append(engine.EnrollmentSpan(entry=entry, exit=exit_))

    events: dict[tuple[int, int], dict[date, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    for student_pk, sid, day, *event in (
        narrowed(AttendanceEvent.objects.filter(school_id__in=ids, date__gte=year_start, date__lte=as_of))
        .order_by()
        .values_list("student_id", "school_id", "date", "category", "reason_code", "minutes_present",
                     "minutes_scheduled", "event_duration", "arrival_time", "departure_time")
    ):
        if (student_pk, sid) in pairs:
            events[(student_pk, sid)][day].append(tuple(event))
    for key, by_day in events.items():
        target = pairs[key]
        for day in sorted(by_day):
            rec, note = _record(by_day[day], rules.school_day_minutes)
            target.attendance.append(engine.AttendanceRecord(day=day, mark=rec.mark, reason_code=rec.reason_code,
                                                             minutes_present=rec.minutes_present,
                                                             minutes_scheduled=rec.minutes_scheduled))
            if note:
                target.merged.append(f"{day.isoformat()}: {note}")

    for student_pk, sid, action_id, kind, start, length, actual in (
        narrowed(Action.objects.filter(school_id__in=ids, start_date__gte=year_start, start_date__lte=as_of))
        .order_by("start_date", "id")
        .values_list("student_id", "school_id", "action_id", "kind", "start_date", "length_days",
                     "actual_length_days")
    ):
        target = pairs.get((student_pk, sid))
        if target is not None:
            target.discipline.append(engine.DisciplineAction(
                action_id=action_id, day=start, kind=engine.DisciplineKind(kind),
                days=actual if actual is not None else length))

    # Course grades of the school year (its grading periods' year), however late given: the engine counts
    # those given by the as-of date.
    for student_pk, sid, code, title, period, grade_type, letter, numeric, given, end in (
        narrowed(CourseGrade.objects.filter(school_id__in=ids, grading_period__school_year=year_end.year))
        .order_by("student_id", "course_code", "grading_period__begin", "id")
        .values_list("student_id", "school_id", "course_code", "course_title", "grading_period__name",
                     "grade_type", "letter_grade", "numeric_grade", "as_of_date", "grading_period__end")
    ):
        target = pairs.get((student_pk, sid))
        if target is not None:
            target.grades.append(engine.CourseGradeRecord(code, title, period, grade_type, letter, numeric,
                                                          given or end))

    students = sorted(pairs.values(), key=lambda p: (p.school_code, p.student_id))
    return Inputs(as_of, year_start, year_end, ruleset, rules, calendars, students)


def no_calendar_message(codes: Iterable[str], year_start: date, year_end: date) -> str:
    return (f"No calendar for school(s) {', '.join(codes)} in the school year {year_start.isoformat()} to "
            f"{year_end.isoformat()}: no instructional days found. Import the school calendar first.")


def indicators_as_of(*, as_of: date, school_ids: Iterable[int] | None = None,
                     student_ids: Iterable[int] | None = None, detail: bool = True,
                     leave_out_uncalendared: bool = False) -> tuple[Inputs, list[IndicatorRow]]:
    """Indicators of every student x school enrolled in the school year up to `as_of` (only the given
    students when `student_ids` is not None).

    Raises IndicatorError when a school with students in the year has no instructional days; with
    `leave_out_uncalendared`, only when every such school has none: the others' students are left out and
    their codes are in `inputs.left_out` (one school's missing calendar does not hold a district back)."""
    inputs = gather(as_of=as_of, school_ids=school_ids, student_ids=student_ids)
    missing = sorted({p.school_code for p in inputs.students if not inputs.calendars[p.school_pk].days})
    if missing:
        error = IndicatorError(no_calendar_message(missing, inputs.year_start, inputs.year_end))
        kept = [p for p in inputs.students if inputs.calendars[p.school_pk].days]
        if not leave_out_uncalendared or not kept:
            raise error
        inputs = dataclasses.replace(inputs, students=kept, left_out=tuple(missing))
    rows = []
    days = {pk: engine.SortedDays(cal.days) for pk, cal in inputs.calendars.items()}  # once per school
    for p in inputs.students:
        cal = inputs.calendars[p.school_pk]
        result = engine.compute(rules=inputs.rules, as_of=as_of, calendar=days[p.school_pk], enrollments=p.enrollments,
                                periods=cal.periods, attendance=p.attendance, discipline=p.discipline,
                                grades=p.grades, detail=detail)
        rows.append(IndicatorRow(student_id=p.student_id, school_id=p.school_code, student_pk=p.student_pk,
                                 school_pk=p.school_pk, calendar_method=cal.method, result=result,
                                 notes=tuple(p.merged) + cal.notes))
    return inputs, rows
