"""Writes of the caseload weights (district configuration: audited, version-checked)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.cases.choices import CaseType
from casework.core.services import create_audited, update_audited

from .models import CaseloadWeight


@transaction.atomic
def caseload_weights_update(*, actor, weights: dict[str, Decimal],
                            expected_versions: dict[str, int] | None = None) -> list[CaseloadWeight]:
    """Set the weight of each case type given. With expected_versions, a row someone else changed since
    the form was opened raises ConflictError and nothing is saved (one transaction)."""
    unknown = sorted(set(weights) - set(CaseType.values))
    if unknown:
        raise ValidationError(f"Unknown case type: {', '.join(unknown)}")
    expected_versions = expected_versions or {}
    existing = {w.case_type: w for w in CaseloadWeight.objects.select_for_update().filter(case_type__in=weights)}
    saved = []
    for case_type, weight in weights.items():
        row = existing.get(case_type)
        if row is None:
            saved.append(create_audited(CaseloadWeight, actor=actor, case_type=case_type, weight=weight))
        else:
            saved.append(update_audited(row, actor=actor, expected_version=expected_versions.get(case_type),
                                        weight=weight))
    return saved
