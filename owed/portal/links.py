"""Portal links: signed, unguessable, revocable, with no personal data in the URL.

A link row keeps a random seed (`secrets.token_urlsafe(32)`); the URL's token is the
HMAC-SHA256 of that seed under the site's secret key (`SECRET_KEY`), and the row keeps
only the token's SHA-256 to find it again. So a copy of the database alone gives no
working link, the same link can be written into every message while it is valid, and
changing `SECRET_KEY` invalidates every link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Final

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from owed.ledger.models import Client
from owed.portal.models import PortalLink

LIFETIME: Final = timedelta(days=90)
"""How long a new link works."""

REUSE_MARGIN: Final = timedelta(days=30)
"""A link is written into a new message only while it has at least this long to live."""

_SALT: Final = b"owed.portal.link"


def token_for(seed: str) -> str:
    key = hashlib.sha256(_SALT + settings.SECRET_KEY.encode()).digest()
    digest = hmac.new(key, seed.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _valid(now: datetime):
    return PortalLink.objects.filter(revoked_at=None, expires_at__gt=now)


@transaction.atomic
def link_create(client: Client, *, now: datetime | None = None) -> tuple[PortalLink, str]:
    """A new link for `client`; returns it and its token."""
    now = now or timezone.now()
    seed = secrets.token_urlsafe(32)
    token = token_for(seed)
    link = PortalLink.objects.create(
        organization_id=client.organization_id,
        client=client,
        seed=seed,
        token_hash=token_hash(token),
        expires_at=now + LIFETIME,
    )
    return link, token


def _newest(links) -> tuple[PortalLink, str] | None:
    """The newest of `links` whose token still checks out, with its token."""
    for link in links.order_by("-expires_at", "-pk")[:5]:
        token = token_for(link.seed)
        if token_hash(token) == link.token_hash:  # the secret key has not changed
            return link, token
    return None


def current(client: Client, *, now: datetime | None = None) -> tuple[PortalLink, str] | None:
    """The client's newest valid link and its token; None when it has none."""
    return _newest(_valid(now or timezone.now()).filter(client=client))


def portal_link(client: Client, *, now: datetime | None = None) -> tuple[PortalLink, str]:
    """A valid link for `client` with some life left (`REUSE_MARGIN`), made if there is
    none, and its token."""
    now = now or timezone.now()
    found = _newest(_valid(now + REUSE_MARGIN).filter(client=client))
    return found if found is not None else link_create(client, now=now)


def portal_token(client: Client, *, now: datetime | None = None) -> str:
    """The token of a valid link for `client` with some life left, made if there is none."""
    return portal_link(client, now=now)[1]


def portal_path(token: str) -> str:
    return reverse("portal:home", args=[token])


def url_for(token: str) -> str:
    """The absolute URL of the portal page of `token` (`OWED_BASE_URL` + /p/<token>/)."""
    base = getattr(settings, "OWED_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + portal_path(token)


def portal_url(client: Client, *, now: datetime | None = None) -> str:
    """The absolute URL of `client`'s portal (`OWED_BASE_URL` + /p/<token>/)."""
    return url_for(portal_token(client, now=now))


def find(token: str) -> PortalLink | None:
    """The link the token belongs to, valid or not; None for an unknown token or one
    signed with another secret key."""
    if not token or len(token) > 100:
        return None
    link = (
        PortalLink.objects.select_related("client", "organization")
        .filter(token_hash=token_hash(token))
        .first()
    )
    # The token must also be the signature of the link's seed under today's secret key.
    if link is None or not hmac.compare_digest(token, token_for(link.seed)):
        return None
    return link


def is_valid(link: PortalLink, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return link.revoked_at is None and link.expires_at > now


def revoke(client: Client, *, now: datetime | None = None) -> int:
    """Revoke every valid link of `client`; returns how many."""
    now = now or timezone.now()
    return _valid(now).filter(client=client).update(revoked_at=now)
