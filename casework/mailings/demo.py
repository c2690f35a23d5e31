"""Demo batch letters: one finished Tier 1 mailing at the first PPW's busiest school, made by the real
job handler (cases found or opened, letters, the merged PDF), left unmailed so "Mark all mailed" can be
tried. Small (at most LIMIT letters) so `casework demo` stays quick."""

from __future__ import annotations

import datetime
import random

from django.db.models import Count

from casework.accounts.models import RoleAssignment
from casework.core.roles import Role
from casework.indicators.models import FlagCrossing, StudentIndicator
from casework.jobs.services import job_run

from .services import mailing_create

LIMIT = 12


def demo_seed(*, rng: random.Random, today: datetime.date) -> None:
    ppw_school = (RoleAssignment.objects.active(today).filter(role=Role.PPW, school__isnull=False)
                  .select_related("user", "school").order_by("user__username", "school__name"))
    assignments = list(ppw_school)
    if not assignments:
        return
    ppw = assignments[0].user
    schools = [a.school for a in assignments if a.user_id == ppw.pk]
    counts = dict(StudentIndicator.objects.filter(school__in=schools, period_key="year_to_date", days_unlawful__gt=0)
                  .values_list("school").annotate(n=Count("id")))
    school = max(schools, key=lambda s: (counts.get(s.pk, 0), s.name))
    since = today - datetime.timedelta(days=14)
    crossed = list(FlagCrossing.objects.filter(school=school, crossed_on__gte=since, cleared_on__isnull=True)
                   .values_list("student_id", flat=True).distinct())
    if len(crossed) < 3:  # a quiet fortnight: the students with the most unlawful days instead
        crossed = list(StudentIndicator.objects.filter(school=school, period_key="year_to_date", days_unlawful__gt=0)
                       .order_by("-as_of", "-days_unlawful").values_list("student_id", flat=True)[:LIMIT * 2])
    if not crossed:
        return
    picked = sorted(rng.sample(sorted(set(crossed)), min(LIMIT, len(set(crossed)))))
    mailing = mailing_create(actor=ppw, school=school, criteria={"students": picked})
    job_run(mailing.job)  # in-process, now: the demo has no worker yet
