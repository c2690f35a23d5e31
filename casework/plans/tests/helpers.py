"""Shared test helpers: a plan on a case, through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from casework.plans.choices import Comparator, Metric
from casework.plans.models import Intervention
from casework.plans.services import GoalSpec, InterventionSpec, plan_create

START = datetime.date(2025, 10, 6)  # a Monday
REVIEW = datetime.date(2025, 11, 17)


def attendance_goal(target: str = "90", weeks: int = 4, **kw) -> GoalSpec:
    return GoalSpec(metric=Metric.ATTENDANCE_RATE, target=Decimal(target), comparator=Comparator.AT_LEAST,
                    weeks=weeks, **kw)


def library(name: str = "Check-in/check-out") -> Intervention:
    return Intervention.objects.get(name=name)


def make_plan(*, case, actor=None, goals=None, interventions=None, start_on=START, review_on=REVIEW,
              title="Attendance plan"):
    if interventions is None:
        interventions = [InterventionSpec(intervention=library(), start_on=start_on, frequency="daily",
                                          responsible="Counselor")]
    return plan_create(actor=actor, case=case, title=title, start_on=start_on, review_on=review_on,
                       goals=goals or [attendance_goal()], interventions=interventions)
