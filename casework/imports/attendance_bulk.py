# ruff: noqa: S608 - statements are built from this module's own table and column names and integers;
# values from files always go as parameters or through COPY.
"""The set-based attendance load: rows go into a staging table by the database's own bulk path, then
every check and every write is a handful of SQL statements over the whole run.

1. **Stage.** A plain CSV file that is one row a line is streamed as it is: PostgreSQL `COPY ... FROM
   STDIN (FORMAT csv)` with the file's own bytes (COPY decodes UTF-8 or Windows-1252 itself), SQLite
   `executemany` straight from `csv.reader`. The row's line number is then its position (+1 for the
   header). A file where that does not hold (a quoted value over several lines, blank lines, a row with
   too many or too few values, bare carriage returns, a value over the csv module's limit) or that
   COPY cannot read is staged again row by row through `CsvFile.rows` (exact line numbers, the same
   reading rules as every other kind); so are Ed-Fi records, which carry their element path.
2. **Check.** The per-value checks (category or mapped descriptor, reason code, minutes, duration,
   times; `attendance_values.event_values`) run in Python once per *distinct combination* of those
   values, and dates once per distinct date, into two small tables. One statement joins the staging
   table with them, the students, the schools and the enrolments and gives each row its first error
   in the order the row-by-row importer checked them; one GROUP BY finds duplicate keys.
3. **Write.** Rows whose key is stored are compared column by column (only the file's columns), and
   one `UPDATE ... FROM` rewrites the changed ones; one `INSERT ... SELECT` writes the new ones; a stored
   record of a student's day the file lists, in a category the file does not give that day, is removed
   (`_replace`: a recoded absence). When
   the new rows are at least half as many as the table holds, the table's secondary indexes are
   dropped first and built again after, inside the run's transaction (see `_without_indexes`).

On PostgreSQL a run of one clean plain CSV file, the first of its school year, skips all three: it goes
straight into the table by one COPY, checked as it streams (attendance_direct.py), or, at the first row
that is not plainly good, comes back here untouched.

Rejected rows get the same file, line, element, field, value and reason as before; the reasons are
written in Python from the error code and the row's values, only for the rejected rows.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import io
import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from casework.attendance.models import AttendanceEvent
from casework.attendance.selectors import descriptor_resolver, lawful_reason_codes
from casework.core.bulk import WithoutIndexes
from casework.schools.models import School
from casework.students.models import Enrollment, Student

from .attendance_direct import load_direct
from .attendance_values import INSERT_COLUMNS, SHAPE_COLUMNS, event_values, stored_fields
from .csvfile import CsvFile, Refused
from .parsing import RowError, parse_date

REFS = ("student_id", "school_id", "date")
DATA = (*REFS, *SHAPE_COLUMNS)
ABSENT = "\x1e"  # a column the row does not have (NULL in staging), as a join key
STAGING, SHAPES, DAYS, ROWS, MATCH = "att_staging", "att_shape", "att_day", "att_rows", "att_match"
TEMP_TABLES = (STAGING, SHAPES, DAYS, ROWS, MATCH, "att_spans", "att_dupkeys", "att_gone")
# Rebuild the secondary indexes when the run adds at least this share of the rows already stored.
REBUILD_SHARE = 0.5
REBUILD_MIN_ROWS = 50_000
_CHUNK = 1 << 20
# The stored fields a row may or may not carry (an absent column leaves the stored value alone).
_PRESENT = ("reason_code", "descriptor", "reason_text", "minutes_present", "minutes_scheduled", "event_duration",
            "arrival_time", "departure_time")
# What Python's str.strip() removes, as every other import kind trims ids (CsvFile.rows): spreadsheets
# pad with no-break spaces (0xA0 in Windows-1252) that must not turn a known id into an unknown one.
_WHITESPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())

# Error codes, in the order the checks run (the first failing check is the row's reason).
SKIP, STUDENT_REQUIRED, STUDENT_UNKNOWN, SCHOOL_REQUIRED, SCHOOL_UNKNOWN, BAD_DATE = 0, 1, 2, 3, 4, 5
BAD_VALUE, NOT_ENROLLED, OUTSIDE_ENROLLMENT, MISSING, DUPLICATE = 6, 7, 8, 9, 10


class _Restage(Exception):
    """The file is not one row a line (or COPY could not read it): stage it row by row."""


@dataclass
class _Stage:
    name: str
    first_seq: int  # staging seq of the stage's first row
    by_position: bool  # line = seq - first_seq + 2


@dataclass
class Outcome:
    created: int
    updated: int
    unchanged: int
    students: set[int]
    rejects: list[tuple[str, int | None, str, RowError]]  # (file, line, element, error)
    replaced: int = 0  # stored records of a student's day the file gives other categories for


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _trim(expr: str) -> str:
    return f"trim({expr}, '{_WHITESPACE}')" if connection.vendor == "sqlite" else f"btrim({expr}, '{_WHITESPACE}')"


class AttendanceLoad:
    def __init__(self, *, run_pk: int, single_file: bool = False):
        self.run_pk = run_pk
        self.pg = connection.vendor == "postgresql"
        # A run of one plain CSV file: try the direct load first (attendance_direct.py).
        self.try_direct = single_file
        self.direct: Outcome | None = None
        self.stages: list[_Stage] = []
        self.extra = 0  # columns of the staging table for a file's unknown columns
        self.staged = 0
        self.dup_first: dict[tuple, int] = {}
        self._create_staging()

    # Staging ------------------------------------------------------------------------------------
    def _create_staging(self) -> None:
        # PostgreSQL: no index during the COPY, and sequence values taken 100,000 at a time.
        seq = "seq bigint GENERATED BY DEFAULT AS IDENTITY (CACHE 100000)" if self.pg else "seq INTEGER PRIMARY KEY"
        temp = " ON COMMIT DROP" if self.pg else ""
        cols = ", ".join(f"{c} text" for c in DATA)
        with connection.cursor() as c:
            drop_temp_tables(c)
            if not self.pg:
                # Staging, check tables and sorts in memory, not temporary files. Only before the
                # transaction's first temporary table (else SQLite refuses: then it stays on files).
                with contextlib.suppress(OperationalError):
                    c.execute("PRAGMA temp_store = MEMORY")
                c.execute("PRAGMA temp.cache_size = -262144")  # used when temp_store stays on files
            c.execute(f"CREATE TEMP TABLE {STAGING} ({seq}, line integer, element text, m_col text, m_field text, "
                      f"m_value text, m_reason text, {cols}){temp}")

    def _next_seq(self) -> int:
        with connection.cursor() as c:
            c.execute(f"SELECT coalesce(max(seq), 0) FROM {STAGING}")
            return c.fetchone()[0] + 1

    def _columns_for(self, header: list[str]) -> list[str]:
        """Staging column for each column of the file, in its order; unknown ones get a spare column."""
        out, spare = [], 0
        for name in header:
            if name in DATA:
                out.append(name)
            else:
                out.append(f"x{spare}")
                spare += 1
        if spare > self.extra:
            with connection.cursor() as c:
                for i in range(self.extra, spare):
                    c.execute(f"ALTER TABLE {STAGING} ADD COLUMN x{i} text")
            self.extra = spare
        return out

    def load_csv(self, f: CsvFile, report: Callable[[int, int], None] | None) -> bool:
        """Stage the whole file by the bulk path; False when it must be staged row by row instead."""
        if self.try_direct and not self.stages:
            self.try_direct = False
            done = load_direct(f, run_pk=self.run_pk, without_indexes=self._without_indexes,
                               large_cache=self._large_cache, report=report)
            if done is not None:
                self.direct = Outcome(done[0], 0, 0, done[1], [])
                self.stages.append(_Stage(f.name, 1, True))
                return True
        first = self._next_seq()
        columns = self._columns_for(f.columns)
        try:
            with transaction.atomic():
                rows = self._copy(f, columns, report) if self.pg else self._executemany(f, columns, report)
        except _Restage:
            return False
        if self.pg:  # a COPY rolled back earlier used up sequence values: count back from the last row
            first = self._next_seq() - rows
        self.stages.append(_Stage(f.name, first, True))
        self.staged += rows
        return True

    def _copy(self, f: CsvFile, columns: list[str], report) -> int:
        import psycopg

        size = os.path.getsize(f.path)
        encoding = "WIN1252" if f.encoding == "cp1252" else "UTF8"
        sql = (f"COPY {STAGING} ({', '.join(columns)}) FROM STDIN "
               f"(FORMAT csv, ENCODING '{encoding}', FORCE_NOT_NULL ({', '.join(columns)}))")
        newlines = crs = crlfs = 0
        last = b""
        with open(f.path, "rb") as raw, connection.cursor() as c:
            header = raw.readline()  # the header (CsvFile.open read it; a BOM goes with it)
            if b"\r" in header.rstrip(b"\r\n"):
                # Lines ended by a bare carriage return (old Mac files): the "header" read here was the
                # whole file. The csv module reads them; row by row.
                raise _Restage
            try:
                with c.cursor.copy(sql) as copy:
                    while chunk := raw.read(_CHUNK):
                        if b'"' in chunk:
                            # COPY reads a quote inside an unquoted value as opening a quoted one, Python's
                            # csv (every other path) as a literal: such a file goes row by row.
                            raise _Restage
                        newlines += chunk.count(b"\n")
                        crs += chunk.count(b"\r")
                        crlfs += chunk.count(b"\r\n") + (last == b"\r" and chunk[:1] == b"\n")
                        last = chunk[-1:]
                        copy.write(chunk)
                        if report:
                            report(raw.tell(), size)
                rows = c.cursor.rowcount
            except psycopg.DataError:
                raise _Restage from None
            lines = newlines + (1 if last not in (b"", b"\n") else 0)
            if lines != rows or crs != crlfs:
                raise _Restage
        return rows

    def _executemany(self, f: CsvFile, columns: list[str], report) -> int:
        import sqlite3

        size = os.path.getsize(f.path)
        sql = f"INSERT INTO {STAGING} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        rows = 0
        with open(f.path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding=f.encoding, newline="")
            reader = csv.reader(text, strict=True)  # as CsvFile.rows: a file ending inside a quote is an error
            try:
                next(reader)
                db = connection.connection
                while batch := list(itertools.islice(reader, 50_000)):
                    db.executemany(sql, batch)
                    rows += len(batch)
                    if report:
                        report(raw.tell(), size)
            except csv.Error:  # the row by row path refuses the file, naming the line as for every kind
                raise _Restage from None
            except sqlite3.ProgrammingError:  # a row with more or fewer values than the header, a blank line
                raise _Restage from None
            if reader.line_num != rows + 1:
                raise _Restage
        return rows

    def begin_rows(self, name: str) -> None:
        """Rows of a stage come one by one (row by row CSV, Ed-Fi records)."""
        self.stages.append(_Stage(name, self._next_seq(), False))
        self._pending: list[tuple] = []

    def add_row(self, line: int | None, element: str, row: dict[str, str]) -> None:
        missing: tuple = (None, None, None, None)
        values = []
        for column in DATA:
            try:
                # An Ed-Fi record raises for a required element it lacks; which check fails first is
                # decided in SQL, in the importer's order, so only the first missing one is kept.
                value = row.get(column) if column in ("student_id", "school_id", "date", "descriptor") \
                    else dict.get(row, column)
            except RowError as exc:
                if missing[0] is None:
                    missing = (column, exc.field, exc.value, exc.reason)
                value = None
            values.append(value)
        self._pending.append((line, element, *missing, *values))
        if len(self._pending) >= 5000:
            self.flush_rows()

    def flush_rows(self) -> None:
        if not self._pending:
            return
        names = ("line", "element", "m_col", "m_field", "m_value", "m_reason", *DATA)
        sql = f"INSERT INTO {STAGING} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"
        with connection.cursor() as c:
            if self.pg:
                with c.cursor.copy(f"COPY {STAGING} ({', '.join(names)}) FROM STDIN") as copy:
                    for row in self._pending:
                        copy.write_row(row)
            else:
                c.executemany(sql, self._pending)
        self.staged += len(self._pending)
        self._pending = []

    # Checks -------------------------------------------------------------------------------------
    def _too_long(self, c, values, columns) -> None:
        """COPY reads any length; the csv module (and so every other import) refuses a value over its
        limit, naming the line: so does this, for the values it sees distinct (all but the ids)."""
        limit = csv.field_size_limit()
        for column in columns:
            if any(v is not None and len(v) > limit for v in values.get(column, ())):
                c.execute(f"SELECT min(seq) FROM {STAGING} WHERE length({column}) > %s", [limit])
                seq = c.fetchone()[0]
                raise Refused(f"{self._stage_of(seq).name}, line {self._line(seq, None)}: the file cannot be read "
                              f"as CSV (field larger than field limit ({limit})).")

    def _shapes(self, c) -> None:
        """Each distinct combination of the value columns, checked once by `event_values`."""
        resolve, known = descriptor_resolver(), lawful_reason_codes()
        c.execute(f"SELECT DISTINCT {', '.join(SHAPE_COLUMNS)} FROM {STAGING}")
        found = c.fetchall()
        if self.pg:
            self._too_long(c, {col: [r[i] for r in found] for i, col in enumerate(SHAPE_COLUMNS)}, SHAPE_COLUMNS)
        out = []
        for shape_id, raw in enumerate(found, 1):
            row = {col: v.strip() for col, v in zip(SHAPE_COLUMNS, raw, strict=True) if v is not None}
            keys = [ABSENT if v is None else v for v in raw]
            try:
                category, values = event_values(row, resolve, known)
            except RowError as exc:
                out.append((shape_id, *keys, None, *([None] * 8), *([False] * 8), exc.field, exc.value, exc.reason))
                continue
            out.append((shape_id, *keys, *stored_fields(category, values), *(k in values for k in _PRESENT),
                        None, None, None))
        keys = ", ".join(f"k_{col} text" for col in SHAPE_COLUMNS)
        # The stored values in stored_fields' order (INSERT_COLUMNS').
        c.execute(f"CREATE TEMP TABLE {SHAPES} (id integer PRIMARY KEY, {keys}, category text, reason_code text, "
                  f"reason_text text, minutes_present integer, minutes_scheduled integer, "
                  f"event_duration decimal, arrival_time time, departure_time time, descriptor text, "
                  f"{', '.join(f'p_{k} boolean' for k in _PRESENT)}, err_field text, err_value text, "
                  f"err_reason text){' ON COMMIT DROP' if self.pg else ''}")
        marks = ", ".join(["%s"] * len(out[0])) if out else ""
        if out:
            c.executemany(f"INSERT INTO {SHAPES} VALUES ({marks})", out)
        if not self.pg:
            c.execute(f"CREATE INDEX {SHAPES}_keys ON {SHAPES} ({', '.join(f'k_{col}' for col in SHAPE_COLUMNS)})")
        c.execute(f"ANALYZE {SHAPES}")
        self.shape_count = len(out)

    def _days(self, c) -> None:
        c.execute(f"SELECT DISTINCT date FROM {STAGING}")
        found = c.fetchall()
        if self.pg:
            self._too_long(c, {"date": [r[0] for r in found]}, ["date"])
        out = []
        for (raw,) in found:
            if raw is None:
                continue
            try:
                day = parse_date({"date": raw.strip()}, "date")
                out.append((raw, day.isoformat(), None, None, None))
            except RowError as exc:
                out.append((raw, None, exc.field, exc.value, exc.reason))
        c.execute(f"CREATE TEMP TABLE {DAYS} (raw text PRIMARY KEY, day date, err_field text, err_value text, "
                  f"err_reason text){' ON COMMIT DROP' if self.pg else ''}")
        c.executemany(f"INSERT INTO {DAYS} VALUES (%s, %s, %s, %s, %s)", out)
        c.execute(f"ANALYZE {DAYS}")

    def _prepare_checks(self, c) -> None:
        if not self.pg:
            return
        # Hash joins on the value columns (a merge join sorts millions of rows by text), no JIT
        # compilation (seconds, for statements run once).
        c.execute("SET LOCAL work_mem = '256MB'")
        c.execute("SET LOCAL enable_mergejoin = off")
        c.execute("SET LOCAL jit = off")
        # Each student x school's enrolment spans as one multirange: one hash join checks the date.
        c.execute(f"CREATE TEMP TABLE att_spans ON COMMIT DROP AS SELECT student_id, school_id, "
                  f"range_agg(daterange(entry_date, exit_date, '[]')) AS spans FROM {_q(Enrollment._meta.db_table)} "
                  f"GROUP BY student_id, school_id")
        c.execute("ANALYZE att_spans")

    def _fast(self, c, step) -> Outcome | None:
        """Every row passes its checks and none is stored yet (a first load of the year, a new term):
        one statement checks and writes them all, and the unique key finds duplicates. None (nothing
        written) when a row fails a check or a key repeats: the full path then says which. Ids are
        matched untrimmed here (a padded id sends the file down the full path, which trims)."""
        table = _q(AttendanceEvent._meta.db_table)
        c.execute(f"SELECT min(day), max(day) FROM {DAYS}")
        first, last = c.fetchone()
        if first is None:
            return None
        c.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE date BETWEEN %s AND %s)", [first, last])
        if c.fetchone()[0]:
            return None
        student, school, enrollment = (_q(m._meta.db_table) for m in (Student, School, Enrollment))
        shape_join = " AND ".join(f"h.k_{col} = coalesce(s.{col}, '{ABSENT}')" for col in SHAPE_COLUMNS)
        if self.pg:
            enrolled = "JOIN att_spans sp ON sp.student_id = st.id AND sp.school_id = sc.id AND sp.spans @> d.day"
            enrolled_where = ""
        else:
            enrolled = ""
            enrolled_where = (f" AND EXISTS (SELECT 1 FROM {enrollment} e WHERE e.student_id = st.id AND "
                              "e.school_id = sc.id AND e.entry_date <= d.day AND (e.exit_date IS NULL OR "
                              "e.exit_date >= d.day))")
        # SQLite: rows go in in key order, so the unique key (which stays during the load) is filled at
        # its end, page after page.
        order = "" if self.pg else " ORDER BY st.id, sc.id, d.day, h.category"
        now = timezone.now()
        stamp = f"'{now.isoformat()}'::timestamptz" if self.pg else \
            f"'{connection.ops.adapt_datetimefield_value(now)}'"
        select = f"""SELECT st.id, sc.id, d.day, h.category, h.reason_code, h.reason_text, h.minutes_present,
                       h.minutes_scheduled, h.event_duration, h.arrival_time, h.departure_time, h.descriptor,
                       {int(self.run_pk)}, {stamp}, {stamp}, 1
                     FROM {STAGING} s
                     JOIN {student} st ON st.district_id = s.student_id
                     JOIN {school} sc ON sc.code = s.school_id
                     JOIN {DAYS} d ON d.raw = s.date AND d.err_reason IS NULL
                     JOIN {SHAPES} h ON {shape_join} AND h.err_reason IS NULL
                     {enrolled}
                     WHERE s.m_col IS NULL{enrolled_where}{order}"""
        c.execute(f"SELECT count(*) FROM {table}")
        stored = c.fetchone()[0]
        rebuild = self.staged >= REBUILD_MIN_ROWS and self.staged >= REBUILD_SHARE * stored
        try:
            with transaction.atomic(), self._without_indexes(c, rebuild):
                written = self._insert_select(c, table, select)
                if written != self.staged:
                    raise _Restage  # a row failed a check: undo, and let the full path name it
                step(4)
        except (_Restage, IntegrityError, *_driver_integrity_errors()):
            return None
        step(5)
        # The table was empty: every row is this run's, and the student index answers without the table.
        mine = "" if stored == 0 else f" WHERE import_run_id = {int(self.run_pk)}"
        c.execute(f"SELECT DISTINCT student_id FROM {table}{mine}")
        return Outcome(written, 0, 0, {s for (s,) in c.fetchall()}, [])

    def _insert_select(self, c, table: str, select: str) -> int:
        c.execute(f"INSERT INTO {table} ({', '.join(INSERT_COLUMNS)}) {select}")
        return c.rowcount

    def _classify(self, c) -> None:
        """One row per staged row: the resolved keys and its first error (NULL when it passes)."""
        student, school, enrollment = (_q(m._meta.db_table) for m in (Student, School, Enrollment))
        shape_join = " AND ".join(f"h.k_{col} = coalesce(s.{col}, '{ABSENT}')" for col in SHAPE_COLUMNS)
        blank = " AND ".join(f"coalesce({_trim('s.' + col)}, '') = ''"
                             for col in (*DATA, *(f"x{i}" for i in range(self.extra))))
        if self.pg:
            spans_join = "LEFT JOIN att_spans sp ON sp.student_id = st.id AND sp.school_id = sc.id"
            not_enrolled, outside = "sp.spans IS NULL", "NOT sp.spans @> d.day"
        else:
            spans_join = ""
            where = "e.student_id = st.id AND e.school_id = sc.id"
            not_enrolled = f"NOT EXISTS (SELECT 1 FROM {enrollment} e WHERE {where})"
            outside = (f"NOT EXISTS (SELECT 1 FROM {enrollment} e WHERE {where} AND e.entry_date <= d.day "
                       f"AND (e.exit_date IS NULL OR e.exit_date >= d.day))")
        c.execute(f"""
            CREATE TEMP TABLE {ROWS}{' ON COMMIT DROP' if self.pg else ''} AS
            SELECT s.seq, st.id AS student_pk, sc.id AS school_pk, d.day, h.id AS shape_id, h.category,
              CASE
                WHEN s.m_col = 'student_id' THEN {MISSING}
                WHEN coalesce({_trim('s.student_id')}, '') = '' THEN
                  CASE WHEN {blank} THEN {SKIP} ELSE {STUDENT_REQUIRED} END
                WHEN st.id IS NULL THEN {STUDENT_UNKNOWN}
                WHEN s.m_col = 'school_id' THEN {MISSING}
                WHEN coalesce({_trim('s.school_id')}, '') = '' THEN {SCHOOL_REQUIRED}
                WHEN sc.id IS NULL THEN {SCHOOL_UNKNOWN}
                WHEN s.m_col = 'date' THEN {MISSING}
                WHEN d.err_reason IS NOT NULL THEN {BAD_DATE}
                WHEN s.m_col IS NOT NULL THEN {MISSING}
                WHEN h.err_reason IS NOT NULL THEN {BAD_VALUE}
                WHEN {not_enrolled} THEN {NOT_ENROLLED}
                WHEN {outside} THEN {OUTSIDE_ENROLLMENT}
              END AS err
            FROM {STAGING} s
            LEFT JOIN {student} st ON st.district_id = {_trim('s.student_id')}
            LEFT JOIN {school} sc ON sc.code = {_trim('s.school_id')}
            LEFT JOIN {DAYS} d ON d.raw = s.date
            LEFT JOIN {SHAPES} h ON {shape_join}
            {spans_join}
        """)
        c.execute(f"ANALYZE {ROWS}")

    def _mark_duplicates(self, c) -> None:
        """The same key twice: the first row (in file order) stays, the others are rejected."""
        c.execute(f"""SELECT student_pk, school_pk, day, category, min(seq) FROM {ROWS} WHERE err IS NULL
                      GROUP BY student_pk, school_pk, day, category HAVING count(*) > 1""")
        keys = c.fetchall()
        if not keys:
            return
        c.execute(f"CREATE TEMP TABLE att_dupkeys (student_pk bigint, school_pk bigint, day date, category text, "
                  f"first_seq bigint){' ON COMMIT DROP' if self.pg else ''}")
        c.executemany("INSERT INTO att_dupkeys VALUES (%s, %s, %s, %s, %s)", keys)
        if not self.pg:
            c.execute("CREATE INDEX att_dupkeys_key ON att_dupkeys (student_pk, school_pk, day, category)")
        c.execute(f"""UPDATE {ROWS} SET err = {DUPLICATE} WHERE err IS NULL AND EXISTS (
                        SELECT 1 FROM att_dupkeys k WHERE k.student_pk = {ROWS}.student_pk
                        AND k.school_pk = {ROWS}.school_pk AND k.day = {ROWS}.day AND k.category = {ROWS}.category
                        AND k.first_seq <> {ROWS}.seq)""")
        self.dup_first = {(s, sc, str(d), cat): first for s, sc, d, cat, first in keys}

    def _rejects(self, c) -> list[tuple[str, int | None, str, RowError]]:
        c.execute(f"""SELECT r.seq, r.err, s.line, s.element, s.student_id, s.school_id, s.date,
                        s.m_field, s.m_value, s.m_reason, d.err_field, d.err_value, d.err_reason,
                        h.err_field, h.err_value, h.err_reason, r.student_pk, r.school_pk, r.day, r.category
                      FROM {ROWS} r JOIN {STAGING} s ON s.seq = r.seq
                      LEFT JOIN {DAYS} d ON d.raw = s.date LEFT JOIN {SHAPES} h ON h.id = r.shape_id
                      WHERE r.err > 0 ORDER BY r.seq""")
        found = c.fetchall()
        firsts = {}
        if any(row[1] == DUPLICATE for row in found):
            seqs = sorted({self.dup_first[(row[16], row[17], str(row[18]), row[19])] for row in found
                           if row[1] == DUPLICATE})
            c.execute(f"SELECT seq, line FROM {STAGING} WHERE seq IN ({', '.join(['%s'] * len(seqs))})", seqs)
            firsts = dict(c.fetchall())
        out = []
        for (seq, err, line, element, sid, school, day, m_field, m_value, m_reason, d_field, d_value, d_reason,
             h_field, h_value, h_reason, student_pk, school_pk, resolved_day, category) in found:
            sid, school, day = ((v or "").strip(_WHITESPACE) for v in (sid, school, day))
            if err == MISSING:
                error = RowError(m_field, m_value, m_reason)
            elif err == STUDENT_REQUIRED:
                error = RowError("student_id", sid, "student_id is required.")
            elif err == STUDENT_UNKNOWN:
                error = RowError("student_id", sid, f"Unknown student {sid}: import the students file first.")
            elif err == SCHOOL_REQUIRED:
                error = RowError("school_id", school, "school_id is required.")
            elif err == SCHOOL_UNKNOWN:
                error = RowError("school_id", school, f"Unknown school {school}: no school has this code.")
            elif err == BAD_DATE:
                error = RowError(d_field, d_value, d_reason)
            elif err == BAD_VALUE:
                error = RowError(h_field, h_value, h_reason)
            elif err == NOT_ENROLLED:
                error = RowError("school_id", school, "The student has no enrollment at this school.")
            elif err == OUTSIDE_ENROLLMENT:
                error = RowError("date", day, "The date is outside the student's enrollment at this school.")
            else:
                first = self.dup_first[(student_pk, school_pk, str(resolved_day), category)]
                where = f"line {self._line(first, firsts.get(first))}"
                if self._stage_of(first) is not self._stage_of(seq):
                    where += f" of {self._stage_of(first).name}"
                error = RowError("date", day, "Duplicate event: the same student, school, date and category are "
                                              f"already on {where}.")
            error.student = sid  # the row as staged is not at hand to the run: its student id goes with the error
            stage = self._stage_of(seq)
            out.append((stage.name, line if line is not None else self._line(seq, None), element or "", error))
        return out

    def _stage_of(self, seq: int) -> _Stage:
        return self.stages[bisect.bisect_right([s.first_seq for s in self.stages], seq) - 1]

    def _line(self, seq: int, stored: int | None) -> int | None:
        stage = self._stage_of(seq)
        return seq - stage.first_seq + 2 if stage.by_position else stored

    # Writes -------------------------------------------------------------------------------------
    def run(self, *, partial: bool, progress: Callable[..., None] | None = None) -> Outcome:
        """Check every staged row, then write the good ones unless a row was rejected in an
        all-or-nothing run (which writes nothing)."""
        step = (lambda n: progress("checking the rows", n, 6, "steps")) if progress else (lambda n: None)
        if self.direct is not None:  # checked and written while it streamed
            with connection.cursor() as c:
                drop_temp_tables(c)
            step(6)
            return self.direct
        with connection.cursor() as c, self._large_cache(c):
            c.execute(f"ANALYZE {STAGING}")
            self._shapes(c)
            self._days(c)
            self._prepare_checks(c)
            step(1)
            if (fast := self._fast(c, step)) is not None:
                drop_temp_tables(c)
                step(6)
                return fast
            self._classify(c)
            step(2)
            self._mark_duplicates(c)
            rejects = self._rejects(c)
            step(3)
            if rejects and not partial:
                drop_temp_tables(c)
                return Outcome(0, 0, 0, set(), rejects)
            created, updated, unchanged, students, replaced = self._write(c, step)
            drop_temp_tables(c)
            step(6)
        return Outcome(created, updated, unchanged, students, rejects, replaced)

    @contextlib.contextmanager
    def _large_cache(self, c):
        """SQLite: a 1 GB page cache for the run (64 MB otherwise): the attendance table's unique key
        and the students' and enrolments' pages stay in it while millions of rows go in."""
        if self.pg:
            yield
            return
        c.execute("PRAGMA main.cache_size")
        before = c.fetchone()[0]
        c.execute("PRAGMA main.cache_size = -1048576")
        try:
            yield
        finally:
            c.execute(f"PRAGMA main.cache_size = {int(before)}")

    def _write(self, c, step) -> tuple[int, int, int, set[int], int]:
        table = _q(AttendanceEvent._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        c.execute(f"SELECT count(*) FROM {ROWS} WHERE err IS NULL")
        good = c.fetchone()[0]
        c.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
        stored = bool(c.fetchone()[0])
        matched = changed = replaced = 0
        replaced_students: set[int] = set()
        if stored:
            matched, changed = self._update(c, table, now)
            replaced, replaced_students = self._replace(c, table)
        step(4)
        new = good - matched
        created = 0
        if new:
            rebuild = new >= REBUILD_MIN_ROWS and (not stored or new >= REBUILD_SHARE * self._count(c, table))
            with self._without_indexes(c, rebuild):
                created = self._insert(c, table, now, stored)
        step(5)
        if created + changed == 0:
            return created, changed, matched - changed, replaced_students, replaced
        changed_only = f" AND NOT EXISTS (SELECT 1 FROM {MATCH} m WHERE m.seq = r.seq AND NOT m.changed)" \
            if stored else ""
        c.execute(f"SELECT DISTINCT student_pk FROM {ROWS} r WHERE err IS NULL{changed_only}")
        return created, changed, matched - changed, {s for (s,) in c.fetchall()} | replaced_students, replaced

    def _replace(self, c, table: str) -> tuple[int, set[int]]:
        """A student's day the file lists is the SIS's whole record of that day at that school: a stored
        record of that day in a category the file does not give is removed. An absence recoded from
        unexcused to excused (a doctor's note) is a new key (the category is part of it), so without this
        the unexcused record stayed and decided the day. Days the file does not list are left alone."""
        listed = f"SELECT DISTINCT student_pk, school_pk, day FROM {ROWS} WHERE err IS NULL"
        c.execute(f"""CREATE TEMP TABLE att_gone{' ON COMMIT DROP' if self.pg else ''} AS
                      SELECT e.id, e.student_id FROM {table} e
                      JOIN ({listed}) k ON e.student_id = k.student_pk AND e.school_id = k.school_pk
                        AND e.date = k.day
                      WHERE NOT EXISTS (SELECT 1 FROM {MATCH} m WHERE m.id = e.id)""")
        c.execute("SELECT DISTINCT student_id FROM att_gone")
        students = {s for (s,) in c.fetchall()}
        if not students:
            return 0, set()
        c.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM att_gone)")
        return c.rowcount, students

    def _count(self, c, table: str) -> int:
        c.execute(f"SELECT count(*) FROM {table}")
        return c.fetchone()[0]

    def _update(self, c, table: str, now) -> tuple[int, int]:
        differs = "IS DISTINCT FROM" if self.pg else "IS NOT"
        checks = [f"(h.p_{col} AND e.{col} {differs} h.{col})" for col in _PRESENT]
        c.execute(f"""CREATE TEMP TABLE {MATCH}{' ON COMMIT DROP' if self.pg else ''} AS
                      SELECT r.seq, e.id, r.shape_id, ({' OR '.join(checks)}) AS changed
                      FROM {ROWS} r JOIN {SHAPES} h ON h.id = r.shape_id
                      JOIN {table} e ON e.student_id = r.student_pk AND e.school_id = r.school_pk
                        AND e.date = r.day AND e.category = r.category
                      WHERE r.err IS NULL""")
        c.execute(f"SELECT count(*), coalesce(sum(CASE WHEN changed THEN 1 ELSE 0 END), 0) FROM {MATCH}")
        matched, changed = c.fetchone()
        if self.pg:
            c.execute(f"ANALYZE {MATCH}")  # _replace's anti-join: a hash join, not a loop over a guess
        else:
            c.execute(f"CREATE INDEX {MATCH}_seq ON {MATCH} (seq)")
            c.execute(f"CREATE INDEX {MATCH}_id ON {MATCH} (id)")
        if changed:
            sets = [f"{col} = CASE WHEN h.p_{col} THEN h.{col} ELSE {table}.{col} END" for col in _PRESENT]
            c.execute(f"""UPDATE {table} SET {', '.join(sets)}, version = {table}.version + 1, updated_at = %s,
                            import_run_id = %s
                          FROM {MATCH} m JOIN {SHAPES} h ON h.id = m.shape_id
                          WHERE {table}.id = m.id AND m.changed""", [now, self.run_pk])
        return matched, changed

    def _insert(self, c, table: str, now, stored: bool) -> int:
        columns = INSERT_COLUMNS
        unmatched = f" AND NOT EXISTS (SELECT 1 FROM {MATCH} m WHERE m.seq = r.seq)" if stored else ""
        order = "" if self.pg else " ORDER BY r.student_pk, r.school_pk, r.day, r.category"  # as in _fast
        c.execute(f"""INSERT INTO {table} ({', '.join(columns)})
                      SELECT r.student_pk, r.school_pk, r.day, r.category, h.reason_code, h.reason_text,
                        h.minutes_present, h.minutes_scheduled, h.event_duration, h.arrival_time, h.departure_time,
                        h.descriptor, %s, %s, %s, 1
                      FROM {ROWS} r JOIN {SHAPES} h ON h.id = r.shape_id
                      WHERE r.err IS NULL{unmatched}{order}""", [self.run_pk, now, now])
        return c.rowcount

    def _without_indexes(self, c, rebuild: bool):
        """For a load that is large against the table: its indexes dropped, then built once after
        (core.bulk.WithoutIndexes says what that locks and when)."""
        if not rebuild:
            return contextlib.nullcontext()
        return WithoutIndexes(c, AttendanceEvent._meta.db_table, work_mem="512MB")


def _driver_integrity_errors() -> tuple[type[Exception], ...]:
    """A COPY runs on the driver's cursor: its errors are the driver's, not Django's."""
    if connection.vendor != "postgresql":
        return ()
    import psycopg

    return (psycopg.IntegrityError,)


def drop_temp_tables(c) -> None:
    for table in TEMP_TABLES:
        c.execute(f"DROP TABLE IF EXISTS {table}")
