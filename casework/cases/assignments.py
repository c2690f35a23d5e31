"""Who works a case: its owner (single and bulk transfers, with the history kept in CaseAssignment),
co-workers, and the siblings or household members linked to it. Each change is a timeline entry."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.audit import services as audit
from casework.core.services import create_audited, delete_audited, update_audited
from casework.students.models import Student

from .choices import EventKind
from .models import Case, CaseAssignment, CaseStudentLink, CaseWorker
from .timeline import timeline_record


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else "nobody"


def can_work_student(user, student_id: int) -> bool:
    """Whether `user` has case.work on the student (their schools, or district-wide). Sensitive-type
    restrictions are not asked here: being named on the case is what lifts them."""
    return Student.objects.for_user(user, "case.work").filter(pk=student_id).exists()


def _check_worker(user, case: Case, what: str) -> None:
    if user is None or not user.is_active:
        raise ValidationError(f"Pick an active staff member as the {what}.")
    if not can_work_student(user, case.student_id):
        raise ValidationError(f"{_name(user)} cannot work case {case.number}: the student is not in their schools.")


@transaction.atomic
def case_assign(*, actor, case: Case, to_user, reason: str, expected_version: int | None = None) -> Case:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the case changes hands (e.g. school reassigned)."})
    if case.owner_id == getattr(to_user, "pk", None):
        raise ValidationError(f"{_name(to_user)} already owns case {case.number}.")
    _check_worker(to_user, case, "new owner")
    before = case.owner
    case = update_audited(case, actor=actor, expected_version=expected_version, owner=to_user)
    history = create_audited(CaseAssignment, actor=actor, case=case, from_user=before, to_user=to_user,
                             assigned_by=actor, reason=reason)
    timeline_record(case=case, kind=EventKind.ASSIGNMENT, actor=actor, source=history,
                    summary=f"Owner {_name(before)} → {_name(to_user)}: {reason}")
    return case


@transaction.atomic
def case_assign_bulk(*, actor, cases: Iterable[Case], to_user, reason: str) -> list[Case]:
    """All or nothing: if the new owner cannot work one of the cases, none moves and the message says which."""
    cases = [c for c in cases if c.owner_id != getattr(to_user, "pk", None)]
    if not reason.strip():
        raise ValidationError({"reason": "Say why the cases change hands (e.g. school reassigned)."})
    if not cases:
        raise ValidationError("No case to move: none selected, or the new owner already owns them all.")
    if to_user is None or not to_user.is_active:
        raise ValidationError("Pick an active staff member as the new owner.")
    workable = set(Student.objects.for_user(to_user, "case.work")
                   .filter(pk__in={c.student_id for c in cases}).values_list("pk", flat=True))
    refused = [c.number for c in cases if c.student_id not in workable]
    if refused:
        shown = ", ".join(refused[:10]) + (f" and {len(refused) - 10} more" if len(refused) > 10 else "")
        raise ValidationError(f"{_name(to_user)} cannot work {len(refused)} of these cases (students outside "
                              f"their schools): {shown}. Nothing was moved.")
    return [case_assign(actor=actor, case=c, to_user=to_user, reason=reason) for c in cases]


@transaction.atomic
def case_worker_add(*, actor, case: Case, user) -> CaseWorker:
    if case.owner_id == getattr(user, "pk", None):
        raise ValidationError(f"{_name(user)} owns this case already.")
    if CaseWorker.objects.filter(case=case, user=user).exists():
        raise ValidationError(f"{_name(user)} is already a co-worker on this case.")
    _check_worker(user, case, "co-worker")
    worker = CaseWorker.objects.create(case=case, user=user)
    audit.record_change(actor=actor, instance=worker, action=audit.CREATE, before=None)
    timeline_record(case=case, kind=EventKind.ASSIGNMENT, actor=actor, summary=f"Co-worker added: {_name(user)}")
    return worker


@transaction.atomic
def case_worker_remove(*, actor, case: Case, user) -> None:
    worker = CaseWorker.objects.filter(case=case, user=user).first()
    if worker is None:
        raise ValidationError(f"{_name(user)} is not a co-worker on this case.")
    audit.record_change(actor=actor, instance=worker, action=audit.DELETE, before=audit.snapshot(worker), after=None)
    worker.delete()
    timeline_record(case=case, kind=EventKind.ASSIGNMENT, actor=actor, summary=f"Co-worker removed: {_name(user)}")


@transaction.atomic
def case_student_link(*, actor, case: Case, student: Student, relationship: str = "") -> CaseStudentLink:
    """Link a sibling or household member. The actor must be allowed to see that student."""
    if actor is not None and not Student.objects.for_user(actor, "student.view").filter(pk=student.pk).exists():
        raise ValidationError("That student is not in your schools.")
    if student.pk == case.student_id:
        raise ValidationError("That is the case's own student.")
    if CaseStudentLink.objects.filter(case=case, student=student).exists():
        raise ValidationError("That student is already linked to this case.")
    link = create_audited(CaseStudentLink, actor=actor, case=case, student=student,
                          relationship=relationship.strip()[:100])
    # District ID, not the name: the timeline is printed and handed on.
    timeline_record(case=case, kind=EventKind.NOTE, actor=actor, source=link,
                    summary=f"Linked student ID {student.district_id}"
                    + (f" ({link.relationship})" if link.relationship else ""))
    return link


@transaction.atomic
def case_student_unlink(*, actor, link: CaseStudentLink) -> None:
    case, district_id = link.case, link.student.district_id
    delete_audited(link, actor=actor)
    timeline_record(case=case, kind=EventKind.NOTE, actor=actor, summary=f"Unlinked student ID {district_id}")
