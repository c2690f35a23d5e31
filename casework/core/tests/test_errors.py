"""Health check and error pages: readable, no traceback, a database outage says so with a 503."""

from __future__ import annotations

import re
import sys
from unittest import mock

import pytest
from django.db import DatabaseError, OperationalError, connections
from django.test import Client, RequestFactory

from casework.core import views

TRACE_WORDS = ("Traceback", "OperationalError", "secret detail", "db.internal", "ValueError", "student 4411",
               "File &quot;", 'File "')


def heading(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)
    return " ".join(match.group(1).split()) if match else ""


def assert_no_internals(body: str) -> None:
    for word in TRACE_WORDS:
        assert word not in body, word


# --- /healthz -----------------------------------------------------------------------------------------


def test_healthz_ok(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_raises(db, client, caplog):
    with mock.patch.object(connections["default"], "cursor", side_effect=OperationalError("could not connect")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    assert "health check: database unreachable" in caplog.text


def test_healthz_503_when_query_fails(db, client):
    cursor = mock.MagicMock()
    cursor.__enter__.return_value.execute.side_effect = DatabaseError("disk I/O error")
    with mock.patch.object(connections["default"], "cursor", return_value=cursor):
        assert client.get("/healthz").status_code == 503


# --- 500 / 503 handler --------------------------------------------------------------------------------


@pytest.fixture
def crashing_client(db, settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.urls("casework.core.tests.boom_urls")
def test_database_error_in_a_page_is_a_readable_503(crashing_client):
    response = crashing_client.get("/boom/db/")
    assert response.status_code == 503
    body = response.content.decode()
    assert heading(body) == "Casework cannot reach its database"
    assert "Nothing you typed was saved by this request." in body
    assert_no_internals(body)


@pytest.mark.urls("casework.core.tests.boom_urls")
def test_database_error_behind_another_error_is_still_a_503(crashing_client):
    response = crashing_client.get("/boom/db-wrapped/")
    assert response.status_code == 503
    assert_no_internals(response.content.decode())


@pytest.mark.urls("casework.core.tests.boom_urls")
def test_other_errors_are_a_readable_500(crashing_client):
    response = crashing_client.get("/boom/bug/")
    assert response.status_code == 500
    body = response.content.decode()
    assert heading(body) == "Something went wrong"
    assert "nothing was half-saved" in body
    assert_no_internals(body)


@pytest.mark.urls("casework.core.tests.boom_urls")
def test_api_errors_are_json(crashing_client):
    response = crashing_client.get("/api/v1/boom/db/")
    assert response.status_code == 503
    assert response.json() == {"detail": "Casework cannot reach its database. Nothing you typed was saved by this "
                                         "request. Try again in a few minutes; if it keeps happening, tell your "
                                         "system administrator."}


def test_server_error_called_inside_an_except_block(db):
    request = RequestFactory().get("/students/1/")
    try:
        raise OperationalError("the database system is shutting down")
    except OperationalError:
        response = views.server_error(request)
    assert response.status_code == 503
    assert b"Casework cannot reach its database" in response.content
    try:
        raise KeyError("x")
    except KeyError:
        response = views.server_error(request)
    assert response.status_code == 500


def test_server_error_outside_an_exception_is_a_500(db):
    assert sys.exc_info() == (None, None, None)
    assert views.server_error(RequestFactory().get("/")).status_code == 500


def test_error_page_renders_without_the_database(db):
    request = RequestFactory().get("/")
    with mock.patch.object(connections["default"], "cursor", side_effect=OperationalError("down")):
        try:
            raise OperationalError("down")
        except OperationalError:
            response = views.server_error(request)
    assert response.status_code == 503


# --- 404 / 400 ----------------------------------------------------------------------------------------


def test_404_is_the_friendly_page(db, client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert heading(body) == "Not found"
    assert "There is nothing here, or it is not in your caseload or schools." in body
    assert "Page not found at" not in body  # Django's technical 404
    assert "/no/such/page/" not in body


def test_out_of_scope_and_missing_records_look_the_same(world, client, settings):
    settings.DEBUG = False
    client.force_login(world.user("ppw"))
    out_of_scope = client.get(f"/students/{world.student_b.pk}/")
    missing = client.get("/students/99999999/")
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.content == missing.content


def test_nul_in_query_string_is_a_400_page(db, client, settings):
    settings.DEBUG = False
    response = client.get("/students/?q=%00")
    assert response.status_code == 400
    assert "That request could not be understood" in response.content.decode()


def test_nul_in_api_query_string_is_a_400_json(db, client):
    response = client.get("/api/v1/students/?search=a%00b")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("That request could not be understood.")
