"""End to end in headless Chromium against Django's live server and a real SMTP server
(owed's sink): open a planned reminder's preview on Today, word it differently, send it
now, and find exactly one e-mail with the new subject at the server; then the preview of
a Persian message on a 390-pixel phone, right to left.

Screenshots go to tests/artefacts/web/. See tests/browser.py for the browser."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from owed.documents.compose import compose
from owed.dunning.models import Action
from owed.ledger.models import Client, Contact
from owed.mail.models import Message
from tests.browser import chromium
from tests.mail.conftest import mail_server, sink  # noqa: F401  (fixtures)
from tests.web.test_browser import ARTEFACTS, Tab
from tests.web.test_today_messages import reachable  # noqa: F401  (fixture)

NEW_SUBJECT = "Hóa đơn {invoice_numbers}: xin thanh toán trước thứ Sáu"


@pytest.fixture(scope="module")
def browser():
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as opened:
        yield opened


@pytest.fixture
def tab(browser, live_server):
    opened = Tab(browser, live_server.url)
    yield opened
    opened.close()


def test_a_reminder_previewed_edited_and_sent_now_reaches_the_server_once(
    tab,
    books,
    owner,
    reachable,  # noqa: F811
    mail_server,  # noqa: F811
    sink,  # noqa: F811
):
    pk = books.reminder.pk
    written = compose(books.reminder, files=False, require_recipient=False).subject
    page = tab.log_in()
    page.evaluate("window.stillTheSamePage = true")

    # The preview is loaded when it is opened, in the client's language.
    row = page.locator(f"#action-{pk}")
    row.locator("summary", has_text="Preview").click()
    preview = row.locator(f"#preview-{pk}")
    expect(preview.locator(".preview-subject")).to_have_text(written)
    expect(preview.locator(".preview-message")).to_have_attribute("lang", "vi")
    expect(preview).to_contain_text("an@hoasen.example")
    tab.shot("today-preview", full_page=False)

    # Word it differently: the page comes back with the preview open and filled in.
    preview.locator("summary", has_text="Edit the message").click()
    form = preview.locator(f"form[action='/actions/{pk}/edit/']")
    form.get_by_label("Subject").fill(NEW_SUBJECT)
    form.get_by_role("button", name="Save the message").click()
    expect(page.locator(".messages")).to_contain_text("Saved your wording of the message")
    edited = "Hóa đơn INV/002: xin thanh toán trước thứ Sáu"
    preview = page.locator(f"#preview-{pk}")
    expect(preview.locator(".preview-subject")).to_have_text(edited)
    expect(page.locator(f"#action-{pk}")).to_contain_text("your wording")
    tab.shot("today-preview-edited", full_page=False)

    # Send it now.
    preview.get_by_role("button", name="Send now").click()
    expect(page.locator(".messages")).to_contain_text(f"Sent to Công ty TNHH Hoa Sen: {edited}")
    expect(page.locator(f"#action-{pk}")).to_have_count(0)
    assert page.evaluate("window.stillTheSamePage") is True  # htmx swapped the content

    [received] = sink.wait_for(1)
    time.sleep(0.5)  # a second message, were there one, would have arrived by now
    assert len(sink.messages()) == 1
    assert received["Subject"] == edited
    assert "an@hoasen.example" in received["To"]
    assert Action.objects.get(pk=pk).status == "sent"
    assert Message.objects.get(action_id=pk).status == "sent"
    assert tab.problems == []


def test_a_persian_preview_on_a_390_pixel_phone_is_right_to_left(
    browser, live_server, books, owner
):
    client = Client.objects.create(
        organization=books.org,
        code="SHIRAZ",
        name="شرکت نگین شیراز",
        country="IR",
        currency=books.org.currency,
        language="fa",
    )
    Contact.objects.create(
        organization=books.org, client=client, name="رضا", email="reza@negin.example"
    )
    books.recent.client = client
    books.recent.save(update_fields=["client"])
    Action.objects.filter(pk=books.reminder.pk).update(client=client)
    tab = Tab(browser, live_server.url, width=390, height=844)
    try:
        page = tab.log_in()
        row = page.locator(f"#action-{books.reminder.pk}")
        summary = row.locator("summary", has_text="Preview")
        summary.focus()
        page.keyboard.press("Enter")  # a disclosure opens from the keyboard
        message = row.locator(".preview-message").first
        expect(message).to_have_attribute("dir", "rtl")
        expect(message).to_have_attribute("lang", "fa")
        body = row.locator(f"#id_edit-{books.reminder.pk}-body")
        expect(body).to_have_attribute("dir", "rtl")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        row.scroll_into_view_if_needed()
        tab.shot("today-390-preview-fa", full_page=False)
        assert tab.problems == []
    finally:
        tab.close()
