"""/api/v1/referrals/: scope of the list, the case link only for case workers, and POST create."""

from __future__ import annotations

import pytest
from django.test import Client

from casework.accounts.services import token_issue
from casework.core.testing import factories as f
from casework.referrals import services
from casework.referrals.models import Referral

from .helpers import D, refer

pytestmark = pytest.mark.django_db
URL = "/api/v1/referrals/"


def api(user) -> Client:
    return Client(headers={"Authorization": f"Token {token_issue(actor=None, user=user)}"})


def test_a_teacher_lists_only_their_own_with_history_and_no_case(world):
    mine = refer(world)
    other_teacher = f.user(username="t-teacher2", role="school_staff", schools=[world.school_a])
    refer(world, actor=other_teacher)
    services.referral_accept(actor=world.user("ppw"), referral=mine, case_type="attendance", today=D(2025, 11, 20))
    body = api(world.user("school_staff")).get(URL).json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [r["id"] for r in rows] == [mine.pk]
    assert rows[0]["status"] == "accepted" and rows[0]["case"] is None
    assert [h["status"] for h in rows[0]["history"]] == ["submitted", "accepted"]
    ppw_row = api(world.user("ppw")).get(f"{URL}{mine.pk}/").json()
    assert ppw_row["case"] == Referral.objects.get(pk=mine.pk).case.number


def test_list_scope_by_role(world):
    a = refer(world)
    b = refer(world, who="director", student=world.student_b, school=world.school_b)

    def ids(role):
        body = api(world.user(role)).get(URL).json()
        return {r["id"] for r in (body["results"] if isinstance(body, dict) else body)}

    assert ids("director") == {a.pk, b.pk}
    assert ids("ppw") == {a.pk}
    assert ids("school_admin") == {a.pk}
    assert api(world.user("data_steward")).get(URL).status_code == 404


def test_post_creates_through_the_same_rules(world):
    teacher = api(world.user("school_staff"))
    data = {"student": world.student_a.pk, "school": world.school_a.code, "reasons": ["attendance"],
            "details": "Absent Mondays", "already_tried": "Calls home", "urgency": "urgent"}
    response = teacher.post(URL, data, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted" and response.json()["urgency"] == "urgent"
    out = teacher.post(URL, data | {"student": world.student_b.pk, "school": world.school_b.code},
                       content_type="application/json")
    assert out.status_code == 400 and "student" in out.json()
    missing = teacher.post(URL, data | {"already_tried": ""}, content_type="application/json")
    assert missing.status_code == 400
    assert api(world.user("data_steward")).post(URL, data, content_type="application/json").status_code == 404
    assert Referral.objects.count() == 1


def test_list_filters_by_status_and_refuses_an_unknown_one(world):
    waiting = refer(world)
    services.referral_return(actor=world.user("ppw"), referral=refer(world), reason="Not ours")
    ppw = api(world.user("ppw"))
    body = ppw.get(URL, {"status": "submitted"}).json()
    assert [r["id"] for r in (body["results"] if isinstance(body, dict) else body)] == [waiting.pk]
    bad = ppw.get(URL, {"status": "lost"})
    assert bad.status_code == 400 and "submitted" in str(bad.json()["status"])


def test_reading_referrals_is_in_the_access_log(world):
    from casework.audit.models import AccessLog

    referral = refer(world)
    c = api(world.user("school_staff"))
    assert c.get(f"{URL}{referral.pk}/").status_code == 200
    assert c.get(URL).status_code == 200
    assert list(AccessLog.objects.filter(action=AccessLog.Action.API).order_by("id")
                .values_list("student_id", "actor_label", "detail")) == [
        (referral.student_id, "t-teacher", f"api referral {referral.pk}"),
        (referral.student_id, "t-teacher", "api referral list"),
    ]
