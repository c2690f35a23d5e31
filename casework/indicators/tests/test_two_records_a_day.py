"""A day a student attended with several records (a late arrival and an early departure): the minutes
present are what all of them give together (`inputs._minutes_together`, `setbased._multi`), not the one
record a fixed category order picks. Before, the early departure without minutes (a full day) decided, and
a student in from 10:30 to 12:00 counted present all day.

One student, one school, the weekdays 9/1-9/12/2025 (10 days); every value counted by hand. Maryland: full
day at 240 minutes, half a day at 120 to 239, whole minutes. No reason is lawful here except where given."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from casework.core.testing import factories as f
from casework.indicators.inputs import indicators_as_of
from casework.indicators.models import YEAR_TO_DATE, StudentIndicator
from casework.indicators.services import indicators_recompute

from .test_indicators import ten_school_days

D, T = datetime.date, datetime.time
pytestmark = pytest.mark.django_db
AS_OF = D(2025, 9, 12)

# date: [(category, reason, fields)] -> absent, unlawful (days)
EVENTS = {
    # In at 10:30 (tardy), out at 12:00 (early departure): 90 minutes, under 2 h: absent all day, unlawful.
    D(2025, 9, 2): [("tardy", "", {"arrival_time": T(10, 30)}),
                    ("early_departure", "", {"departure_time": T(12, 0)})],  # 1, 1
    # The tardy says 150 minutes present, the early departure gives none: at most 150, half a day.
    D(2025, 9, 3): [("tardy", "", {"minutes_present": 150}), ("early_departure", "", {})],  # 0.5, 0.5
    # In at 08:30, out at 13:00: 270 minutes, a full day present.
    D(2025, 9, 4): [("tardy", "", {"arrival_time": T(8, 30)}),
                    ("early_departure", "", {"departure_time": T(13, 0)})],  # 0, 0
    # Neither gives minutes or times: a full day present, as one record would be.
    D(2025, 9, 5): [("tardy", "", {}), ("early_departure", "", {})],  # 0, 0
    # The early departure's 200 minutes against the tardy's 300: 200, half a day; illness (B) on the early
    # departure (the record that decides the day's category) makes it lawful.
    D(2025, 9, 8): [("tardy", "", {"minutes_present": 300}),
                    ("early_departure", "B", {"minutes_present": 200})],  # 0.5, 0
    # An absence among them decides the day as before: unexcused, absent all day.
    D(2025, 9, 9): [("unexcused", "", {}), ("tardy", "", {"minutes_present": 300}),
                    ("early_departure", "", {"minutes_present": 280})],  # 1, 1
    # Out at 09:00 on one record, in at 10:00 on the other: no time in between, absent all day.
    D(2025, 9, 10): [("tardy", "", {"arrival_time": T(10, 0)}),
                     ("early_departure", "", {"departure_time": T(9, 0)})],  # 1, 1
}
ABSENT, UNLAWFUL = Decimal("4"), Decimal("3.5")  # 1 + 0.5 + 0.5 + 1 + 1; 1 + 0.5 + 1 + 1


@pytest.fixture
def student():
    school, pupil = ten_school_days(code="S320", district_id="320001")
    for day, records in EVENTS.items():
        for category, reason, fields in records:
            f.attendance_event(student=pupil, school=school, date=day, category=category, reason_code=reason,
                               **fields)
    return pupil


def test_the_records_of_a_day_count_together(student):
    _, rows = indicators_as_of(as_of=AS_OF)
    result = next(r for r in rows if r.student_pk == student.pk).result
    ytd = result.year_to_date
    assert (ytd.days_enrolled, ytd.days_absent, ytd.days_unlawful) == (10, ABSENT, UNLAWFUL)
    indicators_recompute(as_of=AS_OF)
    stored = StudentIndicator.objects.get(student=student, period_key=YEAR_TO_DATE)
    assert (stored.days_enrolled, stored.days_absent, stored.days_unlawful) == (10, ABSENT, UNLAWFUL)
