"""Writes of stored indicators."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from casework.attendance.models import AttendanceEvent
from casework.rules import engine

from .inputs import indicators_as_of
from .models import YEAR_TO_DATE, FlagCrossing, Flags, StudentIndicator

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


def _columns(p: engine.PeriodIndicators, flags: dict[str, engine.Flag | None]) -> dict:
    """The values lists filter and sort on, as columns."""
    return {
        "days_enrolled": p.days_enrolled, "days_absent": p.days_absent, "days_unlawful": p.days_unlawful,
        "attendance_rate": p.attendance_rate, "band": p.band or "", "suspensions": p.suspensions,
        **{name: bool(flags.get(name) and flags[name].raised) for name in Flags.values},
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
    rows: int  # stored rows (one per period and the year to date)
    crossed: int = 0  # flags newly raised since the previous recompute
    cleared: int = 0  # flags lowered since the previous recompute


@transaction.atomic
def indicators_recompute(*, as_of: date, school_ids: Iterable[int] | None = None,
                         student_ids: Iterable[int] | None = None) -> Recomputed:
    """Recompute and store indicators as of `as_of`: in full for the given schools (every school when
    None), or only for the given students (after an import changed their data).

    The store holds one snapshot per student x school, the latest recompute's: the rows it covers are
    replaced. The year-to-date row also carries the student-level flags (habitual truancy in any period).
    Flags raised since the previous snapshot open a FlagCrossing (the PPW's worklist); flags lowered clear
    it. A recompute as of a date before the previous snapshot leaves the crossings alone."""
    school_ids = None if school_ids is None else list(school_ids)
    student_ids = None if student_ids is None else list(student_ids)
    inputs, results = indicators_as_of(as_of=as_of, school_ids=school_ids, student_ids=student_ids, detail=False)
    stale = StudentIndicator.objects.filter(school_id__in=list(inputs.calendars))
    open_crossings = FlagCrossing.objects.open().filter(school_id__in=list(inputs.calendars))
    if student_ids is not None:
        stale = stale.filter(student_id__in=student_ids)
        open_crossings = open_crossings.filter(student_id__in=student_ids)
    previous = max((d for d in stale.values_list("as_of", flat=True).distinct()), default=None)
    stale.delete()
    rows = []
    raised: dict[tuple[int, int, str], engine.Flag] = {}
    for r in results:
        res = r.result
        ytd = period_values(res.year_to_date)
        ytd["student_flags"] = {name: {"raised": fl.raised, "explanation": fl.explanation,
                                       "periods": list(fl.periods)} for name, fl in res.flags.items()}
        ytd["ignored"] = list(res.ignored) + list(r.notes)
        common = {"student_id": r.student_pk, "school_id": r.school_pk, "as_of": as_of,
                  "rule_set_id": inputs.ruleset.pk, "calendar_method": r.calendar_method}
        rows.append(StudentIndicator(period_key=YEAR_TO_DATE, period_kind=str(engine.PeriodKind.YEAR),
                                     values=ytd, **_columns(res.year_to_date, res.flags), **common))
        for name, fl in res.flags.items():
            if fl.raised and name in Flags.values:
                raised[(r.student_pk, r.school_pk, name)] = fl
        seen = {YEAR_TO_DATE}
        for p in res.periods:
            key = p.name if p.name not in seen else f"{p.name} ({p.kind})"  # two periods sharing a name
            seen.add(key)
            flags = {"chronic_absent": p.chronic_absent, "habitual_truant": p.habitual_truant,
                     "truant_7_302_2": p.truant_7_302_2, "abc_attendance": p.abc_attendance,
                     "abc_behavior": p.abc_behavior}
            rows.append(StudentIndicator(period_key=key, period_kind=str(p.kind), values=period_values(p),
                                         **_columns(p, flags), **common))
    StudentIndicator.objects.bulk_create(rows, batch_size=_BATCH)
    crossed = cleared = 0
    if previous is None or as_of >= previous:
        still_open, lowered = set(), []
        for pk, student, school, flag in open_crossings.values_list("pk", "student_id", "school_id", "flag"):
            if (student, school, flag) in raised:
                still_open.add((student, school, flag))
            else:
                lowered.append(pk)
        cleared = FlagCrossing.objects.filter(pk__in=lowered).update(cleared_on=as_of) if lowered else 0
        new = [FlagCrossing(student_id=student, school_id=school, flag=flag, crossed_on=as_of,
                            rule_set_id=inputs.ruleset.pk, explanation=fl.explanation[:2000])
               for (student, school, flag), fl in raised.items() if (student, school, flag) not in still_open]
        FlagCrossing.objects.bulk_create(new, batch_size=_BATCH)
        crossed = len(new)
    return Recomputed(pairs=len(results), rows=len(rows), crossed=crossed, cleared=cleared)
