"""The attendance indicator engine: pure, typed, no database.

Dataclasses in (a rule set's thresholds, one school's instructional days, the student's enrollment spans
at that school, the grading periods, daily attendance records, discipline actions), dataclasses out
(indicators per period and year to date, as of a date). Every flag explains itself: the rule set and
version, the periods, and the dates or events that triggered it. docs/rules.md is the user-facing
description of the arithmetic; keep the two in step.

Run it once per student x school: a student who moved schools has two results, each on its own
school's calendar.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from . import definition

ZERO, HALF, ONE = Fraction(0), Fraction(1, 2), Fraction(1)


class PeriodKind(enum.StrEnum):
    QUARTER = "quarter"
    MARKING_PERIOD = "marking_period"
    SEMESTER = "semester"
    YEAR = "year"


class Mark(enum.StrEnum):
    """What the school recorded for a day. Days with no record are full days present (SIS exports
    attendance by exception)."""

    PRESENT = "present"
    TARDY = "tardy"
    EARLY_DEPARTURE = "early_departure"
    IN_SCHOOL_SUSPENSION = "in_school_suspension"  # in school, so present
    EXCUSED = "excused"  # absent; lawful only with a lawful reason code of the rule set
    UNEXCUSED = "unexcused"  # absent without lawful cause
    SUSPENSION = "suspension"  # out of school: lawful (COMAR .03H), still an absence


# Marks that mean the student came to school: with no minutes given, a full day present.
ATTENDING = frozenset({Mark.PRESENT, Mark.TARDY, Mark.EARLY_DEPARTURE, Mark.IN_SCHOOL_SUSPENSION})
PART_DAY = frozenset({Mark.TARDY, Mark.EARLY_DEPARTURE})


class DisciplineKind(enum.StrEnum):
    OUT_OF_SCHOOL_SUSPENSION = "out_of_school_suspension"
    IN_SCHOOL_SUSPENSION = "in_school_suspension"
    EXPULSION = "expulsion"
    OTHER = "other"


SUSPENSIONS = frozenset({DisciplineKind.OUT_OF_SCHOOL_SUSPENSION, DisciplineKind.IN_SCHOOL_SUSPENSION})


# --- inputs ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    name: str
    label: str
    min_absence_rate: Fraction


@dataclass(frozen=True)
class Rules:
    """A rule set's thresholds, typed. Rates are exact fractions (0.1 is one tenth)."""

    name: str
    version: str
    full_day_minutes: int
    half_day_minutes: int
    # The school day an Ed-Fi EventDuration is a fraction of, for an event with no minutes of its own.
    # A set without the key (2026.1 and its copies) measured that fraction against the full-day mark.
    school_day_minutes: int
    lawful_reasons: Mapping[str, str]
    suspension_reason_code: str
    chronic_absence_rate: Fraction
    chronic_min_days_enrolled: int
    habitual_truant_rate: Fraction
    habitual_truant_period_kinds: frozenset[str]
    truant_day_limits: Mapping[str, int]
    bands: tuple[Band, ...]
    abc_attendance_rate_below: Fraction
    abc_min_suspensions: int
    tardies_per_unlawful_absence: int | None
    # Course failures (ABC): letters that fail (upper-cased), the numeric grade under which a grade
    # without a letter fails, and the failed courses that raise the flag (defaults: definition.COURSE_DEFAULTS).
    course_failing_letter_grades: frozenset[str]
    course_failing_numeric_below: Fraction
    abc_min_course_failures: int

    @property
    def label(self) -> str:
        return f"{self.name} (version {self.version})"

    @classmethod
    def from_values(cls, *, name: str, version: str, values: Mapping[str, Any]) -> Rules:
        errors = definition.validate_values(dict(values))
        if errors:
            detail = "; ".join(f"{k}: {m}" for k, msgs in errors.items() for m in msgs)
            raise ValueError(f"Rule set {name} (version {version}) is not valid: {detail}")

        def v(key: str) -> Any:
            return definition.value(values, key)

        frac = definition.as_fraction
        return cls(
            name=name, version=version,
            full_day_minutes=v("full_day_minutes"), half_day_minutes=v("half_day_minutes"),
            school_day_minutes=v("school_day_minutes"),  # 2026.1 and its copies: the full-day mark
            lawful_reasons={r["code"]: r["label"] for r in v("lawful_reasons")},
            suspension_reason_code=v("suspension_reason_code"),
            chronic_absence_rate=frac(v("chronic_absence_rate")),
            chronic_min_days_enrolled=v("chronic_min_days_enrolled"),
            habitual_truant_rate=frac(v("habitual_truant_rate")),
            habitual_truant_period_kinds=frozenset(v("habitual_truant_period_kinds")),
            truant_day_limits=dict(v("truant_day_limits")),
            bands=tuple(Band(b["name"], b["label"], frac(b["min_absence_rate"])) for b in v("attendance_bands")),
            abc_attendance_rate_below=frac(v("abc_attendance_rate_below")),
            abc_min_suspensions=v("abc_min_suspensions"),
            tardies_per_unlawful_absence=v("tardies_per_unlawful_absence"),
            course_failing_letter_grades=frozenset(g.upper() for g in v("course_failing_letter_grades")),
            course_failing_numeric_below=frac(v("course_failing_numeric_below")),
            abc_min_course_failures=v("abc_min_course_failures"),
        )


@dataclass(frozen=True)
class EnrollmentSpan:
    """Entry and exit dates at this school, both inclusive (the exit date is the last day enrolled,
    as `students.Enrollment` stores it); exit None = still enrolled."""

    entry: date
    exit: date | None = None

    def covers(self, day: date) -> bool:
        return self.entry <= day and (self.exit is None or day <= self.exit)


@dataclass(frozen=True)
class Period:
    name: str
    kind: PeriodKind
    begin: date
    end: date


@dataclass(frozen=True)
class AttendanceRecord:
    """One school day's attendance. `minutes_present` None means: the whole day for attending marks,
    none for absences. `minutes_scheduled` is set for a student scheduled for less than a full day."""

    day: date
    mark: Mark
    reason_code: str | None = None
    minutes_present: int | None = None
    minutes_scheduled: int | None = None


@dataclass(frozen=True)
class DisciplineAction:
    action_id: str
    day: date
    kind: DisciplineKind
    days: Decimal = Decimal(0)


@dataclass(frozen=True)
class CourseGradeRecord:
    """A course grade (Ed-Fi Grade) and the day it counts from: its as-of date, else its period's end."""

    course_code: str
    course_title: str
    period: str
    grade_type: str
    letter: str
    numeric: Decimal | None
    given_on: date


# --- outputs -----------------------------------------------------------------------------------------


@dataclass(slots=True)  # not frozen: the explanation is formatted in place when first read
class Flag:
    """A yes/no indicator with its reasons. Always explains itself, raised or not.

    The text is built when first read (`text` may be a function returning it): a district recompute
    reads the explanations of raised flags only, and formatting every sentence of every flag of every
    period for 160,000 students is most of its time."""

    name: str
    raised: bool
    rule: str
    text: str | Callable[[], str] = field(repr=False)
    periods: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()
    events: tuple[str, ...] = ()

    @property
    def explanation(self) -> str:
        if callable(self.text):
            self.text = self.text()
        return self.text

    def __bool__(self) -> bool:
        return self.raised


@dataclass(frozen=True)
class DayResult:
    """One enrolled instructional day, for the attendance calendar and for explanations."""

    day: date
    mark: Mark
    present: float  # 1, 0.5 or 0
    absent: float
    unlawful: float
    lawful: bool
    reason_code: str | None
    unlawful_tardy: bool  # an unlawful tardy or early departure on a day still counted fully present


@dataclass(frozen=True)
class PeriodIndicators:
    name: str
    kind: PeriodKind
    begin: date
    end: date
    through: date  # last day counted: the period's end or the as-of date, whichever is first
    complete: bool
    days_enrolled: int
    days_present: float
    days_absent: float
    days_unlawful: float
    unlawful_tardies: int
    days_from_tardies: int
    attendance_rate: float | None
    absence_rate: float | None
    band: str | None
    chronic_absent: Flag
    habitual_truant: Flag | None  # None when the rule set does not check this kind of period
    truant_7_302_2: Flag | None  # None when §7-302.2 sets no limit for this kind of period
    suspensions: int
    expulsions: int
    days_suspended: float
    abc_attendance: Flag
    abc_behavior: Flag


@dataclass(frozen=True)
class StudentIndicators:
    as_of: date
    rule_set: str
    year_to_date: PeriodIndicators
    periods: tuple[PeriodIndicators, ...]
    chronic_absent: Flag
    habitual_truant: Flag
    truant_7_302_2: Flag
    abc_attendance: Flag
    abc_behavior: Flag
    days: tuple[DayResult, ...]
    ignored: tuple[str, ...] = field(default=())  # records and actions the engine did not count, and why
    abc_course: Flag | None = None  # set by compute(); None only for results built by hand
    course_failures: int = 0  # distinct courses failed as of the date

    @property
    def flags(self) -> dict[str, Flag]:
        return {f.name: f for f in (self.chronic_absent, self.habitual_truant, self.truant_7_302_2,
                                    self.abc_attendance, self.abc_behavior, self.abc_course) if f is not None}


# --- arithmetic --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Day:
    """A scored day, in half days (0, 1 or 2): integer arithmetic keeps the thresholds exact and fast."""

    day: date
    mark: Mark
    present_h: int
    unlawful_h: int
    lawful: bool
    reason_code: str | None
    unlawful_tardy: bool

    @property
    def absent_h(self) -> int:
        return 2 - self.present_h


def _at_least(num: int, den: int, rate: Fraction) -> bool:
    """num/den >= rate, exactly (den > 0)."""
    return num * rate.denominator >= rate.numerator * den


def _num(x: Fraction) -> float:
    return float(x)


def _fmt(x: Fraction | int | float) -> str:
    return f"{float(x):g}"


def _days(x: Fraction | int | float) -> str:
    return f"{_fmt(x)} day" if x == 1 else f"{_fmt(x)} days"


def _pct(x: Fraction | float) -> str:
    return f"{float(x) * 100:.1f}%".replace(".0%", "%")


def _day(d: date) -> str:
    """A date as the district's letters and pages write it: 09/15/2025."""
    return d.strftime("%m/%d/%Y")


def _dates(days: Iterable[date], school_days: Sequence[date], limit: int = 8) -> str:
    """The days, three or more school days in a row as a run: "09/15/2025 to 09/19/2025 (5 days),
    09/23/2025". In a row means next to each other in `school_days` (the student's enrolled school days,
    sorted): a weekend or holiday between two days does not break a run, a school day does (a Saturday
    make-up day the student attended included). At most `limit` runs."""
    runs: list[list[date]] = []
    previous = -2
    for d in sorted(days):
        i = bisect.bisect_left(school_days, d)
        at = i if i < len(school_days) and school_days[i] == d else -2  # not a school day: a run of its own
        if runs and at >= 0 and at == previous + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
        previous = at
    shown = ", ".join(", ".join(map(_day, r)) if len(r) < 3 else f"{_day(r[0])} to {_day(r[-1])} ({len(r)} days)"
                      for r in runs[:limit])
    rest = sum(len(r) for r in runs[limit:])
    return shown + (f" and {rest} more day{'s' if rest != 1 else ''}" if rest else "")


def _lawful(rules: Rules, rec: AttendanceRecord) -> bool:
    if rec.mark == Mark.SUSPENSION:
        return rules.suspension_reason_code in rules.lawful_reasons
    if rec.mark == Mark.UNEXCUSED:
        return False
    # COMAR .04A: an absence, including part of a day, for a reason not listed is presumed unlawful.
    return rec.reason_code is not None and rec.reason_code in rules.lawful_reasons


def _score_day(rules: Rules, day: date, rec: AttendanceRecord | None) -> _Day:
    if rec is None:
        return _Day(day, Mark.PRESENT, 2, 0, True, None, False)
    # Compared in integers: minutes x full-day minutes against the thresholds x the day's length, so a
    # part-time schedule scales the half-day mark exactly.
    full_day = rules.full_day_minutes
    scheduled = rec.minutes_scheduled
    length = scheduled if scheduled is not None and 0 < scheduled < full_day else full_day
    minutes = rec.minutes_present
    if minutes is None:
        minutes = length if rec.mark in ATTENDING else 0
    if minutes >= length:
        present_h = 2
    elif minutes * full_day >= rules.half_day_minutes * length:
        present_h = 1
    else:
        present_h = 0
    lawful = _lawful(rules, rec)
    unlawful_h = 0 if lawful else 2 - present_h
    unlawful_tardy = rec.mark in PART_DAY and not lawful and present_h == 2
    return _Day(day, rec.mark, present_h, unlawful_h, lawful, rec.reason_code, unlawful_tardy)


def _flag(name: str, raised: bool, rules: Rules, explanation: Callable[[], str], periods: tuple[str, ...],
          dates: tuple[date, ...] = (), events: tuple[str, ...] = ()) -> Flag:
    label = rules.label
    return Flag(name, raised, label, lambda: f"{explanation()} Rule set: {label}.", periods, dates, events)


class _Where:
    """"Q1 (08/31/2026 to 11/06/2026)" for an explanation, formatted only if one is read."""

    __slots__ = ("name", "begin", "end", "through")

    def __init__(self, name: str, begin: date, end: date, through: date):
        self.name, self.begin, self.end, self.through = name, begin, end, through

    def __str__(self) -> str:
        return f"{self.name} ({_day(self.begin)} to {_day(self.end)}" + (
            ")" if self.through == self.end else f", in progress: counted through {_day(self.through)})")


class _Ledger:
    """The days a student was enrolled and counted (instructional, within an enrollment span, up to the
    as-of date), kept as a sorted date list, and the scored days that had a record (the exceptions:
    attendance data is exception-based, most days have none)."""

    def __init__(self, enrolled: list[date], exceptions: list[_Day]):
        self.enrolled = enrolled
        self.exceptions = exceptions
        self._exception_days = [d.day for d in exceptions]

    def count(self, begin: date, through: date) -> int:
        return bisect.bisect_right(self.enrolled, through) - bisect.bisect_left(self.enrolled, begin)

    def exceptions_in(self, begin: date, through: date) -> list[_Day]:
        lo = bisect.bisect_left(self._exception_days, begin)
        return self.exceptions[lo:bisect.bisect_right(self._exception_days, through)]


def _enrolled_days(school_days: list[date], enrollments: Sequence[EnrollmentSpan], as_of: date) -> list[date]:
    """The school days within any enrollment span, up to as_of: bisect slices, not a scan per day."""
    picked: list[date] = []
    for span in enrollments:
        last = as_of if span.exit is None else min(span.exit, as_of)
        if last < span.entry:
            continue
        picked.extend(school_days[bisect.bisect_left(school_days, span.entry):bisect.bisect_right(school_days, last)])
    return sorted(set(picked)) if len(enrollments) > 1 else picked


def _period(rules: Rules, *, name: str, kind: PeriodKind, begin: date, end: date, as_of: date,
            ledger: _Ledger, actions: Sequence[DisciplineAction]) -> PeriodIndicators:
    through = min(end, as_of)
    where = _Where(name, begin, end, through)
    # Days without a record are full days present: only the exceptions are summed.
    enrolled = ledger.count(begin, through)
    days = ledger.exceptions_in(begin, through)
    # In half days: a comparison of rates a/b >= n/d is a*d >= n*b, exact without Fractions.
    absent_h = sum(d.absent_h for d in days)
    enrolled_h = 2 * enrolled
    present_h = enrolled_h - absent_h
    tardy_days = [d.day for d in days if d.unlawful_tardy]
    per = rules.tardies_per_unlawful_absence
    from_tardies = len(tardy_days) // per if per else 0
    unlawful_h = sum(d.unlawful_h for d in days) + 2 * from_tardies
    absent, present, unlawful = absent_h / 2, present_h / 2, unlawful_h / 2
    absent_dates = tuple(d.day for d in days if d.absent_h)
    unlawful_dates = tuple(d.day for d in days if d.unlawful_h) + (tuple(tardy_days) if from_tardies else ())
    unlawful_dates = tuple(sorted(unlawful_dates))
    tardy_note = (f" (including {from_tardies} day(s) from {len(tardy_days)} unlawful tardies or early "
                  f"departures at {per} per day)" if from_tardies else "")

    if enrolled:
        attendance_rate: float | None = present_h / enrolled_h
        absence_rate: float | None = absent_h / enrolled_h
        # Bands grade chronic absence, so they share its minimum: under 10 days enrolled, not rated.
        band: str | None = rules.bands[0].name if enrolled >= rules.chronic_min_days_enrolled else None
        for b in rules.bands if band else ():
            if _at_least(absent_h, enrolled_h, b.min_absence_rate):
                band = b.name
    else:
        attendance_rate = absence_rate = band = None

    # Chronic absence: every absence counts; only with the minimum days enrolled.
    if enrolled < rules.chronic_min_days_enrolled:
        chronic = _flag("chronic_absent", False, rules,
                       lambda: f"Not evaluated in {where}: enrolled {enrolled} day(s), fewer than the "
                       f"{rules.chronic_min_days_enrolled} required.", (name,))
    else:
        assert absence_rate is not None
        raised = _at_least(absent_h, enrolled_h, rules.chronic_absence_rate)
        chronic = _flag("chronic_absent", raised, rules,
                       lambda raised=raised: f"{'Chronically absent' if raised else 'Not chronically absent'} in "
                       f"{where}: absent "
                       f"{_fmt(absent)} of {enrolled} days enrolled ({_pct(absence_rate)}); the threshold is "
                       f"{_pct(rules.chronic_absence_rate)} or more, every absence counting."
                       + (f" Absent on {_dates(absent_dates, ledger.enrolled)}." if raised else ""),
                       (name,), absent_dates if raised else ())

    habitual: Flag | None = None
    if kind in rules.habitual_truant_period_kinds:
        rate = rules.habitual_truant_rate
        limit = rate.numerator * enrolled / rate.denominator
        raised = enrolled > 0 and unlawful_h * rate.denominator > rate.numerator * enrolled_h
        habitual = _flag("habitual_truant", raised, rules,
                        lambda raised=raised: f"{'Habitual truant' if raised else 'Not habitual truant'} in {where}: "
                        f"unlawfully absent {_fmt(unlawful)} of {enrolled} school days enrolled{tardy_note}; "
                        f"habitual truancy is more than {_pct(rules.habitual_truant_rate)} ({_days(limit)})."
                        + (f" Unlawful absences on {_dates(unlawful_dates, ledger.enrolled)}." if raised else ""),
                        (name,), unlawful_dates if raised else ())

    truant: Flag | None = None
    if kind in rules.truant_day_limits:
        day_limit = rules.truant_day_limits[kind]
        raised = unlawful_h > 2 * day_limit
        truant = _flag("truant_7_302_2", raised, rules,
                      lambda raised=raised: f"{'Truant student' if raised else 'Not a truant student'} "
                      f"(Educ. Art. 7-302.2) in {where}: "
                      f"unlawfully absent {_days(unlawful)}{tardy_note}; the limit is more than {day_limit} "
                      f"in a {kind.replace('_', ' ')}."
                      + (f" Unlawful absences on {_dates(unlawful_dates, ledger.enrolled)}." if raised else ""),
                      (name,), unlawful_dates if raised else ())

    in_window = [a for a in actions if begin <= a.day <= through]
    suspensions = [a for a in in_window if a.kind in SUSPENSIONS]
    expulsions = [a for a in in_window if a.kind == DisciplineKind.EXPULSION]
    days_suspended = sum((Fraction(a.days) for a in suspensions), ZERO)
    removals = suspensions + expulsions
    raised = len(removals) >= rules.abc_min_suspensions
    behavior = _flag("abc_behavior", raised, rules,
                    lambda raised=raised: f"{'Behavior flag' if raised else 'No behavior flag'} in {where}: "
                    f"{len(suspensions)} "
                    f"suspension(s) ({_days(days_suspended)}) and {len(expulsions)} expulsion(s); the flag is "
                    f"{rules.abc_min_suspensions} or more.", (name,),
                    tuple(a.day for a in removals) if raised else (),
                    tuple(f"{a.kind} {a.action_id} on {_day(a.day)} ({_days(Fraction(a.days))})"
                          for a in removals) if raised else ())

    if attendance_rate is None:
        attendance = _flag("abc_attendance", False, rules, lambda: f"Not evaluated in {where}: not enrolled on any "
                                                          "school day.", (name,))
    else:
        raised = not _at_least(present_h, enrolled_h, rules.abc_attendance_rate_below)
        attendance = _flag("abc_attendance", raised, rules,
                          lambda raised=raised: f"{'Attendance flag' if raised else 'No attendance flag'} in {where}: "
                          f"present "
                          f"{_fmt(present)} of {enrolled} days ({_pct(attendance_rate)}); the flag is under "
                          f"{_pct(rules.abc_attendance_rate_below)}.", (name,), absent_dates if raised else ())

    return PeriodIndicators(
        name=name, kind=kind, begin=begin, end=end, through=through, complete=as_of >= end,
        days_enrolled=enrolled, days_present=present, days_absent=absent, days_unlawful=unlawful,
        unlawful_tardies=len(tardy_days), days_from_tardies=from_tardies,
        attendance_rate=attendance_rate, absence_rate=absence_rate, band=band,
        chronic_absent=chronic, habitual_truant=habitual, truant_7_302_2=truant,
        suspensions=len(suspensions), expulsions=len(expulsions), days_suspended=_num(days_suspended),
        abc_attendance=attendance, abc_behavior=behavior,
    )


def course_failing(rules: Rules, letter: str, numeric: Decimal | Fraction | None) -> bool:
    """A grade fails by its letter when it has one (the report card prints the letter), else by its number."""
    letter = letter.strip().upper()
    if letter:
        return letter in rules.course_failing_letter_grades
    return numeric is not None and Fraction(numeric) < rules.course_failing_numeric_below


def _grade_text(g: CourseGradeRecord) -> str:
    mark = ", ".join(x for x in (g.letter, f"{float(g.numeric):g}" if g.numeric is not None else "") if x)
    title = f" {g.course_title}" if g.course_title else ""
    return f"{g.course_code}{title} ({mark}, {g.period} {g.grade_type.casefold()} grade of {_day(g.given_on)})"


def _course_flag(rules: Rules, as_of: date, grades: Sequence[CourseGradeRecord], ytd: str) -> tuple[Flag, int]:
    """ABC course failures: distinct courses with a failing grade given by the as-of date this school year.
    Raised in the year to date (`ytd`), as the other ABC flags; the failing grades are its events."""
    given = sorted((g for g in grades if g.given_on <= as_of), key=lambda g: (g.given_on, g.course_code, g.period))
    failed = [g for g in given if course_failing(rules, g.letter, g.numeric)]
    courses = sorted({g.course_code for g in failed})
    raised = bool(given) and len(courses) >= rules.abc_min_course_failures
    if not given:
        return _flag("abc_course", False, rules, lambda: f"Not evaluated as of {_day(as_of)}: no course grades "
                                                         "given this school year (none imported).", ()), 0

    def scale() -> str:  # in the explanation, written only when read (Flag)
        letters = " or ".join(sorted(rules.course_failing_letter_grades)) or "no letter"
        return (f"a grade fails at {letters}, or under {float(rules.course_failing_numeric_below):g} where no "
                f"letter is given; the flag is {rules.abc_min_course_failures} or more failed courses")

    return _flag("abc_course", raised, rules,
                 lambda: f"{'Course failure flag' if raised else 'No course failure flag'} as of {_day(as_of)}: "
                         f"failed {len(courses)} course(s) in {len(given)} grade(s) given this year"
                         + (f": {'; '.join(_grade_text(g) for g in failed)}" if failed else "") + f"; {scale()}.",
                 (ytd,) if raised else (),
                 tuple(sorted({g.given_on for g in failed})) if raised else (),
                 tuple(_grade_text(g) for g in failed) if raised else ()), len(courses)


def _any(name: str, rule: str, flags: Sequence[Flag], none_text: str) -> Flag:
    raised = [f for f in flags if f.raised]
    if not raised:
        return Flag(name, False, rule, f"{none_text} Rule set: {rule}.")
    dates = tuple(sorted({d for f in raised for d in f.dates}))
    header = f"Raised in {', '.join(p for f in raised for p in f.periods)}."
    return Flag(name, True, rule, lambda: " ".join([header, *(f.explanation for f in raised)]),
                tuple(p for f in raised for p in f.periods), dates)


class SortedDays(tuple):
    """A school's instructional days, sorted and without duplicates: built once per school and
    passed to `compute` for every student, which then need not sort them again."""

    __slots__ = ()

    def __new__(cls, days: Iterable[date]):
        return super().__new__(cls, sorted(set(days)))


def _day_results(ledger: _Ledger) -> tuple[DayResult, ...]:
    scored = {d.day: d for d in ledger.exceptions}
    out = []
    for day in ledger.enrolled:
        d = scored.get(day)
        if d is None:
            out.append(DayResult(day, Mark.PRESENT, 1.0, 0.0, 0.0, True, None, False))
        else:
            out.append(DayResult(d.day, d.mark, d.present_h / 2, d.absent_h / 2, d.unlawful_h / 2, d.lawful,
                                 d.reason_code, d.unlawful_tardy))
    return tuple(out)


def compute(*, rules: Rules, as_of: date, calendar: Iterable[date], enrollments: Sequence[EnrollmentSpan],
            periods: Sequence[Period] = (), attendance: Sequence[AttendanceRecord] = (),
            discipline: Sequence[DisciplineAction] = (), grades: Sequence[CourseGradeRecord] = (),
            detail: bool = True) -> StudentIndicators:
    """Indicators of one student at one school, as of `as_of` (inclusive).

    `calendar` holds the school's instructional days for the year; the year to date runs from its first
    day. Periods starting after `as_of` are left out. `detail=False` leaves `days` empty (the
    day-by-day results a calendar view needs; a district recompute does not)."""
    school_days = calendar if isinstance(calendar, SortedDays) else SortedDays(calendar)
    if not school_days:
        raise ValueError("The school calendar has no instructional days.")
    ignored: list[str] = []
    by_day: dict[date, AttendanceRecord] = {}
    for rec in attendance:
        if rec.day in by_day:
            raise ValueError(f"Two attendance records for {rec.day.isoformat()}; give one record per day.")
        by_day[rec.day] = rec
    instructional = set(school_days)
    enrolled = _enrolled_days(school_days, enrollments, as_of)
    counted = set(enrolled)
    exceptions = [_score_day(rules, day, by_day[day]) for day in sorted(by_day) if day in counted]
    ledger = _Ledger(enrolled, exceptions)
    for day in sorted(set(by_day) - counted):
        if day > as_of:
            continue
        why = "not an instructional day" if day not in instructional else "not enrolled that day"
        ignored.append(f"attendance record on {_day(day)}: {why}")
    first, last = school_days[0], school_days[-1]
    for action in discipline:
        if action.day > as_of:
            continue
        if not first <= action.day <= last:
            ignored.append(f"discipline action {action.action_id} on {_day(action.day)}: outside the "
                           "school year")
    actions = [a for a in discipline if a.day <= as_of]

    ytd = _period(rules, name="Year to date", kind=PeriodKind.YEAR, begin=first, end=last, as_of=as_of,
                  ledger=ledger, actions=actions)
    results = tuple(
        _period(rules, name=p.name, kind=PeriodKind(p.kind), begin=p.begin, end=p.end, as_of=as_of, ledger=ledger,
                actions=actions)
        for p in sorted(periods, key=lambda p: (p.begin, p.end, p.name)) if p.begin <= as_of
    )
    every = (*results, ytd)
    rule = rules.label
    # A "not raised" names only the kinds of period it could look at: a school without its grading
    # periods loaded is checked on the year to date alone, and says so.
    # Kinds loaded for the school (begun or not: an August date has no quarter begun yet, but has quarters).
    kinds = {str(PeriodKind(p.kind)) for p in periods} | {str(PeriodKind.YEAR)}
    unchecked = " The school has no {} loaded, so only the limits above apply."
    terms = sorted(k.replace("_", " ") for k in rules.habitual_truant_period_kinds if k != str(PeriodKind.YEAR))
    habitual = _any("habitual_truant", rule, [r.habitual_truant for r in every if r.habitual_truant],
                    f"Not habitual truant in any {', '.join(terms)} or the year to date as of "
                    f"{_day(as_of)}: unlawful absences stayed at or under "
                    f"{_pct(rules.habitual_truant_rate)} of days enrolled in each."
                    + ("" if kinds & (rules.habitual_truant_period_kinds - {str(PeriodKind.YEAR)}) else
                       " Only the year to date was checked: the school has no marking periods or semesters loaded "
                       "(import its grading periods)."))
    limits = rules.truant_day_limits
    truant_missing = [k.replace("_", " ") for k in limits if k not in kinds]
    truant = _any("truant_7_302_2", rule, [r.truant_7_302_2 for r in every if r.truant_7_302_2],
                  f"Not a truant student (Educ. Art. 7-302.2) as of {_day(as_of)}: unlawful absences stayed "
                  f"within "
                  + ", ".join(f"{n} in a {k.replace('_', ' ')}" for k, n in limits.items() if k in kinds) + "."
                  + (unchecked.format(" or ".join(truant_missing)) if truant_missing else ""))
    course, failed = _course_flag(rules, as_of, grades, ytd.name)
    return StudentIndicators(
        as_of=as_of, rule_set=rule, year_to_date=ytd, periods=results,
        chronic_absent=ytd.chronic_absent, habitual_truant=habitual, truant_7_302_2=truant,
        abc_attendance=ytd.abc_attendance, abc_behavior=ytd.abc_behavior,
        days=_day_results(ledger) if detail else (),
        ignored=tuple(ignored), abc_course=course, course_failures=failed,
    )
