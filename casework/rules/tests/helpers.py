"""A small synthetic school year for hand-computed engine tests.

School A: 160 instructional weekdays from Monday 2025-09-01, four 40-day quarters (Q1 = days 0-39,
Q2 = 40-79, Q3 = 80-119, Q4 = 120-159), semesters of 80 days, a 160-day year. `day(i)` is the i-th
instructional day (0-based), so the arithmetic in the tests counts days, not dates."""

from __future__ import annotations

import datetime
from typing import Any

from casework.rules import definition
from casework.rules.engine import AttendanceRecord, Mark, Period, PeriodKind, Rules

D = datetime.date
START = D(2025, 9, 1)


def weekdays(start: datetime.date, n: int, skip: frozenset[datetime.date] = frozenset()) -> list[datetime.date]:
    days: list[datetime.date] = []
    d = start
    while len(days) < n:
        if d.weekday() < 5 and d not in skip:
            days.append(d)
        d += datetime.timedelta(days=1)
    return days


CALENDAR = weekdays(START, 160)


def day(i: int) -> datetime.date:
    return CALENDAR[i]


def periods(calendar: list[datetime.date] = CALENDAR) -> list[Period]:
    c = calendar
    return [
        Period("Q1", PeriodKind.QUARTER, c[0], c[39]),
        Period("Q2", PeriodKind.QUARTER, c[40], c[79]),
        Period("Q3", PeriodKind.QUARTER, c[80], c[119]),
        Period("Q4", PeriodKind.QUARTER, c[120], c[159]),
        Period("S1", PeriodKind.SEMESTER, c[0], c[79]),
        Period("S2", PeriodKind.SEMESTER, c[80], c[159]),
        Period("2025-26", PeriodKind.YEAR, c[0], c[159]),
    ]


def shipped_values() -> dict[str, Any]:
    return definition.load_shipped("maryland-2026.2.json")["values"]


def rules(**changes: Any) -> Rules:
    """The shipped Maryland rules, with some values changed (a district's copy)."""
    values = shipped_values()
    for key, v in changes.items():
        values[key] = {**values.get(key, {"source": "District grading policy (test)"}), "value": v}
    return Rules.from_values(name="Maryland default" if not changes else "Test district",
                             version="2026.2", values=values)


MD = rules()


def absent(i: int, reason: str | None = None) -> AttendanceRecord:
    mark = Mark.EXCUSED if reason else Mark.UNEXCUSED
    return AttendanceRecord(day(i), mark, reason_code=reason)


def half_unlawful(i: int) -> AttendanceRecord:
    """Left after 3 hours without a lawful reason: half day present, half day unlawful."""
    return AttendanceRecord(day(i), Mark.EARLY_DEPARTURE, minutes_present=180)
