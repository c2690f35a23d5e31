"""Ed-Fi Data Standard v5 XML interchanges, read in a stream (see reader.py)."""

from __future__ import annotations

from pathlib import Path

from casework.imports.csvfile import Refused


def edfi_stages(paths: list[Path]) -> list:
    """The stages of an Ed-Fi import, in dependency order; raises Refused."""
    raise Refused("Importing Ed-Fi XML is not yet supported.")
