"""The student's attendance calendar and running rate: pure functions over the engine's day results.

`month_grids` turns one school's instructional days, the student's enrollment spans there and the
engine's `DayResult`s into month grids (weeks Sunday to Saturday, as US school calendars print them).
Every day gets a status, a letter and a label, so the page never says something with colour alone.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from casework.rules.engine import DayResult, EnrollmentSpan, Mark


@dataclass(frozen=True)
class Status:
    key: str  # CSS class suffix and test handle
    letter: str
    label: str


PRESENT = Status("present", "P", "Present")
HALF_DAY = Status("half", "H", "Half day")
EXCUSED = Status("excused", "E", "Excused (lawful) absence")
UNLAWFUL = Status("unlawful", "U", "Unlawful absence")
TARDY = Status("tardy", "T", "Tardy")
EARLY_DEPARTURE = Status("early", "D", "Early departure")
SUSPENDED = Status("suspended", "S", "Suspended")
NOT_ENROLLED = Status("not-enrolled", "N", "Not enrolled")
NO_SCHOOL = Status("no-school", "", "No school")
# A school day after the as-of date: not a day off, and not a day present either (nothing is known yet).
UPCOMING = Status("upcoming", "", "School day not yet counted")

LEGEND = (PRESENT, HALF_DAY, EXCUSED, UNLAWFUL, TARDY, EARLY_DEPARTURE, SUSPENDED, NOT_ENROLLED, NO_SCHOOL, UPCOMING)
WEEKDAY_HEADERS = (("Sun", "Sunday"), ("Mon", "Monday"), ("Tue", "Tuesday"), ("Wed", "Wednesday"),
                   ("Thu", "Thursday"), ("Fri", "Friday"), ("Sat", "Saturday"))


@dataclass(frozen=True)
class DayCell:
    day: date
    status: Status
    note: str = ""  # e.g. "unlawful", "reason B", "in school"

    @property
    def label(self) -> str:
        return f"{self.status.label}{f' ({self.note})' if self.note else ''}"


@dataclass(frozen=True)
class MonthGrid:
    year: int
    month: int
    weeks: tuple[tuple[DayCell | None, ...], ...]  # None pads days outside the month

    @property
    def title(self) -> str:
        return f"{calendar.month_name[self.month]} {self.year}"


def day_status(result: DayResult) -> tuple[Status, str]:
    """What one enrolled instructional day was, from the engine's scoring of it."""
    reason = f"reason {result.reason_code}" if result.reason_code else ""
    if result.mark == Mark.SUSPENSION:
        return SUSPENDED, "out of school"
    if result.mark == Mark.IN_SCHOOL_SUSPENSION:
        return SUSPENDED, "in school, counted present"
    if result.present == 0.5:
        return HALF_DAY, "unlawful" if result.unlawful else ("lawful" + (f", {reason}" if reason else ""))
    if result.present == 0:
        return (UNLAWFUL, reason) if result.unlawful else (EXCUSED, reason)
    if result.mark == Mark.TARDY:
        return TARDY, "unlawful" if result.unlawful_tardy else reason
    if result.mark == Mark.EARLY_DEPARTURE:
        return EARLY_DEPARTURE, "unlawful" if result.unlawful_tardy else reason
    return PRESENT, ""


def _months(first: date, last: date) -> list[tuple[int, int]]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_grids(*, school_days: Iterable[date], enrollments: Sequence[EnrollmentSpan], days: Iterable[DayResult],
                as_of: date, first: date | None = None, last: date | None = None) -> list[MonthGrid]:
    """Month grids from `first` to `last` (default: the months of the school's first instructional day
    through the as-of date, or the last instructional day if earlier)."""
    school_days = sorted(set(school_days))
    if not school_days and (first is None or last is None):
        return []
    first = first or school_days[0]
    last = last or min(as_of, school_days[-1])
    instructional = set(school_days)
    scored = {d.day: d for d in days}
    grids = []
    cal = calendar.Calendar(firstweekday=calendar.SUNDAY)
    for year, month in _months(first, last):
        weeks = []
        for week in cal.monthdatescalendar(year, month):
            row: list[DayCell | None] = []
            for day in week:
                if day.month != month:
                    row.append(None)
                elif day not in instructional:
                    row.append(DayCell(day, NO_SCHOOL))
                elif day in scored:
                    row.append(DayCell(day, *day_status(scored[day])))
                elif day > as_of:
                    row.append(DayCell(day, UPCOMING))
                elif not any(span.covers(day) for span in enrollments):
                    row.append(DayCell(day, NOT_ENROLLED))
                else:  # enrolled but not scored: cannot happen with the engine's ledger; say so, do not guess
                    row.append(DayCell(day, UPCOMING, "not counted"))
            weeks.append(tuple(row))
        grids.append(MonthGrid(year, month, tuple(weeks)))
    return grids


@dataclass(frozen=True)
class WeekRate:
    week_of: date  # the Monday of the week
    through: date  # the last enrolled day counted
    days_enrolled: int  # cumulative
    days_present: float  # cumulative
    rate: float  # cumulative attendance rate, 0-1


def running_rate_by_week(days: Iterable[DayResult]) -> list[WeekRate]:
    """The attendance rate from the first enrolled day through the end of each week (what a PPW
    watches move towards or away from the 90% line)."""
    enrolled, present, out = 0, 0.0, []
    by_week: dict[date, list[DayResult]] = {}
    for d in sorted(days, key=lambda d: d.day):
        by_week.setdefault(d.day - timedelta(days=d.day.weekday()), []).append(d)
    for monday, week in by_week.items():
        enrolled += len(week)
        present += sum(d.present for d in week)
        out.append(WeekRate(monday, week[-1].day, enrolled, present, present / enrolled))
    return out
