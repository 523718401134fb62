"""What the admin tests share: the members' password and the add pages' form data."""

from __future__ import annotations

from owed.ledger.models import Client, Organization

PASSWORD = "a-long-passphrase"


def invoice_form(org: Organization, customer: Client, **overrides: str) -> dict[str, object]:
    """The invoice add page's POST data: invoice INV-9 with one line of 2 x 1,500,000 VND
    at 10 % tax and no allocations; `overrides` replace or add fields by name."""
    data = {
        "organization": org.pk,
        "number": "INV-9",
        "client": customer.pk,
        "issue_date": "2026-11-01",
        "due_date": "2026-11-30",
        "currency": "VND",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-position": "1",
        "lines-0-description": "Thiết kế",
        "lines-0-quantity": "2",
        "lines-0-unit_price": "1500000",
        "lines-0-tax_rate": "10",
        "allocations-TOTAL_FORMS": "0",
        "allocations-INITIAL_FORMS": "0",
        "allocations-MIN_NUM_FORMS": "0",
        "allocations-MAX_NUM_FORMS": "1000",
    }
    return data | overrides


def payment_form(org: Organization, customer: Client, **overrides: str) -> dict[str, object]:
    """The payment add page's POST data: 1,000,000 VND by bank transfer on 2026-11-10,
    allocated to no invoice; `overrides` replace or add fields by name."""
    data = {
        "organization": org.pk,
        "client": customer.pk,
        "key": "",
        "date": "2026-11-10",
        "amount": "1000000",
        "currency": "VND",
        "method": "bank_transfer",
        "reference": "",
        "allocations-TOTAL_FORMS": "0",
        "allocations-INITIAL_FORMS": "0",
        "allocations-MIN_NUM_FORMS": "0",
        "allocations-MAX_NUM_FORMS": "1000",
    }
    return data | overrides


def vnd_invoice(org, customer, number="INV-1", *, issue=None, due=None, **links):
    """A 1,000,000 VND invoice for `customer`, issued 1 November and due 30 November 2026."""
    from datetime import date
    from decimal import Decimal

    from owed.ledger.services import LineInput, invoice_create

    return invoice_create(
        organization=org,
        client=customer,
        number=number,
        issue_date=issue or date(2026, 11, 1),
        due_date=due or date(2026, 11, 30),
        currency="VND",
        lines=[LineInput("Thiết kế", Decimal(1), Decimal(1_000_000))],
        **links,
    )
