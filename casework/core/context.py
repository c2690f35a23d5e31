"""The audit context shared by the three audit streams: who is acting, through what, in which request.

Set once per request (middleware), per CLI command, per import run or per job; read by the audit
services so change records and access-log entries always carry the same actor, source and request id.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any


class Source:
    WEB = "web"
    API = "api"
    CLI = "cli"
    IMPORT = "import"
    JOB = "job"
    SEED = "seed"
    CHOICES = [(WEB, "Web"), (API, "API"), (CLI, "Command line"), (IMPORT, "Import"), (JOB, "Job"), (SEED, "Seed")]


@dataclass(frozen=True)
class AuditContext:
    actor: Any = None  # a User or None (system)
    source: str = Source.CLI
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)


_current: ContextVar[AuditContext | None] = ContextVar("casework_audit_context", default=None)


def current() -> AuditContext:
    ctx = _current.get()
    return ctx if ctx is not None else AuditContext()


@contextmanager
def audit_context(
    *, actor: Any = None, source: str = Source.CLI, request_id: str | None = None
) -> Iterator[AuditContext]:
    ctx = AuditContext(actor=actor, source=source, request_id=request_id or uuid.uuid4().hex)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def set_actor(actor: Any) -> None:
    """Fill in the actor once authentication has run (the request context is opened before it)."""
    _current.set(replace(current(), actor=actor))


def set_source(source: str) -> None:
    _current.set(replace(current(), source=source))
