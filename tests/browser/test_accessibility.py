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


def test_import_pages(district, page_as, audit, settings, tmp_path):
    """The data steward's import page: empty, with a form error, a refused run's rejected rows, a run in progress."""
    from django.core.cache import cache

    from casework.imports.services import progress_key, start_run

    settings.DATA_DIR = tmp_path
    page = page_as(f.user(username="steward1", role="data_steward"))
    page.goto("/imports/")
    expect(page.get_by_role("heading", level=1, name="Imports")).to_be_visible()
    audit.check(page, "import page without runs")

    page.get_by_role("link", name="import guide").click()  # the columns' rules, served from docs/imports.md
    expect(page.get_by_role("heading", level=1, name="Importing SIS data")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Kinds and columns")).to_be_in_viewport()
    audit.check(page, "import guide")
    page.goto("/imports/")

    page.get_by_role("button", name="Start the import").click()  # no file chosen
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one file to import.")
    audit.check(page, "import page with a form error")

    bad = tmp_path / "students.csv"
    bad.write_text("student_id,first_name,last_name,birth_date,grade\n300004,Ben,Ortiz,2013-02-30,06\n")
    page.get_by_label("Kind of data (plain CSV only)").select_option("students")
    page.get_by_label("Files to import").set_input_files(bad)
    page.get_by_role("button", name="Start the import").click()
    expect(page.get_by_role("heading", level=2, name="Rejected rows")).to_be_visible()
    audit.check(page, "refused import run with its rejected rows")

    page.goto("/imports/")
    expect(page.get_by_role("table")).to_contain_text("Refused")
    audit.check(page, "import page with a run")

    page.get_by_role("link", name="descriptor mappings").click()
    expect(page.get_by_role("heading", level=1, name="Descriptor mappings")).to_be_visible()
    audit.check(page, "descriptor mappings page")
    page.get_by_label("Descriptor", exact=True).fill("ILL")
    page.get_by_label("Lawful reason code (optional)").fill("Z")
    page.get_by_role("button", name="Save the mapping").click()
    expect(page.get_by_role("alert")).to_contain_text("Unknown reason code 'Z'")
    audit.check(page, "descriptor mappings page with a form error")

    page.get_by_role("link", name="SIS code mappings").click()
    expect(page.get_by_role("heading", level=1, name="SIS code mappings")).to_be_visible()
    audit.check(page, "SIS code mappings page")
    section = page.get_by_role("region", name="Calendar event (kind of day)")
    section.get_by_role("button", name="Save the calendar event (kind of day) mapping").click()  # no descriptor
    expect(section.get_by_role("alert")).to_contain_text("The mapping was not saved")
    audit.check(page, "SIS code mappings page with a form error")
    section = page.get_by_role("region", name="Calendar event (kind of day)")
    section.get_by_label("Descriptor", exact=True).fill("uri://district.org/CalendarEventDescriptor#Snow Day")
    section.get_by_label("Means").select_option("weather_closure")
    section.get_by_role("button", name="Save the calendar event (kind of day) mapping").click()
    expect(page.get_by_role("status")).to_contain_text("Snow Day -> weather_closure")
    expect(page.get_by_role("cell", name="uri://district.org/CalendarEventDescriptor#Snow Day")).to_be_visible()

    running = start_run(actor=None, fmt="csv", kind="attendance", source_files=["attendance.csv"], partial=False)
    cache.set(progress_key(running.pk), {"name": "attendance.csv", "done": 3, "total": 4})
    page.goto(f"/imports/{running.pk}/")
    expect(page.locator("progress")).to_have_attribute("value", "75")
    audit.check(page, "import run in progress")

    # The page polls its progress fragment; once the run is over it reloads and shows the outcome.
    type(running).objects.filter(pk=running.pk).update(status="committed", created=7)
    expect(page.get_by_role("heading", level=2, name="Committed")).to_be_visible()
    expect(page.locator("progress")).to_have_count(0)
    assert not page.js_errors
    audit.check(page, "import run finished")
    audit.assert_clean()


def test_early_warning_and_worklist(district, page_as, audit):
    """The school picker, the early-warning list (filtered, with a filter error, on a phone) and the worklist."""
    import datetime

    from casework.cases.services import case_open
    from casework.indicators.tests.test_early_warning import crossing, indicator

    indicator(district.jose, district.school_a, rate=0.75, band="severe_chronic", absent=10, unlawful=8,
              chronic_absent=True, habitual_truant=True, abc_attendance=True)
    indicator(district.sibling, district.school_a, rate=None, band="", enrolled=5)
    crossing(district.jose, district.school_a, "chronic_absent", datetime.date(2025, 10, 1),
             explanation="Absent 10 of 40 days (25.0%), at least 10%")
    crossing(district.jose, district.school_a, "habitual_truant", datetime.date(2025, 9, 26),
             explanation="Unlawfully absent 3 of 10 days in Q1")
    case_open(actor=None, student=district.sibling, case_type="attendance")

    page = page_as(district.ppw1)
    page.goto("/early-warning/")
    expect(page.get_by_role("heading", level=1, name="Early warning")).to_be_visible()
    audit.check(page, "early-warning school picker")

    page.get_by_role("link", name="Alpha Elementary").click()
    expect(page.get_by_role("link", name="García, Pepe", exact=True)).to_be_visible()
    expect(page.get_by_text("New since 10/01/2025")).to_be_visible()
    audit.check(page, "early-warning list")

    page.get_by_label("Band").select_option("severe_chronic")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("1 student,")).to_be_visible()
    audit.check(page, "early-warning list filtered")

    page.goto("/schools/A100/early-warning/?crossed_since=not-a-date&flag=truant_7_302_2")
    expect(page.get_by_role("alert")).to_contain_text("Enter the date as YYYY-MM-DD")
    audit.check(page, "early-warning list with a filter error and no matches")

    phone = page_as(district.ppw1, viewport=PHONE, phone=True)
    phone.goto("/schools/A100/early-warning/")
    audit.check(phone, "early-warning list (phone)")
    # The wide tables scroll inside their own box; the page itself never scrolls sideways on a phone.
    page_fits = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    assert phone.evaluate(page_fits)
    phone.goto("/worklist/")
    assert phone.evaluate(page_fits)

    page.goto("/worklist/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Worklist")
    audit.check(page, "worklist with a student's two alerts")
    page.get_by_label("Habitual truant").check()
    page.get_by_role("button", name="Acknowledge ticked alerts").click()
    expect(page.get_by_role("status")).to_contain_text("1 alert acknowledged")
    page.get_by_role("button", name="Acknowledge 1 alert:").click()
    expect(page.get_by_text("Nothing new.")).to_be_visible()
    audit.check(page, "worklist after acknowledging")
    audit.assert_clean()


def test_district_dashboard_and_attendance_tab(district, page_as, audit):
    """The director's dashboard (with figures, filtered, empty) and the student's attendance tab."""
    import datetime

    from casework.calendars.services import grading_period_create
    from casework.reports.models import SchoolGradeSummary

    day = datetime.date
    page = page_as(district.director)
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", name="No figures yet")).to_be_visible()
    audit.check(page, "district dashboard without figures")

    for as_of, chronic in ((day(2025, 10, 1), 4), (day(2026, 1, 15), 9)):
        for school, grade in ((district.school_a, "05"), (district.school_b, "07")):
            SchoolGradeSummary.objects.create(
                as_of=as_of, school=school, grade=grade, source="recompute", students=40, students_counted=38,
                chronic=chronic, habitual=3, truant_7_302_2=0, mean_attendance_rate=0.93,
                bands={"satisfactory": 20, "at_risk": 9, "moderate_chronic": 6, "severe_chronic": 3})
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=2, name="As of 01/15/2026")).to_be_visible()
    for summary in page.locator("summary").all():
        summary.click()  # the tables in <details> are checked too
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "dashboard-desktop.png", full_page=True)
    audit.check(page, "district dashboard")
    page.get_by_label("School level").select_option("middle")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("row", name="Beta Middle")).to_be_visible()
    audit.check(page, "district dashboard filtered")

    a = district.school_a
    from casework.core.testing import factories as fac

    fac.session(school=a, begin=day(2025, 9, 1), end=day(2025, 9, 30), calendar_source="periods_with_counts")
    fac.calendar_dates(school=a, days={day(2025, 9, 1): "holiday"})
    grading_period_create(actor=None, school=a, school_year=2026, kind="quarter", sequence=1, name="Q1",
                          begin=day(2025, 9, 1), end=day(2025, 9, 30))
    for d, category in ((day(2025, 9, 3), "unexcused"), (day(2025, 9, 4), "tardy"), (day(2025, 9, 5), "excused")):
        fac.attendance_event(student=district.jose, school=a, date=d, category=category)
    fac.discipline_action(student=district.jose, school=a, start_date=day(2025, 9, 10))
    fac.program_participation(student=district.jose, kind="homeless", begin=day(2025, 9, 2))
    page.goto(f"/students/{district.jose.pk}/attendance/?as_of=2025-09-26")
    expect(page.get_by_role("heading", level=2, name="Alpha Elementary")).to_be_visible()
    for summary in page.locator("summary").all():
        summary.click()
    page.screenshot(path=SCREENSHOTS / "attendance-desktop.png", full_page=True)
    audit.check(page, "attendance tab")
    phone = page_as(district.director, viewport=PHONE, phone=True)
    phone.goto(f"/students/{district.jose.pk}/attendance/?as_of=2025-09-26")
    audit.check(phone, "attendance tab (phone)")
    phone.goto(f"/students/{district.zoe.pk}/attendance/")  # no calendar: the message in place of figures
    audit.check(phone, "attendance tab without a calendar")
    audit.assert_clean()
