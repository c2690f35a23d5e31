"""A student whose SIS sent no birth date (a OneRoster bundle without demographics.csv): every page,
the API, letters and the hearing packet say it is not recorded instead of failing."""

from __future__ import annotations

import datetime

from django.test import Client

from casework.accounts.services import token_issue
from casework.students import services as st

D = datetime.date


def unknown_birth(world):
    return st.student_update(actor=None, student=world.student_a, date_of_birth=None)


def test_age_is_unknown(world):
    assert unknown_birth(world).age_on(D(2026, 11, 24)) is None
    assert world.student_b.age_on(D(2026, 11, 24)) is not None


def test_profile_and_search_say_not_recorded(world, client):
    unknown_birth(world)
    client.force_login(world.user("ppw"))
    body = client.get(f"/students/{world.student_a.pk}/").content.decode()
    assert "birth date not recorded" in body and "<dt>Date of birth</dt><dd>Not recorded</dd>" in body
    found = client.post("/students/", {"q": "garcía"}, headers={"HX-Request": "true"}).content.decode()
    assert "<td>Not recorded</td>" in found


def test_api_gives_null(world):
    unknown_birth(world)
    token = token_issue(actor=None, user=world.user("ppw"))
    api = Client(headers={"Authorization": f"Token {token}"})
    assert api.get(f"/api/v1/students/{world.student_a.pk}/").json()["date_of_birth"] is None
    listed = api.get("/api/v1/students/", {"q": "garcia"}).json()["results"]
    assert [row["date_of_birth"] for row in listed] == [None]
