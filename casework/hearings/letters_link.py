"""The one place hearings reach the letters app, which is built alongside: while it is missing, the
packet lists no letters and the hearing form offers none (instead of failing to import)."""

from __future__ import annotations

try:
    from casework.letters.models import Letter
except ImportError:  # the letters app has no models yet
    Letter = None


def available() -> bool:
    return Letter is not None


def letters_of(case, user):
    """The case's letters the user may read, oldest first; [] without the letters app."""
    if Letter is None:
        return []
    return list(Letter.objects.for_user(user, "case.work").filter(case=case).order_by("generated_at", "id"))


def hearing_notices(case, user):
    if Letter is None:
        return []
    return [x for x in letters_of(case, user) if x.template_key == "hearing_notice"]


def letters_by_id(case, user) -> dict:
    """{letter id: Letter} of the case's letters the user may read (to show a hearing's linked letters)."""
    return {x.pk: x for x in letters_of(case, user)}


def mailing(letter_id: int | None) -> tuple | None:
    """(mailed_on, mail_method) of a letter recorded as mailed and not returned: only such a letter gave
    notice. None when it is not (or does not exist)."""
    if Letter is None or letter_id is None:
        return None
    row = (Letter.objects.filter(pk=letter_id, mailed_on__isnull=False, returned_on__isnull=True)
           .values_list("mailed_on", "mail_method").first())
    return tuple(row) if row else None


def default_guardian(student, links):
    """letters.services.default_guardian over these StudentGuardian rows (contact order kept)."""
    from casework.letters.services import default_guardian as choose

    return choose(student, links=links)


def generate(*, actor, case, template_key: str, hearing, guardian=None):
    from casework.letters.services import letter_create

    return letter_create(actor=actor, case=case, template_key=template_key, hearing=hearing, guardian=guardian)
