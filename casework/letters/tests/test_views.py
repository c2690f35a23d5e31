"""The Letters tab and the template editor, through the pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casework.audit.models import AccessLog
from casework.contacts.models import Contact
from casework.core.testing import factories as f
from casework.letters.models import Letter, LetterTemplate
from casework.tasks.models import Task

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def case_a(world):
    return f.case(student=world.student_a, owner=world.user("ppw"))


def test_generate_download_mail_and_return(world, case_a):
    c = client_for(world.user("ppw"))
    url = reverse("letters:case_letters", kwargs={"case_pk": case_a.pk})
    page = c.get(url)
    assert page.status_code == 200 and "Generate a letter" in page.content.decode()
    r = c.post(url, {"template_key": "tier1_letter", "guardian": "", "language": ""})
    assert r.status_code == 302
    letter = Letter.objects.get(case=case_a)
    assert letter.language == "en" and letter.recipient_name == "Pat Guardian"  # the custodial grandmother
    page = c.get(url).content.decode()
    assert "Tier 1 attendance warning letter" in page and "Not mailed yet" in page

    pdf = c.get(reverse("letters:pdf", kwargs={"pk": letter.pk}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "García" not in pdf["Content-Disposition"] and case_a.number in pdf["Content-Disposition"]
    docx = c.get(reverse("letters:docx", kwargs={"pk": letter.pk}))
    assert docx.content[:2] == b"PK"
    logged = AccessLog.objects.filter(student=world.student_a, detail=f"letter {letter.pk}")
    assert logged.count() == 2 and set(logged.values_list("action", flat=True)) == {"download"}

    today = timezone.localdate()
    r = c.post(reverse("letters:mailed", kwargs={"pk": letter.pk}),
               {"mailed_on": today.isoformat(), "method": "first_class"})
    assert r.status_code == 302
    assert Contact.objects.filter(case=case_a, contact_type="letter").count() == 1
    r = c.post(reverse("letters:returned", kwargs={"pk": letter.pk}), {"returned_on": today.isoformat(), "reason": ""})
    assert r.status_code == 302 and not Task.objects.filter(case=case_a).exists()  # no reason: refused
    c.post(reverse("letters:returned", kwargs={"pk": letter.pk}), {"returned_on": today.isoformat(),
                                                                  "reason": "Moved"})
    assert Task.objects.filter(case=case_a, automatic="verify_address").count() == 1
    assert "Returned" in c.get(url).content.decode()


def test_bad_mailing_date_is_a_message_not_an_error(world, case_a):
    c = client_for(world.user("ppw"))
    c.post(reverse("letters:case_letters", kwargs={"case_pk": case_a.pk}), {"template_key": "tier1_letter"})
    letter = Letter.objects.get()
    r = c.post(reverse("letters:mailed", kwargs={"pk": letter.pk}), {"mailed_on": "2099-01-01",
                                                                     "method": "certified"}, follow=True)
    assert "cannot be in the future" in r.content.decode()
    assert Letter.objects.get().mailed_on is None


def test_out_of_scope_letters_answer_404(world):
    from casework.letters.services import letter_create

    case_b = f.case(student=world.student_b)
    letter = letter_create(actor=None, case=case_b, template_key="tier1_letter")
    c = client_for(world.user("ppw"))  # works school A only
    assert c.get(reverse("letters:pdf", kwargs={"pk": letter.pk})).status_code == 404
    assert c.post(reverse("letters:mailed", kwargs={"pk": letter.pk}),
                  {"mailed_on": timezone.localdate().isoformat(), "method": "certified"}).status_code == 404
    assert c.post(reverse("letters:case_letters", kwargs={"case_pk": case_b.pk}),
                  {"template_key": "tier1_letter"}).status_code == 404
    assert Letter.objects.count() == 1 and Letter.objects.get().mailed_on is None
    assert c.get(reverse("api:letter-detail", kwargs={"pk": letter.pk})).status_code == 404


def test_api_lists_the_cases_letters(world, case_a):
    from casework.letters.services import letter_create

    letter = letter_create(actor=None, case=case_a, template_key="hearing_notice")
    body = client_for(world.user("ppw")).get(reverse("api:letter-list") + f"?case={case_a.pk}").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [r["id"] for r in rows] == [letter.pk] and "§7-301" in rows[0]["body_text"]
    assert AccessLog.objects.filter(student=world.student_a, action="api", detail="api letter list").count() == 1


def test_template_editor_versions_preview_and_refusals(world, case_a):
    c = client_for(world.user("director"))
    t = LetterTemplate.objects.get(key="tier1_letter", language="es", is_active=True)
    url = reverse("letters:template_edit", kwargs={"pk": t.pk})
    assert "Aviso de ausencias injustificadas" in c.get(url).content.decode()

    preview = c.post(url, {"title": t.title, "body": "Hola {{ guardian_name }}, {{ student_name }}.",
                           "version": t.version, "preview": "1"}).content.decode()
    assert "Hola Pat Sample, Jordan Sample." in preview  # the synthetic family
    preview = c.post(url, {"title": t.title, "body": "Hola {{ guardian_name }}, {{ student_name }}.",
                           "version": t.version, "preview": "1", "preview_case": case_a.pk}).content.decode()
    assert "Hola Pat Guardian, José García." in preview
    assert LetterTemplate.objects.filter(key="tier1_letter", language="es").count() == 1  # preview saves nothing

    bad = c.post(url, {"title": t.title, "body": "Hola {{ nombre_del_padre }}", "version": t.version, "save": "1"})
    assert bad.status_code == 400 and "{{ nombre_del_padre }}" in bad.content.decode()

    r = c.post(url, {"title": t.title, "body": "Hola {{ guardian_name }}.", "version": t.version, "save": "1"})
    assert r.status_code == 302
    new = LetterTemplate.objects.get(key="tier1_letter", language="es", is_active=True)
    assert new.version == t.version + 1 and new.created_by == world.user("director")

    stale = c.post(url, {"title": t.title, "body": "Texto perdido no.", "version": t.version, "save": "1"})
    assert stale.status_code == 409
    text = stale.content.decode()
    assert "changed by someone else since you opened it" in text and "Texto perdido no." in text
    assert LetterTemplate.objects.get(key="tier1_letter", language="es", is_active=True).pk == new.pk


def test_add_a_language(world):
    c = client_for(world.user("director"))
    r = c.post(reverse("letters:templates"), {"key": "conference_invitation", "language": "pt"})
    assert r.status_code == 302
    pt = LetterTemplate.objects.get(key="conference_invitation", language="pt")
    assert pt.body == LetterTemplate.objects.get(key="conference_invitation", language="en", is_active=True).body
    again = c.post(reverse("letters:templates"), {"key": "conference_invitation", "language": "pt"})
    assert again.status_code == 400 and "already exists" in again.content.decode()
    page = c.get(reverse("letters:templates")).content.decode()
    assert "Português" in page


def test_textarea_line_endings_and_restoring_an_old_version(world):
    c = client_for(world.user("director"))
    v1 = LetterTemplate.objects.get(key="hearing_notice", language="en", is_active=True)
    url = reverse("letters:template_edit", kwargs={"pk": v1.pk})
    c.post(url, {"title": v1.title, "body": "Line one\r\nline two\r\n\r\nNext {{ student_name }}",
                 "version": v1.version, "save": "1"})
    v2 = LetterTemplate.objects.get(key="hearing_notice", language="en", is_active=True)
    assert v2.body == "Line one\nline two\n\nNext {{ student_name }}"
    old_page = c.get(url).content.decode()
    assert f"Use this wording again (saves version {v1.version + 2})" in old_page
    c.post(url, {"title": v1.title, "body": v1.body, "version": v2.version, "save": "1"})
    v3 = LetterTemplate.objects.get(key="hearing_notice", language="en", is_active=True)
    assert v3.version == v1.version + 2 and v3.body == v1.body


def test_a_letter_the_pdf_cannot_print_says_to_use_word(world, case_a):
    from casework.letters.tests.helpers import family

    c = client_for(world.user("ppw"))
    url = reverse("letters:case_letters", kwargs={"case_pk": case_a.pk})
    c.post(url, {"template_key": "tier1_letter", "guardian": "", "language": ""})  # Pat Guardian: prints
    page = c.get(url).content.decode()
    assert "Pat Guardian" in page and "cannot print" not in page
    family(world.student_a, first_name="민준", last_name="김", contact_order=2)
    link = world.student_a.guardian_links.get(guardian__last_name="김")
    r = c.post(url, {"template_key": "tier1_letter", "guardian": link.pk, "language": ""}, follow=True)
    page = r.content.decode()
    # The message after generating, and the note beside the letter in the list (the Korean one only).
    assert "This letter has characters the PDF cannot print (민준김" in page
    assert page.count("use the Word version to print it") == 2
    assert page.count('class="lt-unprintable"') == 1
