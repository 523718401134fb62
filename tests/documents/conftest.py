"""An organization with a payment account per QR standard, and an invoice per language:
two lines, one taxed, and a part payment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from owed.ledger.models import Client, Contact, Invoice
from owed.ledger.services import LineInput, invoice_create, payment_account_add, payment_record

ISSUED = date(2026, 10, 23)
DUE = date(2026, 11, 22)


@dataclass(frozen=True)
class Case:
    """What an invoice in one language looks like, and what its PDF must say."""

    language: str
    country: str
    currency: str
    client: str
    address: str
    contact: str
    lines: tuple[tuple[str, str, str, str], ...]  # description, quantity, unit price, tax %
    paid: str
    balance: str  # as the language writes it
    due_date: str  # as the language writes it


CASES = {
    "en": Case(
        "en",
        "US",
        "USD",
        "Acme Corporation",
        "500 Market Street\nSan Francisco, CA 94105",
        "Sarah Lee",
        (("Website redesign", "1", "1500.50", "10"), ("Hosting (months)", "12", "25.00", "0")),
        "500.00",
        "$1,450.55",
        "November 22, 2026",
    ),
    "vi": Case(
        "vi",
        "VN",
        "VND",
        "Công ty TNHH Hoa Sen",
        "45 Lê Lợi, Quận 1\nTP. Hồ Chí Minh",
        "Nguyễn Văn An",
        (
            ("Thiết kế lại trang web", "1", "15000000", "10"),
            ("Lưu trữ web (tháng)", "12", "250000", "0"),
        ),
        "5000000",
        "14.500.000\xa0₫",
        "22 tháng 11, 2026",
    ),
    "fa": Case(
        "fa",
        "IR",
        "IRR",
        "شرکت پارس نوین",
        "خیابان ولیعصر، پلاک ۱۲\nتهران",
        "مریم احمدی",
        (
            ("طراحی دوباره وب‌سایت", "1", "15000000", "10"),
            ("میزبانی (ماه)", "12", "250000", "0"),
        ),
        "5000000",
        "۱۴٬۵۰۰٬۰۰۰\xa0ریال",
        "۱ آذر ۱۴۰۵",
    ),
    "th": Case(
        "th",
        "TH",
        "THB",
        "บริษัท สยาม ดิจิทัล จำกัด",
        "99 ถนนสุขุมวิท แขวงคลองเตย\nกรุงเทพมหานคร 10110",
        "สมชาย ใจดี",
        (
            ("ออกแบบเว็บไซต์ใหม่ทั้งหมด", "1", "1500.50", "10"),
            ("ค่าโฮสติ้ง (เดือน)", "12", "25.00", "0"),
        ),
        "500.00",
        "฿1,450.55",
        "22 พฤศจิกายน 2569",
    ),
}


@pytest.fixture
def studio(org):
    """The organization of the shared fixture with a letterhead and a payment account per
    QR standard: VietQR for VND, PromptPay for THB, a SEPA IBAN for EUR and an Iranian
    Sheba for any other currency."""
    org.address = "12 Nguyễn Huệ, Quận 1\nTP. Hồ Chí Minh"
    org.tax_id = "0312345678"
    org.email = "billing@lotus.example"
    org.phone = "+84 28 3822 1234"
    org.save()
    accounts = [
        {
            "kind": "vn_bank",
            "holder": "CONG TY LOTUS",
            "bank_name": "Vietcombank",
            "bank_bin": "970436",
            "account_number": "0011223344",
            "currency": "VND",
        },
        {
            "kind": "promptpay",
            "holder": "Lotus Studio",
            "promptpay_id": "0812345678",
            "currency": "THB",
        },
        {
            "kind": "iban",
            "holder": "Lotus Studio",
            "iban": "DE89370400440532013000",
            "bic": "COBADEFFXXX",
            "currency": "EUR",
        },
        {
            "kind": "iban",
            "holder": "Lotus Studio LLC",
            "bank_name": "Mellat",
            "iban": "IR062960000000100324200001",
        },
    ]
    for fields in accounts:
        payment_account_add(organization=org, **fields)
    return org


@pytest.fixture
def invoice_for(studio):
    """An invoice to a client writing `language`, numbered INV-77-<language>."""

    def make(language: str, *, number: str | None = None, pay: bool = True):
        case = CASES[language]
        client = Client.objects.create(
            organization=studio,
            code=f"C-{language}",
            name=case.client,
            address=case.address,
            country=case.country,
            language=language,
            currency=case.currency,
        )
        Contact.objects.create(
            organization=studio, client=client, role="billing", name=case.contact
        )
        invoice = invoice_create(
            organization=studio,
            client=client,
            number=number or f"INV-77-{language.upper()}",
            issue_date=ISSUED,
            due_date=DUE,
            currency=case.currency,
            lines=[
                LineInput(text, Decimal(quantity), Decimal(price), Decimal(tax))
                for text, quantity, price, tax in case.lines
            ],
        )
        if pay:
            payment_record(
                organization=studio,
                client=client,
                date=date(2026, 11, 1),
                amount=Decimal(case.paid),
                currency=case.currency,
                invoices=[invoice],
            )
        return invoice

    return make


# --- collection actions -------------------------------------------------------------------

TODAY = date(2026, 12, 3)
"""Eleven days after the invoices' due date (`DUE`)."""


@pytest.fixture
def reachable():
    """reachable(invoice): the invoice's client gets a main contact and a billing contact,
    both with an e-mail address; returns the client."""

    def add(invoice, *, main: str | None = None, billing: str | None = "ap@client.example"):
        client = invoice.client
        case = CASES.get(client.language)
        Contact.objects.filter(client=client).delete()
        Contact.objects.create(
            organization=client.organization,
            client=client,
            role="main",
            name=main if main is not None else (case.contact if case else "Sam"),
            email="boss@client.example",
        )
        if billing:
            Contact.objects.create(
                organization=client.organization,
                client=client,
                role="billing",
                name="Accounts",
                email=billing,
            )
        return client

    return add


@pytest.fixture
def action_for():
    """action_for(invoice, step): a planned action of `step` about `invoice` (and any
    other `invoices` listed), decided on `on` (default `TODAY`) at 09:00 UTC."""
    from owed.dunning.models import Action, ActionLine
    from owed.ledger.selectors import annotate_balance

    def make(
        invoice,
        step: str,
        *,
        on: date = TODAY,
        channels: str = "email",
        kind: str = "ladder",
        key: str | None = None,
        invoices=None,
    ):
        listed = list(invoices or [invoice])
        action = Action.objects.create(
            organization=invoice.organization,
            key=key or f"invoice:{invoice.pk}:{step}",
            kind=kind,
            client=invoice.client,
            invoice=invoice if kind == "ladder" else None,
            subject_id=invoice.pk,
            step=step,
            channels=channels,
            decided_on=on,
            scheduled_for=datetime.combine(on, time(9), tzinfo=UTC),
        )
        balances = dict(
            annotate_balance(Invoice.objects.filter(pk__in=[i.pk for i in listed])).values_list(
                "pk", "balance"
            )
        )
        for each in listed:
            ActionLine.objects.create(
                action=action,
                invoice=each,
                days_overdue=(on - each.due_date).days,
                balance=balances[each.pk],
            )
        return action

    return make
