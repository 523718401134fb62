"""Dates, amounts and numbers as a reader of each of owed's languages expects them.

Used by e-mails, PDF letters and web pages; pure functions over `date` and `Decimal`.

- Languages are ``en``, ``vi``, ``fa`` and ``th`` (`LANGUAGES`). Each formats with one
  CLDR locale (`LOCALES`): ``en`` (CLDR's English, US-style), ``vi_VN``, ``fa_IR``,
  ``th_TH``. A region subtag or other case is accepted (``fa-IR``, ``EN``); another
  language raises `LanguageError`.
- Dates: Babel's CLDR data for English and Vietnamese. Babel is Gregorian only (LAW.md
  section 5), so Persian dates are converted with jdatetime to the Solar Hijri calendar
  and written with Persian month names and digits, and Thai dates use the Buddhist era
  (year + 543) in Babel's Thai pattern without its era name.
- Amounts: Babel's currency pattern for the locale with the currency's minor units from
  `owed.core.money` (VND and IRR without decimals). An amount that would need rounding is
  refused with `MoneyError`, never rounded. Persian uses CLDR's ``arabext`` numbering
  system: Persian digits (۰-۹), ٬ between thousands, ٫ before decimals, ٪ and the minus
  sign CLDR gives; Babel leaves digits in ASCII, so they are converted here.
- Bidirectional text: `bidi_safe` wraps the left-to-right runs in Persian text (Latin
  words, invoice numbers, e-mail addresses, phone numbers, URLs) in Unicode isolates, so
  that an RTL paragraph cannot reorder them.

Thai has no spaces between words; breaking Thai lines is left to the HTML and PDF
renderers.
"""

from __future__ import annotations

import copy
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Final, Literal

import jdatetime
from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import (
    format_currency,
    format_decimal,
    get_currency_symbol,
    get_minus_sign_symbol,
    parse_pattern,
)
from babel.numbers import format_percent as babel_format_percent

from owed.core.money import MoneyError, check_currency, check_exact, excerpt, minor_units

LANGUAGES: Final = ("en", "vi", "fa", "th")

# The CLDR locale each language formats with. Plain "en" is CLDR's root English (US
# conventions: "November 22, 2026", "$" for USD); "en_GB" would give day-first dates.
LOCALES: Final[dict[str, str]] = {"en": "en", "vi": "vi_VN", "fa": "fa_IR", "th": "th_TH"}

DateStyle = Literal["long", "short"]
Direction = Literal["ltr", "rtl"]

PERSIAN_MONTHS: Final = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)

# The Buddhist era counts from 543 BCE: 2026 CE is 2569 BE.
BUDDHIST_ERA_OFFSET: Final = 543

LRI: Final = "\u2066"  # LEFT-TO-RIGHT ISOLATE
RLI: Final = "\u2067"  # RIGHT-TO-LEFT ISOLATE
FSI: Final = "\u2068"  # FIRST STRONG ISOLATE
PDI: Final = "\u2069"  # POP DIRECTIONAL ISOLATE

# ASCII and Arabic-Indic digits (٠-٩, used in Arabic) both become Persian digits (۰-۹).
_TO_PERSIAN_DIGITS: Final = str.maketrans(
    "0123456789\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
    "۰۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵۶۷۸۹",
)


class LanguageError(ValueError):
    """A language owed does not write in."""


def check_language(language: str) -> str:
    """Return owed's code for `language` (``fa`` for ``fa-IR``), or raise `LanguageError`."""
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        raise LanguageError(
            f"unknown language {excerpt(str(language))!r}; owed writes in {', '.join(LANGUAGES)}"
        )
    return code


def direction(language: str) -> Direction:
    """The writing direction of `language`: ``rtl`` for Persian, ``ltr`` otherwise."""
    return "rtl" if check_language(language) == "fa" else "ltr"


# Dates


def format_date(day: date, language: str, style: DateStyle = "long") -> str:
    """`day` written in `language`, ``long`` with the month's name or ``short`` in digits.

    For 2026-11-22: en "November 22, 2026" / "22 Nov 2026"; vi "22 tháng 11, 2026" /
    "22/11/2026"; fa "۱ آذر ۱۴۰۵" / "۱۴۰۵/۰۹/۰۱"; th "22 พฤศจิกายน 2569" / "22/11/2569".
    """
    code = check_language(language)
    if isinstance(day, datetime):
        # Which day a moment falls on depends on a time zone, which the caller knows.
        raise TypeError("format_date takes a date; convert the datetime to the local day first")
    if style not in ("long", "short"):
        raise ValueError(f"unknown date style {style!r}; use 'long' or 'short'")
    if code == "fa":
        return _persian_date(day, style)
    if code == "th":
        # CLDR's Thai long pattern is "d MMMM G y"; with the Buddhist year in place of the
        # Gregorian one the era name is dropped, as Thai letters and invoices write it.
        year = f"'{day.year + BUDDHIST_ERA_OFFSET}'"
        pattern = f"d MMMM {year}" if style == "long" else f"d/M/{year}"
        return babel_format_date(day, pattern, locale=LOCALES[code])
    if code == "vi" and style == "short":
        # CLDR's "d/M/yy" has a two-digit year; Vietnamese documents write dd/mm/yyyy.
        return babel_format_date(day, "dd/MM/y", locale=LOCALES[code])
    if code == "en" and style == "short":
        # "11/22/26" reads as 11 February in most of the world: the month as a word instead.
        return babel_format_date(day, "d MMM y", locale=LOCALES[code])
    return babel_format_date(day, style, locale=LOCALES[code])


def _persian_date(day: date, style: DateStyle) -> str:
    solar = jdatetime.date.fromgregorian(date=day)
    if style == "long":
        text = f"{solar.day} {PERSIAN_MONTHS[solar.month - 1]} {solar.year}"
    else:
        text = f"{solar.year:04d}/{solar.month:02d}/{solar.day:02d}"
    return to_persian_digits(text)


# Numbers and amounts


def format_amount(amount: Decimal, currency: str, language: str, *, symbol: bool = True) -> str:
    """`amount` of `currency` written in `language`, with exactly its minor units.

    E.g. 1234567 VND in vi "1.234.567 ₫", 1234567 IRR in fa "۱٬۲۳۴٬۵۶۷ ریال",
    1234.5 THB in th "฿1,234.50", 1234.5 GBP in en "£1,234.50". Without `symbol`, the
    number alone, for a table whose currency is said once: "1,234.50", "۱٬۲۳۴٬۵۶۷".
    Raises `MoneyError` for an unknown currency or an amount with more decimals than the
    currency has.
    """
    code = check_language(language)
    currency = check_currency(currency)
    value = _checked_decimal(amount)
    check_exact(value, currency)
    locale = Locale.parse(LOCALES[code])
    # owed's minor units, not Babel's (they agree today; money.py is the one rule).
    units = minor_units(currency)
    if not symbol:
        plain = copy.copy(locale.decimal_formats[None])
        plain.frac_prec = (units, units)
        text = format_decimal(
            value, format=plain, locale=locale, numbering_system=_numbering_system(code)
        )
        return _finish_number(text, code)
    if code == "fa":
        # CLDR's Persian pattern puts the currency first behind a LEFT-TO-RIGHT MARK, which
        # turns a whole plain-text line left to right; Persian writes the amount first:
        # "۱٬۲۳۴٬۵۶۷ ریال".
        pattern = parse_pattern("#,##0\u00a0¤")
    else:
        pattern = copy.copy(locale.currency_formats["standard"])
    pattern.frac_prec = (units, units)
    text = format_currency(
        value,
        currency,
        format=pattern,
        locale=locale,
        currency_digits=False,
        numbering_system=_numbering_system(code),
    )
    text = _currency_spacing(text, get_currency_symbol(currency, locale))
    return _finish_number(text, code)


def format_number(value: Decimal | int, language: str) -> str:
    """`value` with the language's separators and digits, every decimal it has kept."""
    code = check_language(language)
    text = format_decimal(
        _checked_decimal(value),
        locale=LOCALES[code],
        decimal_quantization=False,
        numbering_system=_numbering_system(code),
    )
    return _finish_number(text, code)


def format_percent(percent: Decimal | int, language: str) -> str:
    """A rate given in percent (12.75 for 12.75 %), as the language writes percentages.

    en and th "12.75%", vi "12,75%", fa "۱۲٫۷۵٪". Every decimal is kept.
    """
    code = check_language(language)
    text = babel_format_percent(
        _checked_decimal(percent).scaleb(-2),
        locale=LOCALES[code],
        decimal_quantization=False,
        numbering_system=_numbering_system(code),
    )
    return _finish_number(text, code)


def _checked_decimal(value: Decimal | int) -> Decimal:
    # bool is an int but never an amount; float would carry binary noise into the text.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"expected a Decimal, got {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise MoneyError(f"{value} is not a number")
    return value


def _numbering_system(code: str) -> str:
    # "default" is the locale's own: arabext for fa_IR, latn for the others.
    return "default" if code == "fa" else "latn"


def _finish_number(text: str, code: str) -> str:
    """Put in what Babel leaves out: the locale's minus and percent signs and digits."""
    locale = Locale.parse(LOCALES[code])
    numbering = locale.default_numbering_system if code == "fa" else "latn"
    minus = get_minus_sign_symbol(locale, numbering_system=numbering)
    percent = locale.number_symbols[numbering]["percentSign"]
    # Babel writes an ASCII "-" before negative numbers and keeps "%" from the pattern.
    text = text.replace("-", minus, 1).replace("%", percent)
    return to_persian_digits(text) if code == "fa" else text


def _currency_spacing(text: str, symbol: str) -> str:
    """Insert CLDR's currency spacing, which Babel does not apply.

    CLDR puts a no-break space between a currency symbol that does not end (or start) in
    a symbol character and an adjacent digit: "THB 1,234.50" but "£1,234.50".
    """
    at = text.find(symbol)
    if at < 0:
        return text
    end = at + len(symbol)
    if end < len(text) and text[end].isdigit() and not _is_symbol(symbol[-1]):
        text = text[:end] + "\u00a0" + text[end:]
    if at > 0 and text[at - 1].isdigit() and not _is_symbol(symbol[0]):
        text = text[:at] + "\u00a0" + text[at:]
    return text


def _is_symbol(char: str) -> bool:
    return unicodedata.category(char).startswith("S")


# Digits and bidirectional text


def to_persian_digits(text: str) -> str:
    """`text` with ASCII (0-9) and Arabic-Indic (٠-٩) digits replaced by Persian ones."""
    return text.translate(_TO_PERSIAN_DIGITS)


def isolate_ltr(text: str) -> str:
    """`text` inside a left-to-right isolate (U+2066 … U+2069), unless it already is one."""
    if not text or _is_one_isolate(text):
        return text
    return f"{LRI}{text}{PDI}"


def _is_one_isolate(text: str) -> bool:
    """True if `text` opens an isolate at its start that closes at its very end."""
    if text[0] not in (LRI, RLI, FSI):
        return False
    return _isolate_end(text, 0) == (len(text), True)


def bidi_safe(text: str, language: str) -> str:
    """`text` with each left-to-right run isolated when `language` is Persian.

    A line with no right-to-left character (a Latin name, "Saigon Kite Studio Co., Ltd.")
    is isolated whole, its punctuation with it. In a line that mixes both, a run starts
    and ends with a left-to-right character (a Latin, Thai or other LTR letter, or an
    ASCII digit) and takes in the spaces and punctuation between them, up to the next
    right-to-left character (Persian letters and digits stay as they are). A sign
    or currency before a number ("+98", "-5", "$5"), a "%" after it, a "/" after a URL and
    a bracket the run opens or closes go with the run. Text already inside an isolate is
    left alone, so applying this twice changes nothing. Other languages: `text` unchanged.
    """
    if check_language(language) != "fa":
        return text
    # Each paragraph (line) on its own: an isolate ends with its paragraph anyway.
    out: list[str] = []
    start = 0
    for i, char in enumerate(text):
        if unicodedata.bidirectional(char) == "B":
            out.append(_paragraph_safe(text[start:i]))
            out.append(char)
            start = i + 1
    out.append(_paragraph_safe(text[start:]))
    return "".join(out)


def _paragraph_safe(text: str) -> str:
    """One paragraph of `bidi_safe`: a paragraph with no right-to-left character is one
    left-to-right run, its punctuation included (the final "." of "Co., Ltd." would
    otherwise be set apart from it by the right-to-left text around it)."""
    kinds = {_bidi_kind(char) for char in text}
    if "ltr" in kinds and not kinds & {"rtl", "isolate", "break"}:
        stripped = text.strip()
        at = text.index(stripped)
        return f"{text[:at]}{LRI}{stripped}{PDI}{text[at + len(stripped) :]}"
    out: list[str] = []
    start = 0  # the start of the stretch of text not yet copied
    i = 0
    while i < len(text):
        kind = _bidi_kind(text[i])
        if kind == "isolate":
            out.append(_isolate_runs(text[start:i]))
            stop, _ = _isolate_end(text, i)
            out.append(text[i:stop])
            start = i = stop
        elif kind in ("rtl", "break"):
            out.append(_isolate_runs(text[start:i]))
            out.append(text[i])
            start = i = i + 1
        else:
            i += 1
    out.append(_isolate_runs(text[start:]))
    return "".join(out)


# Characters that go with a number written right after them, and with a run right before.
_LEADING_SIGNS: Final = frozenset("+-\u2212$€£¥₫฿#")
_TRAILING: Final = frozenset("%/")
_BRACKETS: Final = {"(": ")", "[": "]", "{": "}"}


def _isolate_runs(stretch: str) -> str:
    """Isolate the one LTR run in a stretch that holds no RTL character and no isolate."""
    ltr = [i for i, char in enumerate(stretch) if _bidi_kind(char) == "ltr"]
    if not ltr:
        return stretch
    first, last = ltr[0], ltr[-1]
    if first > 0 and stretch[first - 1] in _LEADING_SIGNS and stretch[first].isdigit():
        first -= 1
    if last + 1 < len(stretch) and stretch[last + 1] in _TRAILING:
        last += 1
    for opening, closing in _BRACKETS.items():
        run = stretch[first : last + 1]
        opened = run.count(opening) - run.count(closing)
        if opened < 0 and first > 0 and stretch[first - 1] == opening:
            first -= 1
        elif opened > 0 and last + 1 < len(stretch) and stretch[last + 1] == closing:
            last += 1
    return f"{stretch[:first]}{LRI}{stretch[first : last + 1]}{PDI}{stretch[last + 1 :]}"


def _bidi_kind(char: str) -> str:
    """How `bidi_safe` treats a character: ltr, rtl, isolate, break or neutral."""
    if "0" <= char <= "9":
        return "ltr"
    if "\u06f0" <= char <= "\u06f9":  # Persian digits are class EN, but Persian text
        return "rtl"
    if char == "\u060c":  # the Persian comma (class CS) separates, in Persian, what it lists
        return "rtl"
    cls = unicodedata.bidirectional(char)
    if cls == "L" and char != "\u200e":  # a LEFT-TO-RIGHT MARK is placed on purpose
        return "ltr"
    if cls in ("R", "AL", "AN"):
        return "rtl"
    if cls in ("LRI", "RLI", "FSI"):
        return "isolate"
    if cls in ("B", "S", "PDI"):  # a PDI that closes nothing must not close our isolate
        return "break"
    return "neutral"


def _isolate_end(text: str, at: int) -> tuple[int, bool]:
    """Where the isolate opened at `at` ends (the index after it), and whether a PDI closes it.

    As in the Unicode bidirectional algorithm, an isolate left open ends with its paragraph.
    """
    depth = 0
    for i in range(at, len(text)):
        char = text[i]
        if char in (LRI, RLI, FSI):
            depth += 1
        elif char == PDI:
            depth -= 1
            if depth == 0:
                return i + 1, True
        elif unicodedata.bidirectional(char) == "B":
            return i, False
    return len(text), False
