"""Planning an invoices import: each row checked, then the invoices and lines to write.

An invoice that has payments keeps its client and currency, and its total cannot fall
below what was paid; its rows are locked while that is checked.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from owed.core.money import excerpt
from owed.ledger import selectors
from owed.ledger.imports.cells import (
    Problems,
    check_duplicate,
    lock_invoices,
    read_amount,
    read_code,
    read_date,
    read_required,
)
from owed.ledger.models import Client, Contract, Invoice, InvoiceLine, Organization
from owed.ledger.presenters import amount_text
from owed.ledger.services import currency_code
from owed.ledger.tables import Table

if TYPE_CHECKING:
    from owed.ledger.imports import ImportResult

_INVOICE_FIELDS = ("client_id", "contract_id", "issue_date", "due_date", "currency", "total")


def plan_invoices(
    org: Organization,
    table: Table,
    problems: Problems,
    result: ImportResult,
    checked: Callable[[int], None],
):
    rows = table.rows
    # Without a contract_id column, invoices keep the contract the ledger links them to.
    updated_fields = [
        f for f in _INVOICE_FIELDS if f != "contract_id" or "contract_id" in table.header
    ]
    codes = {row.cells.get("client_id", "") for row in rows}
    clients = {c.code: c for c in Client.objects.filter(organization=org, code__in=codes)}
    contract_codes = {row.cells.get("contract_id", "") for row in rows} - {""}
    contracts = {
        c.code: c for c in Contract.objects.filter(organization=org, code__in=contract_codes)
    }
    numbers = {row.cells.get("invoice_no", "") for row in rows} - {""}
    # Lock the file's invoices before reading what was paid on them, so that a payment
    # import cannot allocate between this check and the write (a total of 10 with 100
    # paid). Locks are taken in id order, as `plan_payments` takes them, so that two
    # imports wait for each other instead of deadlocking.
    existing = {
        inv.number: inv
        for inv in selectors.invoices_with_balance(organization=org).filter(
            pk__in=lock_invoices(org, numbers)
        )
    }
    first_line: dict[str, int] = {}
    parsed: list[tuple[dict, str]] = []
    for done, row in enumerate(rows):
        checked(done)
        number = read_required(row, "invoice_no", problems, 64)
        if number is not None:
            check_duplicate(row, "invoice_no", number, first_line, problems)
        code = row.cells.get("client_id", "")
        client = clients.get(code)
        if not code:
            problems.add(row.line, "client_id", "value is missing")
        elif client is None:
            problems.add(
                row.line, "client_id", f"unknown client {excerpt(code)!r} (import it first)"
            )
        issue_date = read_date(row, "issue_date", problems)
        due_date = read_date(row, "due_date", problems)
        if issue_date and due_date and due_date < issue_date:
            problems.add(
                row.line, "due_date", f"due date {due_date} is before the issue date {issue_date}"
            )
        currency = read_code(row, "currency", problems, currency_code)
        total = read_amount(row, "amount", currency, problems)
        contract = None
        if contract_code := row.cells.get("contract_id", ""):
            contract = contracts.get(contract_code)
            if contract is None:
                problems.add(
                    row.line, "contract_id", f"unknown contract {excerpt(contract_code)!r}"
                )
            elif client is not None and contract.client_id != client.pk:
                problems.add(
                    row.line, "contract_id", f"contract {contract_code!r} is with another client"
                )
        description = row.cells.get("description", "")
        if len(description) > 500:
            problems.add(row.line, "description", "longer than 500 characters")
        old = existing.get(number or "")
        if old is not None and old.paid > 0 and total is not None and client is not None:
            if old.client_id != client.pk:
                problems.add(
                    row.line, "client_id", f"invoice {number} has payments from another client"
                )
            if old.currency != currency:
                problems.add(
                    row.line, "currency", f"invoice {number} has payments in {old.currency}"
                )
            elif total < old.paid:
                problems.add(
                    row.line,
                    "amount",
                    f"amount {total} is less than the {amount_text(old.paid, old.currency)} "
                    "already paid",
                )
        values = {
            "number": number,
            "client_id": client.pk if client else None,
            "contract_id": contract.pk if contract else None,
            "issue_date": issue_date,
            "due_date": due_date,
            "currency": currency,
            "total": total,
        }
        parsed.append((values, description))
    if problems:
        return None

    first_lines = {
        line.invoice_id: line.description
        for line in InvoiceLine.objects.filter(invoice__in=list(existing.values()), position=1)
    }
    to_create: list[tuple[Invoice, str]] = []
    to_update: list[Invoice] = []
    relined: list[tuple[Invoice, str]] = []
    for values, description in parsed:
        old = existing.get(values["number"])
        if old is None:
            to_create.append((Invoice(organization=org, **values), description))
            continue
        fields_changed = any(getattr(old, f) != values[f] for f in updated_fields)
        # Lines are rewritten only when the amount changes or the file names a new
        # description; lines entered by hand otherwise stay as they are.
        relabel = bool(description) and description != first_lines.get(old.pk)
        if old.total != values["total"] or relabel:
            relined.append((old, description or first_lines.get(old.pk, "")))
        if fields_changed:
            for f in updated_fields:
                setattr(old, f, values[f])
            old.next_step_on = None  # changed: the collections run looks at it again
            to_update.append(old)
        if fields_changed or relabel:
            result.updated += 1
        else:
            result.unchanged += 1
    result.created = len(to_create)

    def apply() -> None:
        Invoice.objects.bulk_create([inv for inv, _ in to_create], batch_size=500)
        if to_update:
            Invoice.objects.bulk_update(
                to_update, [*updated_fields, "next_step_on"], batch_size=500
            )
        InvoiceLine.objects.filter(invoice__in=[inv for inv, _ in relined]).delete()
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    organization=org,
                    invoice=inv,
                    position=1,
                    description=description or f"Invoice {inv.number}",
                    quantity=Decimal(1),
                    unit_price=inv.total,
                )
                for inv, description in [*to_create, *relined]
            ],
            batch_size=500,
        )

    return apply
