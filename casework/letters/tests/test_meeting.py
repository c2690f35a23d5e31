"""Meeting placeholders: a letter filled from a hearing (date, time and place in the letter's language),
fill-in lines without one, the hearing of another case refused, and migration 0003's upgrade rule."""

from __future__ import annotations

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from casework.core.testing import factories as f
from casework.hearings.tests.factories import hearing as make_hearing
from casework.letters import services
from casework.letters.models import LetterTemplate
from casework.letters.render import letters_pdf, template_problems

from .helpers import family, school_with_calendar

D = datetime.date
pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("casework.letters.migrations.0003_meeting_placeholders")


@pytest.fixture
def case():
    school = school_with_calendar(code="R100", name="Riverside Elementary")
    student = f.student(school=school, entry_date=D(2025, 9, 1), first_name="Mateo", last_name="Ramírez",
                        district_id="600001")
    return f.case(student=student)


def test_notice_from_a_hearing_prints_date_time_and_place_in_english_and_spanish(case):
    en_guardian = family(case.student, first_name="Ana", last_name="Ramírez")
    es_guardian = family(case.student, language="Spanish", first_name="Luis", last_name="Ramírez", contact_order=2)
    # 24 November 2026 is a Tuesday; 9:30 in the morning, district time.
    hearing = make_hearing(case=case, scheduled_at=timezone.make_aware(datetime.datetime(2026, 11, 24, 9, 30)),
                           place="Riverside Elementary, room 12")
    letters = [services.letter_create(actor=None, case=case, template_key="hearing_notice", guardian=g,
                                      hearing=hearing, as_of=D(2025, 10, 1)) for g in (en_guardian, es_guardian)]
    en, es = [p.extract_text() for p in PdfReader(io.BytesIO(letters_pdf(letters))).pages]
    assert "Date: Tuesday, November 24, 2026" in en and "Time: 9:30 AM" in en
    assert "Place: Riverside Elementary, room 12" in en and "Meeting: attendance hearing" in en
    assert "Fecha: martes, 24 de noviembre de 2026" in es and "Hora: 9:30 a. m." in es
    assert "Lugar: Riverside Elementary, room 12" in es and "Reunión: audiencia sobre la asistencia escolar" in es
    assert "{{" not in en + es and "____" not in en + es


def test_without_a_hearing_the_placeholders_print_fill_in_lines(case):
    notice = services.letter_create(actor=None, case=case, template_key="hearing_notice")
    contract = services.letter_create(actor=None, case=case, template_key="attendance_contract", language="es")
    assert "Date: ________________\nTime: ________________\nPlace: ________________" in notice.body_text
    assert "Fecha de revisión: ________________" in contract.body_text
    assert "{{" not in notice.body_text + contract.body_text


def test_a_hearing_of_another_case_is_refused(case):
    other = f.case(student=f.student(school=case.student.enrollments.first().school, first_name="Eva",
                                     last_name="Lopez", district_id="600002"))
    hearing = make_hearing(case=other)
    with pytest.raises(ValidationError) as exc:
        services.letter_create(actor=None, case=case, template_key="hearing_notice", hearing=hearing)
    assert exc.value.message_dict == {"hearing": ["That hearing belongs to another case."]}


def _active(key, language):
    return LetterTemplate.objects.get(key=key, language=language, is_active=True)


def test_migration_upgrades_shipped_wording_and_leaves_a_districts_own_alone(db):
    # On a fresh install 0002 shipped version 1 and 0003 moved it to version 2.
    shipped_title, shipped_body = MIGRATION.SHIPPED[("conference_invitation", "en")]
    upgraded = _active("conference_invitation", "en")
    assert upgraded.version == 2 and "Date: {{ hearing_date }}\nTime: {{ hearing_time }}" in upgraded.body
    assert LetterTemplate.objects.get(key="conference_invitation", language="en", version=1).body == shipped_body
    for key, language in MIGRATION.CHANGES:
        assert template_problems(_active(key, language).body) == []  # the editor accepts the new wording

    # An install still on the shipped wording (restored as v3) and a district's own Spanish notice.
    services.letter_template_save(actor=None, key="conference_invitation", language="en", title=shipped_title,
                                  body=shipped_body)
    edited = services.letter_template_save(actor=None, key="hearing_notice", language="es",
                                           title="Aviso de audiencia", body="Nuestra propia redacción, "
                                           "{{ guardian_name }}. Fecha: ____")
    MIGRATION.forwards(apps, None)
    moved = _active("conference_invitation", "en")
    assert moved.version == 4 and moved.body == upgraded.body
    assert not LetterTemplate.objects.get(key="conference_invitation", language="en", version=3).is_active
    assert _active("hearing_notice", "es").pk == edited.pk  # left alone
    assert LetterTemplate.objects.filter(key="hearing_notice", language="es").count() == 3


def test_letters_tab_fills_a_conference_invitation_from_this_cases_hearing_only(client, world):
    ours = f.case(student=world.student_a, owner=world.user("ppw"))
    theirs = make_hearing(case=f.case(student=world.student_b))
    hearing = make_hearing(case=ours, place="Alpha library",
                           scheduled_at=timezone.make_aware(datetime.datetime(2026, 12, 1, 8, 15)))
    client.force_login(world.user("ppw"))
    url = reverse("letters:case_letters", kwargs={"case_pk": ours.pk})
    data = {"template_key": "conference_invitation", "guardian": "", "language": "es"}
    refused = client.post(url, data | {"hearing": theirs.pk})
    assert refused.status_code == 400 and not ours.letters.exists()
    assert client.post(url, data | {"hearing": hearing.pk}).status_code == 302
    body = ours.letters.get().body_text
    assert "Fecha: martes, 1 de diciembre de 2026\nHora: 8:15 a. m.\nLugar: Alpha library" in body
