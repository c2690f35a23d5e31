from django.db import models


class ActionKind(models.TextChoices):
    """Values match the rules engine's DisciplineKind."""

    IN_SCHOOL_SUSPENSION = "in_school_suspension", "In-school suspension"
    OUT_OF_SCHOOL_SUSPENSION = "out_of_school_suspension", "Out-of-school suspension"
    EXPULSION = "expulsion", "Expulsion"
    OTHER = "other", "Other"


SUSPENSIONS = frozenset({ActionKind.IN_SCHOOL_SUSPENSION, ActionKind.OUT_OF_SCHOOL_SUSPENSION})
