"""The import page: upload, run (inline in tests), progress, results, rejected rows, recompute."""

import csv
import datetime
import io
import stat
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.test import Client
from django.urls import reverse

from casework.audit.models import AccessLog
from casework.imports import background, uploads
from casework.imports.forms import SizeLimitUploadHandler
from casework.imports.models import ImportRun, RejectedRow
from casework.imports.services import progress_key, start_run
from casework.imports.uploads import upload_root
from casework.jobs import runner
from casework.jobs.models import Job
from casework.students.models import Student

STUDENTS = ("student_id,first_name,last_name,birth_date,grade,sex,state_id\n"
            "300003,Ana,Lopez,2013-04-02,6,F,1234567890\n"
            "100001,José,García,2014-05-17,05,,\n")
# Line 3 has an impossible date, line 4 an unknown grade.
BAD_STUDENTS = ("student_id,first_name,last_name,birth_date,grade\n"
                "300003,Ana,Lopez,2013-04-02,06\n"
                "300004,Ben,Ortiz,2013-02-30,06\n"
                "300005,Cal,Park,2013-05-05,14\n")


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    cache.clear()
    yield settings.DATA_DIR
    cache.clear()


@pytest.fixture
def seen_uploads(monkeypatch):
    """What each run's upload folder held when the run ended (the run then deletes it): {run id: {name:
    (bytes, mode)}, plus "folder_mode"}."""
    seen: dict[int, dict] = {}
    real = uploads.discard

    def snapshot_then_discard(run_pk):
        folder = upload_root() / str(run_pk)
        if folder.is_dir():
            seen[run_pk] = {p.name: (p.read_bytes(), stat.S_IMODE(p.stat().st_mode)) for p in folder.iterdir()}
            seen[run_pk]["folder_mode"] = stat.S_IMODE(folder.stat().st_mode)
        real(run_pk)

    monkeypatch.setattr(uploads, "discard", snapshot_then_discard)
    return seen


@pytest.fixture
def steward(world):
    client = Client()
    client.force_login(world.user("data_steward"))
    return client


def upload(client, text: str | bytes, name="students.csv", *, fmt="csv", kind="students", partial=False,
           follow=False):
    content = text.encode("utf-8") if isinstance(text, str) else text
    data = {"format": fmt, "kind": kind, "files": [SimpleUploadedFile(name, content, "text/csv")]}
    if partial:
        data["partial"] = "on"
    return client.post(reverse("imports:runs"), data, follow=follow)


def page_text(response) -> str:
    return response.content.decode()


def test_upload_commits_and_shows_the_counts(world, steward, data_dir, seen_uploads):
    response = upload(steward, STUDENTS)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{run.pk}/"
    assert (run.status, run.format, run.kind, run.source_files) == ("committed", "csv", "students", ["students.csv"])
    assert (run.created, run.updated, run.unchanged, run.rejected) == (1, 0, 1, 0)
    assert run.actor == world.user("data_steward")
    assert Student.objects.filter(district_id="300003", last_name="Lopez").exists()

    page = page_text(steward.get(response["Location"]))
    assert "Committed" in page
    for label, value in (("Created", 1), ("Updated", 0), ("Unchanged", 1), ("Rejected", 0)):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page
    assert "hx-trigger" not in page  # finished: nothing polls

    # The run read the file from DATA_DIR/imports/<run id>/, readable by the server's account only,
    # and deleted it when it ended: the raw upload is not kept.
    assert seen_uploads[run.pk] == {"students.csv": (STUDENTS.encode(), 0o600), "folder_mode": 0o700}
    assert not (data_dir / "imports" / str(run.pk)).exists()

    runs = page_text(steward.get(reverse("imports:runs")))
    assert f'href="/imports/{run.pk}/"' in runs and "t-steward" in runs and "students.csv" in runs


def test_large_file_streamed_to_disk_is_moved_into_the_run_folder(world, steward, settings, data_dir,
                                                                   seen_uploads):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # every upload goes through a temporary file
    assert upload(steward, STUDENTS).status_code == 302
    run = ImportRun.objects.get()
    assert (run.status, run.created, run.unchanged) == ("committed", 1, 1)
    assert seen_uploads[run.pk]["students.csv"] == (STUDENTS.encode(), 0o600)
    assert not (data_dir / "imports" / str(run.pk)).exists()


def test_outside_the_tests_an_upload_is_a_job_the_worker_runs(world, steward, settings, data_dir, seen_uploads):
    # Not a thread of the web server (a restart would cut it off): the page queues an imports.run job
    # (ids and flags only in its args) and the worker runs it as the steward, never retrying it.
    settings.CASEWORK_IMPORTS_INLINE = False
    settings.CASEWORK_JOBS_INLINE = False
    response = upload(steward, STUDENTS)
    run = ImportRun.objects.get()
    assert response["Location"] == f"/imports/{run.pk}/" and run.status == "running"
    job = Job.objects.get()
    assert (job.kind, job.args, job.created_by, job.max_attempts) == (
        "imports.run", {"run": run.pk, "format": "csv", "kind": "students", "partial": False},
        world.user("data_steward"), 1)
    assert (data_dir / "imports" / str(run.pk) / "students.csv").read_bytes() == STUDENTS.encode()

    assert runner.drain("test-worker") == 1
    run.refresh_from_db()
    job.refresh_from_db()
    assert (run.status, run.created, run.unchanged, run.actor) == ("committed", 1, 1, world.user("data_steward"))
    assert (job.status, job.message) == ("done", f"Import run {run.pk}: Committed")
    assert seen_uploads[run.pk]["students.csv"][0] == STUDENTS.encode()
    assert not (data_dir / "imports" / str(run.pk)).exists()


def test_the_run_page_says_when_the_worker_has_not_started_or_died(world, steward, settings):
    from casework.jobs.services import job_claim_next, job_requeue_stale

    settings.CASEWORK_IMPORTS_INLINE = False
    settings.CASEWORK_JOBS_INLINE = False
    url = upload(steward, STUDENTS)["Location"]
    page = page_text(steward.get(url))
    assert "Waiting for the worker to start it" in page and "hx-trigger" in page

    job_claim_next("doomed-worker")  # claimed, then the worker is killed mid-run
    assert job_requeue_stale(older_than=datetime.timedelta(seconds=-1)) == 1  # given up: not retried
    assert ImportRun.objects.get().status == "running"  # nobody wrote its end
    page = page_text(steward.get(url))
    assert "This import stopped without finishing" in page
    assert "hx-trigger" not in page  # nothing left to poll for

    # An import still reporting progress is not called stopped, even with its job given up (one that
    # runs longer than CASEWORK_JOBS_STALE_MINUTES: its heartbeat is inside its own transaction).
    run = ImportRun.objects.get()
    cache.set(progress_key(run.pk), {"name": "students.csv", "done": 10, "total": 100, "at": time.time()})
    assert "This import stopped without finishing" not in page_text(steward.get(url))
    cache.set(progress_key(run.pk), {"name": "students.csv", "done": 10, "total": 100, "at": time.time() - 301})
    assert "This import stopped without finishing" in page_text(steward.get(url))


def test_an_import_job_that_breaks_refuses_its_run_and_is_not_retried(world, steward, settings, data_dir,
                                                                      monkeypatch):
    settings.CASEWORK_IMPORTS_INLINE = False
    settings.CASEWORK_JOBS_INLINE = False
    upload(steward, STUDENTS)

    def broken(**kwargs):
        raise RuntimeError("reader failed to load")

    monkeypatch.setattr(background, "import_run", broken)
    runner.drain("test-worker")
    run, job = ImportRun.objects.get(), Job.objects.get()
    assert (run.status, run.message) == ("refused", "The import stopped unexpectedly (RuntimeError); nothing was "
                                                    "written.")
    assert (job.status, job.attempts) == ("failed", 1)
    assert not (data_dir / "imports" / str(run.pk)).exists()
    assert Student.objects.filter(district_id="300003").count() == 0


def test_the_recompute_button_queues_a_job(world, steward, settings, monkeypatch):
    from casework.indicators import services as indicators

    settings.CASEWORK_IMPORTS_INLINE = False
    settings.CASEWORK_JOBS_INLINE = False
    monkeypatch.setattr(indicators, "default_as_of", lambda: datetime.date(2025, 9, 26))
    monkeypatch.setattr(indicators, "indicators_recompute",
                        lambda **kw: indicators.Recomputed(pairs=3, rows=11, crossed=2, cleared=1))
    steward.post(reverse("imports:recompute"))
    assert background.recompute_status()["state"] == "running"
    assert Job.objects.get().kind == "imports.recompute"
    # A second click while it waits starts nothing more.
    assert "already running" in page_text(steward.post(reverse("imports:recompute"), follow=True))
    assert Job.objects.count() == 1

    runner.drain("test-worker")
    assert (background.recompute_status()["state"], Job.objects.get().status) == ("done", "done")
    assert cache.get(background.RECOMPUTE_LOCK) is None  # the next click may start one again


def test_reimport_says_nothing_changed(world, steward):
    upload(steward, STUDENTS)
    upload(steward, STUDENTS)
    second = ImportRun.objects.order_by("pk").last()
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert "Nothing changed" in page_text(steward.get(reverse("imports:run", args=[second.pk])))


def test_rejected_rows_refuse_the_run_and_are_listed_and_downloadable(world, steward):
    before = Student.objects.count()
    response = upload(steward, BAD_STUDENTS, follow=True)
    run = ImportRun.objects.get()
    assert (run.status, run.rejected, run.created) == ("refused", 2, 0)
    assert Student.objects.count() == before  # all or nothing: Ana (a good row) was not written either
    page = page_text(response)
    assert "Refused (nothing written)" in page
    # The page names its own checkbox, not the command line's --partial.
    assert run.message == ('2 row(s) rejected: nothing was written (to commit the good rows, upload the files '
                           'again with "Commit the good rows" ticked).')
    assert "2 row(s) rejected: nothing was written (to commit the good rows, upload the files again with " \
           "&quot;Commit the good rows&quot; ticked)." in page
    assert "--partial" not in page
    # Each rejected row names its student as the file does, so the data steward can find them in the SIS.
    assert ("<td>students.csv</td><td>line 3</td><td>birth_date</td><td>2013-02-30</td>"
            "<td>2013-02-30 is not a real date (no such day in the calendar).</td><td>300004</td>") in page
    assert "<td>students.csv</td><td>line 4</td><td>grade</td><td>14</td>" in page
    assert "<td>300005</td>" in page
    assert '<th scope="col">Reason</th><th scope="col">Student ID</th>' in page
    assert "Ben" not in page and "Ortiz" not in page  # no names, only the offending values

    download = steward.get(reverse("imports:rejects", args=[run.pk]))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"] == f'attachment; filename="import-run-{run.pk}-rejected-rows.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    # The existing columns in their places, student_id added last.
    assert rows[0] == ["file", "line", "element", "field", "value", "reason", "student_id"]
    assert [r[:5] + r[6:] for r in rows[1:]] == [["students.csv", "3", "", "birth_date", "2013-02-30", "300004"],
                                                 ["students.csv", "4", "", "grade", "14", "300005"]]


def test_partial_commits_the_good_rows(world, steward):
    upload(steward, BAD_STUDENTS, partial=True)
    run = ImportRun.objects.get()
    assert (run.status, run.created, run.rejected, run.partial) == ("partial", 1, 2, True)
    assert Student.objects.filter(district_id="300003").exists()
    assert not Student.objects.filter(district_id__in=["300004", "300005"]).exists()


def test_unreadable_file_shows_the_reason_and_writes_nothing(world, steward):
    before = Student.objects.count()
    response = upload(steward, STUDENTS.replace(",", ";"), follow=True)
    run = ImportRun.objects.get()
    assert run.status == "refused" and run.rejected == 0
    assert Student.objects.count() == before
    assert run.message and run.message.splitlines()[0] in page_text(response).replace("&#x27;", "'").replace(
        "&quot;", '"')


def test_rejected_known_student_id_is_a_logged_access(world, steward):
    run = start_run(actor=None, fmt="csv", kind="enrollments", source_files=["e.csv"], partial=False)
    RejectedRow.objects.create(run=run, file="e.csv", line=2, field="student_id", value="100001",
                               reason="Duplicate enrollment.")
    RejectedRow.objects.create(run=run, file="e.csv", line=3, field="student_id", value="999999",
                               reason="Unknown student 999999: import the students file first.")
    assert steward.get(reverse("imports:run", args=[run.pk])).status_code == 200
    steward.get(reverse("imports:rejects", args=[run.pk]))
    logged = AccessLog.objects.filter(detail=f"import run {run.pk} rejected rows")
    assert sorted((e.student_id, e.action) for e in logged) == sorted(
        [(world.student_a.pk, "view"), (world.student_a.pk, "export")])


def test_a_rejected_row_naming_a_known_student_is_a_logged_access(world, steward):
    """The student_id column discloses the student whatever field was rejected (here the grade)."""
    run = start_run(actor=None, fmt="csv", kind="students", source_files=["s.csv"], partial=False)
    RejectedRow.objects.create(run=run, file="s.csv", line=2, field="grade", value="14", reason="Unknown grade '14'.",
                               student_ref="100001")
    RejectedRow.objects.create(run=run, file="s.csv", line=3, field="grade", value="15", reason="Unknown grade '15'.",
                               student_ref="999999")
    ImportRun.objects.filter(pk=run.pk).update(status="refused", rejected=2)
    page = page_text(steward.get(reverse("imports:run", args=[run.pk])))
    assert "<td>100001</td>" in page and "<td>999999</td>" in page
    steward.get(reverse("imports:rejects", args=[run.pk]))
    logged = AccessLog.objects.filter(detail=f"import run {run.pk} rejected rows")
    assert sorted((e.student_id, e.action) for e in logged) == sorted(
        [(world.student_a.pk, "view"), (world.student_a.pk, "export")])


def test_rejected_values_cannot_run_as_formulas_in_the_download(world, steward):
    """A rejected value is whatever the file held; the download neutralises it as the early-warning export does."""
    run = start_run(actor=None, fmt="csv", kind="students", source_files=["s.csv"], partial=False)
    for line, value in enumerate(("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "06"), start=2):
        RejectedRow.objects.create(run=run, file="s.csv", line=line, field="grade", value=value,
                                   reason=f"Unknown grade {value}.")
    download = steward.get(reverse("imports:rejects", args=[run.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert [r[4] for r in rows[1:]] == ["'=cmd|' /C calc'!A0", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tx", "06"]
    assert [r[1] for r in rows[1:]] == ["2", "3", "4", "5", "6", "7"]
    RejectedRow.objects.create(run=run, file="s.csv", line=8, field="grade", value="1", reason="x", student_ref="=1+1")
    rows = list(csv.reader(io.StringIO(b"".join(steward.get(reverse("imports:rejects", args=[run.pk]))
                                                .streaming_content).decode())))
    assert rows[-1][6] == "'=1+1"  # the student_id cell too


def test_the_kind_menu_names_kinds_in_words(world, steward):
    page = page_text(steward.get(reverse("imports:runs")))
    assert '<option value="grading_periods">Grading periods</option>' in page
    assert '<option value="student_guardians">Student guardians</option>' in page
    assert '<option value="grades">Course grades</option>' in page
    assert "Grading_periods" not in page and "Student_guardians" not in page


@pytest.mark.parametrize("data, error", [
    ({"format": "csv", "kind": "students"}, "Choose at least one file to import."),
    ({"format": "csv", "kind": "", "name": "s.csv"}, "Choose the kind of data the CSV file holds."),
    ({"format": "csv", "kind": "transcripts", "name": "s.csv"}, "Unknown kind transcripts; choose one of the list."),
    ({"format": "csv", "kind": "students", "name": "s.xlsx"}, "s.xlsx: a plain CSV import takes .csv or .txt files."),
    ({"format": "edfi", "name": "s.csv"}, "s.csv: an Ed-Fi import takes .xml files."),
    ({"format": "oneroster", "name": "roster.csv"}, "roster.csv: a OneRoster import takes .zip files."),
    ({"format": "fixed-width", "name": "s.csv"}, "Select a valid choice."),
])
def test_bad_input_is_a_form_error_and_starts_nothing(world, steward, data_dir, data, error):
    data = dict(data)
    name = data.pop("name", None)
    if name:
        data["files"] = [SimpleUploadedFile(name, STUDENTS.encode(), "text/csv")]
    response = steward.post(reverse("imports:runs"), data)
    assert response.status_code == 400
    assert error in page_text(response)
    assert 'role="alert"' in page_text(response)
    assert ImportRun.objects.count() == 0
    assert not (data_dir / "imports").exists()


def test_oneroster_is_one_zip(world, steward):
    files = [SimpleUploadedFile(n, b"PK", "application/zip") for n in ("a.zip", "b.zip")]
    response = steward.post(reverse("imports:runs"), {"format": "oneroster", "files": files})
    assert response.status_code == 400 and "A OneRoster bundle is one .zip file." in page_text(response)
    assert ImportRun.objects.count() == 0


def test_size_limit(world, steward, settings, data_dir):
    settings.CASEWORK_IMPORT_MAX_BYTES = 100
    response = upload(steward, "x" * 101)
    assert response.status_code == 400
    assert "The upload is larger than the 100\xa0bytes limit." in page_text(response)
    assert ImportRun.objects.count() == 0 and not (data_dir / "imports").exists()
    # Exactly at the limit is accepted (and then refused by the importer, not by the page).
    assert upload(steward, "x" * 100).status_code == 302


def test_size_limit_is_checked_while_streaming():
    handler = SizeLimitUploadHandler(limit=10)
    assert handler.receive_data_chunk(b"123456", 0) == b"123456"
    assert handler.receive_data_chunk(b"7890", 6) == b"7890"
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"1", 10)
    assert handler.too_large


def test_duplicate_and_unsafe_file_names_are_sanitized(world, steward, data_dir, seen_uploads):
    files = [SimpleUploadedFile(n, STUDENTS.encode(), "text/csv")
             for n in ("my students.csv", "my students.csv", "../../etc/passwd.csv")]
    response = steward.post(reverse("imports:runs"), {"format": "csv", "kind": "students", "files": files})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.source_files == ["my_students.csv", "my_students-2.csv", "passwd.csv"]
    assert sorted(seen_uploads[run.pk].keys() - {"folder_mode"}) == sorted(run.source_files)


def test_csrf_is_checked_on_upload(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("data_steward"))
    files = [SimpleUploadedFile("s.csv", STUDENTS.encode(), "text/csv")]
    assert client.post(reverse("imports:runs"), {"format": "csv", "kind": "students", "files": files}
                       ).status_code == 403
    assert ImportRun.objects.count() == 0
    client.get(reverse("imports:runs"))
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    files = [SimpleUploadedFile("s.csv", STUDENTS.encode(), "text/csv")]
    response = client.post(reverse("imports:runs"), {"csrfmiddlewaretoken": token, "format": "csv",
                                                     "kind": "students", "files": files})
    assert response.status_code == 302 and ImportRun.objects.count() == 1


def test_template_download(world, steward):
    response = steward.get(reverse("imports:template", args=["students"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="students.csv"'
    assert response.content.decode() == ("student_id,first_name,last_name,birth_date,grade,state_id,middle_name,"
                                         "suffix,preferred_name,sex,home_language\n")
    assert steward.get("/imports/templates/transcripts.csv").status_code == 404
    page = page_text(steward.get(reverse("imports:runs")))
    for kind in ("students", "enrollments", "calendar", "attendance", "discipline", "grades"):
        assert f'href="/imports/templates/{kind}.csv"' in page


def test_progress_fragment_reflects_the_cache(world, steward):
    run = start_run(actor=None, fmt="csv", kind="attendance", source_files=["attendance.csv"], partial=False)
    url = reverse("imports:progress", args=[run.pk])
    fragment = page_text(steward.get(url, headers={"HX-Request": "true"}))
    assert "Waiting for the first progress report." in fragment
    assert 'hx-trigger="every 1s"' in fragment

    cache.set(progress_key(run.pk), {"name": "attendance.csv", "done": 512 * 1024, "total": 2 * 1024 * 1024})
    fragment = page_text(steward.get(url, headers={"HX-Request": "true"}))
    assert "Reading attendance.csv: 512.0\xa0KB of 2.0\xa0MB (25%)." in fragment
    assert 'value="25"' in fragment and ">25%</progress>" in fragment
    assert 'hx-trigger="every 1s"' in fragment
    # The attendance load's checks count steps, a OneRoster stage rows: neither is a number of bytes.
    cache.set(progress_key(run.pk), {"name": "checking the rows", "done": 2, "total": 6, "unit": "steps"})
    fragment = page_text(steward.get(url, headers={"HX-Request": "true"}))
    assert "Checking the rows: step 2 of 6." in fragment and "bytes" not in fragment
    cache.set(progress_key(run.pk), {"name": "users.csv", "done": 5000, "total": 20000, "unit": "rows"})
    fragment = page_text(steward.get(url, headers={"HX-Request": "true"}))
    assert "users.csv: 5000 of 20000 rows (25%)." in fragment

    # The full page polls the same fragment and offers a reload link for browsers without JavaScript.
    page = page_text(steward.get(reverse("imports:run", args=[run.pk])))
    assert f'hx-get="{url}"' in page and "Reload this page" in page and "Running since" in page

    ImportRun.objects.filter(pk=run.pk).update(status="committed")
    done = steward.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"  # the page reloads to show the counts and rejected rows
    assert "hx-trigger" not in page_text(done)


def test_recompute_reports_its_counts(world, steward, monkeypatch):
    # The recompute itself is tested with the indicators; here: the page starts a full one as of the
    # default date and reports what it returned.
    from casework.indicators import services as indicators

    calls = []

    def recompute(**kwargs):
        calls.append(kwargs)
        return indicators.Recomputed(pairs=3, rows=11, crossed=2, cleared=1)

    monkeypatch.setattr(indicators, "default_as_of", lambda: datetime.date(2025, 9, 26))
    monkeypatch.setattr(indicators, "indicators_recompute", recompute)
    response = steward.post(reverse("imports:recompute"), follow=True)
    assert response.redirect_chain == [("/imports/", 302)]
    assert calls == [{"as_of": datetime.date(2025, 9, 26)}]  # every school, every student
    status = background.recompute_status()
    assert (status["state"], status["by"], status["as_of"], status["pairs"], status["rows"]) == (
        "done", "t-steward", "2025-09-26", 3, 11)
    page = page_text(response)
    assert "Indicators recompute started." in page
    assert ("Indicators recomputed as of 2025-09-26: 3 student × school pairs, 11 stored rows, 2 flags newly "
            "raised, 1 cleared.") in page


def test_recompute_failure_is_reported(world, steward):
    page = page_text(steward.post(reverse("imports:recompute"), follow=True))
    assert background.recompute_status()["state"] == "failed"
    assert "The last indicators recompute did not finish: No calendar for school(s) A100, B200" in page


def test_recompute_does_not_start_twice(world, steward):
    # Another request holds the claim (taken with cache.add, so two clicks cannot both start one).
    cache.add(background.RECOMPUTE_LOCK, 1)
    cache.set(background.RECOMPUTE_KEY, {"state": "running", "started": "2026-01-05T10:00:00+00:00", "by": "x"})
    page = page_text(steward.post(reverse("imports:recompute"), follow=True))
    assert "already running" in page
    assert "Indicators recompute running since 01/05/2026" in page
    cache.delete(background.RECOMPUTE_LOCK)


def test_navigation_entry_only_for_import_runners(world):
    for role, shown in (("data_steward", True), ("director", True), ("ppw", False), ("auditor", False)):
        client = Client()
        client.force_login(world.user(role))
        assert ('href="/imports/"' in page_text(client.get("/"))) is shown, role


def test_upload_directory_is_outside_static_and_media(settings):
    root = upload_root().resolve()
    assert root == (Path(settings.DATA_DIR) / "imports").resolve()
    served = [Path(p) for p in (settings.STATIC_ROOT, settings.MEDIA_ROOT) if p]
    served += [Path(p if isinstance(p, str) else p[1]) for p in getattr(settings, "STATICFILES_DIRS", [])]
    served += [Path(app.path) / "static" for app in apps.get_app_configs()]
    served += [Path(django_settings.BASE_DIR) / "casework"]  # templates and code
    for place in served:
        assert not root.is_relative_to(place.resolve()), place


def test_other_roles_get_404(world):
    run = start_run(actor=None, fmt="csv", kind="students", source_files=["s.csv"], partial=False)
    client = Client()
    client.force_login(world.user("ppw"))
    for url in (reverse("imports:runs"), reverse("imports:run", args=[run.pk]),
                reverse("imports:rejects", args=[run.pk]), reverse("imports:template", args=["students"])):
        assert client.get(url).status_code == 404, url
    assert upload(client, STUDENTS).status_code == 404
    assert ImportRun.objects.count() == 1


@pytest.mark.parametrize("fmt, field", [("edfi", "StudentReference/StudentUniqueId"), ("oneroster", "sourcedId")])
def test_a_rejected_student_id_in_a_bundle_is_a_logged_access_too(world, steward, fmt, field):
    run = start_run(actor=None, fmt=fmt, kind="enrollments", source_files=["x"], partial=False)
    RejectedRow.objects.create(run=run, file="x", line=2, field=field, value="100001", reason="Duplicate.")
    steward.get(reverse("imports:run", args=[run.pk]))
    steward.get(reverse("imports:rejects", args=[run.pk]))
    logged = AccessLog.objects.filter(detail=f"import run {run.pk} rejected rows")
    assert sorted((e.student_id, e.action) for e in logged) == sorted(
        [(world.student_a.pk, "view"), (world.student_a.pk, "export")])
