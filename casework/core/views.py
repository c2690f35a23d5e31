"""Base views. Every view either declares the policy action it needs or is marked public; the
permission-matrix test refuses any URL whose view does neither."""

from __future__ import annotations

import functools
import logging
import re

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import View

from . import policy

log = logging.getLogger(__name__)


def public(view):
    """Mark a view that needs no sign-in (login page, health check)."""
    view.casework_public = True
    return view


def requires(action: str):
    """Function views: sign-in required, and a role that grants `action`; otherwise 404."""
    policy._rules(action)  # unknown actions fail at import time, not at request time

    def decorate(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not policy.has_action(request.user, action):
                raise Http404
            return func(request, *args, **kwargs)

        wrapper.casework_action = action
        return wrapper

    return decorate


_ROW_ID = re.compile(r"[0-9]{1,18}")  # ASCII only ("²".isdigit() is True); 18 digits fit every id column


def parse_id(raw: str | None) -> int | None:
    """A row id typed, posted or tampered with: an int for plain digits, else None, so a bad value reads
    as "no such row" instead of a 500 (int("²") raises; a 30-digit id overflows the database)."""
    raw = (raw or "").strip()
    return int(raw) if _ROW_ID.fullmatch(raw) else None


def scoped_or_404(model, user, action: str, pk: int):
    """The row if the policy lets `user` reach it for `action`; otherwise 404 (no existence leak)."""
    obj = model.objects.for_user(user, action).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


class PolicyView(LoginRequiredMixin, View):
    """Class views: set `action`. Users whose roles do not grant it get 404 (no existence leak)."""

    action: str = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.action:
            policy._rules(cls.action)
            cls.casework_action = cls.action

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not policy.has_action(request.user, self.action):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class HomeView(LoginRequiredMixin, View):
    casework_signed_in = True  # every signed-in user has a home page

    def get(self, request):
        from casework.students.models import Student

        can_search = policy.has_action(request.user, "student.view")
        context = {
            "can_search": can_search,
            "can_refer": policy.has_action(request.user, "referral.create"),
            "roles": sorted(policy.roles_of(request.user)),
            "student_count": Student.objects.for_user(request.user, "student.view").count() if can_search else 0,
        }
        return render(request, "core/home.html", context)


@public
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        log.warning("health check: database unreachable")
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _is_database_error(exc) -> bool:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:  # a chain can loop back on itself
        if isinstance(exc, DatabaseError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request, *args, **kwargs):
    """A readable page, never a traceback. A database outage answers 503 with its own message."""
    import sys

    exc = sys.exc_info()[1]
    if _is_database_error(exc):
        return _static_error(request, 503, "Casework cannot reach its database",
                             "Nothing you typed was saved by this request. Try again in a few minutes; "
                             "if it keeps happening, tell your system administrator.")
    return _static_error(request, 500, "Something went wrong",
                         "The problem has been logged. Go back and try again; nothing was half-saved.")


def not_found(request, exception=None):
    return _static_error(request, 404, "Not found",
                         "There is nothing here, or it is not in your caseload or schools.")


def bad_request(request, exception=None):
    return _static_error(request, 400, "That request could not be understood",
                         "Go back, check what you entered, and try again.")


def _static_error(request, status: int, title: str, message: str) -> HttpResponse:
    """Rendered without the database or the user (either may be what failed)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": f"{title}. {message}"}, status=status)
    from django.template import loader

    body = loader.get_template("error.html").render({"status": status, "title": title, "message": message})
    return HttpResponse(body, status=status)
