"""Template filters that write dates, amounts and numbers the way the page's language does,
through `owed.core.localize`: Solar Hijri dates and Persian digits in Persian, Buddhist-era
years in Thai, each currency with its own minor units."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from django import forms, template
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext

from owed.core import localize
from owed.core.money import MoneyError
from owed.web import lists, zones
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
def zone_day(value: datetime | None, zone: str) -> str:
    """The day of a moment where the time zone `zone` is (a client's: an action's
    `timezone`), short, in the page's language and calendar."""
    if value is None or value == "":
        return ""
    return localize.format_date(zones.zone_day(value, zone), page_language(), "short")


@register.filter
def zone_clock(value: datetime | None, zone: str) -> str:
    """The time of day of a moment where the time zone `zone` is, the zone named and the
    reader's own time added when it differs: "09:00 (Iran Time, UTC+3:30; 12:30 your
    time)" (`owed.web.zones.zone_clock`)."""
    if value is None or value == "":
        return ""
    return zones.zone_clock(value, zone, page_language())


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


NUMERIC_INPUT_MODES = frozenset({"decimal", "numeric", "tel"})


@register.filter
def typed(field):
    """A form field whose text the user types (a text input, a text area) with ``dir="auto"``:
    a Latin name typed on a Persian page keeps its punctuation where it was typed, and Persian
    typed on an English page reads right to left. Number, date, e-mail, address and password
    fields and fields that set their own direction are left as they are."""
    widget = getattr(getattr(field, "field", None), "widget", None)
    if not isinstance(widget, forms.TextInput | forms.Textarea):
        return field
    if isinstance(widget, forms.widgets.DateTimeBaseInput):
        return field
    attrs = widget.attrs
    if attrs.get("type", "text") != "text" or attrs.get("inputmode") in NUMERIC_INPUT_MODES:
        return field
    attrs.setdefault("dir", "auto")
    return field


@register.filter(needs_autoescape=True)
def listing(items, style: str = "", autoescape: bool = True) -> str:
    """A list in the page's language: ``items|listing`` with "and" before the last ("email
    and letter", "ایمیل و نامه"); ``items|listing:"plain"`` with the language's comma only."""
    words = [conditional_escape(item) if autoescape else str(item) for item in items or ()]
    joined = lists.join_plain(words) if style == "plain" else lists.join_words(words)
    return mark_safe(joined) if autoescape else joined


@register.simple_tag
def list_separator() -> str:
    """The comma between the items of a list the template writes itself: ", " or "، "."""
    return lists.separator()


@register.filter
def isolate(text) -> str:
    """A name someone typed, set apart from the sentence around it in whatever direction
    it is written (U+2068 … U+2069, the text of a <bdi>): for a name inside a translated
    sentence or a page title, where no element can go."""
    text = str(text or "")
    if not text:
        return ""
    return f"{localize.FSI}{text}{localize.PDI}"


@register.filter
def country_name(code: str) -> str:
    """A country's name (ISO 3166 code) in the page's language: "ایالات متحده" for US on a
    Persian page; the code itself when Babel does not know it."""
    code = str(code or "").strip().upper()
    if not code:
        return ""
    return Locale.parse(page_language()).territories.get(code, code)


@register.filter
def language_name(code: str) -> str:
    """A language's name (en, vi, fa, th) in the page's language: "انگلیسی" for en on a
    Persian page."""
    code = str(code or "").strip().lower()
    if not code:
        return ""
    return Locale.parse(page_language()).languages.get(code, code)


RECIPIENT_LINES = {"To: ": lambda: pgettext("e-mail", "To"), "Cc: ": lambda: gettext("Cc")}


@register.filter
def mail_note(text) -> str:
    """A note with the recipients a sent message went to ("To: …", "Cc: …" lines, as the
    outbox records them) with those labels in the page's language and the addresses
    isolated; other lines as written."""
    lines = []
    for line in str(text or "").split("\n"):
        for start, label in RECIPIENT_LINES.items():
            if line.startswith(start):
                rest = localize.bidi_safe(line[len(start) :], page_language())
                line = f"{label()}: {rest}"
                break
        lines.append(line)
    return "\n".join(lines)
