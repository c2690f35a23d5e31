"""The PPW's worklist writes: acknowledging a newly crossed threshold. The crossing stays stored (the
record of when the school learned of it); it only leaves the worklist."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from casework.audit import services as audit

from .models import FlagCrossing


@dataclass(frozen=True)
class Acknowledged:
    """What a bulk acknowledge did: `done` alerts acknowledged; the others were left as they were because
    someone acknowledged them first or a recompute lowered the flag since the page was loaded."""

    done: int
    already: int
    lowered: int
    already_by: tuple[str, ...] = ()  # who acknowledged those first (usernames, sorted)


@transaction.atomic
def crossings_acknowledge(*, actor, crossings: Iterable[FlagCrossing]) -> Acknowledged:
    """Acknowledge several alerts at once (a student's, or those ticked on a page), each audited as one.
    The rows are locked in id order (two PPWs acknowledging overlapping pages cannot deadlock), and an
    alert that changed meanwhile is counted, not written over."""
    ids = sorted({c.pk for c in crossings})
    done = already = lowered = 0
    first: set[str] = set()
    now = timezone.now()
    for current in FlagCrossing.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        if current.acknowledged_at is not None:
            already += 1
            first.add(current.acknowledged_by.get_username() if current.acknowledged_by else "someone")
            continue
        if current.cleared_on is not None:
            lowered += 1
            continue
        before = audit.snapshot(current)
        current.acknowledged_by, current.acknowledged_at = actor, now
        current.save(update_fields=["acknowledged_by", "acknowledged_at"])
        audit.record_change(actor=actor, instance=current, action=audit.UPDATE, before=before)
        done += 1
    return Acknowledged(done, already, lowered, tuple(sorted(first)))
