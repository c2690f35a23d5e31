"""Reads behind the early-warning list, its exports and the PPW's worklist. Every row comes through
for_user; the list is one query for the page's rows (student joined, flags and case as subqueries)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from casework.cases.models import Case as PpsCase
from casework.core import policy
from casework.rules.models import RuleSet
from casework.rules.selectors import ruleset_in_force
from casework.schools.models import School
from casework.students.choices import Grade
from casework.students.models import Enrollment, Student

from .forms import ABC_ANY
from .models import YEAR_TO_DATE, FlagCrossing, Flags, StudentIndicator

LIST_ACTION = "indicators.view"

# Grades in school order (PK, KG, 1..12, ungraded), not the codes' alphabetical order.
_GRADE_ORDER = Case(*(When(student__grade=g, then=Value(i)) for i, g in enumerate(Grade.values)),
                    default=Value(len(Grade.values)), output_field=IntegerField())
_UNRATED_LAST = Case(When(band="", then=Value(1)), default=Value(0), output_field=IntegerField())
_NAME = ("student__search_text",)  # folded "last first ...": García sorts with Garcia
SORTS: dict[str, tuple] = {
    # A student not rated (no band: under the minimum days enrolled) is listed after every rated one
    # either way, so five days of absence do not head the list above a chronic case.
    "rate": (_UNRATED_LAST.asc(), F("attendance_rate").asc(nulls_last=True), *_NAME),
    "-rate": (_UNRATED_LAST.asc(), F("attendance_rate").desc(nulls_last=True), *_NAME),
    "unlawful": ("-days_unlawful", *_NAME),
    "absent": ("-days_absent", *_NAME),
    "suspensions": ("-suspensions", *_NAME),
    "name": _NAME,
    "-name": tuple(f"-{n}" for n in _NAME),
    "grade": (_GRADE_ORDER.asc(), *_NAME),
    "-grade": (_GRADE_ORDER.desc(), *_NAME),
}


def school_for(user, code: str, action: str = LIST_ACTION) -> School:
    """The school if the user's roles reach it for `action`; School.DoesNotExist otherwise (the view's 404)."""
    return School.objects.for_user(user, action).get(code=code)


def schools_for(user, action: str = LIST_ACTION) -> QuerySet[School]:
    return School.objects.for_user(user, action).filter(active=True).order_by("name")


@dataclass(frozen=True)
class SchoolOverview:
    """One school's line on the school picker: the students its list holds and how many carry each flag
    (as the list's flag filter counts them)."""

    students: int = 0
    rated: int = 0  # enrolled at least the rule set's minimum days: they have a band
    chronic: int = 0
    habitual: int = 0
    truant: int = 0
    alerted: int | None = None  # students with alerts on the worklist; None when the user has no worklist

    @property
    def chronic_rate(self) -> str:
        """Chronically absent over the students rated, as MSDE and the dashboard count it."""
        return f"{self.chronic / self.rated * 100:.1f}%" if self.rated else ""


def school_overview(user, schools: list[School]) -> dict[int, SchoolOverview]:
    """Per school, the counts of its stored year-to-date indicators and of the students its worklist holds:
    one aggregate query each, through the same scope as the list and the worklist."""
    ids = [s.pk for s in schools]
    counts = (StudentIndicator.objects.for_user(user, LIST_ACTION).filter(school_id__in=ids, period_key=YEAR_TO_DATE)
              .order_by().values("school_id").annotate(
                  students=Count("pk"), rated=Count("pk", filter=~Q(band="")),
                  chronic=Count("pk", filter=Q(chronic_absent=True)),
                  habitual=Count("pk", filter=Q(habitual_truant=True)),
                  truant=Count("pk", filter=Q(truant_7_302_2=True))))
    alerted: dict[int, int] | None = None
    if policy.has_action(user, "worklist.view"):
        alerted = dict(_worklist_alerts(user, None, {}).filter(school_id__in=ids).order_by().values("school_id")
                       .annotate(n=Count("student_id", distinct=True)).values_list("school_id", "n"))
    by_school = {c.pop("school_id"): c for c in counts}
    return {pk: SchoolOverview(**by_school.get(pk, {}), alerted=None if alerted is None else alerted.get(pk, 0))
            for pk in ids}


@dataclass(frozen=True)
class Snapshot:
    """What the school's stored year-to-date indicators are: when they were counted, under which rules."""

    first_as_of: datetime.date | None
    as_of: datetime.date | None
    rule_set: RuleSet | None

    @property
    def bands(self) -> list[tuple[str, str]]:
        rules = self.rule_set.rules() if self.rule_set else None
        return [(b.name, b.label) for b in rules.bands] if rules else []


def school_indicators(user, school: School) -> QuerySet[StudentIndicator]:
    return StudentIndicator.objects.for_user(user, LIST_ACTION).filter(school=school, period_key=YEAR_TO_DATE)


def snapshot_of(user, school: School) -> Snapshot:
    # Two LIMIT 1 reads along the (school, as_of) index: an aggregate would visit every row of the school.
    rows = school_indicators(user, school)
    latest = rows.order_by("-as_of").values("as_of", "rule_set_id").first()
    first = rows.order_by("as_of").values_list("as_of", flat=True).first()
    rule_set = None
    if latest is not None:
        rule_set = RuleSet.objects.for_user(user, "rules.view").filter(pk=latest["rule_set_id"]).first()
    if rule_set is None:
        rule_set = ruleset_in_force(timezone.localdate())  # no snapshot yet: the bands still list
    return Snapshot(first, latest["as_of"] if latest else None, rule_set)


def early_warning_rows(user, school: School, *, filters: dict, sort: str = "rate") -> QuerySet[StudentIndicator]:
    """The school's students with a year-to-date indicator, filtered and sorted; each row carries
    `has_open_case` (None when the user may not see cases), `new_since` (the latest crossed_on of
    the student's open, unacknowledged crossings here: what the worklist shows) and `left_on` (the exit
    date when every enrollment here ended before today, else None)."""
    crossings = FlagCrossing.objects.for_user(user, LIST_ACTION).open().filter(
        student_id=OuterRef("student_id"), school_id=OuterRef("school_id"))
    unacknowledged = crossings.filter(acknowledged_at__isnull=True).order_by("-crossed_on").values("crossed_on")[:1]
    # The exit date of the student's latest enrollment here, when it has one: a PPW keeps a child who left
    # on the list for a while (the scope's grace period), and the list says so.
    latest_here = Enrollment.objects.filter(student_id=OuterRef("student_id"), school_id=OuterRef("school_id"))
    left_on = latest_here.order_by(F("exit_date").desc(nulls_first=True), "-entry_date").values("exit_date")[:1]
    qs = (school_indicators(user, school).select_related("student").defer("values")
          .annotate(new_since=Subquery(unacknowledged), last_exit_here=Subquery(left_on))
          # An exit still ahead (a term's end date sent as the exit, a withdrawal dated ahead) is not a leaver.
          .annotate(left_on=Case(When(last_exit_here__lt=timezone.localdate(), then=F("last_exit_here")),
                                 default=Value(None), output_field=DateField())))
    show_cases = policy.has_action(user, "case.view")
    if show_cases:
        cases = PpsCase.objects.for_user(user, "case.view").open().filter(student_id=OuterRef("student_id"))
        qs = qs.annotate(has_open_case=Exists(cases))
    else:
        qs = qs.annotate(has_open_case=Value(None, output_field=IntegerField()))

    if grade := filters.get("grade"):
        qs = qs.filter(student__grade=grade)
    if band := filters.get("band"):
        qs = qs.filter(band="" if band == "none" else band)
    if flag := filters.get("flag"):
        any_abc = Q(abc_attendance=True) | Q(abc_behavior=True) | Q(abc_course=True)
        qs = qs.filter(any_abc) if flag == ABC_ANY else qs.filter(**{flag: True})
    if since := filters.get("crossed_since"):
        qs = qs.filter(Exists(crossings.filter(crossed_on__gte=since)))
    if show_cases and (open_case := filters.get("open_case")):
        qs = qs.filter(has_open_case=(open_case == "yes"))
    return qs.order_by(*SORTS.get(sort, SORTS["rate"]), "student_id")


# Flags in the order the rules list them (chronic absence first), not the codes' alphabetical order.
_FLAG_ORDER = Case(*(When(flag=f, then=Value(i)) for i, f in enumerate(Flags.values)),
                   default=Value(len(Flags.values)), output_field=IntegerField())
_WORKLIST_NAME = ("school_name", "student_name")
# The worklist lists students (one row per student x school, all their open alerts in it), so its sorts
# are on each student's alerts taken together: the newest or oldest crossing, the most serious flag.
WORKLIST_SORTS: dict[str, tuple] = {
    "newest": ("-latest", *_WORKLIST_NAME),
    "oldest": ("earliest", *_WORKLIST_NAME),
    "school": _WORKLIST_NAME,
    "flag": ("top_flag", "-latest", *_WORKLIST_NAME),
}


def _worklist_alerts(user, school: School | None, filters: dict) -> QuerySet[FlagCrossing]:
    """Open crossings nobody has acknowledged in the user's schools, narrowed by every filter but the flag."""
    qs = FlagCrossing.objects.for_user(user, "worklist.view").open().filter(acknowledged_at__isnull=True)
    if school is not None:
        qs = qs.filter(school=school)
    if grade := filters.get("grade"):
        qs = qs.filter(student__grade=grade)
    if since := filters.get("crossed_since"):
        qs = qs.filter(crossed_on__gte=since)
    return qs


def worklist_alerts(user) -> QuerySet[FlagCrossing]:
    """Every alert the worklist holds for `user`, newest first (My Day groups them by student itself)."""
    return (_worklist_alerts(user, None, {}).select_related("student", "school")
            .order_by("-crossed_on", "school__name", "student__search_text", "flag", "pk"))


def _listed_alerts(user, school: School | None, filters: dict) -> QuerySet[FlagCrossing]:
    qs = _worklist_alerts(user, school, filters)
    return qs.filter(flag=flag) if (flag := filters.get("flag")) else qs


def worklist_students(user, *, school: School | None = None, filters: dict | None = None,
                      sort: str = "newest") -> QuerySet:
    """One row per student x school with open alerts nobody has acknowledged, filtered by flag, grade (the
    student's current grade) and crossed-since date: {student_id, school_id, latest, earliest, alerts}.
    `worklist_fill` adds the alerts themselves for one page of these."""
    qs = _listed_alerts(user, school, filters or {}).order_by()
    groups = qs.values("student_id", "school_id").annotate(
        school_name=F("school__name"), student_name=F("student__search_text"), latest=Max("crossed_on"),
        earliest=Min("crossed_on"), top_flag=Min(_FLAG_ORDER), alerts=Count("pk"))
    return groups.order_by(*WORKLIST_SORTS.get(sort, WORKLIST_SORTS["newest"]), "student_id", "school_id")


def worklist_student_count(user, *, school: School | None = None, filters: dict | None = None) -> int:
    """How many rows `worklist_students` holds, counted over the alerts alone: its own COUNT would join
    every alert's student and school first (the names it sorts by), three times the work at district scale."""
    return _listed_alerts(user, school, filters or {}).order_by().values("student_id", "school_id").distinct().count()


@dataclass
class StudentAlerts:
    """One worklist row: a student at a school and their open alerts there."""

    student: Student
    school: School
    crossings: list[FlagCrossing]
    crossed_on: datetime.date  # the date the sort went by: the oldest alert's when oldest first, else the newest


def worklist_fill(user, groups, *, school: School | None = None, filters: dict | None = None,
                  sort: str = "newest") -> list[StudentAlerts]:
    """The alerts of one page of `worklist_students` rows, in one query: by the rules' flag order under
    the flag sort, oldest first under the oldest-first sort, otherwise newest first."""
    groups = list(groups)
    if not groups:
        return []
    within = {"flag": (_FLAG_ORDER.asc(), "-crossed_on"), "oldest": ("crossed_on", _FLAG_ORDER.asc())}.get(
        sort, ("-crossed_on", _FLAG_ORDER.asc()))
    found: dict[tuple[int, int], list[FlagCrossing]] = {(g["student_id"], g["school_id"]): [] for g in groups}
    for c in (_listed_alerts(user, school, filters or {}).select_related("student", "school")
              .filter(student_id__in={g["student_id"] for g in groups}, school_id__in={g["school_id"] for g in groups})
              .order_by(*within, "pk")):
        if (c.student_id, c.school_id) in found:
            found[(c.student_id, c.school_id)].append(c)
    by = "earliest" if sort == "oldest" else "latest"
    return [StudentAlerts(alerts[0].student, alerts[0].school, alerts, g[by])
            for g, alerts in zip(groups, found.values(), strict=True) if alerts]


def worklist_flag_counts(user, *, school: School | None = None, filters: dict | None = None) -> dict[str, int]:
    """How many alerts each flag would list under the other filters: one aggregate query."""
    qs = _worklist_alerts(user, school, filters or {})
    return qs.aggregate(**{f: Count("pk", filter=Q(flag=f)) for f in Flags.values})
