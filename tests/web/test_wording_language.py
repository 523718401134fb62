"""A text's preview is filled in for a client who reads the text's language: the Persian
reminder on a Persian client's invoice, not on the most overdue invoice of a Vietnamese
client with its VietQR code; any client's when none writes the language."""

from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

import pytest

from owed.documents.own_texts import preview_invoice_in
from owed.ledger.models import Client, Contact
from owed.ledger.services import LineInput, invoice_create, invoice_write_off

pytestmark = pytest.mark.django_db


def persian_invoice(books, number: str = "FA-7", *, days: int = 10):
    client, _ = Client.objects.get_or_create(
        organization=books.org,
        code="PARS",
        defaults={
            "name": "شرکت پارس نوین",
            "country": "IR",
            "currency": books.org.currency,
            "language": "fa",
        },
    )
    Contact.objects.get_or_create(
        organization=books.org,
        client=client,
        role="main",
        name="مریم احمدی",
        email="m@pars.example",
    )
    due = books.today - timedelta(days=days)
    return invoice_create(
        organization=books.org,
        client=client,
        number=number,
        issue_date=due - timedelta(days=30),
        due_date=due,
        currency=books.org.currency,
        lines=[LineInput("طراحی", Decimal(1), Decimal(100))],
    )


def shown_for(web, step: str, language: str) -> str:
    page = html.unescape(web.get(f"/templates/{step}/{language}/").content.decode())
    start = page.index('class="preview-invoice')
    return page[start : page.index("</p>", start)]


def test_the_persian_text_previews_on_a_persian_client_s_invoice(web, books):
    persian_invoice(books)  # less overdue than the Vietnamese INV-001

    assert "FA-7" in shown_for(web, "reminder", "fa")
    assert "INV-001" not in shown_for(web, "reminder", "fa")
    # The Vietnamese text stays on the Vietnamese client's most overdue invoice.
    assert "INV-001" in shown_for(web, "reminder", "vi")


def test_the_most_overdue_of_the_language_s_open_invoices_is_taken(books):
    persian_invoice(books, "FA-1", days=5)
    older = persian_invoice(books, "FA-2", days=20)
    assert preview_invoice_in(books.org, "fa") == older


def test_without_a_client_in_the_language_any_most_overdue_invoice_is_taken(web, books):
    assert preview_invoice_in(books.org, "th") == books.overdue
    assert "INV-001" in shown_for(web, "reminder", "th")


def test_a_written_off_invoice_of_the_language_is_not_taken(books):
    invoice = persian_invoice(books)
    invoice_write_off(invoice=invoice, on=books.today)
    assert preview_invoice_in(books.org, "fa") == books.overdue
