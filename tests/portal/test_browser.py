"""End to end in headless Chromium: a Persian client opens its portal link, promises a
date, and a member of the business finds the promise on the client's timeline.

Screenshots go to tests/artefacts/portal/. See tests/browser.py for why the
async-safety check is turned off here.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from owed.core.localize import format_date
from owed.dunning.models import Promise
from tests.browser import chromium
from tests.web.conftest import PASSWORD

from .conftest import path_for

ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts" / "portal"


@pytest.fixture(scope="module")
def browser():
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as opened:
        yield opened


def test_a_persian_client_promises_a_date_and_the_business_sees_it(
    browser, live_server, persian, member
):
    customer, invoice = persian
    until = invoice.organization.today() + timedelta(days=14)
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="en-US")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(live_server.url + path_for(customer))
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fa")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.locator("table.data")).to_contain_text(format_date(invoice.due_date, "fa"))
    expect(page.locator("table.data")).to_contain_text("۲٬۵۰۰٬۰۰۰")
    form = page.locator("#form-promise")
    form.locator("select[name='promise-invoice']").select_option(str(invoice.pk))
    form.locator("input[name='promise-until']").fill(until.isoformat())
    form.get_by_role("button").click()
    expect(page.locator(".messages")).to_contain_text(format_date(until, "fa"))
    expect(page.locator("table.data")).to_contain_text(format_date(until, "fa"))
    page.screenshot(path=str(ARTEFACTS / "portal-fa-promise.png"), full_page=True)
    assert Promise.objects.get(client=customer).until == until
    assert problems == []

    # The business: a member logs in and opens the client's page.
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    page.goto(live_server.url + f"/clients/{customer.code}/")
    promise = page.locator("ol.timeline li.ev-promise")
    expect(promise).to_contain_text("Promise to pay")
    expect(promise).to_contain_text(format_date(until, "en"))
    page.screenshot(path=str(ARTEFACTS / "client-timeline.png"), full_page=True)
    context.close()


def _long_invoices(customer, count: int = 3) -> None:
    from decimal import Decimal

    from owed.ledger.services import LineInput, invoice_create

    today = customer.organization.today()
    for n in range(count):
        invoice_create(
            organization=customer.organization,
            client=customer,
            number=f"INV-2026-11-{n:04}-LONG",
            issue_date=today - timedelta(days=50),
            due_date=today - timedelta(days=20 + n),
            currency="VND",
            lines=[LineInput("Design", Decimal(3), Decimal(12_345_000))],
        )


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_portal_fits_a_390_pixel_phone(browser, live_server, persian, account, language):
    customer, _ = persian
    customer.language = language
    customer.save()
    _long_invoices(customer)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    page.goto(live_server.url + path_for(customer))
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "fa" else "ltr")

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    links = page.locator("table.portal-invoices a.pdf-link")
    assert links.count() == 4
    for n in range(links.count()):
        link = links.nth(n)
        link.scroll_into_view_if_needed()
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    # An invoice number is one line: it never breaks in the middle.
    numbers = page.locator("table.portal-invoices th.invoice-number bdi")
    for n in range(numbers.count()):
        assert numbers.nth(n).evaluate("e => e.getClientRects().length") == 1
    # The bank details once; each invoice's reference and QR code one tap away.
    assert page.locator("section.card.payment").count() == 1
    assert page.get_by_text("0011004012345").count() == 1
    first = page.locator("details.pay-invoice").first
    first.locator("summary").click()
    expect(first.locator(".qr svg")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTEFACTS / f"portal-{language}-390.png"), full_page=True)
    context.close()
