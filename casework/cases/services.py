"""Writes of cases, through the audited writes (change record, version check)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.core.services import create_audited, update_audited
from casework.students.models import Student

from .choices import CaseStatus, CaseType, EventKind
from .models import Case
from .timeline import at_start_of, timeline_record


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
def case_close(*, actor, case: Case, closure_reason: str, outcome: str = "", closed_on: datetime.date | None = None,
               expected_version: int | None = None) -> Case:
    closed_on = closed_on or timezone.localdate()
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(f"This case was already closed on {case.closed_on:%m/%d/%Y}.")
    if not closure_reason.strip():
        raise ValidationError({"closure_reason": "Say why the case is being closed."})
    if closed_on < case.opened_on:
        raise ValidationError({"closed_on": f"A case cannot close before it opened ({case.opened_on:%m/%d/%Y})."})
    case = update_audited(case, actor=actor, expected_version=expected_version, status=CaseStatus.CLOSED,
                          closed_on=closed_on, closure_reason=closure_reason.strip(), outcome=outcome.strip())
    timeline_record(case=case, kind=EventKind.STATUS, actor=actor, occurred_at=at_start_of(closed_on),
                    summary=f"Case closed: {case.closure_reason}", source=case)
    return case
