"""Reads of the collections records for other parts of owed (warnings, banners)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, QuerySet

from owed.dunning.models import Action, Hold
from owed.dunning.snapshot import among, scoped
from owed.ledger.models import Client, Invoice, Organization


def client_actions(*, organization: Organization, client: Client | int) -> QuerySet[Action]:
    """The client's actions: those tied to one of its invoices, and those tied to none
    (call-backs, promises, plans, holds).

    Actions have no index by client: the daily run would write it at a random place for
    every action it records. They are found through the client's invoices (the index by
    invoice, `action_invoice`) and, for the others, the partial index `action_client_other`.
    Filter the result further, but not by the organization again: the index by
    organization and day would be walked instead."""
    invoices = Invoice.objects.filter(organization=organization, client=client)
    return scoped(Action.objects, organization).filter(
        among("invoice_id", invoices.values_list("pk", flat=True))
        | Q(invoice__isnull=True, client=client)
    )


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
