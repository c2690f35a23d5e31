# ruff: noqa: S608 - statements are built from this module's own table and column names, the rule set's
# numbers as integers, and constants; every value from the database or a person is a bound parameter.
"""The recompute's counting as SQL over the stored rows: the rules engine's arithmetic
(`casework/rules/engine.py`), set-based, so a district recompute is a handful of statements instead of
one engine run per student x school.

What stays in Python is what is small: the schools' calendars (`calendars.schooldays`, the one place
that decides a school day, both calendar methods) and grading periods, turned into three temporary
tables of a few thousand rows:

- `cw_cal`: per school and date of the year to the as-of date, `upto` = school days on or before it and
  `below` = school days before it (so the school days of any date range are `upto(end) - below(begin)`,
  an equi-join, never a scan), and for school days the segment they fall in;
- `cw_per`: per school each grading period begun by the as-of date, then the year to date (pidx YTD),
  with its school days as the ordinal range (`lo`, `hi`] and its constant JSON;
- `cw_segp`: which periods each segment (a run of school days that belong to the same periods) is in.

Then, in SQL: enrollment spans become ordinal ranges (`cw_span`), merged where they overlap
(`cw_isl`: a day enrolled twice counts once); attendance events become one record per day by category
precedence, scored in half days by minutes exactly as the engine scores them and summed per segment;
with the ranges' days enrolled and the discipline actions, one aggregation gives `cw_pp`, a row per
student x school x period with the rule set's flags; the stored snapshot row (year to date, the
periods nested in `values`) is written with one INSERT ... SELECT.

Every threshold comes from the rule set in force (`engine.Rules`): rates as exact integer
comparisons, the same as the engine's. `tests/test_setbased.py` checks this against the engine.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from casework.attendance.models import AttendanceEvent
from casework.calendars.models import GradingPeriod
from casework.calendars.periods import periods_by_school
from casework.calendars.schooldays import instructional_days_by_school
from casework.discipline.models import Action
from casework.grades.models import CourseGrade
from casework.rules import engine
from casework.rules.models import RuleSet
from casework.rules.selectors import ruleset_in_force
from casework.schools.models import School
from casework.students.models import Enrollment

from .inputs import (
    _DAY_PRECEDENCE,
    ABSENCE_CATEGORIES,
    PERIOD_KINDS,
    IndicatorError,
    no_calendar_message,
    school_year_bounds,
)
from .models import YEAR_TO_DATE, StudentIndicator

TEMP_TABLES = ("cw_only", "cw_cal", "cw_per", "cw_segp", "cw_span", "cw_isl", "cw_multi", "cw_pp", "cw_cf")
ATTENDING = ("present", "tardy", "early_departure", "partial", "in_school_suspension")
PART_DAY = ("tardy", "early_departure", "partial")  # engine.PART_DAY: "partial" is an early departure
SUSPENSIONS = tuple(str(k) for k in engine.SUSPENSIONS)
YTD = 1000  # the year to date's period index: after the grading periods, as in the engine's order
FLAGS = ("chronic_absent", "habitual_truant", "truant_7_302_2", "abc_attendance", "abc_behavior")


@dataclass(frozen=True)
class Prepared:
    ruleset: RuleSet
    rules: engine.Rules
    school_ids: list[int]
    pairs: int
    skipped: tuple[str, ...] = ()  # codes of schools with students and no calendar, left out
    skipped_ids: tuple[int, ...] = ()  # their ids: their stored rows and crossings are left alone


class _Sql:
    """The few places PostgreSQL and SQLite spell things differently."""

    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self.greatest = "GREATEST" if self.pg else "max"
        self.least = "LEAST" if self.pg else "min"
        self.any = "bool_or" if self.pg else "max"

    def minutes_between(self, arrival: str, departure: str) -> str:
        """Whole minutes from an arrival to a departure time (seconds dropped, as inputs._record does)."""
        if self.pg:
            # Each time's whole seconds first, as Python and SQLite drop a fraction of a second.
            return (f"((CAST(floor(EXTRACT(EPOCH FROM {departure})) AS INTEGER)"
                    f" - CAST(floor(EXTRACT(EPOCH FROM {arrival})) AS INTEGER)) / 60)")
        # SQLite keeps times as text; strftime reads a bare time on 2000-01-01. %% survives the parameters.
        return (f"((CAST(strftime('%%s', {departure}) AS INTEGER) - CAST(strftime('%%s', {arrival}) AS INTEGER))"
                " / 60)")

    def day(self, d: date):
        return connection.ops.adapt_datefield_value(d)


def _run(cursor, sql: str, params=None):
    cursor.execute(sql, params or {})
    return cursor


def _fill(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                           rows)


def drop_temp_tables(cursor) -> None:
    for table in TEMP_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _periods(school_ids: list[int], year_start: date, year_end: date, as_of: date) -> dict[int, list[engine.Period]]:
    """The periods the engine would get (inputs.gather), begun by the as-of date, in its order."""
    return {sid: [engine.Period(name=p.name, kind=PERIOD_KINDS[p.kind], begin=p.begin, end=p.end)
                  for p in school_periods if p.kind in PERIOD_KINDS and p.begin <= as_of]
            for sid, school_periods in periods_by_school(school_ids, year_start, year_end).items()}


def _calendar_tables(cursor, sql: _Sql, *, school_ids: list[int], as_of: date, year_start: date,
                     year_end: date) -> list[int]:
    """Fill cw_cal, cw_per and cw_segp; return the schools without a school day this year."""
    days_by_school = instructional_days_by_school(school_ids, year_start, year_end)
    periods = _periods(school_ids, year_start, year_end, as_of)
    cal, per, segp, empty = [], [], [], []
    dates = [year_start + timedelta(days=i) for i in range((as_of - year_start).days + 1)]
    for sid in school_ids:
        days = list(days_by_school[sid])
        if not days:
            empty.append(sid)
            continue
        # The engine's periods: the grading periods in its order, then the year to date (its own window).
        spans = [(p.name, str(p.kind), p.begin, p.end) for p in periods.get(sid, ())]
        spans.append(("Year to date", str(engine.PeriodKind.YEAR), days[0], days[-1]))
        bounds = []
        for pidx, (name, kind, begin, end) in enumerate(spans):
            pidx = YTD if pidx == len(spans) - 1 else pidx
            through = min(end, as_of)
            lo, hi = bisect.bisect_left(days, begin), bisect.bisect_right(days, through)
            bounds.append((pidx, lo, hi))
            # The JSON of the period's constant part, written once here, not once per student.
            head = json.dumps({"name": name, "kind": kind, "through": through.isoformat()}, separators=(",", ":"))
            per.append((sid, pidx, kind, sql.day(begin), sql.day(through), lo, hi, days_by_school[sid].method,
                        head[:-1] + ",", json.dumps(name)))
        segments: dict[tuple[int, ...], int] = {}
        upto = 0
        for d in dates:
            school_day = upto < len(days) and days[upto] == d
            seg = None
            if school_day:
                upto += 1
                key = tuple(i for i, lo, hi in bounds if lo < upto <= hi)
                seg = segments.setdefault(key, len(segments))
            cal.append((sid, sql.day(d), upto, upto - 1 if school_day else upto, seg))
        segp += [(sid, seg, pidx) for key, seg in segments.items() for pidx in key]
    _run(cursor, "CREATE TEMP TABLE cw_cal (school_id bigint, day date, upto integer, below integer, seg integer)")
    _fill(cursor, "cw_cal", ("school_id", "day", "upto", "below", "seg"), cal)
    _run(cursor, "CREATE INDEX cw_cal_day ON cw_cal (school_id, day)")
    _run(cursor, "CREATE TEMP TABLE cw_per (school_id bigint, pidx integer, kind varchar(20), begin_date date, "
                 "through date, lo integer, hi integer, method varchar(30), head text, qname text)")
    _fill(cursor, "cw_per", ("school_id", "pidx", "kind", "begin_date", "through", "lo", "hi", "method", "head",
                             "qname"), per)
    _run(cursor, "CREATE TEMP TABLE cw_segp (school_id bigint, seg integer, pidx integer)")
    _fill(cursor, "cw_segp", ("school_id", "seg", "pidx"), segp)
    _run(cursor, "CREATE INDEX cw_segp_seg ON cw_segp (school_id, seg)")
    _run(cursor, "CREATE INDEX cw_per_school ON cw_per (school_id, pidx)")
    return empty


def _in(prefix: str, values, params: dict) -> str:
    """`IN (%(prefix0)s, ...)` with the values added to params (never spliced into the SQL)."""
    values = list(values)
    if not values:
        return "IN (NULL)"
    for i, v in enumerate(values):
        params[f"{prefix}{i}"] = v
    return "IN (" + ", ".join(f"%({prefix}{i})s" for i in range(len(values))) + ")"


def _in_group_order(cursor, table: str) -> str:
    """SQLite: read the events through their (student, school, date, category) uniqueness index, whose
    order is the GROUP BY's, instead of sorting 800,000 rows (the planner prefers the school-date index
    for the date range). Empty when that index is not found."""
    for _seq, name, unique, *_rest in _run(cursor, f"PRAGMA index_list({table})").fetchall():
        columns = [r[2] for r in _run(cursor, f"PRAGMA index_info({name})").fetchall()]
        if unique and columns == ["student_id", "school_id", "date", "category"]:
            return f'INDEXED BY "{name}"'
    return ""


def _rank(column: str) -> str:
    return "CASE " + column + " " + " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(_DAY_PRECEDENCE)) + \
        f" ELSE {len(_DAY_PRECEDENCE)} END"


def _ratio_at_least(num: str, den: str, rate) -> str:
    """num/den >= rate, in integers (engine._at_least)."""
    return f"({num}) * {rate.denominator} >= {rate.numerator} * ({den})"


def _scope(alias: str, school_filter: str, only: bool) -> str:
    where = f"{alias}.school_id {school_filter}"
    if only:
        where += f" AND {alias}.student_id IN (SELECT student_id FROM cw_only)"
    return where


def prepare(cursor, *, as_of: date, school_ids: list[int], student_ids: list[int] | None) -> Prepared:
    """Build the temporary tables up to cw_pp (one row per student x school x period, flags computed)."""
    sql = _Sql()
    year_start, year_end = school_year_bounds(as_of)
    try:
        ruleset = ruleset_in_force(as_of)
    except ImproperlyConfigured as exc:
        raise IndicatorError(f"No rule set is in force on {as_of.isoformat()}: {exc}") from None
    rules = ruleset.rules()
    drop_temp_tables(cursor)
    only = student_ids is not None
    if only:
        _run(cursor, "CREATE TEMP TABLE cw_only (student_id bigint PRIMARY KEY)")
        _fill(cursor, "cw_only", ("student_id",), [(i,) for i in sorted(set(student_ids))])
    empty = _calendar_tables(cursor, sql, school_ids=school_ids, as_of=as_of, year_start=year_start,
                             year_end=year_end)
    p: dict = {"start": sql.day(year_start), "as_of": sql.day(as_of)}
    schools = _in("sch", school_ids, p)
    enr, att, act = (m._meta.db_table for m in (Enrollment, AttendanceEvent, Action))

    skipped: tuple[str, ...] = ()
    skipped_ids: tuple[int, ...] = ()
    if empty:  # the engine's IndicatorError: a school with students this year and no school days
        q: dict = dict(p)
        in_empty = _in("e", empty, q)
        with_students = [r[0] for r in _run(cursor, (
            f"SELECT DISTINCT e.school_id FROM {enr} e WHERE e.school_id {in_empty} AND e.entry_date <= %(as_of)s "
            "AND (e.exit_date IS NULL OR e.exit_date >= %(start)s)"
            + (" AND e.student_id IN (SELECT student_id FROM cw_only)" if only else "")), q).fetchall()]
        codes = sorted(School.objects.filter(pk__in=with_students).values_list("code", flat=True))
        if codes and len(empty) == len(school_ids):
            raise IndicatorError(no_calendar_message(codes, year_start, year_end))
        # Other schools have calendars: one school's missing calendar does not hold the district back. Its
        # students get no rows (the joins to cw_cal drop them), the caller keeps its stored rows and open
        # crossings (skipped_ids) and is told which schools.
        skipped, skipped_ids = tuple(codes), tuple(sorted(with_students))

    # Enrollment spans as ranges of school-day ordinals (lo, hi]; entry clamped to the year, exit to as_of.
    _run(cursor, f"""
        CREATE TEMP TABLE cw_span AS
        SELECT e.student_id, e.school_id, b.below AS lo, u.upto AS hi
        FROM {enr} e CROSS JOIN cw_cal b CROSS JOIN cw_cal u
        WHERE b.school_id = e.school_id
            AND b.day = CASE WHEN e.entry_date < %(start)s THEN %(start)s ELSE e.entry_date END
            AND u.school_id = e.school_id
            AND u.day = CASE WHEN e.exit_date IS NULL OR e.exit_date > %(as_of)s THEN %(as_of)s ELSE e.exit_date END
            AND {_scope('e', schools, only)} AND e.entry_date <= %(as_of)s
            AND (e.exit_date IS NULL OR e.exit_date >= %(start)s)""", p)
    # Overlapping spans merged into islands: a day in two spans is enrolled once (engine._enrolled_days).
    _run(cursor, """
        CREATE TEMP TABLE cw_isl AS
        SELECT student_id, school_id, min(lo) AS lo, max(hi) AS hi FROM (
            SELECT student_id, school_id, lo, hi,
                sum(starts) OVER (PARTITION BY student_id, school_id ORDER BY lo, hi ROWS UNBOUNDED PRECEDING) AS isl
            FROM (
                SELECT student_id, school_id, lo, hi,
                    CASE WHEN lo < max(hi) OVER (PARTITION BY student_id, school_id ORDER BY lo, hi
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) THEN 0 ELSE 1 END AS starts
                FROM cw_span WHERE hi > lo) s) t
        GROUP BY student_id, school_id, isl""")
    _run(cursor, "CREATE INDEX cw_isl_pair ON cw_isl (student_id, school_id)")
    if sql.pg:  # temporary tables get no statistics of their own: without them, nested loops over 800,000 rows
        for table in ("cw_cal", "cw_per", "cw_segp", "cw_span", "cw_isl"):
            _run(cursor, f"ANALYZE {table}")

    # One record per day: the category that keeps the student out longest (inputs._DAY_PRECEDENCE).
    events = f"a.date >= %(start)s AND a.date <= %(as_of)s AND {_scope('a', schools, only)}"
    columns = "a.student_id, a.school_id, a.date, a.category, a.reason_code, a.minutes_present, " \
              "a.minutes_scheduled, a.event_duration, a.arrival_time, a.departure_time"
    if sql.pg:
        one_a_day = (f"SELECT DISTINCT ON (a.student_id, a.school_id, a.date) {columns} FROM {att} a "
                     f"WHERE {events} ORDER BY a.student_id, a.school_id, a.date, {_rank('a.category')}")
    else:  # SQLite: the bare columns come from the row holding the min()
        one_a_day = (f"SELECT {columns}, min({_rank('a.category')}) AS rnk FROM {att} a "
                     f"{_in_group_order(cursor, att)} WHERE {events} GROUP BY a.student_id, a.school_id, a.date")
    full, half = rules.full_day_minutes, rules.half_day_minutes
    p["full"], p["half"], p["school_day"] = full, half, rules.school_day_minutes
    _multi(cursor, sql, att, events, p)
    lawful_in = _in("law", sorted(rules.lawful_reasons), p)
    suspension_lawful = "1 = 1" if rules.suspension_reason_code in rules.lawful_reasons else "1 = 0"
    absence = "('" + "', '".join(sorted(ABSENCE_CATEGORIES)) + "')"
    attending = "('" + "', '".join(ATTENDING) + "')"
    # Scored as engine._score_day: half days present (2, 1, 0) by minutes against the day's length (the
    # scheduled minutes when shorter than a full day). Without minutes, an arrival and a departure time
    # give the minutes between them; else an Ed-Fi EventDuration of an absence becomes whole minutes of
    # the scheduled minutes or the school day, the fraction dropped, as inputs._record does (with its
    # 1e-6 for float error).
    scored = f"""
        SELECT student_id, school_id, seg, present_h,
            CASE WHEN lawful = 1 THEN 0 ELSE 2 - present_h END AS unlawful_h,
            CASE WHEN category IN ('{"', '".join(PART_DAY)}') AND lawful = 0 AND present_h = 2 THEN 1 ELSE 0 END
                AS tardy
        FROM (
            SELECT student_id, school_id, seg, category,
                CASE WHEN minutes >= len THEN 2 WHEN minutes * %(full)s >= %(half)s * len THEN 1 ELSE 0 END
                    AS present_h,
                CASE WHEN category = 'out_of_school_suspension' THEN (CASE WHEN {suspension_lawful} THEN 1 ELSE 0 END)
                     WHEN category = 'unexcused' THEN 0
                     WHEN reason_code {lawful_in} THEN 1 ELSE 0 END AS lawful
            FROM (
                SELECT student_id, school_id, seg, category, reason_code, len,
                    COALESCE(CASE WHEN together = 1 THEN mu_min ELSE COALESCE(minutes_present, stayed) END,
                        CASE WHEN x IS NOT NULL AND category IN {absence} THEN floor(x + 0.000001) END,
                        CASE WHEN category IN {attending} THEN len ELSE 0 END) AS minutes
                FROM (
                    SELECT d.student_id, d.school_id, c.seg, d.category, d.reason_code, d.minutes_present,
                        {sql.minutes_between("d.arrival_time", "d.departure_time")} AS stayed, mu.day_min AS mu_min,
                        CASE WHEN mu.student_id IS NOT NULL AND d.category IN {attending} THEN 1 ELSE 0 END
                            AS together,
                        CASE WHEN d.minutes_scheduled > 0 AND d.minutes_scheduled < %(full)s
                             THEN d.minutes_scheduled ELSE %(full)s END AS len,
                        CASE WHEN d.minutes_scheduled IS NOT NULL AND d.minutes_scheduled <> 0
                             THEN d.minutes_scheduled ELSE %(school_day)s END
                            * (1 - CAST(d.event_duration AS DOUBLE PRECISION)) AS x
                    FROM ({one_a_day}) d CROSS JOIN cw_cal c CROSS JOIN cw_isl i
                    LEFT JOIN cw_multi mu ON mu.student_id = d.student_id AND mu.school_id = d.school_id
                        AND mu.date = d.date
                    WHERE c.school_id = d.school_id AND c.day = d.date AND c.upto > c.below
                        AND i.student_id = d.student_id AND i.school_id = d.school_id
                        AND c.upto > i.lo AND c.upto <= i.hi) m) s) sc"""

    # Every count is a sum per student x school x period of contributions: the days enrolled (each
    # island's overlap with the period: one row per pair and period, so every pair has its periods), the
    # scored days (summed per segment, then into each period holding the segment) and the discipline
    # actions in the period's dates. `is_pair` keeps out actions of a student never enrolled there.
    susp = "('" + "', '".join(SUSPENSIONS) + "')"
    contributions = f"""
        SELECT i.student_id, i.school_id, p.pidx, 1 AS is_pair,
            {sql.greatest}(0, {sql.least}(i.hi, p.hi) - {sql.greatest}(i.lo, p.lo)) AS enrolled,
            0 AS absent_h, 0 AS unlawful_h, 0 AS tardies, 0 AS suspensions, 0 AS expulsions
        FROM cw_isl i CROSS JOIN cw_per p WHERE p.school_id = i.school_id
        UNION ALL
        SELECT e.student_id, e.school_id, p.pidx, 1, 0, 0, 0, 0, 0, 0
        FROM (SELECT DISTINCT student_id, school_id FROM cw_span WHERE hi <= lo) e CROSS JOIN cw_per p
        WHERE p.school_id = e.school_id
        UNION ALL
        SELECT d.student_id, d.school_id, sp.pidx, 0, 0, d.absent_h, d.unlawful_h, d.tardies, 0, 0
        FROM (SELECT student_id, school_id, seg, sum(2 - present_h) AS absent_h, sum(unlawful_h) AS unlawful_h,
                     sum(tardy) AS tardies
              FROM ({scored}) t GROUP BY student_id, school_id, seg) d
        CROSS JOIN cw_segp sp WHERE sp.school_id = d.school_id AND sp.seg = d.seg
        UNION ALL
        SELECT a.student_id, a.school_id, p.pidx, 0, 0, 0, 0, 0,
            CASE WHEN a.kind IN {susp} THEN 1 ELSE 0 END, CASE WHEN a.kind = 'expulsion' THEN 1 ELSE 0 END
        FROM {act} a CROSS JOIN cw_per p
        WHERE p.school_id = a.school_id AND a.start_date >= p.begin_date AND a.start_date <= p.through
            AND a.start_date >= %(start)s AND a.start_date <= %(as_of)s AND {_scope('a', schools, only)}"""
    _pp(cursor, sql, rules, p, contributions)
    _course_failures(cursor, rules, p, schools, only, year_end.year)
    pairs = _run(cursor, f"SELECT count(*) FROM cw_pp WHERE pidx = {YTD}").fetchone()[0]
    return Prepared(ruleset=ruleset, rules=rules, school_ids=school_ids, pairs=pairs, skipped=skipped,
                    skipped_ids=skipped_ids)


def _multi(cursor, sql: _Sql, att: str, events: str, p: dict) -> None:
    """cw_multi: the days a student attended with several records (a late arrival and an early departure),
    with the minutes present all of them give together, as inputs._minutes_together: the fewest any record
    gives, and the latest arrival to the earliest departure across them; NULL when none says (a full day)."""
    attending = "('" + "', '".join(ATTENDING) + "')"
    own = f"COALESCE(a.minutes_present, {sql.minutes_between('a.arrival_time', 'a.departure_time')})"
    across = sql.minutes_between("max(a.arrival_time)", "min(a.departure_time)")
    _run(cursor, f"""CREATE TEMP TABLE cw_multi AS
        SELECT student_id, school_id, date,
            CASE WHEN m < 0 THEN 0 ELSE m END AS day_min
        FROM (
            SELECT student_id, school_id, date,
                {sql.least}(COALESCE(rec, across), COALESCE(across, rec)) AS m
            FROM (
                SELECT a.student_id, a.school_id, a.date, min({own}) AS rec, {across} AS across
                FROM {att} a WHERE {events} AND a.category IN {attending}
                GROUP BY a.student_id, a.school_id, a.date HAVING count(*) > 1) g) t""", p)
    _run(cursor, "CREATE INDEX cw_multi_day ON cw_multi (student_id, school_id, date)")
    if sql.pg:
        _run(cursor, "ANALYZE cw_multi")


def _course_failures(cursor, rules: engine.Rules, p: dict, schools: str, only: bool, school_year: int) -> None:
    """cw_cf: per student x school, the course grades given by the as-of date in the school year's grading
    periods and the distinct courses failed (engine._course_flag: the letter decides when there is one)."""
    grades, periods = CourseGrade._meta.db_table, GradingPeriod._meta.db_table
    q = dict(p, school_year=school_year)
    letters = _in("fl", sorted(rules.course_failing_letter_grades), q)
    below = rules.course_failing_numeric_below
    failing = (f"CASE WHEN TRIM(g.letter_grade) <> '' THEN UPPER(TRIM(g.letter_grade)) {letters} "
               f"ELSE g.numeric_grade IS NOT NULL AND g.numeric_grade * {below.denominator} < {below.numerator} END")
    _run(cursor, f"""CREATE TEMP TABLE cw_cf AS
        SELECT g.student_id, g.school_id, count(*) AS given,
            count(DISTINCT CASE WHEN COALESCE({failing}, FALSE) THEN g.course_code END) AS failed
        FROM {grades} g JOIN {periods} gp ON gp.id = g.grading_period_id
        WHERE gp.school_year = %(school_year)s AND COALESCE(g.as_of_date, gp."end") <= %(as_of)s
            AND {_scope('g', schools, only)}
        GROUP BY g.student_id, g.school_id""", q)
    _run(cursor, "CREATE INDEX cw_cf_pair ON cw_cf (student_id, school_id)")


def _half_days(expr: str) -> str:
    """A count of half days as a JSON number of days: 7 -> 3.5, 8 -> 4."""
    return (f"CASE WHEN ({expr}) %% 2 = 0 THEN CAST(({expr}) / 2 AS TEXT) "
            f"ELSE CAST(({expr}) / 2 AS TEXT) || '.5' END")


def _pp(cursor, sql: _Sql, rules: engine.Rules, p: dict, contributions: str) -> None:
    """cw_pp: every student x school x period with the engine's counts and flags (engine._period), and
    the period's JSON (`doc`, without its closing brace) built as text: the constant head from cw_per,
    then the counts and the raised flags."""
    per = rules.tardies_per_unlawful_absence
    unlawful = "c.unlawful_h" + (f" + 2 * (c.tardies / {int(per)})" if per else "")
    habitual = rules.habitual_truant_rate
    hab_kinds = _in("hk", sorted(rules.habitual_truant_period_kinds), p)
    truant = " ".join(f"WHEN %(tk{i})s THEN unlawful_h > %(tl{i})s"
                      for i, (k, n) in enumerate(sorted(rules.truant_day_limits.items())))
    for i, (k, n) in enumerate(sorted(rules.truant_day_limits.items())):
        p[f"tk{i}"], p[f"tl{i}"] = k, 2 * int(n)
    bands = " ".join(f"WHEN {_ratio_at_least('absent_h', '2 * enrolled', b.min_absence_rate)} THEN %(band{i})s"
                     for i, b in reversed(list(enumerate(rules.bands))))
    for i, b in enumerate(rules.bands):
        p[f"band{i}"] = b.name
    p["chronic_min"], p["abc_min"] = rules.chronic_min_days_enrolled, rules.abc_min_suspensions
    rate = "CAST(2 * enrolled - absent_h AS DOUBLE PRECISION) / (2 * enrolled)"
    flagged = " || ".join(f"CASE WHEN {f} THEN '\"{f}\",' ELSE '' END" for f in FLAGS)
    _run(cursor, f"""
        CREATE TEMP TABLE cw_pp AS
        SELECT *,
            CASE WHEN pidx < {YTD} THEN head || '"days_enrolled":' || CAST(enrolled AS TEXT)
                || ',"days_absent":' || {_half_days("absent_h")} || ',"days_unlawful":' || {_half_days("unlawful_h")}
                || ',"suspensions":' || CAST(suspensions AS TEXT)
                || ',"flags":[' || rtrim({flagged}, ',') || ']}}' END AS doc
        FROM (
            SELECT *,
                CASE WHEN enrolled > 0 THEN {rate} END AS attendance_rate,
                CASE WHEN enrolled < %(chronic_min)s OR enrolled = 0 THEN NULL {bands} ELSE %(band0)s END AS band,
                (enrolled >= %(chronic_min)s
                    AND {_ratio_at_least('absent_h', '2 * enrolled', rules.chronic_absence_rate)}) AS chronic_absent,
                CASE WHEN kind {hab_kinds} THEN (enrolled > 0 AND unlawful_h * {habitual.denominator}
                    > {habitual.numerator} * 2 * enrolled) END AS habitual_truant,
                CASE kind {truant or "WHEN NULL THEN CAST(NULL AS BOOLEAN)"} END AS truant_7_302_2,
                (enrolled > 0 AND NOT ({_ratio_at_least('2 * enrolled - absent_h', '2 * enrolled',
                                                        rules.abc_attendance_rate_below)})) AS abc_attendance,
                (suspensions + expulsions >= %(abc_min)s) AS abc_behavior
            FROM (
                SELECT c.student_id, c.school_id, c.pidx, p.kind, p.method, p.head, p.qname, c.enrolled,
                    c.absent_h, {unlawful} AS unlawful_h, c.suspensions, c.expulsions
                FROM (SELECT student_id, school_id, pidx, CAST(sum(enrolled) AS INTEGER) AS enrolled,
                          CAST(sum(absent_h) AS INTEGER) AS absent_h, CAST(sum(unlawful_h) AS INTEGER) AS unlawful_h,
                          CAST(sum(tardies) AS INTEGER) AS tardies, CAST(sum(suspensions) AS INTEGER) AS suspensions,
                          CAST(sum(expulsions) AS INTEGER) AS expulsions
                      FROM ({contributions}) u
                      GROUP BY student_id, school_id, pidx HAVING max(is_pair) = 1) c
                CROSS JOIN cw_per p
                WHERE p.school_id = c.school_id AND p.pidx = c.pidx
            ) x
        ) y""", p)
    if not sql.pg:  # SQLite's GROUP BY in the write walks it: group_concat then sees the periods in order
        _run(cursor, "CREATE INDEX cw_pp_pair ON cw_pp (student_id, school_id, pidx)")


def write(cursor, *, prepared: Prepared, as_of: date, now) -> int:
    """Insert one snapshot row per student x school from cw_pp; return the rows written. The columns are
    the year to date's; `values` holds the raised student-level flags with the periods that raised them
    (habitual truancy and 7-302.2 in any period) and each grading period's counts and raised flags, in
    the engine's order:

        {"raised": {"habitual_truant": ["Q1"], "abc_behavior": ["Year to date"]},
         "periods": [{"name": "Q1", "kind": "quarter", "through": "2025-09-12", "days_enrolled": 10,
                      "days_absent": 5.5, "days_unlawful": 3.5, "suspensions": 1, "flags": ["habitual_truant"]}]}
    """
    sql = _Sql()
    table = StudentIndicator._meta.db_table
    if sql.pg:
        def listed(cond: str, expr: str) -> str:
            return f"string_agg({expr}, ',' ORDER BY q.pidx) FILTER (WHERE {cond})"
        cast = "CAST({} AS json)"
    else:  # SQLite: group_concat keeps the order rows arrive in, cw_pp_pair's
        def listed(cond: str, expr: str) -> str:
            return f"group_concat({expr}, ',') FILTER (WHERE {cond})"
        cast = "{}"

    def student_flag(name: str, raised: str, periods: str) -> str:
        return f"CASE WHEN {raised} THEN '\"{name}\":[' || {periods} || '],' ELSE '' END"

    any_period = {"habitual_truant": "g.habitual_truant" if sql.pg else "y.any_habitual",
                  "truant_7_302_2": "g.truant_7_302_2" if sql.pg else "y.any_truant"}
    course = f"COALESCE(cf.failed, 0) >= {int(prepared.rules.abc_min_course_failures)}"
    flags = " || ".join(
        [student_flag(f, any_period[f], f"g.{f}_in") if f in any_period
         else student_flag(f, f"y.{f}", "y.qname") for f in FLAGS] + [student_flag("abc_course", course, "y.qname")])
    values = cast.format(f"'{{\"raised\":{{' || rtrim({flags}, ',') || '}},\"periods\":[' "
                         "|| COALESCE(g.periods, '') || ']}'")
    params = {"as_of": sql.day(as_of), "rule_set": prepared.ruleset.pk,
              "now": connection.ops.adapt_datetimefield_value(now), "ytd_key": YEAR_TO_DATE,
              "year": str(engine.PeriodKind.YEAR)}
    aggregates = f"""
                  {listed(f"q.pidx < {YTD}", "q.doc")} AS periods,
                  {listed("q.habitual_truant", "q.qname")} AS habitual_truant_in,
                  {listed("q.truant_7_302_2", "q.qname")} AS truant_7_302_2_in"""
    if sql.pg:
        source = f"""cw_pp y
        JOIN (SELECT q.student_id, q.school_id, COALESCE(bool_or(q.habitual_truant), FALSE) AS habitual_truant,
                  COALESCE(bool_or(q.truant_7_302_2), FALSE) AS truant_7_302_2, {aggregates}
              FROM cw_pp q GROUP BY q.student_id, q.school_id) g
            ON g.student_id = y.student_id AND g.school_id = y.school_id
        LEFT JOIN cw_cf cf ON cf.student_id = y.student_id AND cf.school_id = y.school_id
        WHERE y.pidx = {YTD}"""
    else:  # SQLite, one pass: with one max() the bare columns come from its row, the year to date's
        source = f"""(SELECT q.*, max(q.pidx), COALESCE(sum(q.habitual_truant), 0) > 0 AS any_habitual,
                  COALESCE(sum(q.truant_7_302_2), 0) > 0 AS any_truant, {aggregates}
              FROM cw_pp q GROUP BY q.student_id, q.school_id) y
            LEFT JOIN cw_cf cf ON cf.student_id = y.student_id AND cf.school_id = y.school_id"""
        values = values.replace("g.", "y.")
    any_habitual, any_truant = ("g.habitual_truant", "g.truant_7_302_2") if sql.pg else ("y.any_habitual",
                                                                                          "y.any_truant")
    cursor.execute(f"""
        INSERT INTO {table} (student_id, school_id, as_of, period_key, period_kind, rule_set_id, calendar_method,
            days_enrolled, days_absent, days_unlawful, attendance_rate, band, chronic_absent, habitual_truant,
            truant_7_302_2, abc_attendance, abc_behavior, abc_course, course_failures, suspensions, "values",
            created_at, updated_at, version)
        SELECT y.student_id, y.school_id, %(as_of)s, %(ytd_key)s, %(year)s, %(rule_set)s, y.method,
            y.enrolled, CAST(y.absent_h AS DOUBLE PRECISION) / 2, CAST(y.unlawful_h AS DOUBLE PRECISION) / 2,
            y.attendance_rate, COALESCE(y.band, ''), y.chronic_absent, {any_habitual}, {any_truant},
            y.abc_attendance, y.abc_behavior, {course}, COALESCE(cf.failed, 0), y.suspensions, {values},
            %(now)s, %(now)s, 1
        FROM {source}""", params)
    return cursor.rowcount
