"""Shared makers for the letters tests: a family with an address and a Spanish-speaking option."""

from __future__ import annotations

import datetime

from casework.core.testing import factories as f
from casework.students import services as st

D = datetime.date


def family(student, *, language: str = "", first_name: str = "Rosa", last_name: str = "Martínez",
           street: str = "45 Harbor View Ct", unit: str = "Apt 2B", relationship: str = "mother", **flags):
    """A guardian living with the student at a current address."""
    household = st.household_create(actor=None, label="Test household")
    st.household_move(actor=None, household=household, moved_on=D(2024, 7, 1), street=street, unit=unit,
                      city="Annapolis", postal_code="21403")
    flags.setdefault("has_custody", True)
    flags.setdefault("lives_with", True)
    g = f.guardian(student=student, relationship=relationship, first_name=first_name, last_name=last_name,
                   household=household, **flags)
    if language:
        g = st.guardian_update(actor=None, guardian=g, preferred_language=language)
    return g


def weekdays(start, end):
    out, d = [], start
    while d <= end:
        if d.weekday() < 5:
            out.append(d)
        d += datetime.timedelta(days=1)
    return out


def school_with_calendar(*, code: str, name: str):
    """A school whose instructional days are the 20 weekdays 9/1-9/26/2025, listed by the SIS."""
    school = f.school(code=code, name=name)
    f.session(school=school, begin=D(2025, 9, 1), end=D(2025, 9, 30), calendar_source="dates_listed",
              total_instructional_days=20)
    f.calendar_dates(school=school, days=dict.fromkeys(weekdays(D(2025, 9, 1), D(2025, 9, 26)), "instructional"))
    return school
