"""A year of attendance, discipline and programs for each planned student, as plain data.

Each student's year comes from the student's own random stream (seeded by the seed and the student's SIS
id), generated for the whole school year and then cut at a date. So the events through the snapshot
are the same whether a run stops there or runs on to June (`--through`), and the writer and the
exporters, which both call `student_year`, always agree.

Attendance is by exception (a day with no event is a day present). Each student gets an absence
propensity from a mix tuned so that 15-25% of students are chronically absent (10% or more of the days
enrolled), with a tail of severe cases, more of them in high school and kindergarten. Absences come in
streaks and lean towards Mondays and Fridays. Suspensions come from the discipline plan, and the days
out of school of an out-of-school suspension are recorded as such (reason H).
"""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from itertools import accumulate

from casework.attendance.choices import LawfulReason
from casework.programs.choices import NighttimeResidence

from .calendar_plan import CalendarPlan
from .plan import FIRST_DAY, HouseholdPlan, StudentPlan, grade_index

# Absence-rate bins (share of students, lowest rate, highest rate), by school level.
_BINS = {
    "low": [(59, 0.0, 0.05), (27, 0.05, 0.10), (9.5, 0.10, 0.20), (3.7, 0.20, 0.40), (0.8, 0.40, 0.60)],
    "mid": [(54, 0.0, 0.05), (27, 0.05, 0.10), (12.5, 0.10, 0.20), (5, 0.20, 0.40), (1.5, 0.40, 0.65)],
    "high": [(47, 0.0, 0.05), (28, 0.05, 0.10), (15, 0.10, 0.20), (7, 0.20, 0.40), (3, 0.40, 0.70)],
}
STREAK = [1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 4, 5]
EXCUSED_REASONS = [("B", 80), ("A", 4), ("C", 3), ("D", 2), ("F", 4), ("I", 3), ("J", 4)]
# Cumulative weights computed once: `choices` would otherwise rebuild them on every call (same draws).
_REASON_CODES = [code for code, _ in EXCUSED_REASONS]
_REASON_CUM = list(accumulate(w for _, w in EXCUSED_REASONS))
_BIN_CUM = {level: list(accumulate(b[0] for b in bins)) for level, bins in _BINS.items()}
REASON_TEXT = {r.value: r.label for r in LawfulReason}
SCHOOL_START = time(8, 0)
SCHOOL_END = time(14, 45)


@dataclass(slots=True)
class EventPlan:
    school: str
    day: date
    category: str  # attendance.AttendanceCategory
    reason_code: str | None = None
    minutes_present: int | None = None
    event_duration: Decimal | None = None  # Ed-Fi EventDuration: the part of the day the event covers
    arrival_time: time | None = None
    departure_time: time | None = None

    @property
    def reason_text(self) -> str:
        return REASON_TEXT.get(self.reason_code, "") if self.reason_code else ""


@dataclass(slots=True)
class ActionPlan:
    school: str
    incident_id: str
    action_id: str
    kind: str  # discipline.ActionKind
    start: date
    length_days: Decimal
    behavior: str
    location: str
    days_out: list[date] = field(default_factory=list)  # the school days an out-of-school suspension covers


@dataclass(slots=True)
class ProgramPlan:
    kind: str  # programs.ProgramKind
    name: str
    begin: date
    school: str  # the school serving the student when the participation began
    nighttime_residence: str | None = None
    unaccompanied_youth: bool | None = None


@dataclass(slots=True)
class StudentYear:
    events: list[EventPlan]
    actions: list[ActionPlan]
    programs: list[ProgramPlan]

    def through(self, day: date) -> StudentYear:
        return StudentYear([e for e in self.events if e.day <= day], [a for a in self.actions if a.start <= day],
                           [p for p in self.programs if p.begin <= day])


# No attendance offences: Maryland bars suspending a student solely for attendance (Educ. Art. 7-305(b)).
BEHAVIORS = [("Fighting", 30), ("Disrespect", 25), ("Disruption", 20), ("Bullying", 8), ("Substance", 7),
             ("Weapons", 2), ("Theft", 8)]
LOCATIONS = ["Classroom", "Hallway", "Cafeteria", "School bus", "Playground", "Restroom"]


def _level(grade: str) -> str:
    """Absence mix: high school and kindergarten/pre-K miss the most school, grades 1-5 the least."""
    index = grade_index(grade)
    return "high" if index >= 9 else "mid" if index >= 6 or index <= 0 else "low"


def _rate(rng: random.Random, level: str) -> float:
    bins = _BINS[level]
    _share, low, high = rng.choices(bins, cum_weights=_BIN_CUM[level])[0]
    return rng.uniform(low, high)


def _span_days(cal: CalendarPlan, entry: date, exit_: date | None) -> list[date]:
    days = cal.days
    lo = bisect_left(days, entry)
    hi = bisect_right(days, exit_) if exit_ is not None else len(days)
    return days[lo:hi]


def _pick_absences(rng: random.Random, days: list[date], count: int) -> list[int]:
    """`count` day indexes, in streaks, favouring Mondays and Fridays."""
    chosen: set[int] = set()
    n = len(days)
    tries = 0
    while len(chosen) < count and tries < count * 20:
        tries += 1
        start = rng.randrange(n)
        if days[start].weekday() not in (0, 4) and rng.random() < 0.35:
            continue
        for i in range(start, min(n, start + rng.choice(STREAK))):
            if len(chosen) >= count:
                break
            chosen.add(i)
    return sorted(chosen)


def _absence(rng: random.Random, school: str, day: date, excused_share: float) -> EventPlan:
    excused = rng.random() < excused_share
    category = "excused" if excused else "unexcused"
    reason = rng.choices(_REASON_CODES, cum_weights=_REASON_CUM)[0] if excused else None
    if rng.random() < 0.08:  # half a day (2 h to under 4 h present)
        minutes = rng.randrange(120, 240)
        arrival = rng.random() < 0.5
        clock = _add(SCHOOL_START, 405 - minutes) if arrival else _add(SCHOOL_START, minutes)
        return EventPlan(school, day, category, reason, minutes, Decimal("0.50"),
                         clock if arrival else None, None if arrival else clock)
    return EventPlan(school, day, category, reason, 0, Decimal("1.00"))


def _add(t: time, minutes: int) -> time:
    total = t.hour * 60 + t.minute + minutes
    return time(total // 60, total % 60)


def _discipline(rng: random.Random, student: StudentPlan, school: str, level: str, days: list[date],
                rate: float) -> list[ActionPlan]:
    chance = {"low": 0.025, "mid": 0.11, "high": 0.12}[level] * (1.8 if rate >= 0.1 else 0.8)
    if school.startswith("90"):  # alternative programs (plan.py numbers them 90xx)
        chance = 0.25
    if not days or rng.random() >= chance:
        return []
    actions = []
    count = rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
    for n in range(count):
        start_i = rng.randrange(len(days))
        roll = rng.random()
        if level != "low" and roll < 0.004:
            kind, length = "expulsion", Decimal(45)
        elif roll < 0.62:
            kind, length = "out_of_school_suspension", Decimal(rng.choice([1, 1, 2, 3, 3, 5, 10]))
        elif roll < 0.92:
            kind, length = "in_school_suspension", Decimal(rng.choice([1, 1, 2, 3]))
        else:
            kind, length = "other", Decimal(0)
        behavior = rng.choices([b for b, _ in BEHAVIORS], weights=[w for _, w in BEHAVIORS])[0]
        incident = f"{school}-{student.district_id}-{n + 1}"
        action = ActionPlan(school, incident, f"DA-{student.district_id}-{n + 1}", kind, days[start_i], length,
                            behavior, rng.choice(LOCATIONS))
        if kind == "out_of_school_suspension":
            action.days_out = days[start_i:start_i + int(length)]
        actions.append(action)
    # One action per start day: the engine and the importers key actions by (student, id, start).
    seen, unique = set(), []
    for a in sorted(actions, key=lambda a: a.start):
        if a.start not in seen:
            seen.add(a.start)
            unique.append(a)
    return unique


def _programs(rng: random.Random, student: StudentPlan, household: HouseholdPlan) -> list[ProgramPlan]:
    first = min(student.enrollments, key=lambda e: e.entry_date)
    programs = []
    if student.homeless:
        current = household.addresses[0]  # newest first
        begin = current.start_date if current.start_date > FIRST_DAY else FIRST_DAY
        begin = max(begin, first.entry_date)
        residence = {"shelter": NighttimeResidence.SHELTERS,
                     "temporary": rng.choice([NighttimeResidence.HOTELS_MOTELS, NighttimeResidence.DOUBLED_UP,
                                              NighttimeResidence.UNSHELTERED])}.get(
            current.address_type, NighttimeResidence.DOUBLED_UP)
        unaccompanied = grade_index(student.grade) >= 9 and rng.random() < 0.12
        programs.append(ProgramPlan("homeless", "McKinney-Vento Homeless Program", begin, first.school,
                                    str(residence), unaccompanied))
    if student.has_iep:
        begin = FIRST_DAY - timedelta(days=rng.randrange(30, 365 * 6))
        programs.append(ProgramPlan("special_education", "Special Education", begin, first.school))
    if student.has_504:
        begin = FIRST_DAY - timedelta(days=rng.randrange(30, 365 * 4))
        programs.append(ProgramPlan("section_504", "Section 504", begin, first.school))
    return programs


def student_year(student: StudentPlan, household: HouseholdPlan, calendars: dict[str, CalendarPlan],
                 seed: int) -> StudentYear:
    """The student's whole school year: attendance events, discipline actions, program participation."""
    rng = random.Random(f"casework-seed:{seed}:year:{student.district_id}")
    rate = None
    events: list[EventPlan] = []
    actions: list[ActionPlan] = []
    for enrollment in sorted(student.enrollments, key=lambda e: e.entry_date):
        school = enrollment.school
        cal = calendars[school]
        days = _span_days(cal, enrollment.entry_date, enrollment.exit_date)
        if not days:
            continue
        level = _level(enrollment.grade)
        if rate is None:
            rate = _rate(rng, level)
            excused_share = rng.uniform(0.05, 0.3) if rate >= 0.1 else rng.uniform(0.2, 0.65)
            tardy_rate = rng.choice([0.0, 0.005, 0.01, 0.02, 0.04, 0.08])
        school_actions = _discipline(rng, student, school, level, days, rate)
        actions += school_actions
        out = {d for a in school_actions for d in a.days_out}
        count = int(rate * len(days) + rng.random())
        absent = _pick_absences(rng, days, count)
        absent_days = set()
        for i in absent:
            day = days[i]
            if day in out:
                continue
            absent_days.add(day)
            events.append(_absence(rng, school, day, excused_share))
        for day in sorted(out):
            events.append(EventPlan(school, day, "out_of_school_suspension", "H", 0, Decimal("1.00")))
        free = [d for d in days if d not in absent_days and d not in out]
        late_count = min(len(free), int(tardy_rate * len(free) + rng.random()))
        late_days = rng.sample(free, late_count)
        for day in late_days:
            late = rng.randrange(5, 60)
            events.append(EventPlan(school, day, "tardy", None, 405 - late, None, _add(SCHOOL_START, late)))
        if late_days:
            taken = set(late_days)
            free = [d for d in free if d not in taken]
        early_count = min(len(free), int(tardy_rate * 0.3 * len(free) + rng.random()))
        for day in rng.sample(free, early_count):
            early = rng.randrange(20, 120)
            events.append(EventPlan(school, day, "early_departure", rng.choice([None, "B"]), 405 - early, None,
                                    None, _add(SCHOOL_START, 405 - early)))
    events.sort(key=lambda e: (e.day, e.school))
    return StudentYear(events, actions, _programs(rng, student, household))
