"""The minimal case model: open and close through the services, scope, the open() filter."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from casework.audit.models import ChangeRecord
from casework.cases.models import Case
from casework.cases.services import case_close, case_open
from casework.core.errors import ConflictError
from casework.core.testing import factories as f

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def two_schools():
    a, b = f.school(code="A100"), f.school(code="B200")
    return a, b, f.student(school=a), f.student(school=b)


def test_open_records_the_change(two_schools):
    _a, _b, student, _other = two_schools
    ppw = f.user(role="ppw", schools=[_a])
    case = case_open(actor=ppw, student=student, case_type="homeless", owner=ppw, opened_on=D(2025, 9, 2))
    assert (case.status, case.opened_on, case.owner, case.closed_on) == ("open", D(2025, 9, 2), ppw, None)
    assert case.get_case_type_display() == "Homeless / McKinney-Vento"
    record = ChangeRecord.objects.get(object_id=str(case.pk), content_type__model="case")
    assert record.action == "create" and record.actor == ppw and record.after["case_type"] == "homeless"


def test_unknown_case_type_is_refused(two_schools):
    with pytest.raises(ValidationError, match="Unknown case type"):
        case_open(actor=None, student=two_schools[2], case_type="truancy")


def test_close_and_the_open_filter(two_schools):
    _a, _b, student, _other = two_schools
    kept = f.case(student=student)
    closing = f.case(student=student, case_type="residency", opened_on=D(2025, 9, 1))
    closed = case_close(actor=None, case=closing, closure_reason="Residency verified", outcome="Stays enrolled",
                        closed_on=D(2025, 10, 1), expected_version=closing.version)
    assert (closed.status, closed.closed_on, closed.version) == ("closed", D(2025, 10, 1), 2)
    assert list(Case.objects.open()) == [kept]
    with pytest.raises(ValidationError, match="already closed on 10/01/2025"):
        case_close(actor=None, case=closed, closure_reason="again")


def test_close_checks_reason_dates_and_version(two_schools):
    case = f.case(student=two_schools[2], opened_on=D(2025, 9, 15))
    with pytest.raises(ValidationError, match="Say why"):
        case_close(actor=None, case=case, closure_reason="  ")
    with pytest.raises(ValidationError, match="cannot close before it opened"):
        case_close(actor=None, case=case, closure_reason="done", closed_on=D(2025, 9, 1))
    with pytest.raises(ConflictError, match="changed by someone else"):
        case_close(actor=None, case=case, closure_reason="done", expected_version=case.version + 1)
    case.refresh_from_db()
    assert case.status == "open"


def test_scope_follows_the_student(two_schools):
    a, _b, student, other = two_schools
    mine, theirs = f.case(student=student), f.case(student=other)
    ppw = f.user(role="ppw", schools=[a])
    assert list(Case.objects.for_user(ppw, "case.view")) == [mine]
    assert set(Case.objects.for_user(f.user(role="director"), "case.view")) == {mine, theirs}
    assert not Case.objects.for_user(f.user(role="school_staff", schools=[a]), "case.view").exists()
