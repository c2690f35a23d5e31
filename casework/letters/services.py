"""Writes of letter templates and letters. A letter stores its rendered text and the template version
it came from; mailing it is a contact on the case, returned mail a task to verify the address."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.audit.services import _actor
from casework.cases.choices import EventKind
from casework.cases.models import Case
from casework.cases.timeline import at_start_of, timeline_record
from casework.core.services import create_audited, update_audited
from casework.students.models import Guardian, StudentGuardian

from .choices import LANGUAGE_NAMES, MailMethod
from .models import Letter, LetterTemplate
from .render import LetterBatch, _school_for, letter_context, render_text, template_problems

VERIFY_ADDRESS = "verify_address"
VERIFY_ADDRESS_TITLE = "Verify the family's address (returned mail)"
VERIFY_ADDRESS_DAYS = 5
# Called as hook(actor=, letter=) inside letter_mark_mailed's transaction: other apps keep what they derive
# from a mailing in step (hearings copy their notice letter's mailing), without letters importing them.
MAILED_HOOKS: list = []
# Called as hook(actor=, letter=) inside letter_return's transaction: returned mail gave no notice (hearings
# clear the notice of record their notice letter gave).
RETURNED_HOOKS: list = []


def language_code(preferred: str | None) -> str:
    """'Spanish', 'español', 'es', 'es-US' -> 'es'; blank or unknown -> 'en'."""
    text = (preferred or "").strip().lower()
    if not text:
        return "en"
    if text in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[text]
    code = text.split("-")[0].split("_")[0]
    if len(code) in (2, 3) and code.isalpha() and code.isascii():
        return code
    first = text.split()[0].strip("(),")
    return LANGUAGE_NAMES.get(first, "en")


def default_guardian(student, links: list | None = None) -> Guardian | None:
    """The first guardian by contact order who has custody or lives with the student, may be contacted and
    receives school mail; failing that the first contactable one. `links`: the student's StudentGuardian
    rows by contact order, already read (a batch)."""
    if links is None:
        links = list(StudentGuardian.objects.filter(student=student, no_contact=False).select_related("guardian")
                     .order_by("contact_order", "id"))
    else:
        links = [link for link in links if not link.no_contact]
    for link in links:
        if (link.has_custody or link.lives_with) and link.receives_mail:
            return link.guardian
    return links[0].guardian if links else None


def active_template(key: str, language: str) -> LetterTemplate | None:
    return LetterTemplate.objects.active().filter(key=key, language=language).first()


def choose_template(key: str, language: str, batch: LetterBatch | None = None) -> LetterTemplate:
    """The active template in `language`, falling back to English when the district has none in it.
    `batch`: its templates were read once (letter_batch) for its key."""
    if batch is not None and batch.template_key == key:
        template = batch.templates.get(language) or batch.templates.get("en")
    else:
        template = active_template(key, language) or active_template(key, "en")
    if template is None:
        raise ValidationError({"template_key": f"There is no active letter template “{key}”."})
    return template


def return_lines(school) -> list[str]:
    if school is None:
        return []
    city = f"{school.city}, {school.state} {school.postal_code}".strip() if school.city else ""
    lines = [school.name, school.street, city]
    return [line for line in lines if line and line.strip()]


def _to_the_family(language: str) -> str:
    return "A los padres o tutores de " if language == "es" else "To the parent or guardian of "


def _guardian_links(student, guardian, batch: LetterBatch | None) -> tuple[bool, bool]:
    """(is one of the student's guardians, a no-contact order applies), from the batch's links if read."""
    if batch is not None and student.pk in batch.links:
        own = [link for link in batch.links[student.pk] if link.guardian_id == guardian.pk]
        return bool(own), any(link.no_contact for link in own)
    own = StudentGuardian.objects.filter(student=student, guardian=guardian)
    is_own = own.exists()
    return is_own, is_own and own.filter(no_contact=True).exists()


@transaction.atomic
def letter_create(*, actor, case: Case, template_key: str, guardian=None, language: str | None = None, mailing=None,
                  as_of: datetime.date | None = None, known_absences: dict | None = None, hearing=None,
                  batch: LetterBatch | None = None) -> Letter:
    """Render the letter now and keep its text. `language` None means the guardian's preferred language.
    `known_absences`: a batch's figures computed once (render.absences_for), instead of per letter.
    `hearing` (of this case) fills the meeting placeholders (date, time, place, contract terms).
    `batch` (render.letter_batch): templates, school, guardian links, address and absences read once for
    a whole mailing, so the letter's own transaction does little more than write."""
    student = case.student
    if batch is not None and as_of is not None and as_of != batch.as_of:
        raise ValueError("A batch's letters are all dated the batch's day.")
    if hearing is not None and hearing.case_id != case.pk:
        raise ValidationError({"hearing": "That hearing belongs to another case."})
    if guardian is None:
        guardian = default_guardian(student, batch.links.get(student.pk) if batch is not None else None)
    else:
        is_own, no_contact = _guardian_links(student, guardian, batch)
        if not is_own:
            raise ValidationError({"guardian": "Choose one of this student's own guardians."})
        if no_contact:
            raise ValidationError({"guardian": "A court order or custody arrangement forbids contact with this "
                                               "guardian. Choose another."})
    wanted = language_code(language if (language or "").strip() else
                           (guardian.preferred_language if guardian else ""))
    template = choose_template(template_key, wanted, batch)
    as_of = as_of or (batch.as_of if batch is not None else timezone.localdate())
    context = letter_context(case, guardian, as_of=as_of, language=template.language,
                             known_absences=known_absences, hearing=hearing, batch=batch)
    address = [context[k] for k in ("address_line1", "address_line2", "address_line3") if context[k]]
    school = (batch.schools[student.pk] if batch is not None and student.pk in batch.schools
              else _school_for(student, as_of))
    letter = create_audited(
        Letter, actor=actor, case=case, template=template, template_key=template.key, language=template.language,
        title=template.title, guardian=guardian,
        recipient_name=context["guardian_name"] or _to_the_family(template.language) + context["student_name"],
        address_lines=address,
        return_lines=return_lines(school),
        body_text=render_text(template, context), generated_at=timezone.now(), generated_by=_actor(actor),
        mailing=mailing)
    language_note = "" if template.language == "en" else f", {template.language_label}"
    timeline_record(case=case, kind=EventKind.LETTER, actor=actor,
                    summary=f"Letter generated: {template.title}{language_note}", source=letter)
    return letter


@transaction.atomic
def letter_mark_mailed(*, actor, letter: Letter, mailed_on: datetime.date, method: str) -> Letter:
    """Record the mailing, and log it on the case as a contact (the evidence a hearing asks for)."""
    from casework.contacts.choices import ContactType
    from casework.contacts.services import contact_log

    if method not in MailMethod.values:
        raise ValidationError({"method": "Choose how the letter was sent."})
    if mailed_on is None:
        raise ValidationError({"mailed_on": "Say when the letter was sent."})
    if mailed_on > timezone.localdate():
        raise ValidationError({"mailed_on": "The mailing date cannot be in the future."})
    if mailed_on < timezone.localtime(letter.generated_at).date():
        raise ValidationError({"mailed_on": "The mailing date is before the letter was generated."})
    if letter.mailed_on is not None:
        raise ValidationError(f"This letter was already recorded as mailed on {letter.mailed_on:%m/%d/%Y}.")
    letter = update_audited(letter, actor=actor, mailed_on=mailed_on, mail_method=method)
    method_label = MailMethod(method).label.lower()
    guardians = list(StudentGuardian.objects.filter(student_id=letter.case.student_id, guardian_id=letter.guardian_id))
    when = at_start_of(mailed_on) + datetime.timedelta(hours=12)
    contact_log(actor=actor, case=letter.case, contact_type=ContactType.LETTER, reached=True, guardians=guardians,
                occurred_at=min(when, timezone.now()), summary=f"{letter.title} mailed ({method_label})")
    for hook in MAILED_HOOKS:
        hook(actor=actor, letter=letter)
    return letter


@transaction.atomic
def letter_return(*, actor, letter: Letter, returned_on: datetime.date, reason: str) -> Letter:
    """Returned mail: the address is probably wrong, so someone must verify it (a task on the case)."""
    from casework.tasks.services import task_create

    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "Say why it came back (e.g. moved, no such address)."
    if returned_on is None:
        errors["returned_on"] = "Say when it came back."
    elif returned_on > timezone.localdate():
        errors["returned_on"] = "The return date cannot be in the future."
    elif letter.mailed_on and returned_on < letter.mailed_on:
        errors["returned_on"] = "The return date is before the letter was mailed."
    if errors:
        raise ValidationError(errors)
    if letter.returned_on is not None:
        raise ValidationError(f"This letter was already recorded as returned on {letter.returned_on:%m/%d/%Y}.")
    letter = update_audited(letter, actor=actor, returned_on=returned_on, return_reason=reason[:200])
    for hook in RETURNED_HOOKS:
        hook(actor=actor, letter=letter)
    timeline_record(case=letter.case, kind=EventKind.LETTER, actor=actor,
                    summary=f"Letter returned: {letter.title} ({reason[:100]})", source=letter)
    task_create(actor=actor, case=letter.case, title=VERIFY_ADDRESS_TITLE, automatic=VERIFY_ADDRESS,
                due_on=max(returned_on, timezone.localdate()) + datetime.timedelta(days=VERIFY_ADDRESS_DAYS),
                details=f"Letter {letter.pk} ({letter.title}) came back on {returned_on:%m/%d/%Y}: {reason}")
    return letter


# --- templates --------------------------------------------------------------------------------------------


def _check_template(*, title: str, body: str) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = "Give the letter a title."
    if not body.strip():
        errors["body"] = "The letter has no text."
    else:
        problems = template_problems(body)
        if problems:
            errors["body"] = problems
    if errors:
        raise ValidationError(errors)


def _retire(template: LetterTemplate, *, actor) -> None:
    """Deactivate without update_audited: on a template, `version` is the wording's version number
    (AuditedModel's counter, bumped on each write), which must not move when the row is retired."""
    from casework.audit import services as audit

    before = audit.snapshot(template)
    LetterTemplate.objects.filter(pk=template.pk).update(is_active=False)
    template.is_active = False
    audit.record_change(actor=actor, instance=template, action=audit.UPDATE, before=before)


@transaction.atomic
def letter_template_save(*, actor, key: str, language: str, title: str, body: str,
                         expected_version: int | None = None) -> LetterTemplate:
    """Save new wording for (key, language) as a NEW version; the previous one is kept, inactive.
    `expected_version` is the version the editor opened: someone else's newer save is not overwritten."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")  # browsers post textareas with CRLF
    _check_template(title=title, body=body)
    language = language.strip().lower()
    current = (LetterTemplate.objects.select_for_update().filter(key=key, language=language, is_active=True)
               .first())
    if current is not None and expected_version is not None and current.version != expected_version:
        from casework.core.errors import ConflictError

        raise ConflictError(LetterTemplate._meta.verbose_name, current.pk, expected_version, current.version)
    latest = LetterTemplate.objects.filter(key=key, language=language).order_by("-version").first()
    if current is not None:
        if current.title == title.strip() and current.body.strip() == body.strip():
            return current  # nothing changed: no new version
        _retire(current, actor=actor)
    return create_audited(LetterTemplate, actor=actor, key=key, language=language, title=title.strip(), body=body,
                          version=(latest.version + 1) if latest else 1, is_active=True, created_by=_actor(actor))


@transaction.atomic
def letter_template_add_language(*, actor, key: str, language: str) -> LetterTemplate:
    """Start a new language from the English wording (to be translated in the editor)."""
    from .models import language_code as validator

    language = (language or "").strip().lower()
    try:
        validator(language)
    except ValidationError:
        raise ValidationError({"language": "Use a two- or three-letter language code (ISO 639), e.g. fr."}) from None
    if active_template(key, language) is not None:
        raise ValidationError({"language": f"This letter already exists in “{language}”."})
    english = active_template(key, "en")
    if english is None:
        raise ValidationError({"key": "There is no English version of this letter to copy."})
    return letter_template_save(actor=actor, key=key, language=language, title=english.title, body=english.body)
