"""Student search latency at district scale, on SQLite or PostgreSQL.

    uv run python bench/search_bench.py --db sqlite [--students 160000]
    uv run python bench/search_bench.py --db postgres [--students 160000]

Seeds a synthetic district into a throwaway database (SQLite: a file in a temporary directory;
PostgreSQL: the database `casework_bench`, dropped and recreated), then times the code path the search
page runs, `student_search(Student.objects.for_user(user, "student.view"), search_terms(q))`, for a mix
of queries as the director (every student) and as a PPW (the demo account ppw1: one cluster's five
schools), and the profile page's `student_profile`. Reports median and p95 in milliseconds, and the
ratio to a primary-key lookup of one student measured in the same run, which makes figures from
different machines comparable. `--explain` prints each query's plan.

PostgreSQL: the server at PGHOST/PGPORT/PGUSER (default 127.0.0.1:5432, postgres) must let that user
create databases and the pg_trgm extension.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import configure, ensure_postgres_database  # noqa: E402

BENCH_DB = "casework_bench"


@dataclass
class Result:
    label: str
    who: str
    times_ms: list[float]
    rows: int

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(fn, repeat: int, warmup: int = 3) -> tuple[list[float], object]:
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def pick_queries():
    """The query mix, drawn from the seeded data so it means the same thing at every size."""
    from django.db.models import Count

    from casework.students.models import Student

    rare = (Student.objects.values("last_name").annotate(n=Count("id")).filter(n=1).order_by("last_name")
            .values_list("last_name", flat=True).first())
    rare_student = Student.objects.filter(last_name=rare).first() if rare else Student.objects.order_by("pk").first()
    some = Student.objects.order_by("pk")[Student.objects.count() // 2]
    return [
        ("common last-name prefix", "gar"),
        ("common last name", "nguyen"),
        ("two words: first last", "maria rodriguez"),
        ("accented input", "José Hernández"),
        ("rare full name", f"{rare_student.first_name} {rare_student.last_name}"),
        ("district id", some.district_id),
        ("no match", "zzyzx"),
        ("two-letter prefix", "mo"),
    ]


def explain(sql: str) -> str:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    return "\n".join("    " + " | ".join(str(c) for c in row) for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--students", type=int, default=160_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=40, help="Timed runs per query (after 3 warm-up runs)")
    parser.add_argument("--explain", action="store_true", help="Print each search query's plan")
    parser.add_argument("--keep", metavar="DIR", help="SQLite: build the database in DIR and keep it; with "
                        "--reuse, measure an existing one there (PostgreSQL: --reuse keeps casework_bench)")
    parser.add_argument("--reuse", action="store_true", help="Skip seeding when the database is already seeded")
    args = parser.parse_args()

    tmp = None
    if args.keep:
        workdir = Path(args.keep).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="casework-bench-")
        workdir = Path(tmp.name)
    if args.db == "postgres" and not args.reuse:
        ensure_postgres_database(BENCH_DB, recreate=True)
    if args.db == "sqlite" and not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(workdir, f"casework.sqlite3{suffix}").unlink(missing_ok=True)
    configure(args.db, workdir=workdir, pg_db=BENCH_DB)  # production settings (DEBUG off), then django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework.accounts.models import User
    from casework.core.text import search_terms
    from casework.seed.accounts import ensure_demo_accounts
    from casework.seed.plan import SCALES
    from casework.seed.writer import seed_database
    from casework.students.models import Student
    from casework.students.selectors import student_profile, student_search

    call_command("migrate", interactive=False, verbosity=0)
    if not (args.reuse and Student.objects.exists()):
        scale = replace(SCALES["district"], students=args.students)
        print(f"Seeding {args.students:,} students ({args.db})...", flush=True)
        summary = seed_database(scale=scale, seed=args.seed, progress=None)
        print(f"  seeded in {summary.seconds:.0f} s", flush=True)
    ensure_demo_accounts()
    total = Student.objects.count()
    director = User.objects.get(username="director")
    ppw = User.objects.get(username="ppw1")
    ppw_scope = Student.objects.for_user(ppw, "student.view").count()

    results: list[Result] = []
    some_pk = Student.objects.order_by("pk")[total // 3].pk
    times, _ = timed(lambda: Student.objects.get(pk=some_pk), args.repeat * 2)
    baseline = Result("baseline: primary-key lookup", "-", times, 1)

    queries = pick_queries()
    plans: list[str] = []
    for who, user in (("director", director), ("ppw1", ppw)):
        for label, q in queries:
            def run(user=user, q=q):
                scoped = Student.objects.for_user(user, "student.view")
                return student_search(scoped, search_terms(q))

            times, found = timed(run, args.repeat)
            results.append(Result(f"{label} ({q!r})", who, times, len(found)))
            if args.explain:
                with CaptureQueriesContext(connection) as ctx:
                    run()
                sql = ctx.captured_queries[-1]["sql"]
                plans.append(f"-- {who}: {label} ({q!r})\n{sql}\n{explain(sql)}")

    # The profile page: one student with household, guardians, enrollments, addresses, siblings.
    ppw_students = Student.objects.for_user(ppw, "student.view").filter(household__isnull=False)
    profile_pk = ppw_students.order_by("pk").values_list("pk", flat=True)[ppw_scope // 2]
    for who, user in (("director", director), ("ppw1", ppw)):
        with CaptureQueriesContext(connection) as ctx:
            student_profile(user, profile_pk)
        times, _ = timed(lambda user=user: student_profile(user, profile_pk), args.repeat)
        results.append(Result(f"student_profile ({len(ctx.captured_queries)} queries)", who, times, 1))

    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if vendor == "postgresql" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    print()
    print(f"Database: {vendor} {version}; {total:,} students; ppw1 scope {ppw_scope:,} students "
          f"(5 schools); {os.cpu_count()} CPUs; Python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{args.repeat} timed runs per query after 3 warm-up runs; times in ms.\n")
    print("| query | as | rows | median ms | p95 ms | median / baseline |")
    print("|---|---|---:|---:|---:|---:|")
    for r in [baseline, *results]:
        ratio = r.median / baseline.median
        print(f"| {r.label} | {r.who} | {r.rows} | {r.median:.2f} | {r.p95:.2f} | {ratio:.0f}x |")
    slow = [r for r in results if r.p95 >= 100]
    print()
    print("Every search under 100 ms (p95)." if not slow else
          "Slow (p95 >= 100 ms): " + "; ".join(f"{r.label} as {r.who}" for r in slow))
    for plan in plans:
        print()
        print(plan)
    connection.close()
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
