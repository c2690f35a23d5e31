"""Every write to program participation. `program_participation_record` is the importers' idempotent
upsert, keyed by student, program and begin date."""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.core.services import create_audited, update_audited
from casework.students.models import Student

from .choices import ProgramKind
from .models import ProgramParticipation

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class Recorded(NamedTuple):
    participation: ProgramParticipation
    outcome: str


@transaction.atomic
def program_participation_record(*, actor, student: Student, kind: str, begin: datetime.date,
                                 end: datetime.date | None = None, **fields: Any) -> Recorded:
    if kind not in ProgramKind.values:
        raise ValidationError({"kind": f"Unknown program {kind!r}. Use one of: {', '.join(ProgramKind.values)}."})
    current = (ProgramParticipation.objects.select_for_update()
               .filter(student=student, kind=kind, begin=begin).first())
    if current is None:
        return Recorded(create_audited(ProgramParticipation, actor=actor, student=student, kind=kind, begin=begin,
                                       end=end, **fields), CREATED)
    version = current.version
    row = update_audited(current, actor=actor, end=end, **fields)
    return Recorded(row, UNCHANGED if row.version == version else UPDATED)


def program_participation_end(*, actor, participation: ProgramParticipation, end: datetime.date,
                              expected_version: int | None = None) -> ProgramParticipation:
    if end < participation.begin:
        raise ValidationError({"end": f"The end date cannot be before {participation.begin:%m/%d/%Y}, "
                                      "when the participation began."})
    return update_audited(participation, actor=actor, expected_version=expected_version, end=end)
