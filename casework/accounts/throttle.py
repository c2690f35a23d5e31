"""Login throttling: an account (the username, counted across every address, so guesses spread over many
hosts still add up) or a client address with too many recent failures is refused, whatever the password,
until the window passes. Counts live in the shared cache.

Each count is stored with the time its window ends and written back with only the time left, so the
window runs from the first failure on every cache backend (Django's generic `incr`, used by the file
cache, would reset the expiry to the cache's default timeout on every failure)."""

import hashlib
import time
import unicodedata

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The client's address. Behind a proxy REMOTE_ADDR is the proxy's, which would let one failing user
    lock out everyone: there the address the proxy appended last to X-Forwarded-For is used."""
    if settings.BEHIND_PROXY:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def account_key(username: str) -> str:
    """The account a typed username signs in to, as a counter's name. The sign-in form NFKC-normalises the
    username before it looks the account up (Django's UsernameField), so "ｖictim" (fullwidth v) opens the
    account "victim": counted under the raw text, every such spelling had a counter of its own and the
    per-account limit could be walked around from any number of addresses. Case is folded too (more
    spellings share a counter, never fewer); an unknown username is counted exactly like a known one."""
    name = unicodedata.normalize("NFKC", (username or "").strip()).strip().casefold()
    return "login-fail:user:" + hashlib.sha256(name.encode()).hexdigest()[:32]


def _keys(username: str, address: str) -> list[str]:
    return [account_key(username), f"login-fail:addr:{address or '-'}"]


def _count(key: str, now: float) -> tuple[int, float]:
    """(failures, end of window) for a key; (0, 0) when there is none or its window has passed."""
    entry = cache.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[1] > now:
        return int(entry[0]), float(entry[1])
    return 0, 0.0


def is_locked(username: str, address: str) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    now = time.time()
    user_key, addr_key = _keys(username, address)
    # An address gets more room than one account: a school office may share one.
    return _count(user_key, now)[0] >= limit or _count(addr_key, now)[0] >= limit * 4


def record_failure(username: str, address: str) -> None:
    now = time.time()
    for key in _keys(username, address):
        count, until = _count(key, now)
        if not count:
            until = now + settings.LOGIN_FAILURE_WINDOW
        cache.set(key, (count + 1, until), max(1, int(until - now + 0.999)))


def clear(username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])
