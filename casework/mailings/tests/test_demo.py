"""The demo batch: one finished mailing at the first PPW's school, made by the real job, left unmailed."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from casework.indicators.models import YEAR_TO_DATE, StudentIndicator
from casework.letters.models import Letter
from casework.mailings.demo import demo_seed
from casework.mailings.models import Mailing
from casework.rules.models import RuleSet

from .helpers import crossing, mailable_student, ship_tier1_template

pytestmark = pytest.mark.django_db


def test_demo_seed_makes_one_finished_unmailed_batch(world, settings, tmp_path):
    settings.CASEWORK_MAILINGS_DIR = str(tmp_path)
    settings.CASEWORK_JOBS_INLINE = False
    ship_tier1_template()
    today = timezone.localdate()
    students = [mailable_student(world.school_a, first_name=n, last_name=f"{n}son") for n in ("Ada", "Bo", "Cy")]
    for student in students:  # as the recompute leaves them: a year-to-date row and the crossing
        crossing(student, world.school_a, today - datetime.timedelta(days=3))
        StudentIndicator.objects.create(student=student, school=world.school_a, as_of=today, period_key=YEAR_TO_DATE,
                                        period_kind="year", rule_set=RuleSet.objects.defaults().first(),
                                        calendar_method="dates_listed", days_unlawful=8, values={})
    demo_seed(rng=random.Random(1), today=today)
    mailing = Mailing.objects.get()
    assert mailing.status == "done" and mailing.school == world.school_a
    assert mailing.created_by == world.user("ppw")
    assert sorted(Letter.objects.filter(mailing=mailing).values_list("case__student_id", flat=True)) == sorted(
        s.pk for s in students)
    assert not Letter.objects.filter(mailed_on__isnull=False).exists()
    assert mailing.pdf_name
