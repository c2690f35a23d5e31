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

import enum
from collections.abc import Iterable, Mapping, Sequence
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


# --- outputs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """A yes/no indicator with its reasons. Always explains itself, raised or not."""

    name: str
    raised: bool
    rule: str
    explanation: str
    periods: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()
    events: tuple[str, ...] = ()

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

    @property
    def flags(self) -> dict[str, Flag]:
        return {f.name: f for f in (self.chronic_absent, self.habitual_truant, self.truant_7_302_2,
                                    self.abc_attendance, self.abc_behavior)}


# --- arithmetic --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Day:
    day: date
    mark: Mark
    present: Fraction
    unlawful: Fraction
    lawful: bool
    reason_code: str | None
    unlawful_tardy: bool

    @property
    def absent(self) -> Fraction:
        return ONE - self.present


def _num(x: Fraction) -> float:
    return float(x)


def _fmt(x: Fraction | int | float) -> str:
    return f"{float(x):g}"


def _pct(x: Fraction) -> str:
    return f"{float(x) * 100:.1f}%".replace(".0%", "%")


def _dates(days: Iterable[date], limit: int = 12) -> str:
    days = list(days)
    shown = ", ".join(d.isoformat() for d in days[:limit])
    return shown + (f" and {len(days) - limit} more" if len(days) > limit else "")


def _lawful(rules: Rules, rec: AttendanceRecord) -> bool:
    if rec.mark == Mark.SUSPENSION:
        return rules.suspension_reason_code in rules.lawful_reasons
    if rec.mark == Mark.UNEXCUSED:
        return False
    # COMAR .04A: an absence, including part of a day, for a reason not listed is presumed unlawful.
    return rec.reason_code is not None and rec.reason_code in rules.lawful_reasons


def _score_day(rules: Rules, day: date, rec: AttendanceRecord | None) -> _Day:
    if rec is None:
        return _Day(day, Mark.PRESENT, ONE, ZERO, True, None, False)
    full, half = Fraction(rules.full_day_minutes), Fraction(rules.half_day_minutes)
    if rec.minutes_scheduled is not None and 0 < rec.minutes_scheduled < rules.full_day_minutes:
        # Scheduled for less than a full day: counted by scheduled time, the half-day mark scaled alike.
        full = Fraction(rec.minutes_scheduled)
        half = full * rules.half_day_minutes / rules.full_day_minutes
    if rec.minutes_present is None:
        minutes = full if rec.mark in ATTENDING else ZERO
    else:
        minutes = Fraction(rec.minutes_present)
    present = ONE if minutes >= full else HALF if minutes >= half else ZERO
    lawful = _lawful(rules, rec)
    unlawful = ZERO if lawful else ONE - present
    unlawful_tardy = rec.mark in PART_DAY and not lawful and present == ONE
    return _Day(day, rec.mark, present, unlawful, lawful, rec.reason_code, unlawful_tardy)


def _band(rules: Rules, absence_rate: Fraction) -> str:
    name = rules.bands[0].name
    for band in rules.bands:
        if absence_rate >= band.min_absence_rate:
            name = band.name
    return name


def _flag(name: str, raised: bool, rules: Rules, explanation: str, periods: tuple[str, ...],
          dates: tuple[date, ...] = (), events: tuple[str, ...] = ()) -> Flag:
    return Flag(name, raised, rules.label, f"{explanation} Rule set: {rules.label}.", periods, dates, events)


def _period(rules: Rules, *, name: str, kind: PeriodKind, begin: date, end: date, as_of: date,
            ledger: Sequence[_Day], actions: Sequence[DisciplineAction]) -> PeriodIndicators:
    through = min(end, as_of)
    days = [d for d in ledger if begin <= d.day <= through]
    where = f"{name} ({begin.isoformat()} to {end.isoformat()}" + (
        ")" if through == end else f", in progress: counted through {through.isoformat()})")
    enrolled = len(days)
    present = sum((d.present for d in days), ZERO)
    absent = enrolled - present
    unlawful_absence = sum((d.unlawful for d in days), ZERO)
    tardy_days = [d.day for d in days if d.unlawful_tardy]
    per = rules.tardies_per_unlawful_absence
    from_tardies = len(tardy_days) // per if per else 0
    unlawful = unlawful_absence + from_tardies
    absent_dates = tuple(d.day for d in days if d.absent)
    unlawful_dates = tuple(d.day for d in days if d.unlawful) + (tuple(tardy_days) if from_tardies else ())
    unlawful_dates = tuple(sorted(unlawful_dates))
    tardy_note = (f" (including {from_tardies} day(s) from {len(tardy_days)} unlawful tardies or early "
                  f"departures at {per} per day)" if from_tardies else "")

    if enrolled:
        attendance_rate: Fraction | None = present / enrolled
        absence_rate: Fraction | None = absent / enrolled
    else:
        attendance_rate = absence_rate = None
    band = _band(rules, absence_rate) if absence_rate is not None else None

    # Chronic absence: every absence counts; only with the minimum days enrolled.
    if enrolled < rules.chronic_min_days_enrolled:
        chronic = _flag("chronic_absent", False, rules,
                       f"Not evaluated in {where}: enrolled {enrolled} day(s), fewer than the "
                       f"{rules.chronic_min_days_enrolled} required.", (name,))
    else:
        assert absence_rate is not None
        raised = absence_rate >= rules.chronic_absence_rate
        chronic = _flag("chronic_absent", raised, rules,
                       f"{'Chronically absent' if raised else 'Not chronically absent'} in {where}: absent "
                       f"{_fmt(absent)} of {enrolled} days enrolled ({_pct(absence_rate)}); the threshold is "
                       f"{_pct(rules.chronic_absence_rate)} or more, every absence counting."
                       + (f" Absent on {_dates(absent_dates)}." if raised else ""),
                       (name,), absent_dates if raised else ())

    habitual: Flag | None = None
    if kind in rules.habitual_truant_period_kinds:
        limit = rules.habitual_truant_rate * enrolled
        raised = enrolled > 0 and unlawful > limit
        habitual = _flag("habitual_truant", raised, rules,
                        f"{'Habitual truant' if raised else 'Not habitual truant'} in {where}: unlawfully absent "
                        f"{_fmt(unlawful)} of {enrolled} school days enrolled{tardy_note}; habitual truancy is "
                        f"more than {_pct(rules.habitual_truant_rate)} ({_fmt(limit)} days)."
                        + (f" Unlawful absences on {_dates(unlawful_dates)}." if raised else ""),
                        (name,), unlawful_dates if raised else ())

    truant: Flag | None = None
    if kind in rules.truant_day_limits:
        day_limit = rules.truant_day_limits[kind]
        raised = unlawful > day_limit
        truant = _flag("truant_7_302_2", raised, rules,
                      f"{'Truant student' if raised else 'Not a truant student'} (Educ. Art. 7-302.2) in {where}: "
                      f"unlawfully absent {_fmt(unlawful)} days{tardy_note}; the limit is more than {day_limit} "
                      f"in a {kind.replace('_', ' ')}."
                      + (f" Unlawful absences on {_dates(unlawful_dates)}." if raised else ""),
                      (name,), unlawful_dates if raised else ())

    in_window = [a for a in actions if begin <= a.day <= through]
    suspensions = [a for a in in_window if a.kind in SUSPENSIONS]
    expulsions = [a for a in in_window if a.kind == DisciplineKind.EXPULSION]
    days_suspended = sum((Fraction(a.days) for a in suspensions), ZERO)
    removals = suspensions + expulsions
    raised = len(removals) >= rules.abc_min_suspensions
    behavior = _flag("abc_behavior", raised, rules,
                    f"{'Behavior flag' if raised else 'No behavior flag'} in {where}: {len(suspensions)} "
                    f"suspension(s) ({_fmt(days_suspended)} days) and {len(expulsions)} expulsion(s); the flag is "
                    f"{rules.abc_min_suspensions} or more.", (name,),
                    tuple(a.day for a in removals) if raised else (),
                    tuple(f"{a.kind} {a.action_id} on {a.day.isoformat()} ({_fmt(Fraction(a.days))} days)"
                          for a in removals) if raised else ())

    if attendance_rate is None:
        attendance = _flag("abc_attendance", False, rules, f"Not evaluated in {where}: not enrolled on any "
                                                          "school day.", (name,))
    else:
        raised = attendance_rate < rules.abc_attendance_rate_below
        attendance = _flag("abc_attendance", raised, rules,
                          f"{'Attendance flag' if raised else 'No attendance flag'} in {where}: present "
                          f"{_fmt(present)} of {enrolled} days ({_pct(attendance_rate)}); the flag is under "
                          f"{_pct(rules.abc_attendance_rate_below)}.", (name,), absent_dates if raised else ())

    return PeriodIndicators(
        name=name, kind=kind, begin=begin, end=end, through=through, complete=as_of >= end,
        days_enrolled=enrolled, days_present=_num(present), days_absent=_num(absent), days_unlawful=_num(unlawful),
        unlawful_tardies=len(tardy_days), days_from_tardies=from_tardies,
        attendance_rate=_num(attendance_rate) if attendance_rate is not None else None,
        absence_rate=_num(absence_rate) if absence_rate is not None else None, band=band,
        chronic_absent=chronic, habitual_truant=habitual, truant_7_302_2=truant,
        suspensions=len(suspensions), expulsions=len(expulsions), days_suspended=_num(days_suspended),
        abc_attendance=attendance, abc_behavior=behavior,
    )


def _any(name: str, rule: str, flags: Sequence[Flag], none_text: str) -> Flag:
    raised = [f for f in flags if f.raised]
    if not raised:
        return Flag(name, False, rule, f"{none_text} Rule set: {rule}.")
    dates = tuple(sorted({d for f in raised for d in f.dates}))
    header = f"Raised in {', '.join(p for f in raised for p in f.periods)}."
    return Flag(name, True, rule, " ".join([header, *(f.explanation for f in raised)]),
                tuple(p for f in raised for p in f.periods), dates)


def compute(*, rules: Rules, as_of: date, calendar: Iterable[date], enrollments: Sequence[EnrollmentSpan],
            periods: Sequence[Period] = (), attendance: Sequence[AttendanceRecord] = (),
            discipline: Sequence[DisciplineAction] = ()) -> StudentIndicators:
    """Indicators of one student at one school, as of `as_of` (inclusive).

    `calendar` holds the school's instructional days for the year; the year to date runs from its first
    day. Periods starting after `as_of` are left out."""
    school_days = sorted(set(calendar))
    if not school_days:
        raise ValueError("The school calendar has no instructional days.")
    ignored: list[str] = []
    by_day: dict[date, AttendanceRecord] = {}
    for rec in attendance:
        if rec.day in by_day:
            raise ValueError(f"Two attendance records for {rec.day.isoformat()}; give one record per day.")
        by_day[rec.day] = rec
    instructional = set(school_days)
    ledger: list[_Day] = []
    for day in school_days:
        if day > as_of or not any(span.covers(day) for span in enrollments):
            continue
        ledger.append(_score_day(rules, day, by_day.get(day)))
    counted = {d.day for d in ledger}
    for day in sorted(set(by_day) - counted):
        if day > as_of:
            continue
        why = "not an instructional day" if day not in instructional else "not enrolled that day"
        ignored.append(f"attendance record on {day.isoformat()}: {why}")
    first, last = school_days[0], school_days[-1]
    for action in discipline:
        if action.day > as_of:
            continue
        if not first <= action.day <= last:
            ignored.append(f"discipline action {action.action_id} on {action.day.isoformat()}: outside the "
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
    habitual = _any("habitual_truant", rule, [r.habitual_truant for r in every if r.habitual_truant],
                    f"Not habitual truant in any marking period, semester or the year to date as of "
                    f"{as_of.isoformat()}: unlawful absences stayed at or under "
                    f"{_pct(rules.habitual_truant_rate)} of days enrolled in each.")
    truant = _any("truant_7_302_2", rule, [r.truant_7_302_2 for r in every if r.truant_7_302_2],
                  f"Not a truant student (Educ. Art. 7-302.2) as of {as_of.isoformat()}: unlawful absences stayed "
                  f"within "
                  + ", ".join(f"{n} in a {k.replace('_', ' ')}" for k, n in rules.truant_day_limits.items()) + ".")
    return StudentIndicators(
        as_of=as_of, rule_set=rule, year_to_date=ytd, periods=results,
        chronic_absent=ytd.chronic_absent, habitual_truant=habitual, truant_7_302_2=truant,
        abc_attendance=ytd.abc_attendance, abc_behavior=ytd.abc_behavior,
        days=tuple(DayResult(d.day, d.mark, _num(d.present), _num(d.absent), _num(d.unlawful), d.lawful,
                             d.reason_code, d.unlawful_tardy) for d in ledger),
        ignored=tuple(ignored),
    )
