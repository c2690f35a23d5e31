import datetime
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casework.cases.choices import EventKind
from casework.cases.models import CaseEvent
from casework.contacts.choices import ContactType
from casework.contacts.forms import MET_REQUIRED, REACHED_REQUIRED
from casework.contacts.models import Contact, HomeVisit
from casework.contacts.views import NO_AUTHOR, OTHER_AUTHOR
from casework.core.testing import factories as f

from .factories import contact, home_visit

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def case_a(world):
    return f.case(student=world.student_a, owner=world.user("ppw"))


def form_data(world, **overrides):
    when = timezone.localtime() - datetime.timedelta(hours=1)
    data = {"contact_type": ContactType.PHONE_CALL, "date": when.date().isoformat(), "time": when.strftime("%H:%M"),
            "duration_minutes": "15", "reached": "yes",
            "guardians": [world.student_a.guardian_links.get().pk], "agency_people": "Dana Brooks, DSS",
            "location": "", "summary": "Grandmother says the bus stopped coming.", "follow_ups": "",
            "follow_up_due": "", "client_key": str(uuid.uuid4())}
    data.update(overrides)
    return data


def notes_data(world, author=None, **overrides):
    """The phone page's notes form, written by `author` (the PPW by default)."""
    data = form_data(world, author=str((author or world.user("ppw")).pk), **overrides)
    del data["contact_type"]
    return data


def test_tab_shows_staff_and_agency_contacts_apart_from_the_attempts(world, case_a):
    contact(case=case_a, contact_type=ContactType.ATTEMPTED, reached=False, summary="No answer at the door")
    contact(case=case_a, contact_type=ContactType.STAFF_CONSULTATION, summary="Talked to the teacher")
    contact(case=case_a, contact_type=ContactType.AGENCY, summary="Called the DSS worker")
    page = client_for(world.user("ppw")).get(
        reverse("contacts:case_contacts", kwargs={"case_pk": case_a.pk})).content.decode()
    assert "<strong>1</strong> attempt: <strong>0</strong> reached someone, <strong>1</strong> did not." in page
    assert "Not counted as attempts: consultation with staff 1, agency contact 1." in page


def test_tab_lists_contacts_newest_first_with_counts_and_type_filter(world, case_a):
    now = timezone.now()
    contact(case=case_a, contact_type=ContactType.LETTER, occurred_at=now - datetime.timedelta(days=3),
            summary="Sent the 5-day letter")
    contact(case=case_a, contact_type=ContactType.HOME_VISIT, reached=False,
            occurred_at=now - datetime.timedelta(days=1), summary="Knocked twice, nobody home")
    response = client_for(world.user("ppw")).get(reverse("contacts:case_contacts", kwargs={"case_pk": case_a.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Knocked twice") < page.index("Sent the 5-day letter")
    assert "<strong>2</strong> attempts: <strong>1</strong> reached someone, <strong>1</strong> did not." in page
    assert "Start home visit" in page
    assert 'aria-current="page">Contacts</a>' in page  # the case tab, marked current
    assert reverse("contacts:safety") not in page  # the safety list is for PPS leaders
    director_page = client_for(world.user("director")).get(
        reverse("contacts:case_contacts", kwargs={"case_pk": case_a.pk})).content.decode()
    assert f'href="{reverse("contacts:safety")}"' in director_page
    filtered = client_for(world.user("ppw")).get(
        reverse("contacts:case_contacts", kwargs={"case_pk": case_a.pk}), {"type": "letter"}).content.decode()
    assert "Sent the 5-day letter" in filtered and "Knocked twice" not in filtered
    bad = client_for(world.user("ppw")).get(reverse("contacts:case_contacts", kwargs={"case_pk": case_a.pk}),
                                            {"type": "nonsense"})
    assert bad.status_code == 200  # an unknown filter shows everything, not a traceback


def test_logging_a_contact_from_the_tab(world, case_a):
    client = client_for(world.user("ppw"))
    url = reverse("contacts:case_contacts", kwargs={"case_pk": case_a.pk})
    response = client.post(url, form_data(world))
    assert response.status_code == 302 and response["Location"] == url
    c = Contact.objects.get()
    assert (c.contact_type, c.duration_minutes, c.reached, c.agency_people) == (
        ContactType.PHONE_CALL, 15, True, [{"name": "Dana Brooks", "agency": "DSS"}])
    assert CaseEvent.objects.get(kind=EventKind.CONTACT).summary == \
        "Phone call with grandmother, Dana Brooks (DSS), 15 min"


def test_a_future_time_is_shown_as_a_form_error(world, case_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(world.user("ppw")).post(
        reverse("contacts:case_contacts", kwargs={"case_pk": case_a.pk}), form_data(world, date=tomorrow.isoformat()))
    assert response.status_code == 400
    page = response.content.decode()
    assert "cannot be in the future" in page and "Grandmother says the bus stopped coming." in page
    assert not Contact.objects.exists()


def test_another_students_guardian_cannot_be_posted(world, case_a):
    f.guardian(student=world.student_b, relationship="father")
    other = world.student_b.guardian_links.get()
    response = client_for(world.user("ppw")).post(
        reverse("contacts:case_contacts", kwargs={"case_pk": case_a.pk}), form_data(world, guardians=[other.pk]))
    assert response.status_code == 400 and not Contact.objects.exists()


def test_out_of_scope_cases_and_contacts_answer_404(world, case_a):
    case_b = f.case(student=world.student_b)
    theirs = contact(case=case_b, summary="Nguyen family")
    ppw = client_for(world.user("ppw"))
    assert ppw.get(reverse("contacts:case_contacts", kwargs={"case_pk": case_b.pk})).status_code == 404
    assert ppw.get(reverse("contacts:detail", kwargs={"pk": theirs.pk})).status_code == 404
    assert ppw.post(reverse("contacts:case_contacts", kwargs={"case_pk": case_b.pk}),
                    form_data(world)).status_code == 404
    assert ppw.post(reverse("contacts:check_in", kwargs={"case_pk": case_b.pk})).status_code == 404
    principal = client_for(world.user("school_admin"))
    assert principal.get(reverse("contacts:case_contacts", kwargs={"case_pk": case_a.pk})).status_code == 404
    assert not Contact.objects.filter(case=case_b).exclude(pk=theirs.pk).exists()


def test_sensitive_case_contacts_hidden_from_a_ppw_not_named(world):
    crisis = f.case(student=world.student_a, case_type="crisis", owner=world.user("director"))
    c = contact(case=crisis)
    ppw = client_for(world.user("ppw"))
    assert ppw.get(reverse("contacts:case_contacts", kwargs={"case_pk": crisis.pk})).status_code == 404
    assert ppw.get(reverse("contacts:detail", kwargs={"pk": c.pk})).status_code == 404


def test_stale_edit_keeps_the_typed_text_and_says_so(world, case_a):
    c = contact(case=case_a, actor=world.user("ppw"), summary="Original")
    ppw, supervisor = client_for(world.user("ppw")), client_for(world.user("supervisor"))
    url = reverse("contacts:detail", kwargs={"pk": c.pk})
    assert 'name="version" value="1"' in ppw.get(url).content.decode()
    data = form_data(world, version="1")
    del data["client_key"]
    assert supervisor.post(url, {**data, "summary": "Supervisor's correction"}).status_code == 302
    response = ppw.post(url, {**data, "summary": "My careful rewrite"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed by someone else since you opened it" in page
    assert "My careful rewrite" in page and 'name="version" value="2"' in page
    c.refresh_from_db()
    assert c.summary == "Supervisor's correction"
    # Saving again, knowingly, over the newer version.
    assert ppw.post(url, {**data, "version": "2", "summary": "My careful rewrite"}).status_code == 302
    c.refresh_from_db()
    assert (c.summary, c.version) == ("My careful rewrite", 3)


def test_home_visit_page_check_in_notes_check_out(world, case_a):
    ppw = client_for(world.user("ppw"))
    page_url = reverse("contacts:home_visit", kwargs={"case_pk": case_a.pk})
    page = ppw.get(page_url).content.decode()
    assert "Check in" in page and f'data-draft-key="casework:homevisit:{case_a.pk}:{world.user("ppw").pk}"' in page
    assert "García" not in page.split("data-draft-key=")[1].split(">")[0]
    assert ppw.post(reverse("contacts:check_in", kwargs={"case_pk": case_a.pk}), {"minutes": "90"}).status_code == 302
    visit = HomeVisit.objects.get()
    assert visit.expected_back_at - visit.checked_in_at == datetime.timedelta(minutes=90)
    assert "Check out — I&#x27;m safe" in ppw.get(page_url).content.decode() or \
        "Check out — I'm safe" in ppw.get(page_url).content.decode()
    assert f'name="author" value="{world.user("ppw").pk}"' in page
    data = notes_data(world, reached="no", summary="Nobody answered; left a door hanger.")
    response = ppw.post(page_url, data)
    assert response.status_code == 302 and response["Location"] == page_url  # still checked in
    c = Contact.objects.get()
    assert (c.contact_type, c.reached) == (ContactType.HOME_VISIT, False)
    visit.refresh_from_db()
    assert visit.contact == c
    assert ppw.post(reverse("contacts:check_out", kwargs={"pk": visit.pk}), {"outcome": "no_answer"}).status_code == 302
    visit.refresh_from_db()
    assert visit.checked_out_at is not None and visit.outcome == "no_answer"


def test_home_visit_notes_by_fetch_are_idempotent(world, case_a):
    ppw = client_for(world.user("ppw"))
    url = reverse("contacts:home_visit", kwargs={"case_pk": case_a.pk})
    data = notes_data(world)
    first = ppw.post(url, data, headers={"Accept": "application/json"})
    again = ppw.post(url, data, headers={"Accept": "application/json"})
    assert first.status_code == again.status_code == 200
    assert first.json()["replayed"] is False and again.json()["replayed"] is True
    assert first.json()["contact"] == again.json()["contact"]
    assert first.json()["next"] == reverse("contacts:case_contacts", kwargs={"case_pk": case_a.pk})
    assert Contact.objects.count() == 1
    bad = ppw.post(url, {**data, "summary": "", "client_key": str(uuid.uuid4())},
                   headers={"Accept": "application/json"})
    assert bad.status_code == 400 and "summary" in bad.json()["errors"]


def test_only_the_worker_or_a_leader_checks_out(world, case_a):
    visit = home_visit(case=case_a, worker=world.user("director"))
    url = reverse("contacts:check_out", kwargs={"pk": visit.pk})
    assert client_for(world.user("ppw")).post(url).status_code == 404
    response = client_for(world.user("supervisor")).post(url, {"from": "safety"})
    assert response.status_code == 302 and response["Location"] == reverse("contacts:safety")
    visit.refresh_from_db()
    assert visit.checked_out_by == world.user("supervisor")


def test_safety_list_shows_overdue_workers_without_student_names(world, case_a):
    ppw_user = world.user("ppw")
    ppw_user.first_name, ppw_user.last_name, ppw_user.phone = "Paula", "Worker", "301-555-0199"
    ppw_user.save()
    crisis = f.case(student=world.student_b, case_type="crisis", owner=world.user("director"))
    late = home_visit(case=case_a, worker=ppw_user, minutes=30, now=timezone.now() - datetime.timedelta(hours=1))
    hidden_case = home_visit(case=crisis, worker=world.user("director"), minutes=15,
                             now=timezone.now() - datetime.timedelta(minutes=30))
    home_visit(case=f.case(student=world.student_a, case_type="residency"), worker=world.user("director"))
    response = client_for(world.user("supervisor")).get(reverse("contacts:safety"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Overdue check-outs (2)" in page and "Out on a visit now (1)" in page
    assert "Paula Worker" in page and "301-555-0199" in page and late.case.number in page
    assert hidden_case.case.number in page  # a crisis case's worker is the one to worry about
    assert "García" not in page and "Nguy" not in page
    assert client_for(ppw_user).get(reverse("contacts:safety")).status_code == 404


def test_a_contact_without_reached_chosen_is_refused_with_a_summary_on_top(world, case_a):
    """No outcome is pre-selected: an attempt saved without answering must not count as reached."""
    client = client_for(world.user("ppw"))
    url = reverse("contacts:case_contacts", kwargs={"case_pk": case_a.pk})
    assert 'checked' not in client.get(url).content.decode().split('name="reached"')[1].split(">")[0]
    data = form_data(world, summary="Called twice.")
    del data["reached"]
    response = client.post(url, data)
    assert response.status_code == 400 and not Contact.objects.exists()
    page = response.content.decode()
    form = page[page.index('<h2 id="log-h">'):]
    summary = form.index('class="error error-summary"')
    assert summary < form.index('name="contact_type"')  # above the fields, where the form starts
    assert 'role="alert"' in form[summary - 40:summary + 80] and "autofocus" in form[summary:summary + 120]
    assert f'<a href="#id_reached_0">Did you reach the person? — {REACHED_REQUIRED}</a>' in form
    assert "Called twice." in form  # what was typed is kept


def test_home_visit_notes_without_met_chosen_are_refused(world, case_a):
    ppw = client_for(world.user("ppw"))
    url = reverse("contacts:home_visit", kwargs={"case_pk": case_a.pk})
    data = notes_data(world, summary="Knocked twice.")
    del data["reached"]
    by_fetch = ppw.post(url, data, headers={"Accept": "application/json"})
    assert by_fetch.status_code == 400 and by_fetch.json()["errors"] == {"reached": [MET_REQUIRED]}
    page = ppw.post(url, data).content.decode()
    assert page.index("error-summary") < page.index('name="reached"')
    assert f'<a href="#id_reached_0">Did you meet anyone? — {MET_REQUIRED}</a>' in page
    assert not Contact.objects.exists()


def test_home_visit_notes_sent_after_the_session_ended_answer_401_not_the_sign_in_page(world, case_a):
    """homevisit.js keeps the draft and asks the PPW to sign in again; a redirect would look like a
    broken page. A plain form post still goes to the sign-in page."""
    url = reverse("contacts:home_visit", kwargs={"case_pk": case_a.pk})
    data = notes_data(world)
    anonymous = Client()
    by_fetch = anonymous.post(url, data, headers={"Accept": "application/json"})
    assert by_fetch.status_code == 401
    assert by_fetch.json() == {"ok": False, "signed_out": True, "login": reverse("accounts:login")}
    plain = anonymous.post(url, data)
    assert plain.status_code == 302 and plain["Location"].startswith(reverse("accounts:login"))
    assert not Contact.objects.exists()


def test_home_visit_page_can_read_the_current_csrf_token(world, case_a, settings):
    """After signing in again (a new CSRF token) homevisit.js reads Django's cookie at send time; an
    HttpOnly or session-held token would leave every retry failing the CSRF check."""
    assert settings.CSRF_COOKIE_HTTPONLY is False and settings.CSRF_USE_SESSIONS is False
    page = client_for(world.user("ppw")).get(reverse("contacts:home_visit", kwargs={"case_pk": case_a.pk}))
    content = page.content.decode()
    assert f'data-csrf-cookie="{settings.CSRF_COOKIE_NAME}"' in content
    assert f'href="{reverse("accounts:login")}" target="_blank" rel="noopener"' in content


def test_home_visit_retry_with_the_new_token_after_signing_in_again_is_logged_once(world, case_a, settings):
    """The retry carries the token of the new sign-in and the same client key: one contact, even if the
    first send had reached the server."""
    url = reverse("contacts:home_visit", kwargs={"case_pk": case_a.pk})
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.user("ppw"))
    browser.get(url)
    old_token = browser.cookies["csrftoken"].value
    data = notes_data(world)
    first = browser.post(url, {**data, "csrfmiddlewaretoken": old_token}, headers={"Accept": "application/json"})
    assert first.status_code == 200 and Contact.objects.count() == 1
    del browser.cookies[settings.SESSION_COOKIE_NAME]  # the session ended; the CSRF cookie stays
    browser.post(reverse("accounts:login"), {"username": world.user("ppw").username, "password": f.PASSWORD,
                                             "csrfmiddlewaretoken": old_token})
    new_token = browser.cookies["csrftoken"].value
    assert new_token != old_token
    stale = browser.post(url, {**data, "csrfmiddlewaretoken": old_token}, headers={"Accept": "application/json"})
    assert stale.status_code == 403
    fresh = browser.post(url, data, headers={"Accept": "application/json", "X-CSRFToken": new_token})
    assert fresh.status_code == 200 and fresh.json()["replayed"] is True
    assert Contact.objects.count() == 1


@pytest.mark.parametrize("who", ["supervisor", "school_staff"])
def test_home_visit_notes_written_by_another_user_are_refused_and_not_echoed(world, case_a, who):
    """Notes kept on a phone and sent after someone else signed in on it must not be logged under them.
    The answer is the same whether or not the new user may open the case (a teacher may not), names
    nobody, and the plain page does not show the notes to the new user."""
    url = reverse("contacts:home_visit", kwargs={"case_pk": case_a.pk})
    data = notes_data(world, summary="Grandmother says the bus stopped coming.")
    other = client_for(world.user(who))
    by_fetch = other.post(url, data, headers={"Accept": "application/json"})
    assert by_fetch.status_code == 403
    assert by_fetch.json() == {"ok": False, "refused": "author", "message": OTHER_AUTHOR}
    plain = other.post(url, data)
    page = plain.content.decode()
    assert plain.status_code == 403 and "another Casework user" in page
    assert "bus stopped" not in page and "García" not in page and case_a.number not in page
    assert not Contact.objects.exists() and not CaseEvent.objects.filter(kind=EventKind.CONTACT).exists()
    # Its author, signed in again, sends the same notes (same client key): logged once, under them.
    ppw = client_for(world.user("ppw"))
    assert ppw.post(url, data, headers={"Accept": "application/json"}).json()["ok"] is True
    assert Contact.objects.get().worker == world.user("ppw")


@pytest.mark.parametrize("author", [None, "", "x1", "²"])
def test_home_visit_notes_without_a_readable_author_are_refused(world, case_a, author):
    url = reverse("contacts:home_visit", kwargs={"case_pk": case_a.pk})
    data = notes_data(world)
    if author is None:
        del data["author"]
    else:
        data["author"] = author
    response = client_for(world.user("ppw")).post(url, data, headers={"Accept": "application/json"})
    assert response.status_code == 403 and response.json()["message"] == NO_AUTHOR
    assert not Contact.objects.exists()
