"""Stored indicators: full and per-student recompute, on the district of test_indicators."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.core.testing import factories as f
from casework.indicators.models import YEAR_TO_DATE, StudentIndicator
from casework.indicators.services import indicators_recompute

from .test_indicators import district  # noqa: F401 - the fixture

D = datetime.date
AS_OF = D(2025, 9, 26)
pytestmark = pytest.mark.django_db


def test_full_recompute_stores_every_period(district):  # noqa: F811
    lsch, psch, one, two = district
    done = indicators_recompute(as_of=AS_OF)
    # 3 student x school pairs; L100 has Q1, S1, Q2 and P200 has Q1, Q2, each plus the year to date:
    # 2 x (3 + 1) + (2 + 1) = 11 rows.
    assert (done.pairs, done.rows) == (3, 11)
    ytd = StudentIndicator.objects.get(student=one, school=lsch, as_of=AS_OF, period_key=YEAR_TO_DATE)
    assert (ytd.values["days_enrolled"], ytd.values["days_present"], ytd.values["days_unlawful"]) == (20, 14.5, 3.5)
    assert ytd.values["student_flags"]["habitual_truant"]["raised"] is True
    assert ytd.calendar_method == "dates_listed" and ytd.rule_set.rule_version == "2026.1"
    q1 = StudentIndicator.objects.get(student=one, school=lsch, as_of=AS_OF, period_key="Q1")
    assert q1.period_kind == "quarter" and q1.values["habitual_truant"]["raised"] is True
    # Recomputing replaces, never duplicates.
    assert indicators_recompute(as_of=AS_OF).rows == 11
    assert StudentIndicator.objects.count() == 11


def test_recompute_only_given_students(district):  # noqa: F811
    lsch, psch, one, two = district
    indicators_recompute(as_of=AS_OF)
    f.attendance_event(student=one, school=lsch, date=D(2025, 9, 15), category="unexcused")
    before_two = {r.pk for r in StudentIndicator.objects.filter(student=two)}
    done = indicators_recompute(as_of=AS_OF, student_ids=[one.pk])
    assert (done.pairs, done.rows) == (1, 4)
    ytd = StudentIndicator.objects.get(student=one, school=lsch, as_of=AS_OF, period_key=YEAR_TO_DATE)
    assert ytd.values["days_unlawful"] == 4.5  # 3.5 + the new unlawful day
    assert {r.pk for r in StudentIndicator.objects.filter(student=two)} == before_two  # untouched
    assert StudentIndicator.objects.count() == 11


def test_recompute_query_count_is_fixed(district):  # noqa: F811
    lsch, psch, _one, _two = district
    indicators_recompute(as_of=AS_OF, school_ids=[lsch.pk, psch.pk])  # crossings opened: steady state below
    with CaptureQueriesContext(connection) as small:
        indicators_recompute(as_of=AS_OF, school_ids=[lsch.pk, psch.pk])
    for _ in range(5):
        f.student(school=lsch, entry_date=D(2025, 9, 1))
    with CaptureQueriesContext(connection) as large:
        indicators_recompute(as_of=AS_OF, school_ids=[lsch.pk, psch.pk])
    assert len(large.captured_queries) == len(small.captured_queries)
