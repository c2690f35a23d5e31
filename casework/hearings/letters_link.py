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
