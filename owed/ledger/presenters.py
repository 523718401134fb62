"""Ledger rows as plain dicts of text, for the CLI's tables and JSON and for exports.

Amounts are written exactly, to the currency's minor unit (`1500000` for VND, `12.50`
for USD), with `.` as the decimal point, as the import format reads them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.numbers import format_decimal

from owed.core.money import minor_units, round_money
from owed.ledger import selectors
from owed.ledger.models import Organization


def amount_text(amount: Decimal, currency: str) -> str:
    """An amount as the import format writes it: to the currency's minor unit when exact,
    else with every digit it has (never rounded away, never an error on display)."""
    rounded = round_money(amount, currency)
    return str(rounded) if rounded == amount else format(amount, "f")


def money(amount: Decimal | None, currency: str, *, with_code: bool = True) -> str:
    """An amount for reading: grouped digits and the currency's own minor units.

    English grouping for now; the pages and messages in vi, fa and th format amounts in
    their own locale.
    """
    if amount is None:
        return ""
    digits = minor_units(currency)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    text = format_decimal(amount, format=pattern, locale="en")
    return f"{text} {currency}" if with_code else text


def days_late(*, due_date: date, balance: Decimal, written_off_on: date | None, as_of: date) -> int:
    """Days past due with something still owed; 0 when not yet due, paid or written off."""
    if balance <= 0 or written_off_on is not None:
        return 0
    return max(0, (as_of - due_date).days)


def invoice_rows(
    *,
    organization: Organization,
    as_of: date,
    overdue: bool = False,
    client_code: str | None = None,
) -> list[dict]:
    qs = selectors.invoice_list(
        organization=organization, as_of=as_of, overdue=overdue, client_code=client_code
    )
    return [
        {
            "invoice_no": inv.number,
            "client_id": inv.client.code,
            "client_name": inv.client.name,
            "issue_date": inv.issue_date.isoformat(),
            "due_date": inv.due_date.isoformat(),
            "days_overdue": days_late(
                due_date=inv.due_date,
                balance=inv.balance,
                written_off_on=inv.written_off_on,
                as_of=as_of,
            ),
            "currency": inv.currency,
            "total": amount_text(inv.total, inv.currency),
            "paid": amount_text(inv.paid, inv.currency),
            "balance": amount_text(inv.balance, inv.currency),
            "state": inv.state,
        }
        for inv in qs
    ]


def summary_rows(*, organization: Organization, as_of: date) -> list[dict]:
    """Per currency: counts and amounts billed, outstanding and overdue, as text."""
    return [
        {
            "currency": row["currency"],
            "invoices": row["invoices"],
            "billed": amount_text(row["billed"], row["currency"]),
            "outstanding": amount_text(row["outstanding"], row["currency"]),
            "overdue": amount_text(row["overdue"], row["currency"]),
            "overdue_count": row["overdue_count"],
        }
        for row in selectors.ledger_summary(organization=organization, as_of=as_of)
    ]
