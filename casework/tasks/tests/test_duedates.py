import datetime

import pytest

from casework.core.testing import factories as f
from casework.tasks.duedates import NO_CALENDAR, DueDateError, due_in_school_days, school_of

D = datetime.date


def test_holidays_and_the_weekend_are_skipped(calendar_a, case_a):
    # Tue 11/25 + 3 school days: Wed 11/26 (1); Thu/Fri holidays; Sat/Sun; Mon 12/1 (2); Tue 12/2 (3).
    assert due_in_school_days(case_a, 3, start=D(2025, 11, 25)) == D(2025, 12, 2)
    # Friday 10/3 + 1: the weekend is skipped, Monday 10/6.
    assert due_in_school_days(case_a, 1, start=D(2025, 10, 3)) == D(2025, 10, 6)
    # 10 school days from Wed 11/19: 20, 21, 24, 25, 26, 12/1, 2, 3, 4, 5.
    assert due_in_school_days(case_a, 10, start=D(2025, 11, 19)) == D(2025, 12, 5)
    assert due_in_school_days(case_a, 0, start=D(2025, 11, 27)) == D(2025, 11, 27)


def test_defaults_to_today(calendar_a, case_a, frozen_today):
    assert due_in_school_days(case_a, 1) == D(2025, 11, 26)
    assert due_in_school_days(case_a, 2) == D(2025, 12, 1)


def test_no_calendar_is_a_clear_message(world, case_b):
    with pytest.raises(DueDateError) as exc:
        due_in_school_days(case_b, 5, start=D(2025, 11, 25))
    assert str(exc.value) == NO_CALENDAR == "This school's calendar is not loaded; give a date."


def test_school_is_the_open_enrollment_in_the_users_scope(world, calendar_a):
    # Enrolled at B (primary, newer) and at A: the PPW of A counts on A's calendar, others on B's.
    student = f.student(school=world.school_b, entry_date=D(2025, 9, 1))
    f.enrollment(student=student, school=world.school_a, entry_date=D(2025, 8, 25))
    case = f.case(student=student)
    assert school_of(case, world.user("ppw")) == world.school_a
    assert school_of(case, world.user("director")).pk in {world.school_a.pk, world.school_b.pk}
    assert due_in_school_days(case, 3, start=D(2025, 11, 25), user=world.user("ppw")) == D(2025, 12, 2)


def test_a_withdrawn_student_counts_on_the_last_school(world, calendar_a):
    student = f.student(school=world.school_a, entry_date=D(2025, 8, 25), exit_date=D(2025, 10, 31))
    case = f.case(student=student)
    assert school_of(case) == world.school_a
