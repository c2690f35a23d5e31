"""The `casework` command, run as a user runs it: a child process on its own SQLite data directory.

The child never sees DATABASE_URL (nor the test settings), so these tests always use SQLite in a
temporary directory, whatever database the rest of the suite runs on."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from casework import cli

CASEWORK = Path(sys.executable).with_name("casework")
DEMO_USERS = ["director", "supervisor", "ppw1", "ppw2", "principal1", "teacher1", "steward"]
_STRIP_ENV = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CASEWORK_DATA_DIR", "CASEWORK_DEMO", "SECRET_KEY",
              "CASEWORK_CACHE_DIR", "CASEWORK_REQUIRE_SECRET_KEY", "PYTEST_CURRENT_TEST")


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _STRIP_ENV}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def casework(*args: str, cwd: Path, timeout: int = 120, check: bool = True) -> subprocess.CompletedProcess:
    command = [str(CASEWORK)] if CASEWORK.exists() else [sys.executable, "-m", "casework.cli"]
    result = subprocess.run(  # noqa: S603 - our own entry point with fixed arguments
        [*command, *args], cwd=cwd, env=child_env(), capture_output=True, text=True, timeout=timeout,
    )
    if check:
        assert result.returncode == 0, f"casework {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def query(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


# --- usage (in process: no Django needed) -------------------------------------------------------------


@pytest.mark.parametrize("argv", [[], ["--help"], ["-h"], ["help"]])
def test_usage(argv, capsys):
    cli.main(argv)
    out = capsys.readouterr().out
    assert out.startswith("usage: casework [--data-dir DIR] COMMAND [options]")
    for command in ("demo", "serve", "seed", "createuser", "token"):
        assert re.search(rf"^  {command} ", out, flags=re.M), command


def test_pop_option_forms():
    argv = ["migrate", "--data-dir", "/x/y", "--noinput"]
    assert cli._pop_option(argv, "--data-dir") == "/x/y"
    assert argv == ["migrate", "--noinput"]
    argv = ["--data-dir=/z", "check"]
    assert cli._pop_option(argv, "--data-dir") == "/z"
    assert argv == ["check"]
    argv = ["check"]
    assert cli._pop_option(argv, "--data-dir") is None
    assert argv == ["check"]


# --- migrate, createuser, token -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("casework-data")
    cwd = tmp_path_factory.mktemp("cwd")
    casework(f"--data-dir={data}", "migrate", "--noinput", cwd=cwd)
    assert list(cwd.iterdir()) == []  # nothing written outside the data directory (no ./var/)
    return data


def test_migrate_creates_the_sqlite_database_in_the_data_dir(migrated):
    db = migrated / "casework.sqlite3"
    assert db.is_file()
    applied = {app for (app,) in query(db, "SELECT DISTINCT app FROM django_migrations")}
    assert {"accounts", "audit", "schools", "students"} <= applied
    assert query(db, "PRAGMA journal_mode") == [("wal",)]
    key = migrated / "secret_key"
    assert key.is_file()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_text().strip()) >= 50


def test_createuser_and_token(migrated, tmp_path):
    db = migrated / "casework.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO schools_school (code, name, level, street, city, state, postal_code, phone, active, "
            "created_at, updated_at, version) VALUES ('CLI1', 'CLI Elementary', 'elementary', '', '', 'MD', '', "
            "'', 1, '2026-01-01', '2026-01-01', 1)"
        )
    made = casework("--data-dir", str(migrated), "createuser", "cli-ppw", "--role", "ppw", "--school", "CLI1",
                    "--password", "long-enough-unusual-9173", cwd=tmp_path)
    assert made.stdout.strip() == "Created cli-ppw: Pupil personnel worker (CLI1)"

    missing = casework("--data-dir", str(migrated), "createuser", "cli-ppw2", "--role", "ppw",
                       "--password", "long-enough-unusual-9173", cwd=tmp_path, check=False)
    assert missing.returncode == 1
    assert "The Pupil personnel worker role needs at least one school." in missing.stderr
    assert "Traceback" not in missing.stderr

    issued = casework("--data-dir", str(migrated), "token", "cli-ppw", "--name", "laptop", cwd=tmp_path)
    key = issued.stdout.strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", key)
    rows = query(db, "SELECT t.key_hash, t.prefix, t.name FROM accounts_apitoken t JOIN accounts_user u "
                     "ON u.id = t.user_id WHERE u.username = 'cli-ppw'")
    assert rows == [(hashlib.sha256(key.encode()).hexdigest(), key[:8], "laptop")]

    unknown = casework("--data-dir", str(migrated), "token", "nobody", cwd=tmp_path, check=False)
    assert unknown.returncode == 1
    assert "No active user named 'nobody'." in unknown.stderr
    assert "Traceback" not in unknown.stderr

    sources = query(db, "SELECT DISTINCT source FROM audit_changerecord")
    assert sources == [("cli",)]


# --- demo ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`casework demo --no-serve` twice on one data directory: first seeds, second reuses."""
    data = tmp_path_factory.mktemp("demo-data")
    cwd = tmp_path_factory.mktemp("demo-cwd")
    first = casework("--data-dir", str(data), "demo", "--no-serve", cwd=cwd, timeout=900)
    count_after_first = query(data / "casework.sqlite3", "SELECT COUNT(*) FROM students_student")[0][0]
    second = casework("--data-dir", str(data), "demo", "--no-serve", cwd=cwd, timeout=300)
    count_after_second = query(data / "casework.sqlite3", "SELECT COUNT(*) FROM students_student")[0][0]
    return {"data": data, "first": first.stdout, "second": second.stdout,
            "counts": (count_after_first, count_after_second)}


def test_demo_seeds_a_district_and_prints_the_accounts(demo):
    out = demo["first"]
    assert "Empty database: seeding a synthetic demo district" in out
    assert "Demo accounts (password for all: casework-demo):" in out
    for username in DEMO_USERS:
        assert re.search(rf"^  {username} +\S", out, flags=re.M), username
    count = demo["counts"][0]
    assert 2_000 <= count <= 4_000  # "about 3,000 students"


def test_demo_accounts_exist_and_can_sign_in(demo):
    db = demo["data"] / "casework.sqlite3"
    users = {name for (name,) in query(db, "SELECT username FROM accounts_user WHERE is_active = 1")}
    assert set(DEMO_USERS) <= users
    roles = dict(query(db, "SELECT u.username, r.role FROM accounts_roleassignment r JOIN accounts_user u "
                           "ON u.id = r.user_id WHERE u.username IN ('director', 'ppw1', 'steward')"))
    assert roles == {"director": "director", "ppw1": "ppw", "steward": "data_steward"}


def test_second_demo_run_reuses_the_data(demo):
    first, second = demo["counts"]
    assert first == second
    assert f"Reusing the existing data ({first:,} students)." in demo["second"]
    assert "seeding" not in demo["second"]
    for username in DEMO_USERS:
        assert re.search(rf"^  {username} +\S", demo["second"], flags=re.M), username


def test_demo_server_signs_people_in_and_serves_my_day(demo, tmp_path):
    """`casework demo` serves for real: sign-ins are answered by every web worker (a scheduler thread
    started before gunicorn forked once left the workers hung on their first POST)."""
    import http.cookiejar
    import socket
    import time
    import urllib.parse
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [str(CASEWORK)] if CASEWORK.exists() else [sys.executable, "-m", "casework.cli"]
    server = subprocess.Popen(  # noqa: S603 - our own entry point with fixed arguments
        [*command, "--data-dir", str(demo["data"]), "demo", "--port", str(port)], cwd=tmp_path, env=child_env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310 - a local URL
                break
            except OSError:
                time.sleep(0.5)
        # New connections each time, so both workers answer some of them.
        for _ in range(6):
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            page = opener.open(f"{base}/accounts/login/", timeout=20).read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "ppw1",
                                           "password": "casework-demo"}).encode()
            request = urllib.request.Request(f"{base}/accounts/login/", data=body,  # noqa: S310 - local
                                             headers={"Referer": f"{base}/accounts/login/"})
            landed = opener.open(request, timeout=20)
            assert landed.geturl().endswith("/my-day/")
            assert "My day" in landed.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_demo_starts_the_scheduler_in_each_web_worker_not_before_the_fork():
    """The hang the server test above guards against depends on fork timing, so it does not show every
    time: a thread started in the master before gunicorn forks can leave a lock held in every worker.
    This checks the ordering itself: nothing started in the master, the scheduler handed to post_fork."""
    from io import StringIO
    from unittest import mock

    from casework.core.management.commands import demo as demo_command

    started = mock.Mock(name="start_in_process")
    served = mock.Mock(name="run_gunicorn")
    with (mock.patch.object(demo_command, "call_command"), mock.patch.object(demo_command, "ensure_demo_accounts"),
          mock.patch.object(demo_command, "_seeded", return_value=True),
          mock.patch.object(demo_command, "Student") as student, mock.patch.object(demo_command, "Case") as case,
          mock.patch.object(demo_command, "start_in_process", started),
          mock.patch.object(demo_command, "run_gunicorn", served)):
        student.objects.exists.return_value = True
        student.objects.count.return_value = 1
        case.objects.exists.return_value = True
        demo_command.Command(stdout=StringIO()).handle(port=8765, host="127.0.0.1", seed=1, no_serve=False)
    started.assert_not_called()
    served.assert_called_once()
    assert served.call_args.kwargs["in_each_worker"] is started


def test_a_data_command_on_an_unmigrated_database_says_migrate_first(tmp_path):
    result = casework(f"--data-dir={tmp_path / 'empty'}", "import", "csv", "students", "x.csv", cwd=tmp_path,
                      check=False)
    assert result.returncode == 1
    assert "the database is not migrated" in result.stderr and "Run `casework migrate` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_template_needs_no_database(tmp_path):
    result = casework(f"--data-dir={tmp_path / 'fresh'}", "import", "--template", "attendance", cwd=tmp_path)
    assert result.stdout.startswith("student_id,school_id,date,category")


def test_an_export_only_seed_needs_no_database(tmp_path):
    result = casework(f"--data-dir={tmp_path / 'fresh'}", "seed", "--scale", "demo", "--students", "30",
                      "--export", str(tmp_path / "out"), "--no-db", cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "attendance.csv").exists()
