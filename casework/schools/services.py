from __future__ import annotations

from typing import Any

from casework.core.services import create_audited, update_audited

from .models import School


def school_create(*, actor, code: str, name: str, level: str, **fields: Any) -> School:
    return create_audited(School, actor=actor, code=code.strip(), name=name.strip(), level=level, **fields)


def school_update(*, actor, school: School, expected_version: int | None = None, **changes: Any) -> School:
    return update_audited(school, actor=actor, expected_version=expected_version, **changes)
