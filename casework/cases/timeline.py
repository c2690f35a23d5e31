"""The case timeline: every app's services call timeline_record inside their own transaction, so an
entry exists exactly when the change it describes does."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone

from casework.audit.services import _actor

from .models import Case, CaseEvent


def timeline_record(*, case: Case, kind: str, summary: str, actor=None, occurred_at: datetime.datetime | None = None,
                    source: models.Model | None = None) -> CaseEvent:
    """Add one entry. `summary` is what a PPW reads in the list (keep it short; details live on the source)."""
    return CaseEvent.objects.create(
        case=case, kind=kind, summary=summary[:300], actor=_actor(actor),
        occurred_at=occurred_at or timezone.now(),
        source_model=source._meta.label_lower if source is not None else "",
        source_id=source.pk if source is not None else None,
    )


def at_start_of(day: datetime.date) -> datetime.datetime:
    """A date-only event (a case opened on 9/2) placed at the start of that day, local time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
