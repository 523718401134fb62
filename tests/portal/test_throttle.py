"""An address that tries too many unknown tokens is refused (429) until the window has
passed; valid links, and known links that no longer work, are answered as usual."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from owed.portal import links
from owed.portal.views import UNKNOWN_TOKENS
from owed.web import throttle

from .conftest import path_for

LIMIT = UNKNOWN_TOKENS.limit


def _from(address: str, language: str = "") -> HttpClient:
    headers = {"Accept-Language": language} if language else {}
    return HttpClient(REMOTE_ADDR=address, headers=headers)


def _guess(http: HttpClient, n: int):
    return http.get(f"/p/guessed-token-{n}/")


def test_unknown_tokens_up_to_the_limit_are_404_then_429(books):
    http = _from("203.0.113.7")
    for n in range(LIMIT):
        assert _guess(http, n).status_code == 404

    refused = _guess(http, LIMIT)

    assert refused.status_code == 429
    assert "Too many attempts" in refused.text
    assert int(refused["Retry-After"]) > 0
    assert refused["Cache-Control"] == "private, no-store"
    assert "<script" not in refused.text and "style=" not in refused.text
    # A PDF address with a guessed token is refused the same way.
    assert http.get("/p/another-guess/invoices/1.pdf").status_code == 429


def test_a_valid_link_still_opens_from_a_blocked_address(books):
    http = _from("203.0.113.8")
    for n in range(LIMIT + 3):
        _guess(http, n)
    assert _guess(http, 99).status_code == 429

    assert http.get(path_for(books.client)).status_code == 200


def test_a_revoked_link_is_not_counted_and_keeps_its_page(books):
    http = _from("203.0.113.9")
    path = path_for(books.client)
    links.revoke(books.client)
    for _ in range(LIMIT + 2):
        response = http.get(path)
        assert response.status_code == 404
        assert "This link no longer works" in response.text
    assert _guess(http, 1).status_code == 404


def test_other_addresses_are_not_affected(books):
    blocked = _from("203.0.113.10")
    for n in range(LIMIT):
        _guess(blocked, n)
    assert _guess(blocked, LIMIT).status_code == 429

    assert _guess(_from("198.51.100.4"), 1).status_code == 404


def test_the_block_ends_when_the_window_has_passed(books, monkeypatch):
    http = _from("203.0.113.11")
    for n in range(LIMIT):
        _guess(http, n)
    assert _guess(http, LIMIT).status_code == 429

    real = throttle.time.time
    monkeypatch.setattr(throttle.time, "time", lambda: real() + UNKNOWN_TOKENS.window + 1)

    assert _guess(http, LIMIT + 1).status_code == 404


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("vi", 'lang="vi"'),
        ("fa", 'dir="rtl"'),
        ("th", 'lang="th"'),
    ],
)
def test_the_429_page_is_also_in_the_browsers_language(books, language, words):
    http = _from("203.0.113.12", language)
    for n in range(LIMIT):
        _guess(http, n)

    refused = _guess(http, LIMIT)

    assert refused.status_code == 429
    assert "Too many attempts" in refused.text
    assert words in refused.text


def test_an_english_browser_gets_the_page_once(books):
    http = _from("203.0.113.13", "en-GB")
    for n in range(LIMIT):
        _guess(http, n)

    assert _guess(http, LIMIT).text.count("Too many attempts") == 2  # title and heading
