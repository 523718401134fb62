"""Reads of the ledger. Balances and states are computed in the database, set-based.

Every function takes the organization and never returns another organization's rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from owed.ledger.fields import MoneyField
from owed.ledger.models import Allocation, Invoice, Organization, Payment

ZERO = Value(Decimal(0), output_field=MoneyField())


def _allocated_to_invoice() -> Subquery:
    return Subquery(
        Allocation.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(s=Sum("amount"))
        .values("s"),
        output_field=MoneyField(),
    )


def invoices_with_balance(*, organization: Organization) -> QuerySet[Invoice]:
    """The organization's invoices annotated with `paid`, `balance` and `state`.

    `paid` is the sum of allocations; `balance` is total minus paid; `state` is written
    off when the invoice was written off, else paid, partly paid or open by the balance.
    """
    return annotate_balance(Invoice.objects.filter(organization=organization))


def annotate_balance(qs: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Add `paid`, `balance` and `state` to an invoice queryset already scoped by the caller."""
    return (
        qs.annotate(paid=Coalesce(_allocated_to_invoice(), ZERO, output_field=MoneyField()))
        .annotate(
            balance=ExpressionWrapper(F("total") - F("paid"), output_field=MoneyField()),
        )
        .annotate(
            state=Case(
                When(written_off_on__isnull=False, then=Value(Invoice.State.WRITTEN_OFF)),
                When(balance__lte=0, then=Value(Invoice.State.PAID)),
                When(paid__gt=0, then=Value(Invoice.State.PARTLY_PAID)),
                default=Value(Invoice.State.OPEN),
                output_field=CharField(),
            )
        )
    )


def invoice_list(
    *,
    organization: Organization,
    as_of: date,
    overdue: bool = False,
    client_code: str | None = None,
) -> QuerySet[Invoice]:
    """Invoices for display, with the client, ordered by due date.

    `overdue` keeps those with a balance that are past their due date on `as_of` and not
    written off.
    """
    qs = invoices_with_balance(organization=organization).select_related("client")
    if client_code:
        qs = qs.filter(client__code=client_code)
    if overdue:
        qs = qs.filter(due_date__lt=as_of, balance__gt=0, written_off_on__isnull=True)
    return qs.order_by("due_date", "number")


def client_credits(*, organization: Organization) -> dict[int, dict[str, Decimal]]:
    """Per client id and currency, money received that no invoice has taken (zero left out).

    Two set-based sums: payments received and their allocations, per client and currency.
    """
    credits: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    received = (
        Payment.objects.filter(organization=organization)
        .values("client_id", "currency")
        .annotate(s=Sum("amount"))
    )
    for row in received:
        credits[row["client_id"]][row["currency"]] += row["s"]
    allocated = (
        Allocation.objects.filter(organization=organization)
        .values("payment__client_id", "payment__currency")
        .annotate(s=Sum("amount"))
    )
    for row in allocated:
        credits[row["payment__client_id"]][row["payment__currency"]] -= row["s"]
    result = {
        client: {currency: amount for currency, amount in sorted(by.items()) if amount}
        for client, by in credits.items()
    }
    return {client: by for client, by in result.items() if by}


def payments_with_unallocated(*, organization: Organization) -> QuerySet[Payment]:
    allocated = Subquery(
        Allocation.objects.filter(payment=OuterRef("pk"))
        .values("payment")
        .annotate(s=Sum("amount"))
        .values("s"),
        output_field=MoneyField(),
    )
    return (
        Payment.objects.filter(organization=organization)
        .annotate(allocated=Coalesce(allocated, ZERO, output_field=MoneyField()))
        .annotate(
            unallocated=ExpressionWrapper(F("amount") - F("allocated"), output_field=MoneyField())
        )
    )


def ledger_summary(*, organization: Organization, as_of: date) -> list[dict]:
    """Per currency: invoice count, total billed, paid, outstanding and overdue amounts."""
    qs = invoices_with_balance(organization=organization).filter(written_off_on__isnull=True)
    rows = qs.values("currency").annotate(
        invoices=Count("id"),
        billed=Sum("total"),
        outstanding=Sum("balance"),
        open_count=Sum(Case(When(balance__gt=0, then=1), default=0, output_field=IntegerField())),
        overdue=Coalesce(
            Sum(Case(When(balance__gt=0, due_date__lt=as_of, then=F("balance")), default=ZERO)),
            ZERO,
            output_field=MoneyField(),
        ),
        overdue_count=Sum(
            Case(
                When(balance__gt=0, due_date__lt=as_of, then=1),
                default=0,
                output_field=IntegerField(),
            )
        ),
    )
    return sorted(rows, key=lambda r: r["currency"])
