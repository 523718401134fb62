"""Planning a payments import: each row checked, then the payments and allocations to write.

A new payment pays the invoices its row names, in order, from their balances; what is
left over is kept as client credit. A recorded payment is never changed or moved.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import translation

from owed.core.allocation import OpenItem, allocate
from owed.core.money import excerpt
from owed.ledger import selectors
from owed.ledger.imports.cells import (
    Problems,
    check_duplicate,
    lock_invoices,
    read_amount,
    read_code,
    read_date,
)
from owed.ledger.models import Allocation, Client, Invoice, Organization, Payment
from owed.ledger.presenters import amount_text
from owed.ledger.services import currency_code
from owed.ledger.tables import Row, Table

if TYPE_CHECKING:
    from owed.ledger.imports import ImportResult


def _method_names() -> dict[str, str]:
    # Files are written in English column words, whatever language is active.
    with translation.override("en"):
        return {m.value: m.value for m in Payment.Method} | {
            str(m.label).lower(): m.value for m in Payment.Method
        }


_METHODS = _method_names()


def _payment_key(row: Row, numbers: list[str], paid_on, amount, reference: str) -> str:
    """The payment's natural key: its payment_id, or one made from what the row says."""
    if given := row.cells.get("payment_id", ""):
        return given
    payer = ";".join(numbers) or f"client:{row.cells.get('client_id', '')}"
    key = "/".join([payer, paid_on.isoformat() if paid_on else "", str(amount), reference])
    if len(key) > 200:  # the column holds 200 characters; a digest is as stable a key
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def plan_payments(
    org: Organization,
    table: Table,
    problems: Problems,
    result: ImportResult,
    checked: Callable[[int], None],
):
    rows, header = table.rows, set(table.header)
    numbers_by_row = {
        row.line: [n.strip() for n in row.cells.get("invoice_no", "").split(";") if n.strip()]
        for row in rows
    }
    all_numbers = {n for numbers in numbers_by_row.values() for n in numbers}
    invoices = {
        inv.number: inv
        for inv in selectors.invoices_with_balance(organization=org).filter(
            pk__in=lock_invoices(org, all_numbers)
        )
    }
    client_codes = {row.cells.get("client_id", "") for row in rows} - {""}
    clients = {c.code: c for c in Client.objects.filter(organization=org, code__in=client_codes)}
    first_line: dict[str, int] = {}
    parsed: list[dict] = []
    for done, row in enumerate(rows):
        checked(done)
        numbers = numbers_by_row[row.line]
        targets: list[Invoice] = []
        client_code = row.cells.get("client_id", "")
        client = clients.get(client_code)
        if client_code and client is None:
            problems.add(
                row.line, "client_id", f"unknown client {excerpt(client_code)!r} (import it first)"
            )
        if not numbers and not client_code:
            problems.add(row.line, "invoice_no", "value is missing")
        for number in numbers:
            invoice = invoices.get(number)
            if numbers.count(number) > 1:
                problems.add(row.line, "invoice_no", f"invoice {excerpt(number)!r} is named twice")
            elif invoice is None:
                problems.add(
                    row.line, "invoice_no", f"unknown invoice {excerpt(number)!r} (import it first)"
                )
            else:
                targets.append(invoice)
        if len({t.client_id for t in targets}) > 1:
            problems.add(row.line, "invoice_no", "the invoices belong to different clients")
        elif client is not None and targets and targets[0].client_id != client.pk:
            problems.add(
                row.line,
                "client_id",
                f"invoice {targets[0].number} is not client {client_code!r}'s",
            )
        paid_on = read_date(row, "date", problems)
        currency = read_code(row, "currency", problems, currency_code)
        amount = read_amount(row, "amount", currency, problems)
        for invoice in targets:
            if currency and invoice.currency != currency:
                problems.add(
                    row.line,
                    "currency",
                    f"currency {currency} differs from invoice {invoice.number}'s {invoice.currency}",
                )
        method_text = row.cells.get("method", "").strip().lower()
        method = _METHODS.get(method_text or Payment.Method.BANK_TRANSFER)
        if method is None:
            problems.add(
                row.line,
                "method",
                f"{excerpt(method_text)!r} is not one of {', '.join(Payment.Method.values)}",
            )
        reference = row.cells.get("reference", "")
        if len(reference) > 200:
            problems.add(row.line, "reference", "longer than 200 characters")
        key = _payment_key(row, numbers, paid_on, amount, reference)
        if row.cells.get("payment_id"):
            if len(key) > 200:
                problems.add(row.line, "payment_id", "longer than 200 characters")
            check_duplicate(row, "payment_id", key, first_line, problems)
        elif key in first_line:
            problems.add(
                row.line,
                "invoice_no",
                f"the same payment as on line {first_line[key]} (same invoice, date, amount "
                "and reference); give each a payment_id to import both",
            )
        else:
            first_line[key] = row.line
        parsed.append(
            {
                "row": row,
                "key": key,
                "named": numbers,
                "targets": targets,
                "client_id": targets[0].client_id if targets else (client.pk if client else None),
                "date": paid_on,
                "amount": amount,
                "currency": currency,
                "method": method,
                "reference": reference,
            }
        )
    if problems:
        return None

    existing = {
        p.key: p
        for p in Payment.objects.filter(organization=org, key__in=[p["key"] for p in parsed])
    }
    # The invoices each recorded payment went to, in the order it paid them.
    paid_to: dict[int, list[str]] = defaultdict(list)
    for payment_id, number in (
        Allocation.objects.filter(payment__in=list(existing.values()))
        .order_by("id")
        .values_list("payment_id", "invoice__number")
    ):
        paid_to[payment_id].append(number)
    # Without a method or reference column, a recorded payment keeps its own.
    kept = [f for f in ("method", "reference") if f in header]
    new: list[dict] = []
    changed: list[Payment] = []
    for item in parsed:
        old = existing.get(item["key"])
        if old is None:
            new.append(item)
            continue
        recorded = (old.date, old.amount, old.currency, old.client_id)
        if recorded != (item["date"], item["amount"], item["currency"], item["client_id"]):
            problems.add(
                item["row"].line,
                "payment_id",
                f"payment {item['key']!r} is already recorded as "
                f"{amount_text(old.amount, old.currency)} {old.currency} "
                f"on {old.date}; a recorded payment is not changed by an import",
            )
        # A row names the invoices a payment may pay; one it did not reach (paid already)
        # has no allocation, so only an invoice it paid and the row no longer names is a
        # change.
        elif any(n not in item["named"] for n in paid_to[old.pk]):
            went_to = paid_to[old.pk]
            problems.add(
                item["row"].line,
                "invoice_no",
                f"payment {excerpt(item['key'])!r} is already recorded against "
                f"{'invoice' if len(went_to) == 1 else 'invoices'} {', '.join(went_to)}, "
                f"not {excerpt(';'.join(item['named'])) if item['named'] else 'no invoice'}; "
                "a recorded payment is not moved by an import",
            )
        elif any(getattr(old, f) != item[f] for f in kept):
            for f in kept:
                setattr(old, f, item[f])
            changed.append(old)
        else:
            result.unchanged += 1
    if problems:
        return None

    # Balances as read above (the rows are locked), reduced as this file's own payments
    # take them, in file order.
    balances = {inv.pk: inv.balance for inv in invoices.values()}
    planned: list[tuple[dict, tuple]] = []
    for item in new:
        outcome = allocate(
            item["amount"], [OpenItem(t.pk, balances[t.pk]) for t in item["targets"]]
        )
        for share in outcome.allocations:
            balances[share.key] -= share.amount
        if not item["targets"]:
            result.notes.append(
                f"line {item['row'].line}: no invoice named, "
                f"{amount_text(outcome.credit, item['currency'])} "
                f"{item['currency']} kept as client credit"
            )
        elif outcome.credit:
            result.notes.append(
                f"line {item['row'].line}: {amount_text(outcome.credit, item['currency'])} "
                f"{item['currency']} more than "
                "the invoice balance, kept as client credit"
            )
        planned.append((item, outcome.allocations))
    result.created = len(new)
    result.updated = len(changed)

    def apply() -> None:
        payments = [
            Payment(
                organization=org,
                client_id=item["client_id"],
                key=item["key"],
                date=item["date"],
                amount=item["amount"],
                currency=item["currency"],
                method=item["method"],
                reference=item["reference"],
            )
            for item, _ in planned
        ]
        Payment.objects.bulk_create(payments, batch_size=500)
        allocations = [
            Allocation(organization=org, payment=payment, invoice_id=share.key, amount=share.amount)
            for payment, (_, shares) in zip(payments, planned, strict=True)
            for share in shares
        ]
        Allocation.objects.bulk_create(allocations, batch_size=500)
        paid = sorted({a.invoice_id for a in allocations})
        for start in range(0, len(paid), 5000):
            # Paid (or less owed): the collections run looks at these again.
            Invoice.objects.filter(pk__in=paid[start : start + 5000]).update(next_step_on=None)
        if changed:
            Payment.objects.bulk_update(changed, kept, batch_size=500)

    return apply
