import datetime
import random

from casework.caseloads.myday import my_day
from casework.core.testing import factories as f
from casework.tasks import demo
from casework.tasks.models import Task

TODAY = datetime.date(2025, 11, 25)


def test_ppw1_gets_a_plausible_day(world, monkeypatch):
    from django.utils import timezone

    ppw1 = f.user(username="ppw1", role="ppw", schools=[world.school_a])
    for _ in range(8):
        f.case(student=f.student(school=world.school_a), owner=ppw1)
    f.case(student=world.student_b, owner=world.user("director"))
    demo.demo_seed(rng=random.Random(1), today=TODAY)
    now = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(7)))
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    day = my_day(ppw1, now=now)
    assert len(day.overdue) == 2
    assert len(day.due_today) + len(day.due_soon) == 2
    assert len(day.meetings) == 2
    assert Task.objects.filter(assignee=ppw1, status="done").count() == 2
    assert all(t.location.startswith("Alpha Elementary, ") for t in day.meetings)
    assert Task.objects.filter(case__owner=world.user("director")).exists()
