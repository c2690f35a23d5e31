"""`casework worker`: runs queued jobs and schedules the daily reminder digest.

Run one per server (more are safe: a job is claimed by exactly one). SIGTERM or Ctrl+C lets the current
job finish, then exits. `--once` runs what is due and exits (cron, tests)."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection

from casework.jobs.runner import tick, worker_name


class Command(BaseCommand):
    help = "Run background jobs (and schedule the daily reminder digest) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--poll", type=float, default=5.0, help="Seconds between looks at the queue (default 5)")
        parser.add_argument("--once", action="store_true", help="Run every job that is due, then exit")
        parser.add_argument("--no-schedule", action="store_true", help="Do not queue the daily digest")

    def handle(self, *args, **opts):
        if opts["poll"] <= 0:
            self.stderr.write("--poll must be more than 0 seconds.")
            raise SystemExit(2)
        name = worker_name()
        stop = threading.Event()
        schedule = not opts["no_schedule"]
        if opts["once"]:
            ran = self._round(name, stop, schedule)
            self.stdout.write(f"Ran {ran} job(s).")
            return
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
        self.stdout.write(f"Worker {name} started; polling every {opts['poll']:g}s. Stop with Ctrl+C or SIGTERM.")
        try:
            while not stop.is_set():
                try:
                    ran = self._round(name, stop, schedule)
                except DatabaseError:
                    # The database restarts or is unreachable: keep the worker, try again next round.
                    self.stderr.write("The database is unreachable; trying again.")
                    connection.close()
                    ran = 0
                if ran:
                    self.stdout.write(f"Ran {ran} job(s).")
                stop.wait(opts["poll"])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Worker stopped.")

    def _round(self, name: str, stop: threading.Event, schedule: bool) -> int:
        if schedule:
            return tick(name, stop=stop)
        from casework.jobs.runner import drain
        from casework.jobs.services import job_requeue_stale

        job_requeue_stale()
        return drain(name, stop=stop)
