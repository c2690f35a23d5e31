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


# --- the case list and the staff pickers ------------------------------------------------------------

CASE_WORKER_ROLES = ("ppw", "supervisor", "director")


def case_staff():
    """Active staff who can be named on cases (owner, co-worker): PPWs, supervisors, the director.
    Accounts hold no student data, so this list is not scoped; whether one of them may work a given
    case is checked by the services (assignments.can_work_student)."""
    from django.contrib.auth import get_user_model

    from casework.accounts.models import RoleAssignment

    ids = RoleAssignment.objects.active().filter(role__in=CASE_WORKER_ROLES).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name", "username")


def case_list(user, *, mine: bool, filters: dict, sort: str):
    """The Cases page rows: the user's cases (owner or co-worker) or every case they may work."""
    from .models import named_on_case

    rows = Case.objects.for_user(user, "case.work").select_related("student", "owner")
    if mine:
        rows = rows.filter(named_on_case(user))
    if filters.get("status") == "open_any":
        rows = rows.open()
    elif filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("case_type"):
        rows = rows.filter(case_type=filters["case_type"])
    if filters.get("school"):
        from casework.students.models import scope_enrollments

        rows = rows.filter(student__in=scope_enrollments(recent_exits=True).filter(school_id=filters["school"])
                           .values("student_id"))
    if filters.get("owner"):
        rows = rows.filter(owner_id=filters["owner"])
    order = {"opened": ["opened_on", "id"], "-opened": ["-opened_on", "-id"]}.get(sort, ["-opened_on", "-id"])
    return rows.distinct().order_by(*order)


def caseload_to_move(user, action: str, *, owner, school=None) -> tuple[list[Case], int]:
    """The bulk-reassign preview: the owner's open cases (at one school, if given) the user may move,
    and how many more of the owner's open crisis/child-welfare cases in the user's schools the user may
    not see. Only that count is told ("N restricted cases need the director"), nothing else of them."""
    from casework.students.models import Student, scope_enrollments

    from .choices import SENSITIVE_TYPES

    def narrow(rows):
        rows = rows.open().filter(owner=owner)
        if school is not None:
            rows = rows.filter(student__in=scope_enrollments(recent_exits=True).filter(school=school)
                               .values("student_id"))
        return rows

    visible = narrow(Case.objects.for_user(user, action))
    restricted = (narrow(Case.objects.filter(case_type__in=SENSITIVE_TYPES))
                  .filter(student__in=Student.objects.for_user(user, action).values("pk"))
                  .exclude(pk__in=visible.values("pk")).count())
    return list(visible.order_by("opened_on", "id")), restricted
