"""Transfers (single and bulk) keep their history and refuse an owner who cannot work the student;
co-workers and linked students."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from casework.audit.models import ChangeRecord
from casework.cases.assignments import (
    case_assign,
    case_assign_bulk,
    case_student_link,
    case_student_unlink,
    case_worker_add,
    case_worker_remove,
)
from casework.cases.models import CaseAssignment, CaseEvent, CaseWorker
from casework.core.testing import factories as f

pytestmark = pytest.mark.django_db


def last_entry(case):
    return CaseEvent.objects.filter(case=case).order_by("-id").first()


def test_assign_keeps_history(world):
    director, ppw = world.user("director"), world.user("ppw")
    other = f.user(username="ppw-other", role="ppw", schools=[world.school_a])
    case = f.case(student=world.student_a, owner=ppw)
    case = case_assign(actor=director, case=case, to_user=other, reason="School reassigned", expected_version=1)
    assert (case.owner, case.version) == (other, 2)
    history = CaseAssignment.objects.get(case=case)
    assert (history.from_user, history.to_user, history.assigned_by, history.reason) == (
        ppw, other, director, "School reassigned")
    entry = last_entry(case)
    assert (entry.kind, entry.summary) == ("assignment", "Owner t-ppw → ppw-other: School reassigned")


def test_assign_refuses_an_owner_outside_the_students_schools(world):
    case = f.case(student=world.student_b)  # school B: the world's PPW covers A only
    with pytest.raises(ValidationError, match="t-ppw cannot work case"):
        case_assign(actor=world.user("director"), case=case, to_user=world.user("ppw"), reason="x")
    with pytest.raises(ValidationError, match="cannot work"):  # a principal has no case.work at all
        case_assign(actor=None, case=f.case(student=world.student_a), to_user=world.user("school_admin"), reason="x")
    with pytest.raises(ValidationError, match="Say why"):
        case_assign(actor=None, case=case, to_user=world.user("supervisor"), reason=" ")
    case.refresh_from_db()
    assert case.owner is None and not CaseAssignment.objects.exists()


def test_bulk_moves_all_or_nothing(world):
    a2 = f.student(school=world.school_a)
    ppw = world.user("ppw")
    new = f.user(username="ppw-new", role="ppw", schools=[world.school_a])
    cases = [f.case(student=world.student_a, owner=ppw), f.case(student=a2, owner=ppw, case_type="homeless")]
    moved = case_assign_bulk(actor=world.user("director"), cases=cases, to_user=new, reason="Caseload balance")
    assert [c.owner for c in moved] == [new, new]
    assert CaseAssignment.objects.filter(to_user=new, from_user=ppw).count() == 2
    # One case of school B in the batch: nothing moves, the message names it.
    b_case = f.case(student=world.student_b, owner=world.user("supervisor"))
    with pytest.raises(ValidationError, match=rf"cannot work 1 of these cases.*{b_case.number}. Nothing was moved"):
        case_assign_bulk(actor=None, cases=[*moved, b_case], to_user=ppw, reason="back")
    assert {c.owner for c in type(b_case).objects.filter(pk__in=[c.pk for c in moved])} == {new}


def test_co_workers(world):
    case = f.case(student=world.student_a, owner=world.user("ppw"))
    sup = world.user("supervisor")
    worker = case_worker_add(actor=world.user("ppw"), case=case, user=sup)
    assert list(CaseWorker.objects.filter(case=case).values_list("user", flat=True)) == [sup.pk]
    assert ChangeRecord.objects.filter(content_type__model="caseworker", object_id=str(worker.pk)).count() == 1
    with pytest.raises(ValidationError, match="already a co-worker"):
        case_worker_add(actor=None, case=case, user=sup)
    with pytest.raises(ValidationError, match="owns this case"):
        case_worker_add(actor=None, case=case, user=world.user("ppw"))
    with pytest.raises(ValidationError, match="cannot work"):
        case_worker_add(actor=None, case=case, user=world.user("school_staff"))
    case_worker_remove(actor=None, case=case, user=sup)
    assert not CaseWorker.objects.filter(case=case).exists()
    assert last_entry(case).summary == "Co-worker removed: t-supervisor"


def test_linked_students_only_those_the_actor_sees(world):
    case = f.case(student=world.student_a, owner=world.user("ppw"))
    sibling = f.student(school=world.school_a, district_id="100009")
    link = case_student_link(actor=world.user("ppw"), case=case, student=sibling, relationship="younger brother")
    assert last_entry(case).summary == "Linked student ID 100009 (younger brother)"
    with pytest.raises(ValidationError, match="not in your schools"):
        case_student_link(actor=world.user("ppw"), case=case, student=world.student_b)
    with pytest.raises(ValidationError, match="already linked"):
        case_student_link(actor=world.user("ppw"), case=case, student=sibling)
    with pytest.raises(ValidationError, match="own student"):
        case_student_link(actor=world.user("ppw"), case=case, student=world.student_a)
    case_student_unlink(actor=world.user("ppw"), link=link)
    assert not case.student_links.exists()
