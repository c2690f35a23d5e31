"""The phone page in a real browser: check in, notes typed with no signal are kept on the phone,
survive a reload, and are sent (once) when the signal returns; then check out. Notes saved after the
session ended are kept, the page asks the PPW to sign in again, and they go once they have; never
under another user who signs in on the same phone meanwhile, who does not see them either."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect

from casework.contacts.models import Contact, HomeVisit
from casework.contacts.views import OTHER_AUTHOR
from casework.core.testing import factories as f

from .conftest import PHONE, SCREENSHOTS, AxeAudit, sign_in_with_form, small_targets

pytestmark = pytest.mark.browser
SMALL_PHONE = {"width": 360, "height": 740}
TARGETS = ("main button, main a.button, main a.tap, main select, main label.cf-choice, "
           "main input:not([type=hidden]):not([type=radio]):not([type=checkbox])")
OFFLINE = "Saved on this phone — will send when you're back online."
SIGNED_OUT = "Your Casework session has ended, so the notes were not sent. They are kept on this phone."
NOTES = "Knocked at 4:10 and 4:20. Lights on, nobody came to the door. Left a door hanger."


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


def drafts(page: Page) -> list:
    return page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('casework:homevisit'))")


def test_notes_saved_after_the_session_ended_wait_for_a_new_sign_in_and_go_once(district, page_as, axe):
    case = f.case(student=district.jose, owner=district.ppw1)
    page = page_as(district.ppw1, viewport=PHONE, phone=True)
    page.goto(f"/home-visits/new/{case.pk}/")
    page.get_by_label("No: nobody answered").check()
    page.get_by_label("Summary").fill(NOTES)

    # The session ends while the PPW is at the door (timed out, or signed out on another device).
    Session.objects.all().delete()
    page.get_by_role("button", name="Save visit notes").click()
    expect(page.get_by_role("status")).to_have_text(SIGNED_OUT)
    sign_in = page.get_by_role("link", name="Sign in again (opens a new tab)")
    expect(sign_in).to_be_visible()
    assert sign_in.get_attribute("target") == "_blank"
    page.screenshot(path=SCREENSHOTS / "contacts-home-visit-signed-out.png")
    assert Contact.objects.count() == 0 and len(drafts(page)) == 1
    audit = AxeAudit(axe)
    audit.check(page, "home visit page, session ended")
    audit.assert_clean()

    # Signing in again in a new tab gives a new CSRF token; the waiting page sends with it, by itself.
    with page.context.expect_page() as opened:
        sign_in.click()
    other = opened.value
    other.get_by_label("Username").fill("ppw1")
    other.get_by_label("Password").fill(f.PASSWORD)
    other.get_by_role("button", name="Sign in").click()
    expect(other.get_by_role("heading", level=1)).to_be_visible()

    expect(page.get_by_text("Home visit notes saved.")).to_be_visible()
    # homevisit.js shows "saved", then goes to the contacts tab: wait for it rather than read the URL at once.
    page.wait_for_url(f"**/cases/{case.pk}/contacts/")
    contact = Contact.objects.get()
    assert (contact.summary, contact.reached, contact.worker) == (NOTES, False, district.ppw1)
    assert drafts(page) == [] and page.js_errors == []
    page.wait_for_timeout(2000)  # no retry left running behind it
    assert Contact.objects.count() == 1


def test_notes_whose_answer_was_lost_are_not_logged_twice(district, page_as):
    """The server saved the notes but the phone never heard back: offline, then the resend is matched
    by its client key."""
    case = f.case(student=district.jose, owner=district.ppw1)
    url = f"/home-visits/new/{case.pk}/"
    page = page_as(district.ppw1, viewport=PHONE, phone=True)
    page.goto(url)

    def lose_the_answer(route):
        if route.request.method == "POST":
            route.fetch()  # reaches the server, which logs the contact
            route.abort()
        else:
            route.continue_()

    page.route("**/home-visits/new/**", lose_the_answer)
    page.get_by_label("Yes, I met the family").check()
    page.get_by_label("Summary").fill(NOTES)
    page.get_by_role("button", name="Save visit notes").click()
    expect(page.get_by_role("status")).to_have_text(OFFLINE)
    assert Contact.objects.count() == 1 and len(drafts(page)) == 1

    page.unroute("**/home-visits/new/**")
    with page.expect_navigation():
        page.context.set_offline(True)
        page.context.set_offline(False)
    expect(page.get_by_text("Visit notes already saved.")).to_be_visible()
    assert Contact.objects.count() == 1 and drafts(page) == []


def test_a_server_error_is_not_called_offline(district, page_as):
    case = f.case(student=district.jose, owner=district.ppw1)
    page = page_as(district.ppw1, viewport=PHONE, phone=True)
    page.goto(f"/home-visits/new/{case.pk}/")
    page.route("**/home-visits/new/**", lambda route: route.fulfill(status=500, body="<h1>Something went wrong</h1>",
                                                                    content_type="text/html")
               if route.request.method == "POST" else route.continue_())
    page.get_by_label("Yes, I met the family").check()
    page.get_by_label("Summary").fill(NOTES)
    page.get_by_role("button", name="Save visit notes").click()
    expect(page.get_by_role("status")).to_contain_text("Casework could not save the notes (error 500)")
    expect(page.get_by_role("status")).not_to_have_text(OFFLINE)
    assert Contact.objects.count() == 0 and len(drafts(page)) == 1


def test_notes_without_met_chosen_show_the_summary_on_the_phone(district, page_as):
    case = f.case(student=district.jose, owner=district.ppw1)
    page = page_as(district.ppw1, viewport=PHONE, phone=True)
    page.goto(f"/home-visits/new/{case.pk}/")
    page.get_by_label("Summary").fill(NOTES)
    page.get_by_role("button", name="Save visit notes").click()
    summary = page.get_by_role("alert").filter(has_text="needs fixing")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    page.screenshot(path=SCREENSHOTS / "contacts-home-visit-errors.png")
    summary.get_by_role("link", name="Did you meet anyone?", exact=False).click()
    expect(page.get_by_label("Summary")).to_have_value(NOTES)
    assert Contact.objects.count() == 0


def test_notes_waiting_on_the_phone_are_not_sent_as_or_shown_to_another_user(district, page_as, axe):
    """PPW 1's notes wait on the phone after their session ended; PPW 2 signs in on the same phone. The
    notes are refused for PPW 2 (not logged under someone who did not make the visit), hidden from them
    on the waiting page and not restored on theirs; they go once, as PPW 1's, when PPW 1 signs in."""
    case = f.case(student=district.jose, owner=district.ppw1)
    url = f"/home-visits/new/{case.pk}/"
    f.user(username="ppw2", role="ppw", schools=[district.school_a])  # may work the same case
    page = page_as(district.ppw1, viewport=PHONE, phone=True)
    page.goto(url)
    page.get_by_label("No: nobody answered").check()
    page.get_by_label("Summary").fill(NOTES)
    Session.objects.all().delete()
    page.get_by_role("button", name="Save visit notes").click()
    expect(page.get_by_role("status")).to_have_text(SIGNED_OUT)

    other = page.context.new_page()
    sign_in_with_form(other, "ppw2")
    expect(other.get_by_role("heading", level=1)).to_be_visible()
    # The waiting page notices the new sign-in and sends: refused, and the notes go out of sight.
    expect(page.get_by_role("status")).to_have_text(OTHER_AUTHOR)
    expect(page.get_by_label("Summary")).to_be_hidden()
    expect(page.get_by_role("button", name="Save visit notes")).to_be_hidden()
    assert Contact.objects.count() == 0 and len(drafts(page)) == 1
    audit = AxeAudit(axe)
    audit.check(page, "home visit page, notes of another user")
    audit.assert_clean()

    # PPW 2 opens the same case's page on this phone: an empty form, nothing restored or sent.
    other.goto(url)
    expect(other.get_by_label("Summary")).to_have_value("")
    expect(other.locator("#hv-status")).to_be_empty()  # no "Restored what you typed earlier"
    assert other.get_by_text(NOTES).count() == 0
    other.wait_for_timeout(2000)
    assert Contact.objects.count() == 0 and len(drafts(other)) == 1

    # PPW 2 signs out; PPW 1 signs in: the waiting page sends the notes, once, as PPW 1's.
    Session.objects.all().delete()
    sign_in_with_form(other, "ppw1")
    expect(other.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Home visit notes saved.")).to_be_visible()
    contact = Contact.objects.get()
    assert (contact.summary, contact.reached, contact.worker) == (NOTES, False, district.ppw1)
    assert drafts(page) == [] and page.js_errors == []
    page.wait_for_timeout(2000)
    assert Contact.objects.count() == 1
