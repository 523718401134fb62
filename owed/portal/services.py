"""What a user does with a client's portal link (the CLI's `owed portal`, the client page):
show it, revoke it, replace it. Revoking and replacing are noted on the client's timeline.

The link itself (signing, finding, reusing) is `owed.portal.links`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from owed.dunning import summaries
from owed.dunning.services import note_log
from owed.errors import OwedError
from owed.ledger.models import Client, Organization
from owed.portal import links
from owed.portal.models import PortalLink


@dataclass(frozen=True)
class LinkShown:
    """A valid link as the back office shows it."""

    url: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    made_now: bool = False
    """The link was made by this call."""
    replaced: int = 0
    """How many valid links it replaced (revoked)."""


def _shown(link: PortalLink, token: str, *, made_now: bool = False, replaced: int = 0) -> LinkShown:
    return LinkShown(
        url=links.url_for(token),
        created_at=link.created_at,
        expires_at=link.expires_at,
        last_used_at=link.last_used_at,
        made_now=made_now,
        replaced=replaced,
    )


def _own(organization: Organization, client: Client) -> None:
    if client.organization_id != organization.pk:
        raise OwedError("no such client")


def link_current(*, organization: Organization, client: Client) -> LinkShown | None:
    """The client's newest valid link, or None; makes nothing."""
    _own(organization, client)
    found = links.current(client)
    return _shown(*found) if found is not None else None


def link_get(*, organization: Organization, client: Client) -> LinkShown:
    """The link messages carry: the valid one with some life left, made if there is none."""
    _own(organization, client)
    before = links.current(client)
    link, token = links.portal_link(client)
    return _shown(link, token, made_now=before is None or before[0].pk != link.pk)


@transaction.atomic
def link_revoke(*, organization: Organization, client: Client) -> int:
    """Revoke every valid link of the client (the next message makes a new one); how many.
    The revoked links show the "no longer works" page from now on."""
    _own(organization, client)
    revoked = links.revoke(client)
    if revoked:
        said = summaries.portal_link_revoked()
        note_log(
            organization=organization,
            client=client,
            on=organization.today(),
            note=said.english,
            said=said,
        )
    return revoked


@transaction.atomic
def link_renew(*, organization: Organization, client: Client) -> LinkShown:
    """Revoke the client's valid links and make a fresh one (for a link that went astray)."""
    _own(organization, client)
    revoked = links.revoke(client)
    link, token = links.link_create(client)
    said = summaries.portal_link_renewed(replaced=bool(revoked))
    note_log(
        organization=organization,
        client=client,
        on=organization.today(),
        note=said.english,
        said=said,
    )
    return _shown(link, token, made_now=True, replaced=revoked)


def link_visited(link: PortalLink, *, now: datetime | None = None) -> None:
    """Record a visit of the portal through `link`."""
    PortalLink.objects.filter(pk=link.pk).update(last_used_at=now or timezone.now())
