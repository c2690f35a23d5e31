"""Enqueue, claim and run jobs. Claiming is atomic across workers: PostgreSQL skips rows another worker
holds (SELECT ... FOR UPDATE SKIP LOCKED); SQLite, which has one writer at a time, claims with a
conditional UPDATE and checks that it won the row."""

from __future__ import annotations

import datetime
import logging
import traceback
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from casework.core.context import Source, audit_context

from .models import Job, JobStatus
from .registry import JobError, handler_for

log = logging.getLogger(__name__)


def _inline() -> bool:
    """Demo mode runs jobs in-process; CASEWORK_JOBS_INLINE overrides either way."""
    value = getattr(settings, "CASEWORK_JOBS_INLINE", None)
    return bool(settings.DEMO_MODE if value is None else value)


def job_enqueue(*, kind: str, args: dict | None = None, actor=None, run_after: datetime.datetime | None = None,
                unique_key: str = "", max_attempts: int = 3) -> Job:
    """Queue a job. With `unique_key`, a job already waiting or running under that key is returned
    instead of a second one. `args` hold ids and dates only (they are stored and shown as they are)."""
    if handler_for(kind) is None:
        raise ValueError(f"No job handler is registered for {kind!r}")
    if unique_key:
        existing = Job.objects.filter(unique_key=unique_key, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=kind, args=args or {}, created_by=actor if _is_user(actor) else None,
                                     run_after=run_after or timezone.now(), unique_key=unique_key,
                                     max_attempts=max(1, max_attempts))
    except IntegrityError:
        # Another process enqueued the same key between our check and our insert.
        existing = Job.objects.filter(unique_key=unique_key, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).first()
        if existing is None:
            raise
        return existing
    if _inline():
        from . import runner

        transaction.on_commit(runner.kick)  # the row must be visible to the runner's own connection
    return job


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def job_claim_next(worker_name: str, *, now: datetime.datetime | None = None) -> Job | None:
    """Take the next due job for this worker, or None. Never gives the same job to two workers."""
    now = now or timezone.now()
    changes = {"status": JobStatus.RUNNING, "started_at": now, "heartbeat_at": now, "finished_at": None,
               "worker": worker_name[:100], "attempts": F("attempts") + 1, "error": ""}
    for _ in range(10):  # lost races on SQLite: try the next row
        with transaction.atomic():
            due = Job.objects.due(now).order_by("run_after", "id")
            if connection.features.has_select_for_update_skip_locked:
                job = due.select_for_update(skip_locked=True).only("pk").first()
                if job is None:
                    return None
                Job.objects.filter(pk=job.pk).update(**changes)
                return Job.objects.get(pk=job.pk)
            pk = due.values_list("pk", flat=True).first()
            if pk is None:
                return None
            if Job.objects.filter(pk=pk, status=JobStatus.QUEUED).update(**changes) == 1:
                return Job.objects.get(pk=pk)
    return None


def retry_delay(attempts: int) -> datetime.timedelta:
    """Backoff after the n-th failed attempt: base, 4x base, 16x base... capped at an hour."""
    base = int(getattr(settings, "CASEWORK_JOBS_RETRY_SECONDS", 60))
    return datetime.timedelta(seconds=min(3600, base * 4 ** max(0, attempts - 1)))


class _Progress:
    """The callback handlers report through; writes at most about once a second (and always the last)."""

    def __init__(self, job: Job):
        self.job = job
        self._last_write = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        import time

        now = time.monotonic()
        final = total is not None and done >= total
        if not final and now - self._last_write < 1.0:
            return
        self._last_write = now
        fields = {"progress_done": max(0, int(done)), "message": message[:200], "heartbeat_at": timezone.now()}
        if total is not None:
            fields["progress_total"] = max(0, int(total))
        Job.objects.filter(pk=self.job.pk).update(**fields)
        for name, value in fields.items():
            setattr(self.job, name, value)


def _where(exc: BaseException) -> str:
    """The innermost frame of the traceback as file:line; exception messages may hold student data."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f"{Path(last.filename).name}:{last.lineno}"


def job_run(job: Job) -> Job:
    """Run a claimed job and record how it ended. Exceptions never escape: the worker keeps going."""
    handler = handler_for(job.kind)
    if handler is None:
        return _finish(job, JobStatus.FAILED, error=f"No handler for job kind {job.kind!r}")
    try:
        with audit_context(actor=job.created_by, source=Source.JOB):
            outcome = handler(job, _Progress(job))
    except JobError as exc:
        log.warning("job %s (%s) failed on attempt %s: %s", job.pk, job.kind, job.attempts, exc)
        return _failed(job, str(exc))
    except Exception as exc:
        where = _where(exc)
        # Type and place only: the message of an arbitrary exception may quote student data.
        log.error("job %s (%s) failed on attempt %s: %s at %s", job.pk, job.kind, job.attempts,
                  type(exc).__name__, where)
        return _failed(job, f"{type(exc).__name__} at {where}" if where else type(exc).__name__)
    return _finish(job, JobStatus.DONE, message=(outcome or job.message or "Done")[:200])


def _failed(job: Job, error: str) -> Job:
    if job.attempts < job.max_attempts:
        delay = retry_delay(job.attempts)
        Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, error=error[:300],
                                             run_after=timezone.now() + delay)
        job.refresh_from_db()
        return job
    return _finish(job, JobStatus.FAILED, error=error)


def _finish(job: Job, status: str, *, error: str = "", message: str | None = None) -> Job:
    fields = {"status": status, "finished_at": timezone.now(), "error": error[:300]}
    if message is not None:
        fields["message"] = message
    Job.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def job_run_next(worker_name: str) -> Job | None:
    """Claim and run one due job; None when nothing is due."""
    job = job_claim_next(worker_name)
    if job is None:
        return None
    return job_run(job)


def job_requeue_stale(*, older_than: datetime.timedelta | None = None) -> int:
    """Jobs left "running" by a worker that died (killed, power cut) go back to the queue, or fail when
    out of attempts. "Left" means no progress report for CASEWORK_JOBS_STALE_MINUTES: a long job that
    reports progress is never taken from under its worker. Called on every worker round."""
    minutes = int(getattr(settings, "CASEWORK_JOBS_STALE_MINUTES", 60))
    cutoff = timezone.now() - (older_than or datetime.timedelta(minutes=minutes))
    stale = Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
    failed = stale.filter(attempts__gte=F("max_attempts")).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), error="The worker stopped while running it")
    requeued = stale.update(status=JobStatus.QUEUED, run_after=timezone.now(),
                            error="The worker stopped while running it; queued again")
    if failed or requeued:
        log.warning("jobs left running by a stopped worker: %s queued again, %s failed", requeued, failed)
    return failed + requeued
