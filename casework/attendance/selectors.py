"""Reads that are more than a filter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Generic, TypeVar

from .choices import LawfulReason
from .models import DescriptorMapping

T = TypeVar("T")


class DescriptorResolver(Generic[T]):
    """What a descriptor as a SIS sent it is mapped to (for attendance: category and reason code), or
    None when the district has not mapped it (the importer rejects the row and says which to map).

    Exact match first (a full URI or a local code); then the code value after "#", so a SIS that sends
    "Tardy" where another sends the full Ed-Fi URI resolves the same; then ignoring case. Built once per
    import run: lookups never touch the database."""

    def __init__(self, mappings: Mapping[str, T]):
        self._exact = dict(mappings)
        self._folded: dict[str, T] = {}
        for key in sorted(mappings):  # deterministic when two URIs share a code value
            self._folded.setdefault(key.rsplit("#", 1)[-1].casefold(), mappings[key])

    def __call__(self, descriptor: str) -> T | None:
        value = descriptor.strip()
        if value in self._exact:
            return self._exact[value]
        return self._folded.get(value.rsplit("#", 1)[-1].casefold())


def descriptor_resolver() -> DescriptorResolver[tuple[str, str | None]]:
    return DescriptorResolver(DescriptorMapping.objects.as_dict())


def lawful_reason_codes() -> list[str]:
    """Every code an absence can be lawful by: the statutory ones (COMAR 13A.08.01.03 A-J, Educ. Art.
    7-301.1 PP- codes), then any other a rule set lists (a district's own, COMAR .03J), in that order.
    The attendance import refuses any other code on an absence it could make lawful; on an unexcused
    absence or a suspension, whose lawfulness no code decides, it is stored as sent."""
    from casework.rules import definition
    from casework.rules.models import RuleSet

    codes = dict.fromkeys(LawfulReason.values)
    for values in RuleSet.objects.values_list("values", flat=True):
        try:
            reasons = definition.value(values, "lawful_reasons")
        except (KeyError, TypeError):
            continue  # a rule set's own validation reports it
        codes.update(dict.fromkeys(r["code"] for r in reasons if isinstance(r, dict) and r.get("code")))
    return list(codes)
