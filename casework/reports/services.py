"""Writes of the district summaries (SchoolGradeSummary).

Counting, the same in both paths:
- `students`: students with a year-to-date result at the school (one per student x school);
- `students_counted`: those enrolled at least the rule set's minimum days for chronic absence
  (`chronic_min_days_enrolled`, 10 in Maryland's default). Every count below is among them, so each
  rate is a count over `students_counted`;
- `chronic`, `habitual`, `truant_7_302_2`: the student-level flags (habitual truancy in any period,
  7-302.2 in any quarter, semester or the year);
- `bands`: students counted per attendance band; `mean_attendance_rate`: their mean year-to-date rate.
The grade is the student's current grade.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Avg, Count, Q

from casework.indicators.inputs import IndicatorError, indicators_as_of
from casework.indicators.models import StudentIndicator
from casework.rules.models import RuleSet
from casework.rules.selectors import ruleset_in_force
from casework.students.models import Student

from .models import SchoolGradeSummary


class SummaryError(ValueError):
    """The summaries cannot be recorded; the message says why."""


@dataclass
class _Tally:
    students: int = 0
    counted: int = 0
    chronic: int = 0
    habitual: int = 0
    truant: int = 0
    rate_sum: float = 0.0
    bands: dict[str, int] = field(default_factory=dict)

    def add(self, *, days_enrolled: int, rate: float | None, band: str | None, chronic: bool, habitual: bool,
            truant: bool, min_days: int) -> None:
        self.students += 1
        if days_enrolled < min_days:
            return
        self.counted += 1
        self.chronic += chronic
        self.habitual += habitual
        self.truant += truant
        self.rate_sum += rate or 0.0
        if band:
            self.bands[band] = self.bands.get(band, 0) + 1


def _rules(as_of: date, ruleset: RuleSet | None = None) -> tuple[RuleSet, int, list[str]]:
    if ruleset is None:
        try:
            ruleset = ruleset_in_force(as_of)
        except ImproperlyConfigured as exc:
            raise SummaryError(f"No rule set is in force on {as_of.isoformat()}: {exc}") from None
    rules = ruleset.rules()
    return ruleset, rules.chronic_min_days_enrolled, [b.name for b in rules.bands]


def _replace(*, as_of: date, school_ids: list[int] | None, rows: list[SchoolGradeSummary]) -> int:
    stale = SchoolGradeSummary.objects.filter(as_of=as_of)
    if school_ids is not None:
        stale = stale.filter(school_id__in=school_ids)
    stale.delete()
    SchoolGradeSummary.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@transaction.atomic
def summaries_record(*, as_of: date, school_ids: Iterable[int] | None = None, counted_at: datetime | None = None,
                     ruleset: RuleSet | None = None) -> int:
    """Record the summaries as of `as_of` from the stored year-to-date indicators of that date (the end
    of a full recompute), in one aggregate query. Replaces what was recorded for that date and those
    schools. Returns the number of school x grade rows.

    A full recompute passes the rule set it counted under and when it read it (`counted_at`): the rows
    are dated then, not at the end, so a rule edit saved while it ran shows as later than the count
    (indicators.services.rules_changed_since_full_recompute)."""
    school_ids = None if school_ids is None else list(school_ids)
    ruleset, min_days, band_names = _rules(as_of, ruleset)
    counted = Q(days_enrolled__gte=min_days)
    qs = StudentIndicator.objects.year_to_date().filter(as_of=as_of)
    if school_ids is not None:
        qs = qs.filter(school_id__in=school_ids)
    bands = {f"band_{i}": Count("id", filter=counted & Q(band=name)) for i, name in enumerate(band_names)}
    aggregates = (
        qs.order_by().values("school_id", "student__grade").annotate(
            n=Count("id"), counted=Count("id", filter=counted),
            chronic=Count("id", filter=counted & Q(chronic_absent=True)),
            habitual=Count("id", filter=counted & Q(habitual_truant=True)),
            truant=Count("id", filter=counted & Q(truant_7_302_2=True)),
            mean=Avg("attendance_rate", filter=counted), **bands)
    )
    rows = [
        SchoolGradeSummary(
            as_of=as_of, school_id=a["school_id"], grade=a["student__grade"], rule_set=ruleset,
            source=SchoolGradeSummary.Source.RECOMPUTE, students=a["n"], students_counted=a["counted"],
            chronic=a["chronic"], habitual=a["habitual"], truant_7_302_2=a["truant"],
            bands={name: a[f"band_{i}"] for i, name in enumerate(band_names) if a[f"band_{i}"]},
            mean_attendance_rate=a["mean"])
        for a in aggregates
    ]
    written = _replace(as_of=as_of, school_ids=school_ids, rows=rows)
    if counted_at is not None:  # created_at is auto_now_add: set after the insert
        written_now = SchoolGradeSummary.objects.filter(as_of=as_of)
        if school_ids is not None:
            written_now = written_now.filter(school_id__in=school_ids)
        written_now.update(created_at=counted_at)
    return written


def _summaries_computed(*, as_of: date, school_ids: list[int] | None) -> tuple[list[SchoolGradeSummary], RuleSet]:
    """The same counts from indicators computed in memory (nothing stored but the summaries). Schools without
    a calendar are left out when others have one, as the recompute leaves them out."""
    inputs, results = indicators_as_of(as_of=as_of, school_ids=school_ids, leave_out_uncalendared=school_ids is None)
    min_days = inputs.rules.chronic_min_days_enrolled
    grades = dict(Student.objects.filter(pk__in={r.student_pk for r in results}).values_list("pk", "grade"))
    tallies: dict[tuple[int, str], _Tally] = defaultdict(_Tally)
    for r in results:
        ytd = r.result.year_to_date
        tallies[(r.school_pk, grades[r.student_pk])].add(
            days_enrolled=ytd.days_enrolled, rate=ytd.attendance_rate, band=ytd.band,
            chronic=r.result.chronic_absent.raised, habitual=r.result.habitual_truant.raised,
            truant=r.result.truant_7_302_2.raised, min_days=min_days)
    rows = [
        SchoolGradeSummary(
            as_of=as_of, school_id=school, grade=grade, rule_set=inputs.ruleset,
            source=SchoolGradeSummary.Source.BACKFILL, students=t.students, students_counted=t.counted,
            chronic=t.chronic, habitual=t.habitual, truant_7_302_2=t.truant, bands=t.bands,
            mean_attendance_rate=(t.rate_sum / t.counted) if t.counted else None)
        for (school, grade), t in sorted(tallies.items())
    ]
    return rows, inputs.ruleset


@dataclass(frozen=True)
class Backfilled:
    dates: list[date]  # recorded
    skipped: list[str]  # "YYYY-MM-DD: why", e.g. no calendar in the summer
    rows: int


def backfill_dates(start: date, end: date, every_days: int = 7) -> list[date]:
    """start, start + every_days, ..., and `end` itself (the trend reaches the last date asked for)."""
    if every_days < 1:
        raise SummaryError("The interval must be at least one day.")
    if end < start:
        raise SummaryError(f"The end date {end.isoformat()} is before the start date {start.isoformat()}.")
    out, day = [], start
    while day <= end:
        out.append(day)
        day += timedelta(days=every_days)
    if out[-1] != end:
        out.append(end)
    return out


def summaries_backfill(*, start: date, end: date, every_days: int = 7,
                       school_ids: Iterable[int] | None = None) -> Backfilled:
    """Record summaries for every `every_days` from `start` to `end`, computing the indicators of each
    date in memory, so the dashboard has a trend from the first day of school. Each date is its own
    transaction; a date that cannot be computed (no calendar yet) is skipped and reported."""
    school_ids = None if school_ids is None else list(school_ids)
    recorded, skipped, total = [], [], 0
    for day in backfill_dates(start, end, every_days):
        try:
            with transaction.atomic():
                rows, _ = _summaries_computed(as_of=day, school_ids=school_ids)
                total += _replace(as_of=day, school_ids=school_ids, rows=rows)
        except IndicatorError as exc:
            skipped.append(f"{day.isoformat()}: {exc}")
            continue
        recorded.append(day)
    return Backfilled(recorded, skipped, total)
