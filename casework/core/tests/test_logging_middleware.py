"""Logs never carry query strings; every response carries its request id."""

from __future__ import annotations

import logging
import re

import pytest

from casework.core import context
from casework.core.logging import StripQueryStringFilter

HEX32 = re.compile(r"[0-9a-f]{32}")


def filtered(msg, *args) -> str:
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, msg, args or None, None)
    assert StripQueryStringFilter().filter(record) is True  # never drops the line, only cleans it
    return record.getMessage()


# --- StripQueryStringFilter ---------------------------------------------------------------------------


def test_django_server_style_record_loses_the_query():
    line = filtered("%s %s %s", '"GET /students/?q=maria HTTP/1.1"', 200, 10)
    assert line == '"GET /students/ HTTP/1.1" 200 10'


def test_runserver_format_loses_the_query():
    line = filtered('"%s" %s %s', "GET /students/?q=maria%20garcia&school=3 HTTP/1.1", "200", "5120")
    assert line == '"GET /students/ HTTP/1.1" 200 5120'


def test_calendar_feed_secret_is_masked():
    line = filtered("%s %s %s", '"GET /feed/Zx9-secretTOKEN_1.ics HTTP/1.1"', 200, 10)
    assert line == '"GET /feed/[secret] HTTP/1.1" 200 10'


def test_gunicorn_access_line_masks_the_feed_secret():
    from types import SimpleNamespace

    from gunicorn.config import Config

    from casework.core.logging import gunicorn_logger_class

    logger = gunicorn_logger_class()(Config())
    environ = {"RAW_URI": "/feed/Zx9-secret.ics?x=1", "PATH_INFO": "/feed/Zx9-secret.ics", "QUERY_STRING": "x=1",
               "REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}
    req = SimpleNamespace(headers=[], method="GET", path="/feed/Zx9-secret.ics", query="x=1", uri=environ["RAW_URI"],
                          version=(1, 1))
    resp = SimpleNamespace(status="200 OK", headers=[], response_length=10, sent=10)
    atoms = logger.atoms(resp, req, environ, __import__("datetime").timedelta(seconds=0.01))
    assert atoms["U"] == "/feed/[secret]" and "Zx9" not in atoms["r"]


def test_query_in_the_message_itself():
    assert filtered("GET /students/?q=jos%C3%A9 took 12ms") == "GET /students/ took 12ms"


def test_several_urls_in_one_line():
    line = filtered("redirect %s -> %s", "/a/?q=maria", "/accounts/login/?next=/students/%3Fq%3Dmaria")
    assert line == "redirect /a/ -> /accounts/login/"


def test_mapping_args_lose_the_query():
    line = filtered("%(method)s %(path)s", {"method": "GET", "path": "/students/?q=maria"})
    assert "maria" not in line
    assert line == "GET /students/"


def test_object_args_lose_the_query():
    class Req:
        def __str__(self):
            return "<WSGIRequest: GET '/students/?q=maria'>"

    line = filtered("Bad request %s", Req())
    assert "maria" not in line


def test_numbers_and_plain_lines_are_untouched():
    assert filtered("%s items in %d ms (%.1f%%)", 3, 12, 99.5) == "3 items in 12 ms (99.5%)"
    assert filtered("GET /students/12/ HTTP/1.1") == "GET /students/12/ HTTP/1.1"


def test_filter_is_installed_on_the_console_handler(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert "strip_query" in handler["filters"]
    assert settings.LOGGING["filters"]["strip_query"]["()"] == "casework.core.logging.StripQueryStringFilter"


def test_a_logged_search_url_reaches_no_handler_with_the_name(caplog):
    logger = logging.getLogger("casework.test.strip")
    handler = logging.StreamHandler()
    handler.addFilter(StripQueryStringFilter())
    records: list[str] = []
    handler.emit = lambda record: records.append(handler.format(record))  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        logger.warning("slow request %s", "/students/?q=maria")
    finally:
        logger.removeHandler(handler)
    assert records == ["slow request /students/"]


# --- RequestContextMiddleware -------------------------------------------------------------------------


def test_response_gets_a_fresh_request_id(db, client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert HEX32.fullmatch(first) and HEX32.fullmatch(second)
    assert first != second


@pytest.mark.parametrize("incoming", ["abcdef12", "req-2026-11-23-0001", "A" * 64,
                                      "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"])
def test_well_formed_incoming_id_is_kept_behind_a_proxy(db, client, settings, incoming):
    settings.BEHIND_PROXY = True
    assert client.get("/healthz", headers={"X-Request-ID": incoming})["X-Request-ID"] == incoming


def test_without_a_proxy_a_client_cannot_choose_the_request_id(db, client):
    """The id ends up in audit rows; a client must not be able to forge it."""
    response = client.get("/healthz", headers={"X-Request-ID": "req-2026-11-23-0001"})
    assert HEX32.fullmatch(response["X-Request-ID"])


def test_signed_in_pages_and_api_are_not_cached(world, client):
    client.force_login(world.user("director"))
    for url in (f"/students/{world.student_a.pk}/", f"/api/v1/students/{world.student_a.pk}/", "/"):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


@pytest.mark.parametrize("incoming", ["abc", "A" * 65, "bad id!", "<script>x</script>", "abcdefgh\n",
                                      "abcdefgh\nX-Evil: 1", "abc/def/ghi", "ééééééééé", ""])
def test_malformed_incoming_id_is_replaced(db, client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert response.status_code == 200
    assert HEX32.fullmatch(response["X-Request-ID"])


def test_request_id_reaches_the_audit_records(world, client, settings):
    settings.BEHIND_PROXY = True
    from casework.audit.models import AccessLog

    client.force_login(world.user("director"))
    response = client.get(f"/students/{world.student_a.pk}/", headers={"X-Request-ID": "trace-abc-12345"})
    assert response["X-Request-ID"] == "trace-abc-12345"
    assert AccessLog.objects.get().request_id == "trace-abc-12345"


def test_api_requests_get_the_api_source(world, client):
    from casework.accounts.services import token_issue
    from casework.audit.models import AccessLog

    key = token_issue(actor=None, user=world.user("director"))
    response = client.get(f"/api/v1/students/{world.student_a.pk}/", headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.source, entry.actor_label, entry.request_id) == ("api", "t-director", response["X-Request-ID"])


def test_context_is_closed_after_the_request(db, client):
    client.get("/healthz")
    ctx = context.current()
    assert ctx.actor is None
    assert ctx.source == "cli"


# --- audit context ------------------------------------------------------------------------------------


def test_audit_context_nests_and_restores():
    outer_default = context.current()
    assert (outer_default.actor, outer_default.source) == (None, "cli")
    with context.audit_context(source=context.Source.JOB, request_id="job-1") as job:
        assert context.current() is job
        with context.audit_context(source=context.Source.IMPORT) as imp:
            assert context.current().source == "import"
            assert HEX32.fullmatch(imp.request_id)
            context.set_actor("someone")
            assert context.current().actor == "someone"
        assert context.current() is job
        assert context.current().request_id == "job-1"
    assert context.current().source == "cli"


def test_default_context_gets_a_new_request_id_each_time():
    assert context.current().request_id != context.current().request_id
