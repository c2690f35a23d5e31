import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from casework.jobs import registry, runner
from casework.jobs.models import Job, JobStatus
from casework.jobs.registry import JobError, job_handler
from casework.jobs.services import job_claim_next, job_enqueue, job_requeue_stale, job_run, job_run_next, retry_delay

pytestmark = pytest.mark.django_db

CALLS: list[dict] = []


@job_handler("tests.echo")
def echo(job, progress):
    CALLS.append(dict(job.args))
    progress(1, 2, "half way")
    progress(2, 2, "all of it")
    return f"echoed {job.args.get('n')}"


@job_handler("tests.boom")
def boom(job, progress):
    raise RuntimeError("José García has no phone")  # a message that must never be stored or logged


@job_handler("tests.refuse")
def refuse(job, progress):
    raise JobError("The letter template is missing.")


@pytest.fixture(autouse=True)
def _plain(settings):
    settings.CASEWORK_JOBS_INLINE = False
    settings.CASEWORK_JOBS_RETRY_SECONDS = 60
    CALLS.clear()


def test_run_next_runs_the_due_job_and_records_the_outcome():
    job = job_enqueue(kind="tests.echo", args={"n": 7})
    assert job.status == JobStatus.QUEUED
    done = job_run_next("w1")
    assert done.pk == job.pk
    assert CALLS == [{"n": 7}]
    job.refresh_from_db()
    assert (job.status, job.attempts, job.worker) == (JobStatus.DONE, 1, "w1")
    assert (job.progress_done, job.progress_total, job.percent) == (2, 2, 100)
    assert job.message == "echoed 7"
    assert job.started_at <= job.finished_at
    assert job_run_next("w1") is None  # nothing left


def test_claim_takes_the_oldest_due_job_once_and_skips_future_ones():
    later = job_enqueue(kind="tests.echo", run_after=timezone.now() + datetime.timedelta(hours=1))
    first = job_enqueue(kind="tests.echo", run_after=timezone.now() - datetime.timedelta(minutes=5))
    second = job_enqueue(kind="tests.echo")
    claimed = [job_claim_next("w1"), job_claim_next("w2"), job_claim_next("w3")]
    assert [j.pk if j else None for j in claimed] == [first.pk, second.pk, None]
    assert claimed[0].status == JobStatus.RUNNING and claimed[0].attempts == 1
    later.refresh_from_db()
    assert later.status == JobStatus.QUEUED


def test_a_job_already_claimed_is_not_claimed_again():
    job = job_enqueue(kind="tests.echo")
    assert job_claim_next("w1").pk == job.pk
    # A second worker racing for the same row finds nothing: the conditional claim saw it running.
    assert job_claim_next("w2") is None
    assert Job.objects.get(pk=job.pk).worker == "w1"


def test_failure_is_retried_with_backoff_then_fails(caplog):
    job = job_enqueue(kind="tests.boom", max_attempts=3)
    before = timezone.now()
    job = job_run_next("w1")
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 1)
    assert job.error.startswith("RuntimeError at test_jobs.py:")
    assert "García" not in job.error and "García" not in caplog.text and "phone" not in caplog.text
    # Waits 60 seconds before the second attempt.
    assert before + datetime.timedelta(seconds=59) <= job.run_after <= timezone.now() + datetime.timedelta(seconds=61)
    assert job_run_next("w1") is None  # not due yet
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    job = job_run_next("w1")
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 2)
    assert job.run_after >= timezone.now() + datetime.timedelta(seconds=239)  # 4 x 60
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    job = job_run_next("w1")
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)
    assert job.finished_at is not None


def test_retry_delays_grow_fourfold_up_to_an_hour(settings):
    settings.CASEWORK_JOBS_RETRY_SECONDS = 60
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 240, 960, 3600]


def test_job_error_message_is_kept_and_one_attempt_means_no_retry():
    job = job_enqueue(kind="tests.refuse", max_attempts=1)
    job = job_run_next("w1")
    assert (job.status, job.error) == (JobStatus.FAILED, "The letter template is missing.")


def test_unknown_kind_is_refused_at_enqueue_and_fails_at_run():
    with pytest.raises(ValueError):
        job_enqueue(kind="tests.nobody")
    job = Job.objects.create(kind="tests.gone")  # a handler removed after the job was queued
    job = job_run(job_claim_next("w1"))
    assert job.status == JobStatus.FAILED and "tests.gone" in job.error


def test_unique_key_gives_one_active_job():
    a = job_enqueue(kind="tests.echo", unique_key="k:1")
    b = job_enqueue(kind="tests.echo", unique_key="k:1")
    assert a.pk == b.pk and Job.objects.count() == 1
    job_run_next("w1")
    c = job_enqueue(kind="tests.echo", unique_key="k:1")  # the first is done: a new one may wait
    assert c.pk != a.pk


def _local(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def test_daily_jobs_are_queued_once_per_day_from_their_hour(settings):
    settings.CASEWORK_DIGEST_HOUR, settings.CASEWORK_LADDER_HOUR, settings.CASEWORK_UPLOAD_SWEEP_HOUR = 6, 5, 3
    settings.CASEWORK_RECOMPUTE_HOUR = 4
    assert {d.kind for d in registry.daily_jobs()} >= {"reminders.daily_digest", "enforcement.evaluate",
                                                       "imports.sweep_uploads", "imports.nightly_recompute"}
    day = datetime.date(2026, 11, 24)

    def queued_by_tick(local_day, hour):
        before = set(Job.objects.values_list("pk", flat=True))
        runner.tick("w1", now=_local(local_day, hour))  # also runs what it queued
        return sorted(Job.objects.exclude(pk__in=before).values_list("kind", "unique_key", "args", "status"))

    assert queued_by_tick(day, 2) == []
    assert queued_by_tick(day, 4) == [
        ("imports.nightly_recompute", "imports.nightly_recompute:2026-11-24", {"date": "2026-11-24"}, JobStatus.DONE),
        ("imports.sweep_uploads", "imports.sweep_uploads:2026-11-24", {"date": "2026-11-24"}, JobStatus.DONE)]
    assert queued_by_tick(day, 5) == [("enforcement.evaluate", "enforcement.evaluate:2026-11-24",
                                       {"as_of": "2026-11-24"}, JobStatus.DONE)]
    assert queued_by_tick(day, 6) == [("reminders.daily_digest", "digest:2026-11-24", {"date": "2026-11-24"},
                                       JobStatus.DONE)]
    assert queued_by_tick(day, 7) == [] and queued_by_tick(day, 23) == []  # done today: not again
    tomorrow = day + datetime.timedelta(days=1)
    assert [k for k, *_ in queued_by_tick(tomorrow, 6)] == ["enforcement.evaluate", "imports.nightly_recompute",
                                                            "imports.sweep_uploads", "reminders.daily_digest"]
    assert Job.objects.count() == 8


def test_a_daily_job_waiting_or_failed_today_is_not_queued_again(settings):
    settings.CASEWORK_DIGEST_HOUR, settings.CASEWORK_LADDER_HOUR, settings.CASEWORK_UPLOAD_SWEEP_HOUR = 6, 23, 23
    settings.CASEWORK_RECOMPUTE_HOUR = 23
    day = datetime.date(2026, 11, 24)
    [job] = runner.schedule_daily(_local(day, 6))
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)
    assert runner.schedule_daily(_local(day, 8)) == []
    assert registry.daily("tests.echo", "CASEWORK_TESTS_HOUR", 7).hour() == 7  # the default when unset
    try:
        assert [j.kind for j in runner.schedule_daily(_local(day, 8))] == ["tests.echo"]
    finally:
        registry._daily.pop("tests.echo")


def test_worker_once_drains_the_queue(capsys):
    for n in range(3):
        job_enqueue(kind="tests.echo", args={"n": n})
    call_command("worker", "--once", "--no-schedule")
    assert "Ran 3 job(s)." in capsys.readouterr().out
    assert sorted(c["n"] for c in CALLS) == [0, 1, 2]
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.DONE}


def test_worker_once_also_schedules_the_digest(settings, capsys):
    settings.CASEWORK_DIGEST_HOUR = 0
    call_command("worker", "--once")
    assert Job.objects.filter(kind="reminders.daily_digest", status=JobStatus.DONE).count() == 1


def test_inline_mode_runs_the_job_after_commit(settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.CASEWORK_JOBS_INLINE = True
    monkeypatch.setattr(runner, "_spawn", lambda target: target())  # one in-memory database: same thread
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            job = job_enqueue(kind="tests.echo", args={"n": 1})
            assert CALLS == []  # not before the commit: the runner could not see the row
        assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    assert CALLS == [{"n": 1}]
    assert Job.objects.get(pk=job.pk).status == JobStatus.DONE


def test_demo_mode_means_inline_unless_overridden(settings):
    from casework.jobs.services import _inline

    del settings.CASEWORK_JOBS_INLINE
    settings.DEMO_MODE = True
    assert _inline() is True
    settings.CASEWORK_JOBS_INLINE = False
    assert _inline() is False


def test_stale_running_jobs_are_queued_again_or_failed():
    long_running = job_enqueue(kind="tests.echo")
    alive = job_enqueue(kind="tests.echo")
    again = job_enqueue(kind="tests.echo")
    spent = job_enqueue(kind="tests.echo", max_attempts=1)
    for _ in range(4):
        job_claim_next("dead-worker")
    two_hours_ago = timezone.now() - datetime.timedelta(hours=2)
    # Started long ago but still reporting progress: alive.
    Job.objects.filter(pk=long_running.pk).update(started_at=two_hours_ago, heartbeat_at=timezone.now())
    Job.objects.filter(pk__in=[again.pk, spent.pk]).update(started_at=two_hours_ago, heartbeat_at=two_hours_ago)
    assert job_requeue_stale(older_than=datetime.timedelta(hours=1)) == 2
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses == {long_running.pk: JobStatus.RUNNING, alive.pk: JobStatus.RUNNING,
                        again.pk: JobStatus.QUEUED, spent.pk: JobStatus.FAILED}


def test_status_endpoint_reports_progress_to_the_creator_only(world, client):
    ppw = world.user("ppw")
    job = job_enqueue(kind="tests.echo", actor=ppw, args={"n": 3})
    job_run_next("w1")
    client.force_login(ppw)
    data = client.get(reverse("jobs:status", kwargs={"pk": job.pk})).json()
    assert data["status"] == "done" and data["finished"] is True
    assert data["progress"] == {"done": 2, "total": 2, "percent": 100}
    assert data["message"] == "echoed 3"
    client.force_login(world.user("supervisor"))
    assert client.get(reverse("jobs:status", kwargs={"pk": job.pk})).status_code == 404
    client.force_login(world.user("director"))
    assert client.get(reverse("jobs:status", kwargs={"pk": job.pk})).status_code == 200


def test_handler_runs_in_the_creators_audit_context(world):
    from casework.core import context

    seen = {}

    @job_handler("tests.whoami")
    def whoami(job, progress):
        seen["actor"], seen["source"] = context.current().actor, context.current().source

    job_enqueue(kind="tests.whoami", actor=world.user("ppw"))
    job_run_next("w1")
    assert seen == {"actor": world.user("ppw"), "source": "job"}


def test_sigterm_lets_the_current_job_finish_then_stops_the_worker(capsys):
    import os
    import signal

    finished = []

    @job_handler("tests.slow")
    def slow(job, progress):
        os.kill(os.getpid(), signal.SIGTERM)  # the service manager stops the worker mid-job
        finished.append(job.pk)
        return "finished anyway"

    before = signal.getsignal(signal.SIGTERM)
    first = job_enqueue(kind="tests.slow")
    second = job_enqueue(kind="tests.echo")
    call_command("worker", "--poll", "0.1", "--no-schedule")  # returns only because of the SIGTERM
    assert finished == [first.pk]
    assert Job.objects.get(pk=first.pk).status == JobStatus.DONE
    assert Job.objects.get(pk=second.pk).status == JobStatus.QUEUED  # left for the next worker
    assert "Worker stopped." in capsys.readouterr().out
    assert signal.getsignal(signal.SIGTERM) is before  # the worker put the previous handler back
