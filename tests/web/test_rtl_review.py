"""Right-to-left details: typed text keeps its own direction, lists are joined the
language's way, names and recipients are isolated and labelled in the reader's language,
and the timeline keeps its padding on the start side."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from django.utils import translation

from owed.dunning.models import Interaction
from owed.web.templatetags.owed_web import listing, mail_note
from tests.portal.conftest import path_for
from tests.web.test_languages import in_language

pytestmark = pytest.mark.django_db

CSS = Path(__file__).parents[2] / "owed" / "web" / "static" / "web"
PORTAL_CSS = Path(__file__).parents[2] / "owed" / "portal" / "static" / "portal"


def test_text_fields_take_the_direction_of_what_is_typed(web, books):
    page = web.get("/settings/").content.decode()
    name = re.search(r'<input[^>]*name="name"[^>]*>', page).group(0)
    assert 'dir="auto"' in name
    address = re.search(r'<textarea[^>]*name="address"[^>]*>', page).group(0)
    assert 'dir="auto"' in address
    # An e-mail address and a phone number keep the page's own rules.
    email = re.search(r'<input[^>]*name="email"[^>]*>', page).group(0)
    assert 'dir="auto"' not in email


def test_a_note_field_and_the_mail_sender_name_take_the_typed_direction(web, books):
    page = web.get("/settings/mail/").content.decode()
    fields = re.findall(r'<input[^>]*type="text"[^>]*>', page)
    assert fields and all('dir="auto"' in f for f in fields if 'name="from_name"' in f)


def test_persian_lists_use_the_persian_comma_and_and(web, books):
    with translation.override("fa"):
        assert listing(["ایمیل", "نامه"]) == "ایمیل و نامه"
        assert listing(["A", "B", "C"], "plain") == "A، B، C"
        assert listing(["<b>"]) == "&lt;b&gt;"
    with translation.override("en"):
        assert listing(["Email", "Letter"]) == "Email and Letter"
    page = html.unescape(in_language(web, "fa").get("/policies/").content.decode())
    assert "، " in page
    steps = re.search(r'<p class="muted">[^<]*·([^<]*)</p>', page, re.S).group(1)
    assert ", " not in steps and "، " in steps


def test_the_client_header_names_country_and_language_in_the_reader_s_language(web, books):
    page = in_language(web, "fa").get(f"/clients/{books.client.code}/").content.decode()
    head = page[page.index('class="page-head"') :]
    head = head[: head.index("</div>")]
    assert "ویتنامی" in head  # the client writes Vietnamese
    assert "Vietnamese" not in head and "Tiếng Việt" not in head


def test_the_recipients_of_a_sent_message_are_labelled_in_the_reader_s_language(web, books):
    with translation.override("fa"):
        shown = mail_note('To: "An" <an@hoasen.example>\nCc: b@x.example')
    assert shown.startswith("گیرنده: \u2066")
    assert "\nرونوشت: \u2066b@x.example\u2069" in shown
    Interaction.objects.create(
        organization=books.org,
        client=books.client,
        channel=Interaction.Channel.EMAIL,
        direction=Interaction.Direction.OUT,
        happened_on=books.today,
        summary="Reminder",
        note="To: an@hoasen.example",
    )
    page = in_language(web, "fa").get(f"/clients/{books.client.code}/").content.decode()
    assert "To: an@hoasen.example" not in page
    assert "گیرنده: " in html.unescape(page)


def test_the_portal_footer_isolates_the_organization_s_name(client, books):
    books.org.name = "Saigon Kite Studio Co., Ltd."
    books.org.save()
    page = html.unescape(client.get(path_for(books.client)).content.decode())
    assert "\u2068Saigon Kite Studio Co., Ltd.\u2069" in page


def test_the_stylesheets_use_no_left_or_right_padding_or_margin():
    for css in (CSS / "web.css", PORTAL_CSS / "portal.css"):
        text = css.read_text()
        assert not re.search(r"(padding|margin|border)-(left|right)\b", text), css
        assert not re.search(
            r"\b(padding|margin):\s*[^;\s]+\s+[^;\s]+\s+[^;\s]+\s+[^;\s]+\s*;", text
        ), css
        assert not re.search(r"(?<![-\w])(left|right)\s*:", text), css
