"""Demo tasks and meetings on the demo district's open cases, so that ppw1 logging in sees a plausible
day: a few overdue, several due this week, meetings in the coming days, some done last week."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from casework.cases.models import Case
from casework.students.models import Enrollment

from .choices import TaskKind
from .services import task_complete, task_create

TASKS = ("Call the guardian about absences", "Send the attendance letter", "Check this week's attendance",
         "Follow up with the school counselor", "Request records from the previous school",
         "Home visit: follow up", "Confirm bus transportation", "Update the attendance contract",
         "Check in with the teacher team", "Review the intervention plan", "Mail the conference notice",
         "Verify the residency documents", "Refer to the community mental-health partner")
MEETINGS = (("SST meeting", "conference room"), ("IEP meeting", "main office"), ("504 meeting", "conference room"),
            ("Parent conference", "counseling office"), ("Attendance review conference", "PPS office"))


def _weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _school_names() -> dict[int, str]:
    return dict(Enrollment.objects.filter(exit_date__isnull=True).order_by("-primary", "entry_date")
                .values_list("student_id", "school__name"))


def demo_seed(*, rng: random.Random, today: datetime.date) -> None:
    cases = list(Case.objects.open().filter(owner__isnull=False).select_related("owner").order_by("pk"))
    if not cases:
        return
    schools = _school_names()
    # ppw1's cases first, on a fixed pattern, so the demo login always has a full day.
    cases.sort(key=lambda c: (c.owner.username != "ppw1", c.pk))
    for i, case in enumerate(cases):
        owner_first = case.owner.username == "ppw1" and i < 8
        # Elsewhere most cases have nothing due soon: a PPW with 140 cases has a handful overdue, not 30.
        pattern = i % 4 if owner_first else rng.choices(range(6), weights=(4, 7, 3, 20, 35, 31))[0]
        title = rng.choice(TASKS)
        if pattern == 0:  # overdue
            task_create(actor=case.owner, case=case, title=title,
                        due_on=today - datetime.timedelta(days=rng.randint(1, 9)))
        elif pattern == 1:  # due this week (today included)
            task_create(actor=case.owner, case=case, title=title,
                        due_on=_weekday(today + datetime.timedelta(days=rng.randint(0, 4))))
        elif pattern == 2:  # a meeting in the coming days
            name, room = rng.choice(MEETINGS)
            day = _weekday(today + datetime.timedelta(days=rng.randint(1, 10)))
            starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.choice((8, 9, 10, 13, 14)),
                                                                                      rng.choice((0, 30)))))
            where = schools.get(case.student_id)
            task_create(actor=case.owner, case=case, title=name, due_on=day, kind=TaskKind.MEETING,
                        starts_at=starts, location=f"{where}, {room}" if where else room.capitalize())
        elif pattern == 3:  # done last week, and the next step due later
            done = task_create(actor=case.owner, case=case, title=title,
                               due_on=today - datetime.timedelta(days=rng.randint(3, 8)))
            task_complete(actor=case.owner, task=done, completed_on=today - datetime.timedelta(days=rng.randint(1, 2)))
            task_create(actor=case.owner, case=case, title=rng.choice(TASKS),
                        due_on=_weekday(today + datetime.timedelta(days=rng.randint(7, 20))))
        elif pattern == 4:  # later this month
            task_create(actor=case.owner, case=case, title=title,
                        due_on=_weekday(today + datetime.timedelta(days=rng.randint(8, 25))))
