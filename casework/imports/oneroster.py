"""1EdTech OneRoster 1.2 CSV bundles."""

from __future__ import annotations

from pathlib import Path

from casework.imports.csvfile import Refused


def oneroster_stages(paths: list[Path]) -> list:
    """The stages of a OneRoster import, in dependency order; raises Refused."""
    raise Refused("Importing OneRoster is not yet supported.")
