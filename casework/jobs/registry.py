"""Job kinds and their handlers. An app registers a handler at import time:

    @job_handler("letters.batch")
    def run(job, progress):
        ...

`job` is the Job row (read `job.args`, `job.created_by`); `progress(done, total=None, message="")` records
how far it got. Return a short outcome message (no student data) or None. Raise JobError("...") with a
message safe to show; any other exception is recorded by type and place only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Progress(Protocol):
    def __call__(self, done: int, total: int | None = None, message: str = "") -> None: ...


Handler = Callable[..., "str | None"]

_handlers: dict[str, Handler] = {}


class JobError(Exception):
    """A failure whose message is safe to store and show (no student data)."""


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        existing = _handlers.get(kind)
        if existing is not None and existing is not func and existing.__qualname__ != func.__qualname__:
            raise ValueError(f"job kind {kind!r} is already handled by {existing.__module__}.{existing.__qualname__}")
        _handlers[kind] = func
        return func

    return register


def handler_for(kind: str) -> Handler | None:
    return _handlers.get(kind)


def kinds() -> list[str]:
    return sorted(_handlers)
