"""Long loops of short write transactions on SQLite leave gaps for everyone else's writes.

SQLite lets one writer in at a time and keeps no queue: a writer that finds the database locked polls
(its busy handler sleeps up to 100 ms between looks). A job that commits one small transaction after
another, like the daily ladder evaluation opening cases, takes the lock back within microseconds, so a
sign-in waiting for it polls into a held lock again and again: measured on the demo, sign-ins took 4 to
11 s while the evaluation ran, against 0.5 s after. `WriterPacing.breathe()`, called between the
loop's transactions, leaves the lock free for a few milliseconds each time (a waiter polls every 1 to
25 ms in its first 100 ms, so one that just arrived gets in), and now and then for longer than one
100 ms poll (so one that has waited longer gets in too). PostgreSQL locks rows, not the database:
there it does nothing.
"""

from __future__ import annotations

import time

from django.db import connection


class WriterPacing:
    """On SQLite, outside a transaction: pause `each` seconds at every call, and `pause` seconds once
    `work` seconds of the loop have gone by since the last such pause."""

    def __init__(self, *, each: float = 0.005, work: float = 1.0, pause: float = 0.12, clock=time.monotonic,
                 sleep=time.sleep):
        self.each, self.work, self.pause, self._clock, self._sleep = each, work, pause, clock, sleep
        self._since = clock()
        self.pauses = 0

    def breathe(self) -> None:
        if connection.vendor != "sqlite" or connection.in_atomic_block:
            return  # a pause inside a transaction would only hold the lock longer
        if self._clock() - self._since >= self.work:
            self._sleep(self.pause)
            self.pauses += 1
            self._since = self._clock()
        elif self.each:
            self._sleep(self.each)
