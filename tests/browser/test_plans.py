"""A plan in a real browser, with axe-core on every page: ppw1 writes a plan on a case, enters a week
by hand, revises the plan, and sees the revision on the chart. Targets are at least 44px."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from casework.core.testing import factories as f
from casework.plans.models import Plan

from .conftest import SCREENSHOTS, AxeAudit, small_targets

pytestmark = pytest.mark.browser



@pytest.fixture
def library():
    """transactional_db flushed the shipped library (a data migration): ship it again."""
    from importlib import import_module

    from django.apps import apps

    import_module("casework.plans.migrations.0002_default_interventions").add_defaults(apps, None)


def test_ppw_writes_a_plan_enters_progress_and_revises_it(district, library, page_as, axe):
    audit = AxeAudit(axe)
    case = f.case(student=district.jose, owner=district.ppw1, opened_on=datetime.date(2025, 9, 15))
    page = page_as(district.ppw1)
    page.goto(f"/cases/{case.pk}/plans/")
    audit.check(page, "plans tab, empty")
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Title").fill("Attendance plan")
    page.get_by_label("Start date").fill("2025-10-06")
    page.get_by_label("Review date").fill("2025-11-17")
    goal = page.get_by_role("group", name="Goal 1")
    goal.get_by_label("Target").fill("90")
    goal.get_by_label("For consecutive weeks").fill("4")
    first = page.get_by_role("group", name="Intervention 1")
    first.get_by_label("Intervention", exact=True).select_option(label="Check-in/check-out (tier 2)")
    first.get_by_label("How often").fill("daily")
    assert small_targets(page) == []
    audit.check(page, "new plan form")
    page.get_by_role("button", name="Save plan").click()
    expect(page.locator(".messages")).to_contain_text("Plan review due")
    plan = Plan.objects.get()
    audit.check(page, "plan detail, no data")

    page.get_by_label("Week of").fill("2025-10-08")
    page.get_by_label("Value", exact=True).fill("95")
    page.get_by_role("button", name="Save value").click()
    expect(page.locator(".messages")).to_contain_text("Progress saved")
    expect(page.locator(".pl-status").first).to_contain_text("1 of 4 consecutive weeks")

    page.get_by_role("link", name="Revise plan").click()
    expect(page).to_have_url(re.compile(r"/plans/\d+/edit/$"))  # the click navigates: audit the new page
    audit.check(page, "revise form")
    page.get_by_label("Change takes effect").fill("2025-10-20")
    page.get_by_role("group", name="Intervention 2").get_by_label("Intervention", exact=True).select_option(
        label="Mentoring (tier 2)")
    page.get_by_label("Reason for the change").fill("Adding mentoring after the first review")
    page.get_by_role("button", name="Save revision").click()
    expect(page.locator(".messages")).to_contain_text("now revision 2")
    expect(page.locator(f"#goal-{plan.goals.get().pk}-chart")).to_contain_text("Rev 2")
    expect(page.get_by_role("heading", name="Revision history (program changes)")).to_be_visible()
    assert small_targets(page) == []
    audit.check(page, "plan detail with a revision")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "plan-detail.png", full_page=True)
    audit.assert_clean()


def test_library_page_is_accessible(district, library, page_as, axe):
    audit = AxeAudit(axe)
    page = page_as(district.director)
    page.goto("/interventions/")
    audit.check(page, "intervention library")
    page.get_by_role("link", name="Wake-up call").click()
    expect(page).to_have_url(re.compile(r"/interventions/\d+/edit/$"))  # the click navigates: audit the new page
    audit.check(page, "edit intervention")
    assert small_targets(page) == []
    audit.assert_clean()
