"""Uploaded import files are held only while their run reads them (imports/uploads.py)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casework.imports import uploads
from casework.imports.models import ImportRun
from casework.imports.services import start_run
from casework.jobs.models import Job, JobStatus
from casework.jobs.services import job_enqueue, job_run_next


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def _folder(run_pk, name="students.csv"):
    folder = uploads.upload_root() / str(run_pk)
    folder.mkdir(parents=True)
    (folder / name).write_text("student_id\n100001\n", encoding="utf-8")
    return folder


def test_a_refused_run_deletes_its_upload_too(world):
    client = Client()
    client.force_login(world.user("data_steward"))
    bad = "student_id,first_name,last_name,birth_date,grade\n300004,Ben,Ortiz,2013-02-30,06\n"
    client.post(reverse("imports:runs"), {"format": "csv", "kind": "students",
                                          "files": [SimpleUploadedFile("s.csv", bad.encode(), "text/csv")]})
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REFUSED and run.rejected_rows.count() == 1  # the report stays
    assert not (uploads.upload_root() / str(run.pk)).exists()


def test_sweep_keeps_only_what_a_live_run_needs(db):
    now = timezone.now()

    def run(status, started_hours_ago=0):
        r = start_run(actor=None, fmt="csv", kind="students", source_files=["s.csv"], partial=False)
        ImportRun.objects.filter(pk=r.pk).update(status=status, started_at=now - datetime.timedelta(
            hours=started_hours_ago))
        return r.pk

    live = _folder(run(ImportRun.Status.RUNNING, 1))
    dead = _folder(run(ImportRun.Status.RUNNING, 13))  # its process died: no import runs 12 hours
    done = _folder(run(ImportRun.Status.COMMITTED))
    refused = _folder(run(ImportRun.Status.REFUSED))
    orphan = _folder(999_999)  # no such run
    stray = uploads.upload_root() / "notes"
    stray.mkdir()
    assert uploads.sweep(now=now) == 5
    assert live.exists() and (live / "students.csv").exists()
    assert not any(p.exists() for p in (dead, done, refused, orphan, stray))
    assert uploads.sweep(now=now) == 0


def test_sweep_without_any_upload_yet(db):
    assert uploads.sweep() == 0


def test_the_daily_job_sweeps(db):
    r = start_run(actor=None, fmt="csv", kind="students", source_files=["s.csv"], partial=False)
    ImportRun.objects.filter(pk=r.pk).update(status=ImportRun.Status.COMMITTED)
    folder = _folder(r.pk)
    job = job_enqueue(kind="imports.sweep_uploads", args={"date": "2026-11-24"})
    job_run_next("w1")
    job.refresh_from_db()
    assert (job.status, job.message) == (JobStatus.DONE, "1 upload folder(s) removed")
    assert not folder.exists() and Job.objects.count() == 1
