"""Demo ladder: walk some of the demo's open attendance cases up the ladder with back-dated steps (so the
funnel has shape and medians), guard one petition with a director's override, then run the evaluation for
the indicator snapshot so every student who meets a trigger has the step due. Through the services."""

from __future__ import annotations

import datetime
import random

from casework.accounts.models import RoleAssignment
from casework.cases.choices import CaseType
from casework.cases.models import Case
from casework.indicators.models import YEAR_TO_DATE, StudentIndicator

from . import services as s
from .models import LadderEvent

WALKED = 60  # cases walked up the ladder by hand; keeps the seed to seconds
EVALUATED = 120  # students the demo's evaluation makes steps due for (the nightly run has no cap)
OUTCOMES = {
    "tier1_letter": ["Letter mailed first class to the home address", "Letter handed to the parent at pickup"],
    "school_conference": ["Conference held; attendance improvement plan signed",
                          "Parent attended by phone; plan agreed"],
    "ppw_referral": ["Referral accepted by the PPW"],
    "home_visit": ["Met the grandmother; alarm clock and bus pass arranged", "Nobody home; door hanger left"],
    "attendance_hearing": ["Hearing held; attendance contract signed for 30 school days"],
    "review_board": ["Accepted by the Truancy Review Board; appearance scheduled"],
    "court_petition": ["Petition filed with the District Court"],
}


def demo_seed(*, rng: random.Random, today: datetime.date) -> None:
    snapshot = (StudentIndicator.objects.filter(period_key=YEAR_TO_DATE, as_of__lte=today)
                .order_by("-as_of").values_list("as_of", flat=True).first())
    if snapshot is None:
        return
    director = (RoleAssignment.objects.active().filter(role="director", user__is_active=True)
                .select_related("user").order_by("id").first())
    ladder = s.ladder_in_force(snapshot)
    steps = s.steps_of(ladder)
    cases = list(Case.objects.filter(case_type=CaseType.ATTENDANCE).open().select_related("owner")
                 .order_by("id")[:WALKED])
    for n, case in enumerate(cases):
        # How far this family got: most stop after the letter or the conference, a few reach the court.
        depth = rng.choices([1, 2, 3, 4, 5, 6, 7], weights=[20, 25, 20, 15, 10, 6, 4])[0]
        day = max(case.opened_on, min(today, snapshot) - datetime.timedelta(days=rng.randint(45, 90)))
        actor = case.owner
        for step in steps[:depth]:
            if day > today:
                break
            if step.key == "attendance_hearing" and depth == 7 and n % 2 == 0:
                continue  # the family never came: the director's override lets the petition through
            if step.guarded and s.guard_missing(case, step):
                if director is None:
                    break
                s.ladder_override(actor=director.user, case=case, on=day,
                                  reason="Family refused every contact; the State's Attorney asked for the petition")
            if n % 9 == 4 and step.key == "school_conference":
                s.ladder_step_skip(actor=actor, case=case, step=step, reason="Parent declined two invitations")
            elif not LadderEvent.objects.filter(case=case, step=step, status="done").exists():
                s.ladder_step_done(actor=actor, case=case, step=step, done_on=day,
                                   outcome=rng.choice(OUTCOMES.get(step.key, ["Done"])))
            day += datetime.timedelta(days=rng.randint(4, 15))
    s.ladder_evaluate(as_of=snapshot, max_students=EVALUATED)
