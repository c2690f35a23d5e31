import datetime
import random

import pytest
from django.utils import timezone

from casework.core.testing import factories as f
from casework.hearings.choices import HearingStatus
from casework.hearings.demo import demo_seed
from casework.hearings.models import Hearing
from casework.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_demo_schedules_upcoming_and_held_hearings_on_attendance_cases(world):
    today = timezone.localdate()
    ppw = world.user("ppw")
    cases = [f.case(student=world.student_a, owner=ppw, opened_on=today - datetime.timedelta(days=90))
             for _ in range(30)]
    other = f.case(student=world.student_a, owner=ppw, case_type="residency", opened_on=today - datetime.timedelta(90))
    demo_seed(rng=random.Random(3), today=today)
    hearings = list(Hearing.objects.all())
    assert 3 <= len(hearings) <= 20 and not Hearing.objects.filter(case=other).exists()
    held = [h for h in hearings if h.status == HearingStatus.HELD]
    upcoming = [h for h in hearings if h.status == HearingStatus.SCHEDULED]
    assert held and upcoming and len(held) + len(upcoming) == len(hearings)
    assert all(h.scheduled_at < timezone.now() and h.follow_up_task_id and h.family_attendance for h in held)
    assert all(h.scheduled_at > timezone.now() and h.notice_sent_on for h in upcoming)
    assert all(h.case_id in {c.pk for c in cases} for h in hearings)
    assert "García" not in " ".join(Task.objects.values_list("title", flat=True))
