"""Arrival and departure times without minutes: the time between them is the time in attendance (Ed-Fi
ArrivalTime/DepartureTime with no SchoolAttendanceDuration; the CSV's arrival_time/departure_time).

One student, one school, the weekdays 9/1-9/12/2025 (10 days). Every expected value is counted by hand
below; the engine (`indicators_as_of`) and the set-based recompute must both give it. Maryland: a full day
present at 4 h (240 minutes) or more, half a day at 2 h (120) to under 4 h, whole minutes, seconds dropped.
"""

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

# date: (category, reason, arrival, departure, other fields) -> absent, unlawful (days)
EVENTS = {
    # 08:00-10:30 = 150 minutes: half a day present; no lawful reason: half a day unlawful.
    D(2025, 9, 2): ("early_departure", "", T(8, 0), T(10, 30), {}),  # 0.5, 0.5
    # 09:00-13:00 = exactly 240: a full day present.
    D(2025, 9, 3): ("tardy", "", T(9, 0), T(13, 0), {}),  # 0, 0
    # 09:00:30-12:59:59 = 239 min 29 s -> 239: under 4 h, half a day.
    D(2025, 9, 4): ("tardy", "", T(9, 0, 30), T(12, 59, 59), {}),  # 0.5, 0.5
    # 08:00-09:59 = 119: under 2 h, absent all day.
    D(2025, 9, 5): ("early_departure", "", T(8, 0), T(9, 59), {}),  # 1, 1
    # 08:00-10:00 = exactly 120: half a day present; illness (B) is lawful.
    D(2025, 9, 8): ("early_departure", "B", T(8, 0), T(10, 0), {}),  # 0.5, 0
    # Minutes sent win over the times: 300 minutes, a full day.
    D(2025, 9, 9): ("tardy", "", T(8, 0), T(9, 0), {"minutes_present": 300}),  # 0, 0
    # Only a departure time: the minutes are unknown, the day counts as attended.
    D(2025, 9, 10): ("early_departure", "", None, T(9, 0), {}),  # 0, 0
    # The times win over an EventDuration (0.5 would be 180 minutes, half a day): 30 minutes, absent; lawful.
    D(2025, 9, 11): ("excused", "B", T(8, 0), T(8, 30), {"event_duration": "0.5"}),  # 1, 0
}
ABSENT, UNLAWFUL = Decimal("3.5"), Decimal("2")  # 0.5 + 0.5 + 1 + 0.5 + 1; 0.5 + 0.5 + 1


@pytest.fixture
def student():
    school, pupil = ten_school_days(code="S310", district_id="310001")
    for day, (category, reason, arrival, departure, fields) in EVENTS.items():
        f.attendance_event(student=pupil, school=school, date=day, category=category, reason_code=reason,
                           arrival_time=arrival, departure_time=departure, **fields)
    return pupil


def test_the_time_between_arrival_and_departure_is_the_time_present(student):
    _, rows = indicators_as_of(as_of=AS_OF, detail=False)
    ytd = next(r for r in rows if r.student_pk == student.pk).result.year_to_date
    assert (ytd.days_enrolled, ytd.days_absent, ytd.days_unlawful) == (10, ABSENT, UNLAWFUL)
    indicators_recompute(as_of=AS_OF)
    stored = StudentIndicator.objects.get(student=student, period_key=YEAR_TO_DATE)
    assert (stored.days_enrolled, stored.days_absent, stored.days_unlawful) == (10, ABSENT, UNLAWFUL)
