"""Importing clients, invoices and payments from a spreadsheet, all or nothing.

Every row is checked before anything is written. If any row is wrong the import writes
nothing and raises `ImportRejected` listing every problem as `line N, column C: reason`.
Rows are matched to what the ledger already holds by natural key (client id, invoice
number, payment id), so importing the same file twice changes nothing the second time.
The database is read a fixed number of times per import, never once per row.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from owed.core.money import excerpt
from owed.errors import OwedError
from owed.ledger.imports.cells import Problems, parse_date
from owed.ledger.imports.clients import plan_clients
from owed.ledger.imports.invoices import plan_invoices
from owed.ledger.imports.payments import plan_payments
from owed.ledger.models import Organization
from owed.ledger.tables import read_table

__all__ = [
    "EXPORT_ONLY",
    "KINDS",
    "OPTIONAL",
    "PROGRESS_EVERY",
    "REQUIRED",
    "ImportRejected",
    "ImportResult",
    "Progress",
    "import_file",
    "parse_date",
]

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
    problems = Problems()
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

    planner = {"clients": plan_clients, "invoices": plan_invoices, "payments": plan_payments}
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


def _check_header(kind: str, header: list[str], problems: Problems, result: ImportResult) -> None:
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
