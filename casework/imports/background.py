"""Running an import (or a full indicators recompute) started from the import page, off the request.

Both go on the job queue (`imports.run`, `imports.recompute`; handlers in jobs.py), so the worker
process (`casework worker`) runs them, not a thread of the web server that a restart or a recycled
worker would kill mid-run; in demo mode the queue runs in a thread of the serving process
(jobs/runner.py). Neither is retried: a refused run is final and its uploads are gone with it, and a
worker that dies mid-run leaves the run "running", shown as such with its start time.
`CASEWORK_IMPORTS_INLINE` runs them in the request instead (tests: one in-memory SQLite database)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from casework.core.context import Source, audit_context
from casework.jobs.services import job_enqueue

from . import uploads
from .forms import partial_hint
from .models import ImportRun
from .services import import_bundle, import_run

log = logging.getLogger(__name__)

RECOMPUTE_KEY = "casework:indicators-recompute"
RECOMPUTE_LOCK = "casework:indicators-recompute-lock"
RECOMPUTE_TTL = 7 * 24 * 3600
# A "running" mark outlives a crashed process only this long, so a new recompute can be started later.
RECOMPUTE_RUNNING_TTL = 6 * 3600


IMPORT_JOB = "imports.run"
RECOMPUTE_JOB = "imports.recompute"


def _inline(job: Callable[[], None], name: str) -> None:
    """In the request (CASEWORK_IMPORTS_INLINE): a failure is logged (ids only), never raised at the page."""
    try:
        job()
    except Exception:
        log.exception("%s failed", name)


def _actor(actor_pk: int | None):
    return get_user_model().objects.filter(pk=actor_pk).first() if actor_pk else None


def start_in_background(run_pk: int, *, fmt: str, kind: str, partial: bool, actor_pk: int | None) -> None:
    """Import the files stored for the already created run `run_pk` (uploads.stored_paths)."""
    if settings.CASEWORK_IMPORTS_INLINE:
        _inline(lambda: import_stored(run_pk, fmt=fmt, kind=kind, partial=partial, actor=_actor(actor_pk)),
                f"import run {run_pk}")
        return
    job_enqueue(kind=IMPORT_JOB, args={"run": run_pk, "format": fmt, "kind": kind, "partial": partial},
                actor=_actor(actor_pk), max_attempts=1)


def import_job_state(run_pk: int) -> str | None:
    """The state of the job running this import ("queued", "running", "failed", "done"); None when it
    ran in the request. "failed" on a run still marked running: its worker died mid-run."""
    from casework.jobs.models import Job

    return (Job.objects.filter(kind=IMPORT_JOB, args__run=run_pk).order_by("-pk")
            .values_list("status", flat=True).first())


def import_stored(run_pk: int, *, fmt: str, kind: str, partial: bool, actor) -> ImportRun:
    """The import itself, wherever it runs; its uploads are deleted when it ends, whatever the outcome."""
    run = ImportRun.objects.get(pk=run_pk)
    if run.status != ImportRun.Status.RUNNING:  # ended already (a second delivery of the same job)
        uploads.discard(run_pk)
        return run
    paths = uploads.stored_paths(run)
    try:
        if fmt == "csv":
            return import_run(actor=actor, kind=kind, paths=paths, partial=partial, fmt=fmt, run=run,
                              partial_hint=partial_hint())
        return import_bundle(actor=actor, fmt=fmt, paths=paths, partial=partial, run=run, partial_hint=partial_hint())
    except Exception as exc:
        # The services refuse the run themselves for failures inside its transaction; anything
        # before that (a reader that failed to load) would otherwise leave it "running" for ever.
        ImportRun.objects.filter(pk=run_pk, status=ImportRun.Status.RUNNING).update(
            status=ImportRun.Status.REFUSED, finished_at=timezone.now(),
            message=f"The import stopped unexpectedly ({type(exc).__name__}); nothing was written.")
        raise
    finally:
        uploads.discard(run_pk)  # the raw files go with the run's end (uploads.py)


def recompute_status() -> dict | None:
    return cache.get(RECOMPUTE_KEY)


def start_recompute(*, actor_pk: int | None, queue: bool = True) -> bool:
    """A full indicators recompute as of the default date. False when one is already running. With
    `queue` False the caller runs it itself (`recompute_now`: the nightly job is already on the queue)."""
    if not cache.add(RECOMPUTE_LOCK, 1, RECOMPUTE_RUNNING_TTL):  # check and claim in one step
        return False
    actor = _actor(actor_pk)
    who = actor.get_username() if actor else "the nightly job"
    cache.set(RECOMPUTE_KEY, {"state": "running", "started": timezone.now().isoformat(), "by": who},
              RECOMPUTE_RUNNING_TTL)
    if not queue:
        return True
    if settings.CASEWORK_IMPORTS_INLINE:
        _inline(lambda: recompute_now(actor), "indicators recompute")
    else:
        job_enqueue(kind=RECOMPUTE_JOB, actor=actor, max_attempts=1)
    return True


def recompute_now(actor) -> None:
    try:
        _recompute_job(actor)
    finally:
        cache.delete(RECOMPUTE_LOCK)


def _recompute_job(actor) -> None:
    """The full recompute the import page started, its outcome left in the cache for the page."""
    from casework.indicators.inputs import IndicatorError
    from casework.indicators.services import default_as_of, indicators_recompute
    from casework.indicators.thinday import thin_last_day

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
                              "skipped": done.skipped_note(), "thin": thin_last_day(as_of),
                              "finished": timezone.now().isoformat()}, RECOMPUTE_TTL)
