"""WriterPacing: the pauses that let a waiting sign-in write between a long job's transactions."""

from unittest import mock

from django.db import connection

from casework.core.pacing import WriterPacing


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_pauses_once_per_stretch_of_work_on_sqlite_outside_a_transaction():
    clock = FakeClock()
    pacing = WriterPacing(each=0.005, work=0.5, pause=0.15, clock=clock, sleep=clock.sleep)
    with mock.patch.object(connection, "vendor", "sqlite"), mock.patch.object(connection, "in_atomic_block", False):
        for _ in range(12):  # twelve transactions of 0.1 s
            clock.now += 0.1
            pacing.breathe()
    # 5 ms after each transaction; after the 5th (0.5 s since the start) and the 10th (0.1 + 4 x 0.105 =
    # 0.52 s since the long pause ended) one pause longer than a busy handler's 100 ms poll instead.
    assert clock.slept == [0.005] * 4 + [0.15] + [0.005] * 4 + [0.15] + [0.005] * 2
    assert pacing.pauses == 2


def test_never_pauses_inside_a_transaction_or_on_postgresql():
    clock = FakeClock()
    pacing = WriterPacing(each=0.005, work=0.5, pause=0.15, clock=clock, sleep=clock.sleep)
    with mock.patch.object(connection, "vendor", "sqlite"), mock.patch.object(connection, "in_atomic_block", True):
        clock.now += 5
        pacing.breathe()
    with mock.patch.object(connection, "vendor", "postgresql"), \
            mock.patch.object(connection, "in_atomic_block", False):
        clock.now += 5
        pacing.breathe()
    assert clock.slept == []
