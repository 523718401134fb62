"""End to end in headless Chromium: write the Persian text of a step and watch the live
preview follow the typing, filled in right to left for a real invoice; move a step of a
policy and save it; the Policies and Templates pages on a 390-pixel phone.

Screenshots go to tests/artefacts/web/. See tests/browser.py for the browser.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from owed.documents.models import StepTemplate
from owed.dunning.models import Policy
from owed.dunning.services import policy_current
from tests.browser import chromium
from tests.web.conftest import PASSWORD

ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts" / "web"


@pytest.fixture(scope="module")
def browser():
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as opened:
        yield opened


def _open(browser, live_server, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    page: Page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill("mai")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    return context, page, problems


def _shot(page: Page, name: str, full_page: bool = True) -> None:
    # caret="initial": see tests/web/test_browser.py.
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=full_page, caret="initial")


def test_the_live_preview_follows_a_persian_text_as_it_is_typed(browser, live_server, books, owner):
    context, page, problems = _open(browser, live_server, 1280, 1000)
    try:
        page.get_by_role("link", name="Templates").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Templates")
        page.locator('a[href="/templates/reminder/fa/"]').click()
        preview = page.locator("#preview")
        subject = preview.locator(".preview-subject")
        expect(subject).to_have_attribute("dir", "rtl")
        expect(subject).to_contain_text("INV-001")
        expect(preview).to_contain_text("Filled in for invoice")

        page.evaluate("window.stillTheSamePage = true")
        page.get_by_label("Subject line").fill("آخرین یادآوری برای {invoice_numbers}")
        # The preview follows without a click: the draft filled in, right to left.
        expect(subject).to_have_text("آخرین یادآوری برای \u2066INV-001\u2069")
        body = page.get_by_label("E-mail text")
        body.fill("{contact_name} گرامی،\n\nمانده‌ی حساب: {total_balance}\n\n{signature}")
        text = preview.locator(".preview-body").first
        expect(text).to_contain_text("مانده‌ی حساب: ")
        expect(text).to_contain_text("۱۵٬۰۰۰٬۰۰۰")  # the balance in Persian digits
        expect(text).to_have_attribute("dir", "rtl")
        box = text.bounding_box()
        # Right to left: the first line ends at the right edge of the preview.
        assert (
            page.evaluate("el => getComputedStyle(el).direction", text.element_handle()) == "rtl"
            and box["width"] > 0
        )
        _shot(page, "template-fa-live-preview")

        # A misspelt placeholder is named at once, before anything is saved.
        body.fill("{contact_nam} گرامی،")
        expect(preview).to_contain_text("Unknown placeholder {contact_nam}.")
        expect(preview).to_contain_text("{client_name}")
        assert not StepTemplate.objects.exists()
        _shot(page, "template-fa-unknown-placeholder", full_page=False)

        body.fill("{contact_name} گرامی،\n\nمانده‌ی حساب: {total_balance}")
        expect(preview.locator(".preview-problems")).to_have_count(0)
        page.get_by_role("button", name="Save the text").click()
        expect(page.locator(".messages")).to_contain_text("is saved")
        assert page.evaluate("window.stillTheSamePage") is True  # htmx swapped in place
        saved = StepTemplate.objects.get(step="reminder", language="fa")
        assert saved.subject == "آخرین یادآوری برای {invoice_numbers}"
        expect(page.locator(".lede")).to_contain_text("Your own text is in use.")
        assert [p for p in problems if "422" not in p] == []
    finally:
        context.close()


def test_a_step_moved_up_stays_a_draft_until_the_policy_is_saved(
    browser, live_server, books, owner
):
    context, page, problems = _open(browser, live_server, 1280, 900)
    try:
        page.get_by_role("link", name="Policies").click()
        page.get_by_role("link", name="standard").click()
        page.get_by_text("Edit the steps, the name and the minimum balance").click()
        steps = page.locator(".step-form > fieldset > legend")
        expect(steps.nth(7)).to_have_text("8. Work stop")
        page.evaluate("window.stillTheSamePage = true")
        move = page.get_by_role("button", name=re.compile("^Move up.*Work stop$"))
        move.click()
        expect(page.locator(".notice")).to_contain_text("Step moved. Nothing is saved yet")
        expect(page.locator('input[name="steps-6-code"]')).to_have_value("work_stop")
        # The focus stays on the step that moved.
        expect(page.locator(":focus")).to_have_attribute("value", "6:up")
        assert not Policy.objects.exists()
        # Enter in a field saves (the first button of the form), it does not move a step.
        page.locator('input[name="steps-0-offset_days"]').fill("-5")
        page.locator('input[name="steps-0-offset_days"]').press("Enter")
        expect(page.locator(".messages")).to_contain_text("Policy saved")
        expect(page.locator(".messages")).to_contain_text(
            "Reminder before the due date moves from day -3 to day -5."
        )
        expect(page.locator(".messages")).to_contain_text(
            "Work stop now comes after Formal notice."
        )
        assert page.evaluate("window.stillTheSamePage") is True
        codes = [s.code for s in policy_current(organization=books.org).steps]
        assert codes.index("work_stop") == 6 and codes.index("credit_hold") == 7
        page.screenshot(path=str(ARTEFACTS / "policy-saved.png"), full_page=False)
        assert problems == []
    finally:
        context.close()


def test_policies_and_templates_fit_a_390_pixel_phone(browser, live_server, books, owner):
    context, page, problems = _open(browser, live_server, 390, 844)
    try:
        for path, name in (
            ("/policies/", "policies-390"),
            ("/policies/standard/", "policy-390"),
            ("/templates/", "templates-390"),
            ("/templates/formal_notice/fa/", "template-fa-390"),
        ):
            page.goto(live_server.url + path)
            if path == "/policies/standard/":
                page.get_by_text("Edit the steps, the name and the minimum balance").click()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
            _shot(page, name)
        assert problems == []
    finally:
        context.close()
