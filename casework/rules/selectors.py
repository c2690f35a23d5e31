"""Reads of rule sets that carry a rule of their own."""

from __future__ import annotations

import datetime

from django.core.exceptions import ImproperlyConfigured

from .models import RuleSet


def ruleset_in_force(on: datetime.date) -> RuleSet:
    """The rule set that applies on `on`: the district rule set with the latest effective date on or
    before it; without one, the shipped default in force then (the earliest default for dates before
    any default took effect, so an old date still gets Maryland's rules, not an error)."""
    district = RuleSet.objects.district().effective_on(on).order_by("-effective_from", "-id").first()
    if district is not None:
        return district
    return default_in_force(on)


def default_in_force(on: datetime.date) -> RuleSet:
    defaults = RuleSet.objects.defaults()
    found = defaults.effective_on(on).order_by("-effective_from", "-id").first()
    # the newest row among the earliest-dated (2026.2 over 2026.1, both from 2017-07-01)
    found = found or defaults.order_by("effective_from", "-id").first()
    if found is None:
        raise ImproperlyConfigured("No default rule set is installed; run the migrations (rules 0002).")
    return found
