"""Full indicator recompute for every student against DuckDB doing the same aggregation.

    uv run python bench/recompute_bench.py --db postgres [--as-of 2026-11-13] [--pg-db NAME]
    uv run python bench/recompute_bench.py --db sqlite --workdir DIR

Needs a database seeded with `casework seed --scale district` (bench/import_bench.py leaves one; or
point --workdir / --pg-db at yours). Measures, in the same run:

1. Casework: `indicators_recompute(as_of=...)` for every school, as `casework recompute` runs it: the
   calendars and grading periods into temporary tables; the engine's counting as SQL over the stored
   enrollments, attendance and discipline (`indicators/setbased.py`); one snapshot row per student x
   school written by INSERT ... SELECT into the table emptied and stripped of its indexes and keys, which
   are built again after (`indicators/rebuild.py`); flag crossings opened and cleared; the dashboard's
   summaries; the commit.
   Run it on a database that has been recomputed once (the seed does): the first recompute of a
   district opens every crossing, each explained by the engine.
2. The yardstick: DuckDB (in memory, the same rows loaded beforehand, load not timed) computing the same
   counts with one SQL statement: per student x school, days enrolled, absent and unlawfully absent
   (half days by minutes present or between arrival and departure, lawful reasons from the rule set,
   one record per day) for the year to date and every grading period. It does not combine a day's
   several attending records (a tardy and an early departure, `setbased._multi`): the seed never writes
   two on one day, so the counts compared are the same.
The DuckDB year-to-date counts are checked against Casework's stored rows for every student x school, so
the two are the same aggregation. Prints both times and the ratio (the target is at most 2x).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import clock, configure, machine  # noqa: E402

AGGREGATE = """
CREATE OR REPLACE TABLE result AS
WITH enrolled AS (
    SELECT DISTINCT e.student_id, e.school_id, d.day
    FROM enr e JOIN days d ON d.school_id = e.school_id AND d.day >= e.entry_date
        AND (e.exit_date IS NULL OR d.day <= e.exit_date) AND d.day <= $as_of
),
marked AS (
    SELECT *,
        CASE WHEN minutes_scheduled > 0 AND minutes_scheduled < $full THEN minutes_scheduled ELSE $full END AS full_m,
        CASE category WHEN 'unexcused' THEN 0 WHEN 'excused' THEN 1 WHEN 'out_of_school_suspension' THEN 2
            WHEN 'partial' THEN 3 WHEN 'early_departure' THEN 4 WHEN 'tardy' THEN 5
            WHEN 'in_school_suspension' THEN 6 ELSE 7 END AS rnk
    FROM ev WHERE day <= $as_of
),
one_a_day AS (
    SELECT * FROM marked QUALIFY row_number() OVER (PARTITION BY student_id, school_id, day ORDER BY rnk) = 1
),
scored AS (
    SELECT student_id, school_id, day, present_h,
        CASE WHEN lawful THEN 0 ELSE 2 - present_h END AS unlawful_h
    FROM (
        SELECT *,
            CASE WHEN m >= full_m THEN 2 WHEN m >= full_m * $half / $full THEN 1 ELSE 0 END AS present_h,
            CASE WHEN category = 'out_of_school_suspension' THEN $suspension_lawful
                 WHEN category = 'unexcused' THEN false
                 ELSE coalesce(list_contains($lawful, reason_code), false) END AS lawful
        FROM (
            SELECT *, coalesce(minutes_present,
                CASE WHEN arrival_time IS NOT NULL AND departure_time IS NOT NULL
                     THEN floor(date_diff('second', arrival_time, departure_time) / 60) END,
                CASE WHEN event_duration IS NOT NULL
                          AND category IN ('excused', 'unexcused', 'out_of_school_suspension')
                     THEN floor(coalesce(nullif(minutes_scheduled, 0), $school_day)
                                * (1 - event_duration) + 0.000001) END,
                CASE WHEN category IN ('present', 'tardy', 'early_departure', 'partial', 'in_school_suspension')
                     THEN full_m ELSE 0 END) AS m
            FROM one_a_day
        )
    )
),
days_scored AS (
    SELECT en.student_id, en.school_id, en.day, coalesce(s.present_h, 2) AS present_h,
        coalesce(s.unlawful_h, 0) AS unlawful_h
    FROM enrolled en LEFT JOIN scored s USING (student_id, school_id, day)
),
spans AS (
    SELECT school_id, 'year_to_date' AS period, min(day) AS begin_date, max(day) AS end_date FROM days GROUP BY 1
    UNION ALL SELECT school_id, name, begin_date, end_date FROM periods
)
SELECT d.student_id, d.school_id, p.period, count(*) AS days_enrolled, sum(2 - d.present_h) / 2 AS days_absent,
    sum(d.unlawful_h) / 2 AS days_unlawful
FROM days_scored d JOIN spans p ON p.school_id = d.school_id AND d.day BETWEEN p.begin_date AND p.end_date
GROUP BY ALL
"""


def dump(path: Path, header: list[str], rows) -> int:
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
            n += 1
    return n


def load_duckdb(tmp: Path, as_of: date):
    """Copy the inputs the engine reads into DuckDB (not timed)."""
    import duckdb

    from casework.attendance.models import AttendanceEvent
    from casework.calendars.models import GradingPeriod
    from casework.calendars.schooldays import instructional_days_by_school
    from casework.indicators.inputs import school_year_bounds
    from casework.schools.models import School
    from casework.students.models import Enrollment

    start, end = school_year_bounds(as_of)
    ids = list(School.objects.values_list("pk", flat=True))
    days = instructional_days_by_school(ids, start, end)
    dump(tmp / "days.csv", ["school_id", "day"], ((sid, d) for sid, sd in days.items() for d in sd))
    dump(tmp / "enr.csv", ["student_id", "school_id", "entry_date", "exit_date"],
         Enrollment.objects.filter(entry_date__lte=min(as_of, end)).exclude(exit_date__lt=start)
         .values_list("student_id", "school_id", "entry_date", "exit_date").iterator(chunk_size=20000))
    events = dump(tmp / "ev.csv", ["student_id", "school_id", "day", "category", "reason_code", "minutes_present",
                                   "minutes_scheduled", "event_duration", "arrival_time", "departure_time"],
                  AttendanceEvent.objects.filter(date__gte=start, date__lte=as_of).order_by()
                  .values_list("student_id", "school_id", "date", "category", "reason_code", "minutes_present",
                               "minutes_scheduled", "event_duration", "arrival_time", "departure_time")
                  .iterator(chunk_size=20000))
    dump(tmp / "periods.csv", ["school_id", "name", "begin_date", "end_date"],
         GradingPeriod.objects.filter(begin__lte=end, end__gte=start).values_list("school_id", "name", "begin",
                                                                                 "end"))
    con = duckdb.connect()
    types = {
        "days": "school_id BIGINT, day DATE",
        "enr": "student_id BIGINT, school_id BIGINT, entry_date DATE, exit_date DATE",
        "ev": "student_id BIGINT, school_id BIGINT, day DATE, category VARCHAR, reason_code VARCHAR, "
              "minutes_present INTEGER, minutes_scheduled INTEGER, event_duration DOUBLE, arrival_time TIME, "
              "departure_time TIME",
        "periods": "school_id BIGINT, name VARCHAR, begin_date DATE, end_date DATE",
    }
    for table, cols in types.items():
        con.execute(f"CREATE TABLE {table} ({cols})")
        spec = ", ".join(f"'{c.split()[0]}': '{c.split()[1]}'" for c in cols.split(", "))
        con.execute(f"INSERT INTO {table} SELECT * FROM read_csv('{tmp / (table + '.csv')}', header=true, "
                    f"nullstr='', columns={{{spec}}})")
    return con, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--workdir", default=None, help="SQLite: the directory holding casework.sqlite3")
    parser.add_argument("--pg-db", default="casework_bench_district")
    parser.add_argument("--as-of", default="2026-11-13")
    args = parser.parse_args()
    workdir = Path(args.workdir or Path(tempfile.gettempdir()) / f"casework-bench-{args.db}")
    configure(args.db, workdir=workdir, pg_db=args.pg_db)

    from casework.indicators.models import YEAR_TO_DATE, StudentIndicator
    from casework.indicators.services import indicators_recompute
    from casework.rules.selectors import ruleset_in_force

    as_of = date.fromisoformat(args.as_of)
    print(machine())
    rules = ruleset_in_force(as_of).rules()
    with tempfile.TemporaryDirectory() as tmp:
        con, events = load_duckdb(Path(tmp), as_of)
    print(f"inputs: {events:,} attendance events through {as_of}")
    params = {"as_of": as_of, "full": rules.full_day_minutes, "half": rules.half_day_minutes,
              "school_day": rules.school_day_minutes,
              "lawful": sorted(rules.lawful_reasons),
              "suspension_lawful": rules.suspension_reason_code in rules.lawful_reasons}
    duck = []
    for _ in range(3):
        seconds, _ = clock(con.execute, AGGREGATE, params)
        duck.append(seconds)
    yardstick = min(duck)
    rows = con.execute("SELECT count(*) FROM result").fetchone()[0]
    print(f"duckdb: {rows:,} student x school x period rows in {yardstick:.2f} s (best of 3)")

    seconds, done = clock(indicators_recompute, as_of=as_of)
    print(f"casework: {done.pairs:,} student x school pairs, {done.rows:,} rows stored, {done.crossed:,} crossings "
          f"in {seconds:.1f} s")
    print(f"ratio casework / duckdb: {seconds / yardstick:.1f}x (target: at most 2x)")

    ours = {(s, sc): (e, a, u) for s, sc, e, a, u in StudentIndicator.objects.filter(period_key=YEAR_TO_DATE)
            .values_list("student_id", "school_id", "days_enrolled", "days_absent", "days_unlawful")}
    theirs = {(s, sc): (e, float(a), float(u)) for s, sc, e, a, u in con.execute(
        "SELECT student_id, school_id, days_enrolled, days_absent, days_unlawful FROM result "
        "WHERE period = 'year_to_date'").fetchall()}
    differ = [k for k in theirs if ours.get(k) != theirs[k] and theirs[k][0] > 0]
    print(f"check: {len(theirs):,} year-to-date results compared, {len(differ)} differ"
          + (f" e.g. {differ[0]}: casework {ours.get(differ[0])} duckdb {theirs[differ[0]]}" if differ else ""))


if __name__ == "__main__":
    main()
