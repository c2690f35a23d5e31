"""/api/v1/audit/access/: who opened which record. Director and auditors only."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from casework.audit.models import AccessLog

LIST = "/api/v1/audit/access/"


def api(user) -> Client:
    out = StringIO()
    call_command("token", user.username, stdout=out)
    return Client(headers={"Authorization": f"Token {out.getvalue().strip()}"})


@pytest.fixture
def opened(world):
    """The PPW opens José's record twice and the director Zoë's once, through the API."""
    ppw, director = api(world.user("ppw")), api(world.user("director"))
    assert ppw.get(f"/api/v1/students/{world.student_a.pk}/", {"purpose": "home visit"}).status_code == 200
    assert ppw.get(f"/api/v1/students/{world.student_a.pk}/").status_code == 200
    assert director.get(f"/api/v1/students/{world.student_b.pk}/", {"purpose": "hearing"}).status_code == 200
    return world


@pytest.mark.parametrize("role", ["director", "auditor"])
def test_entries_for_one_student(opened, role):
    world = opened
    response = api(world.user(role)).get(LIST, {"student": world.student_a.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    # Newest first.
    assert [(e["student"], e["actor"], e["action"], e["source"], e["purpose"], e["detail"])
            for e in body["results"]] == [
        (world.student_a.pk, "t-ppw", "api", "api", "", "api detail"),
        (world.student_a.pk, "t-ppw", "api", "api", "home visit", "api detail"),
    ]
    assert all(e["request_id"] for e in body["results"])


def test_all_entries_and_filter_by_actor(opened):
    client = api(opened.user("director"))
    assert client.get(LIST).json()["count"] == 3
    by_director = client.get(LIST, {"actor": "t-director"}).json()["results"]
    assert [(e["student"], e["purpose"]) for e in by_director] == [(opened.student_b.pk, "hearing")]
    assert client.get(LIST, {"actor": "nobody"}).json()["count"] == 0


def test_reading_the_log_is_not_itself_an_access(opened):
    api(opened.user("auditor")).get(LIST, {"student": opened.student_a.pk})
    assert AccessLog.objects.count() == 3


def test_one_entry(opened):
    entry = AccessLog.objects.get(purpose="hearing")
    response = api(opened.user("auditor")).get(f"{LIST}{entry.pk}/")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["actor"]) == (entry.pk, "t-director")
    assert api(opened.user("auditor")).get(f"{LIST}{entry.pk + 1000}/").status_code == 404


@pytest.mark.parametrize("role", ["ppw", "school_admin", "data_steward", "supervisor", "school_staff", "none"])
def test_other_roles_get_404(opened, role):
    client = api(opened.user(role))
    assert client.get(LIST, {"student": opened.student_a.pk}).status_code == 404
    assert client.get(f"{LIST}{AccessLog.objects.first().pk}/").status_code == 404


def test_anonymous_gets_401(opened):
    assert Client().get(LIST, {"student": opened.student_a.pk}).status_code == 401


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", " 1", "1;DROP"])
def test_student_must_be_a_whole_number(opened, value):
    response = api(opened.user("director")).get(LIST, {"student": value})
    assert response.status_code == 400
    assert response.json() == {"student": "Give the internal student id, a whole number."}


def test_empty_student_filter_lists_everything(opened):
    assert api(opened.user("director")).get(LIST, {"student": ""}).json()["count"] == 3


@pytest.mark.parametrize("pk", ["abc", "99999999999999999999999"])
def test_malformed_entry_id_is_404(opened, pk):
    assert api(opened.user("director")).get(f"{LIST}{pk}/").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("body", ['{"purpose": "edited"}', "[", ""])
def test_the_log_cannot_be_written_through_the_api(opened, method, body):
    client = api(opened.user("director"))
    entry = AccessLog.objects.first()
    for url in (LIST, f"{LIST}{entry.pk}/"):
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == 405, (method, url)
    assert AccessLog.objects.count() == 3
    assert not AccessLog.objects.filter(purpose="edited").exists()


@pytest.mark.parametrize("student", ["²", "١", "99999999999999999999999999", "-1", " 1"])
def test_student_filter_takes_plain_ascii_ids_only(world, student):
    response = api(world.user("director")).get(LIST, {"student": student})
    assert response.status_code == 400
