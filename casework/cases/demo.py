"""Demo cases: about 60% of the demo students flagged chronically absent or truant get an attendance
case, plus a handful of homeless, residency, home & hospital and family services cases, one child
welfare and one crisis case (restricted). Owners are the PPW covering the student's school (ppw1/ppw2
first); about a quarter are closed with a reason and outcome, a few are on hold or wait for closure
approval; some have a co-worker. Written through the services, back-dated over the last months.

The other demo seeds (referrals, contacts, plans, tasks) run after this one and read the open cases."""

from __future__ import annotations

import datetime
import random

from django.db.models import Q

from casework.accounts.models import RoleAssignment, User
from casework.indicators.models import StudentIndicator
from casework.students.models import Enrollment, Student

from . import services
from .assignments import case_worker_add
from .choices import CaseType
from .models import Case
from .timeline import at_start_of

MAX_ATTENDANCE_CASES = 400  # keeps the seed to seconds on a large demo district
CLOSURES = [
    ("Attendance improved", "Attendance above 90% for six consecutive weeks after the attendance contract."),
    ("Student withdrew", "Family moved out of state; records sent to the new school."),
    ("Goals met", "Mentoring and check-in/check-out worked; no unexcused absence since the plan review."),
    ("Referred to outside agency", "Family now works with the county's family preservation program."),
    ("Student aged out", "Student turned 18 and enrolled in an adult education program."),
]
HOLD_REASONS = ["Student in hospital until further notice", "Family abroad for a funeral, back next month",
                "Waiting for the court hearing date"]
APPROVAL_TYPES = (CaseType.CHILD_WELFARE, CaseType.CRISIS, CaseType.HOME_HOSPITAL)


def _ppws_by_school() -> dict[int, list[User]]:
    """School id -> the PPWs covering it, the demo accounts first (they are the ones people log in as)."""
    result: dict[int, list[User]] = {}
    for ra in (RoleAssignment.objects.active().filter(role="ppw", school__isnull=False, user__is_active=True)
               .select_related("user").order_by("user__username")):
        result.setdefault(ra.school_id, []).append(ra.user)
    for users in result.values():
        users.sort(key=lambda u: (u.username not in ("ppw1", "ppw2"), u.username))
    return result


def _current_school(student_ids) -> dict[int, int]:
    rows = Enrollment.objects.filter(student_id__in=student_ids, exit_date__isnull=True).order_by("entry_date")
    return {e.student_id: e.school_id for e in rows}


def _open(rng, *, student_id: int, school_id: int, case_type: str, owners, today, days=(10, 150)) -> Case | None:
    if not owners.get(school_id):
        return None
    # Most go to the demo PPW who covers the school; some to the school's other PPWs, so the director's
    # caseload dashboard has more than two people on it (and something to balance).
    here = owners[school_id]
    owner = here[0] if len(here) == 1 or rng.random() < 0.7 else rng.choice(here[1:])
    opened = today - datetime.timedelta(days=rng.randint(*days))
    student = Student.objects.get(pk=student_id)
    return services.case_open(actor=owner, student=student, case_type=case_type, owner=owner, opened_on=opened)


def _story(rng, case: Case, *, today, supervisor, owners_here) -> None:
    """Move a freshly opened case along: active, maybe on hold, closed or pending closure, a co-worker."""
    owner = case.owner
    age = (today - case.opened_on).days
    if age > 7:
        started = case.opened_on + datetime.timedelta(days=rng.randint(1, 7))
        case = services.case_set_status(actor=owner, case=case, status="active", occurred_at=at_start_of(started))
    roll = rng.random()
    if roll < 0.25 and age > 30 and not services.closure_needs_approval(case.case_type):
        reason, outcome = rng.choice(CLOSURES)
        closed = case.opened_on + datetime.timedelta(days=rng.randint(21, age - 1))
        services.case_close(actor=owner, case=case, closure_reason=reason, outcome=outcome, closed_on=closed)
        return
    if roll < 0.32:
        case = services.case_set_status(actor=owner, case=case, status="on_hold", reason=rng.choice(HOLD_REASONS),
                                        occurred_at=at_start_of(today - datetime.timedelta(days=rng.randint(1, 10))))
    elif roll < 0.36:
        case = services.case_set_status(actor=owner, case=case, status="pending_closure",
                                        reason="Waiting for the last attendance report",
                                        occurred_at=at_start_of(today - datetime.timedelta(days=rng.randint(1, 5))))
    if rng.random() < 0.12:
        helper = next((u for u in owners_here if u != owner), supervisor)
        if helper is not None:
            case_worker_add(actor=owner, case=case, user=helper)


def demo_seed(*, rng: random.Random, today: datetime.date) -> None:
    owners = _ppws_by_school()
    supervisor = User.objects.filter(username="supervisor").first()
    for case_type in APPROVAL_TYPES:
        services.case_type_setting_set(actor=None, case_type=case_type, closure_needs_approval=True)

    flags = Q(chronic_absent=True) | Q(habitual_truant=True) | Q(truant_7_302_2=True)
    flagged = sorted(set(StudentIndicator.objects.filter(flags).values_list("student_id", flat=True)))
    schools = _current_school(flagged)
    chosen = [sid for sid in flagged if sid in schools and rng.random() < 0.6]
    # The demo PPWs' students first, so ppw1 and ppw2 log in to a full caseload.
    chosen.sort(key=lambda sid: owners.get(schools[sid], [None])[0] is None
                or owners[schools[sid]][0].username not in ("ppw1", "ppw2"))
    with_case: set[int] = set()
    for sid in chosen[:MAX_ATTENDANCE_CASES]:
        case = _open(rng, student_id=sid, school_id=schools[sid], case_type=CaseType.ATTENDANCE, owners=owners,
                     today=today)
        if case is not None:
            with_case.add(sid)
            _story(rng, case, today=today, supervisor=supervisor, owners_here=owners[schools[sid]])

    # A handful of other work, at the demo PPWs' schools.
    demo_schools = [sid for sid, users in owners.items() if users[0].username in ("ppw1", "ppw2")] or list(owners)
    pool = list(Enrollment.objects.filter(school_id__in=demo_schools, exit_date__isnull=True)
                .exclude(student_id__in=with_case).order_by("student_id").values_list("student_id", "school_id"))
    rng.shuffle(pool)
    homeless = set(Student.objects.filter(homeless=True, pk__in=[p[0] for p in pool]).values_list("pk", flat=True))
    pool.sort(key=lambda p: p[0] not in homeless)  # McKinney-Vento cases for students flagged homeless first
    plan = [CaseType.HOMELESS] * 3 + [CaseType.RESIDENCY] * 3 + [CaseType.HOME_HOSPITAL] * 2 + \
        [CaseType.FAMILY_SERVICES] * 3 + [CaseType.CUSTODY, CaseType.CHILD_WELFARE, CaseType.CRISIS]
    for case_type, (sid, school_id) in zip(plan, pool, strict=False):
        case = _open(rng, student_id=sid, school_id=school_id, case_type=case_type, owners=owners, today=today,
                     days=(5, 90))
        if case is None:
            continue
        if case.is_sensitive:
            # Restricted: the supervisor sees it only because they are named on it.
            if supervisor is not None:
                case_worker_add(actor=case.owner, case=case, user=supervisor)
            services.case_set_status(actor=case.owner, case=case, status="active",
                                     occurred_at=at_start_of(case.opened_on))
        elif case_type == CaseType.HOME_HOSPITAL and not Case.objects.filter(status="pending_closure",
                                                                             case_type=case_type).exists():
            # One closure waiting in the supervisor's Approvals queue.
            case = services.case_set_status(actor=case.owner, case=case, status="active",
                                            occurred_at=at_start_of(case.opened_on))
            services.case_request_close(actor=case.owner, case=case, closure_reason="Student back in school",
                                        outcome="Home teaching ended after six weeks; returned full days.")
        else:
            _story(rng, case, today=today, supervisor=supervisor, owners_here=owners[school_id])
