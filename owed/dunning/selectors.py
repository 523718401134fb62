"""Reads of the collections records for other parts of owed (warnings, banners)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from owed.dunning.models import Hold
from owed.ledger.models import Invoice, Organization


def holds_on(*, organization: Organization, client_ids: Iterable[int]) -> dict[int, Hold]:
    """The credit holds in force for these clients, by client id."""
    return {
        hold.client_id: hold
        for hold in Hold.objects.filter(
            organization=organization, client_id__in=list(client_ids), lifted_on=None
        ).select_related("client")
    }


def hold_warnings_since(*, organization: Organization, since: datetime) -> list[str]:
    """A warning per client on credit hold that got new invoices since `since`."""
    created = Invoice.objects.filter(organization=organization, created_at__gte=since)
    counts: dict[int, int] = {}
    for client_id in created.values_list("client_id", flat=True):
        counts[client_id] = counts.get(client_id, 0) + 1
    holds = holds_on(organization=organization, client_ids=counts)
    return [
        f"client {hold.client.code} ({hold.client.name}) is on credit hold since "
        f"{hold.since}: {counts[client_id]} new invoice(s) for it"
        for client_id, hold in sorted(holds.items(), key=lambda h: h[1].client.code)
    ]
