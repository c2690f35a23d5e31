"""Reads of cases for the case pages of every app: one place that finds the case through the policy
and logs the access (a case page is a read of the student's record)."""

from __future__ import annotations

from django.http import Http404

from casework.audit import services as audit
from casework.audit.models import AccessLog

from .models import Case
from .tabs import tabs_for


def case_for(user, pk: int, action: str = "case.work") -> Case:
    """The case if the user may work it, else 404 (never 403: no existence leak)."""
    case = (Case.objects.for_user(user, action).select_related("student", "owner").filter(pk=pk).first())
    if case is None:
        raise Http404
    return case


def case_page(request, pk: int, *, tab: str, action: str = "case.work") -> tuple[Case, dict]:
    """The case and the context every case tab's template needs (cases/_header.html); logs the read."""
    case = case_for(request.user, pk, action)
    audit.log_access(actor=request.user, student=case.student, action=AccessLog.Action.VIEW, detail=f"case {tab}")
    return case, {"case": case, "student": case.student, "tab": tab, "case_tabs": tabs_for(case, tab)}
