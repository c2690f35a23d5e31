"""A last day with far fewer attendance records than usual: every student without one counts present on
it, so the recompute warns (`services.thin_last_day`)."""

from __future__ import annotations

import datetime

import pytest

from casework.core.testing import factories as f
from casework.indicators.services import thin_last_day

pytestmark = pytest.mark.django_db
D = datetime.date
USUAL_DAYS = [D(2025, 9, 1), D(2025, 9, 2), D(2025, 9, 3), D(2025, 9, 4), D(2025, 9, 5), D(2025, 9, 8)]
LAST = D(2025, 9, 9)


@pytest.fixture
def twenty():
    school = f.school(code="T100")
    pupils = [f.student(school=school, entry_date=D(2025, 9, 1), district_id=f"7000{i:02d}") for i in range(20)]
    for day in USUAL_DAYS:  # 20 records a day: the median of the days before is 20
        for pupil in pupils:
            f.attendance_event(student=pupil, school=school, date=day, category="tardy")
    return school, pupils


@pytest.mark.parametrize(("on_last_day", "warned"), [(1, True), (2, False), (20, False)])
def test_a_last_day_under_a_tenth_of_the_usual_is_named(twenty, on_last_day, warned):
    school, pupils = twenty
    for pupil in pupils[:on_last_day]:
        f.attendance_event(student=pupil, school=school, date=LAST, category="unexcused")
    text = thin_last_day(LAST)
    assert bool(text) is warned  # 1 x 10 < 20 warns; 2 x 10 = 20 does not
    if warned:
        assert text.startswith("Check the attendance for 09/09/2025: it has 1 record(s), against about 20 on a "
                               "usual day of the four weeks before.")


def test_too_little_history_says_nothing(twenty):
    assert thin_last_day(D(2025, 9, 5)) == ""  # only four days before it


def test_a_day_without_any_record_is_a_day_off_not_a_thin_one(twenty):
    assert thin_last_day(D(2025, 9, 13)) == ""  # a Saturday given as the as-of date
