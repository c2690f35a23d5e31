"""Import of the district's attendance events against the database's own fastest bulk load.

    uv run python bench/import_bench.py --db postgres [--reuse] [--through 2027-06-15]
    uv run python bench/import_bench.py --db sqlite   [--reuse] [--through 2027-06-15]

1. Seeds the synthetic district (`casework seed --scale district`) into a benchmark database unless
   --reuse, and writes its attendance for the school year through --through as plain CSV
   (`casework seed --export`), the file a data steward would import.
2. Baseline: the same CSV rows loaded into a bare table with the same columns and no index, key or
   constraint, by the database's fastest path: PostgreSQL `COPY ... FROM STDIN (FORMAT csv)`, SQLite
   `executemany` in one transaction. Twice: every column text (the file's characters, unconverted),
   and each column typed as the data standard types it (a date, times, minutes as integers, the
   event duration as a number; ids and codes text), which is what "loading the rows" means once the
   database checks and converts each value. Both ratios are printed.
3. Casework: the attendance table emptied, then `import_run(kind="attendance")` exactly as
   `casework import csv attendance` runs it (every row validated: student and school known, enrolled on
   the date, category or mapped descriptor, duplicates; one transaction; the change record), without the
   indicator recompute (bench/recompute_bench.py measures that). An empty table: the direct load
   (casework/imports/attendance_direct.py: rows checked in Python, then one COPY into the table on
   PostgreSQL, 200-row INSERT ... SELECT statements on SQLite). `--csv` takes another file, e.g. the
   same rows sorted by date, which SQLite's direct load sorts back into the unique key's order.
4. The same file imported again: every row compared with the stored one, nothing written.
Prints both times, rows per second and the ratio Casework / baseline (the target is at most 2x), and
the load average (the machine is shared: compare ratios, not seconds).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import clock, configure, ensure_postgres_database, machine  # noqa: E402

BARE = "bench_attendance_bare"


# The second baseline's column types: the file's columns as the data standard types them (docs/imports.md);
# ids and codes stay text, as the file gives them. SQLite declares the same names (type affinity).
TYPED = {"date": "date", "minutes_present": "smallint", "minutes_scheduled": "smallint",
         "event_duration": "numeric(3,2)", "arrival_time": "time", "departure_time": "time"}


def baseline(path: Path, columns: list[str], *, typed: bool = False) -> float:
    """The same rows into a bare table: every column text, or (typed) each column of its type."""
    from django.db import connection, transaction

    cols = ", ".join(f'"{c}" {TYPED.get(c, "text") if typed else "text"}' for c in columns)
    with connection.cursor() as c:
        c.execute(f"DROP TABLE IF EXISTS {BARE}")
        c.execute(f"CREATE TABLE {BARE} ({cols})")

    def load_postgres():
        with transaction.atomic(), connection.cursor() as c, open(path, "rb") as f, \
                c.cursor.copy(f"COPY {BARE} FROM STDIN (FORMAT csv, HEADER true)") as copy:
            while chunk := f.read(1 << 20):
                copy.write(chunk)

    def load_sqlite():
        marks = ", ".join("?" * len(columns))
        with transaction.atomic(), connection.cursor() as c, open(path, encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            next(reader)
            c.connection.executemany(f"INSERT INTO {BARE} VALUES ({marks})", reader)

    seconds, _ = clock(load_postgres if connection.vendor == "postgresql" else load_sqlite)
    with connection.cursor() as c:
        c.execute(f"SELECT count(*) FROM {BARE}")
        loaded = c.fetchone()[0]
        c.execute(f"DROP TABLE {BARE}")
    what = "typed columns" if typed else "text columns"
    print(f"baseline ({what}): {loaded:,} rows in {seconds:.1f} s ({loaded / seconds:,.0f} rows/s)")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--workdir", default=None, help="SQLite database and export directory")
    parser.add_argument("--pg-db", default="casework_bench_district")
    parser.add_argument("--reuse", action="store_true", help="The database is already seeded and exported")
    parser.add_argument("--through", default="2027-06-15", help="Last date of exported attendance")
    parser.add_argument("--csv", default=None, help="The attendance CSV to import (default: WORKDIR/export/)")
    args = parser.parse_args()
    workdir = Path(args.workdir or Path(tempfile.gettempdir()) / f"casework-bench-{args.db}")
    if args.db == "postgres":
        ensure_postgres_database(args.pg_db, recreate=not args.reuse)
    configure(args.db, workdir=workdir, pg_db=args.pg_db)

    from django.core.management import call_command
    from django.db import connection

    from casework.attendance.models import AttendanceEvent
    from casework.imports.services import import_run

    export = workdir / "export"
    if not args.reuse:
        call_command("migrate", verbosity=0)
        seconds, _ = clock(call_command, "seed", "--scale", "district")
        print(f"seeded the district in {seconds:.0f} s")
        seconds, _ = clock(call_command, "seed", "--scale", "district", "--export", str(export),
                           "--through", args.through, "--no-db")
        print(f"exported in {seconds:.0f} s")
    path = Path(args.csv) if args.csv else export / "attendance.csv"
    with open(path, encoding="utf-8", newline="") as f:
        columns = next(csv.reader(f))
    print(machine())
    print(f"file: {path} ({path.stat().st_size / 1e6:,.0f} MB)")

    base = baseline(path, columns)
    typed = baseline(path, columns, typed=True)
    with connection.cursor() as c:
        table = AttendanceEvent._meta.db_table
        c.execute(f"DELETE FROM {table}" if connection.vendor == "sqlite" else f"TRUNCATE {table}")
    seconds, run = clock(import_run, actor=None, kind="attendance", paths=[path], recompute=False)
    rows = run.created + run.updated + run.unchanged
    print(f"casework: run {run.status}, {run.created:,} created, {run.rejected:,} rejected, in {seconds:.1f} s "
          f"({rows / seconds:,.0f} rows/s)")
    print(f"ratio casework / baseline: {seconds / base:.2f}x against text columns, {seconds / typed:.2f}x against "
          "typed columns (target: at most 2x)")
    seconds, run = clock(import_run, actor=None, kind="attendance", paths=[path], recompute=False)
    print(f"re-import of the same file: {run.unchanged:,} unchanged in {seconds:.1f} s")
    print(machine())


if __name__ == "__main__":
    main()
