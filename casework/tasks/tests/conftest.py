import datetime

import pytest

from casework.core.testing import factories as f

TODAY = datetime.date(2025, 11, 25)  # a Tuesday; Thanksgiving (11/27) and the day after are holidays


@pytest.fixture
def calendar_a(world):
    """School A's 2025-26 year: weekdays, less Thanksgiving and the day after."""
    f.session(school=world.school_a)
    f.calendar_dates(school=world.school_a, days={datetime.date(2025, 11, 27): "holiday",
                                                  datetime.date(2025, 11, 28): "holiday"})
    return world.school_a


@pytest.fixture
def case_a(world):
    return f.case(student=world.student_a, owner=world.user("ppw"), opened_on=datetime.date(2025, 9, 15))


@pytest.fixture
def case_b(world):
    return f.case(student=world.student_b, opened_on=datetime.date(2025, 9, 15))


@pytest.fixture
def frozen_today(monkeypatch):
    """Pin "today" for the school-day arithmetic and the views (timezone.localdate)."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    return TODAY
