"""Progress monitoring arithmetic: a student's attendance week by week (from the rules engine, the same
numbers as the attendance tab), and whether a goal has been met for N consecutive weeks.

No writes here; services.progress_pull stores what weekly_attendance computes."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from casework.indicators.inputs import IndicatorError, indicators_as_of, school_year_bounds
from casework.rules.engine import DayResult, Mark
from casework.students.models import Enrollment

from .choices import PULLED_METRICS, Metric, PointSource

_TENTH = Decimal("0.1")
_SUSPENDED = (Mark.SUSPENSION, Mark.IN_SCHOOL_SUSPENSION)


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@dataclass(frozen=True)
class AttendanceWeek:
    """One school week (Mon-Fri) of enrolled days counted from the plan's start."""

    week_of: datetime.date  # the Monday
    days_enrolled: int
    days_present: float
    days_unlawful: float
    days_suspended: int

    @property
    def rate(self) -> Decimal:
        """Attendance rate in percent, one decimal (4.5 of 5 days -> 90.0)."""
        return (Decimal(str(self.days_present)) * 100 / self.days_enrolled).quantize(_TENTH, ROUND_HALF_UP)

    def value(self, metric: str) -> Decimal:
        if metric == Metric.ATTENDANCE_RATE:
            return self.rate
        if metric == Metric.UNLAWFUL_ABSENCES:
            return Decimal(str(self.days_unlawful))
        if metric == Metric.DAYS_SUSPENDED:
            return Decimal(self.days_suspended)
        raise ValueError(f"{metric} is not read from the attendance record")


def _days(student_id: int, start: datetime.date, through: datetime.date) -> list[DayResult]:
    """The engine's day-by-day results from `start` to `through`, across school years and schools."""
    school_ids = sorted(set(Enrollment.objects.filter(student_id=student_id).values_list("school_id", flat=True)))
    if not school_ids:
        return []
    found: dict[datetime.date, DayResult] = {}
    missing: list[IndicatorError] = []
    as_of = through
    while as_of >= start:
        try:
            _, rows = indicators_as_of(as_of=as_of, school_ids=school_ids, student_ids=[student_id], detail=True)
        except IndicatorError as exc:
            rows = []  # no calendar that year: the weeks of the other years still count
            missing.append(exc)
        for row in rows:
            for d in row.result.days:
                if start <= d.day <= through:
                    # Enrolled at two schools on one day (a transfer week): the day counts once.
                    found.setdefault(d.day, d)
        year_start, _ = school_year_bounds(as_of)
        as_of = year_start - datetime.timedelta(days=1)
    if missing and not found:
        raise missing[0]
    return [found[day] for day in sorted(found)]


def weekly_attendance(*, student_id: int, start: datetime.date, through: datetime.date) -> list[AttendanceWeek]:
    """Completed school weeks (Monday to Friday) from `start` to `through`: a week counts once its
    Friday has passed, so a goal is not judged on a half-finished week. The first week counts only
    from `start`. Weeks without a school day (winter break) have no row.

    Raises IndicatorError (with a message for a person) when the school has no calendar."""
    weeks: dict[datetime.date, list[DayResult]] = {}
    for d in _days(student_id, start, through):
        weeks.setdefault(monday_of(d.day), []).append(d)
    out = []
    for monday, days in sorted(weeks.items()):
        if monday + datetime.timedelta(days=4) > through:
            continue
        out.append(AttendanceWeek(
            week_of=monday, days_enrolled=len(days), days_present=sum(d.present for d in days),
            days_unlawful=sum(d.unlawful for d in days),
            days_suspended=sum(1 for d in days if d.mark in _SUSPENDED)))
    return out


# --- goals ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekValue:
    week_of: datetime.date
    value: Decimal
    source: str
    note: str
    met: bool


@dataclass(frozen=True)
class GoalProgress:
    weeks: tuple[WeekValue, ...]
    needed: int  # consecutive weeks the goal asks for
    met: bool
    met_week: datetime.date | None  # the week that completed the first run of `needed` weeks
    streak: int  # consecutive weeks met up to the latest week

    @property
    def summary(self) -> str:
        if not self.weeks:
            return "No progress data yet"
        if self.met:
            return f"Met: {self.needed} consecutive weeks by the week of {self.met_week:%m/%d/%Y}"
        return f"Not met yet: {self.streak} of {self.needed} consecutive weeks"


def weekly_values(points: Iterable) -> list[tuple[datetime.date, Decimal, str, str]]:
    """One value per week: a value entered by hand overrides the attendance record's for that week
    (the PPW corrected it on purpose, and the note says why)."""
    chosen: dict[datetime.date, tuple[Decimal, str, str]] = {}
    for p in points:
        if p.week_of not in chosen or p.source == PointSource.MANUAL:
            chosen[p.week_of] = (p.value, p.source, p.note)
    return [(week, *chosen[week]) for week in sorted(chosen)]


def goal_progress(goal, points: Sequence | None = None) -> GoalProgress:
    """Whether the goal held for `goal.weeks` consecutive weeks.

    Attendance metrics: the record has a row for every school week, so a week without one had no school
    day (a holiday week) and neither counts nor breaks a run. Other (hand-entered) metrics: a week with
    nothing recorded between two entries breaks the run; five weeks without check-ins are not "three
    weeks in a row"."""
    rows = weekly_values(goal.points.all() if points is None else points)
    gaps_break = goal.metric not in PULLED_METRICS
    weeks, run, met_week, previous = [], 0, None, None
    for week, value, source, note in rows:
        met = goal.meets(value)
        if gaps_break and previous is not None and week - previous > datetime.timedelta(days=7):
            run = 0
        run = run + 1 if met else 0
        previous = week
        if met_week is None and run >= goal.weeks:
            met_week = week
        weeks.append(WeekValue(week, value, source, note, met))
    return GoalProgress(weeks=tuple(weeks), needed=goal.weeks, met=met_week is not None, met_week=met_week,
                        streak=run)
