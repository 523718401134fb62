"""The settings pages end to end in a real headless Chromium: an owner working in Persian
adds a Vietnamese bank account (typing its number with Persian digits), sees only the
fields its kind needs, and sees its QR code drawn; the pages fit a 390-pixel phone.

Screenshots go to tests/artefacts/web/. See tests/browser.py for the browser.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from owed.ledger.models import PaymentAccount
from owed.ledger.services import payment_account_add
from tests.browser import choose_language, chromium
from tests.web.test_browser import ARTEFACTS, Tab


@pytest.fixture(scope="module")
def browser():
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as opened:
        yield opened


def test_an_owner_adds_a_payment_account_in_persian_and_sees_its_qr_code(
    browser, live_server, org, owner
):
    tab = Tab(browser, live_server.url)
    try:
        page = tab.log_in()
        choose_language(page, "fa")

        page.locator(".nav a[href='/settings/']").click()
        page.locator(".settings-menu a[href='/settings/payment/']").click()
        page.locator("main a[href='/settings/payment/add/']").click()
        form = page.locator("form.kind-form")
        form.locator("[name=kind]").select_option("vn_bank")
        # Only the numbers a Vietnamese account has are shown.
        expect(form.locator("[name=bank_bin]")).to_be_visible()
        expect(form.locator("[name=iban]")).to_be_hidden()
        expect(form.locator("[name=promptpay_id]")).to_be_hidden()
        form.locator("[name=label]").fill("ویتکام‌بانک")
        form.locator("[name=holder]").fill("CONG TY LOTUS")
        form.locator("[name=bank_bin]").fill("۹۷۰۴۳۶")
        form.locator("[name=account_number]").fill("۰۰۷۱۰۰۰۱۲۳۴۵۶")
        form.locator("[name=currency]").fill("VND")
        form.locator("button[type=submit]").click()

        figure = page.locator("figure.qr")
        expect(figure).to_be_visible()
        image = figure.locator("img")
        expect(image).to_have_attribute("src", re.compile(r"/qr\.svg\?v="))
        # The image loaded and was drawn (polled here: the page's policy forbids the
        # evaluated predicates of wait_for_function).
        for _ in range(50):
            if image.evaluate("img => img.complete && img.naturalWidth > 100"):
                break
            page.wait_for_timeout(100)
        assert image.evaluate("img => img.complete && img.naturalWidth > 100")
        # The sample amount in Persian digits.
        expect(figure.locator("figcaption")).to_contain_text("۱٬۵۰۰٬۰۰۰")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        account = PaymentAccount.objects.get(organization=org)
        assert (account.bank_bin, account.account_number) == ("970436", "0071000123456")
        tab.shot("settings-payment-fa")
        assert tab.problems == []
    finally:
        tab.close()


def test_a_wrong_iban_comes_back_with_the_error_on_its_field(browser, live_server, org, owner):
    tab = Tab(browser, live_server.url)
    try:
        tab.log_in()
        page = tab.open("/settings/payment/add/")
        form = page.locator("form.kind-form")
        form.locator("[name=kind]").select_option("iban")
        expect(form.locator("[name=bank_bin]")).to_be_hidden()
        form.locator("[name=holder]").fill("Lotus GmbH")
        form.locator("[name=iban]").fill("DE89 3704 0044 0532 0130 01")
        form.locator("button[type=submit]").click()
        expect(page.locator("#id_iban")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#id_iban_error")).to_contain_text("check digits")
        expect(page.locator("[role=alert]")).to_be_visible()
        assert not PaymentAccount.objects.exists()
        tab.shot("settings-payment-error", full_page=False)
        # htmx reports the 422 answer as a failed request in the console; nothing else.
        assert [p for p in tab.problems if "422" not in p] == []
    finally:
        tab.close()


def test_the_settings_pages_fit_a_390_pixel_phone(browser, live_server, org, owner, member):
    payment_account_add(
        organization=org, kind="promptpay", holder="Lotus Co", promptpay_id="0812345678"
    )
    tab = Tab(browser, live_server.url, width=390, height=844)
    try:
        page = tab.log_in()
        for path, name in (
            ("/settings/", "settings-organization-390"),
            ("/settings/payment/", "settings-payments-390"),
            ("/settings/mail/", "settings-mail-390"),
            ("/settings/users/", "settings-users-390"),
        ):
            tab.open(path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
            tab.shot(name)
        assert tab.problems == []
    finally:
        tab.close()
