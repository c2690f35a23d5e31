"""The PPW's worklist writes: acknowledging a newly crossed threshold. The crossing stays stored (the
record of when the school learned of it); it only leaves the worklist."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from casework.audit import services as audit

from .models import FlagCrossing


class CrossingConflict(Exception):
    """Someone else acted on the crossing since the worklist was loaded; the message says what happened."""


@transaction.atomic
def crossing_acknowledge(*, actor, crossing: FlagCrossing) -> FlagCrossing:
    """Mark the crossing seen by `actor`. FlagCrossing carries no version number, so the row is locked and
    its state checked instead: a crossing already acknowledged, or lowered by a later recompute, is refused
    with a message rather than silently written over."""
    current = FlagCrossing.objects.select_for_update().get(pk=crossing.pk)
    if current.acknowledged_at is not None:
        who = current.acknowledged_by.get_username() if current.acknowledged_by else "someone"
        when = timezone.localtime(current.acknowledged_at)
        raise CrossingConflict(f"This alert was already acknowledged by {who} on {when:%m/%d/%Y at %I:%M %p}. "
                               "Nothing was changed.")
    if current.cleared_on is not None:
        raise CrossingConflict(f"This flag was lowered by the recompute of {current.cleared_on:%m/%d/%Y}, so the "
                               "alert is no longer open. Nothing was changed.")
    before = audit.snapshot(current)
    current.acknowledged_by = actor
    current.acknowledged_at = timezone.now()
    current.save(update_fields=["acknowledged_by", "acknowledged_at"])
    audit.record_change(actor=actor, instance=current, action=audit.UPDATE, before=before)
    return current


@dataclass(frozen=True)
class Acknowledged:
    """What a bulk acknowledge did: `done` alerts acknowledged; the others were left as they were because
    someone acknowledged them first or a recompute lowered the flag since the page was loaded."""

    done: int
    already: int
    lowered: int


@transaction.atomic
def crossings_acknowledge(*, actor, crossings: Iterable[FlagCrossing]) -> Acknowledged:
    """Acknowledge several alerts at once (a student's, or those ticked on a page), each audited as one.
    The rows are locked in id order (two PPWs acknowledging overlapping pages cannot deadlock), and an
    alert that changed meanwhile is counted, not written over."""
    ids = sorted({c.pk for c in crossings})
    done = already = lowered = 0
    now = timezone.now()
    for current in FlagCrossing.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        if current.acknowledged_at is not None:
            already += 1
            continue
        if current.cleared_on is not None:
            lowered += 1
            continue
        before = audit.snapshot(current)
        current.acknowledged_by, current.acknowledged_at = actor, now
        current.save(update_fields=["acknowledged_by", "acknowledged_at"])
        audit.record_change(actor=actor, instance=current, action=audit.UPDATE, before=before)
        done += 1
    return Acknowledged(done, already, lowered)
