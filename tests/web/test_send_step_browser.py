"""End to end in headless Chromium against Django's live server and a real SMTP server
(owed's sink): send an invoice copy from the invoice page with the keyboard on a
390-pixel phone and find exactly one e-mail at the server; then settle an interrupted
delivery on Today, in Persian, right to left.

Screenshots go to tests/artefacts/web/. See tests/browser.py for the browser."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from owed.core.facts import invoice_key
from owed.dunning.models import Action
from owed.mail.models import Message
from tests.browser import choose_language, chromium
from tests.mail.conftest import mail_server, sink  # noqa: F401  (fixtures)
from tests.web.test_browser import ARTEFACTS, Tab
from tests.web.test_today_messages import reachable  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def browser():
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as opened:
        yield opened


def test_an_invoice_copy_sent_from_a_phone_with_the_keyboard_arrives_once(
    browser,
    live_server,
    books,
    owner,
    reachable,  # noqa: F811
    mail_server,  # noqa: F811
    sink,  # noqa: F811
):
    tab = Tab(browser, live_server.url, width=390, height=844)
    try:
        tab.log_in()
        page = tab.open("/invoices/INV-001/")
        summary = page.locator("#form-send summary")
        summary.focus()
        page.keyboard.press("Enter")  # the disclosure opens from the keyboard
        page.get_by_label("Step").select_option("invoice_copy")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        tab.shot("invoice-390-send-step", full_page=False)
        page.locator("#form-send").get_by_role("button", name="Send now").press("Enter")

        expect(page.locator(".messages")).to_contain_text("Sent to Công ty TNHH Hoa Sen")
        [received] = sink.wait_for(1)
        time.sleep(0.5)  # a second message, were there one, would have arrived by now
        assert len(sink.messages()) == 1
        assert "INV-001" in received["Subject"]
        key = invoice_key(books.overdue.pk, "invoice_copy")
        assert Action.objects.get(key=key).status == "sent"
        expect(page.get_by_label("Step")).to_contain_text("Copy of the invoice (sent on")
        assert tab.problems == []
    finally:
        tab.close()


def test_an_interrupted_delivery_is_settled_on_a_persian_today(browser, live_server, books, owner):
    message = Message.objects.create(
        organization=books.org,
        client=books.client,
        to="an@hoasen.example",
        subject="Nhắc nhở: hóa đơn INV-001",
        text="Kính gửi,\n",
        message_id="<browser-uncertain@lotus.vn>",
        status="uncertain",
        attempts=1,
        claimed_at=timezone.now() - timedelta(hours=1),
        last_error="Attempt 1 started at ... and never finished",
    )
    tab = Tab(browser, live_server.url, width=390, height=844)
    try:
        page = tab.log_in()
        choose_language(page, "fa")
        row = page.locator(f"#message-{message.pk}")
        expect(row).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        row.scroll_into_view_if_needed()
        tab.shot("today-390-uncertain-fa", full_page=False)

        row.locator("form").first.get_by_role("button").click()  # It was sent

        expect(page.locator(f"#message-{message.pk}")).to_have_count(0)
        message.refresh_from_db()
        assert message.status == "sent"
        assert tab.problems == []
    finally:
        tab.close()
