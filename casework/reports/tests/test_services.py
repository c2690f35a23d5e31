"""Summaries from stored indicators and from the in-memory backfill, on the district of conftest.py."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from casework.indicators.services import indicators_recompute
from casework.reports.models import SchoolGradeSummary
from casework.reports.services import SummaryError, backfill_dates, summaries_backfill, summaries_record

from .conftest import AS_OF

D = date
pytestmark = pytest.mark.django_db

# (school, grade): students, counted, chronic, habitual, truant, bands, mean rate
EXPECTED = {
    ("L100", "04"): (1, 1, 1, 1, 1, {"severe_chronic": 1}, 0.55),
    ("L100", "05"): (2, 2, 1, 0, 0, {"moderate_chronic": 1, "satisfactory": 1}, 0.925),
    ("M200", "07"): (2, 1, 0, 0, 0, {"at_risk": 1}, 0.95),
}


def table(as_of):
    return {
        (s.school.code, s.grade): (s.students, s.students_counted, s.chronic, s.habitual, s.truant_7_302_2, s.bands,
                                   round(s.mean_attendance_rate, 6))
        for s in SchoolGradeSummary.objects.filter(as_of=as_of).select_related("school")
    }


def test_record_from_stored_indicators(small_district):
    indicators_recompute(as_of=AS_OF)
    assert summaries_record(as_of=AS_OF) == 3
    assert table(AS_OF) == EXPECTED
    assert set(SchoolGradeSummary.objects.values_list("source", flat=True)) == {"recompute"}
    # Recording again replaces, never doubles; one school only leaves the other alone.
    assert summaries_record(as_of=AS_OF, school_ids=[small_district["M200"].pk]) == 1
    assert table(AS_OF) == EXPECTED


def test_record_reads_only_that_dates_snapshot(small_district):
    indicators_recompute(as_of=D(2025, 9, 19))
    SchoolGradeSummary.objects.all().delete()  # in case the recompute recorded them
    assert summaries_record(as_of=AS_OF) == 0
    assert not SchoolGradeSummary.objects.exists()


def test_backfill_gives_the_same_counts_without_storing_indicators(small_district):
    from casework.indicators.models import StudentIndicator

    done = summaries_backfill(start=AS_OF, end=AS_OF)
    assert done.dates == [AS_OF] and done.skipped == [] and done.rows == 3
    assert table(AS_OF) == EXPECTED
    assert not StudentIndicator.objects.exists()
    assert set(SchoolGradeSummary.objects.values_list("source", flat=True)) == {"backfill"}


def test_backfill_weekly_trend(small_district):
    done = summaries_backfill(start=D(2025, 9, 1), end=AS_OF, every_days=7)
    assert done.dates == [D(2025, 9, 1), D(2025, 9, 8), D(2025, 9, 15), D(2025, 9, 22), AS_OF]
    s3 = {s.as_of: s for s in SchoolGradeSummary.objects.filter(school__code="L100", grade="04")}
    # As of 9/8, S3 is enrolled 6 days: not yet counted. As of 9/15, 11 days, absent 9: counted, chronic,
    # habitual (9 of 10 unlawful in Q1) and truant (more than 8 unlawful days in Q1).
    assert (s3[D(2025, 9, 8)].students, s3[D(2025, 9, 8)].students_counted, s3[D(2025, 9, 8)].chronic) == (1, 0, 0)
    assert (s3[D(2025, 9, 15)].students_counted, s3[D(2025, 9, 15)].chronic, s3[D(2025, 9, 15)].habitual,
            s3[D(2025, 9, 15)].truant_7_302_2) == (1, 1, 1, 1)


def test_backfill_skips_a_date_without_a_calendar(small_district):
    done = summaries_backfill(start=D(2026, 8, 3), end=D(2026, 8, 3))
    assert done.dates == [] and len(done.skipped) == 1
    assert done.skipped[0].startswith("2026-08-03: No calendar for school(s) L100, M200")


def test_backfill_dates():
    assert backfill_dates(D(2025, 9, 1), D(2025, 9, 10), 7) == [D(2025, 9, 1), D(2025, 9, 8), D(2025, 9, 10)]
    assert backfill_dates(D(2025, 9, 1), D(2025, 9, 1)) == [D(2025, 9, 1)]
    with pytest.raises(SummaryError, match="before the start"):
        backfill_dates(D(2025, 9, 2), D(2025, 9, 1))
    with pytest.raises(SummaryError, match="at least one day"):
        backfill_dates(D(2025, 9, 1), D(2025, 9, 2), 0)


def test_command(small_district):
    out = StringIO()
    call_command("summaries", "--start", "2025-09-19", "--end", "2025-09-26", stdout=out)
    assert out.getvalue() == "Backfilled 2 date(s), 6 school x grade row(s).\n"
    with pytest.raises(CommandError, match="not a date"):
        call_command("summaries", "--as-of", "26/09/2025")
    with pytest.raises(CommandError, match="Give either"):
        call_command("summaries")


def test_backfill_leaves_out_a_school_without_a_calendar_not_the_district(small_district):
    from casework.core.testing import factories as f

    nocal = f.school(code="N900")
    f.student(school=nocal, entry_date=D(2025, 9, 1))
    done = summaries_backfill(start=AS_OF, end=AS_OF)
    assert done.dates == [AS_OF] and done.skipped == []
    assert table(AS_OF) == EXPECTED  # L100 and M200 as before; N900 has no summary
