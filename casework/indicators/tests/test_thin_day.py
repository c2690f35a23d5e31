"""A last day with far fewer attendance records than usual: every student without one counts present on
it, so the recompute warns (`thinday.thin_last_day`): for the district, and for one school whose file is
missing among many."""

from __future__ import annotations

import datetime

import pytest

from casework.core.testing import factories as f
from casework.indicators.thinday import thin_last_day
from casework.students.models import Student

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


@pytest.fixture
def two_schools(twenty):
    """T100 as above, and T200 with twelve records a usual day; both have classes Monday to Friday."""
    t100, _ = twenty
    t200 = f.school(code="T200")
    pupils = [f.student(school=t200, entry_date=D(2025, 9, 1), district_id=f"7100{i:02d}") for i in range(12)]
    for day in USUAL_DAYS:
        for pupil in pupils:
            f.attendance_event(student=pupil, school=t200, date=day, category="tardy")
    for school in (t100, t200):
        f.session(school=school)  # begin and end dates only: every weekday has classes
    return t100, t200, pupils


def test_one_school_missing_among_many_is_named(two_schools):
    t100, t200, pupils = two_schools
    for pupil in Student.objects.filter(enrollments__school=t100):
        f.attendance_event(student=pupil, school=t100, date=LAST, category="tardy")
    f.attendance_event(student=pupils[0], school=t200, date=LAST, category="unexcused")
    # The district: 21 records against a usual 32, more than a tenth. T200: 1 x 10 < 12 warns; T100 is whole.
    assert thin_last_day(LAST) == (
        "Check the attendance for 09/09/2025 at 1 school(s) that have classes that day but far fewer records than "
        "on a usual day of the four weeks before (T200: 1 record(s), about 12 usually). Absences come as "
        "exceptions, so every student without a record that day counts as present: if the SIS file held only "
        "some students or schools, import the full extract, or recompute as of the day before.")


def test_a_school_with_no_record_at_all_that_day_is_named(two_schools):
    t100, t200, _ = two_schools
    for pupil in Student.objects.filter(enrollments__school=t100):
        f.attendance_event(student=pupil, school=t100, date=LAST, category="tardy")
    assert "(T200: 0 record(s), about 12 usually)" in thin_last_day(LAST)


def test_a_school_closed_that_day_is_not_named(two_schools):
    t100, t200, _ = two_schools
    for pupil in Student.objects.filter(enrollments__school=t100):
        f.attendance_event(student=pupil, school=t100, date=LAST, category="tardy")
    f.calendar_dates(school=t200, days={LAST: "holiday"})  # a closure at T200 only
    assert thin_last_day(LAST) == ""


def test_a_small_school_is_not_judged_on_one_day(twenty):
    t100, _ = twenty
    small = f.school(code="T300")
    pupils = [f.student(school=small, entry_date=D(2025, 9, 1), district_id=f"7200{i:02d}") for i in range(9)]
    for day in USUAL_DAYS:  # nine records a usual day: below the ten a school needs to be judged
        for pupil in pupils:
            f.attendance_event(student=pupil, school=small, date=day, category="tardy")
    for pupil in Student.objects.filter(enrollments__school=t100):
        f.attendance_event(student=pupil, school=t100, date=LAST, category="tardy")
    f.session(school=small)
    assert thin_last_day(LAST) == ""


def test_a_saturday_make_up_day_at_one_school_is_judged_by_that_school(two_schools):
    _, t200, pupils = two_schools
    saturday = D(2025, 9, 13)
    f.calendar_dates(school=t200, days={saturday: "make_up"})
    for pupil in pupils[:2]:
        f.attendance_event(student=pupil, school=t200, date=saturday, category="unexcused")
    # Only T200 has classes: 2 x 10 = 20 against its usual 12 is a whole day. Counted against both schools'
    # usual 32 it read as thin.
    assert thin_last_day(saturday) == ""
    f.calendar_dates(school=t200, days={saturday: "holiday"})  # no school in session: judged as before
    assert thin_last_day(saturday).startswith("Check the attendance for 09/13/2025: it has 2 record(s), against "
                                              "about 32 on a usual day")
