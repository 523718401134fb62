"""Counting failures per caller in a sliding window, and refusing a caller with too many.

`Throttle(name, limit, window)` keeps, for each key (a user name and an address, say), the
times of its last `limit` failures; once `limit` fall within `window` seconds, the key is
blocked until the oldest of them is `window` seconds old. Used for log-ins here
(`LOGIN`: 5 failures for one user name from one address in 15 minutes) and for the
client portal's unknown tokens (`owed.portal.views`).

The counts live in Django's cache. The default cache is per process: a deployment with
several worker processes should configure a shared cache (e.g. the database cache), or
each process counts on its own.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Throttle:
    name: str
    limit: int
    window: int
    """Seconds."""

    def _key(self, parts: tuple[str, ...]) -> str:
        digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
        return f"owed:web:{self.name}:{digest}"

    def _failures(self, key: str) -> list[float]:
        now = time.time()
        return [t for t in cache.get(key, []) if now - t < self.window]

    def blocked_for(self, *parts: str) -> int:
        """Seconds until the key may try again; 0 if it may now."""
        failures = self._failures(self._key(parts))
        if len(failures) < self.limit:
            return 0
        return max(1, int(self.window - (time.time() - failures[-self.limit])))

    def record_failure(self, *parts: str) -> None:
        key = self._key(parts)
        failures = [*self._failures(key), time.time()]
        cache.set(key, failures[-self.limit :], self.window)

    def clear(self, *parts: str) -> None:
        cache.delete(self._key(parts))


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: a forwarded-for header is written by the client unless a proxy
    # in front rewrites it, and trusting it would let anyone reset their count.
    return request.META.get("REMOTE_ADDR", "")


LOGIN = Throttle("login-failures", limit=5, window=15 * 60)
LIMIT = LOGIN.limit
WINDOW = LOGIN.window


def _user(username: str) -> str:
    return username.strip().casefold()


def _key(username: str, address: str) -> str:
    return LOGIN._key((_user(username), address))


def _failures(key: str) -> list[float]:
    return LOGIN._failures(key)


def blocked_for(username: str, address: str) -> int:
    """Seconds until this user name may try again from this address; 0 if it may now."""
    return LOGIN.blocked_for(_user(username), address)


def record_failure(username: str, address: str) -> None:
    LOGIN.record_failure(_user(username), address)


def clear(username: str, address: str) -> None:
    LOGIN.clear(_user(username), address)
