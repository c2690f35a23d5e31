"""The PPW's loop end to end in a real browser (issue 4's acceptance path): teacher1 refers a student,
ppw1 finds the referral on My day and accepts it into a case, logs a home visit, adds a plan with a
goal, completes the follow-up task; teacher1 then sees the referral's status but none of the case."""

from __future__ import annotations

import datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from casework.cases.models import Case, CaseEvent
from casework.contacts.models import Contact
from casework.core.testing import factories as f
from casework.plans.models import Plan
from casework.referrals.models import Referral
from casework.tasks.models import Task

from .conftest import SCREENSHOTS, AxeAudit

pytestmark = pytest.mark.browser
VISIT_NOTES = "Met grandmother at the door; Pepe has been caring for a younger sibling on Mondays."
PLAN_TITLE = "Monday attendance plan"


@pytest.fixture
def library():
    """transactional_db flushed the shipped intervention library (a data migration): ship it again."""
    import_module("casework.plans.migrations.0002_default_interventions").add_defaults(apps, None)


def test_referral_to_case_to_plan_and_back_to_the_referrer(district, library, page_as, switch_user, axe):
    audit = AxeAudit(axe)
    teacher = f.user(username="teacher1", role="school_staff", schools=[district.school_a])

    # The teacher refers a student of their school (they cannot open student records: a picker).
    page = page_as(teacher)
    page.goto("/referrals/mine/")
    page.get_by_role("link", name="Refer a student").click()
    page.get_by_role("searchbox", name="Student name or ID").fill("garcia")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Refer García, Pepe").click()
    page.get_by_label("Attendance").check()
    page.get_by_label("What have you seen?").fill("Absent every Monday since October.")
    page.get_by_label("What has the school already tried?").fill("Two calls home, one letter.")
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral R-")
    referral = Referral.objects.get()

    # The PPW sees it on My day and accepts it into a new attendance case.
    switch_user(page, district.ppw1)
    page.goto("/my-day/")
    expect(page.get_by_text("1 waiting")).to_be_visible()
    audit.check(page, "my day with a referral waiting")
    page.get_by_role("link", name=referral.number, exact=False).first.click()
    page.get_by_label("Note for the referrer (optional)").fill("I will visit the family this week.")
    page.get_by_role("button", name="Accept the referral").click()
    expect(page.locator(".messages")).to_contain_text("accepted into case C-")
    case = Case.objects.get()
    assert (case.student_id, case.case_type, case.owner_id) == (district.jose.pk, "attendance", district.ppw1.pk)

    # A home visit from the case's Contacts tab: check in, notes, check out.
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("navigation", name="Case").get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="Start home visit").click()
    page.get_by_role("button", name="Check in").click()
    page.get_by_label("Yes, I met the family").check()
    page.get_by_label("Summary").fill(VISIT_NOTES)
    page.get_by_role("button", name="Save visit notes").click()
    expect(page.get_by_text("Home visit notes saved.")).to_be_visible()
    page.get_by_role("button", name="Check out — I'm safe").click()
    # The form goes after session.js has checked the session: wait for its answer before leaving.
    expect(page.get_by_text("Checked out. Glad you're safe.")).to_be_visible()
    contact = Contact.objects.get()
    assert (contact.case_id, contact.contact_type, contact.reached) == (case.pk, "home_visit", True)

    # A plan with a measurable goal.
    page.goto(f"/cases/{case.pk}/plans/")
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Title").fill(PLAN_TITLE)
    today = timezone.localdate()
    page.get_by_label("Start date").fill(today.isoformat())
    page.get_by_label("Review date").fill((today + datetime.timedelta(days=28)).isoformat())
    goal = page.get_by_role("group", name="Goal 1")
    goal.get_by_label("Target").fill("90")
    goal.get_by_label("For consecutive weeks").fill("4")
    page.get_by_role("group", name="Intervention 1").get_by_label("Intervention", exact=True).select_option(
        label="Check-in/check-out (tier 2)")
    page.get_by_role("button", name="Save plan").click()
    expect(page.locator(".messages")).to_contain_text("Plan review due")
    plan = Plan.objects.get()
    assert plan.goals.get().text.startswith("Attendance rate at least 90")

    # The follow-up task the referral made: done from the Tasks tab.
    follow_up = Task.objects.get(case=case, automatic="referral_follow_up")
    page.goto(f"/cases/{case.pk}/tasks/")
    audit.check(page, "tasks tab")
    with page.expect_navigation():  # the form goes after session.js has checked the session
        page.get_by_role("button", name=f"Mark done: {follow_up.title}").click()
    follow_up.refresh_from_db()
    assert follow_up.status == "done"

    # The case story, in order, on the Overview tab.
    page.goto(f"/cases/{case.pk}/")
    audit.check(page, "case overview with its timeline")
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    for kind in ("referral", "contact", "plan", "task"):
        assert kind in kinds, kinds
    expect(page.get_by_text("Task done: " + follow_up.title)).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "case-overview-after-loop.png", full_page=True)

    # The teacher sees the status and the note addressed to them, never the case or its notes.
    switch_user(page, teacher)
    page.goto(f"/referrals/{referral.pk}/")
    expect(page.get_by_text("I will visit the family this week.")).to_be_visible()
    expect(page.get_by_text("Accepted", exact=False).first).to_be_visible()
    body = page.content()
    for secret in (VISIT_NOTES, PLAN_TITLE, case.number, follow_up.title):
        assert secret not in body, secret
    for url in (f"/cases/{case.pk}/", f"/cases/{case.pk}/contacts/", f"/cases/{case.pk}/plans/"):
        assert page.goto(url).status == 404, url
    audit.check(page, "referral as its referrer")
    audit.assert_clean()
