"""/snoozes: chase nothing for an invoice, or for every invoice of a client, until a day
(`snooze_create`)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from owed.api.auth import access_of
from owed.api.errors import ApiError
from owed.api.schemas import (
    READ,
    READ_ONE,
    WRITE,
    Day,
    Id,
    PageQuery,
    PathId,
    Text,
    day_or_today,
    filtered,
    owned,
    page,
    page_of,
    responses,
)
from owed.dunning import services as dunning
from owed.dunning.models import Snooze
from owed.ledger.models import Client, Invoice, Organization

router = Router(tags=["snoozes"])


class SnoozeOut(Schema):
    id: int
    client_id: int = Field(description="The client snoozed, or the snoozed invoice's client.")
    invoice_id: int | None = Field(description="The invoice snoozed; null: the whole client.")
    created_on: date
    until: date = Field(description="Nothing is chased before this day.")
    note: str

    @staticmethod
    def resolve_client_id(snooze: Snooze) -> int:
        return snooze.client_id or snooze.invoice.client_id


class SnoozeIn(Schema):
    invoice_id: Id | None = Field(None, description="Snooze this invoice (or give client_id).")
    client_id: Id | None = Field(None, description="Snooze every invoice of this client.")
    until: Day = Field(..., description="A day after `on`.")
    on: Day | None = Field(None, description="The day of the snooze; default today.")
    note: Text(10000) = ""


class SnoozeFilter(Schema):
    client_id: Id | None = Field(None, description="The client's snoozes and its invoices'.")
    invoice_id: Id | None = None


SnoozePage = page_of(SnoozeOut)


def _snoozes(organization: Organization) -> QuerySet[Snooze]:
    return Snooze.objects.filter(organization=organization).select_related("invoice")


@router.get("/snoozes", response=responses(200, SnoozePage, READ))
def snooze_list(
    request: HttpRequest, filters: Query[SnoozeFilter], paging: Query[PageQuery]
) -> dict:
    """The organization's snoozes, newest first."""
    snoozes = filtered(
        _snoozes(access_of(request).organization), filters, {"invoice_id": "invoice_id"}
    )
    if filters.client_id is not None:
        client = filters.client_id
        snoozes = snoozes.filter(Q(client_id=client) | Q(invoice__client_id=client))
    return page(snoozes.order_by("-created_on", "-id"), paging)


@router.get("/snoozes/{int:snooze_id}", response=responses(200, SnoozeOut, READ_ONE))
def snooze_read(request: HttpRequest, snooze_id: PathId) -> Snooze:
    organization = access_of(request).organization
    return owned(Snooze, organization, snooze_id, _snoozes(organization))


@router.post("/snoozes", response=responses(201, SnoozeOut, WRITE))
def snooze_create(request: HttpRequest, payload: SnoozeIn) -> Status[Snooze]:
    """Snooze an invoice (`invoice_id`) or a client (`client_id`), not both: nothing of it is
    chased until `until`, and the snooze is noted on the client's timeline."""
    organization = access_of(request).organization
    if (payload.invoice_id is None) == (payload.client_id is None):
        raise ApiError.invalid(None, _("Give either invoice_id or client_id."))
    on = day_or_today(payload.on, organization)
    if payload.until <= on:
        raise ApiError.invalid("until", _("Snooze until a day after %(day)s.") % {"day": on})
    invoice = client = None
    if payload.invoice_id is not None:
        invoice = owned(
            Invoice, organization, payload.invoice_id, Invoice.objects.select_related("client")
        )
    else:
        client = owned(Client, organization, payload.client_id)
    snooze = dunning.snooze_create(
        organization=organization,
        until=payload.until,
        on=on,
        invoice=invoice,
        client=client,
        note=payload.note,
    )
    return Status(201, _snoozes(organization).get(pk=snooze.pk))
