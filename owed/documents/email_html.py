"""The HTML part of a collection e-mail: the same text as the plain part, in one simple,
inline-styled column (what mail programs render reliably), with the invoices as a
table and the payment details in a box.

Every value and every word of the text is escaped: a client called ``<script>`` is shown
as written, never run. Persian is set right to left (``dir="rtl"``) with its left-to-
right runs already isolated by the caller; the ``lang`` attribute names the language so
that mail programs pick fitting fonts and line breaking (Thai).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Final

from owed.core.localize import bidi_safe, direction
from owed.documents import texts

FONTS: Final = {
    "fa": "Tahoma, 'Noto Sans Arabic', 'Segoe UI', sans-serif",
    "th": "'Noto Sans Thai', Tahoma, 'Segoe UI', sans-serif",
}
DEFAULT_FONTS: Final = "-apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

# Values that become a block of their own (a table, a box) when alone on a line.
_BLOCKS: Final = ("invoice_list", "payment_instructions")
_MARK: Final = "\x00{}\x00"

_PARAGRAPH: Final = "margin:0 0 14px"
_LINK_STYLE: Final = "color:#0b5cad;text-decoration:underline"
# A web address in escaped text: up to a space, a tag, a quote or a bidi isolate; the
# sentence's own punctuation after it stays outside.
_URL: Final = re.compile(
    r"https?://(?:(?!&lt;|&gt;|&quot;|&#x27;)[^\s<>\"'\u2066-\u2069])+(?<![.,;:!?)\]])"
)
_CELL: Final = "padding:6px 8px;border-bottom:1px solid #e3e3e0"


def email_html(
    *,
    subject: str,
    body: str,
    values: Mapping[str, str],
    language: str,
    invoices: Sequence[Sequence[str]],
    headers: Sequence[str],
    payment: Mapping | None,
) -> str:
    """The HTML e-mail of `body` (a text with placeholders) filled in with `values`.

    `invoices` are the rows of the invoice table (number, due date, days overdue,
    balance) under `headers`; `payment` is `payment_data`'s block or None.
    """
    escaped = {name: _inline(value) for name, value in values.items()}
    for name in _BLOCKS:
        if values.get(name, "").strip():
            escaped[name] = _MARK.format(name)
    # The text's own words are escaped too (an organization writes its own texts); in
    # Persian their left-to-right runs are isolated first, as the values' already are.
    filled = texts.render(body, escaped, escape=lambda s: html.escape(bidi_safe(s, language)))
    blocks = {
        _MARK.format("invoice_list"): _table(headers, invoices, language),
        _MARK.format("payment_instructions"): _payment_box(payment),
    }
    out = []
    for paragraph in texts.paragraphs(filled):
        if paragraph.strip() in blocks:
            out.append(blocks[paragraph.strip()])
            continue
        for mark in blocks:  # a block mid-sentence: its plain lines
            paragraph = paragraph.replace(mark, _inline(values.get(_name(mark), "")))
        paragraph = _linked(paragraph)
        out.append(f'<p style="{_PARAGRAPH}">' + "<br>\n".join(paragraph.split("\n")) + "</p>")
    side = "right" if direction(language) == "rtl" else "left"
    fonts = FONTS.get(language, DEFAULT_FONTS)
    column = (
        "max-width:600px;margin:0 auto;padding:28px 24px;background-color:#ffffff;"
        f"color:#1f2328;font-family:{fonts};font-size:15px;line-height:1.6;text-align:{side}"
    )
    dir_ = direction(language)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{language}" dir="{dir_}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(subject)}</title>\n"
        "</head>\n"
        '<body style="margin:0;padding:16px 0;background-color:#f4f4f2">\n'
        f'<div lang="{language}" dir="{dir_}" style="{column}">\n'
        + "\n".join(out)
        + "\n</div>\n</body>\n</html>\n"
    )


_GLUED: Final = re.compile(r"(https?://[^\s\u2066-\u2069]+)(?=[\u2066-\u2069])")


def plain_links(text: str) -> str:
    """Plain text with a space between each web address and a bidi isolate mark right
    after it: a mail program that makes the address a link stops at the space, never
    taking the invisible mark into the link (a Persian text isolates its left-to-right
    runs, the portal link among them)."""
    return _GLUED.sub(r"\1 ", text)


def _linked(escaped: str) -> str:
    """Escaped text with each web address in it (the portal link, an address the text
    names) a link, written left to right."""
    return _URL.sub(
        lambda m: f'<a href="{m.group(0)}" dir="ltr" style="{_LINK_STYLE}">{m.group(0)}</a>',
        escaped,
    )


def _name(mark: str) -> str:
    return mark.strip("\x00")


def _inline(value: str) -> str:
    # No newline after <br>: the paragraph's own lines are split at newlines afterwards.
    return "<br>".join(html.escape(line) for line in (value or "").split("\n"))


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], language: str) -> str:
    start = "right" if direction(language) == "rtl" else "left"
    end = "left" if start == "right" else "right"
    # Number and due date read from the start; days and amounts line up at the end.
    aligns = (start, start, end, end)
    head = "".join(
        f'<th style="{_CELL};text-align:{align};font-weight:600;color:#57606a">'
        f"{html.escape(label)}</th>"
        for label, align in zip(headers, aligns, strict=False)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="{_CELL};text-align:{align};white-space:nowrap">{html.escape(cell)}</td>'
            for cell, align in zip(row, aligns, strict=False)
        )
        + "</tr>"
        for row in rows
    )
    return (
        '<table role="presentation" cellpadding="0" cellspacing="0" '
        'style="border-collapse:collapse;width:100%;margin:0 0 16px;font-size:14px">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _payment_box(payment: Mapping | None) -> str:
    if not payment:
        return ""
    rows = "".join(
        f"<br>\n{html.escape(label)}: <strong>{html.escape(value)}</strong>"
        for label, value in payment["lines"]
    )
    return (
        '<div style="border:1px solid #d0d7de;border-radius:4px;padding:12px 14px;'
        'margin:0 0 16px;background-color:#fafaf8">'
        f'<strong style="color:#0b5cad">{html.escape(payment["title"])}</strong>{rows}</div>'
    )
