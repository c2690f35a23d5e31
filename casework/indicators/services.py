"""Writes of stored indicators: one snapshot row per student x school (the year to date, with every
grading period's counts nested), written in bulk, and the flag crossings that feed the worklist."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from casework.attendance.models import AttendanceEvent
from casework.core.bulk import BulkTable
from casework.rules import engine
from casework.schools.models import School

from .inputs import indicators_as_of
from .models import YEAR_TO_DATE, FlagCrossing, Flags, StudentIndicator

_BATCH = 5000
_SCHOOLS_PER_BATCH = 25  # ~20,000 students at district scale: memory stays well under a gigabyte
_STUDENTS_PER_BATCH = 2000
_FLAGS = tuple(Flags.values)  # computed once: TextChoices.values builds a new list on every access
_PERIOD_FLAGS = ("chronic_absent", "habitual_truant", "truant_7_302_2", "abc_attendance", "abc_behavior")
_COLUMNS = ("student_id", "school_id", "as_of", "period_key", "period_kind", "rule_set_id", "calendar_method",
            "days_enrolled", "days_absent", "days_unlawful", "attendance_rate", "band", *_FLAGS, "suspensions",
            "values")


def _flag(fl: engine.Flag | None, explain: bool = True) -> dict | None:
    """A raised student-level flag keeps its explanation (which names the periods and dates); period
    flags and lowered flags only say raised or not. The student's attendance tab recomputes every
    explanation live, so the district snapshot stays small."""
    if fl is None:
        return None
    if not fl.raised or not explain:
        return {"raised": fl.raised}
    return {"raised": True, "explanation": fl.explanation, "periods": list(fl.periods)}


def period_values(p: engine.PeriodIndicators, explain: bool = True) -> dict:
    return {
        "name": p.name, "kind": str(p.kind), "begin": p.begin.isoformat(), "end": p.end.isoformat(),
        "through": p.through.isoformat(), "complete": p.complete, "days_enrolled": p.days_enrolled,
        "days_present": p.days_present, "days_absent": p.days_absent, "days_unlawful": p.days_unlawful,
        "attendance_rate": p.attendance_rate, "absence_rate": p.absence_rate, "band": p.band,
        "suspensions": p.suspensions, "expulsions": p.expulsions, "days_suspended": p.days_suspended,
        **{name: _flag(getattr(p, name), explain) for name in _PERIOD_FLAGS},
    }


def default_as_of() -> date:
    """The date stored indicators are counted through when none is given: today, or the last day with
    any attendance recorded when that is earlier (an SIS extract taken last Friday counts through last
    Friday, not through days whose absences are not in yet)."""
    today = timezone.localdate()
    latest = AttendanceEvent.objects.filter(date__lte=today).aggregate(latest=Max("date"))["latest"]
    return min(today, latest) if latest else today


@dataclass(frozen=True)
class Recomputed:
    pairs: int  # student x school results
    rows: int  # stored rows (one per student x school)
    crossed: int = 0  # flags newly raised since the previous recompute
    cleared: int = 0  # flags lowered since the previous recompute


@transaction.atomic
def indicators_recompute(*, as_of: date, school_ids: Iterable[int] | None = None,
                         student_ids: Iterable[int] | None = None) -> Recomputed:
    """Recompute and store indicators as of `as_of`: in full for the given schools (every school when
    None), or only for the given students (after an import changed their data).

    The store holds one snapshot per student x school, the latest recompute's: the rows it covers are
    replaced. The row is the year to date; its columns carry the student-level flags (habitual truancy
    in any period, 7-302.2 in any quarter, semester or the year) and `values["periods"]` each grading
    period's counts and flags. Flags raised since the previous snapshot open a FlagCrossing (the PPW's
    worklist); flags lowered clear it. A recompute as of a date before the previous snapshot leaves the
    crossings alone. A full recompute works through the schools a batch at a time (bounded memory), all
    in one transaction: an error anywhere leaves the previous snapshot in place."""
    student_ids = None if student_ids is None else list(student_ids)
    if school_ids is None:
        school_ids_all = list(School.objects.order_by("pk").values_list("pk", flat=True))
    else:
        school_ids_all = list(school_ids)
    if student_ids is None:
        batches = [(school_ids_all[i:i + _SCHOOLS_PER_BATCH], None)
                   for i in range(0, len(school_ids_all), _SCHOOLS_PER_BATCH)]
    else:  # a few thousand ids per IN list: SQLite caps the parameters of one statement
        ids = sorted(set(student_ids))
        batches = [(school_ids_all, ids[i:i + _STUDENTS_PER_BATCH]) for i in range(0, len(ids), _STUDENTS_PER_BATCH)]
    total = Recomputed(pairs=0, rows=0)
    table = BulkTable(StudentIndicator, _COLUMNS, now=timezone.now())
    with _gc_paused():
        for schools, students in batches:
            done = _recompute_batch(as_of=as_of, school_ids=schools, student_ids=students, table=table)
            total = Recomputed(*(a + b for a, b in zip(astuple(total), astuple(done), strict=True)))
    if student_ids is None and school_ids is None:
        # A full recompute records the dashboard's summaries of that date. Not a partial one: the
        # dashboard reads the latest date's summaries as the whole district.
        from casework.reports.services import summaries_record  # reports reads indicators: import here

        summaries_record(as_of=as_of)
    return total


@contextmanager
def _gc_paused():
    """The cyclic garbage collector off while results pile up: with a million live objects its repeated
    full passes cost 3x the computation itself (measured at district scale). Nothing here makes cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _recompute_batch(*, as_of: date, school_ids: list[int], student_ids: list[int] | None,
                     table: BulkTable) -> Recomputed:
    inputs, results = indicators_as_of(as_of=as_of, school_ids=school_ids, student_ids=student_ids, detail=False)
    stale = StudentIndicator.objects.filter(school_id__in=list(inputs.calendars))
    open_crossings = FlagCrossing.objects.open().filter(school_id__in=list(inputs.calendars))
    if student_ids is not None:
        stale = stale.filter(student_id__in=student_ids)
        open_crossings = open_crossings.filter(student_id__in=student_ids)
    previous = stale.aggregate(latest=Max("as_of"))["latest"]
    stale._raw_delete(stale.db)  # derived rows, nothing cascades from them: no per-row collection
    year_kind = str(engine.PeriodKind.YEAR)
    rows: list[tuple] = []
    raised: dict[tuple[int, int, str], engine.Flag] = {}
    stored = 0
    for r in results:
        res = r.result
        ytd, flags = res.year_to_date, res.flags
        values = period_values(ytd, explain=False)
        values.update({name: _flag(fl) for name, fl in flags.items()})
        values["periods"] = [period_values(p, explain=False) for p in res.periods]
        values["ignored"] = list(res.ignored) + list(r.notes)
        raised_here = tuple(flags[name].raised for name in _FLAGS)
        rows.append((r.student_pk, r.school_pk, as_of, YEAR_TO_DATE, year_kind, inputs.ruleset.pk, r.calendar_method,
                     ytd.days_enrolled, ytd.days_absent, ytd.days_unlawful, ytd.attendance_rate, ytd.band or "",
                     *raised_here, ytd.suspensions, json.dumps(values, separators=(",", ":"))))
        for name, up in zip(_FLAGS, raised_here, strict=True):
            if up:
                raised[(r.student_pk, r.school_pk, name)] = flags[name]
        if len(rows) >= _BATCH:
            stored += len(table.insert(rows))
            rows = []
    stored += len(table.insert(rows))
    crossed = cleared = 0
    if previous is None or as_of >= previous:
        still_open, lowered = set(), []
        for pk, student, school, flag in open_crossings.values_list("pk", "student_id", "school_id", "flag"):
            if (student, school, flag) in raised:
                still_open.add((student, school, flag))
            else:
                lowered.append(pk)
        for start in range(0, len(lowered), _BATCH):
            cleared += FlagCrossing.objects.filter(pk__in=lowered[start:start + _BATCH]).update(cleared_on=as_of)
        new = [FlagCrossing(student_id=student, school_id=school, flag=flag, crossed_on=as_of,
                            rule_set_id=inputs.ruleset.pk, explanation=fl.explanation[:2000])
               for (student, school, flag), fl in raised.items() if (student, school, flag) not in still_open]
        FlagCrossing.objects.bulk_create(new, batch_size=1000)
        crossed = len(new)
    return Recomputed(pairs=len(results), rows=stored, crossed=crossed, cleared=cleared)
