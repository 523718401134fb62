"""Importing clients, invoices and payments from a spreadsheet, all or nothing.

Every row is checked before anything is written. If any row is wrong the import writes
nothing and raises `ImportRejected` listing every problem as `line N, column C: reason`.
Rows are matched to what the ledger already holds by natural key (client id, invoice
number, payment id), so importing the same file twice changes nothing the second time.
The database is read a fixed number of times per import, never once per row.
"""

from __future__ import annotations

import difflib
import hashlib
import inspect
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation

from owed.core.allocation import OpenItem, allocate
from owed.core.identifiers import IdentifierError, normalize_tax_id
from owed.core.money import MoneyError, excerpt, parse_amount
from owed.errors import OwedError
from owed.ledger import selectors
from owed.ledger.models import (
    Allocation,
    Client,
    Contact,
    Contract,
    Invoice,
    InvoiceLine,
    Organization,
    Payment,
)
from owed.ledger.presenters import amount_text
from owed.ledger.services import country_code, currency_code, language_code
from owed.ledger.tables import Row, Table, read_table

KINDS = ("clients", "invoices", "payments")

REQUIRED = {
    "clients": ["client_id", "name", "country", "language", "currency", "email"],
    "invoices": ["invoice_no", "client_id", "issue_date", "due_date", "currency", "amount"],
    "payments": ["invoice_no", "date", "amount", "currency"],
}
OPTIONAL = {
    "clients": ["billing_email", "phone", "tax_id", "kind", "address", "notes", "contact_name"],
    "invoices": ["description", "contract_id"],
    # client_id: whose payment it is; needed only when no invoice_no is given (the payment
    # is then all client credit, as `owed export` writes a payment no invoice took).
    "payments": ["reference", "method", "payment_id", "client_id"],
}
# Columns `owed export` adds for reading; an import takes no notice of them.
EXPORT_ONLY = {
    "clients": ["credit"],
    "invoices": ["paid", "balance", "state", "days_overdue", "written_off_on"],
    "payments": ["allocated", "unallocated"],
}

# Called as progress(done, total) or, when it takes a third argument, as
# progress(done, total, phase) with phase "checking" (rows checked so far) or "writing".
Progress = Callable[..., None]
# While checking, progress is reported every this many rows.
PROGRESS_EVERY = 500


class ImportRejected(OwedError):
    """The file has problems; `details` lists each as `line N, column C: reason`.

    `warnings` are the import's warnings about the file (columns it does not use), which
    often explain a problem: a column `ammount` is not used, so `amount` is missing.
    """

    def __init__(
        self, message: str, *, details: list[str] | None = None, warnings: list[str] | None = None
    ) -> None:
        super().__init__(message, details=details)
        self.warnings = warnings or []


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "warnings": self.warnings,
            "notes": self.notes,
        }


class _Problems:
    """Collects `line N, column C: reason` messages, one per cell at most."""

    def __init__(self) -> None:
        self.messages: list[tuple[int, str]] = []
        self._seen: set[tuple[int, str]] = set()

    def add(self, line: int, column: str, reason: str) -> None:
        if (line, column) in self._seen:
            return
        self._seen.add((line, column))
        self.messages.append((line, f"line {line}, column {column}: {reason}"))

    def __bool__(self) -> bool:
        return bool(self.messages)

    def sorted(self) -> list[str]:
        return [text for _, text in sorted(self.messages, key=lambda m: m[0])]


def import_file(
    *,
    organization: Organization,
    kind: str,
    path: Path,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Check and import one file of `kind`; with `dry_run`, check only."""
    if kind not in KINDS:
        raise OwedError(f"unknown import kind {kind!r} (use {', '.join(KINDS)})")
    try:
        table = read_table(path)
    except OwedError as exc:
        raise ImportRejected(f"{path.name} cannot be imported", details=[exc.message]) from None
    problems = _Problems()
    result = ImportResult(kind=kind, rows=len(table.rows))
    _check_header(kind, table.header, problems, result)
    if problems:
        raise ImportRejected(
            f"{path.name} cannot be imported", details=problems.sorted(), warnings=result.warnings
        )
    for line, column, reason in table.problems:
        problems.add(line, column, reason)
    if not table.rows:
        result.notes.append("no rows to import: the file has a header and nothing else")

    report = _reporter(progress)
    total = len(table.rows)
    report(0, total, "checking")

    def checked(done: int) -> None:
        if done and done % PROGRESS_EVERY == 0:
            report(done, total, "checking")

    planner = {"clients": _plan_clients, "invoices": _plan_invoices, "payments": _plan_payments}
    # Plan and write in one transaction, so what was checked is what gets written.
    with transaction.atomic():
        apply = planner[kind](organization, table, problems, result, checked)
        report(total, total, "checking")
        if problems:
            raise ImportRejected(
                f"{path.name} cannot be imported: {len(problems.messages)} problem(s), "
                "nothing written",
                details=problems.sorted(),
                warnings=result.warnings,
            )
        if not dry_run:
            report(0, total, "writing")
            apply()
            report(total, total, "writing")
    return result


def _reporter(progress: Progress | None) -> Callable[[int, int, str], None]:
    """`progress` as a three-argument callable, whether or not it takes the phase."""
    if progress is None:
        return lambda done, total, phase: None
    try:
        inspect.signature(progress).bind(0, 0, "checking")
    except TypeError:
        return lambda done, total, phase: progress(done, total)
    except ValueError:  # no signature to read (some built-ins): the documented two arguments
        return lambda done, total, phase: progress(done, total)
    return progress


def _check_header(kind: str, header: list[str], problems: _Problems, result: ImportResult) -> None:
    """Missing and repeated columns are problems; columns owed does not read, warnings.

    A column owed does not read is often a misspelt one it needs: each names the closest
    known column the file lacks, and a missing column names the unread one like it.
    """
    known = set(REQUIRED[kind]) | set(OPTIONAL[kind]) | set(EXPORT_ONLY[kind])
    unknown = [c for c in dict.fromkeys(header) if c and c not in known]
    absent = [c for c in [*REQUIRED[kind], *OPTIONAL[kind]] if c not in header]
    for column in unknown:
        close = difflib.get_close_matches(column, absent, n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]}?)" if close else ""
        result.warnings.append(f"column {excerpt(column)!r} is not used{hint}")
    for column in REQUIRED[kind]:
        if column not in header:
            close = difflib.get_close_matches(column, unknown, n=1, cutoff=0.75)
            hint = f" (the file has {excerpt(close[0])!r}: is that it?)" if close else ""
            problems.add(1, column, f"missing column{hint}")
    seen: dict[str, int] = {}
    for index, column in enumerate(header):
        if not column:
            continue  # untitled columns (often trailing, from a spreadsheet) are not read
        if column in seen:
            problems.add(1, column, f"column appears twice (also column {seen[column] + 1})")
        seen.setdefault(column, index)


# ---------------------------------------------------------------- cell readers


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str) -> date:
    """A date written `YYYY-MM-DD`; `ValueError` for anything else.

    A full ISO 8601 date and time (`2026-01-05T09:30:00`, as an XLSX date-time cell reads)
    gives its date when all of it parses. `date.fromisoformat` alone would also take
    `20260105` and `2026-W10-1`, which a spreadsheet user does not mean as dates.
    """
    if _ISO_DATE.fullmatch(text):
        return date.fromisoformat(text)
    if len(text) > 10 and text[10] in "T " and _ISO_DATE.fullmatch(text[:10]):
        return datetime.fromisoformat(text).date()
    raise ValueError(f"{text!r} is not a date")


def _date(row: Row, column: str, problems: _Problems) -> date | None:
    text = row.cells.get(column, "")
    if not text:
        problems.add(row.line, column, "date is missing")
        return None
    try:
        return parse_date(text)
    except ValueError:
        problems.add(row.line, column, f"{excerpt(text)!r} is not a date (write it as YYYY-MM-DD)")
        return None


def _required(row: Row, column: str, problems: _Problems, max_length: int) -> str | None:
    text = row.cells.get(column, "")
    if not text:
        problems.add(row.line, column, "value is missing")
        return None
    if len(text) > max_length:
        problems.add(row.line, column, f"longer than {max_length} characters")
        return None
    return text


def _coded(row: Row, column: str, problems: _Problems, check: Callable[[str], str]) -> str | None:
    try:
        return check(row.cells.get(column, ""))
    except OwedError as exc:
        problems.add(row.line, column, exc.message)
        return None


def _amount(row: Row, column: str, currency: str | None, problems: _Problems) -> Decimal | None:
    text = row.cells.get(column, "")
    try:
        # With the currency unknown, still report a non-numeric or negative amount.
        return parse_amount(text, currency or "USD")
    except MoneyError as exc:
        problems.add(row.line, column, str(exc))
        return None


def _email(row: Row, column: str, problems: _Problems) -> str:
    text = row.cells.get(column, "")
    if len(text) > 254:  # what the column holds (and RFC 5321 allows)
        problems.add(row.line, column, "longer than 254 characters")
    elif text:
        try:
            validate_email(text)
        except ValidationError:
            problems.add(row.line, column, f"{excerpt(text)!r} is not an e-mail address")
    return text


def _duplicate(
    row: Row, column: str, key: str, first_line: dict[str, int], problems: _Problems
) -> bool:
    if key in first_line:
        problems.add(
            row.line,
            column,
            f"duplicate {column} {excerpt(key)!r} (also on line {first_line[key]})",
        )
        return True
    first_line[key] = row.line
    return False


# ---------------------------------------------------------------- clients

_PHONE = re.compile(r"^\+?[0-9 ()./-]{5,30}$")
_CLIENT_FIELDS = ("name", "kind", "tax_id", "address", "country", "language", "currency", "notes")


def _wanted_contacts(row: Row, header: set[str]) -> dict[str, dict[str, str]]:
    """Per role, the contact fields this row sets; columns the file lacks are left alone."""
    main = {"email": row.cells.get("email", "")}
    if "phone" in header:
        main["phone"] = row.cells.get("phone", "")
    if "contact_name" in header:
        main["name"] = row.cells.get("contact_name", "")
    wanted = {Contact.Role.MAIN: main}
    if "billing_email" in header:
        # An empty cell clears the billing contact's e-mail (and creates no contact).
        wanted[Contact.Role.BILLING] = {"email": row.cells.get("billing_email", "")}
    return wanted


def _plan_clients(
    org: Organization,
    table: Table,
    problems: _Problems,
    result: ImportResult,
    checked: Callable[[int], None],
):
    rows, header = table.rows, set(table.header)
    # Fields whose column the file lacks keep what the ledger holds.
    updated_fields = [f for f in _CLIENT_FIELDS if f in header]
    first_line: dict[str, int] = {}
    parsed: list[tuple[dict, dict]] = []
    for done, row in enumerate(rows):
        checked(done)
        code = _required(row, "client_id", problems, 64)
        if code is not None:
            _duplicate(row, "client_id", code, first_line, problems)
        name = _required(row, "name", problems, 200)
        country = _coded(row, "country", problems, country_code)
        language = _coded(row, "language", problems, language_code)
        currency = _coded(row, "currency", problems, currency_code)
        _email(row, "email", problems)
        _email(row, "billing_email", problems)
        phone = row.cells.get("phone", "")
        if phone and not _PHONE.match(phone):
            problems.add(row.line, "phone", f"{excerpt(phone)!r} is not a phone number")
        kind = row.cells.get("kind", "").lower() or Client.Kind.BUSINESS
        if kind not in Client.Kind.values:
            problems.add(
                row.line,
                "kind",
                f"{excerpt(kind)!r} is not one of {', '.join(Client.Kind.values)}",
            )
        tax_id = row.cells.get("tax_id", "")
        if tax_id and country:
            try:
                tax_id = normalize_tax_id(tax_id, country)
            except IdentifierError as exc:
                problems.add(row.line, "tax_id", str(exc))
        if len(tax_id) > 40:
            problems.add(row.line, "tax_id", "longer than 40 characters")
        if len(row.cells.get("contact_name", "")) > 200:
            problems.add(row.line, "contact_name", "longer than 200 characters")
        values = {
            "code": code,
            "name": name,
            "kind": kind,
            "tax_id": tax_id,
            "address": row.cells.get("address", ""),
            "country": country,
            "language": language,
            "currency": currency,
            "notes": row.cells.get("notes", ""),
        }
        parsed.append((values, _wanted_contacts(row, header)))
    if problems:
        return None

    existing = {
        c.code: c
        for c in Client.objects.filter(organization=org, code__in=[v["code"] for v, _ in parsed])
    }
    existing_contacts: dict[tuple[int, str], Contact] = {}
    for contact in Contact.objects.filter(
        client__in=list(existing.values()), role__in=[Contact.Role.MAIN, Contact.Role.BILLING]
    ).order_by("id"):
        existing_contacts.setdefault((contact.client_id, contact.role), contact)

    new_clients: list[tuple[Client, dict]] = []
    changed_clients: list[Client] = []
    new_contacts: list[Contact] = []
    changed_contacts: list[Contact] = []
    for values, wanted in parsed:
        client = existing.get(values["code"])
        if client is None:
            new_clients.append((Client(organization=org, **values), wanted))
            continue
        touched = any(getattr(client, f) != values[f] for f in updated_fields)
        if touched:
            for f in updated_fields:
                setattr(client, f, values[f])
            changed_clients.append(client)
        for role, fields in wanted.items():
            contact = existing_contacts.get((client.pk, role))
            if contact is None:
                if any(fields.values()):
                    new_contacts.append(
                        Contact(organization=org, client=client, role=role, **fields)
                    )
                    touched = True
            elif any(getattr(contact, f) != v for f, v in fields.items()):
                for f, v in fields.items():
                    setattr(contact, f, v)
                changed_contacts.append(contact)
                touched = True
        if touched:
            result.updated += 1
        else:
            result.unchanged += 1
    result.created = len(new_clients)

    def apply() -> None:
        clients = [client for client, _ in new_clients]
        Client.objects.bulk_create(clients, batch_size=500)
        if changed_clients:
            Client.objects.bulk_update(changed_clients, updated_fields, batch_size=500)
        for client, wanted in new_clients:
            for role, fields in wanted.items():
                if any(fields.values()):
                    new_contacts.append(
                        Contact(organization=org, client=client, role=role, **fields)
                    )
        Contact.objects.bulk_create(new_contacts, batch_size=500)
        Contact.objects.bulk_update(changed_contacts, ["email", "phone", "name"], batch_size=500)

    return apply


# ---------------------------------------------------------------- invoices

_INVOICE_FIELDS = ("client_id", "contract_id", "issue_date", "due_date", "currency", "total")


def _plan_invoices(
    org: Organization,
    table: Table,
    problems: _Problems,
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
    # paid). Locks are taken in id order, as `_plan_payments` takes them, so that two
    # imports wait for each other instead of deadlocking.
    existing = {
        inv.number: inv
        for inv in selectors.invoices_with_balance(organization=org).filter(
            pk__in=_lock_invoices(org, numbers)
        )
    }
    first_line: dict[str, int] = {}
    parsed: list[tuple[dict, str]] = []
    for done, row in enumerate(rows):
        checked(done)
        number = _required(row, "invoice_no", problems, 64)
        if number is not None:
            _duplicate(row, "invoice_no", number, first_line, problems)
        code = row.cells.get("client_id", "")
        client = clients.get(code)
        if not code:
            problems.add(row.line, "client_id", "value is missing")
        elif client is None:
            problems.add(
                row.line, "client_id", f"unknown client {excerpt(code)!r} (import it first)"
            )
        issue_date = _date(row, "issue_date", problems)
        due_date = _date(row, "due_date", problems)
        if issue_date and due_date and due_date < issue_date:
            problems.add(
                row.line, "due_date", f"due date {due_date} is before the issue date {issue_date}"
            )
        currency = _coded(row, "currency", problems, currency_code)
        total = _amount(row, "amount", currency, problems)
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
            to_update.append(old)
        if fields_changed or relabel:
            result.updated += 1
        else:
            result.unchanged += 1
    result.created = len(to_create)

    def apply() -> None:
        Invoice.objects.bulk_create([inv for inv, _ in to_create], batch_size=500)
        if to_update:
            Invoice.objects.bulk_update(to_update, updated_fields, batch_size=500)
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


# ---------------------------------------------------------------- payments


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


def _lock_invoices(org: Organization, numbers: set[str]) -> list[int]:
    """Lock the organization's invoices with these numbers, in id order; their ids.

    Every import that reads balances to write by them locks first, in the same order, so
    two imports touching the same invoices run one after the other (SQLite's IMMEDIATE
    transactions already serialize writers; there this is a plain read).
    """
    return list(
        Invoice.objects.select_for_update()
        .filter(organization=org, number__in=numbers)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _plan_payments(
    org: Organization,
    table: Table,
    problems: _Problems,
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
            pk__in=_lock_invoices(org, all_numbers)
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
        paid_on = _date(row, "date", problems)
        currency = _coded(row, "currency", problems, currency_code)
        amount = _amount(row, "amount", currency, problems)
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
            _duplicate(row, "payment_id", key, first_line, problems)
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
        if changed:
            Payment.objects.bulk_update(changed, kept, batch_size=500)

    return apply
