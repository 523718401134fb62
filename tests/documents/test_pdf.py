"""render_pdf: templates by name, data as JSON only, fonts from the font packages, the
same bytes for the same data, and user text that never becomes markup."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from owed.core.localize import LanguageError
from owed.documents.pdf import DocumentError, font_paths, render_pdf
from owed.documents.services import invoice_pdf, letter_pdf
from tests.documents.pdfs import pdf_text


def _letter(**changes) -> dict:
    return {
        "language": "en",
        "sender": {"name": "Lotus Studio"},
        "recipient": {"name": "Acme Corporation"},
        "date": "December 22, 2026",
        "subject": "Overdue invoice",
        "paragraphs": ["Please pay."],
    } | changes


def _fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def test_an_unknown_template_is_refused_with_the_ones_there_are():
    with pytest.raises(
        DocumentError, match=r"no document template 'receipt'; there are: .*invoice, letter"
    ):
        render_pdf("receipt", _letter())


@pytest.mark.parametrize("name", ["../pdf", "base/../letter", "/etc/passwd", "Letter"])
def test_a_template_name_cannot_leave_the_template_folder(name):
    with pytest.raises(DocumentError, match="no document template"):
        render_pdf(name, _letter())


@pytest.mark.parametrize("value", [Decimal("1.50"), date(2026, 1, 1), float("nan")])
def test_data_that_is_not_plain_json_is_refused(value):
    with pytest.raises(TypeError, match="only JSON values"):
        render_pdf("letter", _letter(paragraphs=[value]))


def test_data_without_a_known_language_is_refused():
    with pytest.raises(LanguageError):
        render_pdf("letter", _letter(language="xx"))


def test_the_same_letter_gives_the_same_bytes():
    assert letter_pdf(_letter()) == letter_pdf(_letter())


def test_fonts_come_from_the_font_packages_only():
    folders = [Path(folder) for folder in font_paths()]

    assert [folder.parent.name for folder in folders] == [
        "fontpkg_noto_sans",
        "fontpkg_noto_sans_arabic",
        "fontpkg_noto_sans_thai",
    ]
    assert all(any(folder.glob("*.ttf")) for folder in folders)


@pytest.mark.parametrize(
    ("language", "font"),
    [("en", "NotoSans"), ("fa", "NotoSansArabic"), ("th", "NotoSansThai")],
)
def test_each_script_is_set_in_its_noto_font(language, font):
    paragraphs = {"en": ["Hello"], "fa": ["سلام"], "th": ["สวัสดีครับ"]}[language]

    used = _fonts(letter_pdf(_letter(language=language, paragraphs=paragraphs)))

    assert all(name.startswith("NotoSans") for name in used), used
    assert any(name.split("-")[0] == font for name in used), used


def test_text_that_looks_like_markup_is_printed_as_it_is():
    tricky = ['#panic("boom")', "= Not a heading", "*not bold* and $x^2$", '#read("/etc/passwd")']

    text = pdf_text(letter_pdf(_letter(paragraphs=tricky)))

    for paragraph in tricky:
        assert paragraph in text, paragraph


@pytest.mark.django_db
def test_a_client_name_that_looks_like_markup_is_printed_as_it_is(invoice_for):
    invoice = invoice_for("en")
    invoice.client.name = "#set page(width: 1cm) *Acme*"
    invoice.client.save()

    text = pdf_text(invoice_pdf(invoice))

    assert "#set page(width: 1cm) *Acme*" in text
