"""The cases API: principals read the header, never the timeline; sensitive cases; status POST."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from casework.cases.assignments import case_worker_add
from casework.core.testing import factories as f

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def case(world):
    return f.case(student=world.student_a, owner=world.user("ppw"), opened_on=datetime.date(2025, 9, 15))


def test_principal_sees_status_but_not_the_timeline(world, case):
    principal = api(world.user("school_admin"))
    detail = principal.get(f"/api/v1/cases/{case.pk}/")
    assert detail.status_code == 200
    assert detail.json() == {"id": case.pk, "number": case.number, "student": world.student_a.pk,
                             "case_type": "attendance", "status": "open", "owner": "t-ppw",
                             "opened_on": "2025-09-15", "closed_on": None, "version": 1}
    assert principal.get(f"/api/v1/case-events/?case={case.pk}").status_code == 404
    event = case.events.first()
    assert principal.get(f"/api/v1/case-events/{event.pk}/").status_code == 404


def test_worker_gets_details_and_the_timeline(world, case):
    ppw = api(world.user("ppw"))
    body = ppw.get(f"/api/v1/cases/{case.pk}/").json()
    assert (body["closure_reason"], body["co_workers"]) == ("", [])
    events = ppw.get(f"/api/v1/case-events/?case={case.pk}").json()
    rows = events["results"] if isinstance(events, dict) else events
    assert [(e["kind"], e["summary"], e["case_number"]) for e in rows] == [
        ("status", "Attendance case opened", case.number)]
    assert ppw.get("/api/v1/case-events/?case=abc").status_code == 400


def test_sensitive_case_through_the_api(world):
    crisis = f.case(student=world.student_a, case_type="crisis", owner=world.user("director"))
    url = f"/api/v1/cases/{crisis.pk}/"
    assert api(world.user("supervisor")).get(url).status_code == 404
    assert api(world.user("ppw")).get(url).status_code == 404
    assert api(world.user("school_admin")).get(url).status_code == 404
    assert api(world.user("director")).get(url).status_code == 200
    case_worker_add(actor=None, case=crisis, user=world.user("ppw"))
    assert api(world.user("ppw")).get(url).status_code == 200
    assert api(world.user("ppw")).get(f"/api/v1/case-events/?case={crisis.pk}").json()
    listed = api(world.user("supervisor")).get("/api/v1/cases/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert crisis.pk not in [r["id"] for r in rows]


def test_status_post(world, case):
    ppw = api(world.user("ppw"))
    url = f"/api/v1/cases/{case.pk}/status/"
    response = ppw.post(url, {"to": "on_hold", "reason": "", "version": 1}, content_type="application/json")
    assert response.status_code == 400 and "Say why" in str(response.json())
    response = ppw.post(url, {"to": "active", "version": 1}, content_type="application/json")
    assert (response.status_code, response.json()["status"], response.json()["version"]) == (200, "active", 2)
    stale = ppw.post(url, {"to": "on_hold", "reason": "x", "version": 1}, content_type="application/json")
    assert stale.status_code == 409 and "changed by someone else" in stale.json()["detail"]
    principal = api(world.user("school_admin"))
    assert principal.post(url, {"to": "closed", "reason": "x", "version": 2},
                          content_type="application/json").status_code == 404
