"""Exporting clients, invoices and payments in the import format (CSV or XLSX).

An export read back by `owed import` into an empty organization gives the same ledger:
the columns are the import's, plus a few for reading (balance, state, credit) that the
import passes over. A payment spread over several invoices lists them in `invoice_no`
separated by `;`, in the order they were paid. Payments are listed in the order they were
recorded, the order in which they took the invoices' balances, so that importing them in
that order allocates each one as before.
"""

from __future__ import annotations

import zoneinfo
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from owed.errors import OwedError
from owed.ledger import selectors
from owed.ledger.imports import EXPORT_ONLY, KINDS, OPTIONAL, REQUIRED
from owed.ledger.models import Allocation, Client, Contact, InvoiceLine, Organization
from owed.ledger.presenters import amount_text, days_late
from owed.ledger.tables import write_table


def _header(kind: str, optional: list[str]) -> list[str]:
    return [*REQUIRED[kind], *optional, *EXPORT_ONLY[kind]]


def _credit_text(client: Client, credit: dict[str, Decimal]) -> str:
    """`12.50` in the client's currency; each amount with its currency when it is another."""
    if not credit:
        return "0"
    if set(credit) == {client.currency}:
        return amount_text(credit[client.currency], client.currency)
    return "; ".join(f"{amount_text(a, c)} {c}" for c, a in credit.items())


def _clients(org: Organization) -> tuple[list[str], list[list[str]]]:
    header = _header(
        "clients", ["billing_email", "phone", "tax_id", "kind", "address", "notes", "contact_name"]
    )
    contacts = Prefetch(
        "contacts",
        queryset=Contact.objects.filter(
            role__in=[Contact.Role.MAIN, Contact.Role.BILLING]
        ).order_by("id"),
    )
    credits = selectors.client_credits(organization=org)
    rows = []
    for client in (
        Client.objects.filter(organization=org).prefetch_related(contacts).order_by("code")
    ):
        main = next((c for c in client.contacts.all() if c.role == Contact.Role.MAIN), None)
        billing = next((c for c in client.contacts.all() if c.role == Contact.Role.BILLING), None)
        rows.append(
            [
                client.code,
                client.name,
                client.country,
                client.language,
                client.currency,
                main.email if main else "",
                billing.email if billing else "",
                main.phone if main else "",
                client.tax_id,
                client.kind,
                client.address,
                client.notes,
                main.name if main else "",
                _credit_text(client, credits.get(client.pk, {})),
            ]
        )
    return header, rows


def _invoices(org: Organization) -> tuple[list[str], list[list[str]]]:
    header = _header("invoices", OPTIONAL["invoices"])
    # "Today" where the organization is, as everything it sees is dated.
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(org.timezone))
    first_line = InvoiceLine.objects.filter(invoice=OuterRef("pk"), position=1).values(
        "description"
    )[:1]
    # Plain rows, not model instances: an export of tens of thousands of invoices spends
    # most of its time building objects otherwise.
    qs = (
        selectors.invoices_with_balance(organization=org)
        .annotate(first_line=Subquery(first_line))
        .order_by("number")
        .values_list(
            "number",
            "client__code",
            "issue_date",
            "due_date",
            "currency",
            "total",
            "first_line",
            "contract__code",
            "paid",
            "balance",
            "state",
            "written_off_on",
        )
    )
    rows = []
    for (
        number,
        client_code,
        issue_date,
        due_date,
        currency,
        total,
        description,
        contract_code,
        paid,
        balance,
        state,
        written_off_on,
    ) in qs.iterator(chunk_size=2000):
        late = days_late(
            due_date=due_date, balance=balance, written_off_on=written_off_on, as_of=today
        )
        rows.append(
            [
                number,
                client_code,
                issue_date.isoformat(),
                due_date.isoformat(),
                currency,
                amount_text(total, currency),
                description or "",
                contract_code or "",
                amount_text(paid, currency),
                amount_text(balance, currency),
                state,
                str(late),
                written_off_on.isoformat() if written_off_on else "",
            ]
        )
    return header, rows


def _payments(org: Organization) -> tuple[list[str], list[list[str]]]:
    header = _header("payments", OPTIONAL["payments"])
    allocations = Prefetch(
        "allocations", queryset=Allocation.objects.select_related("invoice").order_by("id")
    )
    qs = (
        selectors.payments_with_unallocated(organization=org)
        .select_related("client")
        .prefetch_related(allocations)
        .order_by("id")
    )
    rows = []
    for p in qs:
        rows.append(
            [
                ";".join(a.invoice.number for a in p.allocations.all()),
                p.date.isoformat(),
                amount_text(p.amount, p.currency),
                p.currency,
                p.reference,
                p.method,
                p.key,
                p.client.code,
                amount_text(p.allocated, p.currency),
                amount_text(p.unallocated, p.currency),
            ]
        )
    return header, rows


def export_table(*, organization: Organization, kind: str, fmt: str) -> bytes:
    """The organization's `kind` as CSV or XLSX bytes."""
    builders = {"clients": _clients, "invoices": _invoices, "payments": _payments}
    if kind not in KINDS:
        raise OwedError(f"unknown export kind {kind!r} (use {', '.join(KINDS)})")
    header, rows = builders[kind](organization)
    return write_table(header, rows, fmt)
