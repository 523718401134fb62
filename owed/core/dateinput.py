"""Dates as a user of each of owed's languages types them into a form, in their calendar.

Pure functions over `date`; the web's date field (`owed.web.fields`) is a thin shell.

- **Persian** (``fa``): the Solar Hijri calendar, year first: ``۱۴۰۵/۰۹/۰۱`` (shown with
  Persian digits; Persian, Arabic-Indic or Latin digits are read). A year-first date with
  a year from 1700 on is read as a Gregorian ISO date (``2026-11-22``): no Solar Hijri
  year of owed's range (`FIRST` to `LAST`: 1278 to 1678) reaches 1700.
- **Thai** (``th``): day/month/year of the Buddhist era: ``22/11/2569``. A year from 2400
  on is Buddhist era, a lower one Christian era (``22/11/2026``, ``2026-11-22``); the
  Buddhist years of owed's range start at 2443. ``พ.ศ.`` or ``ค.ศ.`` before the year say
  which era it is. Thai digits are read.
- **Vietnamese** (``vi``): day/month/year: ``22/11/2026``, and ISO.
- **English** (``en``): ISO ``2026-11-22``, and the month by name (``22 Nov 2026``,
  ``November 22, 2026``); a numeric day-first date is refused (``03/04/2026`` is April or
  March depending on the reader).

Every language also reads ISO ``yyyy-mm-dd`` and the dates owed itself writes in it
(`owed.core.localize.format_date`, long and short), so a date copied from a page can be
pasted into a form. Separators may be ``/``, ``-``, ``.``, a comma (also the Persian
``٫`` and ``٬``, a phone's decimal key) or spaces.

A text that is not a date raises `DateInputError` saying why: ``unreadable`` (no date in
it), ``no_such_day`` (30 Esfand 1405, 30 February, month 13) or ``out_of_range`` (before
`FIRST` or after `LAST`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Final, Literal

import jdatetime
from babel import Locale

from owed.core.localize import (
    BUDDHIST_ERA_OFFSET,
    LOCALES,
    PERSIAN_MONTHS,
    check_language,
    to_persian_digits,
)
from owed.core.money import excerpt

FIRST: Final = date(1900, 1, 1)
LAST: Final = date(2299, 12, 31)
"""The days a form takes. The bounds keep the calendars apart: see the module's notes."""

Calendar = Literal["gregorian", "solar_hijri", "buddhist"]
Problem = Literal["unreadable", "no_such_day", "out_of_range"]

CALENDARS: Final[dict[str, Calendar]] = {
    "en": "gregorian",
    "vi": "gregorian",
    "fa": "solar_hijri",
    "th": "buddhist",
}

# A year-first Persian date with a year below this is Solar Hijri, else Gregorian.
_SOLAR_HIJRI_BELOW: Final = 1700
# A Thai year from this on is of the Buddhist era, below it of the Christian era.
_BUDDHIST_FROM: Final = 2400


class DateInputError(ValueError):
    """A text that is not a day: `problem` says why, `text` is what was typed (cut short)."""

    def __init__(self, text: str, problem: Problem) -> None:
        self.text = excerpt(text.strip(), 40)
        self.problem = problem
        super().__init__(f"{problem}: {self.text!r}")


def calendar(language: str) -> Calendar:
    """The calendar a user of `language` writes dates in."""
    return CALENDARS[check_language(language)]


def format_input(day: date, language: str) -> str:
    """`day` as the date field of `language` shows it, and as `parse_date` reads it back.

    For 2026-11-22: en "2026-11-22", vi "22/11/2026", fa "۱۴۰۵/۰۹/۰۱", th "22/11/2569".
    """
    code = check_language(language)
    if code == "fa":
        solar = jdatetime.date.fromgregorian(date=day)
        return to_persian_digits(f"{solar.year:04d}/{solar.month:02d}/{solar.day:02d}")
    if code == "th":
        return f"{day.day:02d}/{day.month:02d}/{day.year + BUDDHIST_ERA_OFFSET:04d}"
    if code == "vi":
        return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
    return day.isoformat()


def parse_date(text: str, language: str) -> date:
    """The day `text` names, read as a user of `language` writes it; `DateInputError` if
    it names none."""
    code = check_language(language)
    raw = text if isinstance(text, str) else ""
    tokens = _tokens(_normalize(raw), code) if len(raw) <= 200 else None
    if tokens is None:
        raise DateInputError(raw, "unreadable")
    numbers, month_named, era = tokens
    if month_named is not None:
        year, month, day, from_name = _named(numbers, month_named)
        if year is None:
            raise DateInputError(raw, "unreadable")
        kind = _named_calendar(code, from_name, year, era)
    else:
        if len(numbers) != 3:
            raise DateInputError(raw, "unreadable")
        first, middle, last = numbers
        if len(first) == 4 and len(last) <= 2:
            year, month, day = int(first), int(middle), int(last)
        elif len(last) == 4 and len(first) <= 2 and code != "en":
            year, month, day = int(last), int(middle), int(first)
        else:
            raise DateInputError(raw, "unreadable")
        if len(middle) > 2:
            raise DateInputError(raw, "unreadable")
        kind = _numeric_calendar(code, year, era)
    found = _to_date(kind, year, month, day)
    if found is None:
        raise DateInputError(raw, "no_such_day")
    if not FIRST <= found <= LAST:
        raise DateInputError(raw, "out_of_range")
    return found


# Reading


# Digits of other scripts, read as ASCII: Persian, Arabic-Indic and Thai.
_DIGITS: Final = str.maketrans(
    "۰۱۲۳۴۵۶۷۸۹" + "٠١٢٣٤٥٦٧٨٩" + "๐๑๒๓๔๕๖๗๘๙",
    "0123456789" * 3,
)
# Marks a text copied from a page may carry: bidi controls, joiners, the Arabic letter mark.
_INVISIBLE: Final = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]")
# Arabic letters a Persian keyboard may give in place of the Persian ones.
_LETTERS: Final = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه"})

_ENGLISH_MONTHS: Final = tuple(
    Locale.parse("en").months["format"]["wide"][m].lower() for m in range(1, 13)
)
_THAI_LOCALE: Final = Locale.parse(LOCALES["th"])
_THAI_MONTHS: Final = tuple(
    (_THAI_LOCALE.months["format"][width][m], m)
    for width in ("wide", "abbreviated")
    for m in range(1, 13)
)
_BUDDHIST_ERA: Final = "พ.ศ."
_CHRISTIAN_ERA: Final = "ค.ศ."


def _month_names(code: str) -> list[tuple[str, int, str]]:
    """(name, month, source) the language reads, longest name first (so that Dey, "دی", is
    not found inside Ordibehesht, "اردیبهشت"); English names in every language."""
    names: list[tuple[str, int, str]] = []
    for month, name in enumerate(_ENGLISH_MONTHS, start=1):
        names.append((name, month, "en"))
        names.append((name[:3], month, "en"))
    names.append(("sept", 9, "en"))
    if code == "fa":
        names += [(name, month, "fa") for month, name in enumerate(PERSIAN_MONTHS, start=1)]
    if code == "th":
        names += [(name, month, "th") for name, month in _THAI_MONTHS]
    return sorted(names, key=lambda n: len(n[0]), reverse=True)


_MONTH_NAMES: Final = {code: _month_names(code) for code in CALENDARS}
# Words a written date may hold besides the month: "ngày 22 tháng 11 năm 2026", "22nd".
_FILLERS: Final = {
    "en": {"st", "nd", "rd", "th", "of"},
    "vi": {"ngày", "năm"},
    "fa": {"ام", "روز", "سال", "ماه"},
    "th": {"วันที่", "วัน", "ที่", "เดือน", "ปี"},
}


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).translate(_DIGITS).translate(_LETTERS)
    text = "".join(c for c in text if unicodedata.category(c) != "Cc" or c.isspace())
    return text.strip().lower()


_MONTH_MARK: Final = "\x00"
_SEPARATORS: Final = r"/.\-,٫٬،"


def _tokens(text: str, code: str) -> tuple[list[str], tuple[int, str] | None, str] | None:
    """The numbers of the text, the month it names (month, source) and the era it says
    ("be", "ce" or ""); None if it holds anything else."""
    if not text or len(text) > 60:
        return None
    era = ""
    if _BUDDHIST_ERA in text:
        era, text = "be", text.replace(_BUDDHIST_ERA, " ")
    elif _CHRISTIAN_ERA in text:
        era, text = "ce", text.replace(_CHRISTIAN_ERA, " ")
    named: list[tuple[int, str]] = []
    if code == "vi":
        # "tháng 11" and CLDR's abbreviation "thg 11" are the month's name in Vietnamese.
        def vi_month(match: re.Match) -> str:
            named.append((int(match.group(1)), "vi"))
            return f" {_MONTH_MARK} "

        text = re.sub(r"\b(?:tháng|thg)\s*([0-9]{1,2})\b", vi_month, text)
    for name, month, source in _MONTH_NAMES[code]:
        if name in text and (source != "en" or re.search(rf"\b{name}\b", text)):
            named.append((month, source))
            text = re.sub(rf"\b{name}\b" if source == "en" else re.escape(name), " ", text)
            text = f"{text} {_MONTH_MARK}"  # where the name stood does not matter
            break
    if len(named) > 1:
        return None
    numbers: list[str] = []
    for token in re.findall(rf"[0-9]+|{_MONTH_MARK}|[^\s0-9{_MONTH_MARK}{_SEPARATORS}]+", text):
        if token.isdigit() and token.isascii():
            numbers.append(token)
        elif token == _MONTH_MARK or token in _FILLERS[code]:
            continue
        else:
            return None
    return numbers, (named[0] if named else None), era


def _named(numbers: list[str], named: tuple[int, str]) -> tuple[int | None, int, int, str]:
    """(year, month, day, source) of a date with the month by name: of its two numbers,
    the four-digit one is the year and the other the day."""
    month, source = named
    if len(numbers) != 2:
        return None, month, 0, source
    long = [n for n in numbers if len(n) == 4]
    short = [n for n in numbers if len(n) <= 2]
    if len(long) != 1 or len(short) != 1:
        return None, month, 0, source
    return int(long[0]), month, int(short[0]), source


def _numeric_calendar(code: str, year: int, era: str) -> Calendar:
    if code == "fa":
        return "solar_hijri" if year < _SOLAR_HIJRI_BELOW else "gregorian"
    if code == "th":
        return _thai_era(year, era)
    return "gregorian"


def _named_calendar(code: str, source: str, year: int, era: str) -> Calendar:
    if source == "fa":
        return "solar_hijri"
    if code == "th":
        return _thai_era(year, era)
    return "gregorian"


def _thai_era(year: int, era: str) -> Calendar:
    if era:
        return "buddhist" if era == "be" else "gregorian"
    return "buddhist" if year >= _BUDDHIST_FROM else "gregorian"


def _to_date(kind: Calendar, year: int, month: int, day: int) -> date | None:
    """The Gregorian day of (year, month, day) in `kind`, or None if there is no such day."""
    try:
        if kind == "solar_hijri":
            if year < 1:
                return None
            return jdatetime.date(year, month, day).togregorian()
        if kind == "buddhist":
            year -= BUDDHIST_ERA_OFFSET
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None
