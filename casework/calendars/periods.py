"""The periods a school's year is judged in: its grading periods, and semesters or trimesters taken from
its sessions when no grading period of that kind was sent.

Ed-Fi carries semesters as Sessions (TermDescriptor "Fall Semester", "Spring Semester") with quarters as
GradingPeriods, the usual export. COMAR 13A.08.01.04C judges habitual truancy in "any marking period,
semester, or year" and Educ. Art. §7-302.2 counts "more than 15 days in a semester", so a semester the SIS
sent as a session counts as one; OneRoster bundles, which send both, are not counted twice."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from .models import GradingPeriod, Session

# Ed-Fi TermDescriptor code values (and what SIS exports write) -> the period kind a session of that
# term stands for. Summer terms are outside the school year's attendance rules.
_TERM_KINDS = (("trimester", "trimester"), ("semester", "semester"))


@dataclass(frozen=True)
class SchoolPeriod:
    kind: str  # calendars.PeriodKind value
    name: str
    begin: date
    end: date


def _term_kind(term: str, name: str) -> str | None:
    text = f"{term} {name}".casefold()
    if "summer" in text:
        return None
    return next((kind for word, kind in _TERM_KINDS if word in text), None)


def periods_by_school(school_ids, year_start: date, year_end: date) -> dict[int, list[SchoolPeriod]]:
    """Each school's periods overlapping [year_start, year_end], ordered by begin, end and name."""
    periods: dict[int, list[SchoolPeriod]] = defaultdict(list)
    ids = list(school_ids)
    for sid, kind, seq, name, begin, end in (
        GradingPeriod.objects.filter(school_id__in=ids, begin__lte=year_end, end__gte=year_start)
        .order_by("school_id", "begin", "end", "kind", "sequence")
        .values_list("school_id", "kind", "sequence", "name", "begin", "end")
    ):
        periods[sid].append(SchoolPeriod(kind, name or f"{kind.replace('_', ' ').title()} {seq}", begin, end))
    sent = {sid: {p.kind for p in ps} for sid, ps in periods.items()}
    for sid, term, name, begin, end in (
        Session.objects.filter(school_id__in=ids, begin__lte=year_end, end__gte=year_start)
        .order_by("school_id", "begin", "end", "name").values_list("school_id", "term", "name", "begin", "end")
    ):
        kind = _term_kind(term, name)
        if kind and kind not in sent.get(sid, ()):
            periods[sid].append(SchoolPeriod(kind, name, begin, end))
    for sid in periods:
        periods[sid].sort(key=lambda p: (p.begin, p.end, p.name))
    return periods
