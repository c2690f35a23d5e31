"""The 2026-27 school calendar of every school in the synthetic district, as plain data.

One district calendar, the way a Maryland county sets it: 180 instructional days from FIRST_DAY, closed
for Labor Day, Yom Kippur, the teachers' convention, election day, Thanksgiving Wednesday to Friday,
winter break, Martin Luther King Jr. Day, Presidents Day, spring break around Easter and Memorial Day,
with a few professional days for teachers. Elementary schools have two early-dismissal conference days
(still instructional).

Calendars arrive from the SIS two ways (`CalendarSource`). About one school in ten sends only sessions
and grading periods with begin/end dates and day counts; for those the plan lists only the closures that
fall inside a session (`schooldays` then counts weekdays minus listed closures). Every other school lists
every weekday of the year with its kind.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from casework.calendars.choices import CalendarSource, DayKind

from .plan import ELEMENTARY, FIRST_DAY, DistrictLayout

EDFI_SCHOOL_YEAR = 2027  # Ed-Fi SchoolYear: the year the school year ends
INSTRUCTIONAL_DAYS = 180
SHARE_PERIODS_WITH_COUNTS = 0.1

# Days off, district-wide: (first, last, kind, note). Weekends inside a span are skipped.
CLOSURES: list[tuple[date, date, str, str]] = [
    (date(2026, 9, 7), date(2026, 9, 7), DayKind.HOLIDAY, "Labor Day"),
    (date(2026, 9, 21), date(2026, 9, 21), DayKind.HOLIDAY, "Yom Kippur"),
    (date(2026, 10, 16), date(2026, 10, 16), DayKind.TEACHER_ONLY, "Professional day (MSEA convention)"),
    (date(2026, 11, 3), date(2026, 11, 3), DayKind.HOLIDAY, "General election day"),
    (date(2026, 11, 25), date(2026, 11, 27), DayKind.HOLIDAY, "Thanksgiving break"),
    (date(2026, 12, 24), date(2027, 1, 1), DayKind.HOLIDAY, "Winter break"),
    (date(2027, 1, 18), date(2027, 1, 18), DayKind.HOLIDAY, "Martin Luther King Jr. Day"),
    (date(2027, 1, 29), date(2027, 1, 29), DayKind.TEACHER_ONLY, "Professional day (end of semester)"),
    (date(2027, 2, 15), date(2027, 2, 15), DayKind.HOLIDAY, "Presidents Day"),
    (date(2027, 3, 26), date(2027, 4, 2), DayKind.HOLIDAY, "Spring break"),
    (date(2027, 4, 23), date(2027, 4, 23), DayKind.TEACHER_ONLY, "Professional day"),
    (date(2027, 5, 31), date(2027, 5, 31), DayKind.HOLIDAY, "Memorial Day"),
]
# Elementary parent-teacher conferences: early dismissal, still instructional.
CONFERENCE_DAYS = [date(2026, 11, 23), date(2026, 11, 24)]

EDFI_EVENT = {  # DayKind -> Ed-Fi CalendarEventDescriptor code value (casework.calendars.choices)
    DayKind.INSTRUCTIONAL: "Instructional day",
    DayKind.SHORT_DAY: "Student late arrival/early dismissal",
    DayKind.HOLIDAY: "Holiday",
    DayKind.TEACHER_ONLY: "Teacher only day",
}
CALENDAR_EVENT_NS = "uri://ed-fi.org/CalendarEventDescriptor"
GRADING_PERIOD_NS = "uri://ed-fi.org/GradingPeriodDescriptor"
TERM_NS = "uri://ed-fi.org/TermDescriptor"


@dataclass(frozen=True, slots=True)
class SessionPlan:
    name: str
    term: str  # Ed-Fi TermDescriptor code value
    begin: date
    end: date
    total_instructional_days: int


@dataclass(frozen=True, slots=True)
class GradingPeriodPlan:
    kind: str  # calendars.PeriodKind
    sequence: int
    name: str
    descriptor: str  # Ed-Fi GradingPeriodDescriptor code value
    begin: date
    end: date
    total_instructional_days: int


@dataclass(frozen=True, slots=True)
class DatePlan:
    day: date
    kind: str  # calendars.DayKind
    note: str


@dataclass(slots=True)
class CalendarPlan:
    school: str  # code
    source: str  # calendars.CalendarSource
    sessions: list[SessionPlan]
    periods: list[GradingPeriodPlan]
    dates: list[DatePlan]
    days: list[date] = field(default_factory=list)  # the instructional days, in order

    @property
    def first_day(self) -> date:
        return self.days[0]

    @property
    def last_day(self) -> date:
        return self.days[-1]


def _closed_days() -> dict[date, tuple[str, str]]:
    closed = {}
    for first, last, kind, note in CLOSURES:
        day = first
        while day <= last:
            if day.weekday() < 5:
                closed[day] = (kind, note)
            day += timedelta(days=1)
    return closed


def district_days() -> tuple[list[date], dict[date, tuple[str, str]]]:
    """The 180 instructional days from FIRST_DAY, and the weekday closures among them."""
    closed = _closed_days()
    days: list[date] = []
    day = FIRST_DAY
    while len(days) < INSTRUCTIONAL_DAYS:
        if day.weekday() < 5 and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days, {d: v for d, v in closed.items() if d <= days[-1]}


def _periods(days: list[date]) -> tuple[list[SessionPlan], list[GradingPeriodPlan]]:
    quarter = INSTRUCTIONAL_DAYS // 4
    quarters = [days[i * quarter:(i + 1) * quarter] for i in range(4)]
    names = ("First", "Second", "Third", "Fourth")
    periods = [GradingPeriodPlan("quarter", i + 1, f"Q{i + 1}", f"{names[i]} Quarter", q[0], q[-1], len(q))
               for i, q in enumerate(quarters)]
    halves = [quarters[0] + quarters[1], quarters[2] + quarters[3]]
    periods += [GradingPeriodPlan("semester", i + 1, f"S{i + 1}", f"{names[i]} Semester", h[0], h[-1], len(h))
                for i, h in enumerate(halves)]
    periods.sort(key=lambda p: (p.begin, p.kind != "semester", p.sequence))
    sessions = [
        SessionPlan("2026-2027 Fall Semester", "Fall Semester", halves[0][0], halves[0][-1], len(halves[0])),
        SessionPlan("2026-2027 Spring Semester", "Spring Semester", halves[1][0], halves[1][-1], len(halves[1])),
    ]
    return sessions, periods


def plan_calendars(layout: DistrictLayout, seed: int) -> dict[str, CalendarPlan]:
    """One calendar per school code."""
    rng = random.Random(f"casework-seed:{seed}:calendars")
    days, closed = district_days()
    sessions, periods = _periods(days)
    in_sessions = list(sessions)
    calendars = {}
    for school in layout.schools:
        by_counts = rng.random() < SHARE_PERIODS_WITH_COUNTS
        short = set(CONFERENCE_DAYS) if school.level == ELEMENTARY else set()
        dates: list[DatePlan] = []
        if by_counts:
            for day in sorted(closed):
                if any(s.begin <= day <= s.end for s in in_sessions):
                    kind, note = closed[day]
                    dates.append(DatePlan(day, kind, note))
        else:
            day, last = days[0], days[-1]
            while day <= last:
                if day in closed:
                    dates.append(DatePlan(day, *closed[day]))
                elif day.weekday() < 5:
                    if day in short:
                        dates.append(DatePlan(day, DayKind.SHORT_DAY, "Parent-teacher conferences"))
                    else:
                        dates.append(DatePlan(day, DayKind.INSTRUCTIONAL, ""))
                day += timedelta(days=1)
        source = CalendarSource.PERIODS_WITH_COUNTS if by_counts else CalendarSource.DATES_LISTED
        calendars[school.code] = CalendarPlan(school.code, str(source), sessions, periods, dates, days)
    return calendars
