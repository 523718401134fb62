"""Creating, listing, revoking and checking API tokens.

A token is `owed_` and 40 random URL-safe characters. Only its SHA-256 hash is stored
(a token is random enough that a slow hash adds nothing), with its first 12 characters to
recognize it by; the plaintext is returned once, by `token_create`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from owed.api.models import ApiToken
from owed.errors import OwedError
from owed.ledger.models import Membership, Organization

TOKEN_START = "owed_"
PREFIX_LENGTH = 12
# `last_used_at` is written at most once a minute per token: a busy script does not turn
# every read into a write.
LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Access:
    """Who a request acts as: the token, its organization and the user's role there."""

    token: ApiToken
    organization: Organization
    role: str

    @property
    def can_write(self) -> bool:
        return self.role != Membership.Role.READ_ONLY


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, username: str, organization: Organization, name: str = ""
) -> tuple[ApiToken, str]:
    """A new token for the user in the organization, and its plaintext (shown only now)."""
    name = (name or "").strip()
    if len(name) > 100:
        raise OwedError("a token name has at most 100 characters")
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise OwedError(f"no user {username!r} (add one with `owed user add`)")
    if not Membership.objects.filter(organization=organization, user=user).exists():
        raise OwedError(f"user {username!r} is not a member of {organization.slug}")
    key = TOKEN_START + secrets.token_urlsafe(30)
    token = ApiToken.objects.create(
        user=user,
        organization=organization,
        name=name,
        prefix=key[:PREFIX_LENGTH],
        key_hash=_hash(key),
    )
    return token, key


def token_list(*, organization: Organization | None = None) -> list[ApiToken]:
    """Every token (of one organization, when given), newest first."""
    tokens = ApiToken.objects.select_related("user", "organization")
    if organization is not None:
        tokens = tokens.filter(organization=organization)
    return list(tokens)


def token_revoke(*, token_id: int) -> ApiToken:
    """Revoke the token for good; it stays listed, with the time it was revoked."""
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        raise OwedError(f"no API token {token_id}")
    if token.revoked_at is not None:
        raise OwedError(f"API token {token_id} was already revoked on {token.revoked_at:%Y-%m-%d}")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def token_access(key: str) -> Access | None:
    """What the token may do, or None when it is unknown, revoked, or its user is inactive
    or no longer a member of its organization."""
    if not key.startswith(TOKEN_START) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "organization")
        .filter(key_hash=_hash(key), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    role = (
        Membership.objects.filter(organization=token.organization_id, user=token.user_id)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return Access(token=token, organization=token.organization, role=role)
