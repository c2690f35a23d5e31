"""Reads for the contact pages, on a case the caller already found through the policy
(cases.selectors.case_page) or on rows from for_user."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from casework.accounts.models import RoleAssignment, User
from casework.cases.models import Case
from casework.core.roles import Role
from casework.students.models import StudentGuardian, scope_enrollments

from .choices import FAMILY_CONTACT_TYPES, ContactType
from .models import Contact, HomeVisit


def contact_attempts(case: Case) -> dict:
    """What a court asks: how many attempts were made to reach the family, how many reached someone, by
    type. Consultations with staff and agencies are counted apart ("other") and never as attempts.

    {"attempts": 7, "reached": 3, "not_reached": 4, "by_type": [{"type", "label", "attempts", "reached"}],
     "other": [{"type", "label", "count"}]}"""
    rows = (Contact.objects.filter(case=case).values("contact_type")
            .annotate(attempts=Count("id"), reached=Count("id", filter=Q(reached=True))))
    by_type = {r["contact_type"]: r for r in rows}
    ordered = [{"type": t.value, "label": t.label, "attempts": by_type[t]["attempts"], "reached": by_type[t]["reached"]}
               for t in ContactType if t in by_type and t in FAMILY_CONTACT_TYPES]
    other = [{"type": t.value, "label": t.label, "count": by_type[t]["attempts"]}
             for t in ContactType if t in by_type and t not in FAMILY_CONTACT_TYPES]
    attempts = sum(r["attempts"] for r in ordered)
    reached = sum(r["reached"] for r in ordered)
    return {"attempts": attempts, "reached": reached, "not_reached": attempts - reached, "by_type": ordered,
            "other": other}


def guardian_choices(case: Case, user):
    """The student's guardian links, call-first order."""
    return (StudentGuardian.objects.for_user(user, "student.view").filter(student_id=case.student_id)
            .select_related("guardian").order_by("contact_order", "id"))


def staff_choices(case: Case):
    """Staff who may have taken part: the PPS office, the people named on the case, and staff of the
    student's current schools. Accounts are not student data; the list keeps the form short."""
    schools = scope_enrollments(recent_exits=True).filter(student_id=case.student_id).values("school_id")
    roles = RoleAssignment.objects.active().filter(
        Q(role__in=[Role.DIRECTOR, Role.SUPERVISOR]) | Q(school_id__in=schools)).values("user_id")
    named = Q(pk=case.owner_id) | Q(case_work__case=case)
    return User.objects.filter(is_active=True).filter(Q(pk__in=roles) | named).distinct().order_by(
        "last_name", "first_name", "username")


def open_visit(case: Case, user) -> HomeVisit | None:
    """The user's own check-in on this case that is still open (the page shows "Check out")."""
    return HomeVisit.objects.still_out().filter(case=case, worker=user).first()


def visit_awaiting_notes(case: Case, user) -> HomeVisit | None:
    """The user's check-in on this case from the last 12 hours with no notes yet: the notes become its
    contact (an older one is another visit, whose notes were never written here)."""
    since = timezone.now() - datetime.timedelta(hours=12)
    return (HomeVisit.objects.filter(case=case, worker=user, contact__isnull=True, checked_in_at__gte=since)
            .order_by("-checked_in_at").first())
