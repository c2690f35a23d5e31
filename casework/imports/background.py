"""Running an import (or a full indicators recompute) started from the import page, off the request.

There is no job worker yet: a daemon thread does the work and closes its own database connection at
the end. `CASEWORK_IMPORTS_INLINE` runs it in the request instead (tests: an in-memory SQLite
database is not shared across threads). A process that dies mid-run leaves the run "running"; the page
shows it as such with its start time rather than guessing what happened."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from casework.core.context import Source, audit_context

from . import uploads
from .models import ImportRun
from .services import import_bundle, import_run

log = logging.getLogger(__name__)

RECOMPUTE_KEY = "casework:indicators-recompute"
RECOMPUTE_LOCK = "casework:indicators-recompute-lock"
RECOMPUTE_TTL = 7 * 24 * 3600
# A "running" mark outlives a crashed process only this long, so a new recompute can be started later.
RECOMPUTE_RUNNING_TTL = 6 * 3600


def _run(job: Callable[[], None], name: str) -> None:
    """Inline or in a daemon thread; either way a failure is logged (ids only), never raised at the page."""

    def guarded() -> None:
        try:
            job()
        except Exception:
            log.exception("background %s failed", name)
        finally:
            if not settings.CASEWORK_IMPORTS_INLINE:
                connection.close()  # the thread's own connection; the request's is not touched

    if settings.CASEWORK_IMPORTS_INLINE:
        guarded()
    else:
        threading.Thread(target=guarded, name=f"casework-{name}", daemon=True).start()


def _actor(actor_pk: int | None):
    return get_user_model().objects.filter(pk=actor_pk).first() if actor_pk else None


def start_in_background(run_pk: int, *, fmt: str, kind: str, paths: Sequence[Path | str], partial: bool,
                        actor_pk: int | None) -> None:
    """Import the stored files into the already created run `run_pk`."""

    def job() -> None:
        run = ImportRun.objects.get(pk=run_pk)
        actor = _actor(actor_pk)
        try:
            if fmt == "csv":
                import_run(actor=actor, kind=kind, paths=paths, partial=partial, fmt=fmt, run=run)
            else:
                import_bundle(actor=actor, fmt=fmt, paths=paths, partial=partial, run=run)
        except Exception as exc:
            # The services refuse the run themselves for failures inside its transaction; anything
            # before that (a reader that failed to load) would otherwise leave it "running" for ever.
            ImportRun.objects.filter(pk=run_pk, status=ImportRun.Status.RUNNING).update(
                status=ImportRun.Status.REFUSED, finished_at=timezone.now(),
                message=f"The import stopped unexpectedly ({type(exc).__name__}); nothing was written.")
            raise
        finally:
            uploads.discard(run_pk)  # the raw files go with the run's end (uploads.py)

    _run(job, f"import-{run_pk}")


def recompute_status() -> dict | None:
    return cache.get(RECOMPUTE_KEY)


def start_recompute(*, actor_pk: int | None) -> bool:
    """A full indicators recompute as of the default date. False when one is already running."""
    if not cache.add(RECOMPUTE_LOCK, 1, RECOMPUTE_RUNNING_TTL):  # check and claim in one step
        return False
    actor = _actor(actor_pk)
    who = actor.get_username() if actor else ""
    cache.set(RECOMPUTE_KEY, {"state": "running", "started": timezone.now().isoformat(), "by": who},
              RECOMPUTE_RUNNING_TTL)

    def job() -> None:
        try:
            _recompute_job(actor)
        finally:
            cache.delete(RECOMPUTE_LOCK)

    _run(job, "recompute")
    return True


def _recompute_job(actor) -> None:
    """The full recompute the import page started, its outcome left in the cache for the page."""
    from casework.indicators.inputs import IndicatorError
    from casework.indicators.services import default_as_of, indicators_recompute

    started = recompute_status() or {}
    try:
        with audit_context(actor=actor, source=Source.JOB):
            as_of = default_as_of()
            done = indicators_recompute(as_of=as_of)
    except IndicatorError as exc:
        cache.set(RECOMPUTE_KEY, {**started, "state": "failed", "message": str(exc),
                                  "finished": timezone.now().isoformat()}, RECOMPUTE_TTL)
        return
    except Exception as exc:
        cache.set(RECOMPUTE_KEY, {**started, "state": "failed", "finished": timezone.now().isoformat(),
                                  "message": f"The recompute stopped unexpectedly ({type(exc).__name__})."},
                  RECOMPUTE_TTL)
        raise
    cache.set(RECOMPUTE_KEY, {**started, "state": "done", "as_of": as_of.isoformat(), "pairs": done.pairs,
                              "rows": done.rows, "crossed": done.crossed, "cleared": done.cleared,
                              "finished": timezone.now().isoformat()}, RECOMPUTE_TTL)
