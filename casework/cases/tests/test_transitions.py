"""Status transitions: every allowed move, the refused ones, reasons, approval per case type, reopen."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.cases import services as s
from casework.cases.models import CaseEvent, ClosureRequest
from casework.core.errors import ConflictError
from casework.core.testing import factories as f

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    return f.case(student=world.student_a, owner=world.user("ppw"), opened_on=D(2025, 9, 15))


def statuses(case):
    return [(t.to, t.label) for t in s.allowed_transitions(case)]


def summaries(case):
    return list(CaseEvent.objects.filter(case=case, kind="status").order_by("id").values_list("summary", flat=True))


def test_allowed_transitions_follow_the_table(world, case):
    assert statuses(case) == [("active", "Mark active"), ("on_hold", "Put on hold"),
                              ("pending_closure", "Mark pending closure"), ("closed", "Close case")]
    ppw = world.user("ppw")
    case = s.case_set_status(actor=ppw, case=case, status="active")
    assert [t for t, _ in statuses(case)] == ["on_hold", "pending_closure", "closed"]
    case = s.case_set_status(actor=ppw, case=case, status="on_hold", reason="Family abroad until 11/1")
    assert [t for t, _ in statuses(case)] == ["active", "pending_closure", "closed"]
    case = s.case_set_status(actor=ppw, case=case, status="active")
    case = s.case_set_status(actor=ppw, case=case, status="pending_closure", reason="Final check")
    assert [t for t, _ in statuses(case)] == ["active", "closed"]
    case = s.case_close(actor=ppw, case=case, closure_reason="Attendance above 90%", outcome="Back on track",
                        closed_on=D(2025, 11, 3))
    assert statuses(case) == [("reopened", "Reopen case")]
    assert (case.status, case.closed_on, case.version) == ("closed", D(2025, 11, 3), 6)
    assert summaries(case) == [
        "Attendance case opened", "Open → Active", "Active → On hold: Family abroad until 11/1", "On hold → Active",
        "Active → Pending closure: Final check", "Pending closure → Closed. Case closed: Attendance above 90%"]


@pytest.mark.parametrize(("start", "to"), [("open", "reopened"), ("pending_closure", "on_hold"),
                                           ("active", "open"), ("on_hold", "closed")])
def test_refused_moves(world, case, start, to):
    if start != "open":
        case = s.case_set_status(actor=None, case=case, status=start, reason="x")
    with pytest.raises(ValidationError):
        s.case_set_status(actor=None, case=case, status=to, reason="x")
    case.refresh_from_db()
    assert case.status == start


def test_a_closed_case_moves_only_through_reopen(case):
    case = s.case_close(actor=None, case=case, closure_reason="Moved out of state", closed_on=D(2025, 10, 1))
    with pytest.raises(ValidationError, match="cannot be moved to active"):
        s.case_set_status(actor=None, case=case, status="active")
    with pytest.raises(ValidationError, match="Only a closed case"):
        s.case_reopen(actor=None, case=s.case_reopen(actor=None, case=case, reason="Back in district"), reason="again")


def test_hold_and_reopen_need_a_reason(case):
    with pytest.raises(ValidationError, match="Say why the case is going on hold"):
        s.case_set_status(actor=None, case=case, status="on_hold", reason="  ")
    closed = s.case_close(actor=None, case=case, closure_reason="Done", closed_on=D(2025, 10, 1))
    with pytest.raises(ValidationError, match="Say why the case is being reopened"):
        s.case_reopen(actor=None, case=closed, reason="")


def test_reopen_clears_the_closure_but_the_timeline_keeps_it(world, case):
    closed = s.case_close(actor=None, case=case, closure_reason="Residency verified", outcome="Stays",
                          closed_on=D(2025, 10, 1))
    reopened = s.case_reopen(actor=world.user("ppw"), case=closed, reason="New address dispute")
    assert (reopened.status, reopened.closed_on, reopened.closure_reason, reopened.outcome) == (
        "reopened", None, "", "")
    assert summaries(reopened)[-1] == ("Closed → Reopened: New address dispute "
                                       "(was closed 10/01/2025: Residency verified)")
    assert [t for t, _ in statuses(reopened)] == ["active", "on_hold", "pending_closure", "closed"]


def test_stale_version_is_refused(case):
    with pytest.raises(ConflictError):
        s.case_set_status(actor=None, case=case, status="active", expected_version=case.version + 1)
    case.refresh_from_db()
    assert (case.status, case.version) == ("open", 1)


# --- closure approval per case type ---------------------------------------------------------------


def test_without_approval_close_is_direct(world, case):
    closed, request = s.case_request_close(actor=world.user("ppw"), case=case, closure_reason="Attendance fixed")
    assert request is None
    assert (closed.status, closed.closed_on) == ("closed", timezone.localdate())


def test_with_approval_close_waits_for_a_supervisor(world, case):
    s.case_type_setting_set(actor=world.user("director"), case_type="attendance", closure_needs_approval=True)
    assert statuses(case)[-1] == ("closed", "Submit closure for approval")
    ppw, supervisor = world.user("ppw"), world.user("supervisor")
    with pytest.raises(ValidationError, match="needs a supervisor's approval"):
        s.case_close(actor=ppw, case=case, closure_reason="Fixed")
    pending, request = s.case_request_close(actor=ppw, case=case, closure_reason="Fixed", outcome="90% for 6 weeks",
                                            expected_version=case.version)
    assert pending.status == "pending_closure" and pending.closed_on is None
    assert (request.status, request.requested_by, request.reason) == ("pending", ppw, "Fixed")
    # While it waits, the owner can only withdraw it (back to active).
    assert statuses(pending) == [("active", "Withdraw closure request, back to active")]
    with pytest.raises(ValidationError, match="already waiting"):
        s.case_request_close(actor=ppw, case=pending, closure_reason="again")
    with pytest.raises(ValidationError, match="Another supervisor"):
        s.closure_request_approve(actor=ppw, request=request)
    closed = s.closure_request_approve(actor=supervisor, request=request, note="Good work")
    assert (closed.status, closed.closure_reason, closed.outcome) == ("closed", "Fixed", "90% for 6 weeks")
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decision_note) == ("approved", supervisor, "Good work")
    assert summaries(closed)[-1] == "Pending closure → Closed. Case closed: Fixed (approved by t-supervisor: Good work)"
    with pytest.raises(ValidationError, match="already decided"):
        s.closure_request_approve(actor=supervisor, request=request)


def test_send_back_needs_a_note_and_reactivates(world, case):
    s.case_type_setting_set(actor=None, case_type="attendance", closure_needs_approval=True)
    _pending, request = s.case_request_close(actor=world.user("ppw"), case=case, closure_reason="Fixed")
    with pytest.raises(ValidationError, match="what is still needed"):
        s.closure_request_return(actor=world.user("director"), request=request, note="")
    active = s.closure_request_return(actor=world.user("director"), request=request, note="Need the last 2 weeks")
    assert active.status == "active"
    request.refresh_from_db()
    assert request.status == "returned"
    assert summaries(active)[-1] == "Pending closure → Active: closure sent back: Need the last 2 weeks"


def test_withdrawing_to_active_withdraws_the_request(world, case):
    s.case_type_setting_set(actor=None, case_type="attendance", closure_needs_approval=True)
    pending, request = s.case_request_close(actor=world.user("ppw"), case=case, closure_reason="Fixed")
    s.case_set_status(actor=world.user("ppw"), case=pending, status="active")
    assert ClosureRequest.objects.get(pk=request.pk).status == "withdrawn"


def test_approval_is_per_case_type(world):
    s.case_type_setting_set(actor=None, case_type="crisis", closure_needs_approval=True)
    attendance = f.case(student=world.student_a, case_type="attendance")
    crisis = f.case(student=world.student_a, case_type="crisis")
    assert s.case_request_close(actor=None, case=attendance, closure_reason="ok")[0].status == "closed"
    assert s.case_request_close(actor=None, case=crisis, closure_reason="ok")[0].status == "pending_closure"


def test_setting_versions(world):
    first = s.case_type_setting_set(actor=None, case_type="homeless", closure_needs_approval=True, expected_version=0)
    with pytest.raises(ConflictError):  # the page was read before anyone created the row
        s.case_type_setting_set(actor=None, case_type="homeless", closure_needs_approval=False, expected_version=0)
    second = s.case_type_setting_set(actor=None, case_type="homeless", closure_needs_approval=False,
                                     expected_version=first.version)
    assert (second.closure_needs_approval, second.version) == (False, 2)
