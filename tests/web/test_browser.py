"""End to end in a real headless Chromium (Playwright) against Django's live server: log
in, work Today from the keyboard, record a call with a promise and find it on the client's
timeline, read an invoice in Persian, and look at Today on a 390-pixel phone.

Screenshots go to tests/artefacts/web/. See tests/browser.py for why the async-safety
check is turned off here.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from owed.core.localize import format_date
from owed.dunning.models import Action, Promise
from tests.browser import choose_language, chromium
from tests.web.conftest import PASSWORD

ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts" / "web"


@pytest.fixture(scope="module")
def browser():
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as opened:
        yield opened


class Tab:
    """A browser page with the errors its console reported (CSP violations among them)."""

    def __init__(self, browser, base: str, width: int = 1280, height: int = 900) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page: Page = self.context.new_page()
        self.base = base
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda m: self.problems.append(m.text) if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))

    def open(self, path: str) -> Page:
        self.page.goto(self.base + path)
        return self.page

    def log_in(self) -> Page:
        page = self.open("/login/")
        page.get_by_label("Username").fill("mai")
        page.get_by_label("Password").fill(PASSWORD)
        page.locator("main").get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
        return page

    def shot(self, name: str, *, full_page: bool = True) -> Path:
        path = ARTEFACTS / f"{name}.png"
        # caret="initial": Playwright would otherwise hide carets by setting (and leaving
        # empty) style attributes on inputs, which htmx copies when it swaps the page, and
        # the policy reports.
        self.page.screenshot(path=str(path), full_page=full_page, caret="initial")
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser, live_server):
    opened = Tab(browser, live_server.url)
    yield opened
    opened.close()


def test_a_call_with_a_promise_recorded_on_today_shows_on_the_client_timeline(tab, books, owner):
    page = tab.log_in()
    until = books.today + timedelta(days=7)
    row = page.locator(f"#action-{books.call.pk}")
    expect(page.locator(".client-row", has=row)).to_contain_text("Công ty TNHH Hoa Sen")
    row.get_by_text("Log the call").click()
    call = row.locator(f"form[action='/actions/{books.call.pk}/call/']")
    call.get_by_label("Yes, reached").check()
    call.get_by_label("Why has the client not paid?").select_option("cash_flow")
    call.get_by_label("Promised payment date").fill(until.isoformat())
    call.get_by_label("Note").fill("Pays after the holiday")
    page.evaluate("window.stillTheSamePage = true")
    call.get_by_role("button", name="Save the call").click()

    expect(page.locator(".messages")).to_contain_text("Call logged: Công ty TNHH Hoa Sen.")
    expect(page.locator(f"#action-{books.call.pk}")).to_have_count(0)
    # htmx swapped the page's content: no full reload.
    assert page.evaluate("window.stillTheSamePage") is True
    assert Action.objects.get(pk=books.call.pk).status == "done"
    assert Promise.objects.get(client=books.client).until == until

    page.get_by_role("link", name="Công ty TNHH Hoa Sen").first.click()
    timeline = page.locator("ol.timeline")
    promise = timeline.locator("li.ev-promise")
    expect(promise).to_contain_text("Promise to pay")
    expect(promise).to_contain_text(format_date(until, "en"))
    expect(timeline.locator("li.ev-interaction").first).to_contain_text("Pays after the holiday")
    tab.shot("client-timeline")
    assert tab.problems == []


def test_an_invoice_in_persian_is_right_to_left_with_a_solar_hijri_due_date(tab, books, owner):
    page = tab.log_in()
    choose_language(page, "fa")
    page = tab.open(f"/invoices/{books.overdue.number}/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fa")
    expect(html).to_have_attribute("dir", "rtl")
    due = format_date(books.overdue.due_date, "fa")
    assert re.fullmatch(r"[۰-۹]{1,2} \S+ ۱[۴۵][۰-۹]{2}", due)  # a Solar Hijri year, 14xx
    expect(page.locator(".due-date")).to_have_text(due)
    # Right to left: the page's first card is on the right.
    cards = page.locator(".cards > .card")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first["x"] > second["x"]
    tab.shot("invoice-fa")
    assert tab.problems == []


def test_today_on_a_390_pixel_phone_fits_and_works_from_the_keyboard(
    browser, live_server, books, owner
):
    tab = Tab(browser, live_server.url, width=390, height=844)
    try:
        page = tab.log_in()
        # Nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        tab.shot("today-390")

        # The first Tab reaches the skip link, shown with a focus ring; Enter moves to the content.
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        expect(focused).to_have_class("skip-link")
        box = focused.bounding_box()
        assert box["y"] >= 0 and box["x"] >= 0
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        page.keyboard.press("Enter")
        expect(page.locator(":focus")).to_have_id("main")

        # Skip the reminder with the keyboard only: open the disclosure, type, submit.
        row = page.locator(f"#action-{books.reminder.pk}")
        row.locator("summary", has_text="Skip").focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        expect(page.locator(":focus")).to_have_attribute("name", f"skip-{books.reminder.pk}-reason")
        page.keyboard.type("Agreed by phone")
        page.keyboard.press("Enter")
        expect(page.locator(".messages")).to_contain_text("Skipped")
        expect(page.locator(f"#action-{books.reminder.pk}")).to_have_count(0)
        # The message that says it is done takes the focus (and is announced).
        expect(page.locator(":focus")).to_have_class("messages")
        assert Action.objects.get(pk=books.reminder.pk).reason == "Agreed by phone"
        tab.shot("today-390-after-skip", full_page=False)

        # The call form, and the other pages, on the phone.
        call = page.locator(f"#action-{books.call.pk}")
        call.get_by_text("Log the call").click()
        call.scroll_into_view_if_needed()
        tab.shot("today-390-call-form", full_page=False)
        for path, name in (
            ("/receivables/", "receivables-390"),
            ("/clients/HOASEN/", "client-390"),
            (f"/invoices/{books.overdue.number}/", "invoice-390"),
        ):
            tab.open(path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
            tab.shot(name)
        assert tab.problems == []
    finally:
        tab.close()


def test_a_form_with_errors_comes_back_open_with_the_error_announced(tab, books, owner):
    page = tab.log_in()
    page = tab.open(f"/invoices/{books.overdue.number}/")
    page.get_by_text("Record a payment").click()
    form = page.locator("#form-payment")
    form.get_by_label("Amount").fill("lots")
    form.get_by_role("button", name="Record the payment").click()
    expect(page.locator("#form-payment")).to_have_attribute("open", "")
    alert = page.locator("#form-payment [role=alert]")
    expect(alert).to_be_visible()
    expect(page.locator("#form-payment")).to_contain_text("Write an amount")
    expect(page.locator("#id_payment-amount")).to_have_attribute("aria-invalid", "true")
    tab.shot("invoice-payment-error", full_page=False)
    # htmx reports the 422 answer as a failed request in the console; nothing else.
    assert [p for p in tab.problems if "422" not in p] == []
