"""The nightly full recompute (`imports.nightly_recompute`, 4 AM): an import recomputes only the students
it changed, so the rest keep the as-of date of the last full recompute until this job counts everyone
through the same day."""

import datetime

import pytest
from django.core.cache import cache

from casework.core.testing import factories as f
from casework.imports import background
from casework.indicators.models import StudentIndicator
from casework.indicators.services import indicators_recompute
from casework.jobs.models import Job, JobStatus
from casework.jobs.services import job_enqueue, job_run_next

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.delete(background.RECOMPUTE_LOCK)
    cache.delete(background.RECOMPUTE_KEY)
    yield
    cache.delete(background.RECOMPUTE_LOCK)
    cache.delete(background.RECOMPUTE_KEY)


@pytest.fixture
def mixed():
    """Two students at a school in session every weekday. A full recompute through Friday 09/05; then an
    import brought Ana's absence of Monday 09/08 and recomputed only her, through 09/08."""
    school = f.school(code="N100")
    f.session(school=school)
    ana = f.student(school=school, entry_date=D(2025, 9, 1), district_id="810001")
    ben = f.student(school=school, entry_date=D(2025, 9, 1), district_id="810002")
    f.attendance_event(student=ana, school=school, date=D(2025, 9, 2), category="unexcused")
    indicators_recompute(as_of=D(2025, 9, 5))
    f.attendance_event(student=ana, school=school, date=D(2025, 9, 8), category="unexcused")
    indicators_recompute(as_of=D(2025, 9, 8), student_ids=[ana.pk])
    return ana, ben


def _stored():
    return dict(StudentIndicator.objects.values_list("student__district_id", "as_of"))


def _nightly() -> Job:
    job = job_enqueue(kind="imports.nightly_recompute", args={"date": "2025-09-09"})
    job_run_next("w1")
    job.refresh_from_db()
    return job


def test_the_nightly_recompute_counts_everyone_through_the_same_day(mixed):
    assert _stored() == {"810001": D(2025, 9, 8), "810002": D(2025, 9, 5)}
    job = _nightly()
    # The default as-of date: the last day with attendance, 09/08. Nothing changed for Ana since her own
    # recompute, and Ben, present every day, raises nothing.
    assert (job.status, job.message) == (JobStatus.DONE, "Indicators recomputed as of 2025-09-08: 2 student x "
                                                         "school pair(s), 0 newly crossed, 0 cleared")
    assert _stored() == {"810001": D(2025, 9, 8), "810002": D(2025, 9, 8)}
    ben = StudentIndicator.objects.get(student__district_id="810002")
    assert (ben.days_enrolled, ben.days_absent) == (6, 0)  # 09/01-09/05 and 09/08
    assert background.recompute_status()["by"] == "the nightly job"
    assert cache.get(background.RECOMPUTE_LOCK) is None
    # The next night, without an import: everyone is counted through the last day already.
    assert _nightly().message == ("Every stored indicator is already counted through 2025-09-08 under the rules in "
                                  "force")


def test_it_does_not_run_beside_a_recompute_started_on_the_import_page(mixed):
    cache.add(background.RECOMPUTE_LOCK, 1, 60)
    job = _nightly()
    assert (job.status, job.message) == (JobStatus.DONE, "A recompute started on the import page is running: "
                                                         "not started again")
    assert _stored() == {"810001": D(2025, 9, 8), "810002": D(2025, 9, 5)}


def test_a_recompute_that_cannot_count_fails_the_job_with_its_reason(db):
    school = f.school(code="N200")  # students, but no calendar
    student = f.student(school=school, entry_date=D(2025, 9, 1), district_id="820001")
    f.attendance_event(student=student, school=school, date=D(2025, 9, 2), category="unexcused")
    job = _nightly()
    assert job.status != JobStatus.DONE
    assert "No calendar for school(s) N200" in job.error
