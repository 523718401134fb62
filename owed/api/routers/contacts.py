"""/contacts: the people to reach at a client."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from owed.api.auth import access_of
from owed.api.schemas import (
    READ,
    READ_ONE,
    WRITE,
    Id,
    PageQuery,
    PathId,
    Text,
    filtered,
    owned,
    page,
    page_of,
    responses,
)
from owed.ledger import parties
from owed.ledger.models import Client, Contact

router = Router(tags=["contacts"])

Role = Literal["main", "billing", "legal"]
Channel = Literal["email", "phone", "letter", "chat"]


class ContactOut(Schema):
    id: int
    client_id: int
    role: Role
    name: str
    email: str
    phone: str
    preferred_channel: Channel


class ContactIn(Schema):
    client_id: Id
    role: Role = "main"
    name: Text(200) = ""
    email: Text(254) = ""
    phone: Text(40) = ""
    preferred_channel: Channel = "email"


class ContactPatch(Schema):
    role: Role = None
    name: Text(200) = None
    email: Text(254) = None
    phone: Text(40) = None
    preferred_channel: Channel = None


class ContactFilter(Schema):
    client_id: Id | None = None
    client_code: Text(64) | None = Field(None, description="The client's own id.")
    role: Role | None = None


ContactPage = page_of(ContactOut)


@router.get("/contacts", response=responses(200, ContactPage, READ))
def contact_list(
    request: HttpRequest, filters: Query[ContactFilter], paging: Query[PageQuery]
) -> dict:
    contacts = filtered(
        Contact.objects.filter(organization=access_of(request).organization),
        filters,
        {"client_id": "client_id", "client_code": "client__code", "role": "role"},
    )
    return page(contacts.order_by("client_id", "role", "id"), paging)


@router.get("/contacts/{int:contact_id}", response=responses(200, ContactOut, READ_ONE))
def contact_read(request: HttpRequest, contact_id: PathId) -> Contact:
    return owned(Contact, access_of(request).organization, contact_id)


@router.post("/contacts", response=responses(201, ContactOut, WRITE))
def contact_create(request: HttpRequest, payload: ContactIn) -> Status[Contact]:
    """Add a contact to one of the organization's clients."""
    client = owned(Client, access_of(request).organization, payload.client_id)
    fields = payload.dict(exclude={"client_id"})
    return Status(201, parties.contact_create(client=client, fields=fields))


@router.patch("/contacts/{int:contact_id}", response=responses(200, ContactOut, WRITE))
def contact_update(request: HttpRequest, contact_id: PathId, payload: ContactPatch) -> Contact:
    contact = owned(Contact, access_of(request).organization, contact_id)
    return parties.contact_update(contact=contact, fields=payload.dict(exclude_unset=True))
