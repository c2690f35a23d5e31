"""Writes of the audit streams. Callers are services (already inside their transaction) and views
that open a student's record; actor, source and request id come from the audit context."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from casework.core import context

from .models import AccessLog, ChangeRecord

CREATE, UPDATE, DELETE, BULK = (ChangeRecord.Action.CREATE, ChangeRecord.Action.UPDATE,
                                ChangeRecord.Action.DELETE, ChangeRecord.Action.BULK)
_encoder = DjangoJSONEncoder()


def snapshot(instance: models.Model) -> dict[str, Any]:
    """JSON-safe values of the row's concrete fields, minus derived ones (foreign keys as ids)."""
    exclude = set(getattr(instance, "audit_exclude", ()))
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = getattr(instance, field.attname)
        if value is not None and not isinstance(value, str | int | float | bool):
            value = _encoder.default(value) if not isinstance(value, list | dict) else value
        data[field.attname] = value
    return data


def _actor(actor):
    actor = actor if actor is not None else context.current().actor
    if actor is not None and not getattr(actor, "is_authenticated", False):
        return None
    return actor


def _stamp(actor) -> dict[str, Any]:
    """The audit-context fields every entry carries."""
    ctx = context.current()
    actor = _actor(actor)
    return {"actor": actor, "actor_label": actor.get_username() if actor else "", "source": ctx.source,
            "request_id": ctx.request_id}


def record_change(*, actor, instance: models.Model, action: str, before: dict | None,
                  after: dict | None | type[Ellipsis] = ...) -> ChangeRecord:
    if after is ...:
        after = snapshot(instance)
    if before is not None and after is not None:  # keep only what changed
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    return ChangeRecord.objects.create(
        **_stamp(actor),
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        before=before,
        after=after,
    )


def record_bulk(*, actor, model: type[models.Model], summary: str) -> ChangeRecord:
    """One record for a bulk load (seed, import run) instead of one per row."""
    return ChangeRecord.objects.create(
        **_stamp(actor),
        action=BULK,
        content_type=ContentType.objects.get_for_model(model),
        summary=summary[:300],
    )


def log_access(*, actor, student, action: str = AccessLog.Action.VIEW, purpose: str = "",
               detail: str = "") -> AccessLog:
    return AccessLog.objects.create(
        **_stamp(actor),
        student_id=student.pk if hasattr(student, "pk") else student,
        action=action,
        purpose=(purpose or "")[:200],
        detail=detail[:100],
    )


def log_access_many(*, actor, student_ids, action: str, purpose: str = "", detail: str = "") -> int:
    """An export opens many records at once: one entry per student, written in one statement."""
    stamp = _stamp(actor)
    rows = [
        AccessLog(**stamp, student_id=sid, action=action, purpose=(purpose or "")[:200], detail=detail[:100])
        for sid in student_ids
    ]
    AccessLog.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
