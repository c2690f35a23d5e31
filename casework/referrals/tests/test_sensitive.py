"""A crisis or child-welfare referral carries the disclosure the case holds: once accepted into a
sensitive case it hides like the case (page, API, lists, queue), except from the people named on the
case, the director, and the referrer (who keeps the status view)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from casework.cases.assignments import case_worker_add
from casework.core.testing import factories as f
from casework.referrals import selectors, services
from casework.referrals.models import Referral, ReferralStatusChange

from .helpers import D, refer

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def crisis_referral(world) -> Referral:
    r = refer(world, reasons=("crisis",))
    services.referral_accept(actor=world.user("ppw"), referral=r, case_type="crisis", today=D(2025, 10, 1))
    return Referral.objects.get(pk=r.pk)


def reads(user, r: Referral) -> dict:
    c = client_for(user)
    listing = c.get("/api/v1/referrals/").json()["results"]
    return {"page": c.get(reverse("referrals:detail", args=[r.pk])).status_code,
            "api": c.get(f"/api/v1/referrals/{r.pk}/").status_code,
            "listed": any(row["id"] == r.pk for row in listing)}


def test_a_referral_in_a_crisis_case_is_hidden_from_people_not_named_on_it(world):
    r = crisis_referral(world)
    assert r.case.case_type == "crisis"
    hidden = {"page": 404, "api": 404, "listed": False}
    assert reads(world.user("supervisor"), r) == hidden
    second_ppw = f.user(username="ppw-b", role="ppw", schools=[world.school_a])
    assert reads(second_ppw, r) == hidden
    assert reads(world.user("school_admin"), r) == hidden
    # Its history goes with it.
    assert not ReferralStatusChange.objects.for_user(second_ppw, "referral.view").filter(referral=r).exists()
    assert ReferralStatusChange.objects.for_user(world.user("ppw"), "referral.view").filter(referral=r).count() == 2


def test_the_referrer_the_owner_the_director_and_a_named_supervisor_still_see_it(world):
    r = crisis_referral(world)
    seen = {"page": 200, "api": 200, "listed": True}
    assert reads(world.user("director"), r) == seen
    assert reads(world.user("ppw"), r) == seen  # the owner
    teacher = client_for(world.user("school_staff"))
    page = teacher.get(reverse("referrals:detail", args=[r.pk]))
    assert page.status_code == 200 and page.context["referral"].status == "accepted"
    assert [x.pk for x in teacher.get(reverse("referrals:mine")).context["page"]] == [r.pk]
    supervisor = world.user("supervisor")
    case_worker_add(actor=world.user("director"), case=r.case, user=supervisor)
    assert reads(supervisor, r) == seen


def test_a_referral_in_an_ordinary_case_stays_visible_to_the_school(world):
    r = refer(world, reasons=("attendance",))
    services.referral_accept(actor=world.user("ppw"), referral=r, case_type="attendance", today=D(2025, 10, 1))
    second_ppw = f.user(username="ppw-b", role="ppw", schools=[world.school_a])
    assert reads(second_ppw, r) == {"page": 200, "api": 200, "listed": True}
    assert reads(world.user("supervisor"), r) == {"page": 200, "api": 200, "listed": True}


def test_other_referrals_and_the_queue_leave_out_the_hidden_one(world):
    hidden = crisis_referral(world)
    waiting = refer(world, reasons=("attendance",))
    second_ppw = f.user(username="ppw-b", role="ppw", schools=[world.school_a])
    page = client_for(second_ppw).get(reverse("referrals:detail", args=[waiting.pk]))
    assert page.status_code == 200
    assert [x.pk for x in page.context["other_referrals"]] == []
    owner_page = client_for(world.user("ppw")).get(reverse("referrals:detail", args=[waiting.pk]))
    assert [x.pk for x in owner_page.context["other_referrals"]] == [hidden.pk]
    assert [x.pk for x in selectors.triage_queue(second_ppw)] == [waiting.pk]


def test_the_queue_flags_an_open_case_only_to_those_who_may_see_it(world):
    from casework.cases.models import Case

    welfare = f.case(student=world.student_a, owner=world.user("ppw"), case_type="child_welfare")
    r = refer(world, reasons=("family",))
    assert r.duplicate_of_case == welfare
    second_ppw = f.user(username="ppw-b", role="ppw", schools=[world.school_a])
    assert not Case.objects.for_user(second_ppw, "case.view").filter(pk=welfare.pk).exists()
    theirs = client_for(second_ppw).get(reverse("referrals:triage"))
    assert r.number in theirs.content.decode() and "Student has an open case" not in theirs.content.decode()
    owner = client_for(world.user("ppw")).get(reverse("referrals:triage")).content.decode()
    assert r.number in owner and "Student has an open case" in owner
