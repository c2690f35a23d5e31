"""A session's end in a real browser (casework/core/static/casework/session.js).

Signing out, or another user signing in, clears every other Casework tab of the browser; the same user's
tabs stay. A tab back in the foreground clears itself once its session is gone (unless something was typed
into it). A form saved after the session ended keeps its text, says so, and goes once the PPW signs in again;
never as someone else."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect

from casework.contacts.models import Contact
from casework.core.testing import factories as f

from .conftest import PHONE, AxeAudit, sign_in_cookie, sign_in_with_form

pytestmark = pytest.mark.browser
CLEARED = "Signed out — this page was cleared for privacy"
ENDED = "Your Casework session has ended, so this was not saved. What you typed is still here."
OTHER = "Someone else is now signed in to Casework in this browser, so this was not saved."
NOTE = (
    "Called grandmother at 3:40. She says the bus stopped coming after the route change and José has been "
    "walking with his cousin when it rains. Agreed to meet at school on Thursday with the transport office."
)
# What the student pages show; none of it may stay in a cleared tab's document.
STUDENT_DATA = ("García", "José", "Maple Court", "Gaithersburg", "Rosa")


def cleared(page: Page) -> None:
    expect(page.get_by_role("heading", level=1, name=CLEARED)).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    html = page.content()
    leaked = [text for text in STUDENT_DATA if text in html]
    assert leaked == [], f"a cleared tab still holds {leaked}"
    assert page.title() == "Signed out · Casework"


def not_cleared(page: Page, text: str) -> None:
    page.wait_for_timeout(700)  # time for a message from the other tab to arrive
    expect(page.get_by_text(text).first).to_be_visible()
    expect(page.get_by_role("heading", name=CLEARED)).to_have_count(0)


def new_tab(page: Page) -> Page:
    """Another tab of the same browser, its script errors kept like page_as's."""
    tab = page.context.new_page()
    tab.js_errors = []
    tab.on("pageerror", lambda exc: tab.js_errors.append(str(exc)))
    return tab


def back_in_the_foreground(page: Page) -> None:
    """What a phone does when the PPW comes back to the browser (headless tabs never go hidden)."""
    with page.expect_response("**/accounts/session/"):
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")


def test_signing_out_clears_every_other_tab(district, page_as, axe, live_server):
    case = f.case(student=district.jose, owner=district.ppw1)
    visit = page_as(district.ppw1, viewport=PHONE, phone=True)
    visit.goto(f"/home-visits/new/{case.pk}/")
    expect(visit.get_by_text("48 Maple Court Apt 3B, Gaithersburg, MD 20877")).to_be_visible()
    profile = new_tab(visit)
    profile.goto(f"/students/{district.jose.pk}/")
    expect(profile.get_by_role("heading", level=1)).to_contain_text("García, José")

    third = visit.context.new_page()
    third.goto("/")
    third.get_by_role("button", name="Sign out").click()
    expect(third.get_by_role("heading", name="Sign in")).to_be_visible()

    for page in (visit, profile):
        cleared(page)
        assert case.number not in page.content()
    audit = AxeAudit(axe)
    audit.check(visit, "a tab cleared at sign-out")
    audit.assert_clean()
    # Its sign-in link comes back to the same page (an id in the path, nothing else).
    profile.get_by_role("link", name="Sign in").click()
    expect(profile).to_have_url(f"{live_server.url}/accounts/login/?next=/students/{district.jose.pk}/")
    assert visit.js_errors == [] and profile.js_errors == []


def test_without_broadcast_channel_a_storage_event_carries_it(district, page_as):
    page = page_as(district.ppw1)
    page.context.add_init_script("delete window.BroadcastChannel;")
    page.goto(f"/students/{district.jose.pk}/")
    other = page.context.new_page()
    other.goto("/")
    assert other.evaluate("typeof BroadcastChannel") == "undefined"
    other.get_by_role("button", name="Sign out").click()
    cleared(page)
    assert other.evaluate("Object.keys(localStorage)") == []  # the message is not left behind


def test_another_user_signing_in_clears_the_tab(district, page_as):
    page = page_as(district.ppw1)
    page.goto(f"/students/{district.jose.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("García, José")
    # ppw1's session ended without a sign-out here (timed out); the director signs in on the same browser.
    page.context.clear_cookies()
    other = page.context.new_page()
    sign_in_with_form(other, "director")
    expect(other.get_by_role("heading", level=1)).to_be_visible()
    cleared(page)


def test_the_same_user_signing_in_again_keeps_their_tabs(district, page_as):
    page = page_as(district.ppw1)
    page.goto(f"/students/{district.jose.pk}/")
    Session.objects.all().delete()  # timed out
    other = page.context.new_page()
    sign_in_with_form(other, "ppw1")
    expect(other.get_by_role("heading", level=1)).to_be_visible()
    other.goto(f"/students/{district.sibling.pk}/")
    not_cleared(page, "García, José")
    back_in_the_foreground(page)  # signed in, as the same user: nothing to do
    not_cleared(page, "García, José")


def test_a_tab_back_in_the_foreground_clears_itself_once_its_session_is_gone(district, page_as, live_server):
    page = page_as(district.ppw1)
    page.goto(f"/students/{district.jose.pk}/")
    # Someone else's session now, and no message reached this tab (a phone froze it in the background).
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    sign_in_cookie(page.context, district.director, live_server.url)
    back_in_the_foreground(page)
    cleared(page)

    # Merely timed out: a page with nothing typed clears; a form with typed text stays and says why.
    case = f.case(student=district.jose, owner=district.ppw1)
    switch = page.context.new_page()
    switch.context.clear_cookies()
    sign_in_cookie(switch.context, district.ppw1, live_server.url)
    switch.goto(f"/students/{district.jose.pk}/")
    typed = page.context.new_page()
    typed.goto(f"/cases/{case.pk}/contacts/")
    typed.get_by_label("Summary").fill(NOTE)
    Session.objects.all().delete()
    back_in_the_foreground(switch)
    cleared(switch)
    back_in_the_foreground(typed)
    expect(typed.get_by_role("alert").filter(has_text=ENDED)).to_be_visible()
    expect(typed.get_by_label("Summary")).to_have_value(NOTE)


def log_a_contact(page: Page, case) -> None:
    page.goto(f"/cases/{case.pk}/contacts/")
    page.get_by_label("Type of contact").select_option(label="Phone call")
    page.get_by_label("Yes, I reached someone").check()
    page.get_by_label("Summary").fill(NOTE)


@pytest.mark.parametrize("how", ["cookie deleted", "session flushed"])
def test_a_form_saved_after_the_session_ended_keeps_its_text_and_goes_after_signing_in(district, page_as, axe, how):
    case = f.case(student=district.jose, owner=district.ppw1)
    page = page_as(district.ppw1, viewport=PHONE, phone=True)
    log_a_contact(page, case)
    url = page.url
    if how == "cookie deleted":
        page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    else:
        Session.objects.all().delete()

    page.get_by_role("button", name="Log contact").click()
    alert = page.get_by_role("alert").filter(has_text=ENDED)
    expect(alert).to_be_focused()
    expect(alert).to_be_in_viewport()
    assert page.url == url and Contact.objects.count() == 0
    expect(page.get_by_label("Summary")).to_have_value(NOTE)
    expect(page.get_by_label("Yes, I reached someone")).to_be_checked()
    audit = AxeAudit(axe)
    audit.check(page, "contact form, session ended")
    audit.assert_clean()

    # Sign in again in a new tab (a new CSRF token comes with it), come back, save again.
    with page.context.expect_page() as opened:
        alert.get_by_role("link", name="Sign in again (opens a new tab)").click()
    sign_in_with_form(opened.value, "ppw1")
    expect(opened.value.get_by_role("heading", level=1)).to_be_visible()
    not_cleared(page, "Log a contact")
    with page.expect_navigation():
        page.get_by_role("button", name="Log contact").click()
    contact = Contact.objects.get()
    assert (contact.summary, contact.worker, contact.reached) == (NOTE, district.ppw1, True)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert page.js_errors == []


def test_a_form_is_not_sent_as_someone_else(district, page_as, live_server):
    case = f.case(student=district.jose, owner=district.ppw1)
    page = page_as(district.ppw1)
    log_a_contact(page, case)
    # The director's session now, without a page of theirs having told this tab.
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    sign_in_cookie(page.context, district.director, live_server.url)
    page.get_by_role("button", name="Log contact").click()
    expect(page.get_by_role("alert").filter(has_text=OTHER)).to_be_focused()
    page.wait_for_timeout(500)
    assert Contact.objects.count() == 0
    expect(page.get_by_label("Summary")).to_have_value(NOTE)

    # ppw1 back: the same form goes, as theirs.
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    sign_in_cookie(page.context, district.ppw1, live_server.url)
    with page.expect_navigation():
        page.get_by_role("button", name="Log contact").click()
    assert Contact.objects.get().worker == district.ppw1


def test_with_no_answer_from_the_check_the_form_goes_as_before(district, page_as):
    case = f.case(student=district.jose, owner=district.ppw1)
    page = page_as(district.ppw1)
    log_a_contact(page, case)
    page.route("**/accounts/session/", lambda route: route.abort())
    with page.expect_navigation():
        page.get_by_role("button", name="Log contact").click()
    assert Contact.objects.get().summary == NOTE


def test_sign_out_is_not_held_back_by_an_ended_session(district, page_as):
    page = page_as(district.ppw1)
    page.goto("/")
    Session.objects.all().delete()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
