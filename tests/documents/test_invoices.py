"""An invoice as a PDF in each language (playbook P6): what its text says, that its first
page renders, and the payment QR code it carries."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from owed.core.localize import LRI, PDI
from owed.core.qr import promptpay_payload, qr_svg, vietqr_payload
from owed.documents.services import invoice_data, invoice_pdf
from owed.ledger.models import PaymentAccount
from tests.documents.conftest import CASES
from tests.documents.pdfs import first_page_png, path_operators, pdf_text, read_png

pytestmark = pytest.mark.django_db

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"


def _either_way(text: str, wanted: str) -> bool:
    """`wanted` in `text`, read forwards or backwards: pypdf gives right-to-left lines in
    the order their glyphs are drawn, which reverses Persian digits."""
    return wanted in text or wanted[::-1] in text


@pytest.mark.parametrize("language", ["en", "vi", "fa", "th"])
def test_the_invoice_pdf_says_number_balance_and_due_date_in_the_language(invoice_for, language):
    invoice = invoice_for(language)
    case = CASES[language]

    pdf = invoice_pdf(invoice)
    text = pdf_text(pdf)

    assert pdf.startswith(b"%PDF-")
    assert invoice.number in text
    if language == "fa":
        # ۱۴٬۵۰۰٬۰۰۰: Persian digits and ٬, without the currency's name.
        digits = "".join(c for c in case.balance if c in PERSIAN_DIGITS or c == "٬")
        assert _either_way(text, digits), text
        assert _either_way(text, "۱۴۰۵"), "the Solar Hijri year in Persian digits"
        assert "1405" not in text and "2026" not in text.replace(invoice.number, "")
    elif language == "th":
        assert case.balance in text
        # The month's name loses its vowel marks in pypdf's reading; day and year do not.
        assert re.search(r"\b22 \S+ 2569\b", text), "the due date in the Buddhist era"
        assert "2026" not in text.replace(invoice.number, "")
    else:
        balance_due = {"en": "Balance due", "vi": "Số tiền còn phải trả"}[language]
        assert f"{balance_due} {case.balance}" in text  # the last line of the totals
        assert case.due_date in text


@pytest.mark.parametrize("language", ["en", "vi", "fa", "th"])
def test_the_first_page_renders_to_a_picture_with_ink_on_it(invoice_for, language):
    pdf = invoice_pdf(invoice_for(language))

    picture = read_png(first_page_png(pdf, f"invoice-{language}"))

    # A4 (595 x 842 points) at 60 dpi, rounded up.
    assert (picture.width, picture.height) == (497, 702)
    assert 0.01 < picture.ink < 0.5, picture.ink


@pytest.mark.parametrize("language", ["en", "vi", "fa", "th"])
def test_the_data_holds_dates_and_amounts_written_in_the_language(invoice_for, language):
    case = CASES[language]
    data = invoice_data(invoice_for(language))

    assert data["language"] == language
    assert data["invoice"]["due_date"] == case.due_date
    assert data["totals"]["balance"] == case.balance
    assert len(data["lines"]) == 2
    assert data["client"]["name"] == case.client
    assert data["client"]["attention"].endswith(case.contact)


def test_lines_and_totals_add_up_from_subtotal_to_balance(invoice_for):
    data = invoice_data(invoice_for("en"))

    assert [line["amount"] for line in data["lines"]] == ["$1,500.50", "$300.00"]
    assert [line["tax_rate"] for line in data["lines"]] == ["10%", "0%"]
    assert [line["quantity"] for line in data["lines"]] == ["1", "12"]
    assert data["totals"] == {
        "subtotal": "$1,800.50",
        "tax": "$150.05",
        "total": "$1,950.55",
        "paid": "$500.00",
        "balance": "$1,450.55",
    }
    assert data["labels"]["balance_due"] == "Balance due"


def test_a_vnd_invoice_carries_a_vietqr_code_for_the_balance_with_the_invoice_number(
    invoice_for,
):
    invoice = invoice_for("vi")

    payment = invoice_data(invoice)["payment"]

    expected = vietqr_payload("970436", "0011223344", Decimal("14500000"), invoice.number)
    assert payment["qr_payload"] == expected
    assert payment["qr_svg"] == qr_svg(expected)
    assert ["Số tài khoản", "0011223344"] in payment["lines"]
    assert ["Nội dung chuyển khoản", invoice.number] in payment["lines"]


def test_the_qr_code_is_drawn_on_the_page(invoice_for, studio):
    invoice = invoice_for("vi")
    with_code = invoice_pdf(invoice)
    PaymentAccount.objects.filter(organization=studio).delete()

    without_code = invoice_pdf(invoice)

    # Typst draws the SVG as vector paths: a 45 x 45 module code adds hundreds of them.
    assert path_operators(with_code) - path_operators(without_code) > 200
    assert "Quét mã" in pdf_text(with_code)
    assert "Quét mã" not in pdf_text(without_code)


def test_a_thb_invoice_carries_a_promptpay_code_for_the_balance(invoice_for):
    payment = invoice_data(invoice_for("th"))["payment"]

    assert payment["qr_payload"] == promptpay_payload("0812345678", Decimal("1450.55"))
    assert payment["title"] == "ชำระผ่านพร้อมเพย์"


def test_a_currency_no_qr_code_carries_gets_the_bank_account_as_text(invoice_for):
    payment = invoice_data(invoice_for("en"))["payment"]

    assert payment["qr_payload"] is None and payment["qr_svg"] is None
    assert ["IBAN", "IR06 2960 0000 0010 0324 2000 01"] in payment["lines"]
    assert ["Amount", "$1,450.55"] in payment["lines"]


def test_an_invoice_paid_in_full_thanks_the_client_and_asks_for_nothing(invoice_for):
    invoice = invoice_for("en", pay=False)
    from owed.ledger.services import payment_record

    payment_record(
        organization=invoice.organization,
        client=invoice.client,
        date=invoice.due_date,
        amount=invoice.total,
        currency=invoice.currency,
        invoices=[invoice],
    )

    data = invoice_data(invoice)

    assert data["payment"] is None
    assert data["totals"]["balance"] == "$0.00"
    assert "Thank you" in pdf_text(invoice_pdf(invoice))


def test_another_language_can_be_asked_for(invoice_for):
    invoice = invoice_for("en")

    text = pdf_text(invoice_pdf(invoice, "vi"))

    assert "Số tiền còn phải trả" in text
    assert "1.450,55\xa0US$" in text
    assert "22 tháng 11, 2026" in text


def test_in_persian_every_left_to_right_run_is_isolated(invoice_for):
    invoice = invoice_for("fa")

    data = invoice_data(invoice)

    assert data["invoice"]["number"] == f"{LRI}{invoice.number}{PDI}"
    assert data["sender"]["email"] == f"{LRI}billing@lotus.example{PDI}"
    iban = dict(data["payment"]["lines"])[f"شبا ({LRI}IBAN{PDI})"]
    assert iban == f"{LRI}IR06 2960 0000 0010 0324 2000 01{PDI}"
    # Persian text and what a template draws stay as they are.
    assert data["client"]["name"] == "شرکت پارس نوین"
    assert LRI not in data["labels"]["page"]


def test_persian_page_numbers_are_written_in_persian_digits(invoice_for):
    text = pdf_text(invoice_pdf(invoice_for("fa")))

    assert "۱" in text and not re.search(r"\b1 (of|از) 1\b", text)
    assert any(digit in text for digit in PERSIAN_DIGITS)
