"""/payments: money received, and the invoices each payment paid (its allocations)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from owed.api.auth import access_of
from owed.api.errors import ApiError
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
    Text,
    amount_in,
    currency_in,
    filtered,
    money,
    money_field,
    owned,
    owned_all,
    page,
    page_of,
    responses,
    upper,
)
from owed.ledger.models import Allocation, Client, Invoice, Organization, Payment
from owed.ledger.selectors import payments_with_unallocated
from owed.ledger.services import payment_record

router = Router(tags=["payments"])

Method = Literal["bank_transfer", "card", "cash", "cheque", "e_wallet", "other"]


class AllocationOut(Schema):
    invoice_id: int
    invoice_number: str
    amount: str


class PaymentOut(Schema):
    id: int
    client_id: int
    key: str = Field(description="Your id for the payment (owed makes one if not given).")
    date: date
    amount: str
    currency: str
    method: Method
    reference: str
    allocated: str = Field(description="The part of the amount that paid invoices.")
    unallocated: str = Field(description="The rest: the client's credit.")
    allocations: list[AllocationOut]
    created_at: datetime

    resolve_amount = money_field("amount")
    resolve_allocated = money_field("allocated")
    resolve_unallocated = money_field("unallocated")

    @staticmethod
    def resolve_allocations(payment: Payment) -> list[dict]:
        return [
            {
                "invoice_id": a.invoice_id,
                "invoice_number": a.invoice.number,
                "amount": money(a.amount, payment.currency),
            }
            for a in payment.allocations.all()
        ]


class PaymentIn(Schema):
    client_id: Id
    date: Day
    amount: Amount
    currency: Currency | None = Field(None, description="Default: the client's currency.")
    invoice_ids: list[Id] = Field(
        [],
        max_length=500,
        description=(
            "The invoices it pays, in order, each up to its balance; none: the client's "
            "open invoices in the currency, oldest due date first. The rest is credit."
        ),
    )
    method: Method = "bank_transfer"
    reference: Text(200) = ""
    key: Text(200, min_length=1) | None = Field(
        None, description="Your id for the payment; a payment with the same key is a 409."
    )


class PaymentFilter(Schema):
    client_id: Id | None = None
    client_code: Text(64) | None = Field(None, description="The client's own id.")
    invoice_id: Id | None = Field(None, description="Payments that paid this invoice.")
    currency: Currency | None = None
    date_from: Day | None = Field(None, description="Received on or after this day.")
    date_to: Day | None = Field(None, description="Received on or before this day.")

    currency_upper = field_validator("currency")(upper)


PaymentPage = page_of(PaymentOut)
LOOKUPS = {
    "client_id": "client_id",
    "client_code": "client__code",
    "currency": "currency",
    "date_from": "date__gte",
    "date_to": "date__lte",
}


def payments_of(organization: Organization) -> QuerySet[Payment]:
    allocations = Allocation.objects.select_related("invoice").order_by("id")
    return payments_with_unallocated(organization=organization).prefetch_related(
        Prefetch("allocations", allocations)
    )


@router.get("/payments", response=responses(200, PaymentPage, READ))
def payment_list(
    request: HttpRequest, filters: Query[PaymentFilter], paging: Query[PageQuery]
) -> dict:
    """The organization's payments by date, filtered."""
    payments = filtered(payments_of(access_of(request).organization), filters, LOOKUPS)
    if filters.invoice_id:
        paid = Allocation.objects.filter(invoice_id=filters.invoice_id).values("payment_id")
        payments = payments.filter(pk__in=paid)
    return page(payments.order_by("date", "id"), paging)


@router.get("/payments/{int:payment_id}", response=responses(200, PaymentOut, READ_ONE))
def payment_read(request: HttpRequest, payment_id: PathId) -> Payment:
    organization = access_of(request).organization
    return owned(Payment, organization, payment_id, payments_of(organization))


@router.post("/payments", response=responses(201, PaymentOut, WRITE))
def payment_create(request: HttpRequest, payload: PaymentIn) -> Status[Payment]:
    """Record a payment and allocate it (`payment_record`); a payment `key` already
    recorded is a 409, so a retried request cannot record the payment twice."""
    organization = access_of(request).organization
    client = owned(Client, organization, payload.client_id)
    invoices = owned_all(Invoice, organization, payload.invoice_ids, "invoice_ids")
    currency = currency_in(payload.currency or client.currency)
    amount = amount_in("amount", payload.amount, currency)
    if payload.key and Payment.objects.filter(organization=organization, key=payload.key).exists():
        raise ApiError.conflict(_("This payment is already recorded."))
    payment = payment_record(
        organization=organization,
        client=client,
        date=payload.date,
        amount=amount,
        currency=currency,
        invoices=invoices,
        method=payload.method,
        reference=payload.reference,
        key=payload.key,
    )
    return Status(201, payments_of(organization).get(pk=payment.pk))
