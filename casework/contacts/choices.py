from django.db import models


class ContactType(models.TextChoices):
    """The ways a PPW reaches (or tries to reach) a family, the school or an agency."""

    HOME_VISIT = "home_visit", "Home visit"
    PHONE_CALL = "phone_call", "Phone call"
    CONFERENCE = "conference", "Conference"
    COUNSELING = "counseling", "Counseling session"
    STAFF_CONSULTATION = "staff_consultation", "Consultation with staff"
    AGENCY = "agency", "Agency contact"
    LETTER = "letter", "Letter"
    EMAIL = "email", "E-mail"
    TEXT = "text", "Text message"
    ATTEMPTED = "attempted", "Attempted contact"


# Attempts to reach the student or family: what a court counts ("7 attempts, 3 reached"). Talking to a
# teacher or a DSS worker is work on the case, not an attempt to reach the family, so it is kept apart.
FAMILY_CONTACT_TYPES = frozenset(set(ContactType) - {ContactType.STAFF_CONSULTATION, ContactType.AGENCY})


# What "not reached" reads as on the timeline, per type ("Home visit — no answer").
NOT_REACHED_WORDS = {
    ContactType.HOME_VISIT: "no answer",
    ContactType.PHONE_CALL: "no answer",
    ContactType.TEXT: "no reply",
    ContactType.EMAIL: "no reply",
    ContactType.LETTER: "returned / no response",
}


class VisitOutcome(models.TextChoices):
    """How a home visit ended, recorded at check-out (the notes themselves become a Contact)."""

    MET = "met", "Met the family"
    NO_ANSWER = "no_answer", "Nobody answered"
    MOVED = "moved", "Family no longer lives there"
    CUT_SHORT = "cut_short", "Left early (felt unsafe or was asked to leave)"
    CANCELLED = "cancelled", "Did not go"
