"""Web addresses in a collection e-mail: a link in the HTML part, and in the plain part
never glued to an invisible bidi isolate mark a mail program would take into the link."""

from __future__ import annotations

import re

import pytest

from owed.core.localize import LRI, PDI
from owed.documents.compose import compose
from owed.documents.email_html import email_html, plain_links
from tests.documents.conftest import TODAY

pytestmark = pytest.mark.django_db

ISOLATES = "\u2066\u2067\u2068\u2069"
URL = re.compile(r"https?://\S+")


@pytest.mark.parametrize("language", ["en", "vi", "fa", "th"])
def test_the_portal_link_is_a_link_in_html_and_stands_alone_in_plain_text(
    language, invoice_for, reachable, action_for
):
    invoice = invoice_for(language)
    reachable(invoice)

    composed = compose(action_for(invoice, "reminder"), today=TODAY)

    found = URL.findall(composed.text)
    assert found, composed.text
    for url in found:
        assert not set(url) & set(ISOLATES), repr(url)
        assert f'<a href="{url}" dir="ltr"' in composed.html
        assert f">{url}</a>" in composed.html
    if language == "fa":
        # Still isolated, with a space before the closing mark.
        assert f"{LRI}{found[0]} {PDI}" in composed.text


def test_a_url_glued_to_an_isolate_mark_gets_a_space_and_other_text_is_unchanged():
    assert plain_links(f"ببینید {LRI}https://a.example/p/x/{PDI} را") == (
        f"ببینید {LRI}https://a.example/p/x/ {PDI} را"
    )
    assert plain_links("See https://a.example/p. Thanks") == "See https://a.example/p. Thanks"
    assert plain_links(f"{LRI}Co., Ltd.{PDI}") == f"{LRI}Co., Ltd.{PDI}"


def test_an_address_in_the_text_becomes_a_link_without_its_sentence_s_punctuation():
    html = email_html(
        subject="s",
        body="Pay at {portal_link}. Or https://b.example/q?x=1&y=<2>",
        values={"portal_link": "https://a.example/p/t0k"},
        language="en",
        invoices=[],
        headers=[],
        payment=None,
    )
    assert '<a href="https://a.example/p/t0k" dir="ltr"' in html
    assert ">https://a.example/p/t0k</a>." in html
    # Escaped, and the link stops before the escaped "<".
    assert '<a href="https://b.example/q?x=1&amp;y=" dir="ltr"' in html
    assert "<2>" not in html
