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


# --- access log of API reads (review H2) and id parameters (review M3) --------------------------------


def _api_log():
    from casework.audit.models import AccessLog

    return list(AccessLog.objects.filter(action=AccessLog.Action.API).order_by("id")
                .values_list("student_id", "actor_label", "detail", "purpose"))


def test_reading_a_case_or_its_timeline_is_in_the_access_log(world, case):
    from casework.cases.models import CaseEvent

    other = f.case(student=world.student_b, owner=world.user("ppw"), case_type="discipline")
    event = CaseEvent.objects.filter(case=case).order_by("id").first()
    c = api(world.user("director"))
    assert c.get(f"/api/v1/cases/{case.pk}/", {"purpose": "court prep"}).status_code == 200
    assert c.get(f"/api/v1/case-events/{event.pk}/").status_code == 200
    assert c.get("/api/v1/cases/").status_code == 200  # two cases, two students: one row each
    assert c.get("/api/v1/case-events/", {"case": other.pk}).status_code == 200  # only student B's on the page
    assert _api_log() == [
        (world.student_a.pk, "t-director", f"api case {case.pk}", "court prep"),
        (world.student_a.pk, "t-director", f"api case-event {event.pk}", ""),
        (world.student_a.pk, "t-director", "api case list", ""),
        (world.student_b.pk, "t-director", "api case list", ""),
        (world.student_b.pk, "t-director", "api case-event list", ""),
    ]


def test_denied_or_empty_reads_and_status_posts_log_nothing(world, case):
    c = api(world.user("ppw"))
    other = f.case(student=world.student_b)  # school B: outside the PPW's schools
    assert c.get(f"/api/v1/cases/{other.pk}/").status_code == 404
    assert c.get("/api/v1/cases/", {"student": world.student_b.pk}).json()["results"] == []
    r = c.post(f"/api/v1/cases/{case.pk}/status/", {"to": "on_hold", "reason": "Hospital stay", "version": 99},
               content_type="application/json")
    assert r.status_code == 409
    assert _api_log() == []


@pytest.mark.parametrize(("url", "name", "label"), [("/api/v1/cases/", "student", "internal student id"),
                                                   ("/api/v1/case-events/", "case", "case id")])
@pytest.mark.parametrize("value", ["²", "abc", "-1", "1.0", "9" * 19])
def test_an_id_parameter_that_is_not_plain_digits_is_a_400_with_a_message(world, case, url, name, label, value):
    r = api(world.user("director")).get(url, {name: value})
    assert r.status_code == 400
    assert r.json()[name] == f"Give the {label} as a whole number in digits 0-9, e.g. ?{name}=12."


def test_an_id_parameter_with_spaces_around_still_filters(world, case):
    f.case(student=world.student_b, case_type="discipline")
    rows = api(world.user("director")).get("/api/v1/cases/", {"student": f" {world.student_a.pk} "}).json()["results"]
    assert [r["id"] for r in rows] == [case.pk]
