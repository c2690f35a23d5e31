"""/api/v1/schools/: the school directory, readable by every role."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from casework.core.testing import factories as f
from casework.schools.models import School

LIST = "/api/v1/schools/"


def api(user) -> Client:
    out = StringIO()
    call_command("token", user.username, stdout=out)
    return Client(headers={"Authorization": f"Bearer {out.getvalue().strip()}"})


ROLES_WITH_ACCESS = ["director", "supervisor", "ppw", "school_admin", "school_staff", "data_steward", "auditor"]


@pytest.mark.parametrize("role", ROLES_WITH_ACCESS)
def test_every_role_lists_every_school(world, role):
    response = api(world.user(role)).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(s["code"], s["name"], s["level"], s["active"]) for s in body["results"]] == [
        ("A100", "Alpha Elementary", "elementary", True),
        ("B200", "Beta Middle", "middle", True),
    ]


def test_school_fields(world):
    row = api(world.user("ppw")).get(LIST).json()["results"][0]
    assert set(row) == {"id", "code", "name", "level", "street", "city", "state", "postal_code", "phone", "active"}
    assert row["id"] == world.school_a.pk and row["state"] == "MD"


def test_list_pages(world):
    for n in range(3):
        f.school(code=f"C{n}00", name=f"Gamma {n}")
    body = api(world.user("director")).get(LIST, {"page_size": 2, "page": 2}).json()
    assert body["count"] == 5 and [s["code"] for s in body["results"]] == ["C000", "C100"]
    assert body["previous"] and body["next"]


@pytest.mark.parametrize("code", ["A100", "B200"])
def test_detail_by_code(world, code):
    response = api(world.user("ppw")).get(f"{LIST}{code}/")
    assert response.status_code == 200
    assert response.json()["code"] == code
    assert response.json()["id"] == School.objects.get(code=code).pk


@pytest.mark.parametrize("code", ["Z999", "a100", "A100%20", "A100.json", "..", "%00"])
def test_unknown_or_malformed_code_is_4xx_json(world, code):
    response = api(world.user("director")).get(f"{LIST}{code}/")
    assert response.status_code in (400, 404), code
    assert response.status_code == (400 if code == "%00" else 404)
    assert response["Content-Type"] == "application/json"


def test_role_less_user_and_anonymous(world):
    assert api(world.user("none")).get(LIST).status_code == 404
    assert api(world.user("none")).get(f"{LIST}A100/").status_code == 404
    assert Client().get(LIST).status_code == 401
    assert Client().get(f"{LIST}A100/").status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("body", ['{"code": "X1", "name": "New"}', "{oops", ""])
def test_writes_are_405_never_500(world, method, body):
    client = api(world.user("director"))
    for url in (LIST, f"{LIST}A100/"):
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == 405, (method, url)
        assert "detail" in response.json()
    assert sorted(School.objects.values_list("code", flat=True)) == ["A100", "B200"]
