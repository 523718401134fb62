"""/promises: a client said it will pay these invoices by a day (`promise_record`)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from owed.api.auth import access_of
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
    ids_field,
    owned,
    owned_all,
    page,
    page_of,
    responses,
)
from owed.dunning.models import Promise
from owed.dunning.services import promise_record
from owed.ledger.models import Invoice

router = Router(tags=["promises"])

PromiseStatus = Literal["open", "kept", "broken"]


class PromiseOut(Schema):
    id: int
    client_id: int
    invoice_ids: list[int]
    made_on: date
    until: date = Field(description="The day the client promised to pay by.")
    status: PromiseStatus
    note: str

    resolve_invoice_ids = ids_field("invoices")


class PromiseIn(Schema):
    invoice_ids: list[Id] = Field(..., min_length=1, max_length=500)
    until: Day
    on: Day | None = Field(None, description="The day of the promise; default today.")
    note: Text(10000) = ""


class PromiseFilter(Schema):
    client_id: Id | None = None
    invoice_id: Id | None = None
    status: PromiseStatus | None = None


PromisePage = page_of(PromiseOut)
LOOKUPS = {"client_id": "client_id", "invoice_id": "invoices", "status": "status"}


def _promises(organization):
    return Promise.objects.filter(organization=organization).prefetch_related("invoices")


@router.get("/promises", response=responses(200, PromisePage, READ))
def promise_list(
    request: HttpRequest, filters: Query[PromiseFilter], paging: Query[PageQuery]
) -> dict:
    """The organization's promises to pay, newest first."""
    promises = filtered(_promises(access_of(request).organization), filters, LOOKUPS)
    return page(promises.order_by("-made_on", "-id"), paging)


@router.get("/promises/{int:promise_id}", response=responses(200, PromiseOut, READ_ONE))
def promise_read(request: HttpRequest, promise_id: PathId) -> Promise:
    organization = access_of(request).organization
    return owned(Promise, organization, promise_id, _promises(organization))


@router.post("/promises", response=responses(201, PromiseOut, WRITE))
def promise_create(request: HttpRequest, payload: PromiseIn) -> Status[Promise]:
    """Record a promise: the invoices (of one client, with a balance) are not chased until
    the day promised, and the ladder is planned again."""
    organization = access_of(request).organization
    invoices = owned_all(Invoice, organization, payload.invoice_ids, "invoice_ids")
    promise = promise_record(
        organization=organization,
        invoices=invoices,
        until=payload.until,
        on=day_or_today(payload.on, organization),
        note=payload.note,
    )
    return Status(201, _promises(organization).get(pk=promise.pk))
