"""Dated, versioned rule sets: every legal threshold the indicators use, as data.

Maryland's default ships in a data migration; a district copies it and tightens it with an effective
date. The engine (`engine.py`) reads a rule set's values and never touches the database."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet

from . import definition


class RuleSetQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        return self  # district-wide configuration: no school owns a rule set

    def defaults(self):
        return self.filter(is_default=True)

    def district(self):
        return self.filter(is_default=False)

    def effective_on(self, day):
        return self.filter(effective_from__lte=day)


class RuleSet(AuditedModel):
    """A named, versioned set of attendance thresholds, in force from `effective_from`.

    `rule_version` is the published version ("2026.1"); the inherited integer `version` is the row's
    edit counter that guards against stale writes, a different thing."""

    name = models.CharField(max_length=120)
    jurisdiction = models.CharField(max_length=10, default="MD", help_text="State (MD) or district the rules belong to")
    rule_version = models.CharField("version", max_length=20, help_text='Published version, e.g. "2026.1"')
    effective_from = models.DateField(help_text="The first school day these rules apply to")
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="copies",
                                 help_text="The rule set this one was copied from")
    is_default = models.BooleanField(default=False, help_text="Shipped statewide rules (read-only; copy to tighten)")
    values = models.JSONField(help_text="Every threshold with its source citation")
    notes = models.TextField(blank=True)

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "rule_version"], name="rules_ruleset_name_version_unique"),
            models.CheckConstraint(condition=Q(is_default=False) | Q(based_on__isnull=True),
                                   name="rules_default_is_not_a_copy"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.name} (version {self.rule_version})"

    def clean(self) -> None:
        errors = definition.validate_values(self.values)
        if errors:
            raise ValidationError({"values": [f"{key}: {msg}" for key, msgs in errors.items() for msg in msgs]})

    def value(self, key: str):
        return definition.value(self.values, key)

    def rules(self):
        """The typed thresholds the engine takes (no database access)."""
        from .engine import Rules

        return Rules.from_values(name=self.name, version=self.rule_version, values=self.values)
