"""/clients: who owes the organization money."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from owed.api.auth import access_of
from owed.api.schemas import (
    READ,
    READ_ONE,
    WRITE,
    Currency,
    PageQuery,
    PathId,
    Text,
    filtered,
    owned,
    page,
    page_of,
    responses,
    upper,
)
from owed.ledger import parties
from owed.ledger.models import Client

router = Router(tags=["clients"])

Kind = Literal["business", "individual"]
Language = Literal["en", "vi", "fa", "th"]


class ClientOut(Schema):
    id: int
    code: str = Field(description="The organization's own id for the client.")
    name: str
    kind: Kind
    tax_id: str
    address: str
    country: str
    language: Language
    currency: str
    timezone: str
    notes: str
    created_at: datetime


class ClientIn(Schema):
    code: Text(64, min_length=1)
    name: Text(200, min_length=1)
    kind: Kind = "business"
    tax_id: Text(40) = ""
    address: Text(2000) = ""
    country: Text(2, min_length=2)
    language: Language = "en"
    currency: Currency
    timezone: Text(64) = ""
    notes: Text(10000) = ""


class ClientPatch(Schema):
    code: Text(64, min_length=1) = None
    name: Text(200, min_length=1) = None
    kind: Kind = None
    tax_id: Text(40) = None
    address: Text(2000) = None
    country: Text(2, min_length=2) = None
    language: Language = None
    currency: Currency = None
    timezone: Text(64) = None
    notes: Text(10000) = None


class ClientFilter(Schema):
    q: Text(200) | None = Field(None, description="Part of the client's id or name.")
    country: Text(2) | None = None
    kind: Kind | None = None

    country_upper = field_validator("country")(upper)


ClientPage = page_of(ClientOut)


@router.get("/clients", response=responses(200, ClientPage, READ))
def client_list(
    request: HttpRequest, filters: Query[ClientFilter], paging: Query[PageQuery]
) -> dict:
    """The organization's clients by name, filtered."""
    clients = filtered(
        Client.objects.filter(organization=access_of(request).organization),
        filters,
        {"q": ("code__icontains", "name__icontains"), "country": "country", "kind": "kind"},
    )
    return page(clients.order_by("name", "id"), paging)


@router.get("/clients/{int:client_id}", response=responses(200, ClientOut, READ_ONE))
def client_read(request: HttpRequest, client_id: PathId) -> Client:
    return owned(Client, access_of(request).organization, client_id)


@router.post("/clients", response=responses(201, ClientOut, WRITE))
def client_create(request: HttpRequest, payload: ClientIn) -> Status[Client]:
    """Create a client; its `code` must be new in the organization (409 otherwise)."""
    organization = access_of(request).organization
    return Status(201, parties.client_create(organization=organization, fields=payload.dict()))


@router.patch("/clients/{int:client_id}", response=responses(200, ClientOut, WRITE))
def client_update(request: HttpRequest, client_id: PathId, payload: ClientPatch) -> Client:
    """Change the fields given; the others stay as they are."""
    client = owned(Client, access_of(request).organization, client_id)
    fields = payload.dict(exclude_unset=True)
    return parties.client_update(client=client, fields=fields)
