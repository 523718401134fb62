"""Helpers for the settings pages' tests."""

from __future__ import annotations


def main_of(page: str) -> str:
    """The page's own content, without the header's forms (language, log out)."""
    return page.split('<main id="main"', 1)[1]


def forms_in(page: str) -> int:
    return main_of(page).count("<form")
