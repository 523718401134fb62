"""Template filters that write dates, amounts and numbers the way the page's language does,
through `owed.core.localize`: Solar Hijri dates and Persian digits in Persian, Buddhist-era
years in Thai, each currency with its own minor units."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone, translation

from owed.core import localize
from owed.core.money import MoneyError
from owed.web.labels import BUCKETS, RISK_REASONS, step_label

register = template.Library()


def page_language() -> str:
    try:
        return localize.check_language(translation.get_language() or "en")
    except localize.LanguageError:
        return "en"


@register.filter
def day(value: date | datetime | None, style: str = "long") -> str:
    """A date (or the local day of a moment) in the page's language and calendar."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    if value == date.max:
        return ""
    return localize.format_date(value, page_language(), "short" if style == "short" else "long")


@register.filter
def clock(value: datetime | None) -> str:
    """The local time of day of a moment, e.g. 09:00 (۰۹:۰۰ in Persian)."""
    if value is None:
        return ""
    text = timezone.localtime(value).strftime("%H:%M")
    return localize.to_persian_digits(text) if page_language() == "fa" else text


@register.filter
def money(value: Decimal | None, currency: str) -> str:
    """An amount of `currency` as the page's language writes it."""
    if value is None or value == "":
        return ""
    language = page_language()
    try:
        return localize.format_amount(Decimal(value), currency, language)
    except MoneyError:
        # More decimals than the currency has (a computed share, say): every digit shown.
        return f"{localize.format_number(Decimal(value), language)} {currency}"


@register.filter
def num(value: Decimal | int | None) -> str:
    """A number with the page's language's digits and separators."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        value = Decimal(str(value))
    return localize.format_number(value, page_language())


@register.filter
def percent(value: Decimal | int | None) -> str:
    if value is None or value == "":
        return ""
    return localize.format_percent(value, page_language())


@register.filter
def direction(language: str) -> str:
    try:
        return localize.direction(language)
    except localize.LanguageError:
        return "ltr"


@register.filter
def bidi(text: str) -> str:
    """Text with its left-to-right runs isolated on a Persian page."""
    return localize.bidi_safe(str(text or ""), page_language())


@register.filter
def step(code: str) -> str:
    return step_label(code)


@register.filter
def reason(text: str) -> str:
    """A reason owed wrote (an action's, a dispute's) in the page's language; a user's own
    as typed (`owed.dunning.summaries.action_reason_text`)."""
    from owed.dunning.summaries import action_reason_text

    return action_reason_text(str(text or ""))


@register.filter
def bucket(code: str) -> str:
    return str(BUCKETS.get(code, code))


@register.filter
def risk_reason(code) -> str:
    return str(RISK_REASONS.get(code, code))


@register.filter
def width(percent: int) -> str:
    """The CSS class of a bar `percent` wide (classes w-0 to w-100: no inline style)."""
    try:
        value = max(0, min(100, int(percent)))
    except (TypeError, ValueError):
        value = 0
    return f"w-{value}"


@register.filter
def get(mapping: dict, key):
    return mapping.get(key) if mapping else None
