"""The permission table's row type, shared so each app can declare the rows of its own URLs in
`<app>/tests/permission_rows.py` (ROWS = {url name: Rule}); tests/test_permission_matrix.py merges
them and requests every URL as every role.

Statuses are in ROLES order. `kwargs(objs)` builds the URL for an in-scope object (one in school A,
where ppw/school_admin/school_staff work); `kwargs_out(objs)` one outside it (school B). `objs` holds
`world` (conftest.World) and the shared objects; make more lazily with `lazy()`."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

ROLES = ("director", "supervisor", "ppw", "school_admin", "school_staff", "data_steward", "auditor", "none",
         "anonymous")


@dataclass(frozen=True)
class Rule:
    get: tuple[int, ...]
    kwargs: Callable[[dict], dict] | None = None
    get_out: tuple[int, ...] | None = None
    kwargs_out: Callable[[dict], dict] | None = None
    post: tuple[int, ...] | None = None
    api: bool = False


def lazy(objs: dict, key: str, make: Callable[[], object]):
    """One shared object per test, made on first use."""
    if key not in objs:
        objs[key] = make()
    return objs[key]


def case_in(objs: dict, school: str = "a"):
    """An open attendance case of student A (owned by the world's PPW) or of student B (no owner)."""
    from casework.core.testing import factories as f

    world = objs["world"]
    if school == "a":
        return lazy(objs, "case_a", lambda: f.case(student=world.student_a, owner=world.user("ppw"),
                                                   opened_on=datetime.date(2025, 9, 15)))
    return lazy(objs, "case_b", lambda: f.case(student=world.student_b, opened_on=datetime.date(2025, 9, 15)))
