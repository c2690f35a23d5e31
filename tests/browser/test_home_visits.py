"""The phone page in a real browser: check in, notes typed with no signal are kept on the phone,
survive a reload, and are sent (once) when the signal returns; then check out."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from casework.contacts.models import Contact, HomeVisit
from casework.core.testing import factories as f

from .conftest import SCREENSHOTS, AxeAudit, small_targets

pytestmark = pytest.mark.browser
SMALL_PHONE = {"width": 360, "height": 740}
TARGETS = ("main button, main a.button, main a.tap, main select, main label.cf-choice, "
           "main input:not([type=hidden]):not([type=radio]):not([type=checkbox])")
OFFLINE = "Saved on this phone — will send when you're back online."


def assert_fits(page: Page, what: str) -> None:
    size = page.evaluate("() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})")
    assert size["scroll"] <= size["inner"], f"{what} scrolls sideways: {size}"
    small = small_targets(page, TARGETS)
    assert small == [], f"{what}: targets under 44px: {small}"


def test_home_visit_notes_survive_no_signal(district, page_as, axe):
    case = f.case(student=district.jose, owner=district.ppw1)
    url = f"/home-visits/new/{case.pk}/"
    page = page_as(district.ppw1, viewport=SMALL_PHONE, phone=True)
    page.goto(url)
    expect(page.get_by_text("48 Maple Court Apt 3B, Gaithersburg, MD 20877")).to_be_visible()
    assert_fits(page, "home visit page")
    audit = AxeAudit(axe)
    audit.check(page, "home visit page")

    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("button", name="Check out — I'm safe")).to_be_visible()
    assert HomeVisit.objects.get().checked_out_at is None

    page.get_by_label("No: nobody answered").check()
    page.get_by_label("Grandmother: Rosa Martínez", exact=False).check()
    page.get_by_label("Summary").fill("Knocked at 10:05 and 10:15. Dog barking, no answer. Left a door hanger.")
    page.screenshot(path=SCREENSHOTS / "contacts-home-visit-phone.png", full_page=True)
    page.context.set_offline(True)
    page.get_by_role("button", name="Save visit notes").click()
    expect(page.get_by_role("status").filter(has_text=OFFLINE)).to_be_visible()
    assert Contact.objects.count() == 0
    page.close()

    # Back in the car, signal still bad: the page reloads, the draft is there, the send fails again.
    page.context.set_offline(False)
    again = page.context.new_page()
    again.route("**/home-visits/new/**", lambda route: route.abort() if route.request.method == "POST"
                else route.continue_())
    again.goto(url)
    expect(again.get_by_label("Summary")).to_have_value(
        "Knocked at 10:05 and 10:15. Dog barking, no answer. Left a door hanger.")
    expect(again.get_by_label("No: nobody answered")).to_be_checked()
    expect(again.get_by_label("Grandmother: Rosa Martínez", exact=False)).to_be_checked()
    expect(again.get_by_role("status").filter(has_text=OFFLINE)).to_be_visible()
    assert Contact.objects.count() == 0

    # Signal back: the draft goes by itself, once.
    again.unroute("**/home-visits/new/**")
    # Sent, the page goes on to the visit page (checked in still): wait for that navigation, or reading
    # localStorage below races it ("execution context was destroyed").
    with again.expect_navigation():
        again.context.set_offline(True)
        again.context.set_offline(False)
    expect(again.get_by_text("Home visit notes saved.")).to_be_visible()
    contact = Contact.objects.get()
    assert (contact.contact_type, contact.reached) == ("home_visit", False)
    assert [g.guardian.first_name for g in contact.guardians.all()] == ["Rosa"]
    assert again.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('casework:homevisit'))") == []

    again.get_by_role("button", name="Check out — I'm safe").click()
    expect(again.get_by_text("Checked out. Glad you're safe.")).to_be_visible()
    visit = HomeVisit.objects.get()
    assert visit.checked_out_at is not None and visit.contact == contact
    audit.check(again, "home visit page after check-out")

    again.goto(f"/cases/{case.pk}/contacts/")
    expect(again.get_by_text("1 attempt: 0 reached someone, 1 did not.", exact=False)).to_be_visible()
    assert_fits(again, "contacts tab")
    audit.check(again, "contacts tab")
    again.screenshot(path=SCREENSHOTS / "contacts-tab-phone.png", full_page=True)
    again.get_by_role("link", name="Correct this contact").click()
    expect(again.get_by_label("Summary")).to_have_value(contact.summary)
    audit.check(again, "contact correction page")
    audit.assert_clean()
