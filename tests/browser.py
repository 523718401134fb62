"""Headless Chromium for the end-to-end tests (Debian's chromium driven by Playwright).

Playwright's sync API keeps an event loop in this thread, which Django's async-safety
check would take for async code: the check is turned off while the browser is open
(DJANGO_ALLOW_ASYNC_UNSAFE), where nothing else runs concurrently.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--headless", "--no-sandbox", "--disable-background-networking"],
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def choose_language(page: Page, language: str) -> None:
    """Switch the signed-in user to `language` with the header's menu, and wait until the
    page is in it (Persian: right to left)."""
    page.get_by_label("Language").select_option(language)
    page.locator(".language").get_by_role("button").click()
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "fa" else "ltr")
