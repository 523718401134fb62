"""Receivables: what is owed, in aging buckets per currency, and the filtered list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from owed.ledger.fields import MoneyField
from owed.ledger.models import Invoice, Organization
from owed.ledger.selectors import invoices_with_balance

BUCKETS = ("current", "1_30", "31_60", "61_90", "90_plus")
ZERO = Value(Decimal(0), output_field=MoneyField())


def bucket_of(days_late: int) -> str:
    if days_late <= 0:
        return "current"
    if days_late <= 30:
        return "1_30"
    if days_late <= 60:
        return "31_60"
    if days_late <= 90:
        return "61_90"
    return "90_plus"


def bucket_filter(bucket: str, today: date) -> Q:
    """The invoices whose days late on `today` fall in `bucket`, as due-date ranges."""
    days = timedelta
    if bucket == "current":
        return Q(due_date__gte=today)
    if bucket == "1_30":
        return Q(due_date__lt=today, due_date__gte=today - days(30))
    if bucket == "31_60":
        return Q(due_date__lt=today - days(30), due_date__gte=today - days(60))
    if bucket == "61_90":
        return Q(due_date__lt=today - days(60), due_date__gte=today - days(90))
    if bucket == "90_plus":
        return Q(due_date__lt=today - days(90))
    raise ValueError(f"unknown bucket {bucket!r}")


def open_invoices(*, organization: Organization) -> QuerySet[Invoice]:
    """Invoices with something still owed, not written off, annotated with the balance."""
    return invoices_with_balance(organization=organization).filter(
        written_off_on=None, balance__gt=0
    )


@dataclass(frozen=True, slots=True)
class Bar:
    bucket: str
    amount: Decimal
    count: int
    percent: int
    """The bucket's share of the currency's total, in whole percent (for the bar's width)."""


@dataclass(frozen=True, slots=True)
class Aging:
    currency: str
    total: Decimal
    count: int
    bars: tuple[Bar, ...]


def aging(*, invoices: QuerySet[Invoice], today: date) -> list[Aging]:
    """Per currency, the balance and number of invoices in each bucket; one query."""
    sums = {}
    for bucket in BUCKETS:
        when = bucket_filter(bucket, today)
        sums[f"a_{bucket}"] = Coalesce(
            Sum(Case(When(when, then=F("balance")), default=ZERO, output_field=MoneyField())),
            ZERO,
            output_field=MoneyField(),
        )
        sums[f"n_{bucket}"] = Count("id", filter=when)
    rows = invoices.order_by().values("currency").annotate(**sums)
    result = []
    for row in sorted(rows, key=lambda r: r["currency"]):
        total = sum((row[f"a_{b}"] for b in BUCKETS), Decimal(0))
        bars = tuple(
            Bar(
                bucket=b,
                amount=row[f"a_{b}"],
                count=row[f"n_{b}"],
                percent=int((row[f"a_{b}"] * 100 / total).to_integral_value()) if total else 0,
            )
            for b in BUCKETS
        )
        result.append(Aging(row["currency"], total, sum(row[f"n_{b}"] for b in BUCKETS), bars))
    return result


def filtered(
    *,
    organization: Organization,
    today: date,
    client: str = "",
    bucket: str = "",
    currency: str = "",
    search: str = "",
) -> QuerySet[Invoice]:
    """Open invoices by client code, bucket, currency and invoice number (a part of it),
    oldest due first."""
    qs = open_invoices(organization=organization).select_related("client")
    if client:
        qs = qs.filter(client__code=client)
    if bucket:
        qs = qs.filter(bucket_filter(bucket, today))
    if currency:
        qs = qs.filter(currency=currency)
    if search:
        qs = qs.filter(number__icontains=search)
    return qs.order_by("due_date", "number", "id")


def currencies(*, organization: Organization) -> list[str]:
    return list(
        open_invoices(organization=organization)
        .order_by("currency")
        .values_list("currency", flat=True)
        .distinct()
    )
