"""Every write to discipline incidents and actions. The `_record` services are idempotent upserts
for importers: the same row imported twice changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.core.services import create_audited, update_audited
from casework.schools.models import School
from casework.students.models import Student

from .choices import ActionKind
from .models import Action, Incident

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
_TENTH = Decimal("0.1")


def _days(value) -> Decimal | None:
    """To the field's one decimal place, so 2 and 2.0 compare equal and a re-import changes nothing."""
    if value is None:
        return None
    try:
        return Decimal(str(value)).quantize(_TENTH)
    except InvalidOperation:
        raise ValidationError({"length_days": f"{value!r} is not a number of days."}) from None


class Recorded(NamedTuple):
    row: Incident | Action
    outcome: str


@transaction.atomic
def incident_record(*, actor, school: School, incident_id: str, date: datetime.date, **fields: Any) -> Recorded:
    incident_id = incident_id.strip()
    current = Incident.objects.select_for_update().filter(school=school, incident_id=incident_id).first()
    if current is None:
        return Recorded(create_audited(Incident, actor=actor, school=school, incident_id=incident_id, date=date,
                                       **fields), CREATED)
    version = current.version
    row = update_audited(current, actor=actor, date=date, **fields)
    return Recorded(row, UNCHANGED if row.version == version else UPDATED)


@transaction.atomic
def action_record(*, actor, student: Student, school: School, action_id: str, kind: str,
                  start_date: datetime.date, **fields: Any) -> Recorded:
    """Create or update the action keyed by (student, action_id, start_date). Only the fields given
    change on an update: an import whose file has no length or incident column leaves them alone
    (a new action gets length 0 and no incident)."""
    if kind not in ActionKind.values:
        raise ValidationError({"kind": f"Unknown discipline action {kind!r}. "
                                       f"Use one of: {', '.join(ActionKind.values)}."})
    incident = fields.get("incident")
    if incident is not None and incident.school_id != school.pk:
        raise ValidationError({"incident": f"Incident {incident.incident_id} belongs to another school."})
    action_id = action_id.strip()
    for name in ("length_days", "actual_length_days"):
        if name in fields:
            fields[name] = _days(fields[name])
    values = {"school": school, "kind": kind, **fields}
    current = (Action.objects.select_for_update()
               .filter(student=student, action_id=action_id, start_date=start_date).first())
    if current is None:
        return Recorded(create_audited(Action, actor=actor, student=student, action_id=action_id,
                                       start_date=start_date, **values), CREATED)
    version = current.version
    row = update_audited(current, actor=actor, **values)
    return Recorded(row, UNCHANGED if row.version == version else UPDATED)


def action_update(*, actor, action: Action, expected_version: int | None = None, **changes: Any) -> Action:
    for name in ("length_days", "actual_length_days"):
        if name in changes:
            changes[name] = _days(changes[name])
    return update_audited(action, actor=actor, expected_version=expected_version, **changes)
