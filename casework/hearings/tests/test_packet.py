"""The review-board and court packets, read back with pypdf, on a hand-made September 2025.

School A100: every weekday 9/1-9/26 instructional. José García enters Wed 9/3; unlawful absences 9/4, 9/5,
9/8 (full days) and 9/10 (left after 150 minutes: a half day); excused 9/9 (reason B).
  Through 9/15 (the last day with attendance recorded): 9 days enrolled (9/3-9/15), absent 3 + 1 + 0.5 = 4.5,
  unlawful 3.5. Born 5/17/2014: 11 on 9/26/2025, so the court packet takes the parent route of §7-301(e).
The case's record, by date: contact 9/5, letter 9/8, contact 9/12, two services offered 9/15 (mentoring and
counseling), counseling accepted 9/16, letter 9/17, mentoring refused 9/19, contact 9/22 (not reached),
hearing 9/24 (family refused)."""

import datetime
import io
import re
import unicodedata
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from casework.audit.models import AccessLog
from casework.cases.models import CaseEvent
from casework.contacts.tests.factories import contact
from casework.core.testing import factories as f
from casework.hearings import letters_link, services
from casework.hearings.choices import FamilyAttendance, HearingKind, PacketKind
from casework.plans import services as plans

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2025, 9, 26)


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def weekdays(start, end):
    days = (start + datetime.timedelta(days=i) for i in range((end - start).days + 1))
    return [d for d in days if d.weekday() < 5]


@pytest.fixture
def record(db):
    school = f.school(code="A100", name="Alpha Elementary")
    f.session(school=school, begin=D(2025, 9, 1), end=D(2025, 9, 30), calendar_source="dates_listed",
              total_instructional_days=20)
    f.calendar_dates(school=school, days=dict.fromkeys(weekdays(D(2025, 9, 1), D(2025, 9, 26)), "instructional"))
    kid = f.student(school=school, entry_date=D(2025, 9, 3), first_name="José", last_name="García",
                    district_id="100001", date_of_birth=D(2014, 5, 17))
    for day in (D(2025, 9, 4), D(2025, 9, 5), D(2025, 9, 8)):
        f.attendance_event(student=kid, school=school, date=day, category="unexcused")
    f.attendance_event(student=kid, school=school, date=D(2025, 9, 9), category="excused", reason_code="B")
    f.attendance_event(student=kid, school=school, date=D(2025, 9, 10), category="early_departure",
                       minutes_present=150)
    f.attendance_event(student=kid, school=school, date=D(2025, 9, 15), category="present")
    f.guardian(student=kid, relationship="grandmother", first_name="Marta", last_name="Lopez", has_custody=True)
    ppw = f.user(role="ppw", schools=[school])
    case = f.case(student=kid, owner=ppw, opened_on=D(2025, 9, 2))
    contact(case=case, actor=ppw, occurred_at=at(D(2025, 9, 22)), reached=False, contact_type="home_visit",
            summary="CONTACT-THREE nobody home")
    contact(case=case, actor=ppw, occurred_at=at(D(2025, 9, 5)), summary="CONTACT-ONE grandmother on phone")
    contact(case=case, actor=ppw, occurred_at=at(D(2025, 9, 12)), summary="CONTACT-TWO school conference")
    letters = []
    if letters_link.available():
        from casework.letters import services as letter_services
        from casework.letters.models import Letter

        for key, day in (("hearing_notice", D(2025, 9, 17)), ("tier1_letter", D(2025, 9, 8))):
            letter = letter_services.letter_create(actor=ppw, case=case, template_key=key, as_of=day)
            Letter.objects.filter(pk=letter.pk).update(generated_at=at(day, 8))  # made "on" that day
            letters.append(letter)
    mentoring = plans.intervention_create(actor=None, name="SERVICE-MENTOR check-in/check-out", tier=2)
    counseling = plans.intervention_create(actor=None, name="SERVICE-COUNSEL family counseling", tier=3)
    plan = plans.plan_create(actor=ppw, case=case, title="Attendance plan", start_on=D(2025, 9, 15),
                             review_on=D(2025, 10, 15),
                             goals=[plans.GoalSpec(metric="other", other_metric="Homework turned in", target=3,
                                                   weeks=2)],
                             interventions=[plans.InterventionSpec(intervention=mentoring, start_on=D(2025, 9, 15)),
                                            plans.InterventionSpec(intervention=counseling, start_on=D(2025, 9, 15))])
    offered = {pi.intervention_id: pi for pi in plan.interventions.all()}
    plans.intervention_respond(actor=ppw, item=offered[counseling.pk], response="accepted", answered_on=D(2025, 9, 16))
    plans.intervention_respond(actor=ppw, item=offered[mentoring.pk], response="refused", answered_on=D(2025, 9, 19),
                               note="REFUSAL-REASON grandmother declined the mentor")
    goal = plan.goals.get()
    plans.progress_record(actor=ppw, plan=plan, goal=goal, week_of=D(2025, 9, 15), value=Decimal("2"))
    plans.progress_record(actor=ppw, plan=plan, goal=goal, week_of=D(2025, 9, 22), value=Decimal("4"))
    hearing = services.hearing_schedule(actor=ppw, case=case, kind=HearingKind.ATTENDANCE_HEARING,
                                        scheduled_at=at(D(2025, 9, 24), 14), place="Alpha Elementary office")
    services.hearing_record_outcome(actor=ppw, hearing=hearing, family_attendance=FamilyAttendance.REFUSED,
                                    outcome="HEARING-REFUSED grandmother declined to come")
    return {"school": school, "kid": kid, "ppw": ppw, "case": case, "letters": letters}


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_court_packet_has_the_student_the_law_and_each_unlawful_absence(record):
    name, pdf, _ = services.packet_generate(actor=record["ppw"], case=record["case"], kind=PacketKind.DISTRICT_COURT,
                                         today=TODAY)
    assert pdf.startswith(b"%PDF")
    assert name == f"court-petition-packet-{record['case'].number}-2025-09-26.pdf"
    text = text_of(pdf)
    assert "José García" in text and "100001" in text
    assert "05/17/2014 (age 11 as of 09/26/2025)" in text
    assert "Marta Lopez" in text and "Alpha Elementary" in text
    assert "Sec. 7-301 (compulsory attendance)" in text
    assert "The student is 11, under 16: Sec. 7-301(e)" in text
    unlawful = text[text.index("Unlawful absences at Alpha Elementary (4)"):]
    for day in ("09/04/2025", "09/05/2025", "09/08/2025", "09/10/2025"):
        assert day in unlawful
    assert "09/09/2025" not in unlawful.split("Intervention history")[0]  # excused: not unlawful
    assert re.search(r"Days enrolled\s*9\b", text)
    assert re.search(r"Days absent\s*4\.5\b", text)
    assert re.search(r"Days unlawfully absent\s*3\.5\b", text)
    assert "September 2025" in text


def test_review_board_packet_has_no_court_route_plans_and_a_signature_block(record):
    _, pdf, _ = services.packet_generate(actor=record["ppw"], case=record["case"], kind=PacketKind.REVIEW_BOARD,
                                      today=TODAY)
    text = text_of(pdf)
    plans_part = text.split("Plans and progress")[1]
    assert "Goal: Homework turned in at least 3 for 2 consecutive weeks" in plans_part
    assert "Not met yet: 1 of 2 consecutive weeks" in plans_part
    assert re.search(r"09/15/2025\s*2\s*no", plans_part) and re.search(r"09/22/2025\s*4\s*yes", plans_part)
    assert "Truancy Review Board packet" in text and "7-301(e)" not in text
    assert "Prepared by" in text and "Supervisor" in text


def test_court_packet_for_a_student_of_16_names_the_juvenile_route(record):
    kid = record["kid"]
    kid.date_of_birth = D(2009, 1, 2)
    kid.save(update_fields=["date_of_birth"])
    _, pdf, _ = services.packet_generate(actor=record["ppw"], case=record["case"], kind=PacketKind.DISTRICT_COURT,
                                      today=TODAY)
    assert "The student is 16, 16 or older" in text_of(pdf)


def test_court_packet_for_a_student_without_a_birth_date_says_so(record):
    kid = record["kid"]
    kid.date_of_birth = None  # a OneRoster bundle without demographics.csv
    kid.save(update_fields=["date_of_birth"])
    _, pdf, _ = services.packet_generate(actor=record["ppw"], case=record["case"], kind=PacketKind.DISTRICT_COURT,
                                      today=TODAY)
    text = text_of(pdf)
    assert "Not recorded (age unknown)" in text and "age is unknown" in text


def _positions(text, tokens):
    return [text.index(t) for t in tokens]


def test_history_lists_every_contact_and_hearing_in_date_order(record):
    _, pdf, _ = services.packet_generate(actor=record["ppw"], case=record["case"], kind=PacketKind.DISTRICT_COURT,
                                      today=TODAY)
    history = text_of(pdf).split("Intervention history (date order)")[1]
    spots = _positions(history, ["CONTACT-ONE", "CONTACT-TWO", "SERVICE-MENTOR", "CONTACT-THREE", "HEARING-REFUSED"])
    assert spots == sorted(spots)
    assert "NOT reached" in history
    assert re.search(r"09/24/2025\s*Hearing refused by\s*family\s*Attendance hearing held without the family:\s*"
                     r"FAMILY REFUSED TO ATTEND", history)


@pytest.mark.skipif(not letters_link.available(), reason="casework.letters.models.Letter is not importable yet")
def test_history_lists_services_offered_and_refused_at_their_dates_among_letters_and_contacts(record):
    _, pdf, _ = services.packet_generate(actor=record["ppw"], case=record["case"], kind=PacketKind.DISTRICT_COURT,
                                      today=TODAY)
    text = text_of(pdf)
    history = text.split("Intervention history (date order)")[1]
    tier1, notice = record["letters"][1].title, record["letters"][0].title
    spots = _positions(history, ["CONTACT-ONE", tier1, "CONTACT-TWO", "Service offered", "Service accepted", notice,
                                 "Service refused", "REFUSAL-REASON", "CONTACT-THREE", "Hearing refused"])
    assert spots == sorted(spots)
    # Each at its own date: both offers on 9/15, the answers on the days the family gave them.
    assert len(re.findall(r"09/15/2025\s*Service offered", history)) == 2
    assert re.search(r"09/16/2025\s*Service accepted\s*SERVICE-COUNSEL family counseling \(tier 3\), offered "
                     r"09/15/2025", history)
    assert re.search(r"09/19/2025\s*Service refused\s*SERVICE-MENTOR check-in/check-out \(tier 2\), offered "
                     r"09/15/2025: REFUSAL-REASON grandmother declined\s*the mentor", history)
    # The summary page counts them: 2 offered, 1 refused, 1 accepted; the one hearing held was refused.
    summary = text.split("Attendance record")[0]
    for label, n in (("Services offered", "2"), ("Refused by the family", "1"), ("Accepted, then stopped", "0"),
                     ("Accepted", "1"), ("No answer recorded", "0"), ("Hearings refused", "1 \\(of 1 held\\)")):
        assert re.search(rf"{label}\s*{n}(?!\d)", summary), label


@pytest.mark.skipif(not letters_link.available(), reason="casework.letters.models.Letter is not importable yet")
def test_history_interleaves_letters_and_contacts_in_date_order(record):
    _, pdf, _ = services.packet_generate(actor=record["ppw"], case=record["case"], kind=PacketKind.DISTRICT_COURT,
                                      today=TODAY)
    history = text_of(pdf).split("Intervention history (date order)")[1]
    tier1, notice = record["letters"][1].title, record["letters"][0].title
    spots = _positions(history, ["CONTACT-ONE", tier1, "CONTACT-TWO", notice, "CONTACT-THREE"])
    assert spots == sorted(spots)
    assert "09/08/2025" in history and "09/17/2025" in history


def test_each_generation_is_a_logged_disclosure(record):
    before = CaseEvent.objects.filter(case=record["case"], kind="document").count()
    services.packet_generate(actor=record["ppw"], case=record["case"], kind=PacketKind.REVIEW_BOARD, today=TODAY)
    services.packet_generate(actor=record["ppw"], case=record["case"], kind=PacketKind.DISTRICT_COURT, today=TODAY)
    logs = AccessLog.objects.filter(student=record["kid"], action=AccessLog.Action.EXPORT).order_by("id")
    assert [(x.purpose, x.detail) for x in logs] == [("truancy review board packet", "packet"),
                                                     ("district court petition", "packet")]
    assert CaseEvent.objects.filter(case=record["case"], kind="document").count() == before + 2


def test_packet_download_is_named_by_case_number_only(client, record):
    client.force_login(record["ppw"])
    url = reverse("hearings:packet", kwargs={"case_pk": record["case"].pk, "kind": "district_court"})
    assert "García" not in url
    response = client.post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="court-petition-packet-{record["case"].number}-')
    assert "Garc" not in disposition and "Jos" not in disposition
    assert AccessLog.objects.filter(student=record["kid"], action="export", detail="packet").count() == 1


def test_packet_is_404_out_of_scope_and_for_an_unknown_kind(client, record):
    other_school = f.school(code="B200")
    client.force_login(f.user(role="ppw", schools=[other_school]))
    url = reverse("hearings:packet", kwargs={"case_pk": record["case"].pk, "kind": "review_board"})
    assert client.post(url).status_code == 404
    client.force_login(record["ppw"])
    bad = reverse("hearings:packet", kwargs={"case_pk": record["case"].pk, "kind": "everything"})
    assert client.post(bad).status_code == 404
    assert not AccessLog.objects.filter(action="export").exists()


def test_sensitive_case_packet_is_404_for_a_supervisor_not_named_on_it(client, record):
    crisis = f.case(student=record["kid"], case_type="crisis", owner=record["ppw"], opened_on=D(2025, 9, 20))
    url = reverse("hearings:packet", kwargs={"case_pk": crisis.pk, "kind": "review_board"})
    client.force_login(f.user(role="supervisor"))
    assert client.post(url).status_code == 404
    assert client.get(reverse("hearings:case_hearings", kwargs={"case_pk": crisis.pk})).status_code == 404
    client.force_login(record["ppw"])
    assert client.post(url).status_code == 200


def test_a_school_without_a_calendar_gives_a_packet_that_says_so(world):
    ppw = world.user("ppw")
    case = f.case(student=world.student_a, owner=ppw, opened_on=D(2025, 9, 15))
    f.attendance_event(student=world.student_a, school=world.school_a, date=D(2025, 9, 18))
    _, pdf, _ = services.packet_generate(actor=ppw, case=case, kind=PacketKind.REVIEW_BOARD, today=TODAY)
    text = text_of(pdf)
    assert "No calendar for school(s) A100" in text
    assert "Jos" in text and "Intervention history (date order)" in text and "Nothing recorded." in text


def _fonts_of(pdf: bytes) -> set[str]:
    return {str(font["/BaseFont"]).split("+")[-1] for page in PdfReader(io.BytesIO(pdf)).pages
            for font in page["/Resources"]["/Font"].values()}


@pytest.mark.parametrize("kind", [PacketKind.REVIEW_BOARD, PacketKind.DISTRICT_COURT])
def test_vietnamese_names_print_exactly_in_both_packets(record, kind):
    kid = record["kid"]
    kid.first_name, kid.last_name = "Đức", "Nguyễn"
    kid.save(update_fields=["first_name", "last_name"])
    # Typed decomposed (e + combining marks), as some keyboards send it: printed composed, one glyph a letter.
    f.guardian(student=kid, relationship="mother", first_name="Thị Hoa",
               last_name=unicodedata.normalize("NFD", "Nguyễn"))
    packet = services.packet_generate(actor=record["ppw"], case=record["case"], kind=kind, today=TODAY)
    text = text_of(packet.pdf)
    assert "Đức Nguyễn" in text and "Thị Hoa Nguyễn" in text and "Marta Lopez" in text
    assert "Nguyen" not in text and "?uc" not in text and "\ufffd" not in text
    assert packet.unprintable == ""
    assert _fonts_of(packet.pdf) >= {"DejaVuSerifCondensed", "DejaVuSerifCondensedBold"}
    assert not {"Helvetica", "Helvetica-Bold"} & _fonts_of(packet.pdf)


def _tab(client, case) -> str:
    return client.get(reverse("hearings:case_hearings", kwargs={"case_pk": case.pk})).content.decode()


def test_a_name_the_fonts_lack_is_named_beside_the_packet_buttons_before_the_download(client, record):
    f.guardian(student=record["kid"], relationship="father", first_name="小明", last_name="王")
    packet = services.packet_generate(actor=record["ppw"], case=record["case"], kind=PacketKind.DISTRICT_COURT,
                                      today=TODAY)
    assert packet.unprintable == "小明王"
    text = text_of(packet.pdf)
    assert "\ufffd\ufffd \ufffd" in text and "小明" not in text  # visibly missing, not dropped or a blank box
    assert "Marta Lopez" in text and "José García" in text

    client.force_login(record["ppw"])
    page = _tab(client, record["case"])  # nothing downloaded yet
    note = ('<p class="hr-unprintable" role="note" id="packet-unprintable">This case\'s packets have characters '
            "their PDF cannot print (小明王; the PDF shows &#xFFFD; in their place): <strong>write them in by hand")
    assert note in page
    assert page.count('aria-describedby="packet-unprintable"') == len(PacketKind.choices)
    assert page.index("packet-unprintable") < page.index("Generate the ")  # read before the buttons

    url = reverse("hearings:packet", kwargs={"case_pk": record["case"].pk, "kind": "review_board"})
    assert client.post(url)["Content-Type"] == "application/pdf"
    # The download queues no message: the next page opened carries no late warning.
    overview = client.get(reverse("cases:detail", kwargs={"case_pk": record["case"].pk}))
    assert overview.status_code == 200
    assert list(overview.context["messages"]) == []
    assert "cannot print" not in overview.content.decode()


def test_a_vietnamese_name_gives_no_warning(client, record):
    kid = record["kid"]
    kid.first_name, kid.middle_name, kid.last_name = "Đức", "Thị", "Nguyễn"
    kid.save(update_fields=["first_name", "middle_name", "last_name"])
    f.guardian(student=kid, relationship="mother", first_name="Thị Đức", last_name="Nguyễn")
    client.force_login(record["ppw"])
    page = _tab(client, record["case"])
    assert "Generate the " in page and "cannot print" not in page and "packet-unprintable" not in page
    packet = services.packet_generate(actor=record["ppw"], case=record["case"], kind=PacketKind.REVIEW_BOARD,
                                      today=TODAY)
    assert packet.unprintable == ""


def test_a_packet_that_prints_whole_gives_no_warning(client, record):
    client.force_login(record["ppw"])
    assert "cannot print" not in _tab(client, record["case"])
    url = reverse("hearings:packet", kwargs={"case_pk": record["case"].pk, "kind": "district_court"})
    assert client.post(url)["Content-Type"] == "application/pdf"
    assert "cannot print" not in _tab(client, record["case"])


def test_the_tab_finds_what_the_packet_cannot_print_wherever_the_record_holds_it(record):
    """packet.record_text (read by the tab, no PDF) and render() (the PDF) must agree: one character the
    fonts lack planted in each of the record's free texts that the packet prints."""
    from casework.accounts.models import User
    from casework.contacts.models import Contact
    from casework.hearings import packet as packets
    from casework.hearings.models import Hearing
    from casework.letters.pdffonts import unprintable
    from casework.plans.models import Goal, Intervention, Plan, PlanIntervention
    from casework.schools.models import School
    from casework.students.models import Guardian, Student

    kid, case, ppw = record["kid"], record["case"], record["ppw"]
    planted = {
        "一": lambda: Student.objects.filter(pk=kid.pk).update(middle_name="一"),
        "二": lambda: School.objects.filter(pk=record["school"].pk).update(name="Alpha 二"),
        "三": lambda: Guardian.objects.filter(student_links__student=kid).update(phone="301-555-三"),
        "四": lambda: Contact.objects.filter(case=case, summary__startswith="CONTACT-TWO").update(summary="四"),
        "五": lambda: Hearing.objects.filter(case=case).update(outcome="五"),
        "六": lambda: Intervention.objects.filter(name__startswith="SERVICE-MENTOR").update(name="六"),
        "七": lambda: PlanIntervention.objects.filter(plan__case=case).exclude(family_response_note="").update(
            family_response_note="七"),
        "八": lambda: Plan.objects.filter(case=case).update(title="八"),
        "九": lambda: Goal.objects.filter(plan__case=case).update(other_metric="九"),
        "十": lambda: User.objects.filter(pk=ppw.pk).update(first_name="十", last_name="Ppw"),
    }
    for plant in planted.values():
        assert plant() >= 1
    ppw.refresh_from_db()
    case.refresh_from_db()
    found = unprintable(packets.record_text(case=case, user=ppw, today=TODAY))
    for kind in PacketKind.values:
        printed = services.packet_generate(actor=ppw, case=case, kind=kind, today=TODAY).unprintable
        assert set(found) == set(printed) == set(planted)


def test_the_plan_progress_chart_is_drawn_in_the_packet(record, monkeypatch):
    """The plan page shows a desktop and a phone drawing of the chart in one <div>; fpdf2 reads one <svg>.
    Given the pair, it drew nothing and the packet went out with the table alone (a logged warning)."""
    from casework.hearings import packet_pdf

    warnings = []
    monkeypatch.setattr(packet_pdf.log, "warning", lambda msg, *a, **k: warnings.append(msg))
    services.packet_generate(actor=record["ppw"], case=record["case"], kind=PacketKind.REVIEW_BOARD, today=TODAY)
    assert warnings == []
