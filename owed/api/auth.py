"""Bearer-token authentication and the read-only rule.

`Authorization: Bearer <token>`; the request then carries `request.auth`, an
`owed.api.tokens.Access`. A read-only member's token may read (GET, HEAD, OPTIONS) and
nothing else: a write is refused with 403 before the view runs.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from owed.api.errors import ApiError
from owed.api.tokens import Access, token_access

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Access | None:
        access = token_access(token)
        if access is None:
            return None
        if request.method not in SAFE_METHODS and not access.can_write:
            raise ApiError.read_only()
        return access


def access_of(request: HttpRequest) -> Access:
    return request.auth  # type: ignore[attr-defined,return-value]
