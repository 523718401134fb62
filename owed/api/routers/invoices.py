"""/invoices: bills to clients, with their lines, balance and state.

The balance and state are derived from the allocations (`owed.ledger.selectors`), never
stored; an invoice is created through `invoice_create`, which totals its lines.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

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
    day_or_today,
    filtered,
    money,
    money_field,
    number,
    owned,
    page,
    page_of,
    responses,
)
from owed.core import invoicing
from owed.core.money import MAX_AMOUNT
from owed.dunning.actions import write_off_record
from owed.ledger import services as ledger
from owed.ledger.models import Client, Contract, Invoice, InvoiceLine, Organization
from owed.ledger.selectors import annotate_balance
from owed.ledger.services import LineInput

router = Router(tags=["invoices"])

State = Literal["open", "partly_paid", "paid", "written_off"]
Quantity = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,9}(\.[0-9]{1,3})?$"),
    Field(description="Up to three decimals, e.g. 1 or 2.5."),
]
TaxRate = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,3}(\.[0-9]{1,3})?$"),
    Field(description="Tax as a percentage of the net amount, e.g. 10."),
]


class LineOut(Schema):
    position: int
    description: str
    quantity: str
    unit_price: str
    tax_rate: str


class InvoiceOut(Schema):
    id: int
    number: str
    client_id: int
    client_code: str
    contract_id: int | None
    issue_date: date
    due_date: date
    currency: str
    total: str = Field(description="What the invoice bills, tax included.")
    paid: str = Field(description="The sum of the payments allocated to it.")
    balance: str = Field(description="Total minus paid.")
    state: State
    written_off_on: date | None
    created_at: datetime
    lines: list[LineOut]

    @staticmethod
    def resolve_client_code(invoice: Invoice) -> str:
        return invoice.client.code

    resolve_total = money_field("total")
    resolve_paid = money_field("paid")
    resolve_balance = money_field("balance")

    @staticmethod
    def resolve_lines(invoice: Invoice) -> list[dict]:
        return [
            {
                "position": line.position,
                "description": line.description,
                "quantity": number(line.quantity),
                "unit_price": money(line.unit_price, invoice.currency),
                "tax_rate": number(line.tax_rate),
            }
            for line in invoice.lines.all()
        ]


class LineIn(Schema):
    description: Text(500, min_length=1)
    quantity: Quantity = "1"
    unit_price: Amount
    tax_rate: TaxRate = "0"


class InvoiceIn(Schema):
    client_id: Id
    contract_id: Id | None = None
    number: Text(64, min_length=1)
    issue_date: Day
    due_date: Day
    currency: Currency | None = Field(None, description="Default: the client's currency.")
    lines: list[LineIn] = Field(..., min_length=1, max_length=500)


class InvoiceFilter(Schema):
    state: State | None = None
    client_id: Id | None = None
    client_code: Text(64) | None = Field(None, description="The client's own id.")
    overdue: bool | None = Field(
        None,
        description="true: past due on `as_of` with a balance, not written off; false: not.",
    )
    as_of: Day | None = Field(None, description="The day `overdue` is judged on; default today.")
    due_from: Day | None = Field(None, description="Due on or after this day.")
    due_to: Day | None = Field(None, description="Due on or before this day.")
    q: Text(64) | None = Field(None, description="Part of the invoice number.")


InvoicePage = page_of(InvoiceOut)
LOOKUPS = {
    "state": "state",
    "client_id": "client_id",
    "client_code": "client__code",
    "due_from": "due_date__gte",
    "due_to": "due_date__lte",
    "q": "number__icontains",
}


def invoices_of(organization: Organization) -> QuerySet[Invoice]:
    """The organization's invoices with balance and state, client and lines, for output."""
    return (
        annotate_balance(Invoice.objects.filter(organization=organization))
        .select_related("client")
        .prefetch_related(Prefetch("lines", InvoiceLine.objects.order_by("position")))
    )


@router.get("/invoices", response=responses(200, InvoicePage, READ))
def invoice_list(
    request: HttpRequest, filters: Query[InvoiceFilter], paging: Query[PageQuery]
) -> dict:
    """The organization's invoices by due date, filtered."""
    organization = access_of(request).organization
    invoices = filtered(invoices_of(organization), filters, LOOKUPS)
    if filters.overdue is not None:
        as_of = day_or_today(filters.as_of, organization)
        overdue = {"due_date__lt": as_of, "balance__gt": 0, "written_off_on__isnull": True}
        invoices = invoices.filter(**overdue) if filters.overdue else invoices.exclude(**overdue)
    return page(invoices.order_by("due_date", "number", "id"), paging)


@router.get("/invoices/{int:invoice_id}", response=responses(200, InvoiceOut, READ_ONE))
def invoice_read(request: HttpRequest, invoice_id: PathId) -> Invoice:
    organization = access_of(request).organization
    return owned(Invoice, organization, invoice_id, invoices_of(organization))


@router.post("/invoices", response=responses(201, InvoiceOut, WRITE))
def invoice_create(request: HttpRequest, payload: InvoiceIn) -> Status[Invoice]:
    """Create an invoice with its lines; its total is the sum of the rounded lines.

    The number must be new in the organization (409 otherwise)."""
    organization = access_of(request).organization
    client = owned(Client, organization, payload.client_id)
    contract = None
    if payload.contract_id is not None:
        contract = owned(Contract, organization, payload.contract_id)
    currency = currency_in(payload.currency or client.currency)
    lines = [
        LineInput(
            description=line.description,
            quantity=Decimal(line.quantity),
            unit_price=amount_in(
                f"lines.{n}.unit_price", line.unit_price, currency, allow_zero=True
            ),
            tax_rate=Decimal(line.tax_rate),
        )
        for n, line in enumerate(payload.lines)
    ]
    _check_total(lines, currency)
    if Invoice.objects.filter(organization=organization, number=payload.number).exists():
        raise ApiError.conflict(_("This invoice number is already used."))
    invoice = ledger.invoice_create(
        organization=organization,
        client=client,
        contract=contract,
        number=payload.number,
        issue_date=payload.issue_date,
        due_date=payload.due_date,
        currency=currency,
        lines=lines,
    )
    return Status(201, invoices_of(organization).get(pk=invoice.pk))


def _check_total(lines: list[LineInput], currency: str) -> None:
    """Refuse a total owed cannot store (quantities times prices beyond any invoice)."""
    core = [invoicing.Line(x.description, x.quantity, x.unit_price, x.tax_rate) for x in lines]
    try:
        total = invoicing.invoice_total(core, currency)
    except InvalidOperation:
        total = MAX_AMOUNT
    if total >= MAX_AMOUNT:
        raise ApiError.invalid("lines", _("The invoice total is too large."))


class WriteOffIn(Schema):
    on: Day | None = Field(None, description="The day of the write-off; default today.")
    note: Text(10000) = Field("", description="Why, for the client's timeline.")


@router.post("/invoices/{int:invoice_id}/write-off", response=responses(200, InvoiceOut, WRITE))
def invoice_write_off(request: HttpRequest, invoice_id: PathId, payload: WriteOffIn) -> Invoice:
    """Write the invoice off: it leaves the receivables (state `written_off`) and keeps its
    history; the actions still planned for it alone are skipped, and the write-off is noted
    on the client's timeline. 409 if it is written off already, 400 if nothing is owed."""
    organization = access_of(request).organization
    invoice = owned(Invoice, organization, invoice_id, invoices_of(organization))
    if invoice.written_off_on is not None:
        raise ApiError.conflict(_("This invoice is written off already."))
    if invoice.balance <= 0:
        raise ApiError.invalid(
            None, _("Nothing is owed on this invoice: there is nothing to write off.")
        )
    write_off_record(
        organization=organization,
        invoice=invoice,
        on=day_or_today(payload.on, organization),
        note=payload.note,
    )
    return invoices_of(organization).get(pk=invoice.pk)
