"""Demo plans: about half of the open attendance cases get a plan (an attendance goal, sometimes an
unlawful-absence goal, 2-3 interventions from the library), progress pulled from the attendance
record, and a revision on a few. Written through the services, so timelines and review tasks are real."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.exceptions import ValidationError

from casework.cases.choices import CaseType
from casework.cases.models import Case

from . import services
from .choices import Comparator, Metric
from .models import Intervention
from .progress import monday_of

TITLES = ("Attendance plan", "Attendance improvement plan", "Attendance contract plan", "Re-engagement plan")
REASONS = (
    "Review with the family: mornings still hard; adding {what} and moving the review.",
    "Attendance improving since the plan began; adding {what} to keep it going.",
    "Team review: absences continue on Mondays; adding {what}.",
)


REFUSALS = ("Mother declined: says the family can manage mornings on their own.",
            "Father declined the referral by phone; does not want an outside agency involved.",
            "Grandmother declined: no transport to the after-school sessions.")


def _answer_some(plan, actor) -> None:
    """The family's answer to some services. Its own generator (from the plan's id), so the shared one
    gives the rest of the demo the same district as before."""
    rng = random.Random(plan.pk)
    for item in plan.interventions.select_related("intervention"):
        roll = rng.random()
        if roll < 0.5:
            continue
        answered_on = item.start_on + datetime.timedelta(days=rng.randint(1, 6))
        if roll < 0.75:
            services.intervention_respond(actor=actor, item=item, response="accepted", answered_on=answered_on)
        else:
            services.intervention_respond(actor=actor, item=item, response="refused", answered_on=answered_on,
                                          note=rng.choice(REFUSALS))


def demo_seed(*, rng: random.Random, today: datetime.date) -> None:
    cases = [c for c in Case.objects.open().filter(case_type=CaseType.ATTENDANCE, owner__isnull=False)
             .select_related("owner").order_by("pk") if rng.random() < 0.5]
    library = {i.name: i for i in Intervention.objects.filter(active=True)}
    tier2 = [i for i in library.values() if i.tier == 2]
    for case in cases:
        # Plans start on a Monday, after the case opened and at least a couple of weeks ago (or there is
        # nothing to chart yet).
        start = max(monday_of(today - datetime.timedelta(weeks=rng.randint(3, 9))),
                    monday_of(case.opened_on + datetime.timedelta(days=6)))
        if (today - start).days < 14:
            continue
        goals = [services.GoalSpec(metric=Metric.ATTENDANCE_RATE, target=Decimal(rng.choice((85, 90, 90, 92))),
                                   weeks=rng.choice((3, 4, 4, 6)))]
        if rng.random() < 0.4:
            goals.append(services.GoalSpec(metric=Metric.UNLAWFUL_ABSENCES, target=Decimal(0),
                                           comparator=Comparator.AT_MOST, weeks=2))
        picks = rng.sample(tier2, k=min(len(tier2), rng.randint(1, 2)))
        if "Parent conference" in library:
            picks.insert(0, library["Parent conference"])
        interventions = [services.InterventionSpec(
            intervention=i, start_on=start, frequency=rng.choice(("daily", "weekly", "twice a week", "as needed")),
            responsible=rng.choice(("PPW", "School counselor", "Assistant principal", "Homeroom teacher")))
            for i in picks]
        plan = services.plan_create(actor=case.owner, case=case, title=rng.choice(TITLES), start_on=start,
                                    review_on=today + datetime.timedelta(days=rng.randint(-3, 21)),
                                    goals=goals, interventions=interventions)
        _answer_some(plan, case.owner)
        try:
            services.progress_pull(actor=case.owner, plan=plan, through=today)
        except ValidationError:
            continue  # a school without a calendar: the plan stays, without pulled points
        if rng.random() < 0.3 and (today - start).days >= 21:
            extra = [i for i in tier2 if i not in picks]
            specs = [services.InterventionSpec(id=pi.pk, intervention=pi.intervention, tier=pi.tier,
                                               frequency=pi.frequency, responsible=pi.responsible,
                                               start_on=pi.start_on, end_on=pi.end_on)
                     for pi in plan.interventions.select_related("intervention")]
            effective = start + datetime.timedelta(weeks=2)
            if not extra:
                continue
            added = rng.choice(extra)
            specs.append(services.InterventionSpec(intervention=added, start_on=effective, frequency="daily",
                                                   responsible="PPW"))
            reason = rng.choice(REASONS).format(what=added.name.lower())
            services.plan_revise(actor=case.owner, plan=plan, reason=reason, interventions=specs,
                                 review_on=plan.review_on + datetime.timedelta(weeks=2), effective_on=effective)
