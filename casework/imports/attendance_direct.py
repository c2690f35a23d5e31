# ruff: noqa: S608 - statements are built from the model's own table and column names; values from files
# go through COPY or bound parameters.
"""First load of a school year from one plain CSV file: the rows go straight into the attendance
table, each checked in Python as it streams (student and school known, the date a date, enrolled there
on it, category or mapped descriptor and values valid: `event_values` once per distinct combination),
instead of a staging table and a checking `INSERT ... SELECT`. PostgreSQL takes them by one `COPY`
(the checking insert writes row by row, `COPY` in batches), SQLite by 200-row statements
(`_SqliteWriter`; the staging pass and the checking insert were two passes over the file's rows). A
district's year goes in in less than half the time (docs/performance.md).

It only ever takes the clean case and says nothing about a row: the first row that is not plainly good
(a failed check, padding around an id, a quote, a blank line, a row of another length), a duplicate key
(the unique key refuses it) or stored events in the file's dates undoes everything it wrote, and the
run goes down the staging path (attendance_bulk.py), which names every rejected row as before. A
table that already holds events of the file's school year (the nightly re-import) goes there at once.
"""

from __future__ import annotations

import operator
import os
import sqlite3
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from casework.attendance.models import AttendanceEvent
from casework.attendance.selectors import descriptor_resolver, lawful_reason_codes
from casework.indicators.inputs import school_year_bounds
from casework.students.models import Enrollment

from .attendance_values import INSERT_COLUMNS, SHAPE_COLUMNS, event_values, stored_fields
from .csvfile import CsvFile
from .parsing import RowError, parse_date

_CHUNK = 1 << 20
_ROWS, _SHAPES = "att_direct_rows", "att_direct_shapes"  # SQLite's temporary tables
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class _NotClean(Exception):
    """Something the staging path must look at: undo and hand the file over."""


def _text(value) -> str:
    """One value in COPY's text format."""
    return "\\N" if value is None else str(value).translate(_ESCAPES)


def _database_errors() -> tuple[type[Exception], ...]:
    """What the driver raises for a duplicate key or a value the column refuses (the COPY and the
    executemany run on the driver's cursor, outside Django's error wrapping)."""
    if connection.vendor == "postgresql":
        import psycopg

        return (psycopg.IntegrityError, psycopg.DataError)
    return (sqlite3.IntegrityError,)


class _Checks:
    """What a row is checked against, read once (one query): each (student, school) pair enrolled this
    year, keyed by the file's bytes, with its ids and enrolment spans. A date and a combination of values are
    turned once into what the database takes: COPY text on PostgreSQL; on SQLite the date as text and
    the combination as a number (its row in the shapes table)."""

    def __init__(self, f: CsvFile, year: tuple):
        codec = "utf-8" if f.encoding.startswith("utf-8") else f.encoding
        self.codec = codec
        self.pg = connection.vendor == "postgresql"
        # (student, school, its enrolment spans, the row's COPY prefix) by the ids as the file spells them
        self.pairs: dict[tuple[bytes, bytes], tuple[int, int, list, bytes]] = {}
        for district_id, code, student, school, entry, exit_ in (
                Enrollment.objects.filter(entry_date__lte=year[1]).exclude(exit_date__lt=year[0])
                .values_list("student__district_id", "school__code", "student_id", "school_id", "entry_date",
                             "exit_date")):
            try:  # an id the file's encoding cannot spell cannot be in the file
                key = (district_id.encode(codec), code.encode(codec))
            except UnicodeEncodeError:
                continue
            if key not in self.pairs:
                self.pairs[key] = (student, school, [], b"%d\t%d\t" % (student, school))
            self.pairs[key][2].append((entry, exit_ or date.max))
        self.tail = b""  # PostgreSQL: the COPY columns after the values, and the line end
        self.days: dict[bytes, tuple] = {}
        self.shapes: dict[tuple, Any] = {}
        self.shape_rows: list[tuple] = []  # SQLite: the shapes table's rows, numbered from 1
        self.resolve = descriptor_resolver()
        self.known = lawful_reason_codes()

    def day(self, raw: bytes):
        found = self.days.get(raw)
        if found is None:
            try:
                day = parse_date({"date": raw.decode(self.codec).strip()}, "date")
            except (RowError, UnicodeDecodeError):
                raise _NotClean from None
            found = self.days[raw] = (day, day.isoformat().encode() + b"\t" if self.pg else day.isoformat())
        return found

    def shape(self, key: tuple | bytes, present: tuple[str, ...]):
        """The row's value columns, category to descriptor: COPY text, or a shape number. The key is
        the row's value columns, or (when they are all the line holds after the ids) that rest of the line."""
        found = self.shapes.get(key)
        if found is None:
            try:
                raws = key.split(b",") if isinstance(key, bytes) else key
                row = {col: raw.decode(self.codec).strip() for col, raw in zip(present, raws, strict=True)}
                category, values = event_values(row, self.resolve, self.known)
            except (RowError, UnicodeDecodeError, ValueError):  # ValueError: a row of another length
                raise _NotClean from None
            fields = stored_fields(category, values)
            if self.pg:
                found = "\t".join(map(_text, fields)).encode() + self.tail
            else:
                self.shape_rows.append((len(self.shape_rows) + 1, *fields))
                found = len(self.shape_rows)
            self.shapes[key] = found
        return found


def load_direct(f: CsvFile, *, run_pk: int, without_indexes: Callable[[Any, bool], object],
                large_cache: Callable[[Any], object], report: Callable[[int, int], None] | None):
    """(rows written, their students) when the whole file went in clean; None (nothing written) when
    the staging path must take it."""
    header = f.columns
    if any(c not in (*SHAPE_COLUMNS, "student_id", "school_id", "date") for c in header):
        return None  # unknown columns: the staging path keeps them for its blank-row test
    with open(f.path, "rb") as raw:
        head = raw.readline()
        first = raw.readline()
    if b"\r" in head.rstrip(b"\r\n"):
        return None  # lines ended by a bare carriage return: the staging path reads them with the csv module
    parts = first.rstrip(b"\r\n").split(b",")
    if len(parts) != len(header):
        return None
    try:
        first_day = parse_date({"date": parts[header.index("date")].decode("latin-1").strip()}, "date")
    except RowError:
        return None
    year = school_year_bounds(first_day)
    table = connection.ops.quote_name(AttendanceEvent._meta.db_table)
    with connection.cursor() as c:
        c.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE date BETWEEN %s AND %s)", list(year))
        if c.fetchone()[0]:
            return None  # events of this year are stored: updates and unchanged rows, the staging path's work
        c.execute(f"SELECT count(*) FROM {table}")
        stored = c.fetchone()[0]
    checks = _Checks(f, year)
    size = os.path.getsize(f.path)
    rebuild = stored == 0 or size / max(len(first), 1) >= stored / 2
    try:
        with transaction.atomic(), connection.cursor() as c, large_cache(c), without_indexes(c, rebuild):
            written, students, first_day, last_day = _stream(c, f, checks, header, run_pk, size, report)
            if not stored:  # the table held nothing else
                return written, students
            c.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE date BETWEEN %s AND %s AND "
                      "import_run_id IS DISTINCT FROM %s)", [first_day, last_day, run_pk])
            if c.fetchone()[0]:
                raise _NotClean  # another year's stored events fall in the file's dates
    except (_NotClean, IntegrityError, *_database_errors()):
        return None
    return written, students


class _SqliteWriter:
    """SQLite. Executing a one-row INSERT into the attendance table opens the table, its unique key and
    the id sequence again at every row: the inserts alone took twice the bare load's time. So rows go
    in by statements of 200 rows, each (student, school, date, shape number) joined to a temporary
    table of the file's combinations of values, each written once.

    While the file comes in student order they go straight into the table, and the unique key (led by
    the student) grows at its end. From the first row out of that order (a file sorted by date), the
    rest go into a narrow temporary table and in at the end sorted, one statement: inserted as they
    came, each would land at a random place in the unique key (four times slower)."""

    ROWS = 200  # 800 parameters: under the 999 that SQLite before 3.32 allows a statement

    def __init__(self, c, table: str, checks: _Checks, tail: tuple):
        self.c, self.table, self.checks, self.tail = c, table, checks, tail
        self.db = connection.connection
        self.pending: list = []
        self.spilled = False
        self.shapes_written = 0
        self.columns = ", ".join(INSERT_COLUMNS)
        self.values = ", ".join(f"h.{col}" for col in INSERT_COLUMNS[3:])

    def __enter__(self):
        for name, columns in ((_ROWS, "student_id integer, school_id integer, date text, shape integer"),
                              (_SHAPES, f"id integer PRIMARY KEY, {', '.join(INSERT_COLUMNS[3:])}")):
            self.c.execute(f"DROP TABLE IF EXISTS {name}")
            self.c.execute(f"CREATE TEMP TABLE {name} ({columns})")
        return self

    def _statement(self, rows: int, into_table: bool) -> str:
        values = ", ".join(["(?, ?, ?, ?)"] * rows)
        if not into_table:
            return f"INSERT INTO {_ROWS} VALUES {values}"
        return (f"INSERT INTO {self.table} ({self.columns}) SELECT r.column1, r.column2, r.column3, {self.values} "
                f"FROM (VALUES {values}) r CROSS JOIN {_SHAPES} h WHERE h.id = r.column4")

    def write(self, params: list, in_order: bool) -> None:
        """params: four a row, flat."""
        shapes = self.checks.shape_rows
        if len(shapes) > self.shapes_written:
            self.db.executemany(f"INSERT INTO {_SHAPES} VALUES ({', '.join('?' * 14)})",
                                [(*shape, *self.tail) for shape in shapes[self.shapes_written:]])
            self.shapes_written = len(shapes)
        if not in_order and not self.spilled:
            self._flush(everything=True)
            self.spilled = True
        self.pending += params
        self._flush(everything=False)

    def _flush(self, *, everything: bool) -> None:
        step = 4 * self.ROWS
        full = self._statement(self.ROWS, not self.spilled)
        pending, done = self.pending, 0
        while len(pending) - done >= step:
            self.db.execute(full, pending[done:done + step])
            done += step
        if everything and done < len(pending):
            self.db.execute(self._statement((len(pending) - done) // 4, not self.spilled), pending[done:])
            done = len(pending)
        self.pending = pending[done:]

    def __exit__(self, exc_type, *exc):
        try:
            if exc_type is None:
                self._flush(everything=True)
                if self.spilled:
                    # The narrow rows sorted, then each joined to its shape: a sort of four columns,
                    # not of the sixteen the join makes. (LIMIT -1, no limit, keeps SQLite from
                    # flattening the subquery and dropping its ORDER BY.)
                    self.c.execute(f"INSERT INTO {self.table} ({self.columns}) "
                                   f"SELECT r.student_id, r.school_id, r.date, {self.values} FROM (SELECT * FROM "
                                   f"{_ROWS} ORDER BY student_id, school_id, date LIMIT -1) r "
                                   f"CROSS JOIN {_SHAPES} h WHERE h.id = r.shape")
        finally:
            self.c.execute(f"DROP TABLE IF EXISTS {_ROWS}")
            self.c.execute(f"DROP TABLE IF EXISTS {_SHAPES}")
        return False


def _lines(raw, size: int, report):
    """The file's lines (without their line ends) a chunk at a time. Refuses (for the staging path) a
    quote anywhere (Python's csv reads one differently from a split) and a carriage return that does
    not end a line (the csv module reads it as a line break)."""
    rest = b""
    while True:
        chunk = raw.read(_CHUNK)
        data = rest + chunk
        if chunk:
            cut = data.rfind(b"\n") + 1
            data, rest = data[:cut], data[cut:]
            if len(rest) > _CHUNK:  # a megabyte without a line feed: not a plain attendance file
                raise _NotClean
        elif not data:
            return
        else:
            data += b"\n"  # the last line, without a line end
        if b'"' in data:
            raise _NotClean
        if b"\r" in data:
            if data.count(b"\r") != data.count(b"\r\n"):
                raise _NotClean
            data = data.replace(b"\r\n", b"\n")
        lines = data.split(b"\n")
        lines.pop()
        yield lines
        if report:
            report(raw.tell(), size)
        if not chunk:
            return


def _stream(c, f: CsvFile, checks: _Checks, header: list[str], run_pk: int, size: int, report):
    student_at, school_at, date_at = (header.index(k) for k in ("student_id", "school_id", "date"))
    present = tuple(col for col in header if col in SHAPE_COLUMNS)
    if {student_at, school_at, date_at} == {0, 1, 2}:
        # The usual layout, ids first: the rest of the line is the value columns' key, one bytes object.
        splits, shape_of = 3, operator.itemgetter(3)
    else:
        picks = [header.index(col) for col in present]
        splits = -1
        shape_of = operator.itemgetter(*picks) if len(picks) > 1 else (lambda p: (p[picks[0]],))
    fields = 4 if splits == 3 else len(header)
    pg = checks.pg
    table = connection.ops.quote_name(AttendanceEvent._meta.db_table)
    if pg:
        # created_at and updated_at left to the columns' default (the statement's time): parsing two
        # timestamps a row took a third of the COPY.
        checks.tail = f"\t{run_pk}\t1\n".encode()
        columns = ", ".join(col for col in INSERT_COLUMNS if col not in ("created_at", "updated_at"))
        writer = c.cursor.copy(f"COPY {table} ({columns}) FROM STDIN")
    else:
        stamp = connection.ops.adapt_datetimefield_value(timezone.now())
        writer = _SqliteWriter(c, table, checks, (run_pk, stamp, stamp, 1))
    pairs, days, shapes = checks.pairs, checks.days, checks.shapes
    seen: set[int] = set()
    written = last = 0
    in_order = True
    with open(f.path, "rb") as raw, writer as out_to:
        raw.readline()
        for lines in _lines(raw, size, report):
            out: list = []
            add = out.extend
            for line in lines:
                parts = line.split(b",", splits)
                if len(parts) != fields:  # a row of another length, a blank line (the rest: in shape())
                    raise _NotClean
                pair = pairs.get((parts[student_at], parts[school_at]))
                if pair is None:  # unknown student or school, or not enrolled there this year
                    raise _NotClean
                student, school, spans, head = pair
                day, value = days.get(parts[date_at]) or checks.day(parts[date_at])
                for entry, exit_ in spans:
                    if entry <= day <= exit_:
                        break
                else:
                    raise _NotClean
                key = shape_of(parts)
                values = shapes.get(key) or checks.shape(key, present)
                if pg:  # pieces of the COPY text, joined once a chunk
                    add((head, value, values))
                else:
                    add((student, school, value, values))
                    if student < last:
                        in_order = False
                    last = student
                seen.add(student)
            if pg:
                out_to.write(b"".join(out))
                written += len(out) // 3
            else:
                out_to.write(out, in_order)
                written += len(out) // 4
        if not written:
            raise _NotClean  # no rows: nothing to take
    days_seen = [day for day, _ in checks.days.values()]
    return written, seen, min(days_seen), max(days_seen)
