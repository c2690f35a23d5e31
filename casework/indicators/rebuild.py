"""A full recompute replaces the whole snapshot table: write it without its secondary indexes (and on
PostgreSQL without its unique key) and build them once at the end, instead of maintaining seven indexes
for each of 160,000 rows.

Inside the recompute's transaction. On PostgreSQL DROP INDEX takes the table's exclusive lock until the
commit: a reader of the snapshot waits for the recompute's write (a few seconds) rather than seeing it
half-written or without indexes. The snapshot has no database foreign keys (models.StudentIndicator says
why), so nothing here touches the students or schools tables; were a key added, KINDS leaves it alone,
because dropping one would lock the table it references until the commit. On SQLite the other
connections read the last committed snapshot, with its indexes, throughout. An error rolls the drops
back with everything else."""

from __future__ import annotations

from django.db import connection


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


class WithoutIndexes:
    # PostgreSQL constraints dropped and added back: the unique key only, never a foreign key (above).
    KINDS = ("u",)

    def __init__(self, cursor, table: str):
        self.c, self.table, self.pg = cursor, table, connection.vendor == "postgresql"
        self.constraints: list[tuple[str, str]] = []
        self.indexes: list[tuple[str, str]] = []

    def __enter__(self):
        c = self.c
        if self.pg:
            # Unique key and foreign keys (not the primary key); the unique key first when added back:
            # it is the index the table's reads use.
            c.execute("""SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                         WHERE conrelid = %s::regclass AND contype = ANY(%s) ORDER BY contype DESC, conname""",
                      [_q(self.table), list(self.KINDS)])
            self.constraints = c.fetchall()
            c.execute("""SELECT i.indexname, i.indexdef FROM pg_indexes i
                         WHERE i.tablename = %s AND i.schemaname = current_schema() AND NOT EXISTS (
                           SELECT 1 FROM pg_constraint k WHERE k.conindid =
                             (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)""",
                      [self.table])
            self.indexes = c.fetchall()
            c.execute("SET LOCAL maintenance_work_mem = '256MB'")
            # ALTER TABLE refuses a table with key checks deferred to the commit still pending (rows
            # this transaction wrote earlier): run them now, then defer again as Django's keys are.
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            c.execute("SET CONSTRAINTS ALL DEFERRED")
            for name, _definition in self.constraints:
                c.execute(f"ALTER TABLE {_q(self.table)} DROP CONSTRAINT {_q(name)}")
        else:  # the unique key is part of SQLite's table definition (an automatic index, no SQL)
            c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                      "AND sql IS NOT NULL", [self.table])
            self.indexes = c.fetchall()
        for name, _sql in self.indexes:
            c.execute(f"DROP INDEX {_q(name)}")
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            if self.pg:  # CREATE INDEX refuses a table with deferred checks pending (keys not dropped)
                self.c.execute("SET CONSTRAINTS ALL IMMEDIATE")
                self.c.execute("SET CONSTRAINTS ALL DEFERRED")
            for _name, sql in self.indexes:
                self.c.execute(sql)
            for name, definition in self.constraints:
                self.c.execute(f"ALTER TABLE {_q(self.table)} ADD CONSTRAINT {_q(name)} {definition}")
        return False
