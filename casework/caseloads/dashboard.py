"""The director's caseload dashboard: open cases per PPW and per school, by type and age, overdue tasks,
and each PPW's load weighted by case type against the district average. A handful of grouped queries
(one per table), never one per PPW."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from casework.accounts.models import RoleAssignment
from casework.cases.choices import CaseType
from casework.cases.models import Case
from casework.core.roles import Role
from casework.schools.models import School
from casework.students.models import Enrollment
from casework.tasks.models import Task

from .models import CaseloadWeight

ACTION = "caseload.view"
# (label, lowest age in days, highest or None): "0-30" means opened 0 to 30 days ago.
AGE_BANDS = (("0–30 days", 0, 30), ("31–90 days", 31, 90), ("91–180 days", 91, 180), ("Over 180 days", 181, None))
ONE = Decimal("1.00")


def age_band(opened_on: datetime.date, today: datetime.date) -> int:
    """Index into AGE_BANDS of a case opened on `opened_on` (a future date counts as new)."""
    age = (today - opened_on).days
    return next(i for i, (_label, _low, high) in enumerate(AGE_BANDS) if high is None or age <= high)


@dataclass
class Row:
    """One PPW (or one school, or "unassigned"): counts by type and by age band."""

    key: int | None
    label: str
    open_cases: int = 0
    by_type: Counter = field(default_factory=Counter)
    by_age: list = field(default_factory=lambda: [0] * len(AGE_BANDS))
    weighted: Decimal = Decimal("0")
    overdue_tasks: int = 0
    is_ppw: bool = True

    def vs_average(self, average: Decimal) -> Decimal:
        return self.weighted - average


@dataclass
class Dashboard:
    today: datetime.date
    ppws: list[Row]
    unassigned: Row
    schools: list[Row]
    types: list[tuple[str, str, Decimal, int]]  # (value, label, weight, open cases)
    ages: list[tuple[str, int]]
    total_open: int
    average_weighted: Decimal  # over the PPWs with at least one open case (`counted`)
    weights: dict[str, Decimal]
    counted: int = 0  # PPWs in the average
    available: list[Row] = field(default_factory=list)  # PPWs with no open case: they can take more


def weights_for(user) -> dict[str, Decimal]:
    """Every case type's weight; a type missing from the table counts 1."""
    stored = dict(CaseloadWeight.objects.for_user(user, ACTION).values_list("case_type", "weight"))
    return {t: stored.get(t, ONE) for t in CaseType.values}


def _school_of_student():
    """The school a case counts at: the student's open enrollment (primary first, then the latest)."""
    return Subquery(Enrollment.objects.filter(student_id=OuterRef("student_id"), exit_date__isnull=True)
                    .order_by("-primary", "-entry_date", "-pk").values("school_id")[:1])


def build(user, *, today: datetime.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    weights = weights_for(user)
    grouped = (Case.objects.for_user(user, ACTION).open().order_by()
               .annotate(school_id=_school_of_student())
               .values("owner_id", "case_type", "school_id", "opened_on").annotate(n=Count("id")))
    overdue = dict(Task.objects.for_user(user, ACTION).open().filter(due_on__lt=today, assignee__isnull=False)
                   .order_by().values("assignee_id").annotate(n=Count("id")).values_list("assignee_id", "n"))
    ppw_ids = set(RoleAssignment.objects.active(today).filter(role=Role.PPW).values_list("user_id", flat=True))

    people: dict[int | None, Row] = {}
    schools: dict[int | None, Row] = {}
    by_type: Counter = Counter()
    by_age = [0] * len(AGE_BANDS)
    for g in grouped:
        band = age_band(g["opened_on"], today)
        for table, key in ((people, g["owner_id"]), (schools, g["school_id"])):
            row = table.setdefault(key, Row(key, ""))
            row.open_cases += g["n"]
            row.by_type[g["case_type"]] += g["n"]
            row.by_age[band] += g["n"]
            row.weighted += weights[g["case_type"]] * g["n"]
        by_type[g["case_type"]] += g["n"]
        by_age[band] += g["n"]

    for pk in ppw_ids | set(overdue):
        people.setdefault(pk, Row(pk, ""))
    unassigned = people.pop(None, Row(None, "Unassigned"))
    unassigned.label, unassigned.is_ppw = "Unassigned", False
    users = get_user_model().objects.in_bulk(list(people))
    for pk, row in people.items():
        u = users.get(pk)
        row.label = (u.get_full_name() or u.username) if u else f"User {pk}"
        row.overdue_tasks = overdue.get(pk, 0)
        row.is_ppw = pk in ppw_ids
    rows = sorted(people.values(), key=lambda r: (-r.weighted, r.label))
    # A PPW with no case (new, back from leave) would drag the average down and make everyone else
    # look overloaded: they are listed apart, as available, and the average is over working PPWs.
    available = [r for r in rows if r.is_ppw and not r.open_cases]
    ppws = [r for r in rows if r.open_cases or not r.is_ppw]
    counted = [r for r in ppws if r.is_ppw]
    average = (sum((r.weighted for r in counted), Decimal("0")) / len(counted)).quantize(Decimal("0.01")) \
        if counted else Decimal("0")

    names = dict(School.objects.for_user(user, "school.view").filter(pk__in=[k for k in schools if k])
                 .values_list("pk", "name"))
    for key, row in schools.items():
        row.label = names.get(key, "No current school") if key else "No current school (withdrawn)"
        row.is_ppw = False
    school_rows = sorted(schools.values(), key=lambda r: (r.key is None, r.label))

    types = [(value, label, weights[value], by_type[value]) for value, label in CaseType.choices]
    return Dashboard(today=today, ppws=ppws, unassigned=unassigned, schools=school_rows, types=types,
                     ages=[(label, n) for (label, _lo, _hi), n in zip(AGE_BANDS, by_age, strict=True)],
                     total_open=sum(by_type.values()), average_weighted=average, weights=weights,
                     counted=len(counted), available=sorted(available, key=lambda r: r.label))
