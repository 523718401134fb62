"""Log-in throttling: after `LIMIT` failed log-ins for one user name from one address in
`WINDOW` seconds, that pair may not log in until the window has passed.

The counts live in Django's cache. The default cache is per process: a deployment with
several worker processes should configure a shared cache (e.g. the database cache), or
each process counts on its own.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest

LIMIT = 5
WINDOW = 15 * 60


def _key(username: str, address: str) -> str:
    digest = hashlib.sha256(f"{username.strip().casefold()}\x00{address}".encode()).hexdigest()
    return f"owed:web:login-failures:{digest}"


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: a forwarded-for header is written by the client unless a proxy
    # in front rewrites it, and trusting it would let anyone reset their count.
    return request.META.get("REMOTE_ADDR", "")


def _failures(key: str) -> list[float]:
    now = time.time()
    return [t for t in cache.get(key, []) if now - t < WINDOW]


def blocked_for(username: str, address: str) -> int:
    """Seconds until this user name may try again from this address; 0 if it may now."""
    failures = _failures(_key(username, address))
    if len(failures) < LIMIT:
        return 0
    return max(1, int(WINDOW - (time.time() - failures[-LIMIT])))


def record_failure(username: str, address: str) -> None:
    key = _key(username, address)
    failures = [*_failures(key), time.time()]
    cache.set(key, failures[-LIMIT:], WINDOW)


def clear(username: str, address: str) -> None:
    cache.delete(_key(username, address))
