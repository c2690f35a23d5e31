"""The calendar service, with days counted by hand on a 2025-26 wall calendar.

November 2025 starts on a Saturday; Thanksgiving is Thursday 11/27. January 2026: Thursday 1/15,
Friday 1/16, Monday 1/19 is Martin Luther King Jr. Day, Tuesday 1/20. June 12, 2026 is a Friday."""

from __future__ import annotations

import datetime

import pytest

from casework.calendars import schooldays as sd
from casework.core.testing import factories as f

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def periods_school():
    """A school whose SIS sent only a year-long session with begin/end, plus its holidays."""
    school = f.school()
    f.session(school=school, begin=D(2025, 8, 25), end=D(2026, 6, 12), calendar_source="periods_with_counts")
    f.calendar_dates(school=school, days={D(2025, 11, 27): "holiday", D(2025, 11, 28): "holiday",
                                          D(2026, 1, 19): "holiday", D(2026, 1, 31): "make_up"})
    return school


@pytest.fixture
def listed_school():
    """A school whose SIS listed every date. Unlisted weekdays are not school days."""
    school = f.school()
    f.session(school=school, begin=D(2025, 8, 25), end=D(2026, 6, 12), calendar_source="dates_listed")
    f.calendar_dates(school=school, days={D(2025, 11, 3): "instructional", D(2025, 11, 4): "instructional",
                                          D(2025, 11, 5): "short_day", D(2025, 11, 6): "teacher_only",
                                          D(2025, 11, 7): "instructional"})
    return school


# --- instructional_days -------------------------------------------------------------------------------


def test_periods_calendar_counts_weekdays_minus_holidays(periods_school):
    days = sd.instructional_days(periods_school, D(2025, 11, 3), D(2025, 11, 30))
    # 4 weeks of weekdays (11/3-11/28) = 20, minus Thanksgiving Thursday and Friday = 18.
    assert len(days) == 18
    assert days[0] == D(2025, 11, 3)
    assert days[-1] == D(2025, 11, 26)
    assert D(2025, 11, 27) not in days and D(2025, 11, 8) not in days  # holiday, Saturday
    assert days.method == "periods_with_counts"
    assert days.notes == ()


def test_listed_calendar_counts_only_listed_instructional_dates(listed_school):
    days = sd.instructional_days(listed_school, D(2025, 11, 1), D(2025, 11, 14))
    # 11/3, 11/4, 11/5 (a short day still counts), not the teacher-only 11/6, 11/7; 11/10-14 are not listed.
    assert days == [D(2025, 11, 3), D(2025, 11, 4), D(2025, 11, 5), D(2025, 11, 7)]
    assert days.method == "dates_listed"


def test_saturday_make_up_day_counts_on_a_periods_calendar(periods_school):
    days = sd.instructional_days(periods_school, D(2026, 1, 26), D(2026, 2, 1))
    # Monday 1/26 - Friday 1/30 and the make-up Saturday 1/31; not Sunday 2/1.
    assert days == [D(2026, 1, 26), D(2026, 1, 27), D(2026, 1, 28), D(2026, 1, 29), D(2026, 1, 30),
                    D(2026, 1, 31)]


def test_days_outside_every_session_are_not_school_days(periods_school):
    days = sd.instructional_days(periods_school, D(2026, 6, 10), D(2026, 6, 19))
    assert days == [D(2026, 6, 10), D(2026, 6, 11), D(2026, 6, 12)]  # the session ends Friday 6/12


def test_school_without_a_calendar_has_no_days_and_says_so():
    days = sd.instructional_days(f.school(), D(2025, 9, 1), D(2025, 9, 30))
    assert days == []
    assert days.method == "none"


def test_mixed_calendar_reports_both_methods():
    school = f.school()
    f.session(school=school, name="Fall", begin=D(2025, 9, 1), end=D(2025, 9, 5), calendar_source="periods_with_counts")
    f.session(school=school, name="Spring", begin=D(2025, 9, 8), end=D(2025, 9, 12), calendar_source="dates_listed")
    f.calendar_dates(school=school, days={D(2025, 9, 1): "holiday", D(2025, 9, 9): "instructional"})
    days = sd.instructional_days(school, D(2025, 9, 1), D(2025, 9, 12))
    # Labor Day 9/1 off, 9/2-9/5 weekdays; in the listed session only 9/9.
    assert days == [D(2025, 9, 2), D(2025, 9, 3), D(2025, 9, 4), D(2025, 9, 5), D(2025, 9, 9)]
    assert days.method == "mixed"


def test_declared_day_count_that_disagrees_is_noted():
    school = f.school()
    s = f.session(school=school, begin=D(2025, 11, 3), end=D(2025, 11, 28), total_instructional_days=20)
    f.calendar_dates(school=school, days={D(2025, 11, 27): "holiday", D(2025, 11, 28): "holiday"})
    days = sd.instructional_days(school, D(2025, 11, 1), D(2025, 11, 30))
    assert len(days) == 18
    assert days.notes == (f"Session {s.name} (2025-11-03 to 2025-11-28) declares 20 instructional days; "
                          "its weekdays minus listed days off give 18.",)


def test_declared_count_is_not_compared_for_a_partial_range():
    school = f.school()
    f.session(school=school, begin=D(2025, 11, 3), end=D(2025, 11, 28), total_instructional_days=20)
    assert sd.instructional_days(school, D(2025, 11, 10), D(2025, 11, 14)).notes == ()


def test_end_before_start_is_an_empty_range(periods_school):
    assert sd.instructional_days(periods_school, D(2025, 11, 10), D(2025, 11, 9)) == []


def test_one_query_per_call_however_long_the_range(periods_school, django_assert_num_queries):
    with django_assert_num_queries(1):
        days = sd.instructional_days(periods_school, D(2025, 8, 1), D(2026, 7, 31))
    # 2025-08-25..2026-06-12 has 210 weekdays; minus 3 holidays, plus the make-up Saturday = 208.
    assert len(days) == 208


def test_many_schools_in_one_query(periods_school, listed_school, django_assert_num_queries):
    with django_assert_num_queries(1):
        by_school = sd.instructional_days_by_school([periods_school.pk, listed_school.pk],
                                                    D(2025, 11, 3), D(2025, 11, 7))
    assert len(by_school[periods_school.pk]) == 5
    assert len(by_school[listed_school.pk]) == 4
    assert by_school[listed_school.pk].method == "dates_listed"


def test_school_days_between_counts_both_ends(periods_school):
    assert sd.school_days_between(periods_school, D(2025, 11, 24), D(2025, 11, 30)) == 3  # Thanksgiving week
    assert sd.school_days_between(periods_school, D(2025, 11, 24), D(2025, 11, 24)) == 1
    assert sd.school_days_between(periods_school, D(2025, 11, 29), D(2025, 11, 30)) == 0
    assert sd.is_school_day(periods_school, D(2025, 11, 26))
    assert not sd.is_school_day(periods_school, D(2025, 11, 27))


# --- add_school_days ----------------------------------------------------------------------------------


def test_add_school_days_across_a_weekend_and_a_holiday(periods_school, django_assert_num_queries):
    # Thursday 1/15 + 3: Fri 1/16 (1), [weekend, MLK Monday], Tue 1/20 (2), Wed 1/21 (3).
    with django_assert_num_queries(1):
        assert sd.add_school_days(periods_school, D(2026, 1, 15), 3) == D(2026, 1, 21)


def test_add_school_days_backwards(periods_school):
    # Wednesday 1/21 - 3: Tue 1/20 (1), Fri 1/16 (2), Thu 1/15 (3).
    assert sd.add_school_days(periods_school, D(2026, 1, 21), -3) == D(2026, 1, 15)


def test_add_school_days_from_a_day_off(periods_school):
    assert sd.add_school_days(periods_school, D(2026, 1, 17), 1) == D(2026, 1, 20)  # Saturday -> Tuesday
    assert sd.add_school_days(periods_school, D(2026, 1, 17), 0) == D(2026, 1, 17)


def test_add_school_days_across_a_long_break(periods_school):
    # 150 school days from the first day: more than the first window holds, so the search widens.
    first = D(2025, 8, 25)
    expected = sd.instructional_days(periods_school, D(2025, 8, 26), D(2026, 6, 12))[149]
    assert sd.add_school_days(periods_school, first, 150) == expected


def test_add_school_days_past_the_calendar_is_refused_clearly(periods_school):
    with pytest.raises(sd.CalendarError) as info:
        sd.add_school_days(periods_school, D(2026, 6, 1), 20)
    assert str(info.value) == (f"School {periods_school.pk} has fewer than 20 school days in the three years "
                               "after 2026-06-01; is its calendar imported?")


def test_grading_periods_with_day_counts_stand_in_for_missing_sessions(django_assert_num_queries):
    """A SIS that sent only grading periods (begin, end, TotalInstructionalDays) and its holidays: their
    weekdays count, as a session's would; days outside them and a period without a count do not."""
    from casework.calendars.services import grading_period_create

    school = f.school()
    grading_period_create(actor=None, school=school, school_year=2026, kind="quarter", sequence=1, name="Q1",
                          begin=D(2025, 9, 1), end=D(2025, 9, 12), total_instructional_days=9)
    grading_period_create(actor=None, school=school, school_year=2026, kind="quarter", sequence=2, name="Q2",
                          begin=D(2025, 9, 15), end=D(2025, 9, 19))  # no count: not a calendar
    f.calendar_dates(school=school, days={D(2025, 9, 1): "holiday"})
    with django_assert_num_queries(1):
        days = sd.instructional_days(school, D(2025, 8, 25), D(2025, 9, 30))
    # Weekdays 9/1-9/12 = 10, minus the Labor Day holiday = 9 (the period's own count).
    assert days == [D(2025, 9, d) for d in (2, 3, 4, 5, 8, 9, 10, 11, 12)]
    assert days.method == "periods_with_counts"
    # Once a school day is listed inside the period, only listed days count there (as for a session).
    f.calendar_dates(school=school, days={D(2025, 9, 2): "instructional"})
    listed = sd.instructional_days(school, D(2025, 8, 25), D(2025, 9, 30))
    assert listed == [D(2025, 9, 2)] and listed.method == "dates_listed"
    # Decided over the period's whole span, not the range asked for: the week after 9/2 has no school day.
    week = sd.instructional_days(school, D(2025, 9, 8), D(2025, 9, 12))
    assert week == [] and week.method == "dates_listed"
