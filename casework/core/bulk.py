"""Fast row inserts for bulk loads (the seed and the indicator recompute), and writing a large share of
a table without its indexes (`WithoutIndexes`, at the end).

`QuerySet.bulk_create` compiles every value of every row through the field machinery: measured here at
about 0.3 ms a row on SQLite, so the million rows of a district-scale seed would take many minutes
of CPU. The seed writes plain tuples instead, one prepared INSERT run with `executemany` on SQLite and
`COPY ... FROM STDIN` on PostgreSQL, with ids allocated up front so children can point at parents.
Any other database falls back to `bulk_create`.

Callers run inside one transaction that has already written (on SQLite that transaction holds the
write lock, so `MAX(id)` cannot move under it; on PostgreSQL ids come from the table's own sequence).
Like `bulk_create`, it bypasses services: callers fill derived fields themselves and write a summary
change record (the recompute's rows are derived data and need none).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection
from django.db.models import DateField, DateTimeField, Model


class BulkTable:
    """Inserts rows of one model given as tuples of `columns`; every other column gets its default."""

    def __init__(self, model: type[Model], columns: Sequence[str], *, now: datetime):
        self.model = model
        self.columns = list(columns)
        meta = model._meta
        self.table = meta.db_table
        concrete = list(meta.concrete_fields)
        given = set(self.columns)
        unknown = given - {f.attname for f in concrete}
        if unknown:
            raise ValueError(f"{model.__name__} has no column {', '.join(sorted(unknown))}")
        self.fixed: list[tuple[str, object]] = []  # (attname, value) for columns the caller does not give
        for f in concrete:
            if f.attname in given or f.primary_key:
                continue
            if isinstance(f, DateTimeField) and (f.auto_now or f.auto_now_add):
                self.fixed.append((f.attname, now))
            else:
                self.fixed.append((f.attname, f.get_default()))
        self.vendor = connection.vendor
        self.pk = meta.pk.attname
        self.date_positions: list[int] = []
        if self.vendor == "sqlite":
            # sqlite3 would adapt dates itself (deprecated); store them the way Django does.
            self.date_positions = [i for i, name in enumerate(self.columns)
                                   if isinstance(meta.get_field(name), DateField)
                                   and not isinstance(meta.get_field(name), DateTimeField)]
            self.fixed = [(name, self._adapt_fixed(name, value)) for name, value in self.fixed]
        self._next_id: int | None = None

    def _adapt_fixed(self, name: str, value):
        field = self.model._meta.get_field(name)
        return field.get_db_prep_save(value, connection)

    def _allocate(self, cursor, count: int) -> list[int]:
        if self.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [self.table, self.pk, count])
            return [row[0] for row in cursor.fetchall()]
        if self._next_id is None:
            quote = connection.ops.quote_name  # names from the model's meta, never from input
            cursor.execute(f"SELECT COALESCE(MAX({quote(self.pk)}), 0) FROM {quote(self.table)}")  # noqa: S608
            self._next_id = cursor.fetchone()[0] + 1
        start = self._next_id
        self._next_id += count
        return list(range(start, start + count))

    def insert(self, rows: list[tuple]) -> list[int]:
        """Insert `rows` (tuples in `columns` order); return their ids in the same order."""
        if not rows:
            return []
        if self.vendor not in ("sqlite", "postgresql"):
            return self._insert_orm(rows)
        names = [self.pk, *self.columns, *(name for name, _ in self.fixed)]
        fixed = tuple(value for _, value in self.fixed)
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            ids = self._allocate(cursor, len(rows))
            if self.date_positions:
                rows = [self._dates_as_text(row) for row in rows]
            full = [(pk, *row, *fixed) for pk, row in zip(ids, rows, strict=True)]
            column_sql = ", ".join(quote(n) for n in names)
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(self.table)} ({column_sql}) FROM STDIN") as copy:
                    for row in full:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(names))
                sql = f"INSERT INTO {quote(self.table)} ({column_sql}) VALUES ({placeholders})"  # noqa: S608
                cursor.executemany(sql, full)
        return ids

    def _dates_as_text(self, row: tuple) -> tuple:
        values = list(row)
        for i in self.date_positions:
            if values[i] is not None:
                values[i] = values[i].isoformat()
        return tuple(values)

    def _insert_orm(self, rows: list[tuple]) -> list[int]:
        fixed = dict(self.fixed)
        objs = [self.model(**fixed, **dict(zip(self.columns, row, strict=True))) for row in rows]
        self.model._default_manager.bulk_create(objs, batch_size=1000)
        return [o.pk for o in objs]


class WithoutIndexes:
    """Write a large share of a table without maintaining its secondary indexes row by row: drop them
    (on PostgreSQL also the unique keys, and the primary key when no foreign key points at it) on entry,
    build each once on a clean exit. The full indicator
    recompute and the large attendance load use it.

    Inside the caller's transaction. On PostgreSQL DROP INDEX takes the table's exclusive lock until the
    commit, so a reader waits for the write rather than seeing the table half-written or without
    indexes, and no other writer can slip a row in while the unique key is away. Never a foreign key:
    dropping one would lock the table it references (students, schools) against every page until the
    commit. On SQLite the other connections read the last committed state, with its indexes,
    throughout. An error rolls the drops back with everything else. SQLite's unique key is part of the
    table's definition (an automatic index) and always stays: a caller inserting in its order fills it
    at its end."""

    def __init__(self, cursor, table: str, *, work_mem: str = "256MB"):
        self.c, self.table, self.work_mem = cursor, table, work_mem
        self.pg = connection.vendor == "postgresql"
        self.constraints: list[tuple[str, str]] = []
        self.indexes: list[tuple[str, str]] = []

    def __enter__(self):
        c, q = self.c, connection.ops.quote_name
        if self.pg:
            # The primary key too, unless another table's foreign key needs it: its index costs a
            # load of millions of rows more to maintain row by row than to build after.
            c.execute("""SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint k
                         WHERE conrelid = %s::regclass AND (contype = 'u' OR contype = 'p' AND NOT EXISTS (
                           SELECT 1 FROM pg_constraint f WHERE f.confrelid = k.conrelid AND f.contype = 'f'))
                         ORDER BY contype, conname""", [q(self.table)])
            self.constraints = c.fetchall()
            c.execute("""SELECT i.indexname, i.indexdef FROM pg_indexes i
                         WHERE i.tablename = %s AND i.schemaname = current_schema() AND NOT EXISTS (
                           SELECT 1 FROM pg_constraint k WHERE k.conindid =
                             (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)""",
                      [self.table])
            self.indexes = c.fetchall()
            c.execute(f"SET LOCAL maintenance_work_mem = '{self.work_mem}'")
            # ALTER TABLE refuses a table with key checks deferred to the commit still pending (rows
            # this transaction wrote earlier): run them now, then defer again as Django's keys are.
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            c.execute("SET CONSTRAINTS ALL DEFERRED")
            for name, _definition in self.constraints:
                c.execute(f"ALTER TABLE {q(self.table)} DROP CONSTRAINT {q(name)}")
        else:
            c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                      "AND sql IS NOT NULL", [self.table])
            self.indexes = c.fetchall()
        for name, _sql in self.indexes:
            c.execute(f"DROP INDEX {q(name)}")
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            if self.pg:  # CREATE INDEX refuses a table with deferred key checks pending
                self.c.execute("SET CONSTRAINTS ALL IMMEDIATE")
                self.c.execute("SET CONSTRAINTS ALL DEFERRED")
            for _name, sql in self.indexes:
                self.c.execute(sql)
            for name, definition in self.constraints:
                self.c.execute(f"ALTER TABLE {connection.ops.quote_name(self.table)} ADD CONSTRAINT "
                               f"{connection.ops.quote_name(name)} {definition}")
        return False
