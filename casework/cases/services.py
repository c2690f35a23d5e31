"""Writes of cases, through the audited writes (change record, version check): opening, the status
transitions and closure (with a supervisor's approval where the case type needs it).

Every transition writes a STATUS entry on the case timeline in the same transaction, so the printed
timeline tells a court or a supervisor when and why a case was put on hold, closed or reopened.
Ownership, co-workers and linked students are in assignments.py."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.core.errors import ConflictError
from casework.core.services import create_audited, update_audited
from casework.students.models import Student

from .choices import OPEN_STATUSES, CaseStatus, CaseType, EventKind
from .models import Case, CaseTypeSetting, ClosureRequest
from .timeline import at_start_of, timeline_record

S = CaseStatus

# Status -> the statuses a person may move it to by hand. CLOSED is reached through case_close (or
# the approval of a closure request); REOPENED only through case_reopen.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.OPEN: (S.ACTIVE, S.ON_HOLD, S.PENDING_CLOSURE, S.CLOSED),
    S.ACTIVE: (S.ON_HOLD, S.PENDING_CLOSURE, S.CLOSED),
    S.ON_HOLD: (S.ACTIVE, S.PENDING_CLOSURE, S.CLOSED),
    S.REOPENED: (S.ACTIVE, S.ON_HOLD, S.PENDING_CLOSURE, S.CLOSED),
    S.PENDING_CLOSURE: (S.ACTIVE, S.CLOSED),
    S.CLOSED: (S.REOPENED,),
}
# A supervisor reading the timeline asks "why?" for these; the others may carry an optional note.
REASON_REQUIRED = {S.ON_HOLD, S.REOPENED, S.CLOSED}


@dataclass(frozen=True)
class Transition:
    to: str
    label: str  # the button a PPW reads
    needs_reason: bool
    needs_approval: bool = False  # "close" submits a closure request instead


def closure_needs_approval(case_type: str) -> bool:
    setting = CaseTypeSetting.objects.filter(case_type=case_type).first()
    return bool(setting and setting.closure_needs_approval)


def pending_closure_request(case: Case) -> ClosureRequest | None:
    return ClosureRequest.objects.filter(case=case, status=ClosureRequest.Status.PENDING).first()


def allowed_transitions(case: Case) -> list[Transition]:
    """What the case page offers for this case now, in the order of its buttons."""
    labels = {S.ACTIVE: "Mark active", S.ON_HOLD: "Put on hold", S.PENDING_CLOSURE: "Mark pending closure",
              S.REOPENED: "Reopen case"}
    approval = closure_needs_approval(case.case_type)
    waiting = case.status == S.PENDING_CLOSURE and pending_closure_request(case) is not None
    result = []
    for to in TRANSITIONS[case.status]:
        if to == S.CLOSED:
            if waiting:
                continue  # the supervisor decides; the owner can only take it back to active
            result.append(Transition(to, "Submit closure for approval" if approval else "Close case", True,
                                     needs_approval=approval))
        elif to == S.ACTIVE and waiting:
            result.append(Transition(to, "Withdraw closure request, back to active", False))
        else:
            result.append(Transition(to, labels[to], to in REASON_REQUIRED))
    return result


def _check_move(case: Case, to: str) -> None:
    if to not in TRANSITIONS.get(case.status, ()):
        raise ValidationError(f"A case that is {case.get_status_display().lower()} cannot be moved to "
                              f"{S(to).label.lower()}.")


def _status_entry(case: Case, *, actor, before: str, text: str, occurred_at=None) -> None:
    timeline_record(case=case, kind=EventKind.STATUS, actor=actor, occurred_at=occurred_at, source=case,
                    summary=f"{S(before).label} → {case.get_status_display()}" + (f": {text}" if text else ""))


def hold_for_case_opening(student_id: int) -> None:
    """Call inside the transaction, before "find the student's open case, else open one" (batch letters,
    the nightly ladder). Another transaction doing the same for this student waits here until it commits,
    then finds the case it opened: two never open one each. PostgreSQL locks the student row FOR NO KEY
    UPDATE (rows of other tables that point to the student do not wait for it); SQLite already runs one
    writer at a time."""
    list(Student.objects.select_for_update(no_key=True).filter(pk=student_id).values_list("pk", flat=True))


@transaction.atomic
def case_open(*, actor, student: Student, case_type: str, owner=None, opened_on: datetime.date | None = None) -> Case:
    if case_type not in CaseType.values:
        raise ValidationError({"case_type": f"Unknown case type {case_type!r}."})
    case = create_audited(Case, actor=actor, student=student, case_type=case_type, owner=owner,
                          status=CaseStatus.OPEN, opened_on=opened_on or timezone.localdate())
    timeline_record(case=case, kind=EventKind.STATUS, actor=actor, occurred_at=at_start_of(case.opened_on),
                    summary=f"{case.get_case_type_display()} case opened", source=case)
    return case


@transaction.atomic
def case_set_status(*, actor, case: Case, status: str, reason: str = "", expected_version: int | None = None,
                    occurred_at: datetime.datetime | None = None) -> Case:
    """Active, on hold, pending closure. Closing and reopening have their own services. `occurred_at`
    places a change recorded late (or by the demo seed) on its day in the timeline."""
    if status in (S.CLOSED, S.REOPENED):
        raise ValidationError("Close or reopen a case with its own action.")
    if status not in S.values:
        raise ValidationError(f"Unknown status {status!r}.")
    _check_move(case, status)
    reason = reason.strip()
    if status in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": f"Say why the case is going {S(status).label.lower()}."})
    before = case.status
    case = update_audited(case, actor=actor, expected_version=expected_version, status=status)
    if before == S.PENDING_CLOSURE:  # taken back to active: a waiting request no longer applies
        request = pending_closure_request(case)
        if request is not None:
            update_audited(request, actor=actor, status=ClosureRequest.Status.WITHDRAWN, decided_by=actor,
                           decided_at=timezone.now(), decision_note=reason)
            reason = reason or "closure request withdrawn"
    _status_entry(case, actor=actor, before=before, text=reason, occurred_at=occurred_at)
    return case


def _close(case: Case, *, actor, closure_reason: str, outcome: str, closed_on: datetime.date,
           expected_version: int | None, note: str = "") -> Case:
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(f"This case was already closed on {case.closed_on:%m/%d/%Y}.")
    if not closure_reason.strip():
        raise ValidationError({"closure_reason": "Say why the case is being closed."})
    if closed_on < case.opened_on:
        raise ValidationError({"closed_on": f"A case cannot close before it opened ({case.opened_on:%m/%d/%Y})."})
    before = case.status
    case = update_audited(case, actor=actor, expected_version=expected_version, status=CaseStatus.CLOSED,
                          closed_on=closed_on, closure_reason=closure_reason.strip(), outcome=outcome.strip())
    text = f"Case closed: {case.closure_reason}" + (f" ({note})" if note else "")
    # Closed today: now, so it follows today's entries; a back-dated closure goes on its day.
    when = timezone.now() if closed_on >= timezone.localdate() else at_start_of(closed_on)
    timeline_record(case=case, kind=EventKind.STATUS, actor=actor, occurred_at=when,
                    summary=f"{S(before).label} → Closed. {text}", source=case)
    return case


@transaction.atomic
def case_close(*, actor, case: Case, closure_reason: str, outcome: str = "", closed_on: datetime.date | None = None,
               expected_version: int | None = None) -> Case:
    """Close directly. Refused for a case type whose closure needs approval (use case_request_close)."""
    if closure_needs_approval(case.case_type) and case.status != CaseStatus.CLOSED:
        raise ValidationError(f"Closing a {case.get_case_type_display().lower()} case needs a supervisor's "
                              "approval: submit it for approval.")
    return _close(case, actor=actor, closure_reason=closure_reason, outcome=outcome,
                  closed_on=closed_on or timezone.localdate(), expected_version=expected_version)


@transaction.atomic
def case_request_close(*, actor, case: Case, closure_reason: str, outcome: str = "",
                       expected_version: int | None = None) -> tuple[Case, ClosureRequest | None]:
    """The owner's "close": closes now, or, where the case type needs approval, puts the case in pending
    closure with a request in the supervisors' Approvals queue. Returns (case, request or None)."""
    if not closure_needs_approval(case.case_type):
        return case_close(actor=actor, case=case, closure_reason=closure_reason, outcome=outcome,
                          expected_version=expected_version), None
    _check_move(case, S.CLOSED)
    if pending_closure_request(case) is not None:
        raise ValidationError("A closure request for this case is already waiting for approval.")
    if not closure_reason.strip():
        raise ValidationError({"closure_reason": "Say why the case is being closed."})
    before = case.status
    case = update_audited(case, actor=actor, expected_version=expected_version, status=S.PENDING_CLOSURE)
    request = create_audited(ClosureRequest, actor=actor, case=case, reason=closure_reason.strip(),
                             outcome=outcome.strip(), requested_by=actor, requested_on=timezone.localdate())
    _status_entry(case, actor=actor, before=before, text=f"closure submitted for approval: {request.reason}")
    return case, request


@transaction.atomic
def closure_request_approve(*, actor, request: ClosureRequest, note: str = "") -> Case:
    request = ClosureRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ClosureRequest.Status.PENDING:
        raise ValidationError(f"This request was already decided ({request.get_status_display().lower()}).")
    if request.requested_by_id is not None and actor is not None and request.requested_by_id == actor.pk:
        raise ValidationError("Another supervisor must approve a closure you requested yourself.")
    update_audited(request, actor=actor, status=ClosureRequest.Status.APPROVED, decided_by=actor,
                   decided_at=timezone.now(), decision_note=note.strip())
    who = actor.get_full_name() or actor.username if actor is not None else "the office"
    return _close(request.case, actor=actor, closure_reason=request.reason, outcome=request.outcome,
                  closed_on=max(timezone.localdate(), request.case.opened_on), expected_version=None,
                  note=f"approved by {who}" + (f": {note.strip()}" if note.strip() else ""))


@transaction.atomic
def closure_request_return(*, actor, request: ClosureRequest, note: str) -> Case:
    """Send the case back to active with a note saying what is still missing."""
    request = ClosureRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ClosureRequest.Status.PENDING:
        raise ValidationError(f"This request was already decided ({request.get_status_display().lower()}).")
    if not note.strip():
        raise ValidationError({"note": "Tell the owner what is still needed before the case can close."})
    update_audited(request, actor=actor, status=ClosureRequest.Status.RETURNED, decided_by=actor,
                   decided_at=timezone.now(), decision_note=note.strip())
    case = update_audited(request.case, actor=actor, status=S.ACTIVE)
    _status_entry(case, actor=actor, before=S.PENDING_CLOSURE, text=f"closure sent back: {note.strip()}")
    return case


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str, expected_version: int | None = None) -> Case:
    """Reopen a closed case. The closure's date, reason and outcome leave the case but stay in the
    timeline entry (and the change record), so the history of both closures is kept."""
    if case.status != S.CLOSED:
        raise ValidationError("Only a closed case can be reopened.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the case is being reopened."})
    closed = f"closed {case.closed_on:%m/%d/%Y}: {case.closure_reason}"
    case = update_audited(case, actor=actor, expected_version=expected_version, status=S.REOPENED, closed_on=None,
                          closure_reason="", outcome="")
    _status_entry(case, actor=actor, before=S.CLOSED, text=f"{reason.strip()} (was {closed})")
    return case


@transaction.atomic
def case_type_setting_set(*, actor, case_type: str, closure_needs_approval: bool,
                          expected_version: int | None = None) -> CaseTypeSetting:
    if case_type not in CaseType.values:
        raise ValidationError({"case_type": f"Unknown case type {case_type!r}."})
    setting = CaseTypeSetting.objects.select_for_update().filter(case_type=case_type).first()
    if expected_version == 0 and setting is not None:  # the form was read when there was no row yet
        raise ConflictError("case type setting", setting.pk, 0, setting.version)
    if setting is None:
        return create_audited(CaseTypeSetting, actor=actor, case_type=case_type,
                              closure_needs_approval=closure_needs_approval)
    return update_audited(setting, actor=actor, expected_version=expected_version or None,
                          closure_needs_approval=closure_needs_approval)


__all__ = ["OPEN_STATUSES", "TRANSITIONS", "Transition", "allowed_transitions", "case_close", "case_open",
           "case_reopen", "case_request_close", "case_set_status", "case_type_setting_set",
           "closure_needs_approval", "closure_request_approve", "closure_request_return"]
