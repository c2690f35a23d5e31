"""Writes of stored indicators."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from casework.rules import engine

from .inputs import indicators_as_of
from .models import YEAR_TO_DATE, StudentIndicator

_BATCH = 2000


def period_values(p: engine.PeriodIndicators) -> dict:
    def flag(fl: engine.Flag | None):
        return None if fl is None else {"raised": fl.raised, "explanation": fl.explanation,
                                        "periods": list(fl.periods), "dates": [d.isoformat() for d in fl.dates]}

    return {
        "name": p.name, "kind": str(p.kind), "begin": p.begin.isoformat(), "end": p.end.isoformat(),
        "through": p.through.isoformat(), "complete": p.complete, "days_enrolled": p.days_enrolled,
        "days_present": p.days_present, "days_absent": p.days_absent, "days_unlawful": p.days_unlawful,
        "attendance_rate": p.attendance_rate, "absence_rate": p.absence_rate, "band": p.band,
        "chronic_absent": flag(p.chronic_absent), "habitual_truant": flag(p.habitual_truant),
        "truant_7_302_2": flag(p.truant_7_302_2), "suspensions": p.suspensions, "expulsions": p.expulsions,
        "days_suspended": p.days_suspended, "abc_attendance": flag(p.abc_attendance),
        "abc_behavior": flag(p.abc_behavior),
    }


@dataclass(frozen=True)
class Recomputed:
    pairs: int  # student x school results
    rows: int  # stored rows (one per period and the year to date)


@transaction.atomic
def indicators_recompute(*, as_of: date, school_ids: Iterable[int] | None = None,
                         student_ids: Iterable[int] | None = None) -> Recomputed:
    """Recompute and store indicators as of `as_of`: in full for the given schools (every school when
    None), or only for the given students (after an import changed their data). Replaces the rows it
    covers; the year-to-date row also carries the student-level flags (habitual truancy in any period)."""
    school_ids = None if school_ids is None else list(school_ids)
    student_ids = None if student_ids is None else list(student_ids)
    inputs, results = indicators_as_of(as_of=as_of, school_ids=school_ids, student_ids=student_ids)
    stale = StudentIndicator.objects.filter(as_of=as_of, school_id__in=list(inputs.calendars))
    if student_ids is not None:
        stale = stale.filter(student_id__in=student_ids)
    stale.delete()
    rows = []
    for r in results:
        res = r.result
        ytd = period_values(res.year_to_date)
        ytd["student_flags"] = {name: {"raised": fl.raised, "explanation": fl.explanation,
                                       "periods": list(fl.periods)} for name, fl in res.flags.items()}
        ytd["ignored"] = list(res.ignored) + list(r.notes)
        common = {"student_id": r.student_pk, "school_id": r.school_pk, "as_of": as_of,
                  "rule_set_id": inputs.ruleset.pk, "calendar_method": r.calendar_method}
        rows.append(StudentIndicator(period_key=YEAR_TO_DATE, period_kind=str(engine.PeriodKind.YEAR),
                                     values=ytd, **common))
        seen = {YEAR_TO_DATE}
        for p in res.periods:
            key = p.name if p.name not in seen else f"{p.name} ({p.kind})"  # two periods sharing a name
            seen.add(key)
            rows.append(StudentIndicator(period_key=key, period_kind=str(p.kind), values=period_values(p), **common))
    StudentIndicator.objects.bulk_create(rows, batch_size=_BATCH)
    return Recomputed(pairs=len(results), rows=len(rows))
