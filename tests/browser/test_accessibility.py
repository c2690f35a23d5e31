"""axe-core on every page Casework has, in every state worth checking: no violation of any impact,
best-practice rules (landmarks, regions, heading order) included. Each test walks several pages and
reports every page's violations together."""

import pytest
from playwright.sync_api import expect

from casework.core.testing import factories as f

from .conftest import PHONE, SCREENSHOTS, AxeAudit, sign_in_with_form

pytestmark = pytest.mark.browser


@pytest.fixture
def audit(axe) -> AxeAudit:
    return AxeAudit(axe)


def test_login_page(district, page_as, audit, settings):
    page = page_as(None)
    settings.DEMO_MODE = False
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Demo accounts")).to_have_count(0)
    audit.check(page, "login page")

    sign_in_with_form(page, "ppw1", "not-the-password")
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check(page, "login page after a failed sign-in")

    settings.DEMO_MODE = True  # the demo banner, and the list of demo accounts
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Demo accounts")).to_be_visible()
    audit.check(page, "login page in demo mode")
    audit.assert_clean()


def test_home_and_schools(district, page_as, switch_user, audit):
    page = page_as(None)
    for who, user in (("an account without a role", f.user(username="nobody")), ("ppw1", district.ppw1),
                      ("director", district.director)):
        switch_user(page, user)
        page.goto("/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
        audit.check(page, f"home page of {who}")

    page.goto("/schools/")  # as the director
    expect(page.get_by_role("heading", level=1, name="Schools")).to_be_visible()
    audit.check(page, "schools list")
    audit.assert_clean()


def test_student_search(district, page_as, audit):
    page = page_as(district.director)
    page.goto("/students/")
    audit.check(page, "student search before searching")

    box = page.get_by_role("searchbox", name="Name or student ID")
    box.fill("garcia")
    expect(page.locator("#results").get_by_role("link", name="García, José")).to_be_visible()
    audit.check(page, "student search with results (HTMX)")

    box.fill("nobody-matches-this")
    expect(page.locator("#results")).to_contain_text("No student in your schools matches")
    audit.check(page, "student search without results")

    # An over-long query (only possible around maxlength, e.g. pasted by a script): the error shows in place.
    box.evaluate("el => el.removeAttribute('maxlength')")
    box.fill("g" * 101)
    expect(page.locator("#results").get_by_role("alert")).to_contain_text("at most 100 characters")
    audit.check(page, "student search with a form error (HTMX)")

    # The home page's search box posts a plain form: the full search page renders the results.
    page.goto("/")
    page.get_by_role("searchbox", name="Name or student ID").fill("garcia")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="García, José")).to_be_visible()
    audit.check(page, "student search page rendered by a full POST")
    audit.assert_clean()


def test_student_record_pages_and_not_found(district, page_as, audit):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for viewport, options in (("desktop", {}), ("phone", {"viewport": PHONE, "phone": True})):
        page = page_as(district.director, **options)
        page.goto(f"/students/{district.jose.pk}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("García, José")
        page.locator("summary", has_text="Address history").click()  # open <details>: its table is checked too
        page.screenshot(path=SCREENSHOTS / f"profile-{viewport}.png", full_page=True)
        audit.check(page, f"student profile ({viewport})")

    page.get_by_role("link", name="Access log").click()
    expect(page.get_by_role("heading", name="Who opened this record")).to_be_visible()
    audit.check(page, "access log tab")

    # No guardian, household or program: the empty states.
    page.goto(f"/students/{district.zoe.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nguyễn, Zoë")
    audit.check(page, "profile of a student with no guardian or household")

    for url in (f"/students/{district.zoe.pk + 1000}/", "/no-such-page/"):
        response = page.goto(url)
        assert response.status == 404
        audit.check(page, f"404 page ({url})")
    audit.assert_clean()
