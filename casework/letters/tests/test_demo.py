import random

import pytest
from django.utils import timezone

from casework.core.testing import factories as f
from casework.letters.demo import demo_seed
from casework.letters.models import Letter
from casework.tasks.models import Task

from .helpers import family

pytestmark = pytest.mark.django_db


def test_demo_letters_follow_the_guardians_language(world):
    es_student = f.student(school=world.school_a, first_name="Valeria", last_name="Ortiz")
    family(es_student, language="Spanish", first_name="Carmen", last_name="Ortiz")
    cases = [f.case(student=s, owner=world.user("ppw")) for s in (world.student_a, es_student)]
    f.case(student=world.student_b, case_type="residency")  # not an attendance case: no letter
    demo_seed(rng=random.Random(3), today=timezone.localdate())
    letters = {letter.case_id: letter for letter in Letter.objects.all()}
    assert set(letters) == {c.pk for c in cases}
    assert letters[cases[0].pk].language == "en" and letters[cases[1].pk].language == "es"
    assert Letter.objects.filter(mailed_on__isnull=False).count() == 2
    assert Letter.objects.filter(returned_on__isnull=False).count() == 1
    assert Task.objects.filter(automatic="verify_address").count() == 1
