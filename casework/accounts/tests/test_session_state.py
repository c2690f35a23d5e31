"""The session check session.js polls: whose session this is, and nothing else."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from casework.audit.models import AccessLog
from casework.core.testing import factories as f

pytestmark = pytest.mark.django_db
URL = "/accounts/session/"


@pytest.fixture
def ppw():
    school = f.school(code="S100", name="Sample Elementary")
    user = f.user(username="ppw-session", role="ppw", schools=[school])
    f.case(student=f.student(school=school, first_name="Ximena", last_name="Quillfeather"), owner=user)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_signed_in_user_gets_their_id_and_nothing_else(ppw):
    response = client_for(ppw).get(URL)
    assert response.status_code == 200
    assert response.json() == {"user": ppw.pk}
    body = response.content.decode()
    assert "Quillfeather" not in body and "ppw-session" not in body
    assert "no-store" in response["Cache-Control"]


def test_anonymous_gets_401_not_a_redirect(db):
    response = Client().get(URL)
    assert response.status_code == 401
    assert response.json() == {"user": None}
    assert response["WWW-Authenticate"] == "Session"
    assert "no-store" in response["Cache-Control"]


def test_polling_writes_no_access_log_and_does_not_extend_the_session(ppw):
    client = client_for(ppw)
    session = Session.objects.get()
    before = (session.expire_date, session.session_data)
    logged = AccessLog.objects.count()
    for _ in range(5):
        response = client.get(URL)
        assert response.status_code == 200
        assert "sessionid" not in response.cookies  # nothing saved: the 8 hours run from the last write
    assert AccessLog.objects.count() == logged
    session.refresh_from_db()
    assert (session.expire_date, session.session_data) == before


def test_only_get(ppw):
    assert client_for(ppw).post(URL).status_code == 405


def test_pages_carry_what_session_js_needs(ppw, settings):
    """The user's id (never a name) and the CSRF cookie's name: after signing in again session.js sends a form
    with the cookie's new token, which an HttpOnly or session-held token would make impossible."""
    assert settings.CSRF_COOKIE_HTTPONLY is False and settings.CSRF_USE_SESSIONS is False
    signed_in = client_for(ppw).get("/").content.decode()
    assert f'data-user="{ppw.pk}"' in signed_in and 'data-session-url="/accounts/session/"' in signed_in
    assert f'data-csrf-cookie="{settings.CSRF_COOKIE_NAME}"' in signed_in
    assert 'data-user=""' in Client().get("/accounts/login/").content.decode()
