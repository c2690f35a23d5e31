from django.db import models


class ActionKind(models.TextChoices):
    """Values match the rules engine's DisciplineKind."""

    IN_SCHOOL_SUSPENSION = "in_school_suspension", "In-school suspension"
    OUT_OF_SCHOOL_SUSPENSION = "out_of_school_suspension", "Out-of-school suspension"
    EXPULSION = "expulsion", "Expulsion"
    OTHER = "other", "Other"


SUSPENSIONS = frozenset({ActionKind.IN_SCHOOL_SUSPENSION, ActionKind.OUT_OF_SCHOOL_SUSPENSION})

# uri://ed-fi.org/DisciplineDescriptor#<code value> -> ActionKind, for importers.
EDFI_DISCIPLINE: dict[str, str] = {
    "In School Suspension": ActionKind.IN_SCHOOL_SUSPENSION,
    "Out of School Suspension": ActionKind.OUT_OF_SCHOOL_SUSPENSION,
    "Expulsion": ActionKind.EXPULSION,
    "Expulsion with Services": ActionKind.EXPULSION,
    "Expulsion under Guns Free School Act": ActionKind.EXPULSION,
    "Expulsion under Guns Free School Act with Services": ActionKind.EXPULSION,
    "Removal from Classroom": ActionKind.OTHER,
    "Community Service": ActionKind.OTHER,
    "No action for incident": ActionKind.OTHER,
    "Other": ActionKind.OTHER,
}
