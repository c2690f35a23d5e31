"""Every write to attendance events and descriptor mappings. Importers come through
`attendance_event_record`, which is idempotent: the same event imported twice changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.core.services import create_audited, delete_audited, update_audited
from casework.schools.models import School
from casework.students.models import Student

from .choices import AttendanceCategory, LawfulReason
from .models import AttendanceEvent, DescriptorMapping, reason_code_validator
from .selectors import lawful_reason_codes

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class Recorded(NamedTuple):
    event: AttendanceEvent
    outcome: str  # created / updated / unchanged, for the import run's counts


def _normalise(category: str, fields: dict[str, Any]) -> dict[str, Any]:
    if category not in AttendanceCategory.values:
        raise ValidationError({"category": f"Unknown attendance category {category!r}. "
                                           f"Use one of: {', '.join(AttendanceCategory.values)}."})
    code = fields.get("reason_code")
    if isinstance(code, str):
        code = code.strip().upper() or None
    if code is None and category == AttendanceCategory.OUT_OF_SCHOOL_SUSPENSION:
        code = LawfulReason.H.value  # COMAR 13A.08.01.03H: a suspension is a lawful absence
    fields["reason_code"] = code
    if fields.get("event_duration") is not None:
        # To the field's two places, so 1 and 1.00 compare equal and a re-import changes nothing.
        try:
            fields["event_duration"] = Decimal(str(fields["event_duration"])).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValidationError({"event_duration": "Event duration is a number of days, e.g. 1 or 0.5."}) from None
    return fields


@transaction.atomic
def attendance_event_record(*, actor, student: Student, school: School, date: datetime.date, category: str,
                            **fields: Any) -> Recorded:
    """Create the event, or bring the existing one (same student, school, date and category) up to date."""
    fields = _normalise(category, fields)
    current = (AttendanceEvent.objects.select_for_update()
               .filter(student=student, school=school, date=date, category=category).first())
    if current is None:
        event = create_audited(AttendanceEvent, actor=actor, student=student, school=school, date=date,
                               category=category, **fields)
        return Recorded(event, CREATED)
    version = current.version
    event = update_audited(current, actor=actor, **fields)
    return Recorded(event, UNCHANGED if event.version == version else UPDATED)


def attendance_event_update(*, actor, event: AttendanceEvent, expected_version: int | None = None,
                            **changes: Any) -> AttendanceEvent:
    category = changes.get("category", event.category)
    if "reason_code" in changes or "category" in changes or "event_duration" in changes:
        changes.setdefault("reason_code", event.reason_code)
        changes = _normalise(category, changes)
    return update_audited(event, actor=actor, expected_version=expected_version, **changes)


def attendance_event_delete(*, actor, event: AttendanceEvent, expected_version: int | None = None) -> None:
    """The SIS withdrew the event (e.g. an absence recorded in error)."""
    delete_audited(event, actor=actor, expected_version=expected_version)


def check_lawful_reason(code: str) -> None:
    """A mapping's reason is given to every event read through it: it must be well-formed (the shape
    the events' reason_code field takes, as the attendance import checks it) and a lawful reason the
    rule sets know, or every such absence would silently count as unlawful."""
    try:
        reason_code_validator(code)
    except ValidationError as exc:
        raise ValidationError({"reason_code": f"{code!r}: {' '.join(exc.messages)}"}) from None
    known = lawful_reason_codes()
    if code not in known:
        raise ValidationError({"reason_code": (
            f"Unknown reason code {code!r}: an absence is lawful only by a reason of the rule set (COMAR "
            f"13A.08.01.03 A-J, the pregnancy and parenting PP- codes, or a district's own code listed in a rule "
            f"set). Use one of {', '.join(known)}.")})


@transaction.atomic
def descriptor_mapping_set(*, actor, descriptor: str, category: str, reason_code: str | None = None,
                           notes: str = "") -> DescriptorMapping:
    """Map a SIS descriptor (Ed-Fi URI or local code) to a category; replaces the previous mapping."""
    descriptor = descriptor.strip()
    if not descriptor:
        raise ValidationError({"descriptor": "Give the descriptor URI or the local code."})
    fields = _normalise(category, {"reason_code": reason_code})
    if fields["reason_code"] is not None:
        check_lawful_reason(fields["reason_code"])
    current = DescriptorMapping.objects.select_for_update().filter(descriptor=descriptor).first()
    if current is None:
        return create_audited(DescriptorMapping, actor=actor, descriptor=descriptor, category=category,
                              notes=notes, **fields)
    return update_audited(current, actor=actor, category=category, notes=notes, **fields)
