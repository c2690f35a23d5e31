import datetime
import random

import pytest
from django.utils import timezone

from casework.cases.services import case_close
from casework.contacts.demo import demo_seed
from casework.contacts.models import Contact, HomeVisit
from casework.core.testing import factories as f

pytestmark = pytest.mark.django_db


def test_demo_logs_plausible_contacts_and_leaves_nobody_checked_in(world):
    today = timezone.localdate()
    ppw = world.user("ppw")
    cases = [f.case(student=world.student_a, owner=ppw, opened_on=today - datetime.timedelta(days=60 + i),
                    case_type=t) for i, t in enumerate(["attendance", "residency", "family_services", "other"])]
    closed = f.case(student=world.student_a, owner=ppw, opened_on=today - datetime.timedelta(days=200),
                    case_type="homeless")
    case_close(actor=None, case=closed, closure_reason="Resolved", closed_on=today - datetime.timedelta(days=100))
    demo_seed(rng=random.Random(7), today=today)
    assert not Contact.objects.filter(case=closed).exists()
    for case in cases:
        contacts = list(Contact.objects.filter(case=case))
        assert 2 <= len(contacts) <= 4  # not a demo account's case: the shorter story
        assert all(case.opened_on <= timezone.localtime(c.occurred_at).date() <= today for c in contacts)
        assert all(c.occurred_at <= timezone.now() and c.worker == ppw for c in contacts)
    assert not HomeVisit.objects.still_out().exists()
    assert all(v.contact is not None for v in HomeVisit.objects.all())
    assert "García" not in " ".join(Contact.objects.values_list("summary", flat=True))
