"""What a PPW, a principal and the director do in a real browser: search, open, scope, audit, keyboard, phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from casework.accounts.forms import GENERIC_ERROR

from .conftest import PHONE, sign_in_with_form

pytestmark = pytest.mark.browser

SEARCH_BOX = {"role": "searchbox", "name": "Name or student ID"}


def search_box(page: Page):
    return page.get_by_role(SEARCH_BOX["role"], name=SEARCH_BOX["name"])


def results(page: Page):
    return page.locator("#results")


def search(page: Page, query: str) -> None:
    """Type a query and wait for HTMX's answer (the page may already show the same text for a previous one)."""
    with page.expect_response(lambda r: r.url.endswith("/students/") and r.request.method == "POST"):
        search_box(page).fill(query)


def test_ppw_finds_student_without_accents_and_opens_profile(district, page_as):
    page = page_as(None)
    sign_in_with_form(page, "ppw1")
    expect(page).to_have_url(re.compile(r"/$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Students").click()
    expect(page.get_by_role("heading", level=1, name="Students")).to_be_visible()

    # Mark this document: a full page load would lose the mark.
    page.evaluate("window.__sameDocument = true")
    requests = []
    page.on("request", lambda r: requests.append((r.resource_type, r.headers.get("hx-request"))))
    search_box(page).press_sequentially("garcia jo")  # the record says "García, José"

    expect(results(page).get_by_role("link", name="García, José")).to_be_visible()
    expect(results(page).get_by_role("link", name="García, Mateo")).to_have_count(0)  # "jo" narrows it
    expect(results(page).get_by_role("row")).to_have_count(2)  # header + José
    # Screen readers hear the count from a status line outside the swapped table.
    expect(page.locator("#search-status")).to_have_text("1 student found.")
    expect(page.locator("#search-status")).to_have_attribute("role", "status")
    assert page.evaluate("window.__sameDocument === true"), "the results came with a page reload"
    assert ("document", None) not in requests
    assert any(hx == "true" for _, hx in requests), "no HTMX request was made"

    results(page).get_by_role("link", name="García, José").click()
    expect(page).to_have_url(re.compile(rf"/students/{district.jose.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("García, José")
    guardians = page.get_by_role("region", name="Guardians and contacts")
    expect(guardians).to_contain_text("Rosa Martínez")
    expect(guardians).to_contain_text("Do not contact")
    # The do-not-contact father's number is shown, but not as a one-tap call link.
    luis = guardians.get_by_role("article").filter(has_text="Luis García")
    expect(luis.get_by_role("link")).to_have_count(0)
    household = page.get_by_role("region", name="Household")
    expect(household).to_contain_text("48 Maple Court Apt 3B, Gaithersburg, MD 20877")
    expect(household).to_contain_text("Mateo García")
    enrollments = page.get_by_role("region", name="Enrollments")
    expect(enrollments).to_contain_text("Alpha Elementary")
    expect(enrollments).to_contain_text("Cedar Primary")
    # A PPW reads the record; the access log is the director's and the auditor's.
    expect(page.get_by_role("link", name="Access log")).to_have_count(0)
    assert page.js_errors == []


def test_principal_cannot_reach_another_schools_student(district, page_as):
    page = page_as(district.principal1)

    for url in (f"/students/{district.zoe.pk}/", f"/students/{district.zoe.pk}/access/"):
        response = page.goto(url)
        assert response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
        expect(page.get_by_role("main")).to_contain_text("not in your caseload or schools")
        expect(page.get_by_role("link", name="Go to the home page")).to_be_visible()
        assert "Nguy" not in page.content()

    page.goto("/students/")
    for query in ("nguyen", "Zoe", "200002"):
        search(page, query)
        expect(results(page)).to_contain_text("No student in your schools matches")
        expect(page.locator("#search-status")).to_have_text("No student found.")
        expect(results(page).get_by_role("link")).to_have_count(0)
    # The same search box does find the principal's own students.
    search(page, "GARCIA")
    expect(results(page).get_by_role("link", name="García, José")).to_be_visible()


def test_director_sees_who_opened_the_record(district, page_as, switch_user):
    page = page_as(district.ppw1)
    page.goto(f"/students/{district.jose.pk}/?purpose=home+visit")
    expect(page.get_by_role("heading", level=1)).to_contain_text("García, José")

    switch_user(page, district.director)
    page.goto(f"/students/{district.jose.pk}/")
    tab = page.get_by_role("navigation", name="Student record").get_by_role("link", name="Access log")
    expect(tab).to_be_visible()
    tab.click()
    expect(page).to_have_url(re.compile(rf"/students/{district.jose.pk}/access/$"))
    expect(tab).to_have_attribute("aria-current", "page")
    log = page.get_by_role("table", name="Access log")
    ppw_rows = log.get_by_role("row").filter(has_text="ppw1")
    expect(ppw_rows).to_have_count(1)
    expect(ppw_rows).to_contain_text("Opened the record")
    expect(ppw_rows).to_contain_text("home visit")
    expect(log.get_by_role("row").filter(has_text="director")).to_have_count(1)  # the director's own opening


def test_keyboard_only(district, page_as):
    page = page_as(None)
    page.goto("/accounts/login/")
    focused = page.locator(":focus")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the skip link must be visible when focused"
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Casework")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()

    # The skip link lands on <main>; the next Tab is the first field.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("ppw1")
    page.keyboard.press("Tab")
    page.keyboard.type("casework-test-pw")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("My day")  # where a PPW starts

    # Home: Tab reaches the search box (past the skip link and the navigation); Enter submits it.
    page.goto("/")
    for _ in range(25):
        page.keyboard.press("Tab")
        if focused.get_attribute("id") == "home-q":
            break
    expect(search_box(page)).to_be_focused()
    page.keyboard.type("garcia")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Students")).to_be_visible()
    expect(results(page).get_by_role("link", name="García, José")).to_be_visible()

    # Search page: Enter submits the HTMX form (the value is set without input events to isolate Enter).
    page.evaluate("window.__sameDocument = true")
    search_box(page).evaluate("el => { el.value = 'nguyen'; el.focus(); }")
    page.keyboard.press("Enter")
    expect(results(page)).to_contain_text("No student in your schools matches")
    search_box(page).evaluate("el => { el.value = 'jose'; el.focus(); }")
    page.keyboard.press("Enter")
    link = results(page).get_by_role("link", name="García, José")
    expect(link).to_be_visible()
    assert page.evaluate("window.__sameDocument === true"), "Enter reloaded the page instead of using HTMX"
    for _ in range(10):
        page.keyboard.press("Tab")
        if focused.get_attribute("href") == f"/students/{district.jose.pk}/":
            break
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("García, José")


TAP_TARGETS = ".topbar a, .topbar button, main button, .tabs a, .results a, a.tap, summary"


def assert_fits_phone(page: Page, what: str) -> None:
    overflow = page.evaluate(
        "() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})")
    assert overflow["scroll"] <= overflow["inner"], f"{what} scrolls sideways: {overflow}"
    small = page.evaluate(
        """sel => [...document.querySelectorAll(sel)]
             .filter(el => el.getClientRects().length)
             .map(el => ({el: el.outerHTML.slice(0, 80), h: el.getBoundingClientRect().height}))
             .filter(t => t.h < 44)""",
        TAP_TARGETS,
    )
    assert small == [], f"{what}: tap targets under 44px high: {small}"


def test_phone_layout(district, page_as, switch_user):
    page = page_as(district.ppw1, viewport=PHONE, phone=True)
    page.goto("/")
    assert_fits_phone(page, "home page")
    page.goto("/students/")
    assert_fits_phone(page, "empty search page")
    search_box(page).fill("garcia")
    expect(results(page).get_by_role("link", name="García, José")).to_be_visible()
    assert_fits_phone(page, "search page with results")
    results(page).get_by_role("link", name="García, José").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("García, José")
    page.locator("summary", has_text="Address history").click()
    assert_fits_phone(page, "student profile")
    assert page.locator("a.tap[href^='tel:']").count() >= 2, "phone numbers must be tappable links"

    switch_user(page, district.director)
    page.goto(f"/students/{district.jose.pk}/access/")
    assert_fits_phone(page, "access log")


def test_bad_login_shows_one_generic_message(district, page_as):
    page = page_as(None)
    for username, password in (("ppw1", "wrong-password"), ("nobody-by-that-name", "wrong-password")):
        sign_in_with_form(page, username, password)
        alert = page.get_by_role("alert")
        expect(alert).to_have_text(GENERIC_ERROR)
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        expect(page.get_by_label("Username")).to_have_value(username)
        expect(page.get_by_label("Username")).to_have_attribute("aria-describedby", "login-error")
        expect(page.get_by_label("Password")).to_have_value("")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))  # still signed out


IPHONE_SE = {"width": 375, "height": 667}


def test_director_dashboard_fits_a_375px_phone(district, page_as):
    """The dashboard's summary (the headline figures and their long labels) wraps inside the screen: the
    page never scrolls sideways; the wide tables scroll in their own boxes."""
    import datetime

    from casework.reports.models import SchoolGradeSummary

    for school, grade in ((district.school_a, "05"), (district.school_b, "07")):
        SchoolGradeSummary.objects.create(
            as_of=datetime.date(2026, 1, 15), school=school, grade=grade, source="recompute", students=40,
            students_counted=38, chronic=9, habitual=3, truant_7_302_2=0, mean_attendance_rate=0.93,
            bands={"satisfactory": 20, "at_risk": 9, "moderate_chronic": 6, "severe_chronic": 3})
    page = page_as(district.director, viewport=IPHONE_SE, phone=True)
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=2, name="As of 01/15/2026")).to_be_visible()
    for summary in page.locator("summary").all():
        summary.click()  # the tables in <details> open too
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"the dashboard is {width}px wide on a 375px phone"
