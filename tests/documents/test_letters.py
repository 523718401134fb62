"""The generic letter the collection steps fill: a formal notice with its invoice table,
the amounts claimed with their basis, a final date, how to pay, signature, enclosures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from owed.core.localize import LRI, PDI, format_amount, format_date, format_number
from owed.documents.pdf import DocumentError
from owed.documents.services import (
    letter_data,
    letter_pdf,
    party_data,
    payment_data,
    sender_data,
)
from tests.documents.conftest import CASES
from tests.documents.pdfs import first_page_png, page_count, pdf_text, read_png

pytestmark = pytest.mark.django_db

SUBJECTS = {
    "en": "Formal notice: overdue invoices",
    "vi": "Thông báo chính thức về các hóa đơn quá hạn",
    "fa": "اخطار رسمی درباره صورت‌حساب‌های سررسیدگذشته",
    "th": "หนังสือแจ้งอย่างเป็นทางการเรื่องใบแจ้งหนี้ค้างชำระ",
}


def _notice(invoice, language: str) -> dict:
    """A formal notice (L7) about `invoice` and one more, as a collection step builds it."""
    organization = invoice.organization

    def money(amount: str) -> str:
        return format_amount(Decimal(amount), invoice.currency, language)

    whole = invoice.currency in ("VND", "IRR")
    principal, interest, fee, claimed = (
        ("16500000", "123400", "400000", "17023400")
        if whole
        else ("1650.55", "12.34", "40.00", "1702.89")
    )
    return {
        "language": language,
        "sender": sender_data(organization, language),
        "recipient": party_data(invoice.client, language, home_country=organization.country),
        "place": "Hồ Chí Minh",
        "date": format_date(date(2026, 12, 22), language),
        "reference": invoice.number,
        "subject": SUBJECTS[language],
        "paragraphs": ["First paragraph.", "Second paragraph."],
        "invoices": [
            {
                "number": invoice.number,
                "due_date": format_date(invoice.due_date, language, "short"),
                "days_overdue": format_number(30, language),
                "balance": money("14500000" if whole else "1450.55"),
            },
            {
                "number": "INV-78",
                "due_date": format_date(date(2026, 12, 1), language, "short"),
                "days_overdue": format_number(21, language),
                "balance": money("2000000" if whole else "200.00"),
            },
        ],
        "invoices_total": money(principal),
        "amounts": {
            "principal": money(principal),
            "interest": money(interest),
            "compensation": money(fee),
            "total": money(claimed),
            "basis": "Late Payment of Commercial Debts (Interest) Act 1998",
        },
        "deadline": {"date": format_date(date(2027, 1, 5), language)},
        "payment": payment_data(
            organization=organization,
            amount=Decimal(claimed),
            currency=invoice.currency,
            reference=invoice.number,
            language=language,
        ),
        "closing": "—",
        "signature": {"name": "Trần Thị Lan", "role": "Director"},
        "enclosures": [f"{invoice.number}.pdf"],
    }


@pytest.mark.parametrize("language", ["en", "vi", "fa", "th"])
def test_a_formal_notice_shows_the_invoices_and_the_amounts_claimed(invoice_for, language):
    invoice = invoice_for(language)
    data = _notice(invoice, language)

    pdf = letter_pdf(data)
    text = pdf_text(pdf)

    assert invoice.number in text and "INV-78" in text
    if language == "fa":
        # pypdf reads right-to-left lines in drawing order: compare the digits both ways.
        for amount in (data["amounts"]["total"], data["invoices"][1]["balance"]):
            digits = "".join(c for c in amount if "۰" <= c <= "۹" or c == "٬")
            assert digits in text or digits[::-1] in text, amount
    else:
        assert data["amounts"]["total"] in text
        assert data["amounts"]["interest"] in text
        assert data["invoices"][1]["balance"] in text
    if language in ("en", "vi"):
        assert data["deadline"]["date"] in text
        assert SUBJECTS[language] in text
    picture = read_png(first_page_png(pdf, f"letter-{language}"))
    assert picture.ink > 0.01


def test_the_letter_labels_its_parts_in_its_language(invoice_for):
    text = pdf_text(letter_pdf(_notice(invoice_for("vi"), "vi")))

    for label in (
        "V/v: Thông báo",
        "Số ngày quá hạn",
        "Nợ gốc",
        "Tiền lãi",
        "Tổng số tiền yêu cầu thanh toán",
        "Căn cứ pháp lý",
        "Hạn thanh toán cuối cùng",
        "Hồ Chí Minh, ngày 22 tháng 12, 2026",
    ):
        assert label in text, label


def test_the_parts_a_letter_leaves_out_are_not_printed(invoice_for):
    data = _notice(invoice_for("en"), "en")
    for key in ("invoices", "invoices_total", "amounts", "deadline", "payment", "enclosures"):
        del data[key]

    text = pdf_text(letter_pdf(data))

    assert "Formal notice" in text and "Second paragraph." in text
    for absent in ("Days overdue", "Principal", "Final date", "Enclosures", "Scan with"):
        assert absent not in text


def test_a_label_can_be_replaced_by_the_caller(invoice_for):
    data = _notice(invoice_for("en"), "en") | {"labels": {"deadline": "Pay no later than"}}

    text = pdf_text(letter_pdf(data))

    assert "Pay no later than: January 5, 2027" in text
    assert "Final date for payment" not in text


def test_a_persian_letter_isolates_latin_runs_and_writes_the_date_line_with_a_persian_comma(
    invoice_for,
):
    invoice = invoice_for("fa")

    letter = letter_data(_notice(invoice, "fa"))

    assert letter["dateline"] == f"{LRI}Hồ Chí Minh{PDI}، ۱ دی ۱۴۰۵"
    assert letter["reference"] == f"{LRI}{invoice.number}{PDI}"
    assert letter["labels"]["subject"] == "موضوع"
    assert letter_data(letter) == letter


def test_a_long_letter_runs_onto_a_second_page_with_its_number(invoice_for):
    data = _notice(invoice_for("en"), "en")
    data["paragraphs"] = ["A paragraph that goes on and on. " * 20] * 8

    pdf = letter_pdf(data)

    assert page_count(pdf) >= 2
    assert "Page 2 of" in pdf_text(pdf)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"subject": ""}, "'subject' must be a non-empty string"),
        ({"date": None}, "'date' must be a non-empty string"),
        ({"recipient": "Acme"}, "'recipient' must be a mapping with a 'name'"),
        ({"paragraphs": "Pay."}, "'paragraphs' must be a list of strings"),
        ({"invoices": [{"number": "1"}]}, "'invoices' must be a list of mappings with"),
        ({"amounts": {"total": "1"}}, "'amounts' must be a mapping with"),
        ({"deadline": "soon"}, "'deadline' must be a mapping with a 'date'"),
    ],
)
def test_a_letter_missing_a_part_is_refused_with_what_is_wrong(invoice_for, change, problem):
    data = _notice(invoice_for("en"), "en") | change

    with pytest.raises(DocumentError) as refused:
        letter_pdf(data)

    assert refused.value.message == "the letter cannot be made"
    assert any(line.startswith(problem) for line in refused.value.details), refused.value.details


def test_a_letter_in_an_unknown_language_is_refused(invoice_for):
    from owed.core.localize import LanguageError

    with pytest.raises(LanguageError, match="unknown language 'de'"):
        letter_pdf(_notice(invoice_for("en"), "en") | {"language": "de"})


def test_every_case_language_has_a_subject():
    assert set(SUBJECTS) == set(CASES)
