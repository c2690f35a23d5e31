"""A hand-built district for the summaries: two schools, five students, September 2025.

Both schools list every weekday 9/1-9/26 (20 days) as instructional; Q1 = 9/1-9/12, Q2 = 9/15-9/26.
As of 9/26, by hand (10 days enrolled are needed to be counted):
  S1 L100 grade 05: excused 9/2 and 9/3 (reason B), unlawful 9/4: absent 3/20 = 15% -> chronic,
     moderate band; unlawful 1 of 10 in Q1 -> not habitual. Rate 0.85.
  S2 L100 grade 05: never absent -> satisfactory. Rate 1.0.
  S3 L100 grade 04: unlawful 9/2-9/12 (9 days) -> 45% absent: chronic, severe; Q1 9 of 10 unlawful:
     habitual, and more than 8 in a quarter: 7-302.2 truant. Rate 0.55.
  S4 M200 grade 07: excused 9/2 (reason B): 1/20 = 5% -> at risk. Rate 0.95.
  S5 M200 grade 07: enters 9/22 (5 days), unlawful 9/23 and 9/24: habitual in Q2, but not counted.
"""

from datetime import date, timedelta

import pytest

from casework.calendars.services import grading_period_create
from casework.core.testing import factories as f

D = date
AS_OF = D(2025, 9, 26)


def weekdays(start, end):
    days = (start + timedelta(days=i) for i in range((end - start).days + 1))
    return [d for d in days if d.weekday() < 5]


def school(code, level):
    s = f.school(code=code, name=f"School {code}", level=level)
    f.session(school=s, begin=D(2025, 9, 1), end=D(2025, 9, 30), calendar_source="dates_listed",
              total_instructional_days=20)
    f.calendar_dates(school=s, days=dict.fromkeys(weekdays(D(2025, 9, 1), D(2025, 9, 26)), "instructional"))
    for seq, (begin, end) in enumerate(((D(2025, 9, 1), D(2025, 9, 12)), (D(2025, 9, 15), D(2025, 9, 26))), 1):
        grading_period_create(actor=None, school=s, school_year=2026, kind="quarter", sequence=seq, name=f"Q{seq}",
                              begin=begin, end=end)
    return s


@pytest.fixture
def small_district(db):
    lsch, msch = school("L100", "elementary"), school("M200", "middle")
    ev = f.attendance_event
    s1 = f.student(school=lsch, entry_date=D(2025, 9, 1), grade="05")
    ev(student=s1, school=lsch, date=D(2025, 9, 2), category="excused", reason_code="B")
    ev(student=s1, school=lsch, date=D(2025, 9, 3), category="excused", reason_code="B")
    ev(student=s1, school=lsch, date=D(2025, 9, 4), category="unexcused")
    s2 = f.student(school=lsch, entry_date=D(2025, 9, 1), grade="05")
    s3 = f.student(school=lsch, entry_date=D(2025, 9, 1), grade="04")
    for day in weekdays(D(2025, 9, 2), D(2025, 9, 12)):
        ev(student=s3, school=lsch, date=day, category="unexcused")
    s4 = f.student(school=msch, entry_date=D(2025, 9, 1), grade="07")
    ev(student=s4, school=msch, date=D(2025, 9, 2), category="excused", reason_code="B")
    s5 = f.student(school=msch, entry_date=D(2025, 9, 22), grade="07")
    ev(student=s5, school=msch, date=D(2025, 9, 23), category="unexcused")
    ev(student=s5, school=msch, date=D(2025, 9, 24), category="unexcused")
    return {"L100": lsch, "M200": msch, "students": [s1, s2, s3, s4, s5]}
