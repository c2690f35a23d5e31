"""The referral loop in a real browser, with axe-core on every page: a teacher refers, the PPW
accepts, the teacher sees the status. Targets are at least 44px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from casework.core.testing import factories as f
from casework.referrals.models import Referral

from .conftest import SCREENSHOTS, AxeAudit, small_targets

pytestmark = pytest.mark.browser



def test_teacher_refers_ppw_accepts_teacher_sees_the_status(district, page_as, switch_user, axe):
    audit = AxeAudit(axe)
    teacher = f.user(username="teacher1", role="school_staff", schools=[district.school_a])
    page = page_as(teacher)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My referrals").click()
    expect(page).to_have_url(re.compile(r"/referrals/mine/$"))
    audit.check(page, "my referrals, empty")
    page.get_by_role("link", name="Refer a student").click()
    page.get_by_role("searchbox", name="Student name or ID").fill("garcia")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("link", name="Refer García, Pepe")).to_be_visible()
    audit.check(page, "student picker with results")
    page.get_by_role("link", name="Refer García, Pepe").click()
    page.get_by_role("button", name="Send the referral").click()  # empty: every required fact is asked for
    summary = page.get_by_role("alert").filter(has_text="need fixing")
    expect(summary).to_be_focused()  # a phone scrolls to it
    expect(summary.get_by_role("link")).to_have_count(3)  # reasons, what was seen, what was tried
    audit.check(page, "referral form with errors")
    summary.get_by_role("link", name="What have you seen?", exact=False).click()
    expect(page.get_by_label("What have you seen?")).to_be_in_viewport()
    page.get_by_label("Attendance").check()
    page.get_by_label("Urgent (today)").check()
    page.get_by_label("What have you seen?").fill("Absent every Monday since October.")
    page.get_by_label("What has the school already tried?").fill("Two calls home.")
    assert small_targets(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "referral-form.png", full_page=True)
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral R-")
    audit.check(page, "referral detail as the referrer")
    referral = Referral.objects.get()

    switch_user(page, district.ppw1)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals", exact=True).click()
    expect(page).to_have_url(re.compile(r"/referrals/triage/$"))
    audit.check(page, "triage queue")
    page.get_by_role("link", name=referral.number).click()
    expect(page).to_have_url(re.compile(rf"/referrals/{referral.pk}/$"))
    audit.check(page, "referral detail with the decision forms")
    assert small_targets(page) == []
    page.screenshot(path=SCREENSHOTS / "referral-triage-detail.png", full_page=True)
    expect(page.get_by_label("Type of new case")).to_have_value("attendance")
    page.get_by_label("Note for the referrer (optional)").fill("I will visit the family on Thursday.")
    page.get_by_role("button", name="Accept the referral").click()
    expect(page.locator(".messages")).to_contain_text("accepted into case C-")
    audit.check(page, "referral detail after accepting")

    switch_user(page, teacher)
    page.goto(f"/referrals/{referral.pk}/")
    expect(page.get_by_text("I will visit the family on Thursday.")).to_be_visible()
    expect(page.get_by_text("C-0")).to_have_count(0)
    page.screenshot(path=SCREENSHOTS / "referral-referrer-view.png", full_page=True)
    audit.assert_clean()


def test_bulk_referral_pages(district, page_as, axe):
    audit = AxeAudit(axe)
    page = page_as(district.principal1)
    # The confirm page is reached by POST from the early-warning list; post the way its form does.
    page.goto(f"/students/{district.jose.pk}/")
    expect(page.get_by_role("link", name="Refer to the PPS office")).to_be_visible()
    audit.check(page, "student page with the refer link")
    page.evaluate("""([url, ids]) => { const form = document.createElement('form'); form.method = 'post';
        form.action = url; const token = document.cookie.match(/csrftoken=([^;]+)/);
        const add = (n, v) => { const i = document.createElement('input'); i.type = 'hidden'; i.name = n;
          i.value = v; form.appendChild(i); };
        add('csrfmiddlewaretoken', token ? token[1] : document.querySelector('[name=csrfmiddlewaretoken]').value);
        ids.forEach(id => add('student', id)); document.body.appendChild(form); form.submit(); }""",
                  [f"/referrals/bulk/{district.school_a.code}/", [district.jose.pk, district.sibling.pk]])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Refer 2 students")
    audit.check(page, "bulk referral confirm form")
    page.get_by_label("Attendance").check()
    page.get_by_label("What have you seen?").fill("Chronically absent.")
    page.get_by_label("What has the school already tried?").fill("Attendance letters.")
    page.get_by_role("button", name="Send 2 referrals").click()
    expect(page.locator(".messages")).to_contain_text("2 referrals sent")
    audit.check(page, "my referrals after a bulk referral")
    audit.assert_clean()


def test_accept_form_shows_only_the_fields_of_the_choice(district, page_as, axe):
    from casework.referrals.services import referral_create

    audit = AxeAudit(axe)
    case = f.case(student=district.jose, owner=district.ppw1)
    r = referral_create(actor=district.principal1, student=district.jose, school=district.school_a,
                        reasons=["attendance"], details="Still absent.", already_tried="Calls home.")
    page = page_as(district.ppw1)
    page.goto(f"/referrals/{r.pk}/")
    expect(page.get_by_role("note")).to_contain_text("Possible duplicate")
    expect(page.get_by_label("Open case:")).to_be_visible()
    expect(page.get_by_label("Type of new case")).to_be_hidden()
    audit.check(page, "referral detail flagged as a duplicate")
    page.get_by_label("A new case").check()
    expect(page.get_by_label("Type of new case")).to_be_visible()
    expect(page.get_by_label("Open case:")).to_be_hidden()
    page.get_by_label("An open case of this student").check()
    page.get_by_role("button", name="Accept the referral").click()
    expect(page.locator(".messages")).to_contain_text(f"accepted into case {case.number}")
    audit.assert_clean()
