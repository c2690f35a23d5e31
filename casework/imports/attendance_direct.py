# ruff: noqa: S608 - statements are built from the model's own table and column names; values from files
# go through COPY.
"""PostgreSQL, first load of a school year from one plain CSV file: the rows go straight into the
attendance table by one `COPY`, each checked in Python as it streams (student and school known, the
date a date, enrolled there on it, category or mapped descriptor and values valid: `event_values` once
per distinct combination), instead of a staging table and a checking `INSERT ... SELECT` (which writes
row by row, where `COPY` writes in batches). A district's year goes in in about half the time.

It only ever takes the clean case and says nothing about a row: the first row that is not plainly good
(a failed check, padding around an id, a quote, a blank line, a row of another length), a duplicate key
(the unique key refuses it) or stored events in the file's dates undoes everything it wrote, and the
run goes down the staging path (attendance_bulk.py), which names every rejected row as before. A
table that already holds events of the file's school year (the nightly re-import) goes there at once.
"""

from __future__ import annotations

import itertools
import operator
import os
from collections.abc import Callable
from typing import Any

import psycopg
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from casework.attendance.models import AttendanceEvent
from casework.attendance.selectors import descriptor_resolver
from casework.indicators.inputs import school_year_bounds
from casework.schools.models import School
from casework.students.models import Enrollment, Student

from .attendance_values import INSERT_COLUMNS, SHAPE_COLUMNS, event_values
from .csvfile import CsvFile
from .parsing import RowError, parse_date

_BATCH = 20_000
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class _NotClean(Exception):
    """Something the staging path must look at: undo and hand the file over."""


def _text(value) -> str:
    """One value in COPY's text format."""
    return "\\N" if value is None else str(value).translate(_ESCAPES)


class _Checks:
    """What a row is checked against, read once: ids as the file's bytes, enrolments per pair."""

    def __init__(self, f: CsvFile, year: tuple):
        codec = "utf-8" if f.encoding.startswith("utf-8") else f.encoding
        self.codec = codec
        self.students = self._by_bytes(Student.objects.values_list("district_id", "pk"), codec)
        self.schools = self._by_bytes(School.objects.values_list("code", "pk"), codec)
        self.spans: dict[tuple[int, int], list] = {}
        for student, school, entry, exit_ in (Enrollment.objects.filter(entry_date__lte=year[1])
                                              .exclude(exit_date__lt=year[0])
                                              .values_list("student_id", "school_id", "entry_date", "exit_date")):
            self.spans.setdefault((student, school), []).append((entry, exit_))
        self.days: dict[bytes, tuple] = {}
        self.shapes: dict[tuple, bytes] = {}
        self.resolve = descriptor_resolver()

    @staticmethod
    def _by_bytes(pairs, codec: str) -> dict[bytes, int]:
        out = {}
        for key, pk in pairs:
            try:
                out[key.encode(codec)] = pk
            except UnicodeEncodeError:  # an id the file's encoding cannot spell cannot be in the file
                continue
        return out

    def day(self, raw: bytes):
        found = self.days.get(raw)
        if found is None:
            try:
                day = parse_date({"date": raw.decode(self.codec).strip()}, "date")
            except (RowError, UnicodeDecodeError):
                raise _NotClean from None
            found = self.days[raw] = (day, day.isoformat().encode())
        return found

    def shape(self, key: tuple, present: tuple[str, ...]) -> bytes:
        """The row's value columns in COPY text, category to descriptor."""
        found = self.shapes.get(key)
        if found is None:
            try:
                row = {col: raw.decode(self.codec).strip() for col, raw in zip(present, key, strict=True)}
                category, values = event_values(row, self.resolve)
            except (RowError, UnicodeDecodeError):
                raise _NotClean from None
            fields = (category, values.get("reason_code"), values.get("reason_text", ""), values.get("minutes_present"),
                      values.get("minutes_scheduled"), values.get("event_duration"), values.get("arrival_time"),
                      values.get("departure_time"), values.get("descriptor", ""))
            found = self.shapes[key] = "\t".join(map(_text, fields)).encode()
        return found


def load_direct(f: CsvFile, *, run_pk: int, without_indexes: Callable[[Any, bool], object],
                report: Callable[[int, int], None] | None):
    """(rows written, their students) when the whole file went in clean; None (nothing written) when
    the staging path must take it."""
    header = f.columns
    if any(c not in (*SHAPE_COLUMNS, "student_id", "school_id", "date") for c in header):
        return None  # unknown columns: the staging path keeps them for its blank-row test
    with open(f.path, "rb") as raw:
        raw.readline()
        first = raw.readline()
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
        with transaction.atomic(), connection.cursor() as c, without_indexes(c, rebuild):
            written, students, first_day, last_day = _stream(c, f, checks, header, run_pk, size, report)
            if not stored:  # the table held nothing else
                return written, students
            c.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE date BETWEEN %s AND %s AND "
                      "import_run_id IS DISTINCT FROM %s)", [first_day, last_day, run_pk])
            if c.fetchone()[0]:
                raise _NotClean  # another year's stored events fall in the file's dates
    except (_NotClean, IntegrityError, psycopg.IntegrityError, psycopg.DataError):
        return None
    return written, students


def _stream(c, f: CsvFile, checks: _Checks, header: list[str], run_pk: int, size: int, report):
    student_at, school_at, date_at = (header.index(k) for k in ("student_id", "school_id", "date"))
    present = tuple(col for col in header if col in SHAPE_COLUMNS)
    picks = [header.index(col) for col in present]
    shape_of = operator.itemgetter(*picks) if len(picks) > 1 else (lambda p: (p[picks[0]],))
    width = len(header)
    now = timezone.now().isoformat()
    tail = f"\t{run_pk}\t{now}\t{now}\t1\n".encode()
    students, schools, spans = checks.students, checks.schools, checks.spans
    seen: set[int] = set()
    written = 0
    with open(f.path, "rb") as raw, c.cursor.copy(f"COPY {connection.ops.quote_name(AttendanceEvent._meta.db_table)} "
                                                  f"({', '.join(INSERT_COLUMNS)}) FROM STDIN") as copy:
        raw.readline()
        while batch := list(itertools.islice(raw, _BATCH)):
            out = []
            for line in batch:
                line = line[:-2] if line.endswith(b"\r\n") else line.rstrip(b"\n")
                if b'"' in line or b"\r" in line:  # quoting, or a bare CR (a line break to the csv module)
                    raise _NotClean
                parts = line.split(b",")
                if len(parts) != width:
                    raise _NotClean
                student = students.get(parts[student_at])
                school = schools.get(parts[school_at])
                if student is None or school is None:
                    raise _NotClean
                day, iso = checks.day(parts[date_at])
                if not any(entry <= day and (exit_ is None or day <= exit_)
                           for entry, exit_ in spans.get((student, school), ())):
                    raise _NotClean
                values = checks.shape(shape_of(parts), present)
                out.append(b"%d\t%d\t%s\t%s%s" % (student, school, iso, values, tail))
                seen.add(student)
            copy.write(b"".join(out))
            written += len(out)
            if report:
                report(raw.tell(), size)
    if not written:
        raise _NotClean  # no rows: nothing to take
    days = [day for day, _ in checks.days.values()]
    return written, seen, min(days), max(days)
