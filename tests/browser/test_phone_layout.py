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
