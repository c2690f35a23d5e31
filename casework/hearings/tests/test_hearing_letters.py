"""Generate notice / attendance contract from a hearing: the letter filled from it and linked, its mailing
becoming the hearing's notice, the version check, and who may press the buttons."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casework.cases.models import CaseEvent
from casework.core.testing import factories as f
from casework.hearings import packet, services
from casework.hearings.choices import HearingKind
from casework.hearings.models import Hearing
from casework.hearings.tests.factories import hearing as make_hearing
from casework.letters.models import Letter
from casework.letters.services import letter_return
from casework.students.models import StudentGuardian

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def case(world):
    return f.case(student=world.student_a, owner=world.user("ppw"), opened_on=D(2025, 9, 15))


def _post(client, hearing, which, version=None):
    url = reverse("hearings:letter", kwargs={"pk": hearing.pk, "which": which})
    return client.post(url, {"version": hearing.version if version is None else version})


def _flash(response) -> str:
    """The message this request added (earlier unread ones are still queued before it)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def _mail(client, letter, day=None):
    day = day or timezone.localdate()
    response = client.post(reverse("letters:mailed", kwargs={"pk": letter.pk}),
                           {"mailed_on": day.isoformat(), "method": "certified"})
    assert response.status_code == 302
    return day


def test_generate_notice_links_it_and_shows_its_mailing(client, world, case):
    hearing = make_hearing(case=case, scheduled_at=timezone.make_aware(datetime.datetime(2026, 12, 3, 14, 30)),
                           place="Alpha office", notice_sent_on=D(2026, 11, 20), notice_method="phone")
    client.force_login(world.user("ppw"))
    stale = _post(client, hearing, "notice", version=hearing.version - 1)
    assert stale.status_code == 302 and not Letter.objects.filter(case=case).exists()  # conflict: nothing made

    response = _post(client, hearing, "notice")
    assert response.status_code == 302
    # No guardian name in the flash message (a readable cookie); the page shows the addressee.
    assert _flash(response) == ("Notice of attendance hearing made (English). Download and print it below; "
                               "record the mailing on the Letters tab.")
    letter = Letter.objects.get(case=case)
    hearing.refresh_from_db()
    assert (letter.template_key, hearing.notice_letter_id) == ("hearing_notice", letter.pk)
    assert "Date: Thursday, December 3, 2026\nTime: 2:30 PM\nPlace: Alpha office" in letter.body_text
    assert letter.recipient_name == "Pat Guardian"
    # The phone call stays the notice of record until the letter is mailed.
    assert (hearing.notice_sent_on, hearing.notice_method) == (D(2026, 11, 20), "phone")
    assert CaseEvent.objects.filter(case=case, summary="Letter generated: Notice of attendance hearing").exists()
    tab_url = reverse("hearings:case_hearings", kwargs={"case_pk": case.pk})
    tab = client.get(tab_url).content.decode()
    assert reverse("letters:pdf", kwargs={"pk": letter.pk}) in tab
    assert reverse("letters:docx", kwargs={"pk": letter.pk}) in tab and "not mailed yet" in tab
    assert "Notice sent on 11/20/2026, phone call." in tab and "Generate a new notice" in tab

    today = _mail(client, letter)
    hearing.refresh_from_db()
    assert (hearing.notice_sent_on, hearing.notice_method) == (today, "certified")
    tab = client.get(tab_url).content.decode()
    assert f"Notice sent on {today:%m/%d/%Y}, certified mail." in tab
    # Editing the hearing cannot make its notice disagree with the mailed letter.
    services.hearing_update(actor=None, hearing=hearing, notice_sent_on=D(2026, 1, 2), notice_method="email")
    hearing.refresh_from_db()
    assert (hearing.notice_sent_on, hearing.notice_method) == (today, "certified")
    # While the mailed notice stands, no new notice replaces it (nor erases its record).
    assert "Generate a new notice" not in tab
    response = _post(client, hearing, "notice")
    assert "No letter made: The notice mailed for this hearing still stands." in _flash(response)
    hearing.refresh_from_db()
    assert (Letter.objects.filter(case=case).count(), hearing.notice_letter_id) == (1, letter.pk)
    assert (hearing.notice_sent_on, hearing.notice_method) == (today, "certified")


def test_moving_a_noticed_hearing_withdraws_its_notice(client, world, case):
    """Notice for Room 1 mailed; the hearing moves to Room 9: the family was never told of Room 9."""
    hearing = make_hearing(case=case, scheduled_at=timezone.make_aware(datetime.datetime(2026, 12, 4, 9, 0)),
                           place="Room 1")
    client.force_login(world.user("ppw"))
    _post(client, hearing, "notice")
    old = Letter.objects.get(case=case)
    _mail(client, old)
    hearing.refresh_from_db()
    assert hearing.notice_sent_on is not None
    # The change form posts the stored notice back unchanged, as a browser does.
    form = {"kind": "attendance_hearing", "date": "2026-12-04", "time": "09:00", "place": "Room 9",
            "other_participants": "", "notice_sent_on": hearing.notice_sent_on.isoformat(),
            "notice_method": "certified", "notice_letter_id": old.pk, "status": "scheduled", "status_reason": "",
            "version": hearing.version}
    response = client.post(reverse("hearings:edit", kwargs={"pk": hearing.pk}), form)
    assert response.status_code == 302
    assert _flash(response) == ("Hearing updated. The earlier notice no longer stands for it: send the family a "
                               "new notice.")
    hearing.refresh_from_db()
    assert (hearing.place, hearing.notice_letter_id, hearing.notice_sent_on, hearing.notice_method) == (
        "Room 9", None, None, "")
    assert CaseEvent.objects.filter(case=case, summary="Attendance hearing moved to 12/04/2026 09:00 AM at Room 9; "
                                                       "the earlier notice no longer stands: a new notice is "
                                                       "needed").exists()
    # The packet no longer claims notice for the hearing; the old letter is still listed as a letter.
    rows = packet.history(case, world.user("ppw"), hearings=[hearing])
    assert [r.text for r in rows if r.what == "Hearing"] == ["Attendance hearing scheduled: "]  # no "(notice sent"
    assert any(r.what == "Letter" for r in rows)
    tab = client.get(reverse("hearings:case_hearings", kwargs={"case_pk": case.pk})).content.decode()
    assert "No notice recorded yet." in tab and ">Generate notice<" in tab
    _post(client, hearing, "notice")
    hearing.refresh_from_db()
    new = Letter.objects.filter(case=case).exclude(pk=old.pk).get()
    assert hearing.notice_letter_id == new.pk and "Place: Room 9" in new.body_text

    # A postponed hearing put back on the calendar (even on the same day) needs a new notice too; a
    # notice entered on that very edit (a phone call about the new date) is the notice.
    _mail(client, new)
    hearing.refresh_from_db()
    hearing = services.hearing_update(actor=None, hearing=hearing, status="postponed", status_reason="Snow")
    assert hearing.notice_letter_id == new.pk  # postponing alone tells nobody a new date
    hearing = services.hearing_update(actor=None, hearing=hearing, status="scheduled",
                                      notice_sent_on=hearing.notice_sent_on, notice_method=hearing.notice_method)
    assert (hearing.notice_letter_id, hearing.notice_sent_on) == (None, None)
    hearing = services.hearing_update(actor=None, hearing=hearing, place="Room 2", notice_sent_on=D(2026, 11, 23),
                                      notice_method="phone")
    assert (hearing.notice_sent_on, hearing.notice_method) == (D(2026, 11, 23), "phone")


def test_returned_notice_is_no_notice(client, world, case):
    hearing = make_hearing(case=case, place="Room 1")
    client.force_login(world.user("ppw"))
    _post(client, hearing, "notice")
    letter = Letter.objects.get(case=case)
    today = _mail(client, letter)
    letter_return(actor=world.user("ppw"), letter=Letter.objects.get(pk=letter.pk), returned_on=today,
                  reason="Moved, no forwarding address")
    hearing.refresh_from_db()
    assert (hearing.notice_letter_id, hearing.notice_sent_on, hearing.notice_method) == (letter.pk, None, "")
    assert CaseEvent.objects.filter(case=case, summary__endswith="the notice came back returned, so no notice "
                                                                 "stands: a new notice is needed").exists()
    # An edit does not copy the returned letter's mailing back; a new notice may be made.
    hearing = services.hearing_update(actor=None, hearing=hearing, other_participants="Interpreter")
    assert hearing.notice_sent_on is None
    tab = client.get(reverse("hearings:case_hearings", kwargs={"case_pk": case.pk})).content.decode()
    assert "Notice not sent yet." in tab and "Generate a new notice" in tab
    _post(client, hearing, "notice")
    assert Letter.objects.filter(case=case).count() == 2


def test_notice_only_for_kinds_with_a_fitting_letter(client, world, case):
    board = make_hearing(case=case, kind=HearingKind.REVIEW_BOARD)
    court = make_hearing(case=case, kind=HearingKind.DISTRICT_COURT)
    for hearing, words in ((board, "There is no notice letter for a Truancy Review Board meeting"),
                           (court, "District Court hearings are noticed by the court")):
        with pytest.raises(ValidationError) as err:
            services.hearing_letter_generate(actor=None, hearing=hearing, which="notice")
        assert words in err.value.messages[0]
    client.force_login(world.user("ppw"))
    tab = client.get(reverse("hearings:case_hearings", kwargs={"case_pk": case.pk})).content.decode()
    assert "Generate notice" not in tab and not Letter.objects.exists()


def test_the_notice_goes_to_the_invited_guardian_the_letters_app_would_prefer(world, case):
    grandmother = StudentGuardian.objects.get(student=world.student_a)  # custody, lives with: called third
    StudentGuardian.objects.filter(pk=grandmother.pk).update(contact_order=3)
    no_mail = StudentGuardian.objects.get(guardian=f.guardian(student=world.student_a, first_name="Ana",
                                                              has_custody=True, receives_mail=False, contact_order=1))
    uncle = StudentGuardian.objects.get(guardian=f.guardian(student=world.student_a, first_name="Luis",
                                                            relationship="uncle", contact_order=1))
    services.hearing_update(actor=None, hearing=make_hearing(case=case), guardians=[uncle, no_mail, grandmother])
    hearing = Hearing.objects.get(case=case)
    assert services.hearing_letter_generate(actor=None, hearing=hearing, which="notice").guardian == \
        grandmother.guardian  # custody and mail beat an earlier uncle; no school mail: skipped
    hearing.guardians.set([no_mail, uncle])
    assert services._addressee(hearing) == uncle.guardian


def test_attendance_contract_from_a_held_hearing(client, world, case):
    hearing = make_hearing(case=case, scheduled_at=timezone.make_aware(datetime.datetime(2025, 10, 6, 9, 0)))
    client.force_login(world.user("ppw"))
    _post(client, hearing, "contract")  # not held yet: refused with a message
    assert not Letter.objects.filter(case=case).exists()
    hearing = services.hearing_record_outcome(actor=None, hearing=hearing, family_attendance="attended",
                                              outcome="Contract signed.", agreements="In school by 7:45 daily.",
                                              follow_up_on=D(2025, 11, 3))
    response = _post(client, hearing, "notice")  # held: no notice
    assert "No letter made: This hearing is held" in client.get(response.url).content.decode()
    assert _post(client, hearing, "contract").status_code == 302
    letter = Letter.objects.get(case=case)
    hearing.refresh_from_db()
    assert hearing.contract_letter_id == letter.pk and hearing.notice_letter_id is None
    assert "In school by 7:45 daily." in letter.body_text and "Review date: November 3, 2025" in letter.body_text

    # A hearing the family refused: no contract (nobody agreed to it), no button.
    refused = make_hearing(case=case, scheduled_at=timezone.make_aware(datetime.datetime(2025, 10, 20, 9, 0)))
    refused = services.hearing_record_outcome(actor=None, hearing=refused, family_attendance="refused",
                                              outcome="Held without the family.", agreements="In school daily.")
    response = _post(client, refused, "contract")
    assert _flash(response) == ("No letter made: The family did not attend this hearing: an attendance contract is "
                               "made only with a family who came.")
    tab = client.get(response.url).content.decode()
    assert tab.count("Generate a new attendance contract") == 1 and "Generate attendance contract<" not in tab
    assert Letter.objects.filter(case=case).count() == 1


def test_only_workers_of_the_case_may_generate(client, world, case):
    other = f.case(student=world.student_b)
    theirs = make_hearing(case=other)
    ours = make_hearing(case=case)
    client.force_login(world.user("ppw"))
    assert _post(client, theirs, "notice").status_code == 404  # school B: not this PPW's
    assert client.get(reverse("hearings:letter", kwargs={"pk": ours.pk, "which": "notice"})).status_code == 405
    assert _post(client, ours, "summons").status_code == 404
    client.force_login(world.user("school_admin"))  # sees the case header, does not work it
    assert _post(client, ours, "notice").status_code == 404
    assert not Letter.objects.exists() and Hearing.objects.get(pk=theirs.pk).notice_letter_id is None
