"""Batch letters in a browser: from the early-warning list of a school, the ticked students' Tier 1 letters
to the downloaded print-ready PDF (its text read back with pypdf), then "mark all mailed"."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.core.testing import factories as f
from casework.indicators.models import YEAR_TO_DATE, FlagCrossing, StudentIndicator
from casework.rules.models import RuleSet

from .conftest import SCREENSHOTS, AxeAudit, small_targets

pytestmark = pytest.mark.browser


@pytest.fixture
def templates():
    """transactional_db flushed the shipped letter templates (a data migration): ship them again."""
    from importlib import import_module

    from django.apps import apps

    import_module("casework.letters.migrations.0002_default_templates").forwards(apps, None)


def _flagged(student, school, days_unlawful: float):
    today = timezone.localdate()
    rule_set = RuleSet.objects.defaults().first()
    StudentIndicator.objects.create(
        student=student, school=school, as_of=today, period_key=YEAR_TO_DATE, period_kind="year", rule_set=rule_set,
        calendar_method="dates_listed", days_enrolled=55, days_absent=days_unlawful + 1, days_unlawful=days_unlawful,
        attendance_rate=0.8, band="chronic", chronic_absent=True, truant_7_302_2=True, values={})
    FlagCrossing.objects.create(student=student, school=school, flag="truant_7_302_2", rule_set=rule_set,
                                crossed_on=today - datetime.timedelta(days=1), explanation="8 unlawful days")


def test_generate_letters_for_the_flagged_students_of_a_school(district, templates, page_as, axe, settings):
    from pypdf import PdfReader

    from casework.mailings.jobs import run
    from casework.mailings.models import Mailing

    settings.CASEWORK_JOBS_INLINE = False  # the test runs the job itself (in-memory SQLite: one thread)
    audit = AxeAudit(axe)
    f.guardian(student=district.sibling, relationship="mother", first_name="Ana", last_name="García",
               household=district.jose.household, has_custody=True, lives_with=True)
    _flagged(district.jose, district.school_a, 9)
    _flagged(district.sibling, district.school_a, 8)

    page = page_as(district.ppw1)
    page.goto(f"/schools/{district.school_a.code}/early-warning/")
    expect(page.get_by_role("link", name="Generate letters")).to_be_visible()
    for student in (district.jose, district.sibling):
        page.locator(f'input[name="student"][value="{student.pk}"]').check()
    page.get_by_role("button", name="Letters for selected students").click()

    expect(page.get_by_role("heading", name="Generate letters: Alpha Elementary")).to_be_visible()
    expect(page.get_by_label("The 2 students selected on the early-warning list")).to_be_checked()
    page.get_by_role("button", name="Preview the count").click()
    expect(page.get_by_role("status").filter(has_text="will be made")).to_contain_text("2 letters will be made")
    assert small_targets(page) == []
    audit.check(page, "generate letters form with preview")
    page.get_by_role("button", name="Generate letters").click()

    expect(page.get_by_role("heading", name="Letters for Alpha Elementary")).to_be_visible()
    audit.check(page, "mailing progress, waiting")
    mailing = Mailing.objects.get()
    run(mailing.job, lambda done, total=None, message="": None)  # the worker's part
    # The page polls the status and reloads itself once the batch is done.
    download_link = page.get_by_role("link", name="Download the print-ready PDF")
    expect(download_link).to_be_visible(timeout=15_000)
    expect(page.get_by_role("heading", name="2 letters ready")).to_be_visible()
    audit.check(page, "mailing done")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "mailing-done.png", full_page=True)

    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert "García" not in download.suggested_filename and download.suggested_filename.endswith(".pdf")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(download.path()).pages)
    assert "José García" in text and "Mateo García" in text

    page.get_by_role("button", name="Mark all 2 letters mailed").click()
    expect(page.locator(".messages")).to_contain_text("2 letters marked mailed")
    audit.assert_clean()
