"""/disputes: a client contests an invoice; its ladder stops until the dispute is resolved."""

from __future__ import annotations

from datetime import date

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
from owed.dunning.models import Dispute
from owed.ledger.models import Invoice

router = Router(tags=["disputes"])


class DisputeOut(Schema):
    id: int
    invoice_id: int
    invoice_number: str
    client_id: int
    opened_on: date
    reason: str
    resolved_on: date | None
    resolution: str
    open: bool

    @staticmethod
    def resolve_invoice_number(dispute: Dispute) -> str:
        return dispute.invoice.number

    @staticmethod
    def resolve_client_id(dispute: Dispute) -> int:
        return dispute.invoice.client_id

    @staticmethod
    def resolve_open(dispute: Dispute) -> bool:
        return dispute.resolved_on is None


class DisputeIn(Schema):
    invoice_id: Id
    reason: Text(10000, min_length=1) = Field(..., description="What the client disputes.")
    on: Day | None = Field(None, description="The day it was opened; default today.")


class ResolveIn(Schema):
    on: Day | None = Field(None, description="The day it was resolved; default today.")
    resolution: Text(10000) = ""


class DisputeFilter(Schema):
    invoice_id: Id | None = None
    client_id: Id | None = None
    open: bool | None = Field(None, description="true: not resolved yet; false: resolved.")


DisputePage = page_of(DisputeOut)
LOOKUPS = {
    "invoice_id": "invoice_id",
    "client_id": "invoice__client_id",
    "open": "resolved_on__isnull",
}


def _disputes(organization):
    return Dispute.objects.filter(organization=organization).select_related("invoice")


@router.get("/disputes", response=responses(200, DisputePage, READ))
def dispute_list(
    request: HttpRequest, filters: Query[DisputeFilter], paging: Query[PageQuery]
) -> dict:
    """The organization's disputes, newest first."""
    disputes = filtered(_disputes(access_of(request).organization), filters, LOOKUPS)
    return page(disputes.order_by("-opened_on", "-id"), paging)


@router.get("/disputes/{int:dispute_id}", response=responses(200, DisputeOut, READ_ONE))
def dispute_read(request: HttpRequest, dispute_id: PathId) -> Dispute:
    organization = access_of(request).organization
    return owned(Dispute, organization, dispute_id, _disputes(organization))


@router.post("/disputes", response=responses(201, DisputeOut, WRITE))
def dispute_open(request: HttpRequest, payload: DisputeIn) -> Status[Dispute]:
    """Open a dispute on an invoice (409 if it has an open one): its ladder stops."""
    organization = access_of(request).organization
    invoice = owned(
        Invoice, organization, payload.invoice_id, Invoice.objects.select_related("client")
    )
    if Dispute.objects.filter(invoice=invoice, resolved_on=None).exists():
        raise ApiError.conflict(_("The invoice already has an open dispute."))
    dispute = dunning.dispute_open(
        organization=organization,
        invoice=invoice,
        reason=payload.reason,
        on=day_or_today(payload.on, organization),
    )
    return Status(201, _disputes(organization).get(pk=dispute.pk))


@router.post("/disputes/{int:dispute_id}/resolve", response=responses(200, DisputeOut, WRITE))
def dispute_resolve(request: HttpRequest, dispute_id: PathId, payload: ResolveIn) -> Dispute:
    """Resolve the dispute (409 if it is resolved already): the ladder resumes."""
    organization = access_of(request).organization
    dispute = owned(Dispute, organization, dispute_id, _disputes(organization))
    if dispute.resolved_on is not None:
        raise ApiError.conflict(_("This dispute is resolved already."))
    dunning.dispute_resolve(
        organization=organization,
        invoice=dispute.invoice,
        on=day_or_today(payload.on, organization),
        resolution=payload.resolution,
    )
    return _disputes(organization).get(pk=dispute.pk)
