"""Job kinds and their handlers. An app registers a handler at import time:

    @job_handler("letters.batch")
    def run(job, progress):
        ...

`job` is the Job row (read `job.args`, `job.created_by`); `progress(done, total=None, message="")` records
how far it got. Return a short outcome message (no student data) or None. Raise JobError("...") with a
message safe to show; any other exception is recorded by type and place only.

A job the worker should queue once a day is registered with `daily()` from the app's AppConfig.ready()
(the jobs app knows kinds only by name: it never imports the apps whose jobs it runs):

    daily("enforcement.evaluate", hour_setting="CASEWORK_LADDER_HOUR", default_hour=5, date_arg="as_of")"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


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


@dataclass(frozen=True)
class Daily:
    """A job queued once per local day from `hour` on, with unique key <key>:YYYY-MM-DD and the day's date
    in args[date_arg]."""

    kind: str
    hour_setting: str
    default_hour: int
    key: str
    date_arg: str

    def hour(self) -> int:
        return int(getattr(settings, self.hour_setting, self.default_hour))

    def unique_key(self, day: datetime.date) -> str:
        return f"{self.key}:{day.isoformat()}"


_daily: dict[str, Daily] = {}


def daily(kind: str, hour_setting: str, default_hour: int, *, key: str | None = None, date_arg: str = "date") -> Daily:
    """Have the worker queue `kind` once a day from the hour in settings.<hour_setting> (local time).
    `key` defaults to the kind; registering the same kind again replaces the entry (ready() may run twice)."""
    if not 0 <= default_hour <= 23:
        raise ValueError(f"default_hour must be 0-23, not {default_hour}")
    entry = Daily(kind=kind, hour_setting=hour_setting, default_hour=default_hour, key=key or kind,
                  date_arg=date_arg)
    _daily[kind] = entry
    return entry


def daily_jobs() -> list[Daily]:
    """In the order of their hour (then kind): the ladder's tasks exist before the digest lists them."""
    return sorted(_daily.values(), key=lambda d: (d.hour(), d.kind))
