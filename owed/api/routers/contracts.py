"""/contracts: what invoices are billed under, with the late-payment terms."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from owed.api.auth import access_of
from owed.api.schemas import (
    READ,
    READ_ONE,
    WRITE,
    Amount,
    Currency,
    Day,
    Id,
    PageQuery,
    PathId,
    Percent,
    Text,
    amount_in,
    currency_in,
    decimal_in,
    filtered,
    money_field,
    number_field,
    owned,
    page,
    page_of,
    responses,
)
from owed.ledger import parties
from owed.ledger.models import Client, Contract

router = Router(tags=["contracts"])

PriceBasis = Literal["fixed", "hour", "day", "item"]
AllocationOrder = Literal["", "costs_interest_principal", "principal_first"]
PERCENTS = ("interest_rate", "fee_percent", "penalty_percent", "market_rate")
MAX_DAYS = 3660


class ContractOut(Schema):
    id: int
    client_id: int
    code: str
    title: str
    scope: str
    signed_on: date | None
    starts_on: date | None
    ends_on: date | None
    price: str
    price_basis: PriceBasis
    currency: str
    payment_methods: str
    interest_rate: str | None = Field(description="Late interest, % a year; null: the law's.")
    late_fee: str | None
    fee_percent: str | None
    penalty_percent: str | None
    market_rate: str | None
    allocation_order: AllocationOrder
    grace_days: int
    work_stop_grace_days: int | None
    jurisdiction: str
    created_at: datetime

    resolve_price = money_field("price")
    resolve_late_fee = money_field("late_fee")
    resolve_interest_rate = number_field("interest_rate")
    resolve_fee_percent = number_field("fee_percent")
    resolve_penalty_percent = number_field("penalty_percent")
    resolve_market_rate = number_field("market_rate")


class ContractTerms(Schema):
    """The fields a contract is created with and may change (all but its client)."""

    title: Text(200, min_length=1) = None
    scope: Text(10000) = None
    signed_on: Day | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    price: Amount = None
    price_basis: PriceBasis = None
    currency: Currency | None = Field(None, description="Default: the client's currency.")
    payment_methods: Text(200) = None
    interest_rate: Percent | None = None
    late_fee: Amount | None = None
    fee_percent: Percent | None = None
    penalty_percent: Percent | None = None
    market_rate: Percent | None = None
    allocation_order: AllocationOrder = None
    grace_days: int = Field(None, ge=0, le=MAX_DAYS)
    work_stop_grace_days: int | None = Field(None, ge=0, le=MAX_DAYS)
    jurisdiction: Text(10) = None


class ContractIn(ContractTerms):
    client_id: Id
    code: Text(64, min_length=1)
    title: Text(200, min_length=1)
    price: Amount


class ContractPatch(ContractTerms):
    code: Text(64, min_length=1) = None


class ContractFilter(Schema):
    client_id: Id | None = None
    client_code: Text(64) | None = Field(None, description="The client's own id.")
    q: Text(200) | None = Field(None, description="Part of the contract's id or title.")


ContractPage = page_of(ContractOut)


def _fields(payload: ContractTerms, currency: str, *, creating: bool) -> dict[str, Any]:
    """The model fields of the payload: amounts in the contract's currency, rates exact.

    Creating, a field left out (or null) takes the model's default; changing, only the
    fields sent change, and null empties a field that may be empty."""
    if creating:
        fields = payload.dict(exclude={"client_id", "currency"})
        fields = {name: value for name, value in fields.items() if value is not None}
    else:
        fields = payload.dict(exclude_unset=True, exclude={"currency"})
    if "price" in fields:
        fields["price"] = amount_in("price", fields["price"], currency, allow_zero=True)
    if fields.get("late_fee") is not None:
        fields["late_fee"] = amount_in("late_fee", fields["late_fee"], currency, allow_zero=True)
    for name in PERCENTS:
        if name in fields:
            fields[name] = decimal_in(fields[name])
    return fields


@router.get("/contracts", response=responses(200, ContractPage, READ))
def contract_list(
    request: HttpRequest, filters: Query[ContractFilter], paging: Query[PageQuery]
) -> dict:
    contracts = filtered(
        Contract.objects.filter(organization=access_of(request).organization),
        filters,
        {
            "client_id": "client_id",
            "client_code": "client__code",
            "q": ("code__icontains", "title__icontains"),
        },
    )
    return page(contracts.order_by("code", "id"), paging)


@router.get("/contracts/{int:contract_id}", response=responses(200, ContractOut, READ_ONE))
def contract_read(request: HttpRequest, contract_id: PathId) -> Contract:
    return owned(Contract, access_of(request).organization, contract_id)


@router.post("/contracts", response=responses(201, ContractOut, WRITE))
def contract_create(request: HttpRequest, payload: ContractIn) -> Status[Contract]:
    """Create a contract with a client; its `code` must be new (409 otherwise)."""
    client = owned(Client, access_of(request).organization, payload.client_id)
    currency = currency_in(payload.currency or client.currency)
    fields = _fields(payload, currency, creating=True)
    fields["currency"] = currency
    return Status(201, parties.contract_create(client=client, fields=fields))


@router.patch("/contracts/{int:contract_id}", response=responses(200, ContractOut, WRITE))
def contract_update(request: HttpRequest, contract_id: PathId, payload: ContractPatch) -> Contract:
    """Change the terms given; the others stay. The client cannot change."""
    contract = owned(Contract, access_of(request).organization, contract_id)
    currency = currency_in(payload.currency or contract.currency)
    fields = _fields(payload, currency, creating=False)
    if payload.currency is not None:
        fields["currency"] = currency
    return parties.contract_update(contract=contract, fields=fields)
