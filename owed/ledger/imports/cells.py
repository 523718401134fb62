"""What an import's planners share: the problems found, the cell readers, the invoice lock.

Each reader takes a row and a column, records what is wrong with the cell as a problem,
and returns the value read (None when there is none to use).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from owed.core.money import MoneyError, excerpt, parse_amount
from owed.errors import OwedError
from owed.ledger.models import Invoice, Organization
from owed.ledger.tables import Row


class Problems:
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


def read_date(row: Row, column: str, problems: Problems) -> date | None:
    text = row.cells.get(column, "")
    if not text:
        problems.add(row.line, column, "date is missing")
        return None
    try:
        return parse_date(text)
    except ValueError:
        problems.add(row.line, column, f"{excerpt(text)!r} is not a date (write it as YYYY-MM-DD)")
        return None


def read_required(row: Row, column: str, problems: Problems, max_length: int) -> str | None:
    text = row.cells.get(column, "")
    if not text:
        problems.add(row.line, column, "value is missing")
        return None
    if len(text) > max_length:
        problems.add(row.line, column, f"longer than {max_length} characters")
        return None
    return text


def read_code(row: Row, column: str, problems: Problems, check: Callable[[str], str]) -> str | None:
    try:
        return check(row.cells.get(column, ""))
    except OwedError as exc:
        problems.add(row.line, column, exc.message)
        return None


def read_amount(row: Row, column: str, currency: str | None, problems: Problems) -> Decimal | None:
    text = row.cells.get(column, "")
    try:
        # With the currency unknown, still report a non-numeric or negative amount.
        return parse_amount(text, currency or "USD")
    except MoneyError as exc:
        problems.add(row.line, column, str(exc))
        return None


def read_email(row: Row, column: str, problems: Problems) -> str:
    text = row.cells.get(column, "")
    if len(text) > 254:  # what the column holds (and RFC 5321 allows)
        problems.add(row.line, column, "longer than 254 characters")
    elif text:
        try:
            validate_email(text)
        except ValidationError:
            problems.add(row.line, column, f"{excerpt(text)!r} is not an e-mail address")
    return text


def check_duplicate(
    row: Row, column: str, key: str, first_line: dict[str, int], problems: Problems
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


def lock_invoices(org: Organization, numbers: set[str]) -> list[int]:
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
