"""The demo referrals on a small hand-made district with the demo usernames."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from casework.core.testing import factories as f
from casework.referrals.demo import demo_seed
from casework.referrals.models import Referral
from casework.referrals.selectors import triage_queue

pytestmark = pytest.mark.django_db


def test_demo_referrals_cover_every_state_and_wait_for_ppw1():
    a, b = f.school(), f.school()
    for _ in range(16):
        f.student(school=a)
    for _ in range(3):
        f.student(school=b)
    f.user(username="teacher1", role="school_staff", schools=[a])
    f.user(username="principal1", role="school_admin", schools=[a])
    ppw1 = f.user(username="ppw1", role="ppw", schools=[a])
    ppw2 = f.user(username="ppw2", role="ppw", schools=[b])
    f.user(username="supervisor", role="supervisor")
    today = timezone.localdate()
    demo_seed(rng=random.Random(7), today=today)
    referrals = list(Referral.objects.all())
    assert 14 <= len(referrals) <= 16
    assert {r.status for r in referrals} == {"submitted", "accepted", "returned", "withdrawn", "forwarded"}
    assert {r.referred_by.username for r in referrals} == {"teacher1", "principal1", "supervisor"}
    assert triage_queue(ppw1).count() >= 3 and triage_queue(ppw2).count() == 1
    assert any(r.duplicate_of_case_id for r in referrals)
    assert all(r.created_at.date() <= today for r in referrals)
    assert sum(r.created_at.date() < today for r in referrals) >= 12  # back-dated: the queue shows real ages
    for r in referrals:
        if r.status == "accepted":
            assert r.case.events.get(kind="referral").occurred_at == r.created_at
