"""A batch reads once for all its students what each letter needs (render.letter_batch: templates, schools,
guardians, addresses, absences by one rules-engine run): each letter must be the letter made on its own for
the same student and day (recipient, address, return address, text, template version)."""

from __future__ import annotations

import datetime

import pytest

from casework.core.testing import factories as f
from casework.letters import render
from casework.letters.models import Letter
from casework.letters.services import letter_create
from casework.mailings.jobs import run
from casework.mailings.services import mailing_create
from casework.students.models import Guardian

from .helpers import Progress, crossing, mailable_student, ship_tier1_template

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2025, 9, 19)


def _weekdays(start, end):
    return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)
            if (start + datetime.timedelta(days=n)).weekday() < 5]


STORED = ("template_id", "template_key", "language", "title", "guardian_id", "recipient_name", "address_lines",
          "return_lines", "body_text")


def test_batch_letters_are_the_letters_made_one_at_a_time(world, settings, tmp_path, monkeypatch):
    """Calendar: the weekdays 9/1-9/26/2025. Ana: unexcused 9/3 and 9/10, excused for illness (COMAR B,
    lawful) 9/4, unexcused 9/22 (after the batch's day). Ben: unexcused 9/8, 9/9, 9/11. By hand as of 9/19:
    Ana absent 3, unlawful 2 (9/3, 9/10); Ben absent 3, unlawful 3. Cruz: unexcused 9/5, a Spanish-speaking
    mother, and an attendance case already open with the supervisor (the letter names its owner)."""
    settings.CASEWORK_MAILINGS_DIR = str(tmp_path)
    settings.CASEWORK_JOBS_INLINE = False
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: AS_OF)  # the job's "today"
    ship_tier1_template()
    school = world.school_a
    f.session(school=school, begin=D(2025, 9, 1), end=D(2025, 9, 30), calendar_source="dates_listed",
              total_instructional_days=20)
    f.calendar_dates(school=school, days=dict.fromkeys(_weekdays(D(2025, 9, 1), D(2025, 9, 26)), "instructional"))
    ana = mailable_student(school, first_name="Ana", last_name="Alvarez")
    ben = mailable_student(school, first_name="Ben", last_name="Brooks", street="4 Oak Road")
    for day in (D(2025, 9, 3), D(2025, 9, 10), D(2025, 9, 22)):
        f.attendance_event(student=ana, school=school, date=day, category="unexcused")
    f.attendance_event(student=ana, school=school, date=D(2025, 9, 4), category="excused", reason_code="B")
    for day in (D(2025, 9, 8), D(2025, 9, 9), D(2025, 9, 11)):
        f.attendance_event(student=ben, school=school, date=day, category="unexcused")
    cruz = mailable_student(school, first_name="Cruz", last_name="Cortes", street="9 Bay Court")
    Guardian.objects.filter(student_links__student=cruz).update(preferred_language="Spanish")
    f.attendance_event(student=cruz, school=school, date=D(2025, 9, 5), category="unexcused")
    cruz_case = f.case(student=cruz, owner=world.user("supervisor"), opened_on=D(2025, 9, 2))
    for s in (ana, ben, cruz):
        crossing(s, school, D(2025, 9, 12))

    assert render.absences_for([ana.pk, ben.pk], school, AS_OF) == {
        (ana.pk, school.pk): (3.0, 2.0, [D(2025, 9, 3), D(2025, 9, 10)]),
        (ben.pk, school.pk): (3.0, 3.0, [D(2025, 9, 8), D(2025, 9, 9), D(2025, 9, 11)]),
    }
    ppw = world.user("ppw")
    mailing = mailing_create(actor=ppw, school=school, criteria={"crossed_since": "2025-09-01"})
    run(mailing.job, Progress())
    batch = {letter.case.student_id: letter for letter in Letter.objects.filter(mailing=mailing)
             .select_related("case")}
    assert set(batch) == {ana.pk, ben.pk, cruz.pk}
    assert "The unlawful absences were on: 09/03/2025, 09/10/2025." in batch[ana.pk].body_text
    assert "The unlawful absences were on: 09/08/2025, 09/09/2025, 09/11/2025." in batch[ben.pk].body_text
    assert batch[cruz.pk].case == cruz_case and batch[cruz.pk].language == "es"
    assert "09/05/2025" in batch[cruz.pk].body_text and "t-supervisor" in batch[cruz.pk].body_text
    assert batch[ben.pk].address_lines == ["4 Oak Road", "Annapolis, MD 21401"]
    assert batch[ana.pk].return_lines[0] == school.name
    for student in (ana, ben, cruz):  # the single-letter path, reading everything itself, stores the same
        single = letter_create(actor=ppw, case=batch[student.pk].case, template_key="tier1_letter", as_of=AS_OF)
        assert {k: getattr(single, k) for k in STORED} == {k: getattr(batch[student.pk], k) for k in STORED}
