"""The ladder funnel: per school and for all the user's schools, how many students reached each step,
the median days between consecutive steps, outcomes, and habitual truancy as the state counts it.

Small cells are suppressed as on the district dashboard (reports.selectors): a count of 1 to 4 shows
"<5", and a median or outcome share over fewer than 5 students is withheld."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from casework.core import policy
from casework.indicators.models import StudentIndicator
from casework.reports.selectors import SMALL_CELL, WITHHELD
from casework.schools.models import School
from casework.students.models import Enrollment

from .choices import EventStatus
from .models import LadderEvent, LadderStep
from .services import ladder_in_force, latest_indicators, steps_of

# A count of 1 to 4 (the report hides no second cell with it, so it may say so).
SUPPRESSED = "<5"

ACTION = "ladder.report"
PETITION_KEY = "court_petition"
# MSDE's habitual-truancy count: students enrolled at least 91 days in the same school
# (maryland-pps-rules.md §1.3, "MSDE habitual-truancy reporting").
STATE_MIN_DAYS_ENROLLED = 91
OUTCOMES = (("improved", "Improved"), ("no_change", "No change"), ("petitioned", "Petitioned"),
            ("not_measured", "Not measured"))


def cell(n: int) -> str:
    return SUPPRESSED if 0 < n < SMALL_CELL else str(n)


@dataclass
class Group:
    label: str
    school_id: int | None = None
    reached: dict[str, set] = field(default_factory=lambda: defaultdict(set))  # step key -> student ids
    gaps: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # step key -> days from previous
    outcomes: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    habitual: set = field(default_factory=set)

    def count(self, key: str) -> int:
        return len(self.reached.get(key, ()))

    def median(self, key: str) -> float | None:
        days = self.gaps.get(key, [])
        return statistics.median(days) if len(days) >= SMALL_CELL else None

    def median_text(self, key: str) -> str:
        m = self.median(key)
        return WITHHELD if m is None else f"{m:g}"

    @property
    def students(self) -> int:
        return len(set().union(*self.outcomes.values())) if self.outcomes else 0


@dataclass
class Funnel:
    as_of: datetime.date
    steps: list[LadderStep]
    groups: list[Group]  # one per school, then the total
    total: Group

    def rows(self):
        """What the page and the CSV show, already suppressed."""
        for g in [*self.groups, self.total]:
            yield {
                "label": g.label, "is_total": g is self.total, "students": cell(g.students),
                "steps": [{"key": s.key, "count": cell(g.count(s.key)), "median": g.median_text(s.key) if i else ""}
                          for i, s in enumerate(self.steps)],
                "outcomes": [cell(len(g.outcomes.get(k, ()))) for k, _ in OUTCOMES],
                "habitual": cell(len(g.habitual)),
            }


def _school_of(student_ids: set[int], allowed: set[int] | None) -> dict[int, int]:
    """Each student's school for the report: the open enrollment (primary first), else the latest one;
    a school outside the user's reach is not used when one inside it exists."""
    result: dict[int, int] = {}
    rank: dict[int, tuple] = {}
    for e in Enrollment.objects.filter(student_id__in=student_ids).values("student_id", "school_id", "exit_date",
                                                                           "primary", "entry_date"):
        key = (allowed is None or e["school_id"] in allowed, e["exit_date"] is None, e["primary"], e["entry_date"])
        if e["student_id"] not in rank or key > rank[e["student_id"]]:
            rank[e["student_id"]], result[e["student_id"]] = key, e["school_id"]
    return result


def is_state_habitual(row: StudentIndicator, rate_cache: dict) -> bool:
    """Unlawfully absent on more than the rule set's share (20%) of the days enrolled, enrolled 91+ days."""
    if row.days_enrolled < STATE_MIN_DAYS_ENROLLED:
        return False
    if row.rule_set_id not in rate_cache:
        rate_cache[row.rule_set_id] = row.rule_set.rules().habitual_truant_rate
    return row.days_unlawful > float(rate_cache[row.rule_set_id]) * row.days_enrolled


def funnel(user, *, as_of: datetime.date, school_id: int | None = None) -> Funnel:
    allowed = policy.school_ids_for(user, ACTION)
    school_qs = School.objects.all().order_by("name") if allowed is None else School.objects.filter(
        pk__in=allowed).order_by("name")
    if school_id is not None:
        school_qs = school_qs.filter(pk=school_id)
    shown = {s.pk: s for s in school_qs}
    steps = steps_of(ladder_in_force(as_of))
    keys = [s.key for s in steps]

    events = list(LadderEvent.objects.for_user(user, ACTION).filter(reached_on__lte=as_of)
                  .select_related("step", "case").order_by("reached_on", "id"))
    student_school = _school_of({e.case.student_id for e in events}, allowed)
    indicators = latest_indicators(as_of, list(shown), rows=StudentIndicator.objects.for_user(user, ACTION))
    rate_now: dict[int, float] = {}
    for (student_id, _), row in indicators.items():
        if row.attendance_rate is not None:
            rate_now[student_id] = row.attendance_rate

    groups = {pk: Group(label=s.name, school_id=pk) for pk, s in shown.items()}
    total = Group(label="All schools" if allowed is None and school_id is None else "All shown schools")

    per_student: dict[int, list[LadderEvent]] = defaultdict(list)
    for e in events:
        per_student[e.case.student_id].append(e)
    for student_id, evs in per_student.items():
        school = student_school.get(student_id)
        if school not in groups:
            continue
        reached: dict[str, datetime.date] = {}
        for e in evs:
            if e.status != EventStatus.SKIPPED:
                reached.setdefault(e.step.key, e.reached_on)
        if not reached:
            continue
        first = min(evs, key=lambda e: (e.reached_on, e.id))
        petitioned = any(e.step.key == PETITION_KEY and e.status == EventStatus.DONE for e in evs)
        now = rate_now.get(student_id)
        if petitioned:
            outcome = "petitioned"
        elif now is None or first.rate_at_start is None:
            outcome = "not_measured"
        else:
            outcome = "improved" if now > first.rate_at_start else "no_change"
        for g in (groups[school], total):
            for key in reached:
                g.reached[key].add(student_id)
            for prev, key in zip(keys, keys[1:], strict=False):
                if prev in reached and key in reached and reached[key] >= reached[prev]:
                    g.gaps[key].append((reached[key] - reached[prev]).days)
            g.outcomes[outcome].add(student_id)

    rate_cache: dict = {}
    for (student_id, sid), row in indicators.items():
        if sid in groups and is_state_habitual(row, rate_cache):
            groups[sid].habitual.add((student_id, sid))
            total.habitual.add((student_id, sid))  # the state counts per school: a pair, not a child
    return Funnel(as_of=as_of, steps=steps, groups=list(groups.values()), total=total)
