"""THE calendar service: which days are school days, and school-day arithmetic.

Every count of school days in Casework (days enrolled, deadlines in school days, the attendance
calendar) comes from here. One database query per call, however long the range.

How a day is decided, per school:

- a day inside a session whose calendar arrived as **periods with day counts** (and inside no session
  whose dates were listed) is a school day when it is a weekday not listed as a day off, or when it is
  listed as an instructional or make-up day (a Saturday make-up day counts);
- any other day (inside a **dates listed** session, or outside every session) is a school day only when
  the calendar lists it as an instructional, make-up or short day.
- where no session covers a day, a grading period with a day count stands in for one (a SIS may send
  only grading periods with begin, end and TotalInstructionalDays).

The result says which method it used ("dates_listed", "periods_with_counts", "mixed" or "none"), so an
indicator can record it, and notes where a session's declared day count disagrees with the days found.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, CharField, Exists, F, IntegerField, OuterRef, Value, When

from .choices import INSTRUCTIONAL_KINDS, LISTED_DATES_SIGN, CalendarSource
from .models import CalendarDate, GradingPeriod, Session

DATES_LISTED = CalendarSource.DATES_LISTED.value
PERIODS_WITH_COUNTS = CalendarSource.PERIODS_WITH_COUNTS.value
MIXED = "mixed"
NONE = "none"

_SEARCH_LIMIT_DAYS = 3 * 366  # add_school_days gives up past three years: the calendar is missing


class CalendarError(ValueError):
    """The calendar cannot answer (e.g. it has no school days that far ahead)."""


class SchoolDays(list):
    """Instructional days in date order (a plain list of dates), plus how they were decided."""

    def __init__(self, days: Iterable[date] = (), *, method: str = NONE, notes: Iterable[str] = (),
                 mismatches: Iterable[tuple[int, int]] = ()):
        super().__init__(days)
        self.method = method
        self.notes = tuple(notes)
        self.mismatches = dict(mismatches)  # session pk -> days found, where the declared count differs

    def __repr__(self) -> str:
        return f"SchoolDays({len(self)} days, method={self.method!r})"


@dataclass(frozen=True)
class _Session:
    pk: int
    begin: date
    end: date
    source: str
    declared: int | None
    name: str = ""


def _school_id(school) -> int:
    return school if isinstance(school, int) else school.pk


def _rows(school_ids: list[int], start: date, end: date):
    """Sessions and listed dates of the schools that touch [start, end], in one UNION query.

    Row: (row kind "s"/"g"/"d", school id, begin, end, source or day kind, declared total, pk, name)."""
    sessions = (
        Session.objects.filter(school_id__in=school_ids, begin__lte=end, end__gte=start)
        .order_by()
        .annotate(c0=Value("s"), c1=F("school_id"), c2=F("begin"), c3=F("end"), c4=F("calendar_source"),
                  c5=F("total_instructional_days"), c6=F("pk"), c7=F("name"))
        .values_list("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7")
    )
    # Grading periods with a day count stand in for sessions where a SIS sent no session at all.
    periods = (
        GradingPeriod.objects.filter(school_id__in=school_ids, begin__lte=end, end__gte=start,
                                     total_instructional_days__isnull=False)
        .order_by()
        .annotate(c0=Value("g"), c1=F("school_id"), c2=F("begin"), c3=F("end"),
                  # decided over the period's whole span, whatever range is asked for, as a session is
                  c4=Case(When(Exists(CalendarDate.objects.filter(
                      school_id=OuterRef("school_id"), date__gte=OuterRef("begin"), date__lte=OuterRef("end"),
                      kind=LISTED_DATES_SIGN)), then=Value(DATES_LISTED)),
                      default=Value(PERIODS_WITH_COUNTS), output_field=CharField()),
                  c5=F("total_instructional_days"), c6=F("pk"), c7=F("name"))
        .values_list("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7")
    )
    dates = (
        CalendarDate.objects.filter(school_id__in=school_ids, date__gte=start, date__lte=end)
        .order_by()
        .annotate(c0=Value("d"), c1=F("school_id"), c2=F("date"), c3=F("date"), c4=F("kind"),
                  c5=Value(None, output_field=IntegerField()), c6=Value(None, output_field=IntegerField()),
                  c7=Value("", output_field=CharField()))
        .values_list("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7")
    )
    return sessions.union(periods, dates, all=True)


def _decide(sessions: list[_Session], listed: dict[date, str], start: date, end: date,
            periods: list[_Session] = ()) -> SchoolDays:
    days: list[date] = []
    methods: set[str] = set()
    sessions = sorted(sessions, key=lambda s: s.begin)
    # A grading period counts like a session only on days no session covers (its source comes decided
    # from _rows, as Session.calendar_source is at import).
    day = start
    while day <= end:
        covering = [s for s in sessions if s.begin <= day <= s.end] or \
            [g for g in periods if g.begin <= day <= g.end]
        kind = listed.get(day)
        by_periods = bool(covering) and all(s.source == PERIODS_WITH_COUNTS for s in covering)
        if by_periods:
            methods.add(PERIODS_WITH_COUNTS)
            school_day = kind in INSTRUCTIONAL_KINDS if kind is not None else day.weekday() < 5
        else:
            if covering or kind is not None:
                methods.add(DATES_LISTED)
            school_day = kind in INSTRUCTIONAL_KINDS
        if school_day:
            days.append(day)
        day += timedelta(days=1)

    notes, mismatches = [], []
    for s in sessions:
        if s.declared is not None and start <= s.begin and s.end <= end:
            found = sum(1 for d in days if s.begin <= d <= s.end)
            if found != s.declared:
                how = "listed instructional dates" if s.source == DATES_LISTED else "weekdays minus listed days off"
                notes.append(f"Session {s.name or s.pk} ({s.begin.isoformat()} to {s.end.isoformat()}) declares "
                             f"{s.declared} instructional days; its {how} give {found}.")
                mismatches.append((s.pk, found))
    method = MIXED if len(methods) > 1 else next(iter(methods), NONE)
    return SchoolDays(days, method=method, notes=notes, mismatches=mismatches)


def instructional_days_by_school(school_ids: Iterable[int], start: date, end: date) -> dict[int, SchoolDays]:
    """Instructional days of many schools over [start, end] (both inclusive), in one query."""
    ids = sorted({_school_id(s) for s in school_ids})
    if end < start:
        return {sid: SchoolDays() for sid in ids}
    sessions: dict[int, list[_Session]] = defaultdict(list)
    periods: dict[int, list[_Session]] = defaultdict(list)
    listed: dict[int, dict[date, str]] = defaultdict(dict)
    for row_kind, school_id, begin, finish, what, declared, pk, name in _rows(ids, start, end):
        if row_kind == "s":
            sessions[school_id].append(_Session(pk, begin, finish, what, declared, name))
        elif row_kind == "g":
            periods[school_id].append(_Session(pk, begin, finish, what, declared, name))
        else:
            listed[school_id][begin] = what
    return {sid: _decide(sessions[sid], listed[sid], start, end, periods[sid]) for sid in ids}


def instructional_days(school, start: date, end: date) -> SchoolDays:
    """The school's instructional days from `start` to `end`, both inclusive, in date order.

    A list of dates; `.method` says how they were decided and `.notes` any disagreement with the
    day counts the SIS declared."""
    sid = _school_id(school)
    return instructional_days_by_school([sid], start, end)[sid]


def school_days_between(school, start: date, end: date) -> int:
    """How many school days fall from `start` to `end`, both inclusive (0 when end < start)."""
    return len(instructional_days(school, start, end))


def is_school_day(school, day: date) -> bool:
    return bool(instructional_days(school, day, day))


def add_school_days(school, start: date, n: int) -> date:
    """The school day `n` school days after `start` (`start` itself not counted); n < 0 counts back.

    n = 0 returns `start` unchanged. "Within 5 school days of a complaint received on Friday" is
    add_school_days(school, friday, 5). One query unless the calendar has a very long break."""
    if n == 0:
        return start
    span = abs(n) * 2 + 45  # covers winter and spring breaks in the first query
    while True:
        if n > 0:
            days = instructional_days(school, start + timedelta(days=1), start + timedelta(days=span))
            if len(days) >= n:
                return days[n - 1]
        else:
            days = instructional_days(school, start - timedelta(days=span), start - timedelta(days=1))
            if len(days) >= -n:
                return days[n]
        if span >= _SEARCH_LIMIT_DAYS:
            direction = "after" if n > 0 else "before"
            raise CalendarError(f"School {_school_id(school)} has fewer than {abs(n)} school days in the three "
                                f"years {direction} {start.isoformat()}; is its calendar imported?")
        span = min(span * 4, _SEARCH_LIMIT_DAYS)


def declared_day_mismatches(school_ids: Iterable[int]) -> list[str]:
    """For a data steward after a calendar import: each session of these schools whose declared day count
    (Ed-Fi TotalInstructionalDays) differs from the school days Casework finds in it. A session sent as
    periods with day counts and no days off listed counts every weekday, holidays included, which lowers
    every absence rate; this is where that shows. Only the latest school year's sessions. One query for the
    sessions, one for the days."""
    sessions = list(Session.objects.filter(school_id__in=list(school_ids), total_instructional_days__isnull=False)
                    .select_related("school").order_by("school__code", "begin", "name"))
    if not sessions:
        return []
    latest = max(s.school_year for s in sessions)  # last year's sessions are not re-reported every run
    sessions = [s for s in sessions if s.school_year == latest]
    days = instructional_days_by_school({s.school_id for s in sessions}, min(s.begin for s in sessions),
                                        max(s.end for s in sessions))
    out = []
    for s in sessions:
        found = days[s.school_id].mismatches.get(s.pk)  # _decide compared them
        if found is None:
            continue
        if s.calendar_source == PERIODS_WITH_COUNTS:
            how = "its weekdays minus the days off listed so far give"
            fix = ("List the session's days off (holidays, breaks) as calendar dates, or Casework counts them as "
                   "school days.")
        else:
            how = "its listed instructional dates give"
            fix = "Check that every instructional date of the session is listed."
        out.append(f"School {s.school.code}, session {s.name} ({s.begin.isoformat()} to {s.end.isoformat()}) "
                   f"declares {s.total_instructional_days} instructional days; {how} {found}. {fix}")
    return out
