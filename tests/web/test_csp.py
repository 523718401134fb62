"""The Content-Security-Policy header is sent, and no page needs it loosened: no inline
script, no inline style, no event-handler attribute, every script and style a static file."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from owed.dunning.services import dispute_open

pytestmark = pytest.mark.django_db

PAGES = ("/", "/receivables/", "/clients/HOASEN/", "/invoices/INV-001/", "/invoices/INV/002/")


class Inline(HTMLParser):
    """Collects what a strict policy would block."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self._in_script = True
            if not attrs.get("src"):
                self.problems.append("inline <script>")
            else:
                self.scripts.append(attrs["src"])
        if tag == "style":
            self.problems.append("<style> element")
        if "style" in attrs:
            self.problems.append(f"style attribute on <{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")
            if name in ("href", "src", "action") and (value or "").lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL on <{tag}>")
            if name.startswith("hx-on"):
                self.problems.append(f"{name} (evaluated by htmx) on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append("script content")


def check(page: str) -> Inline:
    parser = Inline()
    parser.feed(page)
    return parser


def test_every_page_sends_a_strict_policy(web, books):
    for url in (*PAGES, "/login/"):
        policy = web.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_no_page_has_inline_script_or_style(web, client, books):
    dispute_open(organization=books.org, invoice=books.recent, reason="x", on=books.today)
    pages = [web.get(url).content.decode() for url in PAGES]
    pages.append(client.get("/login/").content.decode())
    # Pages re-shown with errors too.
    pages.append(web.post("/invoices/INV-001/", {"form": "promise"}).content.decode())
    for page in pages:
        found = check(page)
        assert found.problems == []
        assert any("htmx" in src for src in found.scripts)
        assert all(src.startswith("/static/") for src in found.scripts)


def test_the_checker_finds_inline_code():
    found = check('<script>alert(1)</script><p style="color:red" onclick="x()">a</p>')
    assert found.problems == [
        "inline <script>",
        "script content",
        "style attribute on <p>",
        "onclick handler on <p>",
    ]


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(web, books):
    page = web.get("/").content.decode()
    assert '"includeIndicatorStyles": false' in page
    assert '"allowEval": false' in page


def test_the_static_files_are_served(web, books):
    from django.contrib.staticfiles import finders

    assert finders.find("web/web.css")
    assert finders.find("django_htmx/htmx-2.min.js")
