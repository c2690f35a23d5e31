"""Running jobs without a separate worker: in demo mode (or with CASEWORK_JOBS_INLINE) job_enqueue
kicks a thread here once its transaction commits, and `start_in_process()` gives `casework demo`
the worker's daily schedule in a thread. Each thread closes its own database connection when it ends:
the request's connection is never touched."""

from __future__ import annotations

import datetime
import logging
import os
import threading

from django.db import close_old_connections, connection
from django.utils import timezone

from .models import Job
from .registry import daily_jobs
from .services import job_enqueue, job_requeue_stale, job_run_next

log = logging.getLogger(__name__)

_lock = threading.RLock()  # re-entrant: tests run the drain in the kicking thread
_wanted = threading.Event()
_thread: threading.Thread | None = None


def worker_name(prefix: str = "worker") -> str:
    return f"{prefix}-{os.uname().nodename}-{os.getpid()}"


def drain(name: str, *, limit: int | None = None, stop: threading.Event | None = None) -> int:
    """Run due jobs until none is left (or `limit`, or `stop` is set). Returns how many ran."""
    ran = 0
    while (limit is None or ran < limit) and not (stop is not None and stop.is_set()):
        if job_run_next(name) is None:
            break
        ran += 1
    return ran


def _spawn(target) -> threading.Thread:
    """A daemon thread (tests replace this to run the target in the calling thread)."""
    thread = threading.Thread(target=target, name="casework-jobs", daemon=True)
    thread.start()
    return thread


def kick() -> None:
    """Run the queue in the background thread, starting it if it is not already draining."""
    global _thread
    with _lock:
        _wanted.set()
        if _thread is not None and _thread.is_alive():
            return  # it will see _wanted and go round once more
        _thread = _spawn(_drain_until_idle)


def _drain_until_idle() -> None:
    global _thread
    name = worker_name("inline")
    try:
        while True:
            _wanted.clear()
            try:
                drain(name)
            except Exception:  # a database hiccup: the next kick or the scheduler tries again
                log.exception("in-process job runner stopped")
                return
            with _lock:
                if not _wanted.is_set():
                    _thread = None
                    return
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()


def schedule_daily(now: datetime.datetime | None = None) -> list[Job]:
    """Queue each registered daily job (registry.daily) once per local day, from its hour on. One that
    already ran, failed or waits today is not queued again (its unique key <key>:YYYY-MM-DD), so a
    restarted worker, or two of them, never runs it twice. Returns the jobs queued now."""
    local = timezone.localtime(now or timezone.now())
    queued = []
    for entry in daily_jobs():
        if local.hour < entry.hour():
            continue
        key = entry.unique_key(local.date())
        if Job.objects.filter(unique_key=key).exists():
            continue
        queued.append(job_enqueue(kind=entry.kind, args={entry.date_arg: local.date().isoformat()}, unique_key=key))
    return queued


def tick(name: str, *, stop: threading.Event | None = None, now: datetime.datetime | None = None) -> int:
    """One round of a worker: requeue stale jobs, queue the daily jobs that are due, run what is due."""
    job_requeue_stale()
    schedule_daily(now)
    return drain(name, stop=stop)


def start_in_process(*, poll: float = 60.0) -> threading.Thread:
    """For `casework demo`: the worker's loop in a daemon thread of the serving process."""
    stop = threading.Event()

    def loop() -> None:
        name = worker_name("demo")
        while not stop.is_set():
            try:
                close_old_connections()
                tick(name, stop=stop)
            except Exception:
                log.exception("in-process scheduler round failed")
            finally:
                connection.close()
            stop.wait(poll)

    thread = threading.Thread(target=loop, name="casework-scheduler", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread

