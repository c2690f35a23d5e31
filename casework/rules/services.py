"""Every write to rule sets. A district copies the shipped default and tightens the copy; the default
itself is the law as shipped and changes only by a new version in a migration."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.core.services import create_audited, update_audited

from . import definition
from .models import RuleSet
from .selectors import default_in_force, ruleset_in_force

__all__ = ["ruleset_copy", "ruleset_in_force", "ruleset_update"]


def _refuse_loosening(values: Mapping[str, Any], effective_from: datetime.date) -> None:
    errors = definition.validate_values(values)
    if errors:
        raise ValidationError({"values": [f"{k}: {m}" for k, msgs in errors.items() for m in msgs]})
    baseline = default_in_force(effective_from)
    looser = definition.loosening(values, baseline.values, baseline.label)
    if looser:
        raise ValidationError({"values": [f"{k}: {m}" for k, msgs in looser.items() for m in msgs]})


@transaction.atomic
def ruleset_copy(*, actor, source: RuleSet, name: str, version: str, effective_from: datetime.date,
                 notes: str = "") -> RuleSet:
    """A district rule set starting as a copy of `source`, in force from `effective_from`."""
    name, version = name.strip(), version.strip()
    if not name or not version:
        raise ValidationError("Give the new rule set a name and a version.")
    if RuleSet.objects.filter(name=name, rule_version=version).exists():
        raise ValidationError({"rule_version": f"A rule set named {name} already has version {version}."})
    values = copy.deepcopy(source.values)
    _refuse_loosening(values, effective_from)
    return create_audited(RuleSet, actor=actor, name=name, jurisdiction=source.jurisdiction, rule_version=version,
                          effective_from=effective_from, based_on=source, is_default=False, values=values,
                          notes=notes or f"Copied from {source.label}.")


def _merge(current: Mapping[str, Any], changes: Mapping[str, Any], label: str) -> dict[str, Any]:
    """Changes give either a whole entry ({"value": ..., "source": ...}) or a bare value. A bare value
    that differs keeps the citation of the rule it tightens, marked as the district's choice."""
    merged = copy.deepcopy(dict(current))
    unknown = sorted(set(changes) - set(definition.KEYS))
    if unknown:
        raise ValidationError({"values": [f"Unknown rule {k!r}. Known rules: {', '.join(definition.KEYS)}."
                                          for k in unknown]})
    for key, change in changes.items():
        if isinstance(change, dict) and "value" in change:
            merged[key] = copy.deepcopy(change)
            continue
        entry = dict(merged.get(key) or {})
        if entry.get("value") != change:
            source = entry.get("source", "")
            prefix = f"District rule in {label}"
            entry["source"] = (source if source.startswith(prefix) else f"{prefix}, tightening: {source}" if source
                               else prefix)
            entry["value"] = copy.deepcopy(change)
        merged[key] = entry
    return merged


@transaction.atomic
def ruleset_update(*, actor, ruleset: RuleSet, values: Mapping[str, Any],
                   expected_version: int | None = None) -> RuleSet:
    """Change some thresholds of a district rule set. Refused for the shipped default, for invalid values,
    and for any statutory threshold set less strictly than the law (the default in force on the rule
    set's effective date)."""
    current = RuleSet.objects.get(pk=ruleset.pk)
    if current.is_default:
        raise ValidationError(f"{current.label} is the shipped statewide rule set and cannot be edited. Copy it "
                              "to make a district rule set, then tighten the copy.")
    merged = _merge(current.values, values, current.label)
    _refuse_loosening(merged, current.effective_from)
    return update_audited(current, actor=actor, expected_version=expected_version, values=merged)
