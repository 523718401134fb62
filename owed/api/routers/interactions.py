"""/interactions: the log of everything said and done with a client.

Calls, replies and notes are logged through `call_log`, `reply_log` and `note_log`, which
also make the moves a call's outcome calls for (a promise, a dispute, a callback task).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Literal

from django.db import transaction
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
    owned,
    page,
    page_of,
    responses,
)
from owed.core.calls import Reason
from owed.dunning import services as dunning
from owed.dunning.models import Interaction
from owed.ledger.models import Client

router = Router(tags=["interactions"])

Channel = Literal["email", "letter", "call", "note", "portal"]
Direction = Literal["out", "in", "internal"]
CallReason = Literal["forgot", "invoice_lost", "dissatisfied", "cash_flow", "deliberate", "other"]


class InteractionOut(Schema):
    id: int
    client_id: int
    invoice_id: int | None
    action_id: int | None
    channel: Channel
    direction: Direction
    happened_on: date
    summary: str = Field(description="What happened, in English as stored.")
    code: str = Field(
        description="What owed logged (skipped, written_off, promise, dispute, "
        "dispute_resolved, plan, snooze, call, reply, portal_paid, portal_received...), "
        "for writing the summary in another language; empty for words someone wrote."
    )
    params: dict = Field(
        description="The details the coded summary names: invoice numbers, ISO days..."
    )
    reason: CallReason | Literal[""]
    outcome: str
    note: str
    is_response: bool = Field(description="The client answered (counts against a credit hold).")
    created_at: datetime


class CallIn(Schema):
    client_id: Id
    on: Day | None = Field(None, description="The day of the call; default today.")
    reached: bool = True
    reason: CallReason | None = Field(
        None, description="Why the client has not paid; needed when the call reached it."
    )
    promised_for: Day | None = Field(None, description="The client promised to pay by this day.")
    note: Text(10000) = ""


class ReplyIn(Schema):
    client_id: Id
    on: Day | None = Field(None, description="The day of the reply; default today.")
    note: Text(10000) = ""


class NoteIn(Schema):
    client_id: Id
    on: Day | None = Field(None, description="The day of the note; default today.")
    note: Text(10000, min_length=1)


class InteractionFilter(Schema):
    client_id: Id | None = None
    invoice_id: Id | None = None
    channel: Channel | None = None
    direction: Direction | None = None
    date_from: Day | None = Field(None, description="On or after this day.")
    date_to: Day | None = Field(None, description="On or before this day.")


InteractionPage = page_of(InteractionOut)
LOOKUPS = {
    "client_id": "client_id",
    "invoice_id": "invoice_id",
    "channel": "channel",
    "direction": "direction",
    "date_from": "happened_on__gte",
    "date_to": "happened_on__lte",
}


@router.get("/interactions", response=responses(200, InteractionPage, READ))
def interaction_list(
    request: HttpRequest, filters: Query[InteractionFilter], paging: Query[PageQuery]
) -> dict:
    """The organization's interactions, newest first."""
    rows = filtered(
        Interaction.objects.filter(organization=access_of(request).organization), filters, LOOKUPS
    )
    return page(rows.order_by("-happened_on", "-id"), paging)


@router.get("/interactions/{int:interaction_id}", response=responses(200, InteractionOut, READ_ONE))
def interaction_read(request: HttpRequest, interaction_id: PathId) -> Interaction:
    return owned(Interaction, access_of(request).organization, interaction_id)


@router.post("/interactions/calls", response=responses(201, InteractionOut, WRITE))
def call_create(request: HttpRequest, payload: CallIn) -> Status[Interaction]:
    """Log a call and make the moves its outcome calls for (`call_log`): a promise, a
    dispute, an invoice copy, a callback."""
    organization = access_of(request).organization
    client = owned(Client, organization, payload.client_id)
    interaction = dunning.call_log(
        organization=organization,
        client=client,
        on=day_or_today(payload.on, organization),
        reached=payload.reached,
        reason=Reason(payload.reason) if payload.reason else None,
        promised_for=payload.promised_for,
        note=payload.note,
    )
    return Status(201, interaction)


@router.post("/interactions/replies", response=responses(201, InteractionOut, WRITE))
def reply_create(request: HttpRequest, payload: ReplyIn) -> Status[Interaction]:
    """Log that the client answered (e-mail, chat, letter): a response for the credit hold."""
    return _logged(dunning.reply_log, request, payload)


@router.post("/interactions/notes", response=responses(201, InteractionOut, WRITE))
def note_create(request: HttpRequest, payload: NoteIn) -> Status[Interaction]:
    """Log an internal note about the client."""
    return _logged(dunning.note_log, request, payload)


def _logged(
    log: Callable[..., Interaction], request: HttpRequest, payload: ReplyIn | NoteIn
) -> Status[Interaction]:
    """Log the payload's note for its client with `log` (`reply_log`, `note_log`), in one
    transaction: a reply also has the client's invoices planned again."""
    organization = access_of(request).organization
    client = owned(Client, organization, payload.client_id)
    on = day_or_today(payload.on, organization)
    with transaction.atomic():
        made = log(organization=organization, client=client, on=on, note=payload.note)
    return Status(201, made)
