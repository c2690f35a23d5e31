"""Reads that are more than a filter."""

from __future__ import annotations

from collections.abc import Mapping

from .models import DescriptorMapping


class DescriptorResolver:
    """(category, reason code) for a descriptor as a SIS sent it, or None when the district has not
    mapped it (the importer rejects the row and says which descriptor to map).

    Exact match first (a full URI or a local code); then the code value after "#", so a SIS that sends
    "Tardy" where another sends the full Ed-Fi URI resolves the same; then ignoring case. Built once per
    import run: lookups never touch the database."""

    def __init__(self, mappings: Mapping[str, tuple[str, str | None]]):
        self._exact = dict(mappings)
        self._folded: dict[str, tuple[str, str | None]] = {}
        for key in sorted(mappings):  # deterministic when two URIs share a code value
            self._folded.setdefault(key.rsplit("#", 1)[-1].casefold(), mappings[key])

    def __call__(self, descriptor: str) -> tuple[str, str | None] | None:
        value = descriptor.strip()
        if value in self._exact:
            return self._exact[value]
        return self._folded.get(value.rsplit("#", 1)[-1].casefold())


def descriptor_resolver() -> DescriptorResolver:
    return DescriptorResolver(DescriptorMapping.objects.as_dict())
