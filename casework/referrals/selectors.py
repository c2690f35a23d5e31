"""Reads of referrals for pages, the API, services and the lead's "My day" page. Rows reach a user
only through the policy (for_user)."""

from __future__ import annotations

from django.db.models import Case as DbCase
from django.db.models import IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from casework.accounts.models import RoleAssignment, User
from casework.cases.choices import OPEN_STATUSES
from casework.cases.models import Case
from casework.core import policy
from casework.schools.models import School
from casework.students.models import Enrollment, Student, scope_enrollments

from .choices import URGENCY_RANK, ReferralStatus
from .models import Referral


def referrals_for(user, action: str = "referral.view") -> QuerySet[Referral]:
    return (Referral.objects.for_user(user, action)
            .select_related("student", "school", "referred_by", "forwarded_to", "case"))


def triage_queue(user) -> QuerySet[Referral]:
    """What waits for the user's decision: new referrals of students in their referral.triage scope and
    those forwarded to them, most urgent first, then oldest first (nobody waits behind newer ones)."""
    rank = DbCase(*(When(urgency=u, then=Value(r)) for u, r in URGENCY_RANK.items()),
                 default=Value(9), output_field=IntegerField())
    return (referrals_for(user, "referral.triage")
            .filter(Q(status=ReferralStatus.SUBMITTED) | Q(status=ReferralStatus.FORWARDED, forwarded_to=user))
            .annotate(urgency_rank=rank).order_by("urgency_rank", "created_at", "id"))


def referring_schools(user, student: Student, action: str = "referral.create") -> list[School]:
    """Schools the user may refer this student from: the student's current enrollments at schools the
    action reaches for the user (any current school for district-wide roles)."""
    today = timezone.localdate()
    rows = (Enrollment.objects.for_user(user, action).filter(student=student, entry_date__lte=today)
            .filter(Q(exit_date__isnull=True) | Q(exit_date__gte=today)).select_related("school")
            .order_by("-primary", "school__name"))
    allowed = policy.school_ids_for(user, action)
    seen: dict[int, School] = {}
    for row in rows:
        if allowed is None or row.school_id in allowed:
            seen.setdefault(row.school_id, row.school)
    return list(seen.values())


def matching_open_case(student: Student, case_types: set[str]) -> Case | None:
    """The oldest open case of the student of one of these types (the duplicate flag). Integrity check
    for services: not a read shown to anyone as such."""
    return (Case.objects.filter(student=student, status__in=OPEN_STATUSES, case_type__in=case_types)
            .order_by("opened_on", "id").first())


def _people_who_may(action: str, student_id: int) -> list[User]:
    """Active users whose roles grant `action` on this student. A cheap query narrows them to district-wide
    roles and school roles at one of the student's schools; policy.can then decides each (one rule)."""
    rules = policy.MATRIX[action]
    schools = scope_enrollments(recent_exits=True).filter(student_id=student_id).values("school_id")
    roles = RoleAssignment.objects.active().filter(role__in=list(rules)).filter(
        Q(school__isnull=True) | Q(school_id__in=schools))
    users = User.objects.filter(is_active=True, pk__in=roles.values("user_id")).order_by(
        "last_name", "first_name", "username")
    return [u for u in users if Student.objects.for_user(u, action).filter(pk=student_id).exists()]


def forward_candidates(referral: Referral, *, exclude=None) -> list[User]:
    """People who could take this referral: anyone with referral.triage on its student (the school's
    other PPWs, supervisors, the director)."""
    return [u for u in _people_who_may("referral.triage", referral.student_id)
            if exclude is None or u.pk != exclude.pk]


def open_cases_to_attach(user, referral: Referral) -> list[Case]:
    """The student's open cases the accepting PPW may work: a referral can join one instead of opening a
    second case."""
    return list(Case.objects.for_user(user, "case.work").filter(student=referral.student_id, status__in=OPEN_STATUSES)
                .select_related("owner").order_by("opened_on", "id"))


def case_owners(user, referral: Referral) -> list[User]:
    """Who may own a case opened from this referral: the people with case.open on the student."""
    owners = _people_who_may("case.open", referral.student_id)
    return owners if any(u.pk == user.pk for u in owners) else [user, *owners]
