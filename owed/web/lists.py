"""Lists in a sentence, joined the way the page's language joins them: "email and letter",
"ایمیل و نامه", "อีเมลและจดหมาย" (Babel's CLDR patterns), and the plain separator between
items of a run-on list (", " in English and Vietnamese, "، " in Persian, ", " in Thai, as
Thai writers separate names that have spaces of their own)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from babel.lists import format_list
from django.utils import translation

from owed.core import localize

SEPARATORS: Final = {"en": ", ", "vi": ", ", "fa": "، ", "th": ", "}
SEMICOLONS: Final = {"en": "; ", "vi": "; ", "fa": "؛ ", "th": "; "}


def _language(language: str | None) -> str:
    try:
        return localize.check_language(language or translation.get_language() or "en")
    except localize.LanguageError:
        return "en"


def join_words(items: Iterable, language: str | None = None) -> str:
    """`items` as one phrase with "and" before the last: "A, B, and C"."""
    words = [str(item) for item in items]
    if not words:
        return ""
    return format_list(words, style="standard", locale=_language(language))


def separator(language: str | None = None) -> str:
    return SEPARATORS[_language(language)]


def join_plain(items: Iterable, language: str | None = None) -> str:
    """`items` separated by the language's comma, no "and": "A، B، C"."""
    return separator(language).join(str(item) for item in items)


def join_clauses(items: Iterable, language: str | None = None) -> str:
    """`items` separated by the language's semicolon: "A؛ B"."""
    return SEMICOLONS[_language(language)].join(str(item) for item in items)
