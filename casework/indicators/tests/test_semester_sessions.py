"""Semesters sent as sessions (Ed-Fi Session with TermDescriptor "Fall Semester", quarters as grading
periods: the usual export) are semesters for §7-302.2's "more than 15 days in a semester" and COMAR
13A.08.01.04C's habitual truancy (`calendars.periods`); a semester also sent as a grading period counts once.

Hand count. Fall Semester session 09/01-12/19/2025, Q1 09/01-10/31 (45 weekdays), Q2 11/03-12/19. The student,
enrolled 09/01, is unexcused 8 days in Q1 (09/02-09/11) and 8 in Q2 (11/03-11/12). As of 11/14: Q1 8 and Q2 8,
neither more than 8; the year 16, not more than 20; the Fall Semester 16, more than 15: truant (§7-302.2)."""

import datetime

import pytest

from casework.calendars.services import grading_period_create
from casework.core.testing import factories as f
from casework.indicators.inputs import indicators_as_of
from casework.indicators.models import StudentIndicator
from casework.indicators.services import indicators_recompute

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2025, 11, 14)
ABSENT = [D(2025, 9, d) for d in (2, 3, 4, 5, 8, 9, 10, 11)] + [D(2025, 11, d) for d in (3, 4, 5, 6, 7, 10, 11, 12)]


@pytest.fixture
def school():
    school = f.school(code="M100")
    f.session(school=school, name="2025-2026 Fall Semester", begin=D(2025, 9, 1), end=D(2025, 12, 19),
              school_year=2026)
    f.session(school=school, name="2025-2026 Spring Semester", begin=D(2026, 1, 5), end=D(2026, 6, 12),
              school_year=2026)
    for seq, (begin, end) in enumerate([(D(2025, 9, 1), D(2025, 10, 31)), (D(2025, 11, 3), D(2025, 12, 19))], 1):
        grading_period_create(actor=None, school=school, school_year=2026, kind="quarter", sequence=seq,
                              begin=begin, end=end, name=f"Quarter {seq}")
    student = f.student(school=school, entry_date=D(2025, 9, 1), district_id="830001")
    for day in ABSENT:
        f.attendance_event(student=student, school=school, date=day, category="unexcused")
    return school


def _engine():
    _, [row] = indicators_as_of(as_of=AS_OF)
    return row.result


def test_a_semester_sent_as_a_session_counts_for_the_truant_limit(school):
    result = _engine()
    assert [(p.name, str(p.kind), p.days_unlawful) for p in result.periods] == [
        ("Quarter 1", "quarter", 8), ("2025-2026 Fall Semester", "semester", 16), ("Quarter 2", "quarter", 8)]
    assert result.truant_7_302_2.raised
    assert result.truant_7_302_2.periods == ("2025-2026 Fall Semester",)
    assert "2025-2026 Fall Semester" in result.truant_7_302_2.explanation
    indicators_recompute(as_of=AS_OF)
    stored = StudentIndicator.objects.get(student__district_id="830001")
    assert (stored.truant_7_302_2, stored.days_unlawful) == (True, 16)


def test_a_session_whose_term_is_not_a_semester_is_no_period(school):
    from casework.calendars.models import Session

    Session.objects.filter(name__contains="Fall").update(name="2025-2026 Fall", term="Year Round")
    Session.objects.filter(name__contains="Spring").update(name="2025-2026 Spring", term="Year Round")
    result = _engine()
    assert [p.name for p in result.periods] == ["Quarter 1", "Quarter 2"]
    assert not result.truant_7_302_2.raised  # 8 and 8 in the quarters, 16 in the year


def test_a_semester_also_sent_as_a_grading_period_counts_once(school):
    grading_period_create(actor=None, school=school, school_year=2026, kind="semester", sequence=1,
                          begin=D(2025, 9, 1), end=D(2025, 12, 19), name="Semester 1")
    result = _engine()
    assert [p.name for p in result.periods] == ["Quarter 1", "Semester 1", "Quarter 2"]
    assert result.truant_7_302_2.raised
