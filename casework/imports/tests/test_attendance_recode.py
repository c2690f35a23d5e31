"""A student's day in an attendance file replaces what was stored for that day at that school
(`attendance_bulk._replace`). The category is part of an event's key, so an absence the SIS recoded from
unexcused to excused (a doctor's note: COMAR 13A.08.01.03B) came in as a second record, and the unexcused
one kept deciding the day: the student stayed unlawfully absent, and truant, after the SIS cleared them."""

import datetime
from decimal import Decimal

import pytest

from casework.attendance.models import AttendanceEvent
from casework.audit.models import ChangeRecord
from casework.core.testing import factories as f
from casework.imports.models import ImportRun
from casework.indicators.models import StudentIndicator

from .test_csv_attendance import HEADER, run, write

D = datetime.date
FIRST = (HEADER
         + "100001,A100,2025-10-14,unexcused,,,,,\n"
         + "100001,A100,2025-10-15,unexcused,,,,,\n"
         + "100001,A100,2025-10-16,tardy,,200,,,\n"
         + "100001,A100,2025-10-16,early_departure,,,,,\n"
         + "200002,B200,2025-10-14,tardy,,300,,08:40,15:00\n")


def _stored():
    return sorted(AttendanceEvent.objects.values_list("student__district_id", "date", "category", "reason_code"))


@pytest.fixture
def first(world, tmp_path):
    for school in (world.school_a, world.school_b):
        f.session(school=school)
    r = run(write(tmp_path, FIRST, "day1.csv"))
    assert (r.status, r.created) == (ImportRun.Status.COMMITTED, 5)
    return world


def test_a_recoded_absence_replaces_the_stored_one(first, tmp_path):
    # The next extract: 10/14 is now excused for illness; 10/15 and 10/16 are not in it (unchanged days are
    # left alone), and student 200002's tardy is sent again as it was.
    r = run(write(tmp_path, HEADER + "100001,A100,2025-10-14,excused,B,,,,\n"
                  + "200002,B200,2025-10-14,tardy,,300,,08:40,15:00\n", "day2.csv"))
    assert (r.status, r.created, r.updated, r.unchanged) == (ImportRun.Status.COMMITTED, 1, 0, 1)
    assert _stored() == [
        ("100001", D(2025, 10, 14), "excused", "B"),
        ("100001", D(2025, 10, 15), "unexcused", None),
        ("100001", D(2025, 10, 16), "early_departure", None),
        ("100001", D(2025, 10, 16), "tardy", None),
        ("200002", D(2025, 10, 14), "tardy", None),
    ]
    assert ("1 stored attendance record(s) removed: the file gives that student's day at that school in other "
            "categories only") in r.message
    assert "1 created, 0 updated, 1 unchanged, 1 removed" in ChangeRecord.objects.filter(action="bulk").latest(
        "pk").summary
    # The import's recompute counts the student again: 10/15 unlawful (1) and half of 10/16 (in for 200
    # minutes by the tardy, with the early departure), not 10/14 any more: 1.5, not 2.5.
    row = StudentIndicator.objects.get(student__district_id="100001")
    assert row.days_unlawful == Decimal("1.5")


def test_a_day_sent_again_with_one_of_its_two_records_drops_the_other(first, tmp_path):
    # 10/16 was a late arrival and an early departure; the SIS now holds only the early departure.
    r = run(write(tmp_path, HEADER + "100001,A100,2025-10-16,early_departure,,,,,\n", "day3.csv"))
    assert (r.created, r.updated, r.unchanged) == (0, 0, 1)
    assert "Nothing changed" not in r.message and "1 stored attendance record(s) removed" in r.message
    assert ("100001", D(2025, 10, 16), "tardy", None) not in _stored()
    assert len(_stored()) == 4


def test_the_same_file_again_removes_nothing(first, tmp_path):
    r = run(write(tmp_path, FIRST, "again.csv"))
    assert (r.created, r.updated, r.unchanged) == (0, 0, 5)
    assert "Nothing changed" in r.message and "removed" not in r.message


def test_a_rejected_row_leaves_its_day_as_stored(first, tmp_path):
    # --partial: the recode of 10/14 is rejected (an unknown reason code), so 10/14 stays as stored.
    r = run(write(tmp_path, HEADER + "100001,A100,2025-10-14,excused,Q,,,,\n"
                  + "200002,B200,2025-10-14,tardy,,300,,08:40,15:00\n", "bad.csv"), partial=True)
    assert (r.status, r.rejected) == (ImportRun.Status.PARTIAL, 1)
    assert ("100001", D(2025, 10, 14), "unexcused", None) in _stored() and len(_stored()) == 5
