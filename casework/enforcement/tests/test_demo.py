import datetime
import random

from casework.core.testing import factories as f
from casework.enforcement import demo
from casework.enforcement.models import LadderEvent, LadderOverride

from .helpers import indicator

TODAY = datetime.date(2025, 11, 25)
SNAPSHOT = datetime.date(2025, 11, 21)


def test_demo_walks_cases_up_the_ladder_and_evaluates(world, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    for i in range(30):
        kid = f.student(school=world.school_a)
        f.case(student=kid, owner=world.user("ppw"), opened_on=datetime.date(2025, 9, 2))
        indicator(kid, world.school_a, unlawful=2 + i % 5, as_of=SNAPSHOT)
    flagged = f.student(school=world.school_a)
    indicator(flagged, world.school_a, unlawful=10, truant=True, as_of=SNAPSHOT)
    demo.demo_seed(rng=random.Random(5), today=TODAY)
    assert LadderEvent.objects.filter(status="done").count() > 30
    assert LadderEvent.objects.filter(step__key="school_conference", status="skipped").exists()
    assert LadderEvent.objects.filter(case__student=flagged, step__key="ppw_referral", status="due").exists()
    assert all(e.done_on <= TODAY for e in LadderEvent.objects.filter(status="done"))
    # Every petition on record is either guarded by the earlier steps or by a recorded override.
    for e in LadderEvent.objects.filter(step__key="court_petition", status="done"):
        hearing = LadderEvent.objects.filter(case=e.case, step__key="attendance_hearing", status="done").exists()
        assert hearing or LadderOverride.objects.filter(case=e.case).exists()
