"""A follow-up date becomes a task: a typo'd year (9999) is a form error, not a task that breaks the
calendar feed (review finding M3)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.contacts.models import Contact
from casework.core.testing import factories as f
from casework.tasks.models import Task

from .test_views import client_for, form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("days", "refused"), [(731, False), (732, True)])
def test_follow_up_due_is_within_two_years(world, days, refused):
    """Two years and a day ahead (731 days from today) is the last date taken."""
    case = f.case(student=world.student_a, owner=world.user("ppw"))
    due = timezone.localdate() + datetime.timedelta(days=days)
    response = client_for(world.user("ppw")).post(
        reverse("contacts:case_contacts", kwargs={"case_pk": case.pk}),
        form_data(world, follow_ups="Call back about the bus", follow_up_due=due.isoformat()))
    if refused:
        assert response.status_code == 400
        assert "more than two years away" in response.content.decode()
        assert not Contact.objects.exists() and not Task.objects.exists()
    else:
        assert response.status_code == 302
        assert Task.objects.get().due_on == due


def test_year_9999_is_refused(world):
    case = f.case(student=world.student_a, owner=world.user("ppw"))
    response = client_for(world.user("ppw")).post(
        reverse("contacts:case_contacts", kwargs={"case_pk": case.pk}),
        form_data(world, follow_ups="Call back", follow_up_due="9999-12-31"))
    assert response.status_code == 400 and not Task.objects.exists()
