"""Is the as-of day's attendance all there? Absences come as exceptions, so a day whose file held only
some students' records counts every other student present on it, and a recompute through that day lowers
their flags without anyone acknowledging it. These checks name such a day before a PPW relies on it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count

from casework.attendance.models import AttendanceEvent
from casework.calendars.schooldays import NONE, instructional_days_by_school
from casework.schools.models import School

WINDOW = timedelta(days=28)  # the usual day is the median of the four weeks before
MIN_DAYS = 5  # fewer days of history tell nothing
MIN_USUAL = 10  # a school with fewer records on a usual day varies too much to judge one day
NAMED = 5  # schools named in the message; the rest are counted

_ADVICE = ("Absences come as exceptions, so every student without a record that day counts as present: if the SIS "
           "file held only some students or schools, import the full extract, or recompute as of the day before.")


def _median(values: list[int]) -> int:
    values = sorted(values)
    return values[len(values) // 2]


def thin_last_day(as_of: date) -> str:
    """A warning when `as_of` holds far fewer attendance records than a usual day of the four weeks before
    (under a tenth of the median): for the schools that have classes that day as a whole, or, when their
    day looks whole, for one of them (its file missing among many)."""
    per_school: dict[int, dict[date, int]] = defaultdict(dict)
    rows = (AttendanceEvent.objects.filter(date__gt=as_of - WINDOW, date__lte=as_of).order_by()
            .values("school_id", "date").annotate(n=Count("pk")).values_list("school_id", "date", "n"))
    for school_id, day, n in rows:
        per_school[school_id][day] = n
    if not any(as_of in days for days in per_school.values()):
        return ""  # no record at all: a weekend or holiday given as the as-of date
    # Judge the day by the schools in session on it (a Saturday make-up day at a few schools is not thin);
    # schools without a calendar this year are judged with the rest.
    calendars = instructional_days_by_school(per_school, as_of, as_of)
    open_ids = [sid for sid, days in calendars.items() if as_of in days or days.method == NONE] or list(per_school)
    district: dict[date, int] = defaultdict(int)
    for sid in open_ids:
        for day, n in per_school[sid].items():
            district[day] += n
    last = district.get(as_of, 0)
    before = [n for day, n in district.items() if day < as_of]
    if len(before) < MIN_DAYS:
        return ""
    when = as_of.strftime("%m/%d/%Y")
    if last * 10 < (usual := _median(before)):
        return (f"Check the attendance for {when}: it has {last} record(s), against about {usual} on a usual day "
                f"of the four weeks before. {_ADVICE}")
    return _thin_schools(as_of, when, {sid: per_school[sid] for sid in open_ids if as_of in calendars[sid]})


def _thin_schools(as_of: date, when: str, per_school: dict[int, dict[date, int]]) -> str:
    """Schools with classes on `as_of` whose own day is thin."""
    thin: dict[int, tuple[int, int]] = {}
    for school_id, days in per_school.items():
        before = [n for day, n in days.items() if day < as_of]
        if len(before) >= MIN_DAYS and (usual := _median(before)) >= MIN_USUAL and days.get(as_of, 0) * 10 < usual:
            thin[school_id] = (days.get(as_of, 0), usual)
    if not thin:
        return ""
    codes = dict(School.objects.filter(pk__in=thin).values_list("pk", "code"))
    named = sorted(thin, key=lambda sid: codes[sid])
    listed = "; ".join(f"{codes[sid]}: {thin[sid][0]} record(s), about {thin[sid][1]} usually" for sid in named[:NAMED])
    more = f"; and {len(named) - NAMED} more school(s)" if len(named) > NAMED else ""
    return (f"Check the attendance for {when} at {len(named)} school(s) that have classes that day but far fewer "
            f"records than on a usual day of the four weeks before ({listed}{more}). {_ADVICE}")
