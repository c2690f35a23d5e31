"""A Pupil Personnel Worker's phone (390 CSS px wide): what is on the page must be reachable without
scrolling sideways, and big enough to hit."""

import datetime

import pytest

from .conftest import PHONE

pytestmark = pytest.mark.browser

D = datetime.date


def _alerts(district):
    """José with two new alerts at school A (the worklist's rows, the early-warning list's flags)."""
    from casework.indicators.tests.test_early_warning import crossing, indicator

    indicator(district.jose, district.school_a, rate=0.75, band="severe_chronic", absent=10, unlawful=8,
              chronic_absent=True, habitual_truant=True, abc_attendance=True)
    crossing(district.jose, district.school_a, "chronic_absent", D(2025, 10, 1),
             explanation="Absent 10 of 40 days (25.0%), at least 10%")
    crossing(district.jose, district.school_a, "habitual_truant", D(2025, 9, 26),
             explanation="Unlawfully absent 3 of 10 days in Q1")


# For each element matching the selector: its box, and whether a tap at its centre lands on it once the page
# is scrolled (vertically only) to it; a button inside a table that scrolls sideways is clipped by its box.
_BOXES = """sel => [...document.querySelectorAll(sel)].map(el => {
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 100);
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {text: (el.textContent || el.id).trim().slice(0, 40), left: r.left, right: r.right, width: r.width,
            height: r.height, tappable: !!hit && (el === hit || el.contains(hit) || hit.htmlFor === el.id)};
})"""


def test_worklist_buttons_and_tick_boxes_are_in_reach_on_a_phone(district, page_as):
    _alerts(district)
    phone = page_as(district.ppw1, viewport=PHONE, phone=True)
    phone.goto("/worklist/")
    width = phone.evaluate("document.documentElement.clientWidth")

    buttons = phone.evaluate(_BOXES, "main button")
    assert any(b["text"].startswith("Acknowledge all 2") for b in buttons), buttons
    off = [b for b in buttons if b["left"] < 0 or b["right"] > width or not b["tappable"]]
    assert not off, f"buttons out of reach at {width}px: {off}"

    # WCAG 2.2 target size: every tick box at least 24x24; the alert's label beside it, which ticks it, 44 high.
    boxes = phone.evaluate(_BOXES, "main input[type=checkbox]:not([hidden])")
    assert len(boxes) >= 2
    small = [b for b in boxes if b["width"] < 24 or b["height"] < 24 or not b["tappable"]]
    assert not small, f"tick boxes under 24x24px or covered: {small}"
    labels = phone.evaluate(_BOXES, "main .alerts label")
    assert labels and all(lb["height"] >= 44 for lb in labels), labels

    # Tapping the label (not the little box) ticks the alert.
    phone.get_by_text("Habitual truant", exact=True).tap()
    assert phone.get_by_role("checkbox", name="Habitual truant, 09/26/2025").is_checked()


# Does the page itself scroll sideways? (A wide table may scroll inside its own box, never the page.)
_PAGE_FITS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
_TOO_WIDE = """() => [...document.querySelectorAll('body *')].filter(el => el.getBoundingClientRect().right >
    document.documentElement.clientWidth + 1 && !el.closest('.table-wrap')).slice(0, 5)
    .map(el => el.outerHTML.slice(0, 100))"""

# Each box that scrolls sideways: its edge-shadow cue (.table-wrap's "scroll" backgrounds), tabindex and name.
_SCROLL_BOXES = """() => [...document.querySelectorAll('main *')].filter(el => el.scrollWidth > el.clientWidth + 1
    && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)).map(el => ({
        html: el.outerHTML.slice(0, 80), cue: getComputedStyle(el).backgroundImage.includes('radial-gradient'),
        focusable: el.tabIndex >= 0, named: el.getAttribute('role') === 'region'
            && (el.hasAttribute('aria-labelledby') || el.hasAttribute('aria-label'))}))"""


def test_main_pages_fit_a_phone(district, page_as, switch_user):
    """The main pages of a PPW's day and the director's settings, at 390px: no sideways scrolling."""
    from importlib import import_module

    from django.apps import apps

    from casework.core.testing import factories as f
    from casework.enforcement.defaults import create_default
    from casework.enforcement.models import Ladder, LadderStep

    # The shipped rows (data migrations) are flushed by transactional_db: the ladder and the Ed-Fi mappings.
    create_default(Ladder, LadderStep)
    import_module("casework.attendance.migrations.0002_edfi_default_descriptors").seed(apps, None)
    _alerts(district)
    case = f.case(student=district.jose, owner=district.ppw1)
    jose, a = district.jose.pk, district.school_a.code
    pages = {
        district.ppw1: ["/", "/my-day/", "/students/", f"/students/{jose}/", f"/students/{jose}/attendance/",
                        "/worklist/", "/early-warning/", f"/schools/{a}/early-warning/", "/cases/",
                        f"/cases/{case.pk}/", f"/cases/{case.pk}/ladder/", f"/cases/{case.pk}/plans/",
                        "/referrals/triage/", "/hearings/"],
        district.director: ["/dashboard/", "/caseloads/", "/ladder/settings/", "/ladder/report/",
                            "/attendance/descriptors/", "/imports/", "/imports/codes/", "/imports/guide/",
                            "/interventions/", "/schools/", "/cases/approvals/"],
    }
    phone = page_as(None, viewport=PHONE, phone=True)
    wide, uncued, scrolling = {}, {}, set()
    for user, urls in pages.items():
        switch_user(phone, user)
        for url in urls:
            response = phone.goto(url)
            assert response.status == 200, url
            if not phone.evaluate(_PAGE_FITS):
                wide[url] = phone.evaluate(_TOO_WIDE) or phone.evaluate(
                    "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            boxes = phone.evaluate(_SCROLL_BOXES)
            if boxes:
                scrolling.add(url)
            if bad := [b for b in boxes if not (b["cue"] and b["focusable"] and b["named"])]:
                uncued[url] = bad
    assert not wide, f"pages wider than a 390px phone: {wide}"
    # A table that scrolls in its box says so (the edge shadow), and a keyboard can scroll it.
    assert not uncued, f"tables scrolling sideways without a cue, focus or name: {uncued}"
    assert "/ladder/settings/" in scrolling  # the check above had something to check


# Each chart label on show: its rendered height in CSS px (its font size in SVG units times the drawing's scale).
_CHART_TEXT = """() => [...document.querySelectorAll('svg.chart text')].filter(t => t.getClientRects().length)
    .map(t => ({text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a}))"""
_CHARTS_SHOWN = """() => [...document.querySelectorAll('svg.chart')].filter(s => s.getClientRects().length)
    .map(s => [s.id, s.viewBox.baseVal.width, Math.round(s.getBoundingClientRect().width)])"""


def test_chart_labels_are_readable_on_a_phone_and_the_desktop_drawing_is_unchanged(district, page_as):
    """The dashboard's charts and the attendance tab's running-rate chart: labels 11px or more at 390px."""
    from casework.calendars.services import grading_period_create
    from casework.core.testing import factories as f
    from casework.reports.models import SchoolGradeSummary

    from .conftest import DESKTOP

    a = district.school_a
    for as_of, chronic in ((D(2025, 10, 1), 4), (D(2026, 1, 15), 9)):
        for school, grade in ((a, "05"), (district.school_b, "07")):
            SchoolGradeSummary.objects.create(
                as_of=as_of, school=school, grade=grade, source="recompute", students=40, students_counted=38,
                chronic=chronic, habitual=3, truant_7_302_2=0, mean_attendance_rate=0.93,
                bands={"satisfactory": 20, "at_risk": 9, "moderate_chronic": 6, "severe_chronic": 3})
    f.session(school=a, begin=D(2025, 9, 1), end=D(2025, 9, 30), calendar_source="periods_with_counts")
    grading_period_create(actor=None, school=a, school_year=2026, kind="quarter", sequence=1, name="Q1",
                          begin=D(2025, 9, 1), end=D(2025, 9, 30))
    for day, category in ((D(2025, 9, 3), "unexcused"), (D(2025, 9, 10), "unexcused"), (D(2025, 9, 17), "tardy")):
        f.attendance_event(student=district.jose, school=a, date=day, category=category)
    urls = ("/dashboard/", f"/students/{district.jose.pk}/attendance/?as_of=2025-09-26")

    for name, options in (("phone", {"viewport": PHONE, "phone": True}), ("desktop", {"viewport": DESKTOP})):
        page = page_as(district.director, **options)
        for url in urls:
            page.goto(url)
            shown = page.evaluate(_CHARTS_SHOWN)
            assert len(shown) == (4 if url == "/dashboard/" else 1), (name, url, shown)
            labels = page.evaluate(_CHART_TEXT)
            assert labels, (name, url)
            small = [label for label in labels if label["px"] < 11]
            assert not small, f"{url} on a {name}: chart labels under 11px: {small[:5]}"
            if name == "desktop":  # the 640-unit drawing at its own size, as before
                assert all(width == drawn == 640 for _, width, drawn in shown), shown
            else:
                assert all(chart_id.endswith("-narrow") for chart_id, _, _ in shown), shown
