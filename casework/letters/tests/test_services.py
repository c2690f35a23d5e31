"""Letters: the context counted by hand, language choice, versions, mailing, returned mail."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.calendars.services import grading_period_create
from casework.cases.models import CaseEvent
from casework.contacts.models import Contact
from casework.core.errors import ConflictError
from casework.core.testing import factories as f
from casework.letters import services
from casework.letters.models import Letter, LetterTemplate
from casework.letters.render import letter_context, render_text
from casework.tasks.models import Task

from .helpers import family

D = datetime.date
pytestmark = pytest.mark.django_db


def weekdays(start, end):
    out, d = [], start
    while d <= end:
        if d.weekday() < 5:
            out.append(d)
        d += datetime.timedelta(days=1)
    return out


@pytest.fixture
def setting():
    """School with the 20 weekdays 9/1-9/26/2025 listed as instructional; the student enrolled from 9/1.
    Events: unexcused 9/3 and 9/10, excused for illness (COMAR B, lawful) 9/4, unexcused 9/22 (after the
    first as-of date), present 9/5. By hand, as of 9/19: absent 3 days, unlawful 2 (9/3, 9/10)."""
    school = f.school(code="L100", name="Harbor Elementary")
    f.session(school=school, begin=D(2025, 9, 1), end=D(2025, 9, 30), calendar_source="dates_listed",
              total_instructional_days=20)
    f.calendar_dates(school=school, days=dict.fromkeys(weekdays(D(2025, 9, 1), D(2025, 9, 26)), "instructional"))
    grading_period_create(actor=None, school=school, school_year=2026, kind="quarter", sequence=1, name="Q1",
                          begin=D(2025, 9, 1), end=D(2025, 9, 26))
    student = f.student(school=school, entry_date=D(2025, 9, 1), first_name="Lucía", last_name="Fernández",
                        district_id="500001", grade="07", date_of_birth=D(2012, 10, 3))
    for day in (D(2025, 9, 3), D(2025, 9, 10), D(2025, 9, 22)):
        f.attendance_event(student=student, school=school, date=day, category="unexcused")
    f.attendance_event(student=student, school=school, date=D(2025, 9, 4), category="excused", reason_code="B")
    f.attendance_event(student=student, school=school, date=D(2025, 9, 5), category="present")
    ppw = f.user(username="ppw-l", role="ppw", schools=[school])
    ppw.first_name, ppw.last_name, ppw.phone = "Casey", "Worker", "410-555-0142"
    ppw.save()
    case = f.case(student=student, owner=ppw, opened_on=D(2025, 9, 15))
    return school, student, case, ppw


def test_context_counts_by_hand(setting):
    school, student, case, ppw = setting
    g = family(student)
    ctx = letter_context(case, g, as_of=D(2025, 9, 19))
    assert ctx["absence_count"] == "3"
    assert ctx["unlawful_absence_count"] == "2"
    assert ctx["absence_dates"] == "09/03/2025, 09/10/2025"
    assert ctx["student_name"] == "Lucía Fernández"
    assert ctx["guardian_name"] == "Rosa Martínez"
    assert ctx["address_line1"] == "45 Harbor View Ct Apt 2B"
    assert ctx["address_line2"] == "Annapolis, MD 21403"
    assert ctx["age"] == "12"  # born 10/3/2012, not yet 13 on 9/19/2025
    assert ctx["period"] == "2025-26 school year to date"
    assert ctx["today"] == "September 19, 2025"
    assert ctx["ppw_name"] == "Casey Worker" and ctx["ppw_phone"] == "410-555-0142"
    assert ctx["case_number"] == case.number
    assert all(isinstance(v, str) for v in ctx.values())
    # A week later 9/22 counts too.
    later = letter_context(case, g, as_of=D(2025, 9, 26))
    assert (later["absence_count"], later["unlawful_absence_count"]) == ("4", "3")
    assert later["absence_dates"].endswith("09/22/2025")


def test_context_without_a_birth_date_says_not_recorded(setting):
    school, student, case, ppw = setting
    student.date_of_birth = None  # a OneRoster bundle without demographics.csv
    student.save(update_fields=["date_of_birth"])
    g = family(student)
    ctx = letter_context(case, g, as_of=D(2025, 9, 19))
    assert (ctx["date_of_birth"], ctx["age"]) == ("not recorded", "unknown")
    es = letter_context(case, g, as_of=D(2025, 9, 19), language="es")
    assert es["date_of_birth"] == "no registrada"
    es = letter_context(case, g, as_of=D(2025, 9, 19), language="es")
    assert es["today"] == "19 de septiembre de 2025"
    assert es["period"] == "lo que va del año escolar 2025-26"
    assert (ctx["grade"], es["grade"]) == ("Grade 7", "Grado 7")


@pytest.mark.parametrize("preferred, code", [("Spanish", "es"), ("español", "es"), ("es", "es"), ("es-US", "es"),
                                             ("", "en"), ("English", "en"), ("French", "fr"), ("Klingon", "en")])
def test_language_code(preferred, code):
    assert services.language_code(preferred) == code


def test_letter_in_guardians_language_with_fallback(setting):
    school, student, case, ppw = setting
    g = family(student, language="Español")
    letter = services.letter_create(actor=ppw, case=case, template_key="tier1_letter", as_of=D(2025, 9, 19))
    assert letter.guardian == g and letter.language == "es"
    assert "asistencia" in letter.body_text and "09/03/2025, 09/10/2025" in letter.body_text
    assert "§7-301" in letter.body_text
    assert letter.address_lines == ["45 Harbor View Ct Apt 2B", "Annapolis, MD 21403"]
    assert letter.return_lines[0] == "Harbor Elementary"
    event = CaseEvent.objects.get(case=case, kind="letter")
    assert event.source_id == letter.pk and "Spanish" in event.summary
    # French: no French template, so English; an explicit override wins over the guardian's language.
    services.letter_template_save(actor=None, key="tier1_letter", language="en", title="T1",
                                  body="Hello {{ guardian_name }}")
    fr = family(student, language="French", first_name="Amélie", last_name="Durand", contact_order=2)
    letter_fr = services.letter_create(actor=ppw, case=case, template_key="tier1_letter", guardian=fr)
    assert letter_fr.language == "en" and letter_fr.body_text == "Hello Amélie Durand\n"
    forced = services.letter_create(actor=ppw, case=case, template_key="tier1_letter", guardian=g, language="en")
    assert forced.language == "en"


def test_default_guardian_skips_no_contact_and_non_custodial(setting):
    school, student, case, ppw = setting
    family(student, first_name="Una", last_name="Barred", no_contact=True, contact_order=1)
    family(student, first_name="Ned", last_name="Neighbor", has_custody=False, lives_with=False, contact_order=2,
           relationship="other")
    mom = family(student, first_name="Mara", last_name="Mother", contact_order=3)
    assert services.default_guardian(student) == mom
    with pytest.raises(ValidationError):
        services.letter_create(actor=ppw, case=case, template_key="tier1_letter",
                               guardian=student.guardian_links.get(no_contact=True).guardian)


def test_editing_a_template_makes_a_new_version_and_old_letters_keep_their_text(setting):
    school, student, case, ppw = setting
    family(student)
    v1 = services.active_template("tier1_letter", "en")
    old = services.letter_create(actor=ppw, case=case, template_key="tier1_letter", as_of=D(2025, 9, 19))
    v2 = services.letter_template_save(actor=None, key="tier1_letter", language="en", title=v1.title,
                                       body="Dear {{ guardian_name }}, new wording.", expected_version=v1.version)
    assert v2.version == v1.version + 1 and v2.is_active
    v1.refresh_from_db()
    assert not v1.is_active and "Notice of unlawful absences" in v1.body
    old.refresh_from_db()
    assert old.template == v1 and "Notice of unlawful absences" in old.body_text
    new = services.letter_create(actor=ppw, case=case, template_key="tier1_letter")
    assert new.template == v2 and new.body_text == "Dear Rosa Martínez, new wording.\n"
    assert LetterTemplate.objects.filter(key="tier1_letter", language="en").count() == 2
    with pytest.raises(ConflictError):  # someone opened v1 and saves over v2
        services.letter_template_save(actor=None, key="tier1_letter", language="en", title="x", body="y",
                                      expected_version=v1.version)


def test_unknown_placeholder_is_refused(setting):
    with pytest.raises(ValidationError) as exc:
        services.letter_template_save(actor=None, key="tier1_letter", language="en", title="T",
                                      body="Dear {{ parent_name }}, {{ student_name }} missed {{ days }}.")
    text = str(exc.value)
    assert "{{ parent_name }}" in text and "{{ days }}" in text and "student_name }}" not in text.split("Use only")[0]
    with pytest.raises(ValidationError):
        services.letter_template_save(actor=None, key="tier1_letter", language="en", title="T",
                                      body="{{ student name }}")
    assert LetterTemplate.objects.filter(key="tier1_letter", language="en").count() == 1


def test_add_language_copies_english(setting):
    t = services.letter_template_add_language(actor=None, key="hearing_notice", language="FR")
    assert t.language == "fr" and t.body == services.active_template("hearing_notice", "en").body
    with pytest.raises(ValidationError):
        services.letter_template_add_language(actor=None, key="hearing_notice", language="fr")
    with pytest.raises(ValidationError):
        services.letter_template_add_language(actor=None, key="hearing_notice", language="french!")


def test_mark_mailed_logs_a_contact(setting):
    school, student, case, ppw = setting
    g = family(student)
    letter = services.letter_create(actor=ppw, case=case, template_key="tier1_letter", as_of=D(2025, 9, 19))
    mailed = services.letter_mark_mailed(actor=ppw, letter=letter, mailed_on=timezone.localdate(),
                                         method="certified")
    assert mailed.mailed_on == timezone.localdate() and mailed.mail_method == "certified"
    contact = Contact.objects.get(case=case)
    assert contact.contact_type == "letter" and contact.reached
    assert contact.summary == "Tier 1 attendance warning letter mailed (certified mail)"
    assert list(contact.guardians.values_list("guardian_id", flat=True)) == [g.pk]
    with pytest.raises(ValidationError):
        services.letter_mark_mailed(actor=ppw, letter=mailed, mailed_on=mailed.mailed_on, method="certified")
    with pytest.raises(ValidationError):
        services.letter_mark_mailed(actor=ppw, letter=letter, mailed_on=mailed.mailed_on, method="pigeon")


def test_returned_mail_makes_a_verify_address_task(setting):
    school, student, case, ppw = setting
    family(student)
    letter = services.letter_create(actor=ppw, case=case, template_key="tier1_letter")
    day = timezone.localdate()
    services.letter_mark_mailed(actor=ppw, letter=letter, mailed_on=day, method="first_class")
    with pytest.raises(ValidationError):
        services.letter_return(actor=ppw, letter=letter, returned_on=day, reason="  ")
    returned = services.letter_return(actor=ppw, letter=letter, returned_on=day, reason="Moved, left no address")
    assert returned.returned_on == day and returned.status == "returned"
    task = Task.objects.get(case=case, automatic="verify_address")
    assert task.title == "Verify the family's address (returned mail)"
    assert task.assignee == ppw and task.due_on == day + datetime.timedelta(days=5)


def test_render_text_only_fills_known_names():
    t = LetterTemplate(body="Hi {{ a }} and {{b}}; {{ c }}.")
    assert render_text(t, {"a": "A", "b": "B"}) == "Hi A and B; {{ c }}.\n"


def test_letter_without_guardian_addresses_the_family(setting):
    school, student, case, ppw = setting
    letter = services.letter_create(actor=ppw, case=case, template_key="tier1_letter")
    assert letter.guardian is None
    assert letter.recipient_name == "To the parent or guardian of Lucía Fernández"
    assert Letter.objects.count() == 1
