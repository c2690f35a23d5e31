"""The demo seed: flagged students get attendance cases owned by their school's PPW; other work too."""

from __future__ import annotations

import datetime
import random

import pytest

from casework.cases.demo import demo_seed
from casework.cases.models import Case, CaseTypeSetting, ClosureRequest
from casework.core.testing import factories as f
from casework.indicators.models import StudentIndicator
from casework.rules.models import RuleSet

pytestmark = pytest.mark.django_db


def test_demo_seed(world):
    ppw = world.user("ppw")
    supervisor = f.user(username="supervisor", role="supervisor")
    flagged = [f.student(school=world.school_a) for _ in range(20)]
    for student in flagged:
        StudentIndicator.objects.create(
            student=student, school=world.school_a, as_of=datetime.date(2025, 10, 15), period_key="year_to_date",
            period_kind="year", rule_set=RuleSet.objects.defaults().first(), calendar_method="dates_listed",
            days_enrolled=40, days_absent=8.0, days_unlawful=6.0, attendance_rate=0.8, band="chronic",
            chronic_absent=True, values={})
    for _ in range(15):
        f.student(school=world.school_a)
    demo_seed(rng=random.Random(1), today=datetime.date(2026, 3, 2))
    attendance = Case.objects.filter(case_type="attendance")
    assert 6 <= attendance.count() <= 18  # ~60% of 20
    assert {c.student_id for c in attendance} <= {s.pk for s in flagged}
    assert set(Case.objects.values_list("owner", flat=True)) == {ppw.pk}  # the PPW of school A (B has none)
    assert Case.objects.filter(case_type__in=["child_welfare", "crisis"]).count() == 2
    assert all(supervisor in [w.user for w in c.workers.all()] for c in Case.objects.filter(case_type="crisis"))
    assert ClosureRequest.objects.filter(status="pending").count() == 1
    assert set(CaseTypeSetting.objects.values_list("case_type", flat=True)) == {"child_welfare", "crisis",
                                                                               "home_hospital"}
    assert Case.objects.filter(status="closed").exists() and Case.objects.open().count() >= 10
