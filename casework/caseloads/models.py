"""Caseload weighting: a child-welfare case is more work than an attendance case, so the director's
dashboard weighs each open case by its type before comparing PPWs' loads."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from casework.cases.choices import CaseType
from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet


class CaseloadWeightQuerySet(ScopedQuerySet):
    # District configuration, not student data: the caseload actions are district-wide (ALL) only.
    def in_schools(self, school_ids):
        return self.none()


class CaseloadWeight(AuditedModel):
    case_type = models.CharField(max_length=30, choices=CaseType.choices, unique=True)
    weight = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("1.00"),
                                 validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
                                 help_text="How many attendance cases one case of this type is worth")

    objects = CaseloadWeightQuerySet.as_manager()

    class Meta:
        ordering = ["case_type"]

    def __str__(self) -> str:
        return f"{self.get_case_type_display()}: {self.weight}"
