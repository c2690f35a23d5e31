"""Real threads against a real database: only on PostgreSQL (in-memory SQLite is one connection)."""

import threading
import time

import pytest
from django.db import connection

from casework.jobs import runner
from casework.jobs.models import Job, JobStatus
from casework.jobs.services import job_claim_next, job_enqueue

from .test_jobs import CALLS  # noqa: F401  registers the tests.echo handler

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database shared across threads"),
]


def test_parallel_workers_never_claim_the_same_job(settings):
    settings.CASEWORK_JOBS_INLINE = False
    jobs = {job_enqueue(kind="tests.echo", args={"n": n}).pk for n in range(20)}
    claimed: list[int] = []
    lock = threading.Lock()

    def work(name):
        try:
            while (job := job_claim_next(name)) is not None:
                with lock:
                    claimed.append(job.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(claimed) == sorted(jobs)  # every job once, none twice


def test_inline_runner_thread_runs_the_job_after_commit(settings):
    settings.CASEWORK_JOBS_INLINE = True
    job = job_enqueue(kind="tests.echo", args={"n": 5})  # autocommit: on_commit fires at once
    for _ in range(100):
        if Job.objects.get(pk=job.pk).status == JobStatus.DONE:
            break
        time.sleep(0.05)
    assert Job.objects.get(pk=job.pk).status == JobStatus.DONE
    if runner._thread is not None:
        runner._thread.join(5)
