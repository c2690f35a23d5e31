"""/api/v1/plans/: reads are written to the access log as API reads; a bad ?case= is a 400."""

from __future__ import annotations

import pytest
from django.test import Client

from casework.audit.models import AccessLog
from casework.core.testing import factories as f

from .helpers import make_plan

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def plan(world):
    return make_plan(case=f.case(student=world.student_a, owner=world.user("ppw")))


def test_reading_plans_is_in_the_access_log_as_api_reads(world, plan):
    c = api(world.user("ppw"))
    assert c.get(f"/api/v1/plans/{plan.pk}/").status_code == 200
    rows = c.get("/api/v1/plans/", {"case": plan.case_id}).json()["results"]
    assert [r["id"] for r in rows] == [plan.pk]
    assert list(AccessLog.objects.order_by("id").values_list("student_id", "action", "detail")) == [
        (world.student_a.pk, AccessLog.Action.API, f"api plan {plan.pk}"),
        (world.student_a.pk, AccessLog.Action.API, "api plan list"),
    ]


@pytest.mark.parametrize("value", ["²", "abc"])
def test_a_case_parameter_that_is_not_plain_digits_is_a_400_not_every_plan(world, plan, value):
    r = api(world.user("ppw")).get("/api/v1/plans/", {"case": value})
    assert r.status_code == 400
    assert r.json() == {"case": "Give the case id as a whole number in digits 0-9, e.g. ?case=12."}
    assert not AccessLog.objects.exists()
