"""Shared set-up for the benchmarks: point Django at a benchmark database before it is imported.

SQLite: `<workdir>/casework.sqlite3` (production settings, WAL). PostgreSQL: the database named by
--pg-db on the server at PGHOST/PGPORT/PGUSER (default 127.0.0.1:5432, postgres).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pg_params() -> dict[str, str]:
    return {"host": os.environ.get("PGHOST", "127.0.0.1"), "port": os.environ.get("PGPORT", "5432"),
            "user": os.environ.get("PGUSER", "postgres")}


def configure(db: str, *, workdir: Path, pg_db: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.prod"
    os.environ["CASEWORK_DATA_DIR"] = str(workdir)
    os.environ.pop("DATABASE_URL", None)
    if db == "postgres":
        p = pg_params()
        os.environ["DATABASE_URL"] = f"postgres://{p['user']}@{p['host']}:{p['port']}/{pg_db}"
        os.environ["DB_CONN_MAX_AGE"] = "600"
    workdir.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def ensure_postgres_database(name: str, *, recreate: bool) -> None:
    import psycopg

    with psycopg.connect(**pg_params(), dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if recreate and exists:
            conn.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    from django.db import connection

    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("select sqlite_version()")
            version = "SQLite " + c.fetchone()[0]
        else:
            c.execute("show server_version")
            version = "PostgreSQL " + c.fetchone()[0]
    return (f"{platform.node()}: {os.cpu_count()} CPUs, Python {platform.python_version()}, {version}, "
            f"load average {load:.1f}")


def clock(fn, *args, **kwargs):
    started = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - started, out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.1f} ms, p95 {percentile(values, 0.95) * 1000:.1f} ms"


def timed(fn, repeat: int, warmup: int = 3) -> list[float]:
    """Seconds of each of `repeat` calls of fn, after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def page_bench_args(description: str):
    """The options of the page benchmarks (early warning, worklist), parsed, and Django configured."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--pg-db", default="casework_bench_district")
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()
    workdir = Path(args.workdir or Path(tempfile.gettempdir()) / f"casework-bench-{args.db}")
    configure(args.db, workdir=workdir, pg_db=args.pg_db)
    return args


def print_baselines(client, repeat: int, width: int) -> None:
    """The page benchmarks' baselines, in the same run: `/healthz` and a primary-key lookup, each label
    padded to `width` so the figures line up with the pages'."""
    from casework.students.models import Student

    pk = Student.objects.values_list("pk", flat=True).first()
    for label, fn in (("baseline healthz", lambda: client.get("/healthz")),
                      ("baseline pk lookup", lambda: Student.objects.get(pk=pk))):
        print(f"{label:{width}} {summary(timed(fn, repeat))}")
